"""The HTML reader: content roots, the HTML table model, pipe-row rendering, limits."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gxlib.document import Document, GridCell
from gxlib.errors import GxlibError, InputTooLargeError, MissingExtraError, UnreadableInputError
from gxlib.readers import html as html_reader
from gxlib.readers.html import read_html

DATA = Path(__file__).parent / "data" / "readers"


def _load_official() -> ModuleType:
    spec = importlib.util.spec_from_file_location("official_tables", DATA / "official_tables.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


official = _load_official()


def page(body: str, *, head: str = '<meta charset="utf-8">') -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>报告</title></head><body>{body}</body></html>"


def lines(doc: Document) -> list[str]:
    return doc.text.splitlines()


def geometry(cells: tuple[GridCell, ...]) -> list[tuple[int, int, int, int, str]]:
    return sorted((c.row, c.col, c.rowspan, c.colspan, c.text) for c in cells)


def assert_traceable(doc: Document) -> None:
    """Every grid cell points at its own rendered text, on its own pipe row."""
    text_lines = doc.text.split("\n")
    line_starts = [0]
    for line in text_lines:
        line_starts.append(line_starts[-1] + len(line) + 1)
    for index, placed in enumerate(doc.grids):
        grid = placed.grid
        assert grid.index == index
        rendered = doc.text[placed.start : placed.end].split("\n")
        assert len(rendered) == grid.n_rows
        assert all(line.endswith(" |") for line in rendered)
        for cell in grid.cells:
            loc = cell.location
            assert loc is not None
            assert doc.text[loc.offset : loc.offset + loc.length] == cell.text
            assert loc.length == len(cell.text)
            assert loc.grid == (index, cell.row, cell.col)
            assert line_starts[loc.line - 1] <= loc.offset < line_starts[loc.line]
            assert text_lines[loc.line - 1] == rendered[cell.row]
            assert "|" not in cell.text and "\n" not in cell.text
            assert cell.rowspan >= 1 and cell.colspan >= 1
            assert cell.row + cell.rowspan <= grid.n_rows
            assert cell.col + cell.colspan <= grid.n_cols
        by_row: dict[int, list[GridCell]] = {}
        for cell in grid.cells:
            by_row.setdefault(cell.row, []).append(cell)
        assert sorted(by_row) == list(range(grid.n_rows)), "a row without cells"
        for row, row_cells in by_row.items():
            row_cells.sort(key=lambda c: c.col)
            assert rendered[row] == " | ".join(c.text for c in row_cells) + " |"
        slots: set[tuple[int, int]] = set()
        for cell in grid.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    assert (r, c) not in slots, "cells overlap"
                    slots.add((r, c))


def requests_value(row: int, col: int) -> str:
    # Distinct values trace each number to its slot; a few blanks must stay visible as blanks.
    return "" if (row, col) in {(2, 1), (24, 6)} else str(row * 10 + col)


# -- the official tables -------------------------------------------------------------------------


def test_requests_table_geometry() -> None:
    n_rows, n_cols, cells = official.requests_cells(requests_value)
    doc = read_html(page("<p>三、收到和处理政府信息公开申请情况</p>" + official.html_table(cells)))
    assert doc.kind == "html"
    assert len(doc.grids) == 1
    grid = doc.grids[0].grid
    assert (grid.n_rows, grid.n_cols) == (n_rows, n_cols) == (28, 10)
    assert geometry(grid.cells) == cells
    by_pos = {(c.row, c.col): c for c in grid.cells}
    assert (by_pos[0, 0].rowspan, by_pos[0, 0].colspan) == (3, 3)
    assert by_pos[0, 0].text == official.NOTE
    assert (by_pos[0, 3].text, by_pos[0, 3].colspan) == ("申请人情况", 7)
    assert (by_pos[1, 3].text, by_pos[1, 3].rowspan) == ("自然人", 2)
    assert (by_pos[1, 4].text, by_pos[1, 4].colspan) == ("法人或其他组织", 5)
    assert (by_pos[1, 9].text, by_pos[1, 9].rowspan) == ("总计", 2)
    assert [by_pos[2, c].text for c in range(4, 9)] == list(official.ORGANISATIONS)
    assert (by_pos[5, 0].text, by_pos[5, 0].rowspan) == ("三、本年度办理结果", 22)
    assert (by_pos[5, 1].text, by_pos[5, 1].colspan) == ("（一）予以公开", 2)
    assert (by_pos[7, 1].text, by_pos[7, 1].rowspan) == ("（三）不予公开", 8)
    assert by_pos[7, 2].text == "1.属于国家秘密"
    assert [by_pos[7, c].text for c in range(3, 10)] == [str(40 + j) for j in range(7)]
    assert (by_pos[27, 0].text, by_pos[27, 0].colspan) == ("四、结转下年度继续办理", 3)
    # Covered slots hold no cell: geometry is not copied into them.
    assert (1, 0) not in by_pos and (6, 0) not in by_pos and (8, 1) not in by_pos
    assert by_pos[5, 4].text == "" and by_pos[27, 9].text == ""
    assert doc.problems == ()
    assert_traceable(doc)


def test_requests_table_pipe_rows() -> None:
    _, _, cells = official.requests_cells(requests_value)
    doc = read_html(page("<p>三、收到和处理政府信息公开申请情况</p>" + official.html_table(cells)))
    got = lines(doc)
    assert got[0] == "三、收到和处理政府信息公开申请情况"
    assert got[1:] == official.pipe_rows(cells)
    # The same lines, written out by hand for the parts that matter most.
    assert got[1] == f"{official.NOTE} | 申请人情况 |"
    assert got[2] == "自然人 | 法人或其他组织 | 总计 |"
    assert got[3] == "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |"
    assert got[4] == "一、本年新收政府信息公开申请数量 | 0 | 1 | 2 | 3 | 4 | 5 | 6 |"
    assert got[5] == "二、上年结转政府信息公开申请数量 | 10 | 11 | 12 | 13 | 14 | 15 | 16 |"
    assert got[6] == "三、本年度办理结果 | （一）予以公开 | 20 |  | 22 | 23 | 24 | 25 | 26 |"
    assert got[8] == "（三）不予公开 | 1.属于国家秘密 | 40 | 41 | 42 | 43 | 44 | 45 | 46 |"
    assert got[9] == "2.其他法律行政法规禁止公开 | 50 | 51 | 52 | 53 | 54 | 55 | 56 |"
    assert got[-1] == "四、结转下年度继续办理 | 240 | 241 | 242 | 243 | 244 | 245 |  |"
    placed = doc.grids[0]
    assert doc.text[placed.start : placed.end] == "\n".join(got[1:])


def test_requests_table_locations() -> None:
    _, _, cells = official.requests_cells(requests_value)
    doc = read_html(page("<p>三、收到和处理政府信息公开申请情况</p>" + official.html_table(cells)))
    by_pos = {(c.row, c.col): c for c in doc.grids[0].grid.cells}
    first = len("三、收到和处理政府信息公开申请情况\n")
    corner = by_pos[0, 0].location
    assert corner is not None
    assert (corner.offset, corner.line, corner.length) == (first, 2, len(official.NOTE))
    applicants = by_pos[0, 3].location
    assert applicants is not None
    assert applicants.offset == first + len(official.NOTE) + 3
    assert (applicants.line, applicants.grid) == (2, (0, 0, 3))
    blank = by_pos[5, 4].location
    assert blank is not None and blank.length == 0 and blank.line == 7
    line7 = lines(doc)[6]
    assert doc.text[blank.offset - 3 : blank.offset + 3] == " |  | "
    assert line7.index(" |  | ") + 3 == blank.offset - sum(len(x) + 1 for x in lines(doc)[:6])
    assert_traceable(doc)


@pytest.mark.parametrize("labels_span_two_rows", [True, False])
def test_appeals_table(labels_span_two_rows: bool) -> None:
    numbers = [str(n) for n in (3, 1, 0, 0, 4, 2, 0, 1, 0, 3, 0, 0, 0, 0, 0)]
    n_rows, n_cols, cells = official.appeals_cells(
        numbers, labels_span_two_rows=labels_span_two_rows
    )
    doc = read_html(
        page("<p>四、政府信息公开行政复议、行政诉讼情况</p>" + official.html_table(cells))
    )
    grid = doc.grids[0].grid
    assert (grid.n_rows, grid.n_cols) == (n_rows, n_cols) == (4, 15)
    assert geometry(grid.cells) == cells
    got = lines(doc)
    assert got[1] == "行政复议 | 行政诉讼 |"
    if labels_span_two_rows:
        assert (
            got[2]
            == "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |"
        )
        assert got[3] == " | ".join(official.OUTCOMES * 2) + " |"
    else:
        assert got[2] == "未经复议直接起诉 | 复议后起诉 |"
        assert got[3] == " | ".join(official.OUTCOMES * 3) + " |"
    assert got[4] == "3 | 1 | 0 | 0 | 4 | 2 | 0 | 1 | 0 | 3 | 0 | 0 | 0 | 0 | 0 |"
    numbers_row = sorted((c for c in grid.cells if c.row == 3), key=lambda c: c.col)
    assert [c.col for c in numbers_row] == list(range(15))
    assert [c.text for c in numbers_row] == numbers
    assert_traceable(doc)


def test_th_and_thead_cells_are_headers() -> None:
    doc = read_html(
        page(
            "<table><thead><tr><th>信息内容</th><th>本年制发件数</th></tr></thead>"
            "<tbody><tr><th>规章</th><td>3</td></tr><tr><td>行政规范性文件</td><td>5</td></tr>"
            "</tbody></table>"
        )
    )
    header = {(c.row, c.col): c.header for c in doc.grids[0].grid.cells}
    assert header == {
        (0, 0): True,
        (0, 1): True,
        (1, 0): True,
        (1, 1): False,
        (2, 0): False,
        (2, 1): False,
    }


def test_section_two_split_into_tables_stays_split() -> None:
    blocks = [
        (
            "第二十条第（一）项",
            ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            [["规章", "0", "0", "2"], ["行政规范性文件", "5", "1", "37"]],
        ),
        ("第二十条第（五）项", ["信息内容", "本年处理决定数量"], [["行政许可", "396"]]),
        (
            "第二十条第（六）项",
            ["信息内容", "本年处理决定数量"],
            [["行政处罚", "181"], ["行政强制", "0"]],
        ),
        (
            "第二十条第（八）项",
            ["信息内容", "本年收费金额（单位：万元）"],
            [["行政事业性收费", "12.5"]],
        ),
    ]
    body = ["<p>二、主动公开政府信息情况</p>"]
    for title, head, rows in blocks:
        width = len(blocks[0][1])
        body.append(f'<table><tr><td colspan="{width}">{title}</td></tr>')
        span = f' colspan="{width - 1}"' if len(head) == 2 else ""
        body.append(
            "<tr>" + "".join(f"<td{span if i else ''}>{h}</td>" for i, h in enumerate(head))
        )
        for row in rows:
            body.append(
                "<tr>" + "".join(f"<td{span if i else ''}>{v}</td>" for i, v in enumerate(row))
            )
        body.append("</table>")
    doc = read_html(page("\n".join(body)))
    assert [g.grid.index for g in doc.grids] == [0, 1, 2, 3]
    assert [g.grid.n_rows for g in doc.grids] == [4, 3, 4, 3]
    assert [g.grid.n_cols for g in doc.grids] == [4, 4, 4, 4]
    assert lines(doc)[1:5] == [
        "第二十条第（一）项 |",
        "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "规章 | 0 | 0 | 2 |",
        "行政规范性文件 | 5 | 1 | 37 |",
    ]
    assert lines(doc)[5:8] == [
        "第二十条第（五）项 |",
        "信息内容 | 本年处理决定数量 |",
        "行政许可 | 396 |",
    ]
    licensing = {(c.row, c.col): (c.rowspan, c.colspan) for c in doc.grids[1].grid.cells}
    assert licensing == {
        (0, 0): (1, 4),
        (1, 0): (1, 1),
        (1, 1): (1, 3),
        (2, 0): (1, 1),
        (2, 1): (1, 3),
    }
    assert doc.grids[0].end < doc.grids[1].start
    assert_traceable(doc)


# -- text ----------------------------------------------------------------------------------------


def test_prose_lines_breaks_and_whitespace() -> None:
    doc = read_html(
        page(
            "<h1>XX区2023年政府信息公开工作年度报告</h1>"
            "<p>&nbsp;</p>"
            "<p>　　本报告根据《中华人民共和国政府信息公开条例》<br>编制。</p>"
            "<div>一、<b>总体</b>情况<span>　</span></div>"
            "<p>2023年，共收到\n  申请<a href='#'>4件</a>。  第二句。</p>"
            "<p>本年新\n   公开数量</p>"
        )
    )
    assert lines(doc) == [
        "XX区2023年政府信息公开工作年度报告",
        "本报告根据《中华人民共和国政府信息公开条例》",
        "编制。",
        "一、总体情况",
        "2023年，共收到申请4件。 第二句。",
        "本年新公开数量",
    ]
    assert doc.grids == ()


def test_cell_text_is_cleaned() -> None:
    doc = read_html(
        page(
            "<table><tr><td>商业<br>企业</td><td><p>科研</p><p>机构</p></td>"
            "<td>  社会\n  公益组织 </td><td>a|b</td><td>&nbsp;</td><td>1&#8203;2</td></tr></table>"
        )
    )
    assert [c.text for c in doc.grids[0].grid.cells] == [
        "商业 企业",
        "科研 机构",
        "社会公益组织",
        "a｜b",
        "",
        "12",
    ]
    assert lines(doc) == ["商业 企业 | 科研 机构 | 社会公益组织 | a｜b |  | 12 |"]


def test_caption_and_stray_table_text_come_before_the_grid() -> None:
    doc = read_html(page("<table><caption>表1</caption>说明<tr><td>a</td><td>b</td></tr></table>"))
    assert lines(doc) == ["表1", "说明", "a | b |"]
    assert doc.grids[0].start == len("表1\n说明\n")


def test_str_with_xml_declaration() -> None:
    doc = read_html('<?xml version="1.0" encoding="gbk"?>' + page("<p>中文</p>"))
    assert lines(doc) == ["中文"]


# -- encodings -----------------------------------------------------------------------------------

REPORT_BODY = (
    "<p>一、总体情况</p><p>本机关依法做好政府信息公开工作，共收到政府信息公开申请数量12件。</p>"
    "<table><tr><td>行政许可</td><td>396</td></tr></table>"
)
REPORT_LINES = [
    "一、总体情况",
    "本机关依法做好政府信息公开工作，共收到政府信息公开申请数量12件。",
    "行政许可 | 396 |",
]
META = {
    "charset": '<meta charset="{}">',
    "http-equiv": "<meta http-equiv='Content-Type' content='text/html; charset={}'>",
}


@pytest.mark.parametrize("meta", sorted(META))
def test_gbk_page_with_gb2312_meta(meta: str) -> None:
    doc = read_html(page(REPORT_BODY, head=META[meta].format("gb2312")).encode("gbk"))
    assert lines(doc) == REPORT_LINES
    assert doc.encoding is not None
    assert doc.encoding.replace("-", "") in {"gbk", "gb2312", "gb18030"}


@pytest.mark.parametrize("meta", sorted(META))
def test_utf8_page_with_wrong_gbk_meta(meta: str) -> None:
    doc = read_html(page(REPORT_BODY, head=META[meta].format("gbk")).encode("utf-8"))
    assert lines(doc) == REPORT_LINES
    assert doc.encoding is not None
    assert doc.encoding.replace("-", "").replace("_", "") == "utf8"


def test_str_input_ignores_the_declared_charset() -> None:
    doc = read_html(page(REPORT_BODY, head=META["charset"].format("gbk")))
    assert lines(doc) == REPORT_LINES
    assert doc.encoding is None


# -- content roots -------------------------------------------------------------------------------

PORTAL = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>XX区2023年政府信息公开工作年度报告_XX区人民政府</title>
<script>var 网站 = "不要读我";</script><style>.a{{}}</style></head>
<body>
<div class="top"><header><img src="logo.png">
  <p>XX区人民政府门户网站 欢迎您访问本网站</p></header></div>
<nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li></ul></nav>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 年度报告</div>
<div class="wrap">
  <div class="left-menu"><ul><li><a href="/a">政府信息公开指南</a></li>
    <li><a href="/b">政府信息公开制度</a></li><li><a href="/c">法定主动公开内容</a></li></ul></div>
  <div class="main">
    <h1 class="title">XX区2023年政府信息公开工作年度报告</h1>
    <div class="info">发布时间：2024-01-20 来源：区政府办
      <span class="share">分享到：微信 微博</span></div>
    <div {root}>
      <p>一、总体情况</p><p>2023年，XX区认真贯彻落实政府信息公开条例，全面推进政务公开工作。</p>
      <p>四、政府信息公开行政复议、行政诉讼情况</p>
      {table}
      <div style="display:none">隐藏的统计代码文字</div>
      <p>五、存在的主要问题及改进情况</p><p>公开内容还不够全面。</p>
    </div>
  </div>
</div>
<footer><p>主办单位：XX区人民政府办公室 版权所有 备案号：京ICP备12345678号</p></footer>
</body></html>"""

