"""The profile data model: what a template version looks like, as frozen attrs classes.

A profile is data (a TOML file under ``profiles/``); these classes are its validated, typed form.
The extractor reads nothing about a format from anywhere else.
"""

from __future__ import annotations

from typing import Literal

from attrs import frozen

ValueType = Literal["count", "signed_count", "money"]
Layout = Literal["rows", "flat"]
RuleEach = Literal["row", "column"]


@frozen
class Signal:
    """Text whose presence in a document is evidence for this profile."""

    text: str
    weight: float = 1.0


@frozen
class Detection:
    signals: tuple[Signal, ...] = ()
    year_weight: float = 1.0
    """Weight of the report year falling in :attr:`Profile.years` (a prior, kept weak)."""


@frozen(cache_hash=True)
class Unit:
    """A money unit as written after a number, and its factor to yuan (a decimal string)."""

    text: str
    factor: str


@frozen(cache_hash=True)
class ValueSyntax:
    """How cell text is written: placeholders and units. Shared conventions, kept in data."""

    placeholders: tuple[str, ...] = ("/", "-", "—", "——", "－", "无", "不适用", "\\", "／")
    money_units: tuple[Unit, ...] = (
        Unit("元", "1"),
        Unit("万元", "10000"),
        Unit("万", "10000"),
        Unit("亿元", "100000000"),
    )
    count_units: tuple[str, ...] = ("件", "个", "项", "条", "次", "宗", "人次")
    increase_words: tuple[str, ...] = ("增加", "增")
    decrease_words: tuple[str, ...] = ("减少", "减")


@frozen
class Section:
    key: str
    number: str
    title: str
    variants: tuple[str, ...] = ()


@frozen
class Group:
    """A stub cell spanning several rows (or a header spanning several columns)."""

    key: str
    label: str
    variants: tuple[str, ...] = ()
    parent: str | None = None


@frozen
class Column:
    key: str
    label: str
    variants: tuple[str, ...] = ()
    drift_variants: tuple[str, ...] = ()
    group: str | None = None
    type: ValueType = "count"
    unit: str | None = None
    """Default money unit when neither the cell nor the header states one (e.g. ``万元``)."""


@frozen
class Row:
    key: str
    label: str
    variants: tuple[str, ...] = ()
    drift_variants: tuple[str, ...] = ()
    group: str | None = None
    type: ValueType | None = None
    """Overrides the column's value type for this row (e.g. a signed row)."""
    optional: bool = False
    """An absent optional row is not reported missing."""
    replaces: tuple[str, ...] = ()
    """Rows this row stands in for when they are absent (template drift)."""
    drift: str | None = None
    """When set, finding this row is template drift; the text explains it in a diagnostic."""


@frozen
class Rule:
    """An arithmetic identity: ``sum(left) == sum(right)``, applied in each row or each column.

    With ``each = "column"`` the terms name rows and the rule holds in every column; with
    ``each = "row"`` the terms name columns. A term ending in ``*`` names every key with that
    prefix.
    """

    id: str
    each: RuleEach
    left: tuple[str, ...]
    right: tuple[str, ...]
    description: str = ""
    only: tuple[str, ...] = ()
    """Restrict the rule to these rows/columns (default: all)."""


@frozen
class Table:
    key: str
    section: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    layout: Layout = "rows"
    anchors: tuple[str, ...] = ()
    """Text that starts the table (block titles); the table is searched from there."""
    header: tuple[str, ...] = ()
    """Other header texts that belong to the table (stub headers, notes, spanning titles)."""
    groups: tuple[Group, ...] = ()
    column_groups: tuple[Group, ...] = ()
    rules: tuple[Rule, ...] = ()

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)


@frozen(cache_hash=True)
class Profile:
    id: str
    version: str
    title: str
    source: str
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    years: tuple[int, ...] = ()
    years_from: int | None = None
    """Open-ended prior: the profile usually applies from this year on."""
    detection: Detection = Detection()
    values: ValueSyntax = ValueSyntax()
    description: str = ""

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def applies_to_year(self, year: int) -> bool:
        if year in self.years:
            return True
        return self.years_from is not None and year >= self.years_from
