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


FactKind = Literal["count", "money"]


@frozen
class FactPattern:
    """One phrasing of a fact: a regular expression over the canonical text of a sentence.

    Macros expand before compiling: ``{num}`` (a number, with the approximate/at-least words
    that may stand around it), ``{unit}`` (one of the fact's unit words), ``{gap}`` (a few
    characters within one clause). A number pattern must use ``{num}`` and ``{unit}``; a
    negation (a sentence stating zero) uses neither.
    """

    id: str
    regex: str


@frozen(cache_hash=True)
class FactSyntax:
    """Words around numbers in prose. Shared conventions, kept in data like :class:`ValueSyntax`."""

    approximate_before: tuple[str, ...] = ("大约", "将近", "接近", "约", "近")
    approximate_after: tuple[str, ...] = ("余", "多")
    approximate_after_unit: tuple[str, ...] = ("左右",)
    at_least_before: tuple[str, ...] = ("超过", "逾")
    at_least_after_unit: tuple[str, ...] = ("以上",)
    comparisons: tuple[str, ...] = (
        "比上年",
        "比去年",
        "较上年",
        "较去年",
        "同比",
        "环比",
        "相比",
        "增加",
        "减少",
        "增长",
        "下降",
        "上升",
        "提高",
        "降低",
        "持平",
    )
    """A number after one of these inside the phrasing is a change, never the fact."""
    shares: tuple[str, ...] = ("占比", "占")
    """A number after one of these is a share, never the fact."""
    parts: tuple[str, ...] = ("其中",)
    """Before a phrasing in its sentence: the number is a part of a total, never the fact.
    After it: what follows is the breakdown and does not count as the fact's context."""
    gap: int = 12
    """Most characters ``{gap}`` spans (never across a clause or sentence end)."""


@frozen
class FactSpec:
    """A fact a format's prose states: what it is, how it is written, what rules it out."""

    key: str
    patterns: tuple[FactPattern, ...]
    kind: FactKind = "count"
    units: tuple[str, ...] = ("件",)
    """Count words, or money units (their factors come from :attr:`ValueSyntax.money_units`)."""
    negations: tuple[FactPattern, ...] = ()
    exclude: tuple[str, ...] = ()
    """Regexes over the phrasing's sentence (up to a ``parts`` word after it): any match means
    the number is per channel, per kind or cumulative, never this fact."""
    description: str = ""


@frozen
class FactCheck:
    """A fact must equal the sum of table cells (``table/row/column``).

    ``when``/``unless`` are regexes searched in the canonical text of the stating sentence from
    where its phrasing starts (``^`` anchors there): the check applies only when ``when``
    matches and ``unless`` does not (e.g. "includes carried-over" right after the number).
    """

    id: str
    fact: str
    cells: tuple[str, ...]
    when: str | None = None
    unless: str | None = None
    description: str = ""


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
    facts: tuple[FactSpec, ...] = ()
    """Facts its prose states (issue 17); read by :mod:`gxlib.facts`."""
    fact_checks: tuple[FactCheck, ...] = ()
    fact_syntax: FactSyntax = FactSyntax()

    def fact_spec(self, key: str) -> FactSpec:
        for f in self.facts:
            if f.key == key:
                return f
        raise KeyError(key)

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
