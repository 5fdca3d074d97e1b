"""PDF reader on pdfplumber (extra ``gxlib[pdfplumber]``): the fallback to the PDFium reader.

Chosen with ``GXLIB_PDF_READER=pdfplumber`` (see :mod:`gxlib.readers`); ~15x slower than
:mod:`gxlib.readers.pdfium`, kept to compare the two on a document that reads badly.

Ruled tables become grids with their real spans, reconstructed from the cell boxes pdfplumber
finds; prose is read line by line around them in reading order. A page without a text layer is
reported (``GX701``: a scan needs OCR), never parsed into nothing silently; unmapped glyphs
``(cid:NNN)`` are reported as ``GX702``. Page numbers go into every cell's location.
"""

from __future__ import annotations

import io
import re
from typing import Any

from gxlib.document import Document, Grid, GridCell, Location, PlacedGrid, Step
from gxlib.errors import InputTooLargeError, MissingExtraError, UnreadableInputError

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页.*|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
_CID = re.compile(r"\(cid:\d+\)")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def _clean(text: str) -> str:
    """Cell or line text: no line breaks inside a cell (wrapped and vertical labels join), no
    spaces between CJK characters (the text layer's gaps are typesetting, not content)."""
    text = text.replace("\n", "")
    return _CJK_GAP.sub("", text).strip().replace("|", "｜")


def _reason(exc: BaseException) -> str:
    """Why a PDF did not open. pdfminer's password error (wrapped by pdfplumber) has no message."""
    chain = [exc, *(a for a in exc.args if isinstance(a, BaseException))]
    if any("Password" in type(e).__name__ for e in chain):
        return (
            "it is encrypted with a user password, which is required to open it; gxlib takes "
            "no passwords: save an unprotected copy (e.g. qpdf --decrypt --password=PASSWORD "
            "in.pdf out.pdf) and parse that"
        )
    return next((str(e) for e in chain if str(e)), type(chain[-1]).__name__)


def read_pdf(data: bytes, *, name: str | None = None, max_pages: int = 2000) -> Document:
    try:
        import pdfplumber
    except ImportError as exc:
        raise MissingExtraError("pdfplumber", "pdfplumber") from exc
    label = name or "input"
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types for broken files
        raise UnreadableInputError(f"{label} is not a readable PDF: {_reason(exc)}") from None
    out = _Builder()
    problems: list[tuple[str, str, Location | None]] = []
    steps: list[Step] = [Step("reader", "read as PDF (pdfplumber)")]
    try:
        n = len(pdf.pages)
        if n > max_pages:
            raise InputTooLargeError(f"{label} has {n} pages; the limit is {max_pages}")
        table_index = 0
        for number, page in enumerate(pdf.pages, 1):
            try:
                table_index = _page(page, number, table_index, out, problems, steps)
            finally:
                page.close()
    except (InputTooLargeError, UnreadableInputError):
        raise
    except Exception as exc:
        raise UnreadableInputError(f"{label}: the PDF could not be read: {exc}") from None
    finally:
        pdf.close()
    steps.append(Step("pages", f"{n} page(s)"))
    return Document(
        text=out.text(),
        kind="pdf",
        grids=tuple(out.grids),
        steps=tuple(steps),
        pages=n,
        problems=tuple(problems),
    )


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.line = 1
        self.grids: list[PlacedGrid] = []

    def add_line(self, text: str) -> tuple[int, int]:
        at, line = self.length, self.line
        self.parts.append(text + "\n")
        self.length += len(text) + 1
        self.line += 1
        return at, line

    def text(self) -> str:
        return "".join(self.parts)


