"""Page geometry → tables and lines: the layout half of the PDF reader, free of any PDF library.

Input is what a text layer and a page's drawing give: characters with boxes, and straight
ruling segments. Coordinates are PDF points with y growing *down* the page (top = 0).

* **Ruled tables** come from the rulings alone: connected horizontal/vertical segments form a
  table; their positions are the grid lines; a cell is the largest rectangle of grid slots with
  no ruling inside it, so spans are read off the lines themselves. An edge without a ruling (a
  table cut by a page break) is closed by where the other lines end.
* **Characters are indexed once per page** (sorted by their centre's y, then bisected per
  table); each character falls into one grid slot by bisection of the grid lines, never by
  testing cells one by one.
* **Unruled tables** are found from the characters' geometry: rows are bands of characters on
  one baseline, columns are x-gaps shared by the rows; a label wrapped over several lines joins
  the row beside it when the lines touch it (closer than half a character's height).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import pairwise
from operator import attrgetter
from typing import Final

SNAP: Final = 3.0
"""Points within which two ruling positions are the same grid line (double rules, line caps)."""

_NUMBER_CHARS: Final = frozenset("0123456789.,-+%０１２３４５６７８９．，－")
_WIDE_CHAR: Final = re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


@dataclass(slots=True)
class Char:
    """A character of the text layer with its box (points, y down)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    index: int = 0
    """Position in the text layer's own order (content-stream order)."""
    space: bool = False
    """The text layer has a space (typed, or inferred from a word gap) before this character."""
    cx: float = field(init=False)
    cy: float = field(init=False)

    def __post_init__(self) -> None:
        self.cx = (self.x0 + self.x1) / 2
        self.cy = (self.top + self.bottom) / 2


_CY: Final = attrgetter("cy")
_X0: Final = attrgetter("x0")


@dataclass(slots=True)
class Segment:
    """A straight ruling: at ``pos`` (y of a horizontal, x of a vertical) from ``a`` to ``b``."""

    pos: float
    a: float
    b: float


@dataclass(slots=True)
class Cell:
    row: int
    col: int
    rowspan: int
    colspan: int
    chars: list[Char] = field(default_factory=list)
    turn: int = 0
    """Quarter turn the cell's text is set at: 0, 90 (running up) or 270 (running down)."""


@dataclass(slots=True)
class Table:
    """A table on one page: its cells on a grid, and its box (x0, top, x1, bottom)."""

    cells: list[Cell]
    n_rows: int
    n_cols: int
    xs: list[float]
    """Column boundaries (``n_cols + 1`` of them), left to right."""
    ys: list[float]
    """Row boundaries (``n_rows + 1`` of them), top to bottom."""
    slot: list[list[int]] = field(default_factory=list)
    """``slot[row][col]``: index in ``cells`` of the cell covering that grid slot."""

    @property
    def top(self) -> float:
        return self.ys[0]


@dataclass(slots=True)
class Line:
    """A line of prose: its characters left to right and its extent."""

    chars: list[Char]
    top: float
    bottom: float


# -- rulings ------------------------------------------------------------------------------------


def merge_segments(segments: list[Segment]) -> list[Segment]:
    """Collinear segments joined: positions within :data:`SNAP` are one line, pieces that touch
    or overlap (within :data:`SNAP`) are one segment."""
    out: list[Segment] = []
    segments = sorted(segments, key=lambda s: s.pos)
    i = 0
    while i < len(segments):
        j = i
        while j + 1 < len(segments) and segments[j + 1].pos - segments[i].pos <= SNAP:
            j += 1
        group = segments[i : j + 1]
        pos = sum(s.pos for s in group) / len(group)
        current: Segment | None = None
        for s in sorted(group, key=lambda s: s.a):
            if current is not None and s.a <= current.b + SNAP:
                current.b = max(current.b, s.b)
            else:
                current = Segment(pos, s.a, s.b)
                out.append(current)
        i = j + 1
    return out


def _clusters(values: list[float]) -> list[float]:
    out: list[float] = []
    members: list[list[float]] = []
    for v in sorted(values):
        if members and v - members[-1][0] <= SNAP:
            members[-1].append(v)
        else:
            members.append([v])
    for m in members:
        out.append(sum(m) / len(m))
    return out


def _nearest(edges: list[float], v: float) -> int:
    i = bisect_left(edges, v)
    if i == len(edges) or (i > 0 and v - edges[i - 1] < edges[i] - v):
        i -= 1
    return i