APPEALS_NUMBERS = [str(n) for n in (1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)]
PORTAL_LINES = [
    "一、总体情况",
    "2023年，XX区认真贯彻落实政府信息公开条例，全面推进政务公开工作。",
    "四、政府信息公开行政复议、行政诉讼情况",
    *official.pipe_rows(official.appeals_cells(APPEALS_NUMBERS)[2]),
    "五、存在的主要问题及改进情况",
    "公开内容还不够全面。",
]


def portal(root: str) -> str:
    table = official.html_table(official.appeals_cells(APPEALS_NUMBERS)[2])
    return PORTAL.replace("{root}", root).replace("{table}", table).replace("{{}}", "{}")


@pytest.mark.parametrize(
    ("root", "selector"),
    [
        ('id="zoom"', "#zoom"),
        ('class="TRS_Editor"', ".TRS_Editor"),
        ('id="UCAP-CONTENT"', "#UCAP-CONTENT"),
        ('class="article"', ".article"),
    ],
)
def test_portal_page_uses_the_content_root(root: str, selector: str) -> None:
    doc = read_html(portal(root))
    assert lines(doc) == PORTAL_LINES
    assert any(s.what == f"content root {selector} selected" for s in doc.steps)
    assert len(doc.grids) == 1
    assert_traceable(doc)


