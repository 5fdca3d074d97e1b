"""The PDFium reader on real generated PDFs (reportlab): ruled, page-broken, turned stubs,
unruled, wrapped labels; what it drops (page numbers, running headers) and what it reports
(no text layer, unmapped glyphs, text missing from the layer, passwords); and its geometry
(:mod:`gxlib.readers._layout`) on hand-made rulings and characters."""

from __future__ import annotations

import contextlib
import io
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import gxlib
from gxlib.readers import read_pdf
from gxlib.readers._layout import Char, Segment, bands, cell_text, fill_tables, ruled_tables
from gxlib.testing import assert_reads_back, mismatches, render_pdf, reports

pytest.importorskip("pypdfium2")
pytest.importorskip("reportlab")
pytest.importorskip("fontTools")

PROFILES = ["gov-2019", "gov-2021"]
# (writing and reading a PDF takes ~0.2 s: few examples, and no shrinking, which can take
# minutes; a failure prints its example and the seed that replays it)
PDF_SETTINGS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


def _parse(data: bytes) -> gxlib.Report:
    """Parse with the PDFium reader whatever the environment says."""
    before = os.environ.pop("GXLIB_PDF_READER", None)
    try:
        return gxlib.parse_bytes(data)
    finally:
        if before is not None:
            os.environ["GXLIB_PDF_READER"] = before


# -- generated reports, parsed back exactly ---------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
@PDF_SETTINGS
@given(data=st.data())
def test_ruled_tables_with_wrapped_labels(profile: str, data: st.DataObject) -> None:
    gen = data.draw(reports(profile))
    assert_reads_back(gen, _parse(render_pdf(gen, embedded=True)))


@pytest.mark.parametrize("profile", PROFILES)
@PDF_SETTINGS
@given(data=st.data())
def test_table_broken_across_pages_with_open_edges(profile: str, data: st.DataObject) -> None:
    gen = data.draw(reports(profile))
    pdf = render_pdf(gen, embedded=True, break_rows=True, page_height=420)
    report = _parse(pdf)
    assert_reads_back(gen, report)
    pages = {c.location.page for c in report.cells() if c.location is not None}
    assert len(pages) >= 3  # the tables really were cut


@pytest.mark.parametrize("profile", PROFILES)
@PDF_SETTINGS
@given(data=st.data())
def test_stub_text_at_a_quarter_turn(profile: str, data: st.DataObject) -> None:
    gen = data.draw(reports(profile))
    assert_reads_back(gen, _parse(render_pdf(gen, embedded=True, turn_stubs=True)))


@pytest.mark.parametrize("profile", PROFILES)
@PDF_SETTINGS
@given(data=st.data())
def test_unruled_tables_from_character_geometry(profile: str, data: st.DataObject) -> None:
    # no blanks: without rulings a blank cell cannot be told from an absent column
    gen = data.draw(reports(profile, blanks=False))
    assert_reads_back(gen, _parse(render_pdf(gen, embedded=True, rules=False)))


@pytest.mark.parametrize("page_height", [842.0, 500.0])
def test_unruled_blank_cells_are_never_read_silently(page_height: float) -> None:
    """Blanks in an unruled table: every cell read is right, or an error says the table is
    not what it should be."""

    @PDF_SETTINGS
    @given(reports(consistent=True))
    def check(gen: Any) -> None:
        report = _parse(render_pdf(gen, embedded=True, rules=False, page_height=page_height))
        if mismatches(gen, report):
            assert any(d.severity == "error" for d in report.diagnostics)

    check()


@PDF_SETTINGS
@given(reports("gov-2021"))
def test_non_embedded_font_missing_glyphs_are_reported(gen: Any) -> None:
    """With the non-embedded STSong and no CJK font on the machine, PDFium may give a glyph no
    extent and drop it from the text layer: every cell read differently is then a blank on a
    page with a GX705 warning (or its label, read fuzzily), never a different value."""
    report = _parse(render_pdf(gen))
    warned = {d.location.page for d in report.diagnostics if d.code == "GX705" and d.location}
    for (t, r, c), exp in gen.cells.items():
        cell = report.cell(t, r, c)
        if (cell.status, cell.value) != (exp.status, exp.value):
            assert cell.status in ("blank", "missing"), (t, r, c, cell)
            assert cell.status == "missing" or (cell.location and cell.location.page in warned)


# -- what is dropped and what is reported ----------------------------------------------------


def _canvas_pdf(draw: Any, pages: int = 1, **kw: Any) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from gxlib.testing.fonts import box_font

    if "GxlibBox" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("GxlibBox", io.BytesIO(box_font())))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842), **kw)
    for n in range(1, pages + 1):
        c.setFont("GxlibBox", 10.5)
        draw(c, n)
        c.showPage()
    c.save()
    return buf.getvalue()


def test_page_numbers_and_running_headers_are_dropped() -> None:
    def page(c: Any, n: int) -> None:
        c.drawString(60, 810, "某某市人民政府办公室文件")
        c.drawString(60, 700, f"正文第{n}页的内容，本年度共收到申请{n}件。")
        c.drawString(280, 30, f"- {n} -")

    doc = read_pdf(_canvas_pdf(page, pages=3))
    lines = doc.text.splitlines()
    assert lines == [f"正文第{n}页的内容，本年度共收到申请{n}件。" for n in (1, 2, 3)]


def test_a_header_on_one_page_only_is_kept() -> None:
    def page(c: Any, n: int) -> None:
        if n == 1:
            c.drawString(60, 810, "洪泽区人民政府")
        c.drawString(60, 700, f"第{n}段")

    assert read_pdf(_canvas_pdf(page, pages=2)).text.splitlines() == [
        "洪泽区人民政府",
        "第1段",
        "第2段",
    ]


