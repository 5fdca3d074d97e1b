"""The DOCX reader: merges (gridSpan / vMerge), document order, numbering, refusals."""

from __future__ import annotations

import importlib.util
import io
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import docx
import pytest
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import given
from hypothesis import strategies as st

from gxlib.document import Document, GridCell
from gxlib.errors import GxlibError, InputTooLargeError, MissingExtraError, UnreadableInputError
from gxlib.readers import docx as docx_reader
from gxlib.readers.docx import read_docx

DATA = Path(__file__).parent / "data" / "readers"


def _load_official() -> ModuleType:
    spec = importlib.util.spec_from_file_location("official_tables", DATA / "official_tables.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


official = _load_official()
Cells = list[tuple[int, int, int, int, str]]


def build(fill: Callable[[Any], None]) -> bytes:
    document = docx.Document()
    fill(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_table(document: Any, n_rows: int, n_cols: int, cells: Cells) -> Any:
    """The cells as a Word table: each region merged with python-docx (gridSpan / vMerge)."""
    table = document.add_table(rows=n_rows, cols=n_cols)
    for row, col, rowspan, colspan, text in cells:
        cell = table.cell(row, col)
        if rowspan > 1 or colspan > 1:
            cell = cell.merge(table.cell(row + rowspan - 1, col + colspan - 1))
        cell.text = text
    return table


def lines(doc: Document) -> list[str]:
    return doc.text.splitlines()


def geometry(cells: tuple[GridCell, ...]) -> Cells:
    return sorted((c.row, c.col, c.rowspan, c.colspan, c.text) for c in cells)


def assert_traceable(doc: Document) -> None:
    text_lines = doc.text.split("\n")
    for index, placed in enumerate(doc.grids):
        grid = placed.grid
        assert grid.index == index
        rendered = doc.text[placed.start : placed.end].split("\n")
        assert len(rendered) == grid.n_rows
        by_row: dict[int, list[GridCell]] = {}
        for cell in grid.cells:
            loc = cell.location
            assert loc is not None
            assert doc.text[loc.offset : loc.offset + loc.length] == cell.text
            assert loc.grid == (index, cell.row, cell.col)
            assert text_lines[loc.line - 1] == rendered[cell.row]
            assert cell.row + cell.rowspan <= grid.n_rows
            assert cell.col + cell.colspan <= grid.n_cols
            by_row.setdefault(cell.row, []).append(cell)
        for row, row_cells in by_row.items():
            row_cells.sort(key=lambda c: c.col)
            assert rendered[row] == " | ".join(c.text for c in row_cells) + " |"


# -- the official tables -------------------------------------------------------------------------


def requests_value(row: int, col: int) -> str:
    return "" if (row, col) in {(0, 3), (24, 6)} else str(row * 10 + col)


def test_requests_table_geometry_and_rows() -> None:
    n_rows, n_cols, cells = official.requests_cells(requests_value)

    def fill(document: Any) -> None:
        document.add_paragraph("三、收到和处理政府信息公开申请情况")
        add_table(document, n_rows, n_cols, cells)
        document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")

    doc = read_docx(build(fill), name="report.docx")
    assert doc.kind == "docx"
    grid = doc.grids[0].grid
    assert (grid.n_rows, grid.n_cols) == (28, 10)
    assert geometry(grid.cells) == cells
    got = lines(doc)
    assert got[0] == "三、收到和处理政府信息公开申请情况"
    assert got[1:29] == official.pipe_rows(cells)
    assert got[1] == f"{official.NOTE} | 申请人情况 |"
    assert got[2] == "自然人 | 法人或其他组织 | 总计 |"
    assert got[6] == "三、本年度办理结果 | （一）予以公开 | 20 | 21 | 22 | 23 | 24 | 25 | 26 |"
    assert got[4] == "一、本年新收政府信息公开申请数量 | 0 | 1 | 2 |  | 4 | 5 | 6 |"
    assert got[29] == "四、政府信息公开行政复议、行政诉讼情况"
    by_pos = {(c.row, c.col): c for c in grid.cells}
    assert (by_pos[5, 0].rowspan, by_pos[7, 1].rowspan, by_pos[0, 0].colspan) == (22, 8, 3)
    corner = by_pos[0, 0].location
    assert corner is not None
    assert (corner.offset, corner.line) == (len(got[0]) + 1, 2)
    assert doc.problems == ()
    assert_traceable(doc)


@pytest.mark.parametrize("labels_span_two_rows", [True, False])
def test_appeals_table(labels_span_two_rows: bool) -> None:
    numbers = [str(n) for n in range(15)]
    n_rows, n_cols, cells = official.appeals_cells(
        numbers, labels_span_two_rows=labels_span_two_rows
    )
    doc = read_docx(build(lambda d: add_table(d, n_rows, n_cols, cells)))
    grid = doc.grids[0].grid
    assert (grid.n_rows, grid.n_cols) == (4, 15)
    assert geometry(grid.cells) == cells
    assert lines(doc)[-1] == " | ".join(numbers) + " |"
    assert_traceable(doc)


# -- document order and text ---------------------------------------------------------------------


def test_paragraphs_and_tables_in_document_order() -> None:
    def fill(document: Any) -> None:
        document.add_paragraph("XX区2023年政府信息公开工作年度报告")
        document.add_paragraph("")
        p = document.add_paragraph("本报告根据条例")
        run = p.add_run("编制")
        run.add_break()
        p.add_run("第二行\t结束")
        document.add_paragraph("二、主动公开政府信息情况")
        add_table(
            document,
            2,
            2,
            [(0, 0, 1, 2, "第二十条第（一）项"), (1, 0, 1, 1, "规章"), (1, 1, 1, 1, "2")],
        )
        document.add_paragraph("中间的说明")
        add_table(document, 1, 3, [(0, 0, 1, 1, "行政许可"), (0, 1, 1, 1, "a|b"), (0, 2, 1, 1, "")])

    doc = read_docx(build(fill))
    assert lines(doc) == [
        "XX区2023年政府信息公开工作年度报告",
        "本报告根据条例编制",
        "第二行 结束",
        "二、主动公开政府信息情况",
        "第二十条第（一）项 |",
        "规章 | 2 |",
        "中间的说明",
        "行政许可 | a｜b |  |",
    ]
    assert [g.grid.index for g in doc.grids] == [0, 1]
    assert doc.grids[0].end < doc.text.index("中间的说明") < doc.grids[1].start
    assert_traceable(doc)


def test_cell_paragraphs_become_one_line() -> None:
    def fill(document: Any) -> None:
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "商业"
        table.cell(0, 0).add_paragraph("企业")
        table.cell(0, 1).text = "  1  "

    doc = read_docx(build(fill))
    assert lines(doc) == ["商业 企业 | 1 |"]


def test_header_rows_are_marked() -> None:
    def fill(document: Any) -> None:
        table = add_table(
            document,
            2,
            2,
            [
                (0, 0, 1, 1, "信息内容"),
                (0, 1, 1, 1, "数量"),
                (1, 0, 1, 1, "规章"),
                (1, 1, 1, 1, "1"),
            ],
        )
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))

    doc = read_docx(build(fill))
    assert {(c.row, c.col): c.header for c in doc.grids[0].grid.cells} == {
        (0, 0): True,
        (0, 1): True,
        (1, 0): False,
        (1, 1): False,
    }


