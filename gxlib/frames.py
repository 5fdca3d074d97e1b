"""Reports as pandas data frames (``pip install 'gxlib[pandas]'``), and cross-document checks.

* :data:`SCHEMA` declares every column of the tidy (one row per cell) frame with its dtype, and
  gives the matching Arrow schema (:meth:`Schema.arrow`) for Parquet.
* :func:`to_pandas` — tidy frame, or with ``wide=True`` one table as rows × columns.
* :func:`diagnostics_frame` — one row per diagnostic, joinable on ``report_id``.
* :func:`harmonise` — 2019 and 2021 reports in one comparable frame.
* :func:`check_continuity` — 结转 of year N equals 上年结转 of year N+1 (:mod:`gxlib.continuity`,
  needs no pandas).

pandas and pyarrow are imported inside the functions so that ``import gxlib`` stays light.
"""

from __future__ import annotations

import typing
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from attrs import frozen

from gxlib.continuity import ContinuityIssue, check_continuity
from gxlib.dedupe import unique_reports, warn_duplicate
from gxlib.errors import MissingExtraError
from gxlib.report import VERIFICATIONS
from gxlib.values import Number, Status

if TYPE_CHECKING:
    from gxlib.profiles.model import Profile
    from gxlib.report import Report

STATUSES: tuple[str, ...] = typing.get_args(Status)


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as exc:
        raise MissingExtraError("pandas", "pandas") from exc
    return pd


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
    except ImportError as exc:
        raise MissingExtraError("parquet", "pyarrow") from exc
    return pa


@frozen
class Column:
    name: str
    pandas: str
    """pandas dtype name (``"category"`` gets its categories from :attr:`categories`)."""
    arrow: str
    """Arrow type: ``string``, ``int64``, ``float64`` or ``dictionary`` (int8 → string)."""
    doc: str
    categories: tuple[str, ...] = ()


@frozen
class Schema:
    """The columns of the tidy frame, in order, with explicit dtypes.

    Values: counts (``int``) and money (``Decimal`` yuan) share one column, so ``value`` is a
    **string** column holding the exact decimal text (``"4"``, ``"12345.67"``; never exponent
    notation) — a float column would silently round large money amounts, and an object column of
    ``Decimal``/``int`` does not survive Parquet or CSV. ``Decimal(frame.value)`` gives back
    the exact value. ``value_float`` is a ``float64`` convenience copy for arithmetic and
    plotting (NaN where the cell holds no number); it is exact for counts below 2**53 but may
    round money, so use ``value`` where a yuan matters.
    """

    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def dtypes(self) -> dict[str, Any]:
        """pandas dtypes by column name, ready for ``DataFrame.astype``."""
        pd = _pandas()
        out: dict[str, Any] = {}
        for c in self.columns:
            out[c.name] = (
                pd.CategoricalDtype(list(c.categories)) if c.pandas == "category" else c.pandas
            )
        return out

    def arrow(self) -> Any:
        """The matching ``pyarrow.Schema`` (pyarrow is imported here)."""
        pa = _pyarrow()
        types = {
            "string": pa.string(),
            "int64": pa.int64(),
            "float64": pa.float64(),
            "dictionary": pa.dictionary(pa.int8(), pa.string()),
        }
        return pa.schema([pa.field(c.name, types[c.arrow], nullable=True) for c in self.columns])


SCHEMA = Schema(
    (
        Column("report_id", "string", "string", "SHA-256 of the source bytes"),
        Column("source", "string", "string", "path or name the report was read from"),
        Column("body", "string", "string", "issuing body (发布机关), when found"),
        Column("year", "Int64", "int64", "report year, when found (nullable)"),
        Column("profile", "string", "string", "format profile id, e.g. gov-2021"),
        Column("table", "string", "string", "table key (docs/keys.md)"),
        Column("row", "string", "string", "row key"),
        Column("column", "string", "string", "column key"),
        Column("value", "string", "string", "exact value as decimal text; <NA> if no number"),
        Column("value_float", "float64", "float64", "value as float64 (may round money)"),
        Column("raw", "string", "string", "the cell text as found"),
        Column("status", "category", "dictionary", "cell status", STATUSES),
        Column(
            "verification",
            "category",
            "dictionary",
            "proven / unverified / failed by the report's arithmetic; no_value without a number",
            VERIFICATIONS,
        ),
        Column("row_label", "string", "string", "printed row label"),
        Column("column_label", "string", "string", "printed column label"),
        Column("unit", "string", "string", "money unit of the column or cell"),
        Column("line", "Int64", "int64", "1-based line of the cell in the decoded text"),
        Column("offset", "Int64", "int64", "character offset in the decoded text"),
        Column("page", "Int64", "int64", "PDF page, when the input was a PDF"),
    )
)


