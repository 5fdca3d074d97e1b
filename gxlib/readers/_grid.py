"""Machinery shared by the structured readers (HTML, DOCX): grids and the text that renders them.

Both readers walk their source in reading order and hand prose lines and placed table cells to a
:class:`TextBuilder`, which owns the rendering contract of :class:`~gxlib.document.Document`:

* prose: one line per paragraph / block, whitespace runs collapsed, empty lines dropped;
* tables: one "pipe row" per grid row, the cells that *start* in the row joined as
  ``cell | cell | cell |`` (a blank cell stays visible as an empty slot), ``|`` inside a cell
  replaced by ``｜`` so the separators stay unambiguous;
* every :class:`~gxlib.document.GridCell` carries the :class:`~gxlib.document.Location` of its
  rendered text, so ``doc.text[loc.offset:loc.offset + loc.length] == cell.text``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Final

from gxlib.document import Document, Grid, GridCell, Location, PlacedGrid, Step

HARD_BREAK: Final = "\u2028"
"""Marks a line break the source states (``<br>``, a paragraph end). It is kept apart from source
newlines, which in HTML are mere whitespace; U+2028 is whitespace to ``str.split`` so cell text
collapses it like any other break."""

LONG_CELL: Final = 300
"""A cell with more visible characters than this holds prose, not a label or a value."""

_ROW_COL: Final = attrgetter("row", "col")
_INVISIBLE: Final = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

# CJK wide characters (CSS Text 3 "East Asian Wide/Fullwidth", approximated by block).
_WIDE: Final = (
    "\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3200-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6\U00020000-\U0003ffff"
)
# A source line break between two wide characters: editors (Word's HTML export, CMS
# pretty-printers) wrap long lines there, and CSS removes such a break instead of showing a
# space, so "本年新\n公开数量" reads "本年新公开数量" as on screen.
_WIDE_BREAK: Final = re.compile(f"(?<=[{_WIDE}])[ \\t\\r\\f]*\\n[ \\t\\r\\n\\f]*(?=[{_WIDE}])")


def collapse(text: str) -> str:
    """*text* with invisible characters removed and whitespace runs collapsed to one space."""
    if not text.isascii():  # (a search that finds nothing is cheaper than str.translate)
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def render_cell(text: str) -> str:
    """The text of a cell as rendered in a pipe row."""
    return collapse(text).replace("|", "｜")


def join_wide_breaks(text: str) -> str:
    """Drop source line breaks between two CJK wide characters (see ``_WIDE_BREAK``)."""
    return _WIDE_BREAK.sub("", text) if "\n" in text else text


@dataclass(slots=True)
class RawCell:
    """A cell placed by a reader's table model, before compaction and rendering."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    header: bool = False
    notes: list[tuple[str, str]] = field(default_factory=list)
    """Problems found with this cell, as ``(code, message)``; located once rendered."""


@dataclass(slots=True)
class TableStats:
    """What a reader knows about a table before deciding whether it holds data or layout."""

    cells: int = 0
    """Cells of this table (not of tables nested in it)."""
    cells_with_table: int = 0
    """Of those, the cells that contain a nested table."""
    nested_cells: int = 0
    """Cells of all tables nested in this one, at any depth."""
    chars: int = 0
    """Visible characters in this table's own cells."""
    long_chars: int = 0
    """Of those, the characters in cells holding more than :data:`LONG_CELL` of them."""


def clamp_spans(cells: list[RawCell], width: int, attribute: str) -> None:
    """Cut spans running past the table's last column, noting each repair as GX703."""
    for c in cells:
        if c.col + c.colspan > width:
            c.notes.append(
                (
                    "GX703",
                    f"{attribute} {c.colspan} runs past the last column; clamped to "
                    f"{width - c.col}",
                )
            )
            c.colspan = width - c.col


def is_layout_table(stats: TableStats) -> bool:
    """Whether a table is a layout wrapper to be read as blocks rather than as a grid.

    Pages (and some documents) put whole articles, or one report table per cell, inside tables
    that only arrange things on screen. Rendered as a grid, such a wrapper would squash a report
    into one pipe row. A table is read as a wrapper when it has at most one cell, when its nested
    tables have more cells than its own cells that hold no table, or when most of its text is
    long prose. Otherwise a nested table is part of one data cell and is flattened into it.
    """
    if stats.cells <= 1:
        return True
    if stats.cells_with_table and stats.nested_cells > stats.cells - stats.cells_with_table:
        return True
    return stats.chars > 0 and stats.long_chars >= 0.7 * stats.chars


