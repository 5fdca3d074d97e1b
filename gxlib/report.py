"""The result model: a parsed report with every cell, its raw text, status and location."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from attrs import field, frozen

from gxlib.diagnostics import Diagnostic
from gxlib.document import Location, Step
from gxlib.errors import UnknownKeyError
from gxlib.facts import Fact
from gxlib.values import Number, Status


@frozen
class Cell:
    table: str
    row: str
    column: str
    status: Status
    value: Number | None = None
    raw: str | None = None
    location: Location | None = None
    row_label: str = ""
    column_label: str = ""
    unit: str | None = None
    candidates: tuple[Number, ...] = ()


@frozen
class Table:
    key: str
    title: str
    found: bool
    cells: tuple[Cell, ...]
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    _index: dict[tuple[str, str], Cell] = field(
        init=False, eq=False, repr=False, hash=False, alias="_index"
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", {(c.row, c.column): c for c in self.cells})

    def cell(self, row: str, column: str) -> Cell:
        try:
            return self._index[(row, column)]
        except KeyError:
            raise UnknownKeyError(
                f"table {self.key!r} has no cell ({row!r}, {column!r}); "
                f"rows: {', '.join(self.rows)}; columns: {', '.join(self.columns)}"
            ) from None

    def value(self, row: str, column: str) -> Number | None:
        return self.cell(row, column).value

    def __iter__(self) -> Iterator[Cell]:
        return iter(self.cells)


@frozen
class Section:
    key: str
    number: str
    title: str
    found: bool
    heading: str | None = None
    location: Location | None = None
    end: int | None = None


@frozen
class Candidate:
    profile: str
    score: float
    evidence: tuple[str, ...] = ()


@frozen
class Detection:
    profile: str
    score: float
    forced: bool = False
    ranking: tuple[Candidate, ...] = ()


@frozen
class Metadata:
    body: str | None = None
    year: int | None = None
    date: dt.date | None = None
    """Signature date printed at the end of the report."""
    published: dt.date | None = None
    """Publication date printed on the page (发布时间), when present."""
    title: str | None = None


@frozen
class Report:
    profile: str
    detection: Detection
    metadata: Metadata
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    diagnostics: tuple[Diagnostic, ...]
    steps: tuple[Step, ...] = ()
    source: str | None = None
    report_id: str | None = None
    """Stable id: SHA-256 of the source bytes (of the UTF-8 text for str input)."""
    kind: str = "text"
    encoding: str | None = None
    facts: tuple[Fact, ...] = ()
    """Facts stated in the prose (:mod:`gxlib.facts`); a key the prose does not state is absent."""

    # -- access --------------------------------------------------------------------------------
    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise UnknownKeyError(
            f"profile {self.profile!r} has no table {key!r}; "
            f"tables: {', '.join(t.key for t in self.tables)}"
        )

    def cell(self, table: str, row: str, column: str) -> Cell:
        return self.table(table).cell(row, column)

    def value(self, table: str, row: str, column: str) -> Number | None:
        return self.cell(table, row, column).value

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise UnknownKeyError(f"no section {key!r}")

    def fact(self, key: str) -> Fact | None:
        """The fact ``key`` (docs/keys.md, "Facts") as the prose states it, or None when the
        prose does not state it."""
        for f in self.facts:
            if f.key == key:
                return f
        return None

    def cells(self) -> Iterator[Cell]:
        for t in self.tables:
            yield from t.cells

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def ok(self) -> bool:
        """True when no error diagnostic was raised."""
        return not self.errors

    # -- export -------------------------------------------------------------------------------
    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per cell: the tidy shape for CSV, data frames and databases."""
        out: list[dict[str, Any]] = []
        for c in self.cells():
            loc = c.location
            out.append(
                {
                    "report_id": self.report_id,
                    "source": self.source,
                    "profile": self.profile,
                    "body": self.metadata.body,
                    "year": self.metadata.year,
                    "table": c.table,
                    "row": c.row,
                    "column": c.column,
                    "value": c.value,
                    "raw": c.raw,
                    "status": c.status,
                    "row_label": c.row_label,
                    "column_label": c.column_label,
                    "unit": c.unit,
                    "line": loc.line if loc else None,
                    "offset": loc.offset if loc else None,
                    "page": loc.page if loc else None,
                }
            )
        return out

    def to_pandas(self, wide: bool = False, table: str | None = None) -> Any:
        """A data frame: tidy (one row per cell) or, with ``wide=True`` and ``table=``, that
        table as rows × columns. Needs ``gxlib[pandas]``; see :mod:`gxlib.frames`."""
        from gxlib.frames import report_to_pandas

        return report_to_pandas(self, wide=wide, table=table)

    def facts_to_pandas(self) -> Any:
        """The facts the prose states, one row each (see :func:`gxlib.frames.facts_frame`)."""
        from gxlib.frames import facts_frame

        return facts_frame(self)

    def _repr_html_(self) -> str | None:
        from gxlib.frames import report_html

        return report_html(self)

    def to_dict(self) -> dict[str, Any]:
        from gxlib.serialize import report_to_dict

        return report_to_dict(self)

    def to_json(self, *, indent: int | None = None) -> str:
        from gxlib.serialize import report_to_json

        return report_to_json(self, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        from gxlib.serialize import report_from_dict

        return report_from_dict(data)

    @classmethod
    def from_json(cls, text: str) -> Report:
        from gxlib.serialize import report_from_json

        return report_from_json(text)

    def __repr__(self) -> str:
        counts: dict[str, int] = {}
        for c in self.cells():
            counts[c.status] = counts.get(c.status, 0) + 1
        body = self.metadata.body or "?"
        return (
            f"<Report {body} {self.metadata.year or '?'} profile={self.profile} "
            f"cells={dict(sorted(counts.items()))} diagnostics={len(self.diagnostics)}>"
        )


def decimal_or_int(value: Any) -> Number | None:
    if value is None or isinstance(value, int | Decimal):
        return value
    if isinstance(value, str):
        return Decimal(value)
    raise TypeError(f"not a cell value: {value!r}")
