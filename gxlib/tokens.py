"""Turning a stretch of report text (or a grid) into a stream of cell tokens.

Real documents flatten tables in many ways; each flattening has its own cell separator and row
break. The extractor downstream only needs, for every cell, its text and whether a row break
came before it — values are then read in reading order after their row label, so a wrong row
break costs nothing but the reading of blank cells.

Flattenings recognised (see docs/how-it-works.md):

* ``rows``  — a row per line, cells separated by ``|`` (also Markdown tables);
* ``cells`` — a cell per line ending in ``|``, pipe-only lines between rows;
* ``tabs``  — a cell per tab-indented line, blank lines between rows, untabbed lines continuing
  the previous cell (labels wrapped in Word/HTML copies);
* ``plain`` — anything else: cells split on whitespace where numbers stand apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import NamedTuple

from gxlib.document import Grid


class Token(NamedTuple):  # fields and defaults are repeated in _tok: keep them in step
    text: str
    start: int
    line: int
    row_start: bool
    page: int | None = None
    grid: tuple[int, int, int] | None = None
    explicit: bool = True
    """False where cells are only separated by spaces: an empty cell leaves no trace there."""
    soft: bool = False
    """An empty cell that may instead be a row end (a lone "|" line in cell-per-line text)."""
    glued: bool = False
    """Digits that followed a label with no separator at all: cells may have run together."""


ValueLike = Callable[[str], bool]

_LINE = re.compile(r"[^\n]*\n?")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# The delimiter row as converters also write it, with full-width or other dash look-alikes,
# colons and pipes (「|－－－|」, 「｜——｜」). A row of such dashes may also be a row of "—"
# placeholders, so it is a delimiter only in the delimiter's place: right under a table's
# first row.
_D = "\\-\u2010-\u2015\u2212\u2500\u2501\u30fc\uff0d\uff70"
_WIDE_MD_RULE = re.compile(
    rf"^\s*[|｜]?\s*[:：]?[{_D}]{{2,}}[:：]?\s*([|｜]\s*[:：]?[{_D}]{{2,}}[:：]?\s*)*[|｜]?\s*$"
)
_PIPE_ONLY = re.compile(r"^[|\s]+$")
# Page furniture that PDF and Word copies leave inside tables: "- 4 -", "第4页", "4/12".
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
_WS = re.compile(r"\s+")
# digits glued to a letter somewhere (「总计5643382914」): table text whose cells ran together
_RUN_TOGETHER = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")


def _lines(text: str, start: int, end: int, first_line: int) -> list[tuple[int, int, str]]:
    """(offset, line number, line text without newline) for each line in ``text[start:end]``."""
    if start >= end:
        return []
    pieces = text[start:end].split("\n")
    if text[end - 1] == "\n":
        pieces.pop()  # the region ends with its last line's newline: no line after it
    out = []
    pos = start
    for line_no, line in enumerate(pieces, first_line):
        out.append((pos, line_no, line))
        pos += len(line) + 1
    return out


def _maybe_page_number(line: str) -> bool:
    # page furniture is short: most lines are ruled out by their length, without the regex
    if len(line) >= 40:
        line = line.strip()
        if len(line) >= 40 or not line:
            return False
    return _PAGE_NUMBER.match(line) is not None


def detect_style(text: str, start: int, end: int) -> str:
    """Pick the flattening of a region from simple line statistics."""
    pipe_rows = pipe_cells = tabbed = 0
    for _, _, line in _lines(text, start, end, 1):
        s = line.strip()
        if not s:
            continue
        if "|" in s:
            if _PIPE_ONLY.match(s):
                continue
            if s.endswith("|") and s.count("|") == 1:
                pipe_cells += 1
            else:
                pipe_rows += 1
        elif line.startswith("\t"):
            tabbed += 1
    if pipe_rows + pipe_cells:
        return "cells" if pipe_cells > pipe_rows and pipe_cells >= 3 else "rows"
    if tabbed >= 3:
        return "tabs"
    return "plain"


def tokenize(
    text: str,
    start: int,
    end: int,
    first_line: int,
    value_like: ValueLike,
    style: str | None = None,
) -> list[Token]:
    """Tokens of ``text[start:end]``; ``first_line`` is the line number at ``start``."""
    style = style or detect_style(text, start, end)
    raw = _TOKENIZERS[style](text, start, end, first_line, value_like)
    if style == "plain":
        raw = [t._replace(explicit=False) for t in raw]
    # A region inside a line whose digits are glued to labels somewhere (a crawler's one-line
    # page, 「…总计5439149518四、结转…」): its spaces are stray, not cell separators, and each
    # space-separated part may hold several cells.
    one_line = "\n" not in text[start:end].rstrip()
    if one_line:
        ls = text.rfind("\n", 0, start) + 1
        le = text.find("\n", start)
        one_line = _RUN_TOGETHER.search(text, ls, le if le >= 0 else len(text)) is not None
    return list(_split_glued(raw, value_like, one_line))


def _rows(text: str, start: int, end: int, first_line: int, value_like: ValueLike) -> list[Token]:
    out: list[Token] = []
    pipe_rows = 0  # pipe lines since the last line that was not one: a table's row number
    lines = _lines(text, start, end, first_line)
    # Where most pipe lines start with a cell (「行政复议 | 0 |」), a line starting with a pipe
    # may begin with an empty cell instead: a Markdown-style leading pipe is then no certainty.
    piped = [ln.lstrip() for _, _, ln in lines if "|" in ln]
    cell_first = sum(1 for ln in piped if not ln.startswith("|")) * 2 > len(piped)
    for off, line_no, line in lines:
        if not line.strip():
            pipe_rows = 0
            continue
        if _maybe_page_number(line):
            continue
        if "|" not in line:
            pipe_rows = 0
            out.append(_tok(line, off, line_no, True))
            continue
        pipe_rows += 1
        if _MD_RULE.match(line) or (pipe_rows == 2 and _WIDE_MD_RULE.match(line)):
            continue
        parts: list[tuple[int, str]] = []
        pos = 0
        for piece in line.split("|"):
            parts.append((off + pos, piece))
            pos += len(piece) + 1
        if line.lstrip().startswith("|"):
            lead = parts[0][0]
            parts = parts[1:]
            if cell_first and parts and value_like(parts[0][1].strip()):
                # most pipe lines here start with a cell, so this one starts with an empty
                # cell (「 | 0 | 0 |」), not with a Markdown-style leading pipe
                parts = [(lead, ""), *parts]
        if parts and not parts[-1][1].strip():
            parts = parts[:-1]  # the terminator after the last pipe
        first = True
        for p_off, piece in parts:
            out.append(_tok(piece, p_off, line_no, first))
            first = False
    return out


def _cells(text: str, start: int, end: int, first_line: int, value_like: ValueLike) -> list[Token]:
    lines = [(o, n, ln) for o, n, ln in _lines(text, start, end, first_line) if ln.strip()]
    out: list[Token] = []
    pending_break = True
    for i, (off, line_no, line) in enumerate(lines):
        s = line.strip()
        if _maybe_page_number(s):
            continue
        if _PIPE_ONLY.match(s):
            # A lone "|" inside a row, before a value or before the row's closing pipes, is an
            # empty cell; otherwise pipe-only lines close a row (with its padding cells).
            nxt_line = lines[i + 1][2].strip() if i + 1 < len(lines) else ""
            nxt = nxt_line[:-1].strip() if nxt_line.endswith("|") else nxt_line
            if (
                s == "|"
                and out
                and not pending_break
                and (value_like(nxt) or (bool(nxt_line) and _PIPE_ONLY.match(nxt_line) is not None))
            ):
                out.append(Token("", off, line_no, False, soft=True))
            elif s == "|" and out and pending_break and value_like(nxt):
                # after a row's closing pipes, a lone "|" before a value is a blank first cell
                # of the next row, or one more closing pipe: the text cannot tell which
                out.append(Token("", off, line_no, True, soft=True))
                pending_break = False
            else:
                pending_break = True
            continue
        body = line.rstrip()
        body = body.removesuffix("|")
        if "|" in body:  # a whole row on one line inside a cell-per-line dump
            for j, tok in enumerate(_rows(body + "|", 0, len(body) + 1, line_no, value_like)):
                out.append(tok._replace(start=off + tok.start, row_start=pending_break and j == 0))
        else:
            out.append(_tok(body, off, line_no, pending_break))
        pending_break = False
    return out


def _tabs(text: str, start: int, end: int, first_line: int, value_like: ValueLike) -> list[Token]:
    out: list[Token] = []
    pending_break = True
    for off, line_no, line in _lines(text, start, end, first_line):
        if not line.strip():
            if line.startswith("\t") or (line and line.strip(" ") == "\t"):
                out.append(Token("", off + len(line), line_no, pending_break))
                pending_break = False
            else:
                pending_break = True
            continue
        if _maybe_page_number(line):
            continue
        if line.startswith("\t"):
            out.append(_tok(line, off, line_no, pending_break))
            pending_break = False
        elif out and out[-1].text and not value_like(out[-1].text) and len(_WS.sub("", line)) <= 60:
            # An untabbed line continues a wrapped label (even across a blank line, as Word
            # copies do), but never a number.
            prev = out[-1]
            out[-1] = prev._replace(text=prev.text + "\n" + line.strip())
            pending_break = False
        else:
            out.append(_tok(line, off, line_no, True))
            pending_break = False
    return out


def _plain(text: str, start: int, end: int, first_line: int, value_like: ValueLike) -> list[Token]:
    out: list[Token] = []
    for off, line_no, line in _lines(text, start, end, first_line):
        if not line.strip() or _maybe_page_number(line):
            continue
        first = True
        for m in re.finditer(r"[^\t\u3000]+?(?=\t|\u3000|\s{2,}|$)", line):
            if m.group().strip():
                out.append(_tok(m.group(), off + m.start(), line_no, first))
                first = False
    return out


_new_tuple = tuple.__new__
_ROW_COL = attrgetter("row", "col")


def _tok(piece: str, off: int, line_no: int, row_start: bool) -> Token:
    stripped = piece.strip()
    lead = len(piece) - len(piece.lstrip()) if stripped else 0
    # Token(stripped, off + lead, line_no, row_start) without the generated __new__ (the
    # tokenizer's hottest line); the defaults are spelled out
    return _new_tuple(
        Token, (stripped, off + lead, line_no, row_start, None, None, True, False, False)
    )


_TOKENIZERS = {"rows": _rows, "cells": _cells, "tabs": _tabs, "plain": _plain}


def _split_glued(
    tokens: list[Token], value_like: ValueLike, one_line: bool = False
) -> Iterator[Token]:
    """Split a cell holding a label followed by space-separated values ("行政许可 396 0 181"),
    or several space-separated values ("0 0 0"): PDF text and some copies glue a row together."""
    for tok in tokens:
        if " " not in tok.text and "\u3000" not in tok.text:
            yield tok
            continue
        parts = [(m.start(), m.group()) for m in re.finditer(r"\S+", tok.text)]
        # trailing run of value-like parts
        k = len(parts)
        while k > 0 and value_like(parts[k - 1][1]):
            k -= 1
        if k == len(parts) or (k > 0 and not _is_texty(tok.text[: parts[k][0]])):
            yield tok
            continue
        # values after a head whose own cells ran together (a crawler's one-line page,
        # 「…总计5439149518 四、结转下年度继续办理 31 0 2390」): a space there is a stray one, and
        # each part may hold several cells, as the digits glued in the head do
        dump = one_line or (k > 0 and _RUN_TOGETHER.search(tok.text[: parts[k][0]]) is not None)
        if k > 0:
            head_end = parts[k - 1][0] + len(parts[k - 1][1])
            yield tok._replace(text=tok.text[:head_end])
        for j in range(k, len(parts)):
            p_off, p = parts[j]
            yield Token(
                p,
                tok.start + p_off,
                tok.line,
                tok.row_start and k == 0 and j == 0,
                tok.page,
                tok.grid,
                False,
                glued=dump,
            )


def _is_texty(s: str) -> bool:
    return any(unicodedata.category(ch).startswith("L") for ch in s)


def grid_tokens(grid: Grid) -> list[Token]:
    """Tokens of a grid read from HTML/DOCX/PDF: geometry gives the row breaks exactly."""
    out: list[Token] = []
    last_row = -1
    for cell in sorted(grid.cells, key=_ROW_COL):
        loc = cell.location
        text = " ".join(cell.text.split())  # whitespace runs as one space (str.isspace, as \s)
        page = loc.page if loc and loc.page is not None else grid.page
        out.append(
            _new_tuple(
                Token,
                (
                    text,
                    loc.offset if loc else 0,
                    loc.line if loc else 0,
                    cell.row != last_row,
                    page,
                    (grid.index, cell.row, cell.col),
                    True,
                    False,
                    False,
                ),
            )
        )
        last_row = cell.row
    return out
