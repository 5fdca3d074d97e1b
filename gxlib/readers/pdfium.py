"""PDF reader on PDFium (extra ``gxlib[pdf]``, via pypdfium2): the text layer and the rulings.

PDFium gives each character of the text layer with its box, and each page object; the
reader takes the characters and the straight rulings (stroked lines and rectangles, thin filled
bars; white strokes and filled boxes are backgrounds, not rulings) and hands them to
:mod:`gxlib.readers._layout`, which finds ruled tables from the lines, unruled tables from the
characters' geometry, and prose lines. The result is the same :class:`~gxlib.document.Document`
as every reader's: prose lines and grids (spans kept, page numbers in every cell's location).

* a page without a text layer is reported (``GX701``: a scan needs OCR), never read as nothing;
* glyphs the fonts do not map to characters are reported (``GX702``);
* page numbers (``- 3 -``, ``第 3 页``, ``3/6``) and running headers/footers (the same line at
  the top or bottom of several pages) are dropped;
* an encrypted PDF opens when its user password is empty; otherwise it is unreadable, and the
  error says a password is required.
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from gxlib.document import Document, Location, Step
from gxlib.errors import InputTooLargeError, MissingExtraError, UnreadableInputError
from gxlib.readers._grid import RawCell, TextBuilder
from gxlib.readers._layout import (
    Cell,
    Char,
    Line,
    Segment,
    Table,
    cell_text,
    fill_tables,
    free_layout,
    join_line,
    ruled_tables,
)

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页.*|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")
_DIGITS = re.compile(r"\d+")
_MARGIN = 0.1
"""Share of the page height at the top and bottom where running headers and footers sit."""
_THIN = 2.5
"""A filled rectangle at most this thick (points) is a ruling drawn as a bar."""


def read_pdf(data: bytes, *, name: str | None = None, max_pages: int = 2000) -> Document:
    """Read a PDF's text layer and tables with PDFium.

    Takes the file's bytes; returns a :class:`Document` whose text holds the prose lines and the
    tables' pipe rows in reading order, with every table as a grid. Raises
    :class:`UnreadableInputError` for a file PDFium cannot open (naming a required password),
    :class:`InputTooLargeError` past ``max_pages``, :class:`MissingExtraError` without pypdfium2.
    """
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:
        raise MissingExtraError("pdf", "pypdfium2") from exc
    label = name or "input"
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            reason = "it is encrypted and a password is required to open it"
        raise UnreadableInputError(f"{label} is not a readable PDF: {reason}") from None
    try:
        n = len(pdf)
        if n > max_pages:
            raise InputTooLargeError(f"{label} has {n} pages; the limit is {max_pages}")
        pages = [_read_page(pdf, i) for i in range(n)]
    except (InputTooLargeError, UnreadableInputError):
        raise
    except Exception as exc:
        raise UnreadableInputError(f"{label}: the PDF could not be read: {exc}") from None
    finally:
        pdf.close()
    return _assemble(pages)


class _Page:
    __slots__ = ("blocks", "chars", "height", "images", "number", "unmapped", "unreadable")

    def __init__(self, number: int, height: float) -> None:
        self.number = number
        self.height = height
        self.blocks: list[Line | Table] = []
        self.chars = 0
        self.images = 0
        self.unmapped = 0
        self.unreadable = 0


def _read_page(pdf: Any, i: int) -> _Page:
    import pypdfium2.raw as raw

    page = pdf[i]
    try:
        height = raw.FPDF_GetPageHeightF(page)
        out = _Page(i + 1, height)
        textpage = raw.FPDFText_LoadPage(page)
        try:
            chars, out.unmapped = _chars(raw, textpage, height)
            out.chars = len(chars)
            horizontal: list[Segment] = []
            vertical: list[Segment] = []
            out.images, out.unreadable = _survey(raw, page, height, horizontal, vertical)
            if not chars:
                return out
            tables = ruled_tables(horizontal, vertical)
            free = fill_tables(tables, chars)
            tables = [t for t in tables if any(c.chars for c in t.cells)]
            _set_turns(raw, textpage, tables)
            out.blocks = [*tables, *free_layout(free)]
            out.blocks.sort(key=lambda b: b.top)
        finally:
            raw.FPDFText_ClosePage(textpage)
    finally:
        page.close()
    return out


def _chars(raw: Any, textpage: Any, height: float) -> tuple[list[Char], int]:
    """The page's visible characters (whitespace dropped: gaps are geometry) in y-down points,
    and how many glyphs have no character mapping."""
    n = raw.FPDFText_CountChars(textpage)
    if n <= 0:
        return [], 0
    buf = (ctypes.c_ushort * (n + 1))()
    got = raw.FPDFText_GetText(textpage, 0, n, buf)
    units = list(buf[: max(got - 1, 0)])
    if len(units) != n:  # (one UTF-16 unit per character is PDFium's contract; be safe)
        units = [raw.FPDFText_GetUnicode(textpage, k) for k in range(n)]
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    box, mapping_error = raw.FPDFText_GetCharBox, raw.FPDFText_HasUnicodeMapError
    refs = (ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top))
    out: list[Char] = []
    unmapped = 0
    space = False  # a space (typed or inferred by PDFium) since the last character kept
    for k, u in enumerate(units):
        if u in (0, 0xFFFD, 0xFFFE) or 0xD800 <= u < 0xE000:
            if 0xD800 <= u < 0xDC00 and k + 1 < n:  # a surrogate pair: keep the character
                ch = chr(0x10000 + ((u - 0xD800) << 10) + (units[k + 1] - 0xDC00))
            elif 0xDC00 <= u < 0xE000 and k > 0 and 0xD800 <= units[k - 1] < 0xDC00:
                continue
            else:
                unmapped += 1
                continue
        else:
            ch = chr(u)
        if ch.isspace():
            space = True
            continue
        if mapping_error(textpage, k):  # a glyph the font maps to no character
            unmapped += 1
            continue
        # the glyph's ink box: some fonts give absurd font boxes ("loose" boxes), never this
        box(textpage, k, *refs)
        if right.value <= left.value and top.value <= bottom.value:
            continue  # a generated character without ink
        out.append(
            Char(ch, left.value, height - top.value, right.value, height - bottom.value, k, space)
        )
        space = False
    return out, unmapped


def _survey(
    raw: Any,
    page: Any,
    height: float,
    horizontal: list[Segment],
    vertical: list[Segment],
) -> tuple[int, int]:
    """Collect the page's rulings (y-down points) into the lists; returns the number of images
    and of text objects whose text PDFium cannot give (drawn, but not in the text layer)."""
    images = unreadable = 0
    box = [ctypes.c_float() for _ in range(4)]
    refs = [ctypes.byref(v) for v in box]
    for obj, kind, matrix in _objects(raw, page):
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            # text without any extent, in a font the PDF does not carry: the stand-in font
            # has no glyph for it, and PDFium leaves it out of the text layer
            raw.FPDFPageObj_GetBounds(obj, *refs)
            if (
                box[0].value == box[2].value
                and box[1].value == box[3].value
                and not raw.FPDFFont_GetIsEmbedded(raw.FPDFTextObj_GetFont(obj))
            ):
                unreadable += 1
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            _path(raw, obj, matrix, height, horizontal, vertical)
    return images, unreadable


_Matrix = tuple[float, float, float, float, float, float]


def _objects(raw: Any, page: Any) -> Iterator[tuple[Any, int, _Matrix]]:
    """Every page object (forms opened) with the matrix from its coordinates to the page's
    (text objects: their form's matrix, which is not needed)."""
    m = raw.FS_MATRIX()
    stack: list[tuple[Any, bool, _Matrix]] = [(page, True, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))]
    while stack:
        holder, is_page, outer = stack.pop()
        count = (raw.FPDFPage_CountObjects if is_page else raw.FPDFFormObj_CountObjects)(holder)
        get = raw.FPDFPage_GetObject if is_page else raw.FPDFFormObj_GetObject
        for k in range(count):
            obj = get(holder, k)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                yield obj, kind, outer  # (its matrix is not needed)
                continue
            raw.FPDFPageObj_GetMatrix(obj, m)
            own = _compose((m.a, m.b, m.c, m.d, m.e, m.f), outer)
            if kind == raw.FPDF_PAGEOBJ_FORM:
                stack.append((obj, False, own))
            else:
                yield obj, kind, own


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def _path(
    raw: Any,
    obj: Any,
    matrix: _Matrix,
    height: float,
    horizontal: list[Segment],
    vertical: list[Segment],
) -> None:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
    stroked = bool(stroke.value) and not _white(raw, obj, raw.FPDFPageObj_GetStrokeColor)
    filled = bool(fill.value) and not _white(raw, obj, raw.FPDFPageObj_GetFillColor)
    if not (stroked or filled):
        return
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list[tuple[float, float, int, bool]] = []
    for k in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, k)
        raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        px, py = a * x.value + c * y.value + e, b * x.value + d * y.value + f
        points.append(
            (
                px,
                height - py,
                raw.FPDFPathSegment_GetType(seg),
                bool(raw.FPDFPathSegment_GetClose(seg)),
            )
        )
    lines: list[tuple[float, float, float, float]] = []
    start = current = None
    for px, py, kind, close in points:
        if kind == raw.FPDF_SEGMENT_LINETO and current is not None:
            lines.append((*current, px, py))
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = (px, py)
        current = (px, py)
        if close and start is not None:
            lines.append((px, py, *start))
            current = start
    if stroked:
        for x0, y0, x1, y1 in lines:
            _add(x0, y0, x1, y1, horizontal, vertical)
    elif lines:  # a filled bar: a ruling along its long side
        xs = [p for ln in lines for p in (ln[0], ln[2])]
        ys = [p for ln in lines for p in (ln[1], ln[3])]
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        if h <= _THIN < w:
            horizontal.append(Segment((min(ys) + max(ys)) / 2, min(xs), max(xs)))
        elif w <= _THIN < h:
            vertical.append(Segment((min(xs) + max(xs)) / 2, min(ys), max(ys)))


