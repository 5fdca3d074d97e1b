"""What ``gxlib parse`` writes for one report, made where the report was parsed.

:func:`encode_report` runs in the worker process (see :func:`gxlib.batch.run_batch`): it turns a
:class:`Report` into the finished text of its output (a JSON line, its CSV rows, a table
rendering) plus the few facts the summary needs, so the parent only writes. Everything here
is a pure function of the report.

* File names are bytes on POSIX and need not be UTF-8. The ``source`` written is always valid
  UTF-8: an undecodable byte appears as ``\\xNN``. JSON records then also carry
  ``source_bytes``, the exact name in base64, so nothing is lost.
* CSV cells are spreadsheet-safe: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return gets a leading apostrophe, so that no spreadsheet runs it as a formula
  (the OWASP "CSV injection" rule). Numbers are written as they are.
* The CLI names its own flag in the profile-uncertain hint (GX601) instead of ``profile=...``.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
from typing import Any, TextIO

from attrs import evolve, frozen

from gxlib.batch import BatchError
from gxlib.report import Cell, Report

_STATUS_MARK = {"blank": "·", "placeholder": "/", "missing": "?", "invalid": "!", "ambiguous": "~"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
CLI_PROFILE_HINT = (
    "Pass --profile ID (or --profile FILE.toml) to gxlib parse if you know the format."
)


@frozen
class Encoded:
    """A report turned into output: ``text`` to write (or ``rows`` for Parquet), and what the
    summary counts."""

    source: str
    report_id: str | None
    profile: str
    codes: tuple[str, ...]
    errors: int
    text: str = ""
    fields: tuple[str, ...] = ()
    rows: tuple[dict[str, Any], ...] = ()


def display_path(source: str) -> str:
    """``source`` as valid UTF-8 text: bytes that are not UTF-8 appear as ``\\xNN``."""
    if not any("\udc80" <= ch <= "\udcff" for ch in source):
        return source
    return os.fsencode(source).decode("utf-8", "backslashreplace")


def source_fields(source: str) -> dict[str, str]:
    """``source`` for a JSON record, with ``source_bytes`` when the name is not UTF-8."""
    shown = display_path(source)
    if shown == source:
        return {"source": source}
    return {"source": shown, "source_bytes": base64.b64encode(os.fsencode(source)).decode()}


def for_cli(report: Report) -> Report:
    """The report with the GX601 hint naming the CLI flag (the library names ``profile=``)."""
    diags = tuple(
        evolve(
            d,
            message=d.message.replace("pass profile=...", "pass --profile ID"),
            hint=CLI_PROFILE_HINT,
        )
        if d.code == "GX601"
        else d
        for d in report.diagnostics
    )
    return evolve(report, diagnostics=diags)


def encode_report(report: Report, fmt: str) -> Encoded:
    """``report`` as the finished output of format ``fmt`` (table, json, jsonl, csv, facts,
    parquet)."""
    source = report.source or ""
    report = evolve(for_cli(report), source=display_path(source) if report.source else None)
    base = Encoded(
        source=source,
        report_id=report.report_id,
        profile=report.profile,
        codes=tuple(d.code for d in report.diagnostics),
        errors=len(report.errors),
    )
    if fmt == "parquet":
        from gxlib.frames import records

        return evolve(base, rows=tuple(records([report])))
    if fmt == "csv":
        recs = report.to_records()
        return evolve(base, text=csv_rows(recs), fields=tuple(recs[0]) if recs else ())
    if fmt == "facts":
        from gxlib.frames import FACT_COLUMNS, fact_records

        facts = [{k: rec.get(k) for k in FACT_COLUMNS} for rec in fact_records(report)]
        return evolve(base, text=csv_rows(facts), fields=tuple(FACT_COLUMNS))
    if fmt == "table":
        buf = io.StringIO()
        format_tables(report, buf)
        return evolve(base, text=buf.getvalue())
    data = report.to_dict()
    if report.source is not None:
        data.update(source_fields(source))
    indent = 2 if fmt == "json" else None
    return evolve(base, text=json.dumps(data, ensure_ascii=False, indent=indent) + "\n")


def error_line(err: BatchError) -> str:
    """A failed input as a JSON line: ``source`` (+ ``source_bytes``), ``report_id``,
    ``error``, ``message``."""
    rec = {**err.to_dict(), **source_fields(err.source)}
    return json.dumps(rec, ensure_ascii=False) + "\n"


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a ``'``."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_rows(records: list[dict[str, Any]]) -> str:
    """The CSV text of ``records`` (Excel dialect, as :class:`csv.DictWriter` writes it)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    for rec in records:
        writer.writerow([safe_cell(v) for v in rec.values()])
    return buf.getvalue()


def csv_header(fields: tuple[str, ...]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow(fields)
    return buf.getvalue()


def _shown(cell: Cell) -> str:
    if cell.status != "number":
        return _STATUS_MARK.get(cell.status, "?")
    if cell.unit:
        # money as printed, with its unit (the data holds yuan): 2853.96 万元
        m = _NUMBER.search(cell.raw or "")
        return f"{m.group(0) if m else cell.value} {cell.unit}"
    return str(cell.value)


def format_tables(report: Report, out: TextIO) -> None:
    """Human-readable rendering of a report: metadata, each table as a grid, diagnostics."""
    m = report.metadata
    out.write(f"{report.source or '<input>'}\n")
    out.write(
        f"  body: {m.body or '?'}   year: {m.year or '?'}   profile: {report.profile} "
        f"(score {report.detection.score:g})\n"
    )
    for table in report.tables:
        out.write(f"\n[{table.key}] {table.title}{'' if table.found else '  (not found)'}\n")
        if not table.found:
            continue
        shown = [[_shown(table.cell(r, c)) for c in table.columns] for r in table.rows]
        width = max((len(r) for r in table.rows), default=10)
        # every column as wide as its full key and its widest value: keys are never cut
        widths = [
            max([len(c), *(len(row[i]) for row in shown)]) + 2 for i, c in enumerate(table.columns)
        ]
        head = "".join(f"{c:>{w}}" for c, w in zip(table.columns, widths, strict=True))
        out.write(" " * (width + 2) + head + "\n")
        for row, vals in zip(table.rows, shown, strict=True):
            cells = "".join(f"{v:>{w}}" for v, w in zip(vals, widths, strict=True))
            out.write(f"  {row:<{width}}" + cells + "\n")
    format_facts(report, out)
    if report.diagnostics:
        out.write("\ndiagnostics:\n")
        for d in report.diagnostics:
            out.write(f"  {d.code} {d.severity:<7} {d.message}\n")
    out.write("\n")


def format_facts(report: Report, out: TextIO) -> None:
    """The facts the prose states, one line each: key, value (~ candidates), qualifier, line."""
    if not report.facts:
        return
    out.write("\nfacts (prose):\n")
    width = max(len(f.key) for f in report.facts)
    for f in report.facts:
        if f.status == "number":
            shown = f"{f.value}" + ("" if f.qualifier == "exact" else f" ({f.qualifier})")
        else:
            shown = "~ " + " | ".join(str(v) for v in f.candidates)
        line = f"line {f.location.line}" if f.location else ""
        out.write(f"  {f.key:<{width}}  {shown:<20} {line}\n")


__all__ = [
    "Encoded",
    "csv_header",
    "csv_rows",
    "display_path",
    "encode_report",
    "error_line",
    "for_cli",
    "format_facts",
    "format_tables",
    "safe_cell",
    "source_fields",
]