def _numbering(document: Any) -> None:
    """An abstract list 一、 / （一） / 1. as Chinese reports number them, and two instances."""
    numbering = document.part.numbering_part.element
    levels = [
        ("chineseCounting", "%1、", "nothing"),
        ("chineseCounting", "（%2）", None),
        ("decimal", "%3.", "nothing"),
    ]
    xml = [f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">']
    for index, (fmt, text, suffix) in enumerate(levels):
        xml.append(f'<w:lvl w:ilvl="{index}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>')
        if suffix:
            xml.append(f'<w:suff w:val="{suffix}"/>')
        xml.append(f'<w:lvlText w:val="{text}"/></w:lvl>')
    xml.append("</w:abstractNum>")
    numbering.append(parse_xml("".join(xml)))
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="90"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    )


def _numbered(document: Any, text: str, num_id: int, level: int) -> None:
    p = document.add_paragraph(text)
    p_pr = p._p.get_or_add_pPr()
    p_pr.append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def test_list_numbers_are_rendered() -> None:
    def fill(document: Any) -> None:
        _numbering(document)
        _numbered(document, "总体情况", 90, 0)
        _numbered(document, "收到和处理政府信息公开申请情况", 90, 0)
        _numbered(document, "予以公开", 90, 1)
        _numbered(document, "不予公开", 90, 1)
        _numbered(document, "属于国家秘密", 90, 2)
        _numbered(document, "其他法律行政法规禁止公开", 90, 2)
        _numbered(document, "政府信息公开行政复议、行政诉讼情况", 90, 0)
        _numbered(document, "结果维持", 90, 1)
        _numbered(document, "另一个列表", 91, 0)
        document.add_paragraph("要点", style="List Bullet")

    doc = read_docx(build(fill))
    assert lines(doc) == [
        "一、总体情况",
        "二、收到和处理政府信息公开申请情况",
        "（一） 予以公开",
        "（二） 不予公开",
        "1.属于国家秘密",
        "2.其他法律行政法规禁止公开",
        "三、政府信息公开行政复议、行政诉讼情况",
        "（一） 结果维持",
        "一、另一个列表",
        "要点",
    ]
    assert any("list number" in s.what for s in doc.steps)


