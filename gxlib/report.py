"""The result model: a parsed report with every cell, its raw text, status and location."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Literal

from attrs import Factory, field, frozen

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
    verification: Verification = field(
        default=Factory(lambda self: _default_verification(self.status), takes_self=True)
    )
    """Whether the report's arithmetic proves the value (see :data:`Verification`)."""


Verification = Literal["proven", "unverified", "failed", "no_value"]
"""What the report's own arithmetic (the profile's rules, 勾稽关系) says about a cell.

* ``proven`` — a number; at least one rule covers it; every rule instance that covers it was
  checkable and holds; none of them was used to choose the reading; and no other wrong value
  could have hidden the error (no other cell is covered by exactly the same rule instances, and
  every row the rules cannot tell apart from this one holds the same value in this column).
  docs/verification.md states the guarantee exactly.
* ``unverified`` — a number that is read but not proven: no rule covers it, a rule covering it
  could not be checked, the rule chose the reading, or a compensating error could hide.
* ``failed`` — a number in a rule instance that was checked and does not hold.
* ``no_value`` — the cell holds no number (its ``status`` says which fact: blank, placeholder,
  invalid, ambiguous, missing).
"""

VERIFICATIONS: tuple[Verification, ...] = ("proven", "unverified", "failed", "no_value")


def _default_verification(status: Status) -> Verification:
    # never "proven" by default: only gxlib.verify proves a cell
    return "unverified" if status == "number" else "no_value"


@frozen
class VerificationSummary:
    """How many cells of a report are proven, read but unverified, failed, or hold no number."""

    cells: int
    proven: int
    unverified: int
    failed: int
    blank: int
    placeholder: int
    invalid: int
    ambiguous: int
    missing: int

    @property
    def read(self) -> int:
        """Cells that hold a number (proven + unverified + failed)."""
        return self.proven + self.unverified + self.failed

    @property
    def proven_share(self) -> float:
        """Proven cells as a share of all cells (0.0 for a report without cells)."""
        return self.proven / self.cells if self.cells else 0.0


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

    def verification_summary(self) -> VerificationSummary:
        """Counts of cells by verification state and, for cells without a number, by status."""
        counts: dict[str, int] = {}
        n = 0
        for c in self.cells():
            n += 1
            key = c.verification if c.verification != "no_value" else c.status
            counts[key] = counts.get(key, 0) + 1
        return VerificationSummary(
            cells=n,
            proven=counts.get("proven", 0),
            unverified=counts.get("unverified", 0),
            failed=counts.get("failed", 0),
            blank=counts.get("blank", 0),
            placeholder=counts.get("placeholder", 0),
            invalid=counts.get("invalid", 0),
            ambiguous=counts.get("ambiguous", 0),
            missing=counts.get("missing", 0),
        )

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
                    "verification": c.verification,
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