def _add(
    x0: float, y0: float, x1: float, y1: float, horizontal: list[Segment], vertical: list[Segment]
) -> None:
    if abs(y1 - y0) < 1.0 and abs(x1 - x0) >= 1.0:
        horizontal.append(Segment((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x1 - x0) < 1.0 and abs(y1 - y0) >= 1.0:
        vertical.append(Segment((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


def _white(raw: Any, obj: Any, getter: Any) -> bool:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
        return False
    return a.value == 0 or min(r.value, g.value, b.value) >= 250


def _set_turns(raw: Any, textpage: Any, tables: list[Table]) -> None:
    """Note the cells whose text is set at a quarter turn (a rotated stub)."""
    for t in tables:
        for c in t.cells:
            if len(c.chars) < 2:
                continue
            angle = raw.FPDFText_GetCharAngle(textpage, c.chars[0].index)
            degrees = round(angle * 57.29577951308232 / 90) * 90 % 360
            if degrees in (90, 270):
                c.turn = degrees


# -- pages → document ---------------------------------------------------------------------------


def _running(pages: list[_Page]) -> set[str]:
    """Lines printed in the top or bottom margin of more than one page (digits ignored)."""
    seen: Counter[str] = Counter()
    for p in pages:
        keys = set()
        for b in p.blocks:
            if isinstance(b, Line) and (
                b.bottom < p.height * _MARGIN or b.top > p.height * (1 - _MARGIN)
            ):
                keys.add(_DIGITS.sub("#", join_line(b.chars)))
        seen.update(keys)
    return {k for k, n in seen.items() if n >= 2} if len(pages) >= 2 else set()


def _assemble(pages: list[_Page]) -> Document:
    out = TextBuilder()
    running = _running(pages)
    tables = 0
    for p in pages:
        where = Location(out.offset, out.line, 0, p.number)
        if not p.chars:
            kind = "an image (a scan)" if p.images else "empty"
            out.problems.append(
                (
                    "GX701",
                    f"page {p.number} has no text layer: it is {kind}; "
                    "its content cannot be read without OCR",
                    where,
                )
            )
            continue
        if p.unmapped:
            out.problems.append(
                (
                    "GX702",
                    f"page {p.number}: {p.unmapped} glyph(s) without a character mapping; "
                    "text may be incomplete",
                    where,
                )
            )
        if p.unreadable:
            out.problems.append(
                (
                    "GX705",
                    f"page {p.number}: {p.unreadable} piece(s) of text in a font the PDF does "
                    "not embed have no extent and no characters in the text layer (glyphs the "
                    "stand-in font lacks, or empty text); a cell holding only such text reads "
                    "as blank",
                    where,
                )
            )
        for b in p.blocks:
            if isinstance(b, Line):
                text = join_line(b.chars)
                margin = b.bottom < p.height * _MARGIN or b.top > p.height * (1 - _MARGIN)
                if PAGE_NUMBER.match(text) or (margin and _DIGITS.sub("#", text) in running):
                    continue
                out.prose(_CJK_GAP.sub("", text))
            else:
                cells = [RawCell(c.row, c.col, c.rowspan, c.colspan, _cell(c)) for c in b.cells]
                if out.grid(cells, page=p.number) is not None:
                    tables += 1
    steps = [Step("reader", "read as PDF (PDFium)"), Step("pages", f"{len(pages)} page(s)")]
    if tables:
        steps.append(Step("tables", f"{tables} table(s) from rulings and character geometry"))
    doc = out.document("pdf", steps, None)
    return Document(
        text=doc.text,
        kind="pdf",
        grids=doc.grids,
        steps=doc.steps,
        pages=len(pages),
        problems=doc.problems,
    )


def _cell(cell: Cell) -> str:
    text = cell_text(cell.chars, cell.turn)
    return _CJK_GAP.sub("", text).replace("|", "｜")
