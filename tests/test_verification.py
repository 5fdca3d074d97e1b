"""Per-cell verification: a wrong value is never ``proven``.

The guarantee (gxlib/verify.py, docs/verification.md) is tested by corrupting correctly read
reports the ways a reader can go wrong — one wrong value, two wrong values (also when they
cancel in a sum), rows swapped or shifted — and re-verifying: no corrupted cell may be proven.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from attrs import evolve
from conftest import load_expected, seed_path
from hypothesis import assume, given
from hypothesis import strategies as st

import gxlib
from gxlib import profiles
from gxlib.report import Cell, Table
from gxlib.testing import TEXT_STYLES, mismatches, render_report, reports
from gxlib.verify import verify_table

PROFILES = profiles.available()
SEEDS_WITH_TABLES = ("000_74f3303097a51ca2", "001_30fde63b7d2b0111", "003_c539bc2b65a5333e")


def _parse(profile: str, data: st.DataObject) -> tuple[gxlib.Report, object]:
    gen = data.draw(reports(profile, blanks=False, placeholders=False))
    style = data.draw(st.sampled_from([s for s in TEXT_STYLES if s != "pdf"]))
    report = gxlib.parse_text(render_report(gen, style))
    assert not mismatches(gen, report)
    return report, gen


def _with_values(table: Table, values: dict[tuple[str, str], int | Decimal]) -> Table:
    """The table with some values replaced, as a reader that got them wrong would return it."""
    cells = tuple(
        evolve(c, value=values[(c.row, c.column)], verification="unverified")
        if (c.row, c.column) in values
        else c
        for c in table.cells
    )
    return Table(table.key, table.title, table.found, cells, table.rows, table.columns)


def _assert_wrong_never_proven(before: Table, after: Table) -> None:
    for old, new in zip(before.cells, after.cells, strict=True):
        if new.value != old.value:
            assert new.verification != "proven", (new.row, new.column, old.value, new.value)


def _reverify(report: gxlib.Report, table: Table, values: dict[tuple[str, str], int]) -> Table:
    spec = profiles.get(report.profile).table(table.key)
    return verify_table(spec, _with_values(table, values))


def _numbers(table: Table) -> list[Cell]:
    return [c for c in table.cells if c.status == "number" and isinstance(c.value, int)]


def _ruled_table(report: gxlib.Report, data: st.DataObject) -> Table:
    spec = profiles.get(report.profile)
    keys = [t.key for t in spec.tables if t.rules]
    assume(keys)
    return report.table(data.draw(st.sampled_from(keys)))


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_read_back_values_are_consistent_with_their_state(
    profile: str, data: st.DataObject
) -> None:
    report, _ = _parse(profile, data)
    for c in report.cells():
        if c.status != "number":
            assert c.verification == "no_value"
        else:
            assert c.verification in ("proven", "unverified")  # a consistent report fails nothing
    s = report.verification_summary()
    assert s.read + s.blank + s.placeholder + s.invalid + s.ambiguous + s.missing == s.cells


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_one_wrong_value_is_never_proven(profile: str, data: st.DataObject) -> None:
    report, _ = _parse(profile, data)
    table = _ruled_table(report, data)
    cell = data.draw(st.sampled_from(_numbers(table)))
    assert isinstance(cell.value, int)
    wrong = cell.value + data.draw(st.integers(-5, 5).filter(lambda d: d != 0))
    after = _reverify(report, table, {(cell.row, cell.column): wrong})
    _assert_wrong_never_proven(table, after)


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_two_wrong_values_are_never_proven_even_when_they_cancel(
    profile: str, data: st.DataObject
) -> None:
    report, _ = _parse(profile, data)
    table = _ruled_table(report, data)
    nums = _numbers(table)
    assume(len(nums) >= 2)
    a, b = data.draw(st.lists(st.sampled_from(nums), min_size=2, max_size=2, unique=True))
    assert isinstance(a.value, int) and isinstance(b.value, int)
    d = data.draw(st.integers(-5, 5).filter(lambda x: x != 0))
    how = data.draw(st.sampled_from(["cancel", "same", "swap", "any"]))
    if how == "cancel":
        values = {(a.row, a.column): a.value + d, (b.row, b.column): b.value - d}
    elif how == "same":
        values = {(a.row, a.column): a.value + d, (b.row, b.column): b.value + d}
    elif how == "swap":
        values = {(a.row, a.column): b.value, (b.row, b.column): a.value}
    else:
        values = {
            (a.row, a.column): a.value + d,
            (b.row, b.column): b.value + data.draw(st.integers(-5, 5)),
        }
    after = _reverify(report, table, values)
    _assert_wrong_never_proven(table, after)


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_rows_attached_to_the_wrong_labels_are_never_proven(
    profile: str, data: st.DataObject
) -> None:
    """Whole rows swapped, or a run of rows shifted by one (a value line attached to the next
    label): the rules may all still hold, yet no moved value that differs is proven."""
    report, _ = _parse(profile, data)
    table = _ruled_table(report, data)
    rows = list(table.rows)
    assume(len(rows) >= 2)
    i = data.draw(st.integers(0, len(rows) - 2))
    j = data.draw(st.integers(i + 1, len(rows) - 1))
    order = list(rows)
    if data.draw(st.booleans()):
        order[i], order[j] = order[j], order[i]  # swap two rows
    else:
        order[i : j + 1] = [*order[i + 1 : j + 1], order[i]]  # rotate a run of rows
    index = {(c.row, c.column): c for c in table.cells}
    values = {}
    for dst, src in zip(rows, order, strict=True):
        for col in table.columns:
            s, t = index[(src, col)], index[(dst, col)]
            if s.status == "number" and t.status == "number" and s.value is not None:
                values[(dst, col)] = s.value
    after = _reverify(report, table, values)
    _assert_wrong_never_proven(table, after)


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_a_value_changed_in_the_text_is_never_proven(profile: str, data: st.DataObject) -> None:
    """End to end: one value of the rendered text changed (the document says something else
    than its own arithmetic); the changed cell reads as printed and is never proven."""
    gen = data.draw(reports(profile, consistent=False))
    style = data.draw(st.sampled_from(TEXT_STYLES))
    report = gxlib.parse_text(render_report(gen, style))
    assert gen.perturbed is not None
    cell = report.cell(gen.perturbed.table, gen.perturbed.row, gen.perturbed.column)
    assert cell.verification != "proven"
    assert cell.verification == "failed" or cell.status != "number"


def test_the_lead_example_two_rows_summed_into_one_total_swapped() -> None:
    """Values swapped between two outcome rows in one column: the column total still holds,
    and so do the row totals when the rows are swapped whole — neither cell is proven."""
    report = gxlib.parse(seed_path("000_74f3303097a51ca2"))
    table = report.table("requests")
    spec = profiles.get(report.profile).table("requests")
    a, b = "granted", "partially_granted"
    values = {}
    for col in table.columns:
        values[(a, col)] = table.value(b, col)
        values[(b, col)] = table.value(a, col)
    after = verify_table(
        spec, _with_values(table, {k: v for k, v in values.items() if v is not None})
    )
    for col in table.columns:
        if table.value(a, col) != table.value(b, col):
            assert after.cell(a, col).verification != "proven"
            assert after.cell(b, col).verification != "proven"


@pytest.mark.parametrize("stem", SEEDS_WITH_TABLES)
def test_seed_proven_cells_are_right(stem: str) -> None:
    """Every proven cell of a real report equals the hand-transcribed value; tables without
    rules are never proven; one sum per row (appeals) proves nothing."""
    report = gxlib.parse(seed_path(stem))
    expected = {(e["table"], e["row"], e["column"]): e for e in load_expected(stem)}
    spec = profiles.get(report.profile)
    proven = 0
    for c in report.cells():
        if c.verification == "proven":
            proven += 1
            assert c.value == expected[(c.table, c.row, c.column)]["value"]
        if not spec.table(c.table).rules and c.status == "number":
            assert c.verification == "unverified"
        if c.table == "appeals":
            assert c.verification != "proven"
    assert proven > 0
    # （七）总计 / 总计: its row and column differ from every other row and column in the rules
    assert report.cell("requests", "total", "total").verification == "proven"
    s = report.verification_summary()
    assert s.proven == proven and s.failed == 0


def test_verification_survives_json_and_frames() -> None:
    report = gxlib.parse(seed_path("000_74f3303097a51ca2"))
    back = gxlib.Report.from_json(report.to_json())
    assert back == report
    assert [c.verification for c in back.cells()] == [c.verification for c in report.cells()]
    rec = report.to_records()[0]
    assert rec["verification"] in ("proven", "unverified", "failed", "no_value")
    # JSON written before verification existed reads back without a proof
    d = report.to_dict()
    for t in d["tables"]:
        for c in t["cells"]:
            del c["verification"]
    old = gxlib.Report.from_dict(d)
    assert all(c.verification in ("unverified", "no_value") for c in old.cells())


def test_tidy_frame_and_html_show_verification() -> None:
    pytest.importorskip("pandas")
    report = gxlib.parse(seed_path("000_74f3303097a51ca2"))
    frame = report.to_pandas()
    assert (frame["verification"] == "proven").sum() == report.verification_summary().proven
    html = report._repr_html_()
    assert html is not None and "proven" in html and "✓" in html


def _appeals(values: dict[str, tuple[int, ...]]) -> Table:
    spec = profiles.get("gov-2021").table("appeals")
    cols = [c.key for c in spec.columns]
    cells = tuple(
        Cell("appeals", r, c, "number", v)
        for r, vals in values.items()
        for c, v in zip(cols, vals, strict=True)
    )
    return Table("appeals", spec.title, True, cells, tuple(values), tuple(cols))


def test_two_errors_that_cancel_in_the_only_rule_are_never_proven() -> None:
    """Two cells of one row under a single sum: moving 1 from one to the other keeps the sum
    and, here, makes every row alike — only the twin check can refuse to prove them."""
    spec = profiles.get("gov-2021").table("appeals")
    assert [c.key for c in spec.columns][:5] == ["upheld", "corrected", "other", "pending", "total"]
    width = len(spec.columns)
    rest = (0,) * (width - 5)
    truth = {
        "review": (1, 1, 0, 0, 2, *rest),
        "litigation_direct": (2, 0, 0, 0, 2, *rest),
        "litigation_after_review": (2, 0, 0, 0, 2, *rest),
    }
    read = dict(truth, review=(2, 0, 0, 0, 2, *rest))
    after = verify_table(spec, _appeals(read))
    assert after.cell("review", "upheld").verification != "proven"
    assert after.cell("review", "corrected").verification != "proven"