def compact_rows(cells: list[RawCell]) -> tuple[int, int, int]:
    """Remove rows in which no cell starts, in place; returns ``(n_rows, n_cols, dropped)``.

    Such a row holds nothing of its own (an empty ``<tr>``, a row whose cells are all merged
    from above) and would render as an empty line; rowspans are recounted without it. Columns
    are left as the source has them: a column in which no cell starts renders as nothing.
    """
    if not cells:
        return 0, 0, 0
    rows = sorted({c.row for c in cells})
    raw_rows = max(c.row + c.rowspan for c in cells)
    if rows[0] == 0 and rows[-1] == len(rows) - 1 and raw_rows <= len(rows):
        return len(rows), max(c.col + c.colspan for c in cells), 0  # (nothing to remove)
    row_at = {r: i for i, r in enumerate(rows)}
    for cell in cells:
        top = row_at[cell.row]
        cell.rowspan = max(1, bisect_left(rows, cell.row + cell.rowspan) - top)
        cell.row = top
    return len(rows), max(c.col + c.colspan for c in cells), raw_rows - len(rows)


class TextBuilder:
    """Accumulates the lines of :attr:`Document.text` and the grids placed in it."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._offset = 0
        self.grids: list[PlacedGrid] = []
        self.problems: list[tuple[str, str, Location | None]] = []
        self.dropped_rows = 0

    @property
    def offset(self) -> int:
        """Offset in the final text where the next line starts."""
        return self._offset

    @property
    def line(self) -> int:
        """Line number (1-based) the next line will have."""
        return len(self._lines) + 1

    def _append(self, line: str) -> None:
        self._lines.append(line)
        self._offset += len(line) + 1

    def prose(self, text: str) -> None:
        """Add prose: one line per :data:`HARD_BREAK`-separated part; blank parts vanish."""
        for part in join_wide_breaks(text).split(HARD_BREAK):
            line = collapse(part)
            if line:
                self._append(line)

    def note(self, code: str, message: str) -> None:
        """A problem about the document as a whole (no location)."""
        self.problems.append((code, message, None))

    def grid(
        self,
        cells: list[RawCell],
        notes: Sequence[tuple[str, str]] = (),
        page: int | None = None,
    ) -> Grid | None:
        """Render *cells* as pipe rows and place the grid; ``None`` for a table without cells.
        ``page`` (paged sources) goes into the grid and every cell's location."""
        n_rows, n_cols, dropped_rows = compact_rows(cells)
        if not cells:
            for code, message in notes:
                self.note(code, message)
            return None
        self.dropped_rows += dropped_rows
        index = len(self.grids)
        cells.sort(key=_ROW_COL)
        start, first_line = self._offset, len(self._lines) + 1
        placed: list[GridCell] = []
        parts: list[str] = []
        row, line_no, line_start, pos = 0, first_line, start, 0
        for cell in cells:  # every row has a cell that starts in it (compact_rows)
            if cell.row != row:
                self._append(" | ".join(parts) + " |")
                parts = []
                row, line_no, line_start, pos = cell.row, line_no + 1, self._offset, 0
            text = cell.text
            if not text.isascii():  # (render_cell, inlined: most cells are a number)
                text = _INVISIBLE.sub("", text)
            text = " ".join(text.split()).replace("|", "｜")
            location = Location(line_start + pos, line_no, len(text), page, (index, row, cell.col))
            placed.append(
                GridCell(text, row, cell.col, cell.rowspan, cell.colspan, cell.header, location)
            )
            for code, message in cell.notes:
                where = f"table {index + 1}, row {row + 1}, column {cell.col + 1}"
                self.problems.append((code, f"{where}: {message}", location))
            parts.append(text)
            pos += len(text) + 3
        self._append(" | ".join(parts) + " |")
        end = self._offset - 1
        grid = Grid(tuple(placed), n_rows, n_cols, index=index, page=page)
        self.grids.append(PlacedGrid(grid, start, end))
        if notes:
            whole = Location(offset=start, line=first_line, length=end - start)
            for code, message in notes:
                self.problems.append((code, f"table {index + 1}: {message}", whole))
        return grid

    def document(self, kind: str, steps: list[Step], encoding: str | None) -> Document:
        text = "\n".join(self._lines) + ("\n" if self._lines else "")
        if self.dropped_rows:
            steps.append(
                Step(
                    f"drop {self.dropped_rows} table row(s) in which no cell starts",
                    "they hold nothing of their own (empty rows, rows entirely covered by "
                    "merged cells); rowspans were recounted without them",
                )
            )
        return Document(
            text=text,
            kind=kind,
            grids=tuple(self.grids),
            steps=tuple(steps),
            encoding=encoding,
            problems=tuple(self.problems),
        )