def exact_text(value: Number | None) -> str | None:
    """A value as exact decimal text: ``Decimal("1E+4")`` → ``"10000"``."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def records(reports: Iterable[Report]) -> list[dict[str, Any]]:
    """Tidy records in :data:`SCHEMA` order, values as exact text (no pandas needed)."""
    out: list[dict[str, Any]] = []
    for report in reports:
        for rec in report.to_records():
            v = rec["value"]
            rec["value"] = exact_text(v)
            rec["value_float"] = float(v) if v is not None else None
            out.append({name: rec.get(name) for name in SCHEMA.names})
    return out


def _frame(recs: list[dict[str, Any]]) -> Any:
    pd = _pandas()
    frame = pd.DataFrame.from_records(recs, columns=SCHEMA.names)
    # None in a float column must become NaN before astype, not the string "None"
    frame["value_float"] = pd.to_numeric(frame["value_float"], errors="coerce")
    return frame.astype(SCHEMA.dtypes())


def _as_reports(reports: Report | Iterable[Report], unique: bool = True) -> list[Report]:
    from gxlib.report import Report

    if isinstance(reports, Report):
        return [reports]
    # a copy of a report (same report_id) is dropped with a GX805 warning: never counted twice
    return unique_reports(reports) if unique else list(reports)


def to_pandas(
    reports: Report | Iterable[Report], wide: bool = False, table: str | None = None
) -> Any:
    """Reports as a data frame.

    ``wide=False``: the tidy frame, one row per cell, columns and dtypes as :data:`SCHEMA`.
    ``wide=True`` (needs ``table=``): that table as printed — row keys down, column keys across,
    indexed by ``(report_id, row)``. A column of counts is ``Int64``; a column holding money is
    ``object`` with exact ``Decimal`` values. Cells without a number are ``<NA>``.
    A report given twice (same ``report_id``, e.g. one file in two folders) is kept once, with a
    :class:`gxlib.errors.DuplicateReportWarning` (GX805).
    """
    reps = _as_reports(reports)
    if not wide:
        return _frame(records(reps))
    if table is None:
        raise ValueError("wide=True needs table=..., e.g. table='requests'")
    return _wide(reps, table)


def _wide(reports: list[Report], table: str) -> Any:
    pd = _pandas()
    index: list[tuple[str | None, str]] = []
    columns: dict[str, list[Number | None]] = {}
    for report in reports:
        t = report.table(table)
        for c in t.columns:
            # a column this report's format lacks stays <NA> for its rows
            columns.setdefault(c, [None] * len(index))
        for r in t.rows:
            index.append((report.report_id, r))
            for c, values in columns.items():
                values.append(t.cell(r, c).value if c in t.columns else None)
    data: dict[str, Any] = {}
    for c, values in columns.items():
        if all(v is None or isinstance(v, int) for v in values):
            data[c] = pd.array(values, dtype="Int64")
        else:
            # Decimal stays Decimal: exact yuan, as the cell holds them
            data[c] = pd.array([pd.NA if v is None else v for v in values], dtype=object)
    frame = pd.DataFrame(data, index=pd.MultiIndex.from_tuples(index, names=["report_id", "row"]))
    frame.columns.name = "column"
    return frame


def report_to_pandas(report: Report, wide: bool = False, table: str | None = None) -> Any:
    """:meth:`Report.to_pandas`: as :func:`to_pandas`, the wide frame indexed by row key only."""
    frame = to_pandas(report, wide=wide, table=table)
    return frame.droplevel("report_id") if wide else frame


def report_html(report: Report) -> str | None:
    """HTML for notebooks: header line, each found table wide, diagnostics. None without pandas
    so that Jupyter falls back to ``repr``."""
    import html

    try:
        _pandas()
    except MissingExtraError:
        return None
    m = report.metadata
    s = report.verification_summary()
    parts = [
        f"<p><b>{html.escape(m.body or '?')} {m.year or '?'}</b> · {html.escape(report.profile)}"
        f" · {len(report.errors)} error(s), {len(report.diagnostics)} diagnostic(s)</p>",
        f"<p>cells: {s.proven} proven ✓, {s.unverified} read but unverified, {s.failed} failed ✗,"
        f" {s.ambiguous} ambiguous, {s.missing} missing,"
        f" {s.blank + s.placeholder + s.invalid} blank/placeholder/invalid</p>",
    ]
    for t in report.tables:
        if t.found:
            parts.append(f"<p>{html.escape(t.key)} — {html.escape(t.title)}</p>")
            parts.append(_marked(report, t.key).to_html(na_rep="·"))
    if report.facts:
        parts.append(facts_html(report))
    if report.diagnostics:
        parts.append(diagnostics_frame(report)[["code", "severity", "message", "line"]].to_html())
    return "\n".join(parts)


_MARK = {"proven": " ✓", "failed": " ✗", "unverified": "", "no_value": ""}


def _marked(report: Report, table: str) -> Any:
    """The wide table as text, each value marked ✓ (proven) or ✗ (a rule failed)."""
    pd = _pandas()
    t = report.table(table)
    data = {
        c: [
            (exact_text(cell.value) or "") + _MARK[cell.verification]
            if (cell := t.cell(r, c)).value is not None
            else None
            for r in t.rows
        ]
        for c in t.columns
    }
    frame = pd.DataFrame(data, index=pd.Index(list(t.rows), name="row"))
    frame.columns.name = "column"
    return frame


def diagnostics_frame(reports: Report | Iterable[Report]) -> Any:
    """One row per diagnostic: report_id, source, code, name, severity, message, hint, line,
    offset, cells (``table/row/column`` joined by ``;``). Join on ``report_id``."""
    pd = _pandas()
    recs: list[dict[str, Any]] = []
    for report in _as_reports(reports, unique=False):
        for d in report.diagnostics:
            loc = d.location
            recs.append(
                {
                    "report_id": report.report_id,
                    "source": report.source,
                    "code": d.code,
                    "name": d.name,
                    "severity": d.severity,
                    "message": d.message,
                    "hint": d.hint,
                    "line": loc.line if loc else None,
                    "offset": loc.offset if loc else None,
                    "cells": ";".join(f"{c.table}/{c.row}/{c.column}" for c in d.cells) or None,
                }
            )
    names = ["report_id", "source", "code", "name", "severity", "message", "hint"]
    frame = pd.DataFrame.from_records(recs, columns=[*names, "line", "offset", "cells"])
    dtypes: dict[str, Any] = {n: "string" for n in names}
    dtypes |= {"severity": pd.CategoricalDtype(["error", "warning", "info"])}
    dtypes |= {"line": "Int64", "offset": "Int64", "cells": "string"}
    return frame.astype(dtypes)


# -- harmonised view ----------------------------------------------------------------------------


def _profiles(profiles: Sequence[str | Profile] | None) -> list[Profile]:
    from gxlib.profiles import registry

    if profiles is None:
        return list(registry.all_profiles())
    return [registry.get(p) if isinstance(p, str) else p for p in profiles]


def key_presence(
    profiles: Sequence[str | Profile] | None = None,
) -> dict[tuple[str, str, str], frozenset[str]]:
    """For every ``(table, row, column)`` key, the ids of the profiles that define it."""
    out: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for p in _profiles(profiles):
        for t in p.tables:
            for r in t.rows:
                for c in t.columns:
                    out[(t.key, r.key, c.key)].add(p.id)
    return {k: frozenset(v) for k, v in out.items()}


def rollups(
    profiles: Sequence[str | Profile] | None = None,
) -> dict[tuple[str, str], dict[str, tuple[str, ...]]]:
    """Rows a profile splits into parts: ``{(profile, table): {whole: parts}}``, e.g. gov-2021's
    ``other`` (the single 2019 row, which the profile declares as ``replaces`` its three
    ``other.*`` rows). Read from the profiles' ``replaces`` declarations, so a new profile that
    declares its splits gets the same harmonisation."""
    out: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
    for p in _profiles(profiles):
        for t in p.tables:
            for r in t.rows:
                if r.replaces:
                    out.setdefault((p.id, t.key), {})[r.key] = tuple(r.replaces)
    return out


def harmonise(
    data: Any,
    profiles: Sequence[str | Profile] | None = None,
) -> Any:
    """A tidy frame in which reports of different formats compare key by key.

    ``data`` is a tidy frame (from :func:`to_pandas`) or reports. Keys that mean the same are
    already shared by design (docs/keys.md). Added here:

    * ``format_only``: the profile id when a key exists in exactly one of ``profiles`` (default:
      every registered profile), else ``<NA>`` — e.g. ``regulatory_documents/*/issued`` is
      ``gov-2021`` only.
    * For rows one format splits and another keeps whole (gov-2021's ``other.no_correction``,
      ``other.unpaid_fee``, ``other.other`` vs gov-2019's ``other``), a derived parent row
      whose value is the sum of the children when every child is a number; otherwise its
      value is ``<NA>`` and its status ``missing``. ``derived`` is True on such rows and
      ``note`` says how the row was made or why no sum exists.

    Rows of a second source of one ``report_id`` (a copy) are dropped with a
    :class:`gxlib.errors.DuplicateReportWarning` (GX805), so no value is counted twice.
    """
    pd = _pandas()
    frame = _unique_frame(data) if isinstance(data, pd.DataFrame) else to_pandas(data)
    presence = key_presence(profiles)
    groups = rollups(profiles)
    derived: list[dict[str, Any]] = []
    if groups:
        wanted = set(groups)
        mask = [(p, t) in wanted for p, t in zip(frame["profile"], frame["table"], strict=True)]
        by_cell: dict[tuple[Any, ...], dict[str, Any]] = {}
        for rec in frame[mask].to_dict("records"):
            key = (rec["report_id"], rec["profile"], rec["table"], rec["column"], rec["row"])
            by_cell[key] = rec
        places = sorted({k[:4] for k in by_cell}, key=str)
        for place in places:
            for whole, parts in groups[(place[1], place[2])].items():
                # a report that printed the whole row (template drift) already has it
                if (*place, whole) not in by_cell:
                    derived.append(_sum_row(by_cell, place, whole, parts))
    out = frame.assign(derived=False, note=pd.NA)
    if derived:
        extra = pd.DataFrame.from_records(derived, columns=[*SCHEMA.names, "derived", "note"])
        extra["value_float"] = pd.to_numeric(extra["value_float"], errors="coerce")
        extra = extra.astype(SCHEMA.dtypes())
        out = pd.concat([out, extra], ignore_index=True)
    out = out.astype({**SCHEMA.dtypes(), "derived": "bool", "note": "string"})
    out["format_only"] = pd.array(
        [
            next(iter(ids)) if ids is not None and len(ids) == 1 else None
            for ids in (
                presence.get((t, r, c))
                for t, r, c in zip(out["table"], out["row"], out["column"], strict=True)
            )
        ],
        dtype="string",
    )
    return out


def _unique_frame(frame: Any) -> Any:
    """The tidy frame without the rows of a second source of one ``report_id`` (a copy)."""
    pairs = frame[["report_id", "source"]].drop_duplicates()
    pairs = pairs[pairs["report_id"].notna()]
    copies = pairs[pairs["report_id"].duplicated()]
    if copies.empty:
        return frame
    kept = pairs.drop_duplicates("report_id").set_index("report_id")["source"]
    for rid, source in zip(copies["report_id"], copies["source"], strict=True):
        warn_duplicate(str(rid), kept[rid], source)
    drop = set(zip(copies["report_id"], copies["source"], strict=True))
    mask = [(r, s) not in drop for r, s in zip(frame["report_id"], frame["source"], strict=True)]
    return frame[mask]


def _sum_row(
    by_cell: dict[tuple[Any, ...], dict[str, Any]],
    where: tuple[Any, ...],
    parent: str,
    children: tuple[str, ...],
) -> dict[str, Any]:
    cells = [by_cell.get((*where, child)) for child in children]
    base = next(c for c in cells if c is not None)
    rec = {name: base.get(name) for name in SCHEMA.names}
    rec |= {"row": parent, "raw": None, "row_label": "", "line": None, "offset": None}
    rec |= {"page": None, "derived": True, "verification": "no_value"}
    bad = [
        f"{child}: {c['status'] if c is not None else 'absent'}"
        for child, c in zip(children, cells, strict=True)
        if c is None or c["status"] != "number"
    ]
    if bad:
        rec |= {"value": None, "value_float": None, "status": "missing"}
        rec["note"] = f"sum of {', '.join(children)} not taken: " + "; ".join(bad)
        return rec
    total: Number = sum((_number(c["value"]) for c in cells if c is not None), start=0)
    rec |= {"value": exact_text(total), "value_float": float(total), "status": "number"}
    rec["verification"] = "unverified"  # a sum gxlib made, not one the report's rules checked
    rec["note"] = "sum of " + ", ".join(children)
    return rec


def _number(text: Any) -> Number:
    return int(text) if "." not in str(text) else Decimal(str(text))


# -- cross-document checks ----------------------------------------------------------------------


def continuity_frame(issues: Iterable[ContinuityIssue]) -> Any:
    """Continuity issues as a data frame (columns as :class:`ContinuityIssue`)."""
    from attrs import asdict

    pd = _pandas()
    recs = [asdict(i) for i in issues]
    for r in recs:
        r["first_value"] = exact_text(r["first_value"])
        r["second_value"] = exact_text(r["second_value"])
    names = [f.name for f in ContinuityIssue.__attrs_attrs__]
    return pd.DataFrame.from_records(recs, columns=names)


__all__ = [
    "SCHEMA",
    "ContinuityIssue",
    "Schema",
    "check_continuity",
    "continuity_frame",
    "diagnostics_frame",
    "exact_text",
    "harmonise",
    "key_presence",
    "records",
    "report_html",
    "report_to_pandas",
    "rollups",
    "to_pandas",
]


# -- prose facts --------------------------------------------------------------------------------

FACT_COLUMNS: tuple[str, ...] = (
    "report_id", "source", "profile", "body", "year", "key", "kind", "status", "value",
    "value_float", "qualifier", "unit", "candidates", "pattern", "raw", "line", "offset", "page",
)  # fmt: skip
"""Columns of :func:`facts_frame`, in order."""


def fact_records(reports: Report | Iterable[Report]) -> list[dict[str, Any]]:
    """One flat dict per stated fact (columns :data:`FACT_COLUMNS`; no pandas needed).

    ``value`` is exact text (``"93"``, ``"12000.5"``), ``candidates`` the values of an ambiguous
    fact joined by ``;``.
    """
    out: list[dict[str, Any]] = []
    for report in _as_reports(reports):
        for f in report.facts:
            loc = f.location
            out.append(
                {
                    "report_id": report.report_id,
                    "source": report.source,
                    "profile": report.profile,
                    "body": report.metadata.body,
                    "year": report.metadata.year,
                    "key": f.key,
                    "kind": f.kind,
                    "status": f.status,
                    "value": exact_text(f.value),
                    "value_float": float(f.value) if f.value is not None else None,
                    "qualifier": f.qualifier,
                    "unit": f.unit,
                    "candidates": ";".join(exact_text(v) or "" for v in f.candidates) or None,
                    "pattern": f.pattern,
                    "raw": f.raw,
                    "line": loc.line if loc else None,
                    "offset": loc.offset if loc else None,
                    "page": loc.page if loc else None,
                }
            )
    return out


def facts_frame(reports: Report | Iterable[Report]) -> Any:
    """The tidy facts frame, one row per stated fact, next to the cells frame of
    :func:`to_pandas` (join on ``report_id``). Needs ``gxlib[pandas]``."""
    pd = _pandas()
    frame = pd.DataFrame.from_records(fact_records(reports), columns=list(FACT_COLUMNS))
    frame["value_float"] = pd.to_numeric(frame["value_float"], errors="coerce")
    dtypes: dict[str, Any] = {c: "string" for c in FACT_COLUMNS}
    dtypes |= {"year": "Int64", "line": "Int64", "offset": "Int64", "page": "Int64"}
    dtypes |= {"value_float": "float64"}
    return frame.astype(dtypes)


def facts_html(report: Report) -> str:
    """The facts of ``report`` as an HTML table (empty string when the prose states none)."""
    import html

    if not report.facts:
        return ""
    rows = []
    for f in report.facts:
        shown = (
            exact_text(f.value)
            if f.status == "number"
            else "~ " + " | ".join(exact_text(v) or "" for v in f.candidates)
        )
        line = f.location.line if f.location else ""
        rows.append(
            f"<tr><td>{html.escape(f.key)}</td><td>{html.escape(shown or '')}</td>"
            f"<td>{html.escape(f.qualifier or f.status)}</td><td>{line}</td>"
            f"<td>{html.escape(f.raw)}</td></tr>"
        )
    return (
        "<p>facts stated in the prose</p><table><thead><tr><th>key</th><th>value</th>"
        "<th>qualifier</th><th>line</th><th>sentence</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
