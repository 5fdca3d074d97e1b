"""Evaluating a profile's arithmetic rules (勾稽关系) on the extracted tables.

A rule is checked only when every operand is a number; an operand that is blank, a placeholder,
invalid, ambiguous or missing makes the rule "not checkable" — reported as such, never as
passed or failed.
"""

from __future__ import annotations

from gxlib import diagnostics as dg
from gxlib.diagnostics import CellRef, Diagnostic
from gxlib.profiles.loading import rule_terms
from gxlib.profiles.model import Profile, Rule
from gxlib.profiles.model import Table as TableSpec
from gxlib.report import Cell, Table


def check_tables(profile: Profile, tables: list[Table]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    by_key = {t.key: t for t in tables}
    for spec in profile.tables:
        table = by_key.get(spec.key)
        if table is None or not table.found:
            continue
        not_missing = {c.row for c in table.cells if c.status != "missing"}
        present = _present_rows(spec, table, not_missing)
        for rule in spec.rules:
            out.extend(_check(spec, table, rule, present, not_missing))
    return out


def _present_rows(spec: TableSpec, table: Table, not_missing: set[str]) -> list[str]:
    """Rows as the rule should see them: a present drift row stands in for the rows it replaces."""
    present = set(table.rows)
    keys = [r.key for r in spec.rows if r.key in present]
    for r in spec.rows:
        if r.replaces and r.key in present and not any(k in not_missing for k in r.replaces):
            keys = [k for k in keys if k not in r.replaces]
    return keys


def _check(
    spec: TableSpec, table: Table, rule: Rule, present: list[str], not_missing: set[str]
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    left = rule_terms(spec, rule, rule.left, present)
    right = rule_terms(spec, rule, rule.right, present)
    if rule.each == "row":
        # a row that is missing altogether is already reported (GX203) or stood in for
        instances = [r for r in present if (not rule.only or r in rule.only) and r in not_missing]
    else:
        instances = [c.key for c in spec.columns if not rule.only or c.key in rule.only]
    by_row = rule.each == "row"
    index = table._index  # (row, column) → cell; rules name only cells the table has
    for inst in instances:
        if by_row:
            lcells = [index[(inst, t)] for t in left]
            rcells = [index[(inst, t)] for t in right]
        else:
            lcells = [index[(t, inst)] for t in left]
            rcells = [index[(t, inst)] for t in right]
        allc = lcells + rcells
        bad = [c for c in allc if c.status != "number"]
        where = f"{'row' if rule.each == 'row' else 'column'} {inst!r}"
        if bad:
            listed = ", ".join(f"{c.row}/{c.column}={c.status}" for c in bad[:6])
            more = f" (+{len(bad) - 6})" if len(bad) > 6 else ""
            out.append(
                dg.make(
                    "GX502",
                    f"{rule.id} in {where} not checkable: {listed}{more}",
                    cells=tuple(CellRef(c.table, c.row, c.column) for c in bad),
                    data={"rule": rule.id, "instance": inst},
                )
            )
            continue
        lsum = sum(c.value for c in lcells if c.value is not None)
        rsum = sum(c.value for c in rcells if c.value is not None)
        if lsum != rsum:

            def show(cs: list[Cell]) -> str:
                names = " + ".join(c.row if rule.each == "column" else c.column for c in cs)
                vals = " + ".join(str(c.value) for c in cs)
                return f"{names} = {vals}"

            out.append(
                dg.make(
                    "GX501",
                    f"{rule.id} broken in {where}: {show(lcells)} = {lsum}, but "
                    f"{show(rcells)} = {rsum}",
                    location=lcells[0].location if lcells else None,
                    cells=tuple(CellRef(c.table, c.row, c.column) for c in allc),
                    data={"rule": rule.id, "instance": inst, "left": str(lsum), "right": str(rsum)},
                )
            )
    return out
