"""Text as converters give it (PDF text layers, PDF→Markdown, OCR/LLM Markdown): generated
reports for every profile, under the existing mutations, never read to a wrong value.

A cell the text does not determine may come back ambiguous or missing — with a diagnostic that
names it — but never as a wrong number. The share of cells read is recorded with ``event``
(``pytest --hypothesis-show-statistics``)."""

from __future__ import annotations

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import gxlib
from gxlib import profiles
from gxlib.diagnostics import CellRef
from gxlib.testing import (
    CONVERTER_STYLES,
    LABEL_MUTATIONS,
    VALUE_MUTATIONS,
    compose,
    render_report,
    reports,
)
from gxlib.testing.strategies import GeneratedReport

PROFILES = profiles.available()
# table-level diagnostics that account for every cell of their table
_TABLE_WIDE = {"GX202", "GX206"}


def _check(gen: GeneratedReport, report: gxlib.Report) -> float:
    """Assert no wrong value and a diagnostic for every cell not read; return the share read."""
    named = {ref for d in report.diagnostics for ref in d.cells}
    wide = {d.message.split("'")[1] for d in report.diagnostics if d.code in _TABLE_WIDE}
    right = 0
    for (t, r, c), exp in gen.cells.items():
        cell = report.cell(t, r, c)
        if (cell.status, cell.value) == (exp.status, exp.value):
            right += 1
            continue
        assert cell.status != "number", f"{t}/{r}/{c}: read {cell.value}, expected {exp.value}"
        assert cell.status in ("ambiguous", "missing", "invalid"), (t, r, c, cell.status)
        assert CellRef(t, r, c) in named or t in wide, f"{t}/{r}/{c} {cell.status}: no diagnostic"
    # rows the table's rules attached are not proven by those same rules (gxlib/verify.py)
    for d in report.diagnostics:
        if d.code == "GX406" or (d.code == "GX407" and d.data):
            assert d.cells and d.data["resolved_by"], d
            for ref in d.cells:
                cell = report.cell(ref.table, ref.row, ref.column)
                assert cell.verification != "proven", (d.message, cell)
    return right / len(gen.cells)


@pytest.mark.parametrize("style", CONVERTER_STYLES)
@pytest.mark.parametrize("profile", PROFILES)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_converter_text_never_reads_a_wrong_value(
    profile: str, style: str, data: st.DataObject
) -> None:
    gen = data.draw(reports(profile, blanks=False))
    # spaces separate the words of a text layer: a label spelled with spaces is another text
    allowed = sorted(n for n in LABEL_MUTATIONS if n != "spaced")
    names = data.draw(st.lists(st.sampled_from(allowed), unique=True, max_size=2))
    vnames = data.draw(st.lists(st.sampled_from(sorted(VALUE_MUTATIONS)), unique=True))
    text = render_report(
        gen,
        style,
        label=compose(names, LABEL_MUTATIONS),
        value=compose(vnames, VALUE_MUTATIONS),
        wrap=data.draw(st.sampled_from([0, 8, 10, 16])),
    )
    share = _check(gen, gxlib.parse_text(text))
    event(f"{style}: share of cells read ≥ {int(share * 10) * 10}%")


@pytest.mark.parametrize("style", CONVERTER_STYLES)
@pytest.mark.parametrize("profile", PROFILES)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_converter_text_reads_plain_reports_whole(
    profile: str, style: str, data: st.DataObject
) -> None:
    """Without mutations, every cell of these layouts is determined by the text."""
    gen = data.draw(reports(profile, blanks=False))
    report = gxlib.parse_text(render_report(gen, style))
    assert _check(gen, report) == 1.0


def test_ocr_markdown_heading_is_not_the_row() -> None:
    """A ``###`` heading repeating a row label, and the synthetic header under it, are not the
    row's cells: the row is the occurrence whose cells read as values (no GX401, no GX205)."""
    gen = reports("gov-2021", blanks=False).example()
    report = gxlib.parse_text(render_report(gen, "ocr_markdown"))
    codes = {d.code for d in report.diagnostics}
    assert "GX401" not in codes and "GX205" not in codes
    assert _check(gen, report) == 1.0


