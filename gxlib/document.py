"""The reader-neutral document model the extractor works on.

Every reader (plain text, HTML, DOCX, PDF) produces a :class:`Document`: the linear text of the
report (used for sections, detection and metadata) plus the tables it found as :class:`Grid`
objects placed at character ranges of that text. Plain text has no grids; its tables are
recovered from the text by :mod:`gxlib.tokens`.
"""

from __future__ import annotations

from attrs import field, frozen


@frozen
class Location:
    """Where a piece of text came from.

    ``offset``/``line`` refer to the decoded text (0-based offset, 1-based line). Readers of
    paged or gridded sources also fill ``page`` (1-based) and ``grid`` (table index, row, column;
    0-based) so a value can be traced to a printed page and cell.
    """

    offset: int
    line: int
    length: int = 0
    page: int | None = None
    grid: tuple[int, int, int] | None = None


@frozen
class Step:
    """One transformation applied to the input, recorded the way ftfy's fix_and_explain does."""

    what: str
    why: str


@frozen
class GridCell:
    """A table cell as the source laid it out: spans are kept, not copied into covered cells."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    location: Location | None = None


@frozen
class Grid:
    """A table read from a structured source (HTML, DOCX, PDF)."""

    cells: tuple[GridCell, ...]
    n_rows: int
    n_cols: int
    index: int = 0
    page: int | None = None


@frozen
class PlacedGrid:
    """A grid and the range ``[start, end)`` of :attr:`Document.text` that renders it."""

    grid: Grid
    start: int
    end: int


@frozen
class Document:
    """Decoded input ready for extraction."""

    text: str
    kind: str = "text"  # text | html | docx | pdf
    grids: tuple[PlacedGrid, ...] = ()
    steps: tuple[Step, ...] = ()
    encoding: str | None = None
    pages: int | None = None
    problems: tuple[tuple[str, str, Location | None], ...] = field(factory=tuple)
    """Reader-level findings as ``(diagnostic code, message, location)``, e.g. a scanned page."""
