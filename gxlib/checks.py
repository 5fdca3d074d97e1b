"""Evaluating a profile's arithmetic rules (勾稽关系) on the extracted tables.

A rule is checked only when every operand is a number; an operand that is blank, a placeholder,
invalid, ambiguous or missing makes the rule "not checkable" — reported as such, never as
passed or failed.

:func:`rule_instances` lists every instance of every rule (one per row or per column) with its
cells; :func:`check_tables` turns them into diagnostics and :mod:`gxlib.verify` into each cell's
verification state, so the two can never disagree about what a rule covers.
"""

from __future__ import annotations

from collections.abc import Iterator

from attrs import frozen

from gxlib import diagnostics as dg
from gxlib.diagnostics import CellRef, Diagnostic
from gxlib.profiles.loading import rule_terms
from gxlib.profiles.model import Profile, Rule
from gxlib.profiles.model import Table as TableSpec
from gxlib.report import Cell, Table


@frozen
class RuleInstance:
    """One rule applied in one row (``each = "row"``) or one column: ``sum(left) == sum(right)``."""

    rule: Rule
    instance: str
    """The row key (``each = "row"``) or column key the rule is applied in."""
    left: tuple[Cell, ...]
    right: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return self.left + self.right

    @property
    def checkable(self) -> bool:
        """Every operand is a number."""
        return all(c.status == "number" for c in self.cells)

    @property
    def holds(self) -> bool:
        """Checkable and both sides are equal."""
        return self.checkable and _total(self.left) == _total(self.right)


def _total(cells: tuple[Cell, ...]) -> object:
    return sum(c.value for c in cells if c.value is not None)


InstanceKeys = tuple[Rule, str, tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]
"""A rule instance as keys: ``(rule, instance, left (row, column) keys, right keys)``."""

_KEYS_CACHE: dict[
    tuple[int, tuple[str, ...], frozenset[str]], tuple[TableSpec, list[InstanceKeys]]
] = {}


def instance_keys(
    spec: TableSpec, rows: tuple[str, ...], missing: frozenset[str]
) -> list[InstanceKeys]:
    """Every rule instance of ``spec`` for a table printing ``rows``, of which ``missing`` were
    not found at all. Cached: the same few row sets recur in every report of a format."""
    key = (id(spec), rows, missing)
    hit = _KEYS_CACHE.get(key)
    if hit is not None and hit[0] is spec:
        return hit[1]
    not_missing = set(rows) - missing
    present = _present_rows(spec, rows, not_missing)
    out: list[InstanceKeys] = []
    for rule in spec.rules:
        left = rule_terms(spec, rule, rule.left, present)
        right = rule_terms(spec, rule, rule.right, present)
        if rule.each == "row":
            for r in present:
                if (not rule.only or r in rule.only) and r in not_missing:
                    out.append((rule, r, tuple((r, t) for t in left), tuple((r, t) for t in right)))
        else:
            for col in spec.columns:
                if not rule.only or col.key in rule.only:
                    c = col.key
                    out.append((rule, c, tuple((t, c) for t in left), tuple((t, c) for t in right)))
    if len(_KEYS_CACHE) > 1024:
        _KEYS_CACHE.clear()
    _KEYS_CACHE[key] = (spec, out)
    return out


def missing_rows(table: Table) -> frozenset[str]:
    """Rows of ``table`` of which no cell was found."""
    found = {c.row for c in table.cells if c.status != "missing"}
    return frozenset(r for r in table.rows if r not in found)


def rule_instances(spec: TableSpec, table: Table) -> Iterator[RuleInstance]:
    """Every instance of every rule of ``spec`` on ``table`` (a found table), in rule order.

    A row that is missing altogether is not an instance of a row rule (it is already reported,
    GX203, or a printed drift row stands in for it)."""
    index = table._index  # (row, column) → cell; rules name only cells the table has
    for rule, inst, left, right in instance_keys(spec, table.rows, missing_rows(table)):
        yield RuleInstance(
            rule, inst, tuple(index[k] for k in left), tuple(index[k] for k in right)
        )


def check_tables(profile: Profile, tables: list[Table]) -> list[Diagnostic]:
    """GX502 for every rule instance that cannot be checked, GX501 for every one that fails."""
    out: list[Diagnostic] = []
    by_key = {t.key: t for t in tables}
    for spec in profile.tables:
        table = by_key.get(spec.key)
        if table is None or not table.found:
            continue
        for inst in rule_instances(spec, table):
            d = _diagnostic(inst)
            if d is not None:
                out.append(d)
    return out


def _present_rows(spec: TableSpec, rows: tuple[str, ...], not_missing: set[str]) -> list[str]:
    """Rows as the rule should see them: a present drift row stands in for the rows it replaces."""
    present = set(rows)
    keys = [r.key for r in spec.rows if r.key in present]
    for r in spec.rows:
        if r.replaces and r.key in present and not any(k in not_missing for k in r.replaces):
            keys = [k for k in keys if k not in r.replaces]
    return keys


def _diagnostic(inst: RuleInstance) -> Diagnostic | None:
    rule = inst.rule
    lcells, rcells = list(inst.left), list(inst.right)
    allc = lcells + rcells
    where = f"{'row' if rule.each == 'row' else 'column'} {inst.instance!r}"
    bad = [c for c in allc if c.status != "number"]
    if bad:
        listed = ", ".join(f"{c.row}/{c.column}={c.status}" for c in bad[:6])
        more = f" (+{len(bad) - 6})" if len(bad) > 6 else ""
        return dg.make(
            "GX502",
            f"{rule.id} in {where} not checkable: {listed}{more}",
            cells=tuple(CellRef(c.table, c.row, c.column) for c in bad),
            data={"rule": rule.id, "instance": inst.instance},
        )
    lsum = sum(c.value for c in lcells if c.value is not None)
    rsum = sum(c.value for c in rcells if c.value is not None)
    if lsum == rsum:
        return None

    def show(cs: list[Cell]) -> str:
        names = " + ".join(c.row if rule.each == "column" else c.column for c in cs)
        vals = " + ".join(str(c.value) for c in cs)
        return f"{names} = {vals}"

    return dg.make(
        "GX501",
        f"{rule.id} broken in {where}: {show(lcells)} = {lsum}, but {show(rcells)} = {rsum}",
        location=lcells[0].location if lcells else None,
        cells=tuple(CellRef(c.table, c.row, c.column) for c in allc),
        data={"rule": rule.id, "instance": inst.instance, "left": str(lsum), "right": str(rsum)},
    )
