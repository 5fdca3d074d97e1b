"""Year-to-year carry-over between reports of one body (结转下年度 of year N = 上年结转 of N+1).

Reports are paired by issuing body and year. Body names are written differently from year to
year, so they are compared by :func:`body_key` and :func:`same_body`:

* the key is the name folded like a label (:func:`gxlib.normalize.match_key`: compatibility
  forms, whitespace, Traditional characters the folding table knows, punctuation and brackets
  dropped);
* two keys name one body when they are equal, or when the longer is the shorter preceded by
  higher-level place names — the extra text ends in an administrative level (省, 市, 区, 县, 州,
  盟, 旗, 地区, 自治区…) and the shorter name itself starts with a place of such a level
  (「淮安市洪泽区人民政府」 = 「洪泽区人民政府」). A short name that several longer names extend
  with different places is ambiguous and is not paired.

Nothing is silently skipped: a report that cannot be placed (no body, no year, ambiguous body)
gives GX803, one with no report of the same body a year before or after gives GX804, and a
pair whose table or rows are absent gives GX802 — an empty result means every report was
compared and every carry-over held.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from attrs import frozen

from gxlib.dedupe import unique_reports
from gxlib.normalize import match_key
from gxlib.values import Number

if TYPE_CHECKING:
    from gxlib.report import Report

CONTINUITY_CODE = "GX801"
CONTINUITY_UNCHECKABLE = "GX802"
NOT_PLACED = "GX803"
NO_NEIGHBOUR = "GX804"

# Administrative levels a place name ends in (generic words, not place names).
_LEVELS = ("自治区", "自治州", "自治县", "地区", "新区", "省", "市", "州", "盟", "区", "县", "旗")
# one or more place names, each ending in a level
_PLACE_PREFIX = re.compile("^(?:.{1,12}?(?:" + "|".join(_LEVELS) + "))+$")
_STARTS_WITH_PLACE = re.compile("^.{1,12}?(?:" + "|".join(_LEVELS) + ").")


@frozen
class ContinuityIssue:
    """A carry-over between two reports of one body that does not hold, or cannot be checked.

    ``code`` is ``GX801`` (mismatch, error), ``GX802`` (a value or the table is absent, info),
    ``GX803`` (the report could not be placed, warning) or ``GX804`` (no report of the year
    before or after, info). ``first`` is the report of ``year``, ``second`` the report of
    ``year + 1``; for GX803/GX804 only ``first`` is set, and ``year``/``column`` may be None.
    """

    code: str
    severity: str
    message: str
    body: str
    year: int | None
    column: str | None
    first_report_id: str | None
    first_source: str | None
    first_value: Number | None
    second_report_id: str | None
    second_source: str | None
    second_value: Number | None


def body_key(body: str) -> str:
    """The body name folded for comparison (see the module doc)."""
    return match_key(body)


def same_body(a: str, b: str) -> bool:
    """Do two body names (given as :func:`body_key`) name one body by the module's rule?"""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return _extends(long, short)


def _extends(long: str, short: str) -> bool:
    """``long`` = higher-level place names + ``short``, which itself starts with a place?"""
    if len(short) < 4 or len(long) <= len(short) or not long.endswith(short):
        return False
    return bool(_PLACE_PREFIX.match(long[: -len(short)]) and _STARTS_WITH_PLACE.match(short))