def test_what_word_does_not_show_is_left_out() -> None:
    w = nsdecls("w")
    paragraph = f"""<w:p {w}>
      <w:r><w:t>一、</w:t></w:r>
      <w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>
      <w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>总体</w:t></w:r>
      <w:del w:id="1" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del>
      <w:ins w:id="2" w:author="a"><w:r><w:t>情况</w:t></w:r></w:ins>
      <w:r><w:ruby><w:rt><w:r><w:t>shù</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>数</w:t></w:r></w:rubyBase></w:ruby></w:r>
      <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>
      <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r>
      <w:r><w:fldChar w:fldCharType="end"/></w:r>
      <w:hyperlink w:history="1"><w:r><w:t>链接</w:t></w:r></w:hyperlink>
      <w:sdt><w:sdtPr><w:alias w:val="别名"/></w:sdtPr><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt>
      <w:r><w:t xml:space="preserve"> 尾 </w:t><w:noBreakHyphen/><w:t>1</w:t></w:r>
    </w:p>"""  # noqa: E501
    block_sdt = (
        f"<w:sdt {w}><w:sdtContent>"
        "<w:p><w:r><w:t>控件中的段落</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )

    def fill(document: Any) -> None:
        body = document.element.body
        body.append(parse_xml(paragraph))
        body.append(parse_xml(block_sdt))

    doc = read_docx(build(fill))
    assert lines(doc) == ["一、总体情况数3链接控件 尾 -1", "控件中的段落"]
    assert any("hidden run" in s.what for s in doc.steps)
    assert any("tracked deletion" in s.what for s in doc.steps)


def test_text_box_is_read_after_its_paragraph() -> None:
    xml = (
        f'<w:p {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:t>正文</w:t></w:r>'
        "<w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>框内文字</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r><w:r><w:t>继续</w:t></w:r></w:p>"
    )
    doc = read_docx(build(lambda d: d.element.body.append(parse_xml(xml))))
    assert lines(doc) == ["正文继续", "框内文字"]


def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_pictures_and_embedded_objects_are_noted() -> None:
    def fill(document: Any) -> None:
        document.add_paragraph("三、收到和处理政府信息公开申请情况")
        document.add_picture(io.BytesIO(_png()))
        document.add_paragraph().add_run()._r.append(OxmlElement("w:object"))

    doc = read_docx(build(fill))
    assert lines(doc) == ["三、收到和处理政府信息公开申请情况"]
    notes = [m for code, m, _ in doc.problems if code == "GX704"]
    assert any("1 embedded object(s)" in m for m in notes)
    assert any("1 picture(s)" in m for m in notes)


# -- merges and malformed tables -----------------------------------------------------------------


def test_grid_before_shifts_a_row() -> None:
    def fill(document: Any) -> None:
        letters = "abcdef"
        table = add_table(document, 2, 3, [(i // 3, i % 3, 1, 1, x) for i, x in enumerate(letters)])
        tr = table.rows[1]._tr
        tr.remove(tr.tc_lst[0])
        before = OxmlElement("w:gridBefore")
        before.set(qn("w:val"), "1")
        tr.get_or_add_trPr().append(before)

    doc = read_docx(build(fill))
    assert geometry(doc.grids[0].grid.cells) == [
        (0, 0, 1, 1, "a"),
        (0, 1, 1, 1, "b"),
        (0, 2, 1, 1, "c"),
        (1, 1, 1, 1, "e"),
        (1, 2, 1, 1, "f"),
    ]


def test_malformed_merges_are_repaired_and_reported() -> None:
    def fill(document: Any) -> None:
        table = add_table(
            document, 3, 3, [(r, c, 1, 1, f"{r}{c}") for r in range(3) for c in range(3)]
        )
        tcs = [[table.cell(r, c)._tc for c in range(3)] for r in range(3)]
        # A vertical merge continuing from nothing, in the first row.
        tcs[0][1].get_or_add_tcPr().append(OxmlElement("w:vMerge"))
        # A span past the table's last column.
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), "5")
        tcs[2][2].get_or_add_tcPr().append(span)
        # A span that is not a number.
        bad = OxmlElement("w:gridSpan")
        bad.set(qn("w:val"), "2;")
        tcs[1][0].get_or_add_tcPr().append(bad)
        tcs[1][1].getparent().remove(tcs[1][1])

    doc = read_docx(build(fill))
    assert geometry(doc.grids[0].grid.cells) == [
        (0, 0, 1, 1, "00"),
        (0, 1, 1, 1, "01"),
        (0, 2, 1, 1, "02"),
        (1, 0, 1, 2, "10"),
        (1, 2, 1, 1, "12"),
        (2, 0, 1, 1, "20"),
        (2, 1, 1, 1, "21"),
        (2, 2, 1, 1, "22"),
    ]
    notes = sorted(m for code, m, _ in doc.problems if code == "GX703")
    assert notes == [
        "table 1, row 1, column 2: continues a vertical merge with no cell above; read as a cell",
        'table 1, row 2, column 1: gridSpan "2;" read as 2',
        "table 1, row 3, column 3: gridSpan 5 runs past the last column; clamped to 1",
    ]
    assert all(loc is not None and loc.grid is not None for _, _, loc in doc.problems)
    assert_traceable(doc)


def test_text_in_a_merged_away_cell_is_reported() -> None:
    def fill(document: Any) -> None:
        table = document.add_table(rows=3, cols=2)
        for r, row in enumerate(["上", "下", "末"]):
            table.cell(r, 0).text = row
            table.cell(r, 1).text = str(r)
        tcs = [table.cell(r, 0)._tc for r in range(2)]
        start = OxmlElement("w:vMerge")
        start.set(qn("w:val"), "restart")
        tcs[0].get_or_add_tcPr().append(start)
        tcs[1].get_or_add_tcPr().append(OxmlElement("w:vMerge"))

    doc = read_docx(build(fill))
    assert geometry(doc.grids[0].grid.cells) == [
        (0, 0, 2, 1, "上"),
        (0, 1, 1, 1, "0"),
        (1, 1, 1, 1, "1"),
        (2, 0, 1, 1, "末"),
        (2, 1, 1, 1, "2"),
    ]
    assert any(code == "GX704" and "'下'" in m for code, m, _ in doc.problems)


def test_rows_entirely_merged_from_above_are_dropped() -> None:
    doc = read_docx(
        build(
            lambda d: add_table(
                d,
                3,
                2,
                [(0, 0, 2, 1, "a"), (0, 1, 2, 1, "b"), (2, 0, 1, 1, "c"), (2, 1, 1, 1, "d")],
            )
        )
    )
    assert geometry(doc.grids[0].grid.cells) == [
        (0, 0, 1, 1, "a"),
        (0, 1, 1, 1, "b"),
        (1, 0, 1, 1, "c"),
        (1, 1, 1, 1, "d"),
    ]
    assert lines(doc) == ["a | b |", "c | d |"]


def test_nested_table_in_a_data_cell_is_flattened() -> None:
    def fill(document: Any) -> None:
        table = add_table(
            document,
            2,
            2,
            [
                (0, 0, 1, 1, "信息内容"),
                (0, 1, 1, 1, "数量"),
                (1, 0, 1, 1, "行政许可"),
                (1, 1, 1, 1, ""),
            ],
        )
        inner = table.cell(1, 1).add_table(rows=1, cols=2)
        inner.cell(0, 0).text = "12"
        inner.cell(0, 1).text = "件"

    doc = read_docx(build(fill))
    assert len(doc.grids) == 1
    assert lines(doc) == ["信息内容 | 数量 |", "行政许可 | 12 件 |"]
    assert any(code == "GX704" and "flattened" in m for code, m, _ in doc.problems)


def test_layout_table_is_read_as_blocks() -> None:
    def fill(document: Any) -> None:
        wrapper = document.add_table(rows=1, cols=1)
        cell = wrapper.cell(0, 0)
        cell.text = "四、政府信息公开行政复议、行政诉讼情况"
        numbers = [str(n) for n in range(15)]
        n_rows, n_cols, cells = official.appeals_cells(numbers)
        inner = cell.add_table(rows=n_rows, cols=n_cols)
        for row, col, rowspan, colspan, text in cells:
            target = inner.cell(row, col)
            if rowspan > 1 or colspan > 1:
                target = target.merge(inner.cell(row + rowspan - 1, col + colspan - 1))
            target.text = text
        cell.add_paragraph("五、存在的主要问题及改进情况")

    doc = read_docx(build(fill))
    cells = official.appeals_cells([str(n) for n in range(15)])[2]
    assert lines(doc) == [
        "四、政府信息公开行政复议、行政诉讼情况",
        *official.pipe_rows(cells),
        "五、存在的主要问题及改进情况",
    ]
    assert geometry(doc.grids[0].grid.cells) == cells
    assert any("layout table" in s.what for s in doc.steps)
    assert_traceable(doc)


# -- refusals ------------------------------------------------------------------------------------

SIMPLE = build(lambda d: d.add_paragraph("一、总体情况"))


def _rezip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size the central directory declares for *name*."""
    patched = bytearray(data)
    at = patched.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", patched, at + 28)[0]
        if patched[at + 46 : at + 46 + name_len] == name.encode():
            struct.pack_into("<I", patched, at + 24, size)
            return bytes(patched)
        at = patched.find(b"PK\x01\x02", at + 4)
    raise AssertionError(name)


def test_simple_document_reads() -> None:
    assert lines(read_docx(SIMPLE)) == ["一、总体情况"]


def test_legacy_doc_is_refused_with_a_conversion_hint() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(UnreadableInputError) as info:
        read_docx(ole, name="report.doc")
    message = str(info.value)
    assert "report.doc" in message and ".doc" in message and ".wps" in message
    assert "libreoffice --headless --convert-to docx" in message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"{\\rtf1\\ansi hello}", "RTF"),
        (b"<html><body><p>x</p></body></html>", "read_html"),
        (b"MIME-Version: 1.0\r\nContent-Type: multipart/related", "read_html"),
        (b'<?xml version="1.0"?><?mso-application progid="Word.Document"?>', "Word 2003 XML"),
        (b"just some text", "not a DOCX"),
        (b"", "not a DOCX"),
    ],
)
def test_other_formats_are_refused(data: bytes, words: str) -> None:
    with pytest.raises(UnreadableInputError) as info:
        read_docx(data)
    assert words in str(info.value)


def test_corrupt_zip_is_refused() -> None:
    for data in (SIMPLE[: len(SIMPLE) // 2], b"PK\x03\x04" + b"\x00" * 100):
        with pytest.raises(UnreadableInputError) as info:
            read_docx(data)
        assert not isinstance(info.value, InputTooLargeError)


def test_broken_member_is_refused() -> None:
    data = bytearray(_rezip(_entries(SIMPLE), zipfile.ZIP_STORED))
    at = data.find(b"w:body")
    data[at : at + 6] = b"w:b0dy"  # the stored CRC no longer matches
    with pytest.raises(UnreadableInputError):
        read_docx(bytes(data))


def test_package_without_a_document_is_refused() -> None:
    cases = {
        "not a DOCX": {"readme.txt": b"x"},
        "Excel": {"xl/workbook.xml": b"<workbook/>"},
        "OpenDocument": {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<x/>",
        },
    }
    for words, entries in cases.items():
        with pytest.raises(UnreadableInputError) as info:
            read_docx(_rezip(entries))
        assert words in str(info.value)


def test_malformed_xml_is_refused() -> None:
    entries = _entries(SIMPLE)
    entries["word/document.xml"] = entries["word/document.xml"][:-40]
    with pytest.raises(UnreadableInputError) as info:
        read_docx(_rezip(entries))
    assert "not well-formed" in str(info.value)


def test_entity_expansion_is_not_performed() -> None:
    entries = _entries(SIMPLE)
    entries["word/document.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "AAAAAAAAAA">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>x&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    try:
        doc = read_docx(_rezip(entries))
    except UnreadableInputError:
        return
    assert "AAAAAAAAAA" not in doc.text


def test_declared_size_over_the_limit_is_refused_before_reading() -> None:
    data = _declare_size(SIMPLE, "word/document.xml", 300 * 1024 * 1024)
    with pytest.raises(InputTooLargeError) as info:
        read_docx(data)
    assert "word/document.xml" in str(info.value)


def test_total_declared_size_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(InputTooLargeError):
        read_docx(SIMPLE)


def test_zip_bomb_ratio_is_refused() -> None:
    entries = _entries(SIMPLE)
    document = entries["word/document.xml"]
    padding = b" " * (6 * 1024 * 1024)
    entries["word/document.xml"] = document.replace(b"<w:body>", b"<w:body>" + padding, 1)
    with pytest.raises(InputTooLargeError) as info:
        read_docx(_rezip(entries))
    assert "zip bomb" in str(info.value)


def test_too_many_cells_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_CELLS", 5)
    data = build(lambda d: d.add_table(rows=2, cols=3))
    with pytest.raises(InputTooLargeError):
        read_docx(data)


def test_deep_xml_is_refused() -> None:
    entries = _entries(SIMPLE)
    deep = b"<w:sdt><w:sdtContent>" * 300 + b"<w:p/>" + b"</w:sdtContent></w:sdt>" * 300
    entries["word/document.xml"] = entries["word/document.xml"].replace(
        b"<w:body>", b"<w:body>" + deep, 1
    )
    with pytest.raises(InputTooLargeError):
        read_docx(_rezip(entries))


def test_wrong_type_is_refused() -> None:
    with pytest.raises(UnreadableInputError):
        read_docx("PK not bytes")  # type: ignore[arg-type]


def test_missing_lxml_raises_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lxml", None)
    with pytest.raises(MissingExtraError) as info:
        read_docx(SIMPLE)
    assert "gxlib[docx]" in str(info.value)


@given(st.binary(max_size=400))
def test_random_bytes_give_a_gxlib_error(data: bytes) -> None:
    try:
        read_docx(b"PK" + data)
    except GxlibError:
        return


@given(st.lists(st.tuples(st.integers(0, len(SIMPLE) - 1), st.integers(0, 255)), max_size=8))
def test_damaged_documents_give_a_document_or_a_gxlib_error(flips: list[tuple[int, int]]) -> None:
    data = bytearray(SIMPLE)
    for at, value in flips:
        data[at] = value
    try:
        doc = read_docx(bytes(data))
    except GxlibError:
        return
    assert_traceable(doc)
