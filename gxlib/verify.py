"""Each cell's verification state: whether the report's own arithmetic proves its value.

This is the second line of defence behind the extractor. The extractor gives a cell a value
only when the text determines it; this module says, per cell, whether the profile's rules
(勾稽关系) also *prove* it, so that a reading error the extractor did not see can never be
passed off as proven.

Guarantee
---------
Let the values gxlib read differ from the values printed in the document in a set ``W`` of
cells of one table. A cell of ``W`` is never ``proven`` when

1. ``W`` has one cell (any single wrong value: a misread digit, a wrong split, a wrong unit); or
2. ``W`` has two cells, whatever the two errors are (two errors cancel in a rule instance only
   when they are in exactly the same instances — such "twins" are never proven); or
3. the wrong values are values of other rows of the table, moved into the wrong rows (a row's
   values attached to another row's label, a shift, a swap) — in any number of rows and
   columns — provided the rows involved are rows the rules treat alike. Rows that the rules
   tell apart cannot be exchanged without breaking a rule unless further errors compensate,
   which is case 4.

and it is not guaranteed when

4. three or more values are wrong in a way that keeps every rule instance balanced (e.g. three
   cells of one sum, each off by an amount that sums to zero) and case 3 does not apply;
5. the cells of a row are read in a different order than printed (no reader reorders the cells
   within a row; a flattening keeps their order);
6. the document itself is wrong and the error happens to balance (the report's author typed
   consistent wrong numbers: the text then says what gxlib read).

How a cell is proven (all must hold):

* it holds a number;
* at least one rule instance covers it with a non-zero coefficient;
* every rule instance that contains it is checkable and holds;
* at least one covering instance is *independent*: its rule was not used to choose the reading
  of the table (a rule that chose between readings of run-together cells, a diagnostic carrying
  ``data["resolved_by"]``, holds by construction and proves nothing about the cells it chose);
* no other cell has the same independent instances with proportional coefficients (case 2);
* every row that has the same coefficient as its row in every column-rule instance of its
  column holds the same value in that column (case 3).

Cost: linear in the table's cells times the rule instances covering each cell.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from attrs import evolve

from gxlib.checks import RuleInstance, rule_instances
from gxlib.diagnostics import Diagnostic
from gxlib.profiles.model import Profile
from gxlib.profiles.model import Table as TableSpec
from gxlib.report import Cell, Table, Verification

__all__ = ["resolved_rules", "verify_table", "verify_tables"]

_Key = tuple[str, str]  # (row, column)


def resolved_rules(diagnostics: Iterable[Diagnostic]) -> dict[str, frozenset[str]]:
    """Per table key, the rules used to choose a reading (``data["resolved_by"]`` of any
    diagnostic naming cells of that table)."""
    out: dict[str, set[str]] = defaultdict(set)
    for d in diagnostics:
        data: Any = d.data
        by = data.get("resolved_by") if isinstance(data, dict) else None
        if not by:
            continue
        for ref in d.cells:
            out[ref.table].update(str(r) for r in by)
    return {k: frozenset(v) for k, v in out.items()}


def verify_tables(
    profile: Profile, tables: Sequence[Table], diagnostics: Iterable[Diagnostic] = ()
) -> list[Table]:
    """``tables`` with every cell's :attr:`~gxlib.report.Cell.verification` set."""
    resolved = resolved_rules(diagnostics)
    specs = {t.key: t for t in profile.tables}
    out = []
    for table in tables:
        spec = specs.get(table.key)
        if spec is None:
            out.append(table)
            continue
        out.append(verify_table(spec, table, resolved.get(table.key, frozenset())))
    return out


def verify_table(spec: TableSpec, table: Table, resolved: frozenset[str] = frozenset()) -> Table:
    """One table with its cells' verification states (see the module docstring)."""
    instances = list(rule_instances(spec, table)) if table.found else []
    states = _states(spec, table, instances, resolved)
    cells = tuple(
        c
        if c.verification == states[(c.row, c.column)]
        else evolve(c, verification=states[(c.row, c.column)])
        for c in table.cells
    )
    return evolve(table, cells=cells)


def _coefficients(inst: RuleInstance) -> dict[_Key, int]:
    coef: dict[_Key, int] = defaultdict(int)
    for c in inst.left:
        coef[(c.row, c.column)] += 1
    for c in inst.right:
        coef[(c.row, c.column)] -= 1
    return coef


def _states(
    spec: TableSpec, table: Table, instances: list[RuleInstance], resolved: frozenset[str]
) -> dict[_Key, Verification]:
    failed: set[_Key] = set()
    unchecked: set[_Key] = set()
    covered: set[_Key] = set()  # non-zero coefficient in an independent instance that holds
    signature: dict[_Key, list[tuple[int, int]]] = defaultdict(list)
    column_role: dict[_Key, list[int]] = defaultdict(list)
    column_rule_instances: dict[str, list[int]] = defaultdict(list)
    coefs = [_coefficients(inst) for inst in instances]
    for i, (inst, coef) in enumerate(zip(instances, coefs, strict=True)):
        keys = [(c.row, c.column) for c in inst.cells]
        if inst.rule.each == "column":
            column_rule_instances[inst.instance].append(i)
        if not inst.checkable:
            unchecked.update(keys)
            continue
        if not inst.holds:
            failed.update(keys)
            continue
        if inst.rule.id in resolved:
            continue
        for k, a in coef.items():
            if a:
                covered.add(k)
                signature[k].append((i, a))
    # case 2: cells whose independent instances (and coefficients, up to sign) coincide
    normal: dict[_Key, tuple[tuple[int, int], ...]] = {}
    for k, sig in signature.items():
        sign = 1 if sig[0][1] > 0 else -1
        normal[k] = tuple((i, a * sign) for i, a in sig)
    twins = Counter(normal.values())
    # case 3: per column, rows grouped by their coefficients in that column's column rules
    for col, idxs in column_rule_instances.items():
        for r in table.rows:
            column_role[(r, col)] = [coefs[i].get((r, col), 0) for i in idxs]
    by_role: dict[tuple[str, tuple[int, ...]], set[object]] = defaultdict(set)
    index = table._index
    for r in table.rows:
        for col in table.columns:
            cell = index.get((r, col))
            role = (col, tuple(column_role.get((r, col), ())))
            by_role[role].add(_fact(cell))
    out: dict[_Key, Verification] = {}
    for c in table.cells:
        k = (c.row, c.column)
        if c.status != "number":
            out[k] = "no_value"
        elif k in failed:
            out[k] = "failed"
        elif (
            k in covered
            and k not in unchecked
            and twins[normal[k]] == 1
            and len(by_role[(c.column, tuple(column_role.get(k, ())))]) == 1
        ):
            out[k] = "proven"
        else:
            out[k] = "unverified"
    return out


def _fact(cell: Cell | None) -> object:
    """What a cell says, for comparing rows: its value, or its status when it has none."""
    if cell is None:
        return ("absent",)
    if cell.status == "number":
        return cell.value
    return (cell.status,)
