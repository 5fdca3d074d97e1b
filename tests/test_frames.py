"""Data frames: dtypes, exact values, the wide view, the harmonised view, continuity."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings

import gxlib
from gxlib.frames import SCHEMA, key_presence, rollups
from gxlib.report import Report
from gxlib.testing import reports as gen_reports
from gxlib.testing.render import render_report

EXAMPLES = Path(__file__).parents[1] / "examples" / "reports"


@pytest.fixture(scope="module")
def r2019() -> Report:
    return gxlib.parse(EXAMPLES / "zibo-2020.txt")


@pytest.fixture(scope="module")
def r2021() -> Report:
    return gxlib.parse(EXAMPLES / "liaocheng-2022.txt")


def with_cell(report: Report, table: str, row: str, column: str, **changes: Any) -> Report:
    """The report with one cell changed (tables are frozen; rebuild the one that holds it)."""
    tables = []
    for t in report.tables:
        if t.key == table:
            cells = tuple(
                attrs.evolve(c, **changes) if (c.row, c.column) == (row, column) else c
                for c in t.cells
            )
            t = attrs.evolve(t, cells=cells)
        tables.append(t)
    return attrs.evolve(report, tables=tuple(tables))


def test_tidy_frame_has_the_declared_columns_and_dtypes(r2019: Report, r2021: Report) -> None:
    frame = gxlib.to_pandas([r2019, r2021])
    assert list(frame.columns) == SCHEMA.names
    for col, dtype in SCHEMA.dtypes().items():
        assert frame[col].dtype == dtype, col
    assert len(frame) == len(r2019.to_records()) + len(r2021.to_records())
    assert set(frame["status"].cat.categories) >= {"number", "blank", "missing"}
    assert frame["year"].dtype == "Int64"
    assert r2021.to_pandas().equals(gxlib.to_pandas(r2021))


def test_arrow_schema_matches_the_frame(r2021: Report) -> None:
    frame = gxlib.to_pandas(r2021)
    table = pa.Table.from_pandas(frame, schema=SCHEMA.arrow(), preserve_index=False)
    assert table.schema.names == SCHEMA.names
    assert table.schema.field("value").type == pa.string()
    assert table.schema.field("year").type == pa.int64()


def test_money_survives_exactly_where_a_float_would_not(r2021: Report) -> None:
    big = Decimal("12345678901234.57")  # not representable as float64
    report = with_cell(r2021, "fees", "administrative_fees", "amount", value=big, raw="x")
    frame = gxlib.to_pandas(report)
    row = frame[(frame["table"] == "fees") & (frame["column"] == "amount")].iloc[0]
    assert Decimal(row["value"]) == big
    assert Decimal(float(row["value_float"])) != big
    wide = report.to_pandas(wide=True, table="fees")
    assert wide.loc["administrative_fees", "amount"] == big
    assert wide["amount"].dtype == object


@settings(max_examples=12, deadline=None)
@given(gen_reports("gov-2021"))
def test_every_value_round_trips_through_the_frame(gen: object) -> None:
    report = gxlib.parse_text(render_report(gen, "pipes"))  # type: ignore[arg-type]
    frame = gxlib.to_pandas(report)
    assert len(frame) == len(list(report.cells()))
    for rec, cell in zip(frame.to_dict("records"), report.cells(), strict=True):
        if cell.value is None:
            assert pd.isna(rec["value"])
            continue
        back = Decimal(rec["value"]) if isinstance(cell.value, Decimal) else int(rec["value"])
        assert back == cell.value and type(back) is type(cell.value)


def test_wide_view_is_the_printed_table(r2021: Report) -> None:
    wide = r2021.to_pandas(wide=True, table="requests")
    t = r2021.table("requests")
    assert list(wide.index) == list(t.rows)
    assert list(wide.columns) == list(t.columns)
    assert all(str(d) == "Int64" for d in wide.dtypes)
    assert wide.loc["new", "total"] == r2021.value("requests", "new", "total")
    with pytest.warns(gxlib.DuplicateReportWarning):
        both = gxlib.to_pandas([r2021, r2021], wide=True, table="requests")
    assert both.index.names == ["report_id", "row"]
    assert len(both) == len(t.rows)  # the copy is counted once
    with pytest.raises(ValueError, match="table="):
        gxlib.to_pandas(r2021, wide=True)


def test_wide_view_across_formats_leaves_absent_columns_empty(r2019: Report, r2021: Report) -> None:
    wide = gxlib.to_pandas([r2019, r2021], wide=True, table="fees")
    assert wide.loc[(r2019.report_id, "administrative_fees"), "amount"] is pd.NA
    assert wide.loc[(r2021.report_id, "administrative_fees"), "items_change"] is pd.NA


def test_diagnostics_frame_joins_on_report_id(r2021: Report) -> None:
    broken = with_cell(r2021, "requests", "new", "total", value=None, status="invalid")
    broken = attrs.evolve(broken, diagnostics=gxlib.parse_text("无表格").diagnostics)
    frame = gxlib.diagnostics_frame([r2021, broken])
    assert set(frame["report_id"]) <= {r2021.report_id, broken.report_id}
    assert len(frame) == len(r2021.diagnostics) + len(broken.diagnostics)
    joined = frame.merge(gxlib.to_pandas(broken), on="report_id")
    assert not joined.empty


def test_which_keys_exist_where_comes_from_the_profiles() -> None:
    presence = key_presence(["gov-2019", "gov-2021"])
    assert presence[("requests", "new", "total")] == {"gov-2019", "gov-2021"}
    assert presence[("regulatory_documents", "regulations", "issued")] == {"gov-2021"}
    assert presence[("procurement", "centralized_procurement", "amount")] == {"gov-2019"}
    parts = rollups(["gov-2019", "gov-2021"])[("gov-2021", "requests")]["other"]
    assert parts == ("other.no_correction", "other.unpaid_fee", "other.other")


def test_harmonised_view_of_a_2019_and_a_2021_report(r2019: Report, r2021: Report) -> None:
    h = gxlib.harmonise([r2019, r2021])
    req = h[h["table"] == "requests"]
    # the same key means the same thing in both formats
    for report in (r2019, r2021):
        mine = req[(req["report_id"] == report.report_id) & (req["row"] == "new")]
        assert len(mine) == 7 and mine["format_only"].isna().all()
    other = req[(req["report_id"] == r2021.report_id) & (req["row"] == "other")]
    assert len(other) == 7 and other["derived"].all() and other["format_only"].isna().all()
    for col in r2021.table("requests").columns:
        parts = [
            r2021.value("requests", f"other.{k}", col)
            for k in ("no_correction", "unpaid_fee", "other")
        ]
        got = other[other["column"] == col].iloc[0]
        assert int(got["value"]) == sum(p for p in parts if p is not None)
        assert got["status"] == "number"
    assert (req[req["row"].str.startswith("other.")]["format_only"] == "gov-2021").all()
    regs = h[(h["table"] == "regulatory_documents") & (h["column"] == "newly_made")]
    assert (regs["format_only"] == "gov-2019").all()
    assert not h[h["report_id"] == r2019.report_id]["derived"].any()


def test_harmonised_sum_is_missing_when_a_part_is_not_a_number(r2021: Report) -> None:
    report = with_cell(
        r2021, "requests", "other.unpaid_fee", "total", value=None, status="blank", raw=""
    )
    h = gxlib.harmonise(gxlib.to_pandas(report))
    got = h[(h["row"] == "other") & (h["column"] == "total")].iloc[0]
    assert got["value"] is pd.NA and got["status"] == "missing"
    assert "other.unpaid_fee: blank" in got["note"]
    fine = h[(h["row"] == "other") & (h["column"] == "natural_person")].iloc[0]
    assert fine["status"] == "number"


def _next_year(report: Report, rid: str, **carried_over: int) -> Report:
    nxt = attrs.evolve(
        report,
        metadata=attrs.evolve(report.metadata, year=(report.metadata.year or 0) + 1),
        report_id=rid,
        source=f"{rid}.txt",
    )
    for col in nxt.table("requests").columns:
        value = carried_over.get(col, report.value("requests", "carried_forward", col))
        nxt = with_cell(nxt, "requests", "carried_over", col, value=value, status="number")
    return nxt


def test_continuity_holds_and_fires_on_a_mismatch(r2021: Report) -> None:
    good = _next_year(r2021, "next-good")
    assert gxlib.check_continuity([r2021, good]) == []
    forward = r2021.value("requests", "carried_forward", "total")
    assert isinstance(forward, int)
    bad = _next_year(r2021, "next-bad", total=forward + 3)
    issues = gxlib.check_continuity([bad, r2021])
    assert [(i.code, i.column) for i in issues] == [("GX801", "total")]
    issue = issues[0]
    assert issue.first_report_id == r2021.report_id and issue.second_report_id == "next-bad"
    assert issue.first_value == forward and issue.second_value == forward + 3
    assert "next-bad.txt" in issue.message and str(r2021.source) in issue.message
    # another body, or a gap year, is not compared, and says so (GX804), never []
    other_body = attrs.evolve(bad, metadata=attrs.evolve(bad.metadata, body="某某县"))
    got = gxlib.check_continuity([r2021, other_body])
    assert sorted((i.code, i.first_report_id) for i in got) == sorted(
        [("GX804", r2021.report_id), ("GX804", "next-bad")]
    )


def test_continuity_not_checkable_is_reported_not_passed(r2021: Report) -> None:
    nxt = with_cell(
        _next_year(r2021, "n"), "requests", "carried_over", "total", value=None, status="blank"
    )
    issues = gxlib.check_continuity([r2021, nxt])
    assert [(i.code, i.severity, i.column) for i in issues] == [("GX802", "info", "total")]


def test_without_pandas_the_error_names_the_extra(
    r2021: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    html = r2021._repr_html_()
    assert html is not None and "<table" in html and "requests" in html
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(gxlib.MissingExtraError, match=r"gxlib\[pandas\]"):
        gxlib.to_pandas(r2021)
    assert r2021._repr_html_() is None  # Jupyter then shows repr()


def _as_body(report: Report, body: str | None, year: int | None = None) -> Report:
    meta = attrs.evolve(report.metadata, body=body)
    if year is not None:
        meta = attrs.evolve(meta, year=year)
    return attrs.evolve(report, metadata=meta)


def test_issue15_19_body_written_two_ways_is_paired(r2021: Report) -> None:
    forward = r2021.value("requests", "carried_forward", "total")
    assert isinstance(forward, int)
    first = _as_body(r2021, "洪泽区人民政府")
    bad = _as_body(_next_year(r2021, "nb", total=forward + 1), "淮安市 洪泽区人民政府")
    issues = gxlib.check_continuity([first, bad])
    assert [(i.code, i.column) for i in issues] == [("GX801", "total")]
    assert issues[0].body == "淮安市 洪泽区人民政府"  # the fuller spelling names the body
    good = _as_body(_next_year(r2021, "ng"), "淮安市洪泽区人民政府")
    assert gxlib.check_continuity([first, good]) == []


def test_issue15_19_same_body_rule() -> None:
    from gxlib.continuity import body_key, same_body

    def same(a: str, b: str) -> bool:
        return same_body(body_key(a), body_key(b))

    assert same("淮安市洪泽区人民政府", "洪泽区人民政府")
    assert same("江苏省淮安市洪泽区人民政府", "洪泽区人民政府")
    assert same("聊城市人民政府 办公室", "聊城市人民政府办公室")
    assert not same("淮安市人民政府", "人民政府")  # the short name must start with a place
    assert not same("淮安市洪泽区人民政府", "洪泽区人民政府办公室")
    assert not same("淮安市洪泽区人民政府", "泽区人民政府")  # the extra text must be places


def test_issue15_19_unpairable_reports_are_reported(r2021: Report) -> None:
    no_body = _as_body(r2021, None)
    nxt = _next_year(r2021, "n1")
    got = gxlib.check_continuity([no_body, nxt])
    codes = sorted((i.code, i.first_report_id) for i in got)
    assert codes == [("GX803", r2021.report_id), ("GX804", "n1")]
    assert "issuing body unknown" in next(i.message for i in got if i.code == "GX803")
    # a short name that two different bodies extend is ambiguous, not guessed
    a = _as_body(r2021, "甲市洪泽区人民政府")
    b = _as_body(_next_year(r2021, "n2"), "乙市洪泽区人民政府")
    c = _as_body(_next_year(r2021, "n3"), "洪泽区人民政府", year=(r2021.metadata.year or 0) + 2)
    got = gxlib.check_continuity([a, b, c])
    assert [i.code for i in got if i.first_report_id == "n3"] == ["GX803"]
    assert all(i.code != "GX801" for i in got)
    # a pair whose table is absent is not checkable, never silently consistent
    empty = attrs.evolve(_next_year(r2021, "n4"), tables=())
    got = gxlib.check_continuity([r2021, empty])
    assert [i.code for i in got] == ["GX802"]


def test_issue15_20_copies_are_counted_once(r2019: Report, r2021: Report) -> None:
    copy = attrs.evolve(r2019, source="elsewhere/zibo-2020.txt")
    with pytest.warns(gxlib.DuplicateReportWarning, match="GX805.*elsewhere/zibo-2020.txt"):
        tidy = gxlib.to_pandas([r2019, r2021, copy])
    assert set(tidy["source"]) == {r2019.source, r2021.source}
    assert len(tidy) == len(gxlib.to_pandas([r2019, r2021]))
    # a frame holding a copy (frames concatenated) is deduplicated by harmonise too
    both = pd.concat([gxlib.to_pandas(r2019), gxlib.to_pandas(copy)], ignore_index=True)
    with pytest.warns(gxlib.DuplicateReportWarning, match="GX805"):
        h = gxlib.harmonise(both)
    assert set(h["source"]) == {r2019.source}
    assert len(h) == len(gxlib.harmonise(gxlib.to_pandas(r2019)))
    with pytest.warns(gxlib.DuplicateReportWarning):
        assert gxlib.check_continuity([r2021, attrs.evolve(r2021, source="b.txt")]) == [
            i for i in gxlib.check_continuity([r2021]) if i.code != "GX801"
        ]