def test_portal_page_without_a_known_root_uses_the_densest_element() -> None:
    doc = read_html(portal('class="zw-body"'))
    # The descent stops above the report's title: it belongs to the report, unlike the menus.
    assert lines(doc) == [
        "XX区2023年政府信息公开工作年度报告",
        "发布时间：2024-01-20 来源：区政府办",
        *PORTAL_LINES,
    ]
    step = next(s for s in doc.steps if s.what.startswith("content root"))
    assert step.what == 'content root <div class="main"> selected'
    assert any("navigation/header/footer/menu" in s.what for s in doc.steps)
    assert any("hidden" in s.what for s in doc.steps)


def test_known_root_holding_little_content_is_not_trusted() -> None:
    body = (
        '<div class="content"><a href="/x">相关链接</a></div>'
        '<div class="report"><p>一、总体情况</p>'
        "<p>本年度共收到政府信息公开申请十二件，均已按期答复。</p>"
        "<table><tr><td>行政许可</td><td>1</td></tr></table></div>"
    )
    doc = read_html(page(body))
    assert lines(doc) == [
        "一、总体情况",
        "本年度共收到政府信息公开申请十二件，均已按期答复。",
        "行政许可 | 1 |",
    ]


def test_a_menu_like_class_name_does_not_hide_an_article() -> None:
    prose = "本机关坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。" * 12
    doc = read_html(
        page(
            '<div class="menu"><a href="/a">首页</a><a href="/b">机构概况</a></div>'
            f'<div class="page-nav-content"><p>一、总体情况</p><p>{prose}</p></div>'
        )
    )
    assert lines(doc) == ["一、总体情况", prose]


