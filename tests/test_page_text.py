"""Crawler page text (issue 13, layout 1): a saved page's text — metadata lines, a 正文 rule,
then the whole report on ONE line with headings inline and tables run together, stray spaces
between some cells, page chrome around it. Every value gxlib gives is right; the sections are
found; what the text does not determine is ambiguous; nothing wrong is proven."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gxlib
from gxlib import profiles
from gxlib.testing import render_page_text, reports

PROFILES = profiles.available()
READ: Counter[str] = Counter()


@pytest.mark.parametrize("profile", PROFILES)
@settings(max_examples=25)  # each example is one run-together report solved by arithmetic
@given(data=st.data())
def test_page_text_never_wrong(profile: str, data: st.DataObject) -> None:
    gen = data.draw(reports(profile, blanks=False, placeholders=False))
    text = render_page_text(
        gen,
        spaces=data.draw(st.sampled_from([0.0, 0.2, 0.5])),
        wide=data.draw(st.booleans()),
        seed=data.draw(st.integers(0, 1000)),
    )
    report = gxlib.parse_text(text)
    assert report.profile == gen.profile
    assert all(s.found for s in report.sections), [s.key for s in report.sections if not s.found]
    for (t, r, c), exp in gen.cells.items():
        cell = report.cell(t, r, c)
        if exp.status != "number":
            continue
        if cell.status == "number":
            assert cell.value == exp.value, (t, r, c, cell, exp)
            READ[f"{profile} read"] += 1
        else:
            assert cell.status in ("ambiguous", "invalid", "missing"), (t, r, c, cell)
            assert cell.verification == "no_value"
            if cell.status == "ambiguous" and cell.candidates:
                assert exp.value in cell.candidates, (t, r, c, cell, exp)
            READ[f"{profile} not read"] += 1


def test_share_read_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    for profile in PROFILES:
        done, other = READ[f"{profile} read"], READ[f"{profile} not read"]
        if done + other:
            share = done / (done + other)
            print(f"page text {profile}: {done}/{done + other} cells read ({share:.1%})")


PAGE = (
    "首页 > 政务公开 > 年度报告\n"
    "标题: 某某县人民政府办公室2019年政府信息公开工作年度报告\n"
    "发布时间: 2020-01-20 09:30:00\n"
    "=====正文=====\n"
    "某某县人民政府办公室2019年政府信息公开工作年度报告本报告依据国办公开办函〔2019〕60号编制。"
    "一、总体情况2019年，我办认真落实条例要求。二、主动公开政府信息情况本年共主动公开信息120条。"
    "第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可3 960 181"
    "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织"
    "法律服务机构其他一、本年新收政府信息公开申请数量230 000023"
    "四、政府信息公开行政复议、行政诉讼情况本年无行政复议、行政诉讼。"
    "五、存在的主要问题及改进情况公开内容有待丰富。六、其他需要报告的事项无。某某县人民政府办公室2020年1月20日\n"
    "【打印本页】【关闭窗口】\n"
)


def test_a_one_line_page_by_hand() -> None:
    """Read off the text above by hand: 行政许可 3 | 960 | 181? — the stray spaces say the
    cells are 3, 960 and 181 only if each space is a cell boundary, which they are; 一、本年新收
    is 23 0 0 0 0 0 23 (row total 23 = 23 + 0 + … + 0)."""
    r = gxlib.parse_text(PAGE, profile="gov-2019")
    assert all(s.found for s in r.sections)
    assert r.section("overview").heading == "一、总体情况"
    new = [r.value("requests", "new", c) for c in r.table("requests").columns]
    assert new == [23, 0, 0, 0, 0, 0, 23]
    lic = [r.cell("licensing", "administrative_licensing", c) for c in r.table("licensing").columns]
    assert [c.value for c in lic] == [3, 960, 181]
    # the introduction's prose before the table is not a row
    assert r.table("licensing").found


def test_a_heading_line_still_wins_over_the_same_title_inline() -> None:
    """A normal report whose prose names a later section inline (「详见三、收到和处理…」)."""
    text = (
        "一、总体情况\n本年收到申请情况详见三、收到和处理政府信息公开申请情况部分。\n"
        "二、主动公开政府信息情况\n无。\n三、收到和处理政府信息公开申请情况\n无。\n"
        "四、政府信息公开行政复议、行政诉讼情况\n无。\n"
    )
    r = gxlib.parse_text(text, profile="gov-2019")
    s3 = r.section("requests")
    assert s3.found and s3.location is not None and s3.location.line == 5
