"""Facts stated in a report's prose ("共收到政府信息公开申请2件", "未收到依申请公开事项").

What a format's prose states is profile data (:class:`~gxlib.profiles.model.FactSpec`): the key,
the kind of value, the unit words, the phrasings and the negations that state a zero. This
module only knows how numbers are written and how a sentence is delimited.

Guarantees:

* Only what a phrasing of the profile matches is read; prose no phrasing covers yields nothing.
  A key the prose does not state is absent from the result — never 0, never a guess.
* Numbers are read exactly: Arabic (with thousands separators), full-width, Chinese numerals
  (二十三, 一百零五, 两千) and 万/亿 multiples (1.2万 → 12000). A count that is not a whole
  number, or a numeral that is not well formed, is not a fact (``GX904``).
* ``qualifier``: ``approximate`` for 约/近/余/多/左右, ``at_least`` for 以上/超过/逾, otherwise
  ``exact`` (words from :class:`~gxlib.profiles.model.FactSyntax`).
* A number after a comparison or share word inside the phrasing (比上年增加…, 同比下降3件, 占…)
  is never a fact; a date or document number never fits a phrasing, which needs a unit word
  right after the number. A phrasing whose sentence names a channel, a kind or a cumulative
  span (the spec's ``exclude``), or that follows a "part" word (其中), is never the total.
* Two different values for one key make one ``ambiguous`` fact with every statement (``GX901``).
* Table text is skipped: grid ranges of structured documents, and lines of plain text laid out
  as cells (two or more ``|`` or tab separators).
* Cost: one canonicalisation per prose line and one search per phrasing over the joined prose,
  linear in the input.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from attrs import frozen

from gxlib import diagnostics as dg
from gxlib.diagnostics import Diagnostic
from gxlib.document import Document, Location
from gxlib.normalize import canonical
from gxlib.profiles.model import FactSpec, FactSyntax, Profile
from gxlib.values import Number

__all__ = [
    "Fact",
    "FactStatus",
    "Qualifier",
    "Statement",
    "compile_pattern",
    "read_facts",
    "read_number",
]

Qualifier = Literal["exact", "approximate", "at_least"]
FactStatus = Literal["number", "ambiguous"]


@frozen
class Statement:
    """One sentence stating a fact's value."""

    value: Number
    qualifier: Qualifier
    raw: str
    """The sentence as written in the document."""
    location: Location | None
    pattern: str
    """Id of the profile phrasing (or negation) that read it."""
    unit: str | None = None


@frozen
class Fact:
    """A value the prose states, under a profile's fact key (docs/keys.md).

    ``status == "number"``: ``value`` (``int`` for counts, ``Decimal`` yuan for money),
    ``qualifier``, the sentence (``raw``, ``location``) and ``pattern`` are those of the first
    statement; ``statements`` holds every sentence that stated the same value.
    ``status == "ambiguous"``: different values were stated; ``value`` is None, ``candidates``
    the distinct values ascending, ``statements`` all of them.
    """

    key: str
    kind: str
    status: FactStatus
    value: Number | None
    qualifier: Qualifier | None
    raw: str
    location: Location | None
    pattern: str
    unit: str | None = None
    candidates: tuple[Number, ...] = ()
    statements: tuple[Statement, ...] = ()


# -- numbers -------------------------------------------------------------------------------------

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "".join(_CN_DIGIT) + "".join(_CN_SMALL) + "".join(_CN_BIG)
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[万亿]?"
_NUMBER = rf"(?<![\d.,]){_ARABIC}(?![\d.])|(?<![{_CN_CHARS}])[{_CN_CHARS}]+"


def _chinese(text: str) -> int | None:
    """A Chinese numeral's value; None unless it is well formed (一百零五, 二十三, 十五, 两千)."""
    total = 0  # completed 亿/万 groups
    section = 0  # completed 千/百/十 parts below the current big unit
    digit: int | None = None
    last_small = 10**5
    last_big = 10**9
    zero = False
    for i, ch in enumerate(text):
        if ch in _CN_DIGIT:
            d = _CN_DIGIT[ch]
            if digit is not None:
                return None  # two digits in a row: 一二 is not a number
            if d == 0:
                zero = True
                continue
            digit = d
        elif ch in _CN_SMALL:
            unit = _CN_SMALL[ch]
            if unit >= last_small:
                return None
            if digit is None:
                if not (unit == 10 and i == 0 or unit == 10 and zero):
                    return None
                digit = 1
            section += digit * unit
            digit, last_small, zero = None, unit, False
        else:
            unit = _CN_BIG[ch]
            if unit >= last_big or (digit is None and section == 0):
                return None
            total += (section + (digit or 0)) * unit
            section, digit, last_small, last_big, zero = 0, None, 10**5, unit, False
    return total + section + (digit or 0)