def test_known_root_leaving_the_tables_outside_is_not_trusted() -> None:
    prose = "本机关坚持以公开为常态、不公开为例外，全面推进政务公开。" * 30
    table = official.html_table(official.appeals_cells(APPEALS_NUMBERS)[2])
    doc = read_html(
        page(
            f'<div class="main"><div id="zoom"><p>一、总体情况</p><p>{prose}</p></div>'
            f"<p>四、政府信息公开行政复议、行政诉讼情况</p>{table}</div>"
        )
    )
    assert len(doc.grids) == 1
    assert lines(doc)[:3] == ["一、总体情况", prose, "四、政府信息公开行政复议、行政诉讼情况"]
    assert not any("#zoom" in s.what for s in doc.steps)


def test_sibling_content_roots_are_all_read_in_order() -> None:
    body = (
        '<div class="TRS_Editor"><p>一、总体情况</p>'
        "<p>全年主动公开政府信息一千二百条，持续提升公开质量。</p></div>"
        '<div class="side"><a href="/a">其他年度报告</a></div>'
        '<div class="TRS_Editor"><p>二、主动公开政府信息情况</p>'
        "<table><tr><td>规章</td><td>0</td></tr><tr><td>行政规范性文件</td><td>3</td></tr></table>"
        "</div>"
    )
    doc = read_html(page(body))
    assert lines(doc) == [
        "一、总体情况",
        "全年主动公开政府信息一千二百条，持续提升公开质量。",
        "二、主动公开政府信息情况",
        "规章 | 0 |",
        "行政规范性文件 | 3 |",
    ]
    assert "2 elements" in next(s.what for s in doc.steps if s.what.startswith("content root"))


def test_page_without_content_notes_images_and_attachments() -> None:
    doc = read_html(
        page(
            '<div id="zoom"><p>详见附件。</p><img src="t1.png">'
            '<a href="/files/2023年报.pdf">2023年报.pdf</a></div>'
        )
    )
    assert doc.grids == ()
    notes = [m for code, m, _ in doc.problems if code == "GX704"]
    assert any("1 image(s)" in m and "2023年报.pdf" in m for m in notes)


# -- Word-exported markup ------------------------------------------------------------------------


def test_word_exported_markup() -> None:
    doc = read_html((DATA / "word_export.htm").read_bytes())
    assert lines(doc) == [
        "XX局2023年政府信息公开工作年度报告",
        "（一） 主动公开情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 | 行政诉讼 |",
        "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |",
        " | ".join(official.OUTCOMES * 2) + " |",
        "1 | 0 | 0 | 0 | 1 |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "五、存在的主要问题及改进情况",
    ]
    grid = doc.grids[0].grid
    numbers = _load_official().appeals_cells(["1", "0", "0", "0", "1", ""] + ["0"] * 9)[2]
    assert geometry(grid.cells) == numbers
    assert any(s.what == "read Word-exported HTML" for s in doc.steps)
    assert any("zero-height" in s.what for s in doc.steps)
    assert doc.encoding is not None and doc.encoding.replace("-", "") in {
        "gbk",
        "gb18030",
        "gb2312",
    }
    assert_traceable(doc)