def test_encrypted_with_an_empty_user_password_opens() -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    enc = StandardEncryption("", ownerPassword="owner", canPrint=1)
    data = _canvas_pdf(lambda c, n: c.drawString(60, 700, "一、总体情况"), encrypt=enc)
    assert read_pdf(data).text == "一、总体情况\n"


def test_a_user_password_is_named_as_the_reason() -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    enc = StandardEncryption("secret", ownerPassword="owner")
    data = _canvas_pdf(lambda c, n: c.drawString(60, 700, "一、总体情况"), encrypt=enc)
    with pytest.raises(gxlib.UnreadableInputError, match="password"):
        read_pdf(data)


def test_page_without_text_layer_is_gx701() -> None:
    data = _canvas_pdf(
        lambda c, n: c.rect(50, 50, 200, 200) if n == 2 else c.drawString(60, 700, "正文"), pages=2
    )
    doc = read_pdf(data)
    assert [(code, loc.page if loc else None) for code, _, loc in doc.problems] == [("GX701", 2)]


def test_unmapped_glyphs_are_gx702() -> None:
    data = _canvas_pdf(lambda c, n: c.drawString(60, 700, "行政许可 123"), pageCompression=0)
    data = data.replace(b"/ToUnicode", b"/XoUnicode")  # the font's map to characters, gone
    doc = read_pdf(data)
    assert [code for code, _, _ in doc.problems] == ["GX702"]
    assert "4 glyph(s)" in doc.problems[0][1]
    assert doc.text == "123\n"


def test_unknown_reader_name_is_an_error() -> None:
    with pytest.raises(gxlib.GxlibError, match="pdfium"):
        read_pdf(b"%PDF-1.4", reader="nope")


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=400))
def test_junk_after_a_pdf_signature_raises_only_gxlib_errors(junk: bytes) -> None:
    with contextlib.suppress(gxlib.GxlibError):
        read_pdf(b"%PDF-1.4\n" + junk)


# -- geometry ---------------------------------------------------------------------------------


def _box(x0: float, top: float, x1: float, bottom: float) -> tuple[list[Segment], list[Segment]]:
    return (
        [Segment(top, x0, x1), Segment(bottom, x0, x1)],
        [Segment(x0, top, bottom), Segment(x1, top, bottom)],
    )


def test_spans_are_read_off_the_rulings() -> None:
    # a 3x3 grid whose left column is one cell spanning all rows, and whose top row's two
    # right cells are merged
    hs = [Segment(0, 0, 90), Segment(30, 30, 90), Segment(60, 30, 90), Segment(90, 0, 90)]
    vs = [Segment(0, 0, 90), Segment(30, 0, 90), Segment(60, 30, 90), Segment(90, 0, 90)]
    (table,) = ruled_tables(hs, vs)
    spans = sorted((c.row, c.col, c.rowspan, c.colspan) for c in table.cells)
    assert spans == [
        (0, 0, 3, 1),
        (0, 1, 1, 2),
        (1, 1, 1, 1),
        (1, 2, 1, 1),
        (2, 1, 1, 1),
        (2, 2, 1, 1),
    ]


def test_an_open_edge_is_closed_where_the_lines_end() -> None:
    # the top of a table continued from the previous page: no top ruling
    hs = [Segment(40, 0, 60), Segment(80, 0, 60)]
    vs = [Segment(0, 10, 80), Segment(30, 10, 80), Segment(60, 10, 80)]
    (table,) = ruled_tables(hs, vs)
    assert (table.n_rows, table.n_cols) == (2, 2)
    assert table.ys[0] == pytest.approx(10)


def test_a_frame_is_not_a_table() -> None:
    hs, vs = _box(0, 0, 100, 50)
    assert ruled_tables(hs, vs) == []


def test_characters_fall_into_their_cells_once() -> None:
    hs = [Segment(0, 0, 60), Segment(20, 0, 60), Segment(40, 0, 60)]
    vs = [Segment(0, 0, 40), Segment(30, 0, 40), Segment(60, 0, 40)]
    (table,) = ruled_tables(hs, vs)
    chars = [Char("甲", 2, 5, 12, 15), Char("1", 35, 25, 40, 35), Char("外", 70, 5, 80, 15)]
    free = fill_tables([table], chars)
    assert [c.text for c in free] == ["外"]
    texts = {(c.row, c.col): cell_text(c.chars) for c in table.cells}
    assert texts == {(0, 0): "甲", (0, 1): "", (1, 0): "", (1, 1): "1"}


def test_marks_set_high_or_thin_stay_on_their_line() -> None:
    line = [
        Char("3", 0, 10, 4, 17),
        Char("“", 5, 10, 8, 13),  # a quote mark, set high
        Char("三", 9, 10, 17, 18),
        Char("一", 18, 13.5, 26, 14.4),  # as thin as a rule
        Char("”", 27, 10, 30, 13),
    ]
    below = [Char("下", 0, 22, 8, 30)]
    assert ["".join(c.text for c in b) for b in bands(line + below)] == ["3“三一”", "下"]


def test_text_at_a_quarter_turn_reads_in_order() -> None:
    # 行政 set running up the page: 行 below 政
    chars = [Char("政", 0, 0, 8, 8), Char("行", 0, 9, 8, 17)]
    assert cell_text(chars, 90) == "行政"
    assert cell_text(list(reversed(chars)), 270) == "政行"
