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

from gxlib.checks import InstanceKeys, instance_keys, missing_rows
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
    profile: Profile,
    tables: Sequence[Table],
    diagnostics: Iterable[Diagnostic] = (),
    *,
    fresh: bool = False,
) -> list[Table]:
    """``tables`` with every cell's :attr:`~gxlib.report.Cell.verification` set.

    ``fresh=True`` says the tables were just made by the extractor and nothing else holds them
    yet: proven and failed cells are then marked in place instead of copied (the parser's fast
    path; their other cells already have the default state)."""
    resolved = resolved_rules(diagnostics)
    specs = {t.key: t for t in profile.tables}
    out = []
    for table in tables:
        spec = specs.get(table.key)
        if spec is None or not spec.rules:
            out.append(table)  # nothing to prove: every cell keeps its default state
            continue
        if fresh:
            _mark(spec, table, resolved.get(table.key, frozenset()))
            out.append(table)
        else:
            out.append(verify_table(spec, table, resolved.get(table.key, frozenset())))
    return out


def _mark(spec: TableSpec, table: Table, resolved: frozenset[str]) -> None:
    if not table.found:
        return
    index = table._index
    for k, state in _states(spec, table, resolved).items():
        # the cell was made by this parse and is not yet seen by anyone: setting the field
        # now is constructing it with this state
        object.__setattr__(index[k], "verification", state)


def verify_table(spec: TableSpec, table: Table, resolved: frozenset[str] = frozenset()) -> Table:
    """One table with its cells' verification states (see the module docstring)."""
    states = _states(spec, table, resolved) if table.found and spec.rules else {}
    cells: list[Cell] = []
    changed = False
    for c in table.cells:
        state = states.get((c.row, c.column))
        if state is None:
            state = "unverified" if c.status == "number" else "no_value"
        if c.verification != state:
            c = _with_state(c, state)
            changed = True
        cells.append(c)
    if not changed:
        return table
    return Table(table.key, table.title, table.found, tuple(cells), table.rows, table.columns)


def _default(cell: Cell) -> Verification:
    return "unverified" if cell.status == "number" else "no_value"


def _with_state(c: Cell, state: Verification) -> Cell:
    if c.verification == state:
        return c
    return Cell(
        c.table,
        c.row,
        c.column,
        c.status,
        c.value,
        c.raw,
        c.location,
        c.row_label,
        c.column_label,
        c.unit,
        c.candidates,
        state,
    )


def _states(spec: TableSpec, table: Table, resolved: frozenset[str]) -> dict[_Key, Verification]:
    """The states that differ from the default (``unverified`` for a number, else
    ``no_value``): ``failed`` and ``proven`` cells."""
    keys = instance_keys(spec, table.rows, missing_rows(table))
    index = table._index
    failed: set[_Key] = set()
    unchecked: set[_Key] = set()
    usable: list[int] = []
    for i, (rule, _inst, left, right) in enumerate(keys):
        lc = [index[k] for k in left]
        rc = [index[k] for k in right]
        if not all(c.status == "number" for c in lc) or not all(c.status == "number" for c in rc):
            unchecked.update(left)
            unchecked.update(right)
        elif sum(c.value for c in lc if c.value is not None) != sum(
            c.value for c in rc if c.value is not None
        ):
            failed.update(left)
            failed.update(right)
        elif rule.id not in resolved:
            usable.append(i)
    out: dict[_Key, Verification] = dict.fromkeys(failed, "failed")
    candidates, groups = _structure(keys, table.rows, tuple(usable))
    facts: dict[int, bool] = {}  # group → do all its rows hold the same fact in its column?
    for k, g in candidates.items():
        if k in failed or k in unchecked or index[k].status != "number":
            continue
        alike = facts.get(g)
        if alike is None:
            col, rows = groups[g]
            alike = facts[g] = len({_fact(index.get((r, col))) for r in rows}) == 1
        if alike:
            out[k] = "proven"
    return out


_STRUCTURE: dict[tuple[int, tuple[int, ...]], tuple[object, _Structure]] = {}
_Structure = tuple[dict[_Key, int], list[tuple[str, tuple[str, ...]]]]


def _structure(
    keys: list[InstanceKeys], rows: tuple[str, ...], usable: tuple[int, ...]
) -> _Structure:
    """What the usable instances can prove, from their shape alone (cached: in most reports
    of a format every instance is usable): the cells covered with a signature no other cell
    shares (case 2), each with its group — the rows (of all ``rows``, whether a rule names
    them or not) with the same coefficients in the usable column-rule instances of its column
    (case 3). ``keys`` determines ``rows`` (both come from the table's row set)."""
    ck = (id(keys), usable)
    hit = _STRUCTURE.get(ck)
    if hit is not None and hit[0] is keys:
        return hit[1]
    signature: dict[_Key, list[tuple[int, int]]] = defaultdict(list)
    column_coefs: dict[str, list[dict[_Key, int]]] = defaultdict(list)
    for i in usable:
        rule, inst, left, right = keys[i]
        coef: dict[_Key, int] = defaultdict(int)
        for k in left:
            coef[k] += 1
        for k in right:
            coef[k] -= 1
        if rule.each == "column":
            column_coefs[inst].append(coef)
        for k, a in coef.items():
            if a:
                signature[k].append((i, a))
    normal: dict[_Key, tuple[tuple[int, int], ...]] = {}
    for k, sig in signature.items():
        sign = 1 if sig[0][1] > 0 else -1
        normal[k] = tuple((i, a * sign) for i, a in sig)
    twins = Counter(normal.values())
    candidates: dict[_Key, int] = {}
    groups: list[tuple[str, tuple[str, ...]]] = []
    group_ids: dict[tuple[str, tuple[int, ...]], int] = {}
    by_column: dict[str, dict[str, tuple[int, ...]]] = {}
    for k, sig_key in normal.items():
        if twins[sig_key] != 1:
            continue
        col = k[1]
        roles = by_column.get(col)
        if roles is None:
            coefs = column_coefs.get(col, [])
            roles = by_column[col] = {r: tuple(cf.get((r, col), 0) for cf in coefs) for r in rows}
        role = roles.get(k[0], ())
        gk = (col, role)
        g = group_ids.get(gk)
        if g is None:
            g = group_ids[gk] = len(groups)
            groups.append((col, tuple(r for r, rr in roles.items() if rr == role)))
        candidates[k] = g
    if len(_STRUCTURE) > 1024:
        _STRUCTURE.clear()
    _STRUCTURE[ck] = (keys, (candidates, groups))
    return candidates, groups


def _fact(cell: Cell | None) -> object:
    """What a cell says, for comparing rows: its value, or its status when it has none."""
    if cell is None:
        return ("absent",)
    if cell.status == "number":
        return cell.value
    return (cell.status,)