# -- malformed spans -----------------------------------------------------------------------------


def gx703(doc: Document) -> list[str]:
    return [m for code, m, _ in doc.problems if code == "GX703"]


def test_colspan_with_semicolon() -> None:
    doc = read_html(
        page(
            '<table><tr><td colspan="2;">第二十条第（五）项</td></tr>'
            "<tr><td>信息内容</td><td>本年处理决定数量</td></tr></table>"
        )
    )
    grid = doc.grids[0].grid
    assert geometry(grid.cells) == [
        (0, 0, 1, 2, "第二十条第（五）项"),
        (1, 0, 1, 1, "信息内容"),
        (1, 1, 1, 1, "本年处理决定数量"),
    ]
    (message,) = gx703(doc)
    assert message == 'table 1, row 1, column 1: colspan="2;" read as 2'
    location = doc.problems[0][2]
    assert location is not None and location.grid == (0, 0, 0) and location.line == 1


def test_spans_past_the_table_edge_are_clamped() -> None:
    doc = read_html(
        page(
            '<table><tr><td colspan="20">第二十条第（一）项</td></tr>'
            "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td></tr>"
            '<tr><td rowspan="9">规章</td><td>1</td><td colspan="5">2</td></tr></table>'
        )
    )
    grid = doc.grids[0].grid
    assert (grid.n_rows, grid.n_cols) == (3, 3)
    assert geometry(grid.cells) == [
        (0, 0, 1, 3, "第二十条第（一）项"),
        (1, 0, 1, 1, "信息内容"),
        (1, 1, 1, 1, "本年制发件数"),
        (1, 2, 1, 1, "本年废止件数"),
        (2, 0, 1, 1, "规章"),
        (2, 1, 1, 1, "1"),
        (2, 2, 1, 1, "2"),
    ]
    assert sorted(gx703(doc)) == [
        "table 1, row 1, column 1: colspan 20 runs past the last column; clamped to 3",
        "table 1, row 3, column 1: rowspan 9 runs past the last row of the table; clamped to 1",
        "table 1, row 3, column 3: colspan 5 runs past the last column; clamped to 1",
    ]
    assert_traceable(doc)


@pytest.mark.parametrize(
    ("attrs", "expected", "note"),
    [
        ('rowspan="0"', (1, 1), 'rowspan="0" read as 1 (no span)'),
        ('colspan="abc"', (1, 1), 'colspan="abc" is not a number; read as 1'),
        ('colspan="-2"', (1, 1), 'colspan="-2" is not a number; read as 1'),
        ('colspan=" 2 "', (1, 2), None),
        ('colspan="2px"', (1, 2), 'colspan="2px" read as 2'),
        ('colspan="２"', (1, 1), 'colspan="２" is not a number; read as 1'),
        ('colspan="99999999999999999999999"', (1, 1000), "exceeds the HTML limit; read as 1000"),
        ('colspan=""', (1, 1), None),
    ],
)
def test_malformed_span_values(attrs: str, expected: tuple[int, int], note: str | None) -> None:
    doc = read_html(
        page(f"<table><tr><td {attrs}>x</td><td>y</td></tr><tr><td>a</td><td>b</td></tr></table>")
    )
    cell = next(c for c in doc.grids[0].grid.cells if c.text == "x")
    assert (cell.rowspan, cell.colspan) == expected
    messages = gx703(doc)
    if note is None:
        assert messages == []
    else:
        assert any(note in m for m in messages), messages
    assert_traceable(doc)


def test_rowspan_stops_at_the_end_of_its_row_group() -> None:
    doc = read_html(
        page(
            '<table><thead><tr><th rowspan="3">信息内容</th><th>数量</th></tr></thead>'
            "<tbody><tr><td>规章</td><td>1</td></tr></tbody></table>"
        )
    )
    assert geometry(doc.grids[0].grid.cells) == [
        (0, 0, 1, 1, "信息内容"),
        (0, 1, 1, 1, "数量"),
        (1, 0, 1, 1, "规章"),
        (1, 1, 1, 1, "1"),
    ]
    assert gx703(doc) == [
        "table 1, row 1, column 1: rowspan 3 runs past the last row of its row group; clamped to 1"
    ]


def test_colspan_overlapping_a_rowspan_is_reduced() -> None:
    doc = read_html(
        page(
            '<table><tr><td>a</td><td rowspan="2">b</td><td>c</td></tr>'
            '<tr><td colspan="3">d</td><td>e</td></tr></table>'
        )
    )
    assert geometry(doc.grids[0].grid.cells) == [
        (0, 0, 1, 1, "a"),
        (0, 1, 2, 1, "b"),
        (0, 2, 1, 1, "c"),
        (1, 0, 1, 1, "d"),
        (1, 3, 1, 1, "e"),
    ]
    assert any("overlaps a cell spanning from a row above; reduced to 1" in m for m in gx703(doc))
    assert_traceable(doc)


def test_rows_in_which_no_cell_starts_are_dropped() -> None:
    doc = read_html(
        page(
            '<table><tr><td rowspan="3">合计</td><td rowspan="3">5</td></tr><tr></tr><tr></tr>'
            "<tr><td>a</td><td>b</td></tr></table>"
        )
    )
    assert geometry(doc.grids[0].grid.cells) == [
        (0, 0, 1, 1, "合计"),
        (0, 1, 1, 1, "5"),
        (1, 0, 1, 1, "a"),
        (1, 1, 1, 1, "b"),
    ]
    assert lines(doc) == ["合计 | 5 |", "a | b |"]
    assert any("no cell starts" in s.what for s in doc.steps)