def _canonical_bodies(keys: Iterable[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each key → the longest name of its body; and the keys that fit several bodies.

    Linear in the number of names (times their length): longer names are indexed by each of
    their suffixes, so a name finds the names extending it by one lookup."""
    ordered = sorted(set(keys), key=lambda k: (-len(k), k))
    by_suffix: dict[str, list[str]] = defaultdict(list)
    to: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    for k in ordered:
        # the longest spellings this one extends to
        tops = sorted({to[o] for o in by_suffix.get(k, ()) if o in to and _extends(o, k)})
        if len(tops) > 1:
            ambiguous[k] = tops
        else:
            to[k] = tops[0] if tops else k
        for i in range(1, len(k) - 3):
            by_suffix[k[i:]].append(k)
    return to, ambiguous


def check_continuity(
    reports: Iterable[Report],
    table: str = "requests",
    forward: str = "carried_forward",
    over: str = "carried_over",
) -> list[ContinuityIssue]:
    """For reports of the same body in consecutive years, 结转下年度继续办理 (``carried_forward``)
    of year N must equal 上年结转 (``carried_over``) of year N+1, column by column.

    Takes any reports; returns one :class:`ContinuityIssue` per mismatch (GX801), per cell or
    table that could not be compared (GX802), per report that could not be placed (GX803) and
    per report with no neighbouring year (GX804). Several reports of one body and year (e.g.
    two reports with different content) are each compared with each of the next year's; a copy
    (same ``report_id``) is dropped with a GX805 warning. Bodies are matched by the rule
    in the module doc."""
    reports = unique_reports(reports)  # a copy would be compared with itself's neighbours twice
    issues: list[ContinuityIssue] = []
    keyed = [(r, body_key(r.metadata.body or "")) for r in reports]
    to, ambiguous = _canonical_bodies(k for _, k in keyed if k)
    spelled: dict[str, str] = {}  # canonical key -> the longest spelling seen, for messages
    by_key: dict[tuple[str, int], list[Report]] = defaultdict(list)
    for r, k in keyed:
        why = None
        if not k or r.metadata.year is None:
            why = "issuing body" if not k else "report year"
            why += " unknown"
            if not k and r.metadata.year is None:
                why = "issuing body and report year unknown"
        elif k in ambiguous:
            why = f"body {r.metadata.body} fits several bodies: {', '.join(ambiguous[k])}"
        if why is not None:
            issues.append(_single(NOT_PLACED, "warning", r, why))
            continue
        assert r.metadata.year is not None and r.metadata.body is not None
        canon = to[k]
        if len(r.metadata.body) >= len(spelled.get(canon, "")):
            spelled[canon] = r.metadata.body
        by_key[(canon, r.metadata.year)].append(r)
    for (canon, year), firsts in sorted(by_key.items()):
        body = spelled[canon]
        seconds = by_key.get((canon, year + 1), [])
        for a in firsts:
            for b in seconds:
                issues.extend(_compare(a, b, body, year, table, forward, over))
            if not seconds and (canon, year - 1) not in by_key:
                why = f"no report of {body} for {year - 1} or {year + 1}"
                issues.append(_single(NO_NEIGHBOUR, "info", a, why))
    return issues


def _single(code: str, severity: str, r: Report, why: str) -> ContinuityIssue:
    where = r.source or r.report_id
    return ContinuityIssue(
        code,
        severity,
        f"{where}: carry-over not checked: {why}",
        r.metadata.body or "",
        r.metadata.year,
        None,
        r.report_id,
        r.source,
        None,
        None,
        None,
        None,
    )


def _compare(
    a: Report, b: Report, body: str, year: int, table: str, forward: str, over: str
) -> list[ContinuityIssue]:
    from gxlib.errors import UnknownKeyError

    pair = f"{year} ({a.source or a.report_id}) and {year + 1} ({b.source or b.report_id})"
    try:
        ta, tb = a.table(table), b.table(table)
        absent = forward not in ta.rows or over not in tb.rows
    except UnknownKeyError:
        absent = True
    if absent:
        message = f"{body}: {table}/{forward} or {table}/{over} absent in {pair}: not checkable"
        return [
            ContinuityIssue(
                CONTINUITY_UNCHECKABLE,
                "info",
                message,
                body,
                year,
                None,
                a.report_id,
                a.source,
                None,
                b.report_id,
                b.source,
                None,
            )
        ]
    out: list[ContinuityIssue] = []
    for col in (c for c in ta.columns if c in tb.columns):
        ca, cb = ta.cell(forward, col), tb.cell(over, col)
        where = (
            f"{body}: {table}/{forward}/{col} of {year} ({a.source or a.report_id}) "
            f"vs {table}/{over}/{col} of {year + 1} ({b.source or b.report_id})"
        )
        if ca.status != "number" or cb.status != "number":
            code, severity = CONTINUITY_UNCHECKABLE, "info"
            message = f"{where}: not checkable ({ca.status} / {cb.status})"
        elif ca.value != cb.value:
            code, severity = CONTINUITY_CODE, "error"
            message = f"{where}: {ca.value} ≠ {cb.value}"
        else:
            continue
        out.append(
            ContinuityIssue(
                code,
                severity,
                message,
                body,
                year,
                col,
                a.report_id,
                a.source,
                ca.value,
                b.report_id,
                b.source,
                cb.value,
            )
        )
    return out


__all__ = ["ContinuityIssue", "body_key", "check_continuity", "same_body"]
