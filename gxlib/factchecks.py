"""Cross-checks of prose facts against table cells, as the profile declares them.

A check compares one fact with the sum of some cells (:class:`~gxlib.profiles.model.FactCheck`).
It never changes a value: a disagreement is ``GX902`` (warning) naming both values and where
they were read; ``GX903`` (info) says a stated fact could not be checked because the prose gives
an approximate or bounded value, or a cell holds no number. An ambiguous fact is not checked
(``GX901`` already says why), and a fact the prose does not state is not mentioned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gxlib import diagnostics as dg
from gxlib.diagnostics import CellRef, Diagnostic
from gxlib.facts import Fact
from gxlib.normalize import canonical
from gxlib.profiles.model import FactCheck, Profile
from gxlib.report import Cell, Table
from gxlib.values import Number


def check_facts(
    profile: Profile, facts: Sequence[Fact], tables: Sequence[Table]
) -> list[Diagnostic]:
    """Run ``profile.fact_checks``; returns ``GX902``/``GX903`` diagnostics."""
    by_key = {f.key: f for f in facts}
    by_table = {t.key: t for t in tables}
    out: list[Diagnostic] = []
    for check in profile.fact_checks:
        fact = by_key.get(check.fact)
        if fact is None or fact.status != "number" or not _applies(check, fact):
            continue
        refs = tuple(CellRef(*ref.split("/", 2)) for ref in check.cells)
        cells: list[Cell] = []
        for ref in refs:
            table = by_table.get(ref.table)
            if table is None or (ref.row, ref.column) not in {(c.row, c.column) for c in table}:
                continue
            cells.append(table.cell(ref.row, ref.column))
        where = _where(fact)
        if fact.qualifier != "exact":
            out.append(
                dg.make(
                    "GX903",
                    f"{check.id}: the prose gives {fact.key} as {fact.qualifier} "
                    f"{fact.value} ({where}); not compared with {' + '.join(check.cells)}",
                    location=fact.location,
                    cells=refs,
                    data={"check": check.id, "fact": fact.key},
                )
            )
            continue
        if len(cells) != len(refs) or any(c.status != "number" for c in cells):
            shown = ", ".join(f"{c.table}/{c.row}/{c.column} {c.status}" for c in cells)
            out.append(
                dg.make(
                    "GX903",
                    f"{check.id}: {fact.key} = {fact.value} ({where}) not checkable: "
                    f"{shown or 'table cells not found'}",
                    location=fact.location,
                    cells=refs,
                    data={"check": check.id, "fact": fact.key},
                )
            )
            continue
        total: Number = sum((c.value for c in cells if c.value is not None), start=0)
        assert fact.value is not None
        if total != fact.value:
            lines = ", ".join(
                f"{c.table}/{c.row}/{c.column} = {c.value}"
                + (f" (line {c.location.line})" if c.location else "")
                for c in cells
            )
            out.append(
                dg.make(
                    "GX902",
                    f"{check.id}: the prose says {fact.key} = {fact.value} ({where}) but the "
                    f"table gives {total}: {lines}",
                    location=fact.location,
                    cells=refs,
                    data={
                        "check": check.id,
                        "fact": fact.key,
                        "fact_value": str(fact.value),
                        "table_value": str(total),
                    },
                )
            )
    return out


def _applies(check: FactCheck, fact: Fact) -> bool:
    sentence = canonical(fact.raw[fact.at :])
    if check.when is not None and not re.search(check.when, sentence):
        return False
    return check.unless is None or not re.search(check.unless, sentence)


def _where(fact: Fact) -> str:
    line = fact.location.line if fact.location else "?"
    return f"line {line}: 「{fact.raw}」"