def read_number(text: str) -> Decimal | None:
    """The exact value of a number as prose writes it, or None when it is not well formed."""
    s = text.replace(",", "")
    if not s:
        return None
    if s[0].isdigit():
        factor = 1
        if s[-1] in _CN_BIG:
            factor = _CN_BIG[s[-1]]
            s = s[:-1]
        try:
            return Decimal(s) * factor
        except InvalidOperation:
            return None
    value = _chinese(s)
    return None if value is None else Decimal(value)


# -- phrasings -----------------------------------------------------------------------------------


def _alt(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"


def expand(regex: str, spec: FactSpec, syntax: FactSyntax) -> str:
    """A phrasing's regex with its macros ({num}, {unit}, {gap}) expanded."""
    before = _alt((*syntax.approximate_before, *syntax.at_least_before))
    num = (
        f"(?P<pre>{before})?(?P<num>{_NUMBER})(?P<post>{_alt(syntax.approximate_after)})?"
    )
    after = _alt((*syntax.approximate_after_unit, *syntax.at_least_after_unit))
    unit = f"(?P<unit>{_alt(spec.units)})(?P<after>{after})?"
    gap = f"[^。;!?,()\\n]{{0,{syntax.gap}}}?"
    return regex.replace("{num}", num).replace("{unit}", unit).replace("{gap}", gap)


def compile_pattern(regex: str, spec: FactSpec, syntax: FactSyntax) -> re.Pattern[str]:
    """Compile a phrasing (raises ``re.error`` when it is not a valid regex)."""
    return re.compile(expand(regex, spec, syntax))


@frozen
class _Compiled:
    spec: FactSpec
    numbers: tuple[tuple[str, re.Pattern[str]], ...]
    negations: tuple[tuple[str, re.Pattern[str]], ...]
    exclude: re.Pattern[str] | None


@frozen
class _Guards:
    reject: re.Pattern[str]
    parts: re.Pattern[str]
    approx: frozenset[str]
    at_least: frozenset[str]


@lru_cache(maxsize=64)
def _compiled(profile: Profile) -> tuple[tuple[_Compiled, ...], _Guards]:
    syn = profile.fact_syntax
    out = []
    for spec in profile.facts:
        out.append(
            _Compiled(
                spec,
                tuple((p.id, compile_pattern(p.regex, spec, syn)) for p in spec.patterns),
                tuple((p.id, compile_pattern(p.regex, spec, syn)) for p in spec.negations),
                re.compile("|".join(f"(?:{x})" for x in spec.exclude)) if spec.exclude else None,
            )
        )
    guards = _Guards(
        reject=re.compile(_alt((*syn.comparisons, *syn.shares))),
        parts=re.compile(_alt(syn.parts)),
        approx=frozenset((*syn.approximate_before, *syn.approximate_after,
                          *syn.approximate_after_unit)),  # fmt: skip
        at_least=frozenset((*syn.at_least_before, *syn.at_least_after_unit)),
    )
    return tuple(out), guards


# -- prose ---------------------------------------------------------------------------------------

_RAW_END = re.compile("[。｡;；﹔!！?？]")
_CANON_END = re.compile("[。;!?]")


@frozen
class _Sentence:
    canon_start: int  # offset in the joined canonical prose
    canon: str
    raw: str
    location: Location


def _prose(doc: Document, line_at: Callable[[int], int]) -> list[_Sentence]:
    """The document's sentences outside tables, each with its canonical form."""
    text = doc.text
    skip = sorted((g.start, g.end) for g in doc.grids)
    starts = [s for s, _ in skip]
    out: list[_Sentence] = []
    pos = 0
    joined = 0
    n = len(text)
    while pos < n:
        end = text.find("\n", pos)
        if end < 0:
            end = n
        line = text[pos:end]
        start = pos
        pos = end + 1
        if not line.strip() or line.count("|") >= 2 or line.count("\t") >= 2:
            continue
        if skip:
            i = bisect.bisect_right(starts, start) - 1
            if i >= 0 and skip[i][0] <= start < skip[i][1]:
                continue
        canon_line = canonical(line)
        canon_parts = [p for p in _split(canon_line, _CANON_END) if p[1]]
        raw_parts = [p for p in _split(line, _RAW_END) if p[1].strip()]
        same = len(raw_parts) == len(canon_parts)
        for k, (_, canon) in enumerate(canon_parts):
            if same:
                off, raw = raw_parts[k]
                lead = len(raw) - len(raw.lstrip())
                raw = raw.strip()
                loc = Location(start + off + lead, line_at(start), len(raw))
            else:  # the line's sentences could not be paired: the line is the location
                raw = line.strip()
                loc = Location(start + line.index(raw[:1]), line_at(start), len(raw))
            out.append(_Sentence(joined, canon, raw, loc))
            joined += len(canon) + 1
    return out


def _split(text: str, ends: re.Pattern[str]) -> list[tuple[int, str]]:
    parts: list[tuple[int, str]] = []
    at = 0
    for m in ends.finditer(text):
        parts.append((at, text[at : m.end()]))
        at = m.end()
    if at < len(text):
        parts.append((at, text[at:]))
    return parts


def read_facts(
    doc: Document, profile: Profile, line_at: Callable[[int], int]
) -> tuple[tuple[Fact, ...], list[Diagnostic]]:
    """Read the facts ``profile`` declares from ``doc``'s prose.

    Returns the facts stated (in the profile's order; keys not stated are absent) and the
    diagnostics of reading them (``GX901`` ambiguous, ``GX904`` number not readable).
    """
    if not profile.facts:
        return (), []
    specs, guards = _compiled(profile)
    sentences = _prose(doc, line_at)
    if not sentences:
        return (), []
    joined = "\n".join(s.canon for s in sentences)
    starts = [s.canon_start for s in sentences]
    factors = {u.text: Decimal(u.factor) for u in profile.values.money_units}
    diags: list[Diagnostic] = []
    facts: list[Fact] = []
    for c in specs:
        found: list[Statement] = []
        seen: set[tuple[int, int]] = set()
        for pid, rx in c.numbers:
            for m in rx.finditer(joined):
                s = sentences[bisect.bisect_right(starts, m.start()) - 1]
                if not _admissible(m, s, c, guards, num_start=m.start("num")):
                    continue
                span = (m.start("num"), m.end("num"))
                if span in seen:
                    continue
                seen.add(span)
                value = _value(m, c.spec, factors)
                if value is None:
                    diags.append(
                        dg.make(
                            "GX904",
                            f"{c.spec.key}: {m.group('num')!r} in 「{s.raw}」 is not an exact "
                            f"{'amount' if c.spec.kind == 'money' else 'whole count'}",
                            location=s.location,
                        )
                    )
                    continue
                found.append(
                    Statement(value, _qualifier(m, guards), s.raw, s.location, pid, m["unit"])
                )
        for pid, rx in c.negations:
            for m in rx.finditer(joined):
                s = sentences[bisect.bisect_right(starts, m.start()) - 1]
                if not _admissible(m, s, c, guards, num_start=m.end()):
                    continue
                if (-1, s.canon_start) in seen:  # one zero per sentence
                    continue
                seen.add((-1, s.canon_start))
                zero: Number = Decimal(0) if c.spec.kind == "money" else 0
                found.append(Statement(zero, "exact", s.raw, s.location, pid))
        if found:
            found.sort(key=lambda st: st.location.offset if st.location else 0)
            fact, diag = _combine(c.spec, found)
            facts.append(fact)
            if diag is not None:
                diags.append(diag)
    return tuple(facts), diags


def _admissible(
    m: re.Match[str], s: _Sentence, c: _Compiled, guards: _Guards, *, num_start: int
) -> bool:
    """The phrasing states the fact itself: not a change or share, not a part, not per channel."""
    if "\n" in m.group(0):
        return False
    if guards.reject.search(m.string, m.start(), num_start):
        return False
    rel_start = m.start() - s.canon_start
    rel_end = m.end() - s.canon_start
    if guards.parts.search(s.canon, 0, rel_start):
        return False
    if c.exclude is not None:
        cut = guards.parts.search(s.canon, rel_end)
        if c.exclude.search(s.canon, 0, cut.start() if cut else len(s.canon)):
            return False
    return True


def _value(m: re.Match[str], spec: FactSpec, factors: dict[str, Decimal]) -> Number | None:
    n = read_number(m["num"])
    if n is None:
        return None
    if spec.kind == "money":
        factor = factors.get(m["unit"])
        if factor is None:
            return None
        return n * factor
    if n != n.to_integral_value():
        return None
    return int(n)


def _qualifier(m: re.Match[str], guards: _Guards) -> Qualifier:
    words = [w for w in (m["pre"], m["post"], m["after"]) if w]
    if any(w in guards.at_least for w in words):
        return "at_least"
    if any(w in guards.approx for w in words):
        return "approximate"
    return "exact"


def _combine(spec: FactSpec, found: list[Statement]) -> tuple[Fact, Diagnostic | None]:
    first = found[0]
    values = sorted({st.value for st in found})
    if len(values) == 1:
        exact = any(st.qualifier == "exact" for st in found)
        return (
            Fact(
                spec.key,
                spec.kind,
                "number",
                first.value,
                "exact" if exact else first.qualifier,
                first.raw,
                first.location,
                first.pattern,
                first.unit,
                (),
                tuple(found),
            ),
            None,
        )
    shown = "; ".join(
        f"{st.value} (line {st.location.line if st.location else '?'}: 「{st.raw}」)"
        for st in found
    )
    diag = dg.make(
        "GX901",
        f"{spec.key}: the prose states different values: {shown}",
        location=first.location,
        data={"fact": spec.key, "candidates": [str(v) for v in values]},
    )
    fact = Fact(
        spec.key,
        spec.kind,
        "ambiguous",
        None,
        None,
        first.raw,
        first.location,
        first.pattern,
        None,
        tuple(values),
        tuple(found),
    )
    return fact, diag