def _page(
    page: Any,
    number: int,
    table_index: int,
    out: _Builder,
    problems: list[tuple[str, str, Location | None]],
    steps: list[Step],
) -> int:
    where = Location(out.length, out.line, 0, number)
    if not page.chars:
        kind = "an image (a scan)" if page.images else "empty"
        problems.append(
            (
                "GX701",
                f"page {number} has no text layer: it is {kind}; "
                "its content cannot be read without OCR",
                where,
            )
        )
        return table_index
    tables = [t for t in page.find_tables() if _is_grid(t)]
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    blocks: list[tuple[float, str, Any]] = []
    prose = page.filter(outside)
    for ln in prose.extract_text_lines(return_chars=False):
        blocks.append((ln["top"], "line", ln["text"]))
    for t in tables:
        blocks.append((t.bbox[1], "table", t))
    blocks.sort(key=lambda b: b[0])
    text_all = page.extract_text() or ""
    if _CID.search(text_all):
        problems.append(
            (
                "GX702",
                f"page {number}: {len(_CID.findall(text_all))} glyph(s) "
                "without a character mapping ((cid:NNN)); text may be incomplete",
                where,
            )
        )
    for _, kind, obj in blocks:
        if kind == "line":
            line = _CJK_GAP.sub("", obj).strip()
            if line and not _PAGE_NUMBER.match(line):
                out.add_line(line)
        else:
            _table(page, obj, number, table_index, out)
            table_index += 1
    if tables:
        steps.append(Step("tables", f"page {number}: {len(tables)} ruled table(s)"))
    return table_index


def _is_grid(table: Any) -> bool:
    """A ruled table, not a box drawn around prose: at least two columns somewhere."""
    return any(len([c for c in row.cells if c is not None]) >= 2 for row in table.rows)


def _table(page: Any, table: Any, number: int, index: int, out: _Builder) -> None:
    boxes = [c for row in table.rows for c in row.cells if c is not None]
    xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])

    def at(v: float, edges: list[float]) -> int:
        return min(range(len(edges)), key=lambda i: abs(edges[i] - v))

    cells: list[tuple[int, int, int, int, str]] = []
    seen: set[tuple[int, int]] = set()
    for b in boxes:
        r0, r1 = at(b[1], ys), at(b[3], ys)
        c0, c1 = at(b[0], xs), at(b[2], xs)
        if (r0, c0) in seen or r1 <= r0 or c1 <= c0:
            continue
        seen.add((r0, c0))
        text = _text_in(page, b)
        cells.append((r0, c0, r1 - r0, c1 - c0, _clean(text)))
    cells.sort()
    start = out.length
    placed: list[GridCell] = []
    for r in sorted({c[0] for c in cells}):
        row = [c for c in cells if c[0] == r]
        line_text = ""
        offsets = []
        for _r, _c0, _rs, _cs, text in row:
            offsets.append(len(line_text))
            line_text += text + " | "
        line_text = line_text.rstrip() if line_text else "|"
        at0, line_no = out.add_line(line_text)
        for (r0, c0, rs, cs, text), off in zip(row, offsets, strict=True):
            placed.append(
                GridCell(
                    text,
                    r0,
                    c0,
                    rs,
                    cs,
                    False,
                    Location(at0 + off, line_no, len(text), number, (index, r0, c0)),
                )
            )
    n_rows = max((c[0] + c[2] for c in cells), default=0)
    n_cols = max((c[1] + c[3] for c in cells), default=0)
    grid = Grid(tuple(placed), n_rows, n_cols, index, number)
    out.grids.append(PlacedGrid(grid, start, out.length))


def _text_in(page: Any, box: tuple[float, float, float, float]) -> str:
    """The text of the characters whose centre lies in ``box``: a character that only touches
    the cell (a neighbour's, drawn close to the rule) is not part of it."""
    x0, top, x1, bottom = box

    def inside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return False
        cx = (float(obj["x0"]) + float(obj["x1"])) / 2
        cy = (float(obj["top"]) + float(obj["bottom"])) / 2
        return x0 <= cx <= x1 and top <= cy <= bottom

    return str(page.filter(inside).extract_text() or "")


def _edges(values: list[float], tolerance: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out