def test_huge_spans_cost_nothing() -> None:
    rows = "".join(f"<tr><td>{i}</td></tr>" for i in range(2000))
    source = page(
        f'<table><tr><td rowspan="65534" colspan="1000">x</td><td>y</td></tr>{rows}</table>'
    )
    started = time.perf_counter()
    doc = read_html(source)
    assert time.perf_counter() - started < 5
    grid = doc.grids[0].grid
    first = next(c for c in grid.cells if c.text == "x")
    # As in a browser: the spans are capped by HTML's limits (colspan 1000) and by the table's
    # rows, and every later cell is pushed right of the covered block.
    assert (first.rowspan, first.colspan) == (2001, 1000)
    assert {c.col for c in grid.cells if c.text != "x"} == {1000}
    assert (grid.n_rows, grid.n_cols) == (2001, 1001)


# -- nested tables -------------------------------------------------------------------------------


def test_layout_wrapper_table_is_read_as_blocks() -> None:
    inner = official.html_table(official.appeals_cells(APPEALS_NUMBERS)[2])
    doc = read_html(
        page(
            "<h1>XX区2023年政府信息公开工作年度报告</h1>"
            '<table width="100%"><tr><td>'
            "<p>一、总体情况</p><p>本年度主动公开政府信息四百余条。</p>"
            f"<p>四、政府信息公开行政复议、行政诉讼情况</p>{inner}<p>五、存在的主要问题</p>"
            "</td></tr></table>"
        )
    )
    assert lines(doc) == [
        "XX区2023年政府信息公开工作年度报告",
        "一、总体情况",
        "本年度主动公开政府信息四百余条。",
        "四、政府信息公开行政复议、行政诉讼情况",
        *official.pipe_rows(official.appeals_cells(APPEALS_NUMBERS)[2]),
        "五、存在的主要问题",
    ]
    assert len(doc.grids) == 1 and doc.grids[0].grid.n_cols == 15
    assert any("layout table" in s.what for s in doc.steps)
    assert_traceable(doc)


def test_layout_table_with_menu_and_article_columns() -> None:
    prose = "本机关坚持以公开为常态、不公开为例外，" * 20
    table = (
        '<table><tr><td><a href="/a">首页</a></td><td><p>一、总体情况</p>'
        f"<p>{prose}</p></td></tr></table>"
    )
    doc = read_html(page("<h1>XX区2023年政府信息公开工作年度报告</h1>" + table))
    assert lines(doc) == ["XX区2023年政府信息公开工作年度报告", "首页", "一、总体情况", prose]
    assert doc.grids == ()
    assert any("layout table" in s.what for s in doc.steps)
    # Alone on the page, the wrapper's article cell is the content root: the menu cell goes.
    doc = read_html(page(table))
    assert lines(doc) == ["一、总体情况", prose]


def test_table_nested_in_a_data_cell_is_flattened() -> None:
    doc = read_html(
        page(
            "<table><tr><td>信息内容</td><td>本年处理决定数量</td></tr>"
            "<tr><td>行政许可</td><td><table><tr><td>12</td><td>件</td></tr></table></td></tr>"
            "<tr><td>其他</td><td>3</td></tr></table>"
        )
    )
    assert len(doc.grids) == 1
    assert lines(doc) == ["信息内容 | 本年处理决定数量 |", "行政许可 | 12 件 |", "其他 | 3 |"]
    assert any(
        code == "GX704" and "flattened" in m and loc is not None for code, m, loc in doc.problems
    )


# -- limits and robustness -----------------------------------------------------------------------


def test_deep_nesting_is_refused() -> None:
    source = "<div>" * 5000 + "深" + "</div>" * 5000
    with pytest.raises(InputTooLargeError):
        read_html(source)
    with pytest.raises(InputTooLargeError):
        read_html(source.encode("utf-8"))


def test_unclosed_inline_tags_nesting_past_libxml2s_limit_are_read() -> None:
    # libxml2 nests each unclosed <font> inside the last: 400 paragraphs are ~800 levels deep.
    source = page("<p><font>本年度依法公开政府信息。" * 400)
    doc = read_html(source)
    assert lines(doc) == ["本年度依法公开政府信息。"] * 400
    assert any("256-level nesting limit" in s.what for s in doc.steps)
    with pytest.raises(InputTooLargeError) as info:
        read_html(page("<p><font>本年度依法公开政府信息。" * 600))
    assert "deeper than 1000 levels" in str(info.value)


def test_moderate_nesting_is_read() -> None:
    doc = read_html(page("<div>" * 200 + "<p>深层内容</p>" + "</div>" * 200))
    assert lines(doc) == ["深层内容"]


def test_too_many_cells_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_reader, "MAX_CELLS", 50)
    row = "<tr>" + "<td>1</td>" * 10 + "</tr>"
    read_html(page("<table>" + row * 5 + "</table>"))
    with pytest.raises(InputTooLargeError):
        read_html(page("<table>" + row * 6 + "</table>"))


def test_rowspan_work_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_reader, "MAX_SPAN_WORK", 1000)
    rows = "<tr>" + '<td rowspan="100">x</td>' * 20 + "</tr>" + "<tr></tr>" * 99
    with pytest.raises(InputTooLargeError):
        read_html(page(f"<table>{rows}</table>"))


def test_empty_and_blank_input() -> None:
    for source in ("", b"", "   \n", page("")):
        doc = read_html(source)
        assert doc.text == "" and doc.grids == ()
        assert any(code == "GX704" for code, _, _ in doc.problems)


def test_wrong_type_is_refused() -> None:
    with pytest.raises(UnreadableInputError):
        read_html(123)  # type: ignore[arg-type]


def test_missing_lxml_raises_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lxml", None)
    with pytest.raises(MissingExtraError) as info:
        read_html("<p>x</p>")
    assert "gxlib[html]" in str(info.value)