def ruled_tables(horizontal: list[Segment], vertical: list[Segment]) -> list[Table]:
    """The tables the rulings of one page draw (without text; see :func:`fill_tables`).

    Connected rulings form one table; a set of rulings that does not divide its box into at
    least two columns somewhere (a frame around prose, an underline) is not a table.
    """
    hs, vs = merge_segments(horizontal), merge_segments(vertical)
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.a - SNAP <= v.pos <= h.b + SNAP and v.a - SNAP <= h.pos <= v.b + SNAP:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    tables = [_table(h, v) for h, v in groups.values() if h and v]
    return [t for t in tables if t is not None]


def _table(hs: list[Segment], vs: list[Segment]) -> Table | None:
    # grid lines: the rulings, plus where the others end (an open edge at a page break)
    ys = _clusters([h.pos for h in hs] + [p for v in vs for p in (v.a, v.b)])
    xs = _clusters([v.pos for v in vs] + [p for h in hs for p in (h.a, h.b)])
    if len(xs) < 3 or len(ys) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    # walls[(i, j)]: a vertical ruling at xs[j] across row i / a horizontal one at ys[i] across
    # column j, tested at the middle of the row / column
    v_wall = [[False] * len(xs) for _ in range(n_rows)]
    h_wall = [[False] * n_cols for _ in range(len(ys))]
    for v in vs:
        j = _nearest(xs, v.pos)
        for i in range(n_rows):
            mid = (ys[i] + ys[i + 1]) / 2
            if v.a <= mid <= v.b:
                v_wall[i][j] = True
    for h in hs:
        i = _nearest(ys, h.pos)
        for j in range(n_cols):
            mid = (xs[j] + xs[j + 1]) / 2
            if h.a <= mid <= h.b:
                h_wall[i][j] = True
    taken = [[False] * n_cols for _ in range(n_rows)]
    cells: list[Cell] = []
    for i in range(n_rows):
        for j in range(n_cols):
            if taken[i][j]:
                continue
            # grow right while no wall, then down while the whole width is open
            k = j
            while k + 1 < n_cols and not v_wall[i][k + 1] and not taken[i][k + 1]:
                k += 1
            m = i
            while (
                m + 1 < n_rows
                and not any(h_wall[m + 1][c] or taken[m + 1][c] for c in range(j, k + 1))
                and not any(v_wall[m + 1][c] for c in range(j + 1, k + 1))
            ):
                m += 1
            for r in range(i, m + 1):
                for c in range(j, k + 1):
                    taken[r][c] = True
            cells.append(Cell(i, j, m - i + 1, k - j + 1))
    if not any(c.colspan < n_cols for c in cells):
        return None  # one column everywhere: a frame, not a table
    slot = [[0] * n_cols for _ in range(n_rows)]
    for n, cell in enumerate(cells):
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                slot[r][c] = n
    return Table(cells, n_rows, n_cols, xs, ys, slot)


def fill_tables(tables: list[Table], chars: list[Char]) -> list[Char]:
    """Put every character whose centre lies in a table into the cell of its grid slot; returns
    the characters outside all tables. One sort and a bisection per character and table."""
    chars = sorted(chars, key=_CY)
    keys = [ch.cy for ch in chars]
    used = [False] * len(chars)
    for t in tables:
        lo, hi = bisect_left(keys, t.ys[0]), bisect_right(keys, t.ys[-1])
        x0, x1 = t.xs[0], t.xs[-1]
        for k in range(lo, hi):
            ch = chars[k]
            cx = ch.cx
            if used[k] or not x0 <= cx <= x1:
                continue
            r = min(max(bisect_right(t.ys, ch.cy) - 1, 0), t.n_rows - 1)
            c = min(max(bisect_right(t.xs, cx) - 1, 0), t.n_cols - 1)
            t.cells[t.slot[r][c]].chars.append(ch)
            used[k] = True
    return [ch for k, ch in enumerate(chars) if not used[k]]


# -- characters → lines ---------------------------------------------------------------------


