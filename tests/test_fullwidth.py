"""Full-width forms in tables (issue 13, layout 5): full-width digits and signs in run-together
cells read as their ASCII forms would, and a Markdown delimiter row written with full-width
dashes is a delimiter, not a row of placeholder cells."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gxlib
from gxlib import profiles
from gxlib.testing import assert_reads_back, render_report, reports

PROFILES = profiles.available()


def _cells(report: gxlib.Report) -> list[tuple[str, object, tuple[object, ...]]]:
    return [(c.status, c.value, c.candidates) for c in report.cells()]


@pytest.mark.parametrize("profile", PROFILES)
@settings(max_examples=20)  # two run-together parses per example, each solved by arithmetic
@given(data=st.data())
def test_full_width_runs_read_as_ascii_runs(profile: str, data: st.DataObject) -> None:
    gen = data.draw(reports(profile, blanks=False, placeholders=False))
    wide = gxlib.parse_text(render_report(gen, "dump-wide"))
    ascii_ = gxlib.parse_text(render_report(gen, "dump"))
    assert _cells(wide) == _cells(ascii_)
    for (t, r, c), exp in gen.cells.items():
        cell = wide.cell(t, r, c)
        if cell.status == "number":
            assert cell.value == exp.value, (t, r, c)


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_full_width_markdown_delimiter_rows(profile: str, data: st.DataObject) -> None:
    gen = data.draw(reports(profile))
    assert_reads_back(gen, gxlib.parse_text(render_report(gen, "markdown-wide")))


def test_full_width_sign_in_a_run() -> None:
    text = (
        "二、主动公开政府信息情况\n第二十条第（五）项\n其他对外管理服务事项０＋１０\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    r = gxlib.parse_text(text, profile="gov-2019")
    row = [r.cell("licensing", "other_services", c) for c in r.table("licensing").columns]
    # 0 | +1 | 0 is the only cut with a sign only in the signed column
    assert [c.value for c in row] == [0, 1, 0]


def test_dash_rows_below_the_first_row_are_placeholders() -> None:
    """A row of 「——」 cells further down a table is a row of placeholders, not a delimiter."""
    text = (
        "二、主动公开政府信息情况\n"
        "| 第二十条第（一）项 | | | |\n"
        "|－－－|－－－|－－－|－－－|\n"
        "| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |\n"
        "| 规章 | —— | —— | —— |\n"
        "| 规范性文件 | 1 | 2 | 3 |\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    r = gxlib.parse_text(text, profile="gov-2019")
    t = r.table("regulatory_documents")
    assert [c.status for c in t.cells if c.row == "regulations"] == ["placeholder"] * 3
    assert [c.value for c in t.cells if c.row == "normative_documents"] == [1, 2, 3]