def test_importing_the_reader_does_not_import_lxml() -> None:
    code = (
        "import sys, gxlib, gxlib.readers.html, gxlib.readers.docx; "
        "assert 'lxml' not in sys.modules, 'lxml imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_large_page_is_linear() -> None:
    def build(n: int) -> str:
        row = (
            "<tr><td>行政许可</td>" + "<td><p class=MsoNormal><span>1</span></p></td>" * 7 + "</tr>"
        )
        return page("<p>说明文字。</p>" * n + "<table>" + row * n + "</table>")

    times = []
    for n in (1000, 4000):
        started = time.perf_counter()
        doc = read_html(build(n))
        times.append(time.perf_counter() - started)
        assert doc.grids[0].grid.n_rows == n
    assert times[1] < 4 * times[0] * 2.5 + 0.5


TAGS = ["p", "div", "table", "tr", "td", "th", "tbody", "thead", "span", "br", "o:p", "nav", "a"]
ATTRS = [
    "",
    ' colspan="2"',
    ' rowspan="3"',
    ' colspan="2;"',
    ' rowspan="0"',
    ' colspan="x"',
    ' rowspan="70000"',
    ' id="zoom"',
    ' class="TRS_Editor"',
    ' style="display:none"',
    ' height="0"',
]
fragment = st.lists(
    st.one_of(
        st.builds(lambda t, a: f"<{t}{a}>", st.sampled_from(TAGS), st.sampled_from(ATTRS)),
        st.builds(lambda t: f"</{t}>", st.sampled_from(TAGS)),
        st.sampled_from(
            ["一、总体情况", "12", "|", "&nbsp;", "\n", "<", "&", "<!--", "]]>", "<?x"]
        ),
        st.text(max_size=8),
    ),
    max_size=60,
).map("".join)


@given(fragment)
def test_random_markup_gives_a_document_or_a_gxlib_error(source: str) -> None:
    try:
        doc = read_html(source)
    except GxlibError:
        return
    assert doc.kind == "html"
    assert_traceable(doc)


SPANS = ["", "1", "2", "3", "0", "2;", "x", "-1", "9", "1000", " 2 "]
random_cell = st.builds(
    lambda tag, rs, cs, text: f'<{tag} rowspan="{rs}" colspan="{cs}">{text}</{tag}>',
    st.sampled_from(["td", "th"]),
    st.sampled_from(SPANS),
    st.sampled_from(SPANS),
    st.sampled_from(
        ["", "12", "一、本年新收", "a|b", "&nbsp;", "<br>", "<table><tr><td>7</td></tr></table>"]
    ),
)
random_row = st.lists(random_cell, max_size=6).map(lambda cells: "<tr>" + "".join(cells) + "</tr>")
random_group = st.builds(
    lambda tag, rows: f"<{tag}>{''.join(rows)}</{tag}>" if tag else "".join(rows),
    st.sampled_from(["", "thead", "tbody", "tfoot"]),
    st.lists(random_row, max_size=5),
)


@given(st.lists(random_group, min_size=1, max_size=3))
def test_random_tables_keep_the_contract(groups: list[str]) -> None:
    doc = read_html(
        page('<div id="zoom"><p>表</p><table>' + "".join(groups) + "</table><p>完</p></div>")
    )
    assert_traceable(doc)
    assert lines(doc)[0] == "表" and lines(doc)[-1] == "完"


@given(st.binary(max_size=300))
def test_random_bytes_give_a_document_or_a_gxlib_error(data: bytes) -> None:
    try:
        doc = read_html(data)
    except GxlibError:
        return
    assert_traceable(doc)


# -- the cell-text shortcut gives what the general walk gives --------------------------------

_CELL_TAGS = st.sampled_from(["p", "span", "div", "b", "font", "br", "pre", "o:p", "a"])
_CELL_TEXT = st.one_of(
    st.none(), st.sampled_from(["", " ", "0", "12", "行政许可", "\n", "\n申请", "a\nb", "\xa0"])
)


@st.composite
def _cell_markup(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(_CELL_TAGS)
    if tag == "br":
        return "<br>" + (draw(_CELL_TEXT) or "")
    style = draw(st.sampled_from(["", ' style="display:none"', ' style="font-size:10pt"']))
    n = 0 if depth >= 3 else draw(st.integers(0, 2))
    inner = (draw(_CELL_TEXT) or "") + "".join(draw(_cell_markup(depth + 1)) for _ in range(n))
    return f"<{tag}{style}>{inner}</{tag}>" + (draw(_CELL_TEXT) or "")


@given(_cell_markup())
def test_cell_text_shortcut_equals_the_walk(inner: str) -> None:
    pytest.importorskip("lxml")
    from lxml import etree

    root = etree.fromstring(
        f"<html><body><table><tr><td>{inner}</td></tr></table></body></html>", etree.HTMLParser()
    )
    body = root.find("body")
    survey = html_reader._Survey(body)
    survey.run()
    reader = html_reader._Reader(survey, html_reader.TextBuilder())
    cell = body.find(".//td")
    read = survey.cell_texts.get(cell)
    if read is not None:
        assert read == reader._walk_text(cell)
    # As a plain data table reads its cells (hidden styles are checked for the whole table)
    read = html_reader._cell_raw(cell, 10)
    if read is not None and "display:none" not in inner:
        assert html_reader.join_wide_breaks(read[0]) == reader._walk_text(cell)


_TD_ATTRS = st.sampled_from(
    [
        "",
        ' class="zoom"',
        ' style="width:10pt"',
        ' style="border-top:none;width:10pt"',
        ' colspan="2"',
        ' rowspan="2"',
        ' class="table-header"',
        ' id="c1"',
    ]
)
_INNER_ATTRS = st.sampled_from(
    [
        "",
        " class=MsoNormal",
        ' style="font-size:10pt"',
        ' style="display:none"',
        ' style="border:none"',
        ' class="nav"',
        ' class="TRS_Editor"',
        ' id="x"',
        " hidden",
        ' role="navigation"',
        ' align="center" lang="EN-US"',
    ]
)
_ROW_ATTRS = st.sampled_from(["", ' style="height:0pt"', ' height="0"', ' class="nav"', " hidden"])
# Markup of plain data tables (which the survey reads at once), drawn half of the time.
_PLAIN_TAGS = ["p", "span", "div", "font", "b", "o:p", "br", "sup", "a"]
_PLAIN_ATTRS = st.sampled_from(
    ["", " class=MsoNormal", ' style="border:none"', ' align="center" lang="EN-US"']
)


@st.composite
def _cell_content(draw: st.DrawFn, depth: int = 0, plain: bool = False) -> str:
    odd = ["a", "script", "pre", "img"]
    tag = draw(st.sampled_from(_PLAIN_TAGS if plain else _PLAIN_TAGS + odd))
    text = draw(_CELL_TEXT) or ""
    if tag in ("br", "img"):
        return f"<{tag}>" + text
    n = 0 if depth >= 3 else draw(st.integers(0, 2))
    inner = (draw(_CELL_TEXT) or "") + "".join(
        draw(_cell_content(depth + 1, plain)) for _ in range(n)
    )
    attrs = draw(_PLAIN_ATTRS if plain else _INNER_ATTRS)
    if tag == "a" and draw(st.booleans()):
        attrs += ' href="x.pdf"'
    return f"<{tag}{attrs}>{inner}</{tag}>{text}"


@st.composite
def _table(draw: st.DrawFn, depth: int = 0) -> str:
    plain = draw(st.booleans())
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        cells = []
        for _ in range(draw(st.integers(1, 3))):
            attrs = draw(_PLAIN_ATTRS if plain and draw(st.booleans()) else _TD_ATTRS)
            inner = (draw(_CELL_TEXT) or "") + (
                draw(_cell_content(0, plain)) if draw(st.booleans()) else ""
            )
            if depth == 0 and not plain and draw(st.integers(0, 5)) == 0:
                inner += draw(_table(depth + 1))
            tag = draw(st.sampled_from(["td", "td", "th"]))
            cells.append(f"<{tag}{attrs}>{inner}</{tag}>" + (draw(_CELL_TEXT) or ""))
        stray = draw(st.sampled_from(["", "", " ", "表内文字"]))
        row_attrs = "" if plain and draw(st.booleans()) else draw(_ROW_ATTRS)
        rows.append(f"<tr{row_attrs}>{stray}" + "".join(cells) + "</tr>")
    body = "".join(rows)
    group = draw(st.sampled_from(["", "", "tbody", "thead"]))
    if group:
        body = f"<{group}>{body}</{group}>" + draw(st.sampled_from(["", "<tr><td>一</td></tr>"]))
    attrs = draw(_PLAIN_ATTRS if plain else _INNER_ATTRS)
    table = f"<table{attrs}>" + draw(st.sampled_from(["", "标题"])) + body
    table += "</table>" + (draw(_CELL_TEXT) or "")
    if not plain and draw(st.booleans()):
        table = "<a href=x>" + table + "</a>"
    return table


@st.composite
def _table_page(draw: st.DrawFn) -> str:
    tables = "".join(draw(_table()) for _ in range(draw(st.integers(1, 2))))
    return '<div id="zoom">一、总体情况' + tables + "</div><div>本年度报告</div>"


def _inside_data_table(element: Any, survey: Any) -> bool:
    """Whether an element lies below a table read as data (whose inner scores go unrecorded:
    the content root is never sought inside a data table)."""
    for ancestor in element.iterancestors("table"):
        stats = survey.tables.get(ancestor)
        if stats is not None and not html_reader.is_layout_table(stats):
            return True
    return False


@given(_table_page())
@example(  # links in a plain table: their text is not content
    '<div id="zoom">一、总体情况<table><tr><td><a href="x">政务公开</a>尾巴</td>'
    '<td><p><a href="y"><span>申请</span>内</a>外</p></td></tr>'
    "<tr><td>一</td><td>二</td></tr></table></div><div>本年度报告</div>"
)
@settings(max_examples=300)
def test_cell_shortcuts_change_nothing(body: str) -> None:
    """Surveying and reading ordinary cells and plain data tables at once gives what walking
    every element gives."""
    pytest.importorskip("lxml")
    from lxml import etree

    def read(shortcuts: bool) -> tuple[object, ...]:
        root = etree.fromstring(f"<html><body>{body}</body></html>", etree.HTMLParser())
        survey = html_reader._Survey(root.find("body"), shortcuts=shortcuts)
        survey.run()

        def path(el: object) -> str:
            return el.getroottree().getpath(el)  # type: ignore[attr-defined]

        roots, step = html_reader._choose_roots(survey.body, survey)
        builder = html_reader.TextBuilder()
        reader = html_reader._Reader(survey, builder)
        for el in roots:
            reader.render(el)
        doc = builder.document("html", [], "utf-8")
        return (
            {path(e): v for e, v in survey.scores.items() if not _inside_data_table(e, survey)},
            {path(e): v for e, v in survey.cells.items()},
            [(path(e), v) for e, v in survey.tables.items()],
            {k: [path(e) for e in v] for k, v in survey.candidates.items()},
            survey.skip.counts,
            step,
            doc.text,
            doc.grids,
            doc.problems,
            reader.steps(),
        )

    assert read(True) == read(False)


@given(st.text(alphabet=st.sampled_from("年度报告 a1、\u3400\u4dbf\u4dc0\U00020000\uf900\ufb00\n")))
def test_cjk_count_counts_what_the_character_class_matches(text: str) -> None:
    import re

    cjk = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
    assert html_reader._cjk_count(text) == len(cjk.findall(text))