def bands(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines, each sorted left to right.

    Full-height characters make the lines: one joins the line being built when half of the
    lower of the two overlaps it. Small marks (a quote set high, a 一 as thin as a rule, a
    full stop) then join the line whose extent holds their centre, or the nearest line within a
    character's height; elsewhere they make a line of their own.
    """
    if not chars:
        return []
    tall_enough = _height(chars) * 0.5
    out: list[list[Char]] = []
    extents: list[list[float]] = []
    small: list[Char] = []
    current: list[Char] = []
    top = bottom = 0.0
    for ch in sorted(chars, key=_CY):
        t, b = ch.top, ch.bottom
        if b - t < tall_enough:
            small.append(ch)
            continue
        if current:
            overlap = (b if b < bottom else bottom) - (t if t > top else top)
            if overlap >= 0.5 * (b - t if b - t < bottom - top else bottom - top):
                current.append(ch)
                if t < top:
                    top = extents[-1][0] = t
                if b > bottom:
                    bottom = extents[-1][1] = b
                continue
        current = [ch]
        out.append(current)
        top, bottom = t, b
        extents.append([t, b])
    for ch in small:
        cy = ch.cy
        k = bisect_right([e[0] for e in extents], cy) - 1 if extents else -1
        best, distance = -1, tall_enough * 2
        for m in (k, k + 1):
            if 0 <= m < len(extents):
                d = max(extents[m][0] - cy, cy - extents[m][1], 0.0)
                if d < distance:
                    best, distance = m, d
        if best >= 0:
            out[best].append(ch)
        else:
            out.append([ch])
            extents.append([ch.top, ch.bottom])
    if small and len(extents) > 1:
        order = sorted(range(len(out)), key=lambda m: extents[m][0])
        out = [out[m] for m in order]
    for band in out:
        band.sort(key=_X0)
    return out


def _height(chars: list[Char]) -> float:
    hs = sorted(ch.bottom - ch.top for ch in chars)
    return max(hs[len(hs) // 2], 1.0) if hs else 1.0


def join_line(band: list[Char]) -> str:
    """A line's text: a space where the text layer has one, except between two CJK characters
    (typesetting, not content)."""
    if not band:
        return ""
    parts = [band[0].text]
    for prev, ch in pairwise(band):
        if ch.space and not (_WIDE_CHAR.match(prev.text[-1:]) and _WIDE_CHAR.match(ch.text[:1])):
            parts.append(" ")
        parts.append(ch.text)
    return "".join(parts)


def _turned(chars: list[Char], turn: int) -> list[Char]:
    """Characters of text set at a quarter turn, mapped so that the text reads left to right:
    ``turn`` 90 runs up the page, 270 down it."""
    if turn == 90:
        return [Char(c.text, -c.bottom, c.x0, -c.top, c.x1, c.index, c.space) for c in chars]
    if turn == 270:
        return [Char(c.text, c.top, -c.x1, c.bottom, -c.x0, c.index, c.space) for c in chars]
    return chars


def cell_text(chars: list[Char], turn: int = 0) -> str:
    """The text of a cell: its lines top to bottom joined without a break (a wrapped label, a
    stub set one character per line)."""
    return "".join(join_line(b) for b in bands(_turned(chars, turn))).strip()


# -- characters without rulings → lines and tables -----------------------------------------------


@dataclass(slots=True)
class _Band:
    chars: list[Char]
    top: float
    bottom: float
    height: float
    pieces: list[list[Char]]
    """The band cut at gaps wider than a character: its cells if it is a table row."""


def _band(chars: list[Char]) -> _Band:
    h = _height(chars)
    pieces: list[list[Char]] = [[chars[0]]]
    for prev, ch in pairwise(chars):
        if ch.x0 - prev.x1 >= h:
            pieces.append([ch])
        else:
            pieces[-1].append(ch)
    return _Band(chars, min(c.top for c in chars), max(c.bottom for c in chars), h, pieces)


def free_layout(chars: list[Char]) -> list[Line | Table]:
    """Characters outside ruled tables as prose lines and unruled tables, top to bottom.

    A run of at least two lines cut into two or more pieces at character-wide gaps, whose gaps
    line up, is a table; lines of one piece inside the run that sit in its first column are
    labels (a group label row, or a wrapped label's other lines, which join the row they touch).
    Only cells with text are given: without rulings, a blank cell and a column the row does not
    have look the same, so blanks are left for the extractor to report, never guessed.
    """
    found = [_band(b) for b in bands(chars)]
    out: list[Line | Table] = []
    i = 0
    while i < len(found):
        j = _run_end(found, i)
        if j > i:
            out.append(_unruled(found[i:j]))
            i = j
        else:
            b = found[i]
            out.append(Line(b.chars, b.top, b.bottom))
            i += 1
    return out


def _run_end(found: list[_Band], i: int) -> int:
    """End (exclusive) of the unruled table starting at band ``i``, or ``i`` if none does.

    Rows cut into pieces whose gaps line up with the first row's continue the table; so do
    lines of one piece that end left of where the rows' last pieces start (labels: a group
    label's row, a wrapped label's other lines), if a cut row follows them.
    """
    if len(found[i].pieces) < 2:
        return i
    left = found[i].pieces[0][0].x0
    last = found[i].pieces[-1][0].x0
    multi, j, end = 1, i + 1, i + 1
    height = found[i].height
    while j < len(found):
        b = found[j]
        # a blank stretch, or a line set in another size (a heading), ends the table
        if b.top - found[j - 1].bottom > 2.5 * height or not (
            0.75 * height <= b.height <= 1.33 * height
        ):
            break
        if len(b.pieces) >= 2:
            if not _aligned(found[i], b):
                break
            multi += 1
            end = j + 1
            last = min(last, b.pieces[-1][0].x0)
            left = min(left, b.chars[0].x0)
        elif not (b.chars[0].x0 >= left - b.height and b.chars[-1].x1 < last):
            break
        j += 1
    # a wrapped label's last lines stay with their row at the end (the foot of a page)
    while end < j and found[end].top - found[end - 1].bottom <= found[end].height / 2:
        end += 1
    return end if multi >= 2 else i


def _aligned(a: _Band, b: _Band) -> bool:
    """Two rows share a column gap: some gap of one lies within a gap of the other."""
    ga = [(p[-1].x1, q[0].x0) for p, q in pairwise(a.pieces)]
    gb = [(p[-1].x1, q[0].x0) for p, q in pairwise(b.pieces)]
    return any(min(x1, y1) > max(x0, y0) for x0, x1 in ga for y0, y1 in gb)


def _unruled(run: list[_Band]) -> Table:
    cut = [b for b in run if len(b.pieces) >= 2]
    # the columns are where the rows of numbers have them; headers are fitted to those
    numbers = [b for b in cut if 2 * sum(map(_numeric, b.pieces)) >= len(b.pieces)]
    seps = _column_gaps(numbers or cut)
    xs = [min(b.chars[0].x0 for b in run), *seps, max(b.chars[-1].x1 for b in run)]
    groups = _row_groups(run)
    cells: list[Cell] = []
    ys: list[float] = []
    for r, group in enumerate(groups):
        ys.append(min(b.top for b in group))
        # each piece in the column it starts in, spanning the columns it runs over up to the
        # next piece's; pieces starting in one column are one cell
        placed: dict[int, tuple[int, list[Char]]] = {}
        for b in group:
            for piece in b.pieces:
                lo = bisect_right(seps, piece[0].x0)
                hi = bisect_right(seps, piece[-1].x1)
                end, chars = placed.get(lo, (lo, []))
                placed[lo] = (max(end, hi), chars + piece)
        starts = sorted(placed)
        for k, lo in enumerate(starts):
            hi, chars = placed[lo]
            if k + 1 < len(starts):
                hi = min(hi, starts[k + 1] - 1)
            cells.append(Cell(r, lo, 1, hi - lo + 1, chars))
    ys.append(max(b.bottom for b in run))
    return Table(cells, len(groups), len(xs) - 1, xs, ys)


def _numeric(piece: list[Char]) -> bool:
    return all(ch.text in _NUMBER_CHARS for ch in piece)


def _column_gaps(rows: list[_Band]) -> list[float]:
    """Column boundaries of an unruled table: the middles of the x-ranges that the pieces of
    the rows leave free. No number may cross a boundary; a few labels may (a header or a label
    that spans columns): up to a fifth of the rows'."""
    allowed = len(rows) // 5
    events: list[tuple[float, int, int]] = []
    for b in rows:
        for piece in b.pieces:
            hard = 1 if _numeric(piece) else 0
            events.append((piece[0].x0, hard, 1 - hard))
            events.append((piece[-1].x1, -hard, hard - 1))
    events.sort()
    seps: list[float] = []
    hard = soft = 0
    free_from: float | None = None
    for x, dh, ds in events:
        was_free = hard == 0 and soft <= allowed
        hard, soft = hard + dh, soft + ds
        is_free = hard == 0 and soft <= allowed
        if is_free and not was_free:
            free_from = x
        elif was_free and not is_free and free_from is not None:
            seps.append((free_from + x) / 2)
            free_from = None
    return seps


def _row_groups(run: list[_Band]) -> list[list[_Band]]:
    """Bands of a run grouped into rows: a band of one piece (a label's line) joins the
    neighbour it touches (closer than half a character), the nearer one if both."""
    groups: list[list[_Band]] = []
    joins_next = [False] * len(run)
    joined_prev = [False] * len(run)
    for k, b in enumerate(run):
        if len(b.pieces) >= 2:
            continue
        limit = b.height / 2
        up = b.top - run[k - 1].bottom if k > 0 else float("inf")
        down = run[k + 1].top - b.bottom if k + 1 < len(run) else float("inf")
        if min(up, down) > limit:
            continue
        if down < up:
            joins_next[k] = True
        else:
            joined_prev[k] = True
    for k, b in enumerate(run):
        if k > 0 and (joined_prev[k] or joins_next[k - 1]):
            groups[-1].append(b)
        else:
            groups.append([b])
    return groups