def _requests_rows(values: dict[str, list[int]]) -> str:
    """Section 三 of a 2019 report with every row's values printed on the line before its label
    (as a text layer prints a row whose label is a fraction of a point lower)."""
    spec = gxlib.profiles.registry.get("gov-2019").table("requests")
    lines = ["某某县人民政府2019年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"]
    for row in spec.rows:
        if row.key in values:
            lines.append(" ".join(str(v) for v in values[row.key]))
        lines.append(row.label)
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    return "\n".join(lines) + "\n"


def _consistent(spec_rows: list[str]) -> dict[str, list[int]]:
    vals = {k: [0] * 7 for k in spec_rows}
    for k in ("new", "granted", "total"):
        vals[k] = [1, 0, 0, 0, 0, 0, 1]
    return vals


def test_detached_lines_counts_match_are_attached_by_order() -> None:
    spec = gxlib.profiles.registry.get("gov-2019").table("requests")
    rows = [r.key for r in spec.rows if not r.optional]
    report = gxlib.parse_text(_requests_rows(_consistent(rows)))
    assert report.value("requests", "new", "natural_person") == 1
    assert report.value("requests", "granted", "total") == 1
    assert report.value("requests", "carried_forward", "total") == 0
    assert any(d.code == "GX405" for d in report.diagnostics)


def test_a_row_without_values_is_never_filled_by_a_shifted_line() -> None:
    """One row's values are not printed: the order alone cannot tell which row lacks them. The
    rules decide where they can; everything else is ambiguous, never shifted."""
    spec = gxlib.profiles.registry.get("gov-2019").table("requests")
    rows = [r.key for r in spec.rows if not r.optional]
    vals = _consistent(rows)
    gone = rows[5]
    del vals[gone]
    report = gxlib.parse_text(_requests_rows(vals))
    for k in rows:
        for ci, c in enumerate(spec.columns):
            cell = report.cell("requests", k, c.key)
            if cell.status == "number":
                assert k != gone and cell.value == vals[k][ci]
    assert any(d.code == "GX407" for d in report.diagnostics)


def test_two_occurrences_with_different_values_are_ambiguous() -> None:
    spec = gxlib.profiles.registry.get("gov-2019").table("requests")
    lines = ["某某县人民政府2019年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"]
    for row in spec.rows:
        lines.append(row.label + " 0 0 0 0 0 0 0")
    first = spec.rows[0].label
    lines.append(first + " 5 0 0 0 0 0 5")
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    report = gxlib.parse_text("\n".join(lines) + "\n")
    cell = report.cell("requests", spec.rows[0].key, "total")
    assert cell.status == "ambiguous" and set(cell.candidates) == {0, 5}
    assert any(d.code == "GX408" for d in report.diagnostics)


def test_attach_is_bounded_and_never_guesses() -> None:
    """Beyond the bound, rows list every line an order-preserving assignment could give them."""
    from gxlib.attach import LIMIT, Attached, Occurrence, Unsure, ValueLine, attach

    spec = gxlib.profiles.registry.get("gov-2021").table("requests")
    keys = [r.key for r in spec.rows if not r.optional]
    items: list[Occurrence | ValueLine] = [Occurrence(k, i) for i, k in enumerate(keys)]
    lines = len(keys) - 6  # C(25, 19) assignments: far beyond the bound
    items += [ValueLine((100 + i,)) for i in range(lines)]
    res = attach(items, spec, lambda line: (0,) * 7, limit=LIMIT)
    assert all(isinstance(a, Unsure) and a.why == "bound" for a in res.rows.values())
    first = res.rows[keys[0]]
    assert isinstance(first, Unsure) and first.candidates == ((100,), None)
    # equal counts: rank by rank
    items = [Occurrence(k, i) for i, k in enumerate(keys)] + [
        ValueLine((100 + i,)) for i in range(len(keys))
    ]
    res = attach(items, spec, lambda line: (0,) * 7)
    assert all(isinstance(a, Attached) and a.how == "order" for a in res.rows.values())
    assert [res.rows[k].line for k in keys] == [(100 + i,) for i in range(len(keys))]  # type: ignore[union-attr]
