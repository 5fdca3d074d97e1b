"""The layout-driven extractor: a profile plus a document's tokens → cells.

It knows nothing about any format. For every table of the profile it finds the table's row
labels among the tokens of its section and reads the cells that follow each label in reading
order, one per column; a ``flat`` table is read as one run of cells after its header. A cell the
text does not prove gets no value: too few cells means ``missing`` cells and a diagnostic, never
cells shifted into other columns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

from gxlib import diagnostics as dg
from gxlib.attach import Attached, Attachment, Occurrence, Unsure, ValueLine, attach
from gxlib.diagnostics import CellRef, Diagnostic
from gxlib.document import Document, Location
from gxlib.labels import Label, Match, SectionLabels, compile_labels
from gxlib.normalize import canonical
from gxlib.profiles.model import Column, Profile, Row, ValueSyntax
from gxlib.profiles.model import Table as TableSpec
from gxlib.report import Cell, Table
from gxlib.runs import FLAT, RowInput, TableSolution, needs_split, solve_table
from gxlib.sections import SectionSpan
from gxlib.tokens import Token, grid_tokens, tokenize
from gxlib.values import Number, ParsedValue, cached_reading, find_unit, parse_value

_PROSE_END = re.compile(r"[。；;]")
_HAN = re.compile("[\u4e00-\u9fff]")


@lru_cache(maxsize=16)
def value_predicate(syntax: ValueSyntax) -> Callable[[str], bool]:
    """Does a cell text look like a value (number, placeholder)? Used to tell cells from labels."""
    placeholders = {unicodedata.normalize("NFKC", p) for p in syntax.placeholders}
    words = tuple(syntax.increase_words + syntax.decrease_words)
    units = sorted(
        {u.text for u in syntax.money_units} | set(syntax.count_units), key=len, reverse=True
    )
    unit_re = "|".join(re.escape(canonical(u)) for u in units)
    number = re.compile(rf"^[+\-−]?\d[\d,，]*(?:\.\d*)?\s*(?:{unit_re})?$")

    @lru_cache(maxsize=16384)  # the same few texts ("0", "/") recur in every report
    def value_like(text: str) -> bool:
        s = canonical(text)
        if not s:
            return False
        if s in placeholders or (len(set(s)) == 1 and s[0] in "/-—－\\"):
            return True
        if number.match(s):
            return True
        return s.startswith(words) and any(ch.isdigit() for ch in s[:6])

    return value_like


class SectionTokens:
    """Tokens of one section region with their label matches, computed once."""

    def __init__(
        self,
        tokens: list[Token],
        labels: SectionLabels | None,
        value_like: Callable[[str], bool],
        heading_found: bool = True,
    ) -> None:
        self.heading_found = heading_found
        self.value_like = value_like
        self.grid_widths: dict[int, int] = {}
        """Width of each grid the tokens came from: its value columns are the rightmost."""
        matches: list[Match | None] = [
            None if (labels is None or not t.text or value_like(t.text)) else labels.match(t.text)
            for t in tokens
        ]
        if labels is not None:
            tokens, matches = _unglue(tokens, matches, labels, value_like)
            tokens, matches = _join_wrapped(tokens, matches, labels, value_like)
        self.tokens = tokens
        self.matches = matches


# Signs and decimal points as runs write them, full-width forms included (「０＋１０」): \d
# already matches full-width digits, and runs.py reads all of these after NFKC.
_SIGN = "+\\-\u2212\uff0b\uff0d"
_DOT = ".\uff0e"
# digits glued after text; a run of values ends in a digit (「1.」 is a wrapped row number)
_GLUED = re.compile(rf"^(.*?\D)([{_SIGN}]?\d(?:[\d{_DOT}{_SIGN}]*\d)?)$", re.S)


_RUN = re.compile(rf"^[{_SIGN}]?\d(?:[\d{_DOT}{_SIGN}]*\d)?$")


def _unglue(
    tokens: list[Token],
    matches: list[Match | None],
    labels: SectionLabels,
    value_like: Callable[[str], bool],
) -> tuple[list[Token], list[Match | None]]:
    """Split text that ran together with no separator (crawler dumps) into labels and runs of
    digits: 「行政许可3960181」, or whole rows in one line 「…权益00000005.属于三类内部事务信息…」.
    A token is split only when every piece between the labels found in it is a run of digits;
    the runs are marked ``glued`` so the extractor splits them by the table's arithmetic."""
    out_t: list[Token] = []
    out_m: list[Match | None] = []
    for tok, m in zip(tokens, matches, strict=True):
        pieces = (
            _label_pieces(tok.text, labels, value_like)
            if m is None and tok.text and not value_like(tok.text)
            else None
        )
        if pieces is None:
            out_t.append(tok)
            out_m.append(m)
            continue
        first = True
        for start, text, lm, glued in pieces:
            out_t.append(
                tok._replace(
                    text=text,
                    start=tok.start + start,
                    row_start=tok.row_start and first,
                    glued=glued,
                )
            )
            out_m.append(lm)
            first = False
    return out_t, out_m


_Piece = tuple[int, str, "Match | None", bool]
# prose that ends before a table starts on the same line (a crawler's one-line page)
_NON_SPACE = re.compile(r"\S+")
_PROSE_BEFORE = re.compile(r"[。；;：:！？!?]\s*$")


def _label_pieces(
    text: str, labels: SectionLabels, value_like: Callable[[str], bool]
) -> list[_Piece] | None:
    """``(offset, text, match, glued)`` pieces of a token made of labels and digit runs, else
    None. A piece between labels that is no run but reads as one value (「12.5万元」, 「/」) is
    kept whole (not glued: it is one cell or the row is short); prose ending in a sentence
    mark may come before the first label (the rest of a one-line page)."""
    if not any(ch.isdigit() for ch in text):
        return None
    g = _GLUED.match(text)
    if g is not None:  # the common case: one label, then its digits
        lm = labels.match(g.group(1).rstrip())
        if lm is not None and lm.how != "fuzzy":
            head = g.group(1)
            return [(0, head.rstrip(), lm, False), (len(head), g.group(2), None, True)]
    forms = labels.forms_by_first_char()
    pieces: list[_Piece] = []
    run_start = -1
    p = 0
    found = False

    def between(a: int, b: int) -> list[_Piece] | None:
        # a stray space splits a run where the page had whitespace between cells: each part
        # is one or more whole cells (「230 000023」)
        out: list[_Piece] = []
        for m in _NON_SPACE.finditer(text, a, b):
            piece = m.group()
            if _RUN.match(piece):
                out.append((m.start(), piece, None, True))
            elif value_like(piece) and not any(ch.isdigit() for ch in piece):
                out.append((m.start(), piece, None, False))  # a placeholder: one cell
            else:
                return None
        return out or None

    while p < len(text):
        hit = None
        for form in forms.get(text[p], ()):
            if text.startswith(form, p):
                hit = form
                break
        if hit is not None:
            if run_start >= 0:
                if not pieces:
                    if not _PROSE_BEFORE.search(text[run_start:p]):
                        return None  # text before the first label: not a dump of this table
                    pieces.append((run_start, text[run_start:p].strip(), None, False))
                else:
                    parts = between(run_start, p)
                    if parts is None:
                        return _cut(pieces, text, run_start)
                    pieces.extend(parts)
                run_start = -1
            lm = labels.match(hit)
            pieces.append((p, hit, lm, False))
            found = True
            p += len(hit)
            continue
        if text[p].isspace() and run_start < 0:
            p += 1
            continue
        if run_start < 0:
            run_start = p
        p += 1
    if run_start >= 0:
        if not pieces:
            return None
        parts = between(run_start, len(text))
        if parts is None:
            return _cut(pieces, text, run_start)
        pieces.extend(parts)
    if not found or len(pieces) < 2 or all(m is not None for _, _, m, _ in pieces):
        return None
    return pieces


def _cut(pieces: list[_Piece], text: str, at: int) -> list[_Piece] | None:
    """The pieces before text that is neither a run nor a placeholder (「5904.96元」: cells
    with a unit ran together, which no arithmetic here can cut); that text, with its row's
    label and the rest of the token, stays one unread piece: the row is not found rather than
    read wrong."""
    last = max((i for i, (_, _, m, _) in enumerate(pieces) if m is not None), default=-1)
    if last <= 0:
        return None
    start = pieces[last][0]  # the label before that text goes with it: its row is not read
    return [*pieces[:last], (start, text[start:].strip(), None, False)]


_JOIN_PIECES = 3  # a label wraps over at most this many printed lines or cells
_SKIP_VALUES = 16  # most values of one line found between two pieces of a wrapped label


def _join_wrapped(
    tokens: list[Token],
    matches: list[Match | None],
    labels: SectionLabels,
    value_like: Callable[[str], bool],
) -> tuple[list[Token], list[Match | None]]:
    """Join a label wrapped over several cells or lines ("5.要求行政机关确认或重新" +
    "出具已获取信息") when the pieces match nothing alone and match a label together.

    One line of values may stand between the pieces (a PDF text layer prints a row's values at
    the middle of its cell, beside the middle piece of its label), and, when the pieces match
    nothing otherwise, a few characters of a tall group label printed beside them: both are
    kept, after the joined label."""
    out_t: list[Token] = []
    out_m: list[Match | None] = []
    i, n = 0, len(tokens)
    while i < n:
        tok, m = tokens[i], matches[i]
        join = None
        # a fuzzy match may be the first half of a wrapped label: an exact join beats it
        if (m is None or m.how == "fuzzy") and tok.text and not value_like(tok.text):
            join = _join_at(i, tokens, matches, labels, value_like, False) or _join_at(
                i, tokens, matches, labels, value_like, True
            )
        if join is None:
            out_t.append(tok)
            out_m.append(m)
            i += 1
            continue
        end, text, jm, kept = join
        out_t.append(tok._replace(text=text))
        out_m.append(jm)
        for k in kept:
            out_t.append(tokens[k])
            out_m.append(matches[k])
        i = end
    return out_t, out_m


def _join_at(
    i: int,
    tokens: list[Token],
    matches: list[Match | None],
    labels: SectionLabels,
    value_like: Callable[[str], bool],
    skip_stubs: bool,
) -> tuple[int, str, Match, list[int]] | None:
    """The label joined from the pieces starting at token i: (index after its last piece, text,
    match, indices of the tokens passed over between the pieces), or None."""
    n, m = len(tokens), matches[i]
    text = tokens[i].text
    kept: list[int] = []
    skipped_values = False
    pieces = 1
    j = i + 1
    while j < n and pieces < _JOIN_PIECES:
        nxt, nm = tokens[j], matches[j]
        if (nm is not None and nm.how != "fuzzy") or not nxt.text:
            return None
        if value_like(nxt.text):
            if skipped_values:
                return None
            k = j
            while (
                k < n
                and k - j < _SKIP_VALUES
                and tokens[k].text
                and matches[k] is None
                and value_like(tokens[k].text)
            ):
                k += 1
            kept.extend(range(j, k))
            skipped_values, j = True, k
            continue
        if skip_stubs and nm is None and labels.is_stub_piece(nxt.text):
            kept.append(j)  # a group label's piece printed between this label's pieces
            j += 1
            continue
        text += "\n" + nxt.text
        pieces += 1
        jm = labels.match(text)
        if jm is not None and (m is None or jm.how != "fuzzy"):
            return j + 1, text, jm, kept
        j += 1
    return None


def section_tokens(
    doc: Document,
    span: SectionSpan,
    labels: SectionLabels | None,
    value_like: Callable[[str], bool],
    line_at: Callable[[int], int],
) -> SectionTokens:
    start, end = span.body_start, span.end
    out: list[Token] = []
    pos = start
    for placed in doc.grids:
        if placed.end <= start or placed.start >= end:
            continue
        if placed.start > pos:
            out.extend(tokenize(doc.text, pos, placed.start, line_at(pos), value_like))
        out.extend(grid_tokens(placed.grid))
        pos = max(pos, placed.end)
    if pos < end:
        out.extend(tokenize(doc.text, pos, end, line_at(pos), value_like))
    st = SectionTokens(out, labels, value_like, span.found)
    st.grid_widths = {p.grid.index: p.grid.n_cols for p in doc.grids}
    return st


@lru_cache(maxsize=64)
def _shared_label_keys(profile: Profile) -> frozenset[str]:
    """Label keys printed by more than one table of the profile (e.g. 总计)."""
    owners: dict[str, set[str]] = {}
    for sec in compile_labels(profile).values():
        for lab in sec.labels:
            owners.setdefault(lab.loose, set()).add(lab.table)
    return frozenset(k for k, tables in owners.items() if len(tables) > 1)


def _is_prose(text: str) -> bool:
    if len(text) < 8:  # fewer characters than the fewest Han characters of prose
        return False
    if "\n" in text:
        text = text.replace("\n", "")
    han = len(_HAN.findall(text))
    return han >= 24 or (han >= 8 and bool(_PROSE_END.search(text)))


RowRead = tuple[Label, Match, list[Token], int]
"""A row's label, its match, the tokens attached to it and the label's token index."""


class TableReader:
    def __init__(
        self, profile: Profile, spec: TableSpec, st: SectionTokens, diags: list[Diagnostic]
    ) -> None:
        self.profile = profile
        self.spec = spec
        self.st = st
        self.diags = diags
        self.ncols = len(spec.columns)
        self.flat_uncertain = False
        self._region: tuple[int, int] | None = None

    # -- locating -----------------------------------------------------------------------------
    def region(self) -> tuple[int, int]:
        """Token range of the table: from its anchor (if printed) to the next table's anchor."""
        if self._region is None:
            self._region = self._find_region()
        return self._region

    def _find_region(self) -> tuple[int, int]:
        toks, matches = self.st.tokens, self.st.matches
        start = 0
        if self.spec.anchors:
            for i, m in enumerate(matches):
                if m is not None and m.of(self.spec.key, "anchor"):
                    start = i
                    break
        end = len(toks)
        for i in range(start + 1, len(toks)):
            m = matches[i]
            if m is not None and any(
                lab.kind == "anchor" and lab.table != self.spec.key for lab in m.labels
            ):
                end = i
                break
        return start, end

    def _own(self, m: Match | None, *kinds: str) -> Label | None:
        if m is None:
            return None
        for lab in m.labels:
            if lab.table == self.spec.key and lab.kind in kinds:
                return lab
        return None

    def _next_content(self, i: int, end: int) -> int:
        j = i + 1
        while j < end and not self.st.tokens[j].text:
            j += 1
        return j

    def _row_label(self, i: int, end: int) -> Label | None:
        """The row label at token i, deciding rows that share text with a group by what follows."""
        m = self.st.matches[i]
        row = self._own(m, "row")
        if row is None:
            return None
        if self._own(m, "group") is not None:
            j = self._next_content(i, end)
            if j < end and self._own(self.st.matches[j], "row") is not None:
                return None  # a stub over sub-rows, not the row itself
        return row

    # -- reading ------------------------------------------------------------------------------
    def collect(
        self, i: int, end: int, n: int, row: str | None = None, *, same_line: bool = False
    ) -> tuple[list[int], int]:
        """Indices of up to n cells after token i: values in reading order; blanks only before a
        row break. With ``same_line``, only the cells printed on the label's own line.

        Repeats of the row's own label are skipped: converters copy a spanning label into every
        column it covers."""
        toks, matches = self.st.tokens, self.st.matches
        cells: list[int] = []
        crossed = False
        j = i + 1
        while j < end and len(cells) < n:
            tok = toks[j]
            if tok.row_start:
                if same_line:
                    break
                crossed = True
            m = matches[j]
            if (
                m is not None
                and row is not None
                and (own := self._own(m, "row")) is not None
                and own.key == row
                and not cells
            ):
                j += 1
                continue
            if m is not None:
                if (
                    self._own(m, "group", "header", "column_group") is not None
                    and self._own(m, "row") is None
                ):
                    j += 1
                    continue
                break
            if not tok.text:
                # in a grid, an empty cell left of the value columns is a split stub, not data
                in_stub = tok.grid is not None and tok.grid[2] < (
                    self.st.grid_widths.get(tok.grid[0], 0) - self.ncols
                    if self.spec.layout == "rows"
                    else 0
                )
                if not crossed and not in_stub:
                    cells.append(j)
                j += 1
                continue
            if _is_prose(tok.text):
                break
            cells.append(j)
            j += 1
        return cells, j

    # -- attaching ----------------------------------------------------------------------------
    def items(self) -> tuple[list[Occurrence | ValueLine], dict[int, Label]]:
        """The table's row labels (with the cells on their own line) and its lines of values
        printed apart from any label, in reading order."""
        start, end = self.region()
        toks, matches = self.st.tokens, self.st.matches
        value_like = self.st.value_like
        out: list[Occurrence | ValueLine] = []
        labels: dict[int, Label] = {}
        i = start
        while i < end:
            lab = self._row_label(i, end)
            if lab is not None:
                cells, j = self.collect(i, end, self.ncols, lab.key, same_line=True)
                # blank cells alone are the row's only when there is one per column (a grid or
                # pipe row left empty); else the row's values may be printed on another line
                full = len(cells) == self.ncols
                own = tuple(cells) if full or any(toks[c].text for c in cells) else ()
                out.append(Occurrence(lab.key, i, own))
                labels[i] = lab
                i = max(j, i + 1)
                continue
            tok = toks[i]
            if tok.text and matches[i] is None and value_like(tok.text):
                line = [i]
                j = i + 1
                while (
                    j < end
                    and len(line) < self.ncols
                    and not toks[j].row_start
                    and matches[j] is None
                    and (not toks[j].text or value_like(toks[j].text))
                ):
                    line.append(j)
                    j += 1
                out.append(ValueLine(tuple(line)))
                i = j
                continue
            i += 1
        return out, labels

    def line_values(self, line: tuple[int, ...]) -> tuple[Number | None, ...] | None:
        """A line read as one value per column (None where not a number), for the rules."""
        if len(line) != self.ncols:
            return None
        syntax = self.profile.values
        out: list[Number | None] = []
        for c, ti in zip(self.spec.columns, line, strict=True):
            row_type = None
            pv = cached_reading(
                self.st.tokens[ti].text, row_type or c.type, syntax, c.unit, "default"
            )
            out.append(pv.value if pv.status == "number" else None)
        return tuple(out)

    def read_rows(
        self,
    ) -> tuple[dict[str, tuple[Label, Match, list[Token], int]], dict[str, Unsure]]:
        """Rows with the tokens attached to them (see :mod:`gxlib.attach`), and the rows whose
        line the text does not determine."""
        items, labels = self.items()
        toks = self.st.tokens
        found: dict[str, RowRead] = {}
        unsure: dict[str, Unsure] = {}
        if all(isinstance(it, Occurrence) and it.own for it in items) and len(
            {it.key for it in items if isinstance(it, Occurrence)}
        ) == len(items):
            # the common case: every row printed once, with its values on its line
            for it in items:
                assert isinstance(it, Occurrence)
                m = self.st.matches[it.index]
                assert m is not None
                found[it.key] = (labels[it.index], m, [toks[t] for t in it.own], it.index)
            return found, unsure
        res = attach(items, self.spec, self.line_values)
        for it in items:  # in reading order, as the rows were read before
            if not isinstance(it, Occurrence):
                continue
            got = res.rows.get(it.key)
            if got is None or got.occurrence is not it:
                continue
            m = self.st.matches[it.index]
            assert m is not None
            if isinstance(got, Unsure):
                unsure[it.key] = got
                found[it.key] = (labels[it.index], m, [], it.index)
            else:
                found[it.key] = (labels[it.index], m, [toks[t] for t in got.line], it.index)
        self._attach_diagnostics(res, labels)
        return found, unsure

    def _attach_diagnostics(self, res: Attachment, labels: dict[int, Label]) -> None:
        spec, toks = self.spec, self.st.tokens
        by_how: dict[str, list[str]] = {}
        by_rules: list[str] = []  # row keys whose values the rules chose
        for key, got in res.rows.items():
            if isinstance(got, Attached) and got.how != "layout":
                by_how.setdefault(got.how, []).append(labels[got.occurrence.index].text)
                if got.how == "rules":
                    by_rules.append(key)
        if "order" in by_how:
            self.diags.append(
                dg.make(
                    "GX405",
                    f"table {spec.key!r}: values printed apart from their labels, attached by "
                    f"order to {', '.join(repr(t) for t in by_how['order'])}",
                )
            )
        if "rules" in by_how:
            self.diags.append(
                dg.make(
                    "GX406",
                    f"table {spec.key!r}: values printed apart from their labels, attached by "
                    f"the table's rules to {', '.join(repr(t) for t in by_how['rules'])}",
                    cells=tuple(
                        CellRef(spec.key, k, c.key) for k in by_rules for c in spec.columns
                    ),
                    # the rules chose the attachment, so they hold by construction: they prove
                    # nothing about these cells (gxlib/verify.py)
                    data={"resolved_by": sorted(r.id for r in spec.rules)},
                )
            )
        for dup in res.duplicates:
            tok = toks[dup.index]
            self.diags.append(
                dg.make(
                    "GX205",
                    f"row {labels[dup.index].text!r} of table "
                    f"{spec.key!r} appears again at line {tok.line}; the first is kept",
                    location=_loc(tok),
                    cells=tuple(CellRef(spec.key, dup.key, c.key) for c in spec.columns),
                )
            )
        for line in res.extra:
            tok = toks[line[0]]
            self.diags.append(
                dg.make(
                    "GX409",
                    f"table {spec.key!r}: values {' '.join(toks[t].text for t in line)!r} at line "
                    f"{tok.line} could not be attached to a row",
                    location=_loc(tok),
                )
            )

    def read_flat(self) -> tuple[list[Token], int] | None:
        start, end = self.region()
        toks, matches = self.st.tokens, self.st.matches
        # Values are read after the table's own header. Without it, only a section whose heading
        # was found is trusted to hold them (header text is often lost; headings less so).
        shared = _shared_label_keys(self.profile)
        own = []
        for i in range(start, end):
            lab = self._own(matches[i], "column", "row", "group", "header")
            # without its heading, a table is anchored only by labels no other table prints
            if lab is not None and (self.st.heading_found or lab.loose not in shared):
                own.append(i)
        if own:
            start = own[0]
        elif not self.st.heading_found:
            return None
        v = None
        for i in range(start, end):
            if toks[i].text and matches[i] is None and self.st.value_like(toks[i].text):
                v = i
                break
        if v is None:
            return None
        n = self.ncols * len(self.spec.rows)
        k = v
        while (
            k - 1 >= start
            and not toks[k - 1].text
            and not toks[k].row_start
            and not toks[k - 1].soft
        ):
            k -= 1
        rest_idx, _ = self.collect(k, end, n - 1)
        rest = [toks[t] for t in rest_idx]
        # A lone "|" just before the values is a blank first cell or a row end; with cells
        # short the text cannot tell which (a truncated table looks the same), so the caller
        # places none of them.
        self.flat_uncertain = len(rest) + 1 < n and k - 1 >= start and toks[k - 1].soft
        return [toks[k], *rest], k

    def header_tokens(self, stop: int) -> dict[str, Token]:
        """Column labels found before the first row (or the values of a flat table)."""
        start, _ = self.region()
        out: dict[str, Token] = {}
        for i in range(start, stop):
            lab = self._own(self.st.matches[i], "column")
            if lab is not None and lab.key not in out:
                out[lab.key] = self.st.tokens[i]
        return out


def _ambiguous(spec: TableSpec, row: Row, col: Column, cands: Sequence[Number]) -> Cell:
    """A cell the text does not determine, with the values it may hold."""
    return Cell(
        spec.key,
        row.key,
        col.key,
        "ambiguous",
        None,
        None,
        None,
        row.label,
        col.label,
        None,
        tuple(cands),
    )


def _loc(tok: Token) -> Location:
    return Location(tok.start, tok.line, len(tok.text), tok.page, tok.grid)


class Located:
    """What locating and attaching found of one table: each row's tokens (None where a cell is
    short), its label, and the rows already turned into cells (run-together or undetermined)."""

    def __init__(self, n_tokens: int) -> None:
        self.rows: dict[str, list[Token | None]] = {}
        self.labels: dict[str, tuple[Label, Match, Token]] = {}
        self.first_index = n_tokens
        """Token index of the first row (or of the values of a flat table): headers are before."""
        self.cells: dict[str, list[Cell]] = {}
        self.flat_tokens: list[Token] = []


def read_table(
    profile: Profile, spec: TableSpec, st: SectionTokens | None, diags: list[Diagnostic]
) -> Table:
    """Read one table of ``profile`` from its section's tokens: locate its rows (or the cells
    of a flat table), attach value lines printed apart from their labels (:mod:`gxlib.attach`),
    split cells that ran together (:mod:`gxlib.runs`), and assemble one cell per row and
    column. Every cell the text does not determine is ``missing`` or ``ambiguous`` with a
    diagnostic appended to ``diags``; a table not found at all is GX202."""
    syntax = profile.values
    if st is None:
        st = SectionTokens([], None, value_predicate(syntax))
    reader = TableReader(profile, spec, st, diags)
    loc = _locate(reader)
    if not loc.rows:
        return _not_found(spec, st, diags)
    headers = reader.header_tokens(loc.first_index)
    lost = [c.label for c in spec.columns if c.key not in headers]
    if lost and len(spec.columns) > 0:
        diags.append(
            dg.make(
                "GX206",
                f"table {spec.key!r}: column label(s) not found: {', '.join(lost)}; "
                "values read by position",
            )
        )
    _label_diagnostics(spec, loc.labels, diags)
    units = {
        c.key: u
        for c in spec.columns
        if c.type == "money" and c.key in headers and (u := find_unit(headers[c.key].text, syntax))
    }
    if spec.layout == "flat":
        _split_flat(reader, loc, units)
    else:
        _split_rows(reader, loc, units)
    return _assemble(reader, loc, headers)


def _locate(reader: TableReader) -> Located:
    """Locate: the rows of the table and the tokens attached to each."""
    spec, st = reader.spec, reader.st
    loc = Located(len(st.tokens))
    if spec.layout == "flat":
        flat = reader.read_flat()
        if flat is not None:
            cells, loc.first_index = flat
            loc.flat_tokens = cells
            for ri, row in enumerate(spec.rows):
                chunk = cells[ri * reader.ncols : (ri + 1) * reader.ncols]
                loc.rows[row.key] = [*chunk, *([None] * (reader.ncols - len(chunk)))]
        return loc
    rows, unsure = reader.read_rows()
    for key, (lab, m, cells, idx) in rows.items():
        loc.rows[key] = [*cells, *([None] * (reader.ncols - len(cells)))]
        loc.labels[key] = (lab, m, st.tokens[idx])
        loc.first_index = min(loc.first_index, idx)
    for key, pending in unsure.items():
        loc.cells[key] = _unsure_cells(reader, spec.row(key), pending, reader.diags)
    return loc


def _not_found(spec: TableSpec, st: SectionTokens, diags: list[Diagnostic]) -> Table:
    diags.append(
        dg.make(
            "GX202",
            f"table {spec.key!r} ({spec.title}) not found"
            + ("" if st.tokens else ": its section has no table text"),
            cells=(),
        )
    )
    cells = [
        _missing(spec, row, col) for row in spec.rows if not row.optional for col in spec.columns
    ]
    return _table(spec, False, cells)


def _split_flat(reader: TableReader, loc: Located, units: dict[str, str]) -> None:
    """A flat table with too few cells: split runs by the rules, or place none of them."""
    spec, syntax, diags = reader.spec, reader.profile.values, reader.diags
    flat_tokens = loc.flat_tokens
    n_flat = len(spec.rows) * reader.ncols
    if not 0 < len(flat_tokens) < n_flat:
        return
    texts = tuple(t.text for t in flat_tokens)
    glued = any(t.glued for t in flat_tokens)
    plain = not all(t.explicit for t in flat_tokens)
    if glued or needs_split(texts, n_flat, glued=plain):
        sol = solve_table(
            spec,
            [RowInput(FLAT, texts, True if glued or plain else None)],
            syntax=syntax,
            units=units,
        )
        either = _two_readings(flat_tokens, n_flat)
        for row in spec.rows:
            if either:
                loc.cells[row.key] = _either_flat(spec, row, sol, flat_tokens, syntax, diags)
            else:
                loc.cells[row.key] = _solved(spec, row, sol, flat_tokens, diags)
    elif reader.flat_uncertain or plain:
        positions = [(r, c) for r in spec.rows for c in spec.columns]
        why = (
            "after a lone '|' that may be an empty cell or a row end"
            if reader.flat_uncertain
            else "separated by spaces only"
        )
        for cell in _unplaced(spec, positions, flat_tokens, syntax, diags, why):
            loc.cells.setdefault(cell.row, []).append(cell)


def _split_rows(reader: TableReader, loc: Located, units: dict[str, str]) -> None:
    """Rows with too few cells that ran together: split jointly by the table's rules."""
    spec, syntax, diags = reader.spec, reader.profile.values, reader.diags
    run_rows: dict[str, list[Token]] = {}
    for key, row_toks in loc.rows.items():
        present = [t for t in row_toks if t is not None]
        if (
            present
            and len(present) < reader.ncols
            and (
                any(t.glued for t in present)
                or needs_split(
                    [t.text for t in present],
                    reader.ncols,
                    glued=not all(t.explicit for t in present),
                )
            )
        ):
            run_rows[key] = present
    if not run_rows:
        return
    inputs = [
        RowInput(k, tuple(t.text for t in present), True if any(t.glued for t in present) else None)
        for k, present in run_rows.items()
    ] + [
        RowInput(k, tuple(t.text for t in toks if t is not None), False)
        for k, toks in loc.rows.items()
        if k not in run_rows and all(t is not None for t in toks)
    ]
    sol = solve_table(spec, inputs, syntax=syntax, units=units)
    for key, present in run_rows.items():
        row = spec.row(key)
        if _two_readings(present, reader.ncols):
            loc.cells[key] = _either(spec, row, sol, present, syntax, diags)
        else:
            loc.cells[key] = _solved(spec, row, sol, present, diags)


def _assemble(reader: TableReader, loc: Located, headers: dict[str, Token]) -> Table:
    """Assemble: one cell per row and column, in the profile's order."""
    spec, syntax, diags = reader.spec, reader.profile.values, reader.diags
    cells_out: list[Cell] = []
    replaced = {k for r in spec.rows if r.key in loc.rows for k in r.replaces}
    for row in spec.rows:
        toks = loc.rows.get(row.key)
        if toks is None:
            if row.optional:
                continue
            if row.key not in replaced:
                diags.append(
                    dg.make(
                        "GX203",
                        f"row {row.label!r} of table {spec.key!r} not found",
                        cells=tuple(CellRef(spec.key, row.key, c.key) for c in spec.columns),
                    )
                )
            for col in spec.columns:
                cells_out.append(_missing(spec, row, col))
            continue
        label_tok = loc.labels[row.key][2] if row.key in loc.labels else None
        if row.drift:
            diags.append(
                dg.make(
                    "GX303",
                    f"table {spec.key!r}: {row.drift}",
                    location=_loc(label_tok) if label_tok else None,
                )
            )
        short = [c for c, t in zip(spec.columns, toks, strict=True) if t is None]
        present = [t for t in toks if t is not None]
        if row.key in loc.cells:
            cells_out.extend(loc.cells[row.key])
            continue
        if short and present and not all(t.explicit for t in present):
            cells_out.extend(
                _unplaced(spec, [(row, c) for c in spec.columns], present, syntax, diags)
            )
            continue
        if short:
            diags.append(
                dg.make(
                    "GX204",
                    f"row {row.label!r} of table {spec.key!r} has {len(spec.columns) - len(short)} "
                    f"of {len(spec.columns)} cells; missing: {', '.join(c.label for c in short)}",
                    location=_loc(label_tok) if label_tok else None,
                    cells=tuple(CellRef(spec.key, row.key, c.key) for c in short),
                )
            )
        for col, tok in zip(spec.columns, toks, strict=True):
            if tok is None:
                cells_out.append(_missing(spec, row, col))
                continue
            cells_out.append(_cell(spec, row, col, tok, headers.get(col.key), syntax, diags))
    return _table(spec, True, cells_out)


def _unsure_cells(reader: TableReader, row: Row, u: Unsure, diags: list[Diagnostic]) -> list[Cell]:
    """Cells of a row whose line the text does not determine: ambiguous, with the values the
    candidate lines give each column (a line of the wrong length gives any of its values).

    A cell that every candidate line gives the same reading (the row surely has one of them)
    is determined all the same: it gets that reading, without a location (which line printed it
    is not known)."""
    spec, toks, syntax = reader.spec, reader.st.tokens, reader.profile.values
    out: list[Cell] = []
    whole = all(line is not None and len(line) == reader.ncols for line in u.candidates)
    for ci, col in enumerate(spec.columns):
        kind = row.type or col.type
        if whole and u.why != "conflict":
            readings = {
                (pv.status, pv.value, pv.unit, toks[line[ci]].text)
                for line in u.candidates
                if line is not None
                and (pv := parse_value(toks[line[ci]].text, kind, syntax, unit=col.unit))
            }
            if len(readings) == 1:
                status, value, unit, raw = readings.pop()
                if status in ("number", "placeholder", "blank"):
                    out.append(
                        Cell(
                            spec.key,
                            row.key,
                            col.key,
                            status,
                            value,
                            raw,
                            None,
                            row.label,
                            col.label,
                            unit,
                            (value,) if value is not None else (),
                        )
                    )
                    continue
        cands: list[Number] = []
        for line in u.candidates:
            if line is None:
                continue
            texts = [toks[t].text for t in line]
            pick = [texts[ci]] if len(texts) == reader.ncols else texts
            for text in pick:
                pv = parse_value(text, kind, syntax, unit=col.unit)
                got = (pv.value,) if pv.value is not None else pv.candidates
                cands.extend(c for c in got if c not in cands)
        out.append(_ambiguous(spec, row, col, sorted(cands)))
    tok = toks[u.occurrence.index]
    shown = "; ".join(
        "no values" if line is None else " ".join(toks[t].text for t in line)
        for line in u.candidates
    )
    code = "GX408" if u.why == "conflict" else "GX407"
    what = (
        "printed twice with different values"
        if u.why == "conflict"
        else "its values line is not determined by the order of the lines"
        + (" (too many ways to try the rules)" if u.why == "bound" else " and the rules")
    )
    diags.append(
        dg.make(
            code,
            f"table {spec.key!r}, row {row.label!r}: {what}; could be: {shown}",
            location=_loc(tok),
            cells=tuple(CellRef(spec.key, row.key, c.key) for c in spec.columns),
            # the rules narrowed the candidate lines: a cell they all agree on is read through
            # those rules, which therefore prove nothing about it (gxlib/verify.py)
            data={"resolved_by": sorted(r.id for r in spec.rules)} if u.why == "rules" else None,
        )
    )
    return out


def _two_readings(tokens: list[Token], n: int) -> bool:
    """Cells apart by spaces only, none glued to a label, each token able to be one cell: the
    row is either run together or short with empty cells the layout cannot show."""
    return (
        not any(t.glued for t in tokens)
        and not all(t.explicit for t in tokens)
        and not needs_split([t.text for t in tokens], n, glued=False)
    )


def _either(
    spec: TableSpec,
    row: Row,
    sol: TableSolution,
    tokens: list[Token],
    syntax: ValueSyntax,
    diags: list[Diagnostic],
) -> list[Cell]:
    """Both readings stay open: every cell ambiguous, candidates from both (never a guess)."""
    return _merge_readings(
        spec,
        _solved(spec, row, sol, tokens, []),
        _unplaced(spec, [(row, c) for c in spec.columns], tokens, syntax, []),
        diags,
    )


def _either_flat(
    spec: TableSpec,
    row: Row,
    sol: TableSolution,
    tokens: list[Token],
    syntax: ValueSyntax,
    diags: list[Diagnostic],
) -> list[Cell]:
    positions = [(r, c) for r in spec.rows for c in spec.columns]
    spread = [c for c in _unplaced(spec, positions, tokens, syntax, []) if c.row == row.key]
    return _merge_readings(spec, _solved(spec, row, sol, tokens, []), spread, diags)


def _merge_readings(
    spec: TableSpec, solved: list[Cell], spread: list[Cell], diags: list[Diagnostic]
) -> list[Cell]:
    out = []
    for a, b in zip(solved, spread, strict=True):
        unknown = a.status == "ambiguous" and not a.candidates
        cands = () if unknown else tuple(dict.fromkeys((*a.candidates, *b.candidates)))
        out.append(
            Cell(
                a.table,
                a.row,
                a.column,
                "ambiguous",
                None,
                None,
                a.location,
                a.row_label,
                a.column_label,
                None,
                cands,
            )
        )
    diags.append(
        dg.make(
            "GX402",
            f"table {spec.key!r}, row {solved[0].row_label!r}: cells apart by spaces only and too "
            "few of them: they ran together, or empty cells left no trace; both readings kept",
            location=solved[0].location,
            cells=tuple(CellRef(c.table, c.row, c.column) for c in out),
        )
    )
    return out


def _solved(
    spec: TableSpec, row: Row, sol: TableSolution, tokens: list[Token], diags: list[Diagnostic]
) -> list[Cell]:
    """Cells of a run-together row as the solver proved them (or left them ambiguous); one
    diagnostic per row for what was proved, one per row for what stays ambiguous."""
    out: list[Cell] = []
    proved: list[str] = []
    rules: set[str] = set()
    unsure: list[str] = []
    first_loc: Location | None = None
    for col in spec.columns:
        cs = sol.cell(row.key, col.key)
        tok = (
            tokens[cs.token_index]
            if cs.token_index is not None and cs.token_index < len(tokens)
            else None
        )
        raw = cs.source.part if cs.source is not None else None
        loc = None
        if tok is not None:
            off = tok.start + (cs.source.start if cs.source is not None else 0)
            loc = Location(off, tok.line, len(raw or tok.text), tok.page, tok.grid)
            first_loc = first_loc or loc
        if cs.status == "number" and cs.split:
            proved.append(f"{col.key}={cs.value}")
            rules.update(cs.resolved_by)
        elif cs.status == "ambiguous":
            cands = ", ".join(str(c) for c in dict.fromkeys(cs.candidates)) or "too many"
            unsure.append(f"{col.key} ∈ {{{cands}}}")
        elif cs.status == "invalid":
            diags.append(
                dg.make(
                    "GX401",
                    f"{spec.key}/{row.key}/{col.key}: {cs.note or 'run cannot be split'}",
                    location=loc,
                    cells=(CellRef(spec.key, row.key, col.key),),
                )
            )
        out.append(
            Cell(
                spec.key,
                row.key,
                col.key,
                cs.status,
                cs.value,
                raw,
                loc,
                row.label,
                col.label,
                None,
                tuple(dict.fromkeys(cs.candidates)),
            )
        )
    run = " ".join(t.text for t in tokens)
    where = f"table {spec.key!r}, row {row.label!r}"
    if proved:
        by = ", ".join(sorted(rules)) or "the length of the run alone"
        diags.append(
            dg.make(
                "GX404",
                f"{where}: cells ran together in {run!r}; read {', '.join(proved)}, proved by {by}",
                location=first_loc,
                cells=tuple(CellRef(spec.key, row.key, p.split("=")[0]) for p in proved),
                data={"resolved_by": sorted(rules)},
            )
        )
    if unsure:
        diags.append(
            dg.make(
                "GX402",
                f"{where}: cells ran together in {run!r}; not proved: {'; '.join(unsure)}",
                location=first_loc,
                cells=tuple(CellRef(spec.key, row.key, u.split(" ")[0]) for u in unsure),
            )
        )
    return out


def _unplaced(
    spec: TableSpec,
    positions: list[tuple[Row, Column]],
    present: list[Token],
    syntax: ValueSyntax,
    diags: list[Diagnostic],
    why: str = "separated by spaces only",
) -> list[Cell]:
    """Too few cells in a layout where empty cells leave no trace (cells separated by spaces
    only): which cells are empty is unknown, so none gets a value; each lists what it could
    hold (the values that could have shifted into its place)."""
    n, k = len(positions), len(present)
    gap = n - k
    out: list[Cell] = []
    for j, (row, col) in enumerate(positions):
        kind = row.type or col.type
        cands: list[Number] = []
        for i in range(max(0, j - gap), min(k - 1, j) + 1):
            pv = parse_value(present[i].text, kind, syntax, unit=col.unit)
            if pv.status == "number" and pv.value is not None and pv.value not in cands:
                cands.append(pv.value)
        out.append(_ambiguous(spec, row, col, cands))
    rows = ", ".join(dict.fromkeys(repr(r.label) for r, _ in positions))
    diags.append(
        dg.make(
            "GX402",
            f"table {spec.key!r}, row {rows}: {k} of {n} cells, separated by spaces only; which "
            "cells are empty cannot be told, so none is placed",
            location=_loc(present[0]),
            cells=tuple(CellRef(spec.key, r.key, c.key) for r, c in positions),
        )
    )
    return out


def _table(spec: TableSpec, found: bool, cells: list[Cell]) -> Table:
    rows = tuple(dict.fromkeys(c.row for c in cells)) or tuple(
        r.key for r in spec.rows if not r.optional
    )
    return Table(
        spec.key, spec.title, found, tuple(cells), rows, tuple(c.key for c in spec.columns)
    )


def _missing(spec: TableSpec, row: Row, col: Column) -> Cell:
    return Cell(spec.key, row.key, col.key, "missing", row_label=row.label, column_label=col.label)


def _cell(
    spec: TableSpec,
    row: Row,
    col: Column,
    tok: Token,
    header: Token | None,
    syntax: ValueSyntax,
    diags: list[Diagnostic],
) -> Cell:
    kind = row.type or col.type
    unit = None
    source: str = "default"
    if kind == "money":
        hu = find_unit(header.text, syntax) if header is not None else None
        if hu is not None:
            unit, source = hu, "header"
        else:
            unit = col.unit
    # straight to the cached reading: kinds were validated with the profile
    pv = cached_reading(tok.text, kind, syntax, unit, "header" if source == "header" else "default")
    loc = Location(tok.start, tok.line, len(tok.text), tok.page, tok.grid)
    if pv.status != "number" or pv.note:
        _value_diagnostic(spec, row, col, tok, kind, pv, loc, diags)
    return Cell(
        spec.key,
        row.key,
        col.key,
        pv.status,
        pv.value,
        tok.text,
        loc,
        row.label,
        col.label,
        pv.unit,
        pv.candidates,
    )


def _value_diagnostic(
    spec: TableSpec,
    row: Row,
    col: Column,
    tok: Token,
    kind: str,
    pv: ParsedValue,
    loc: Location,
    diags: list[Diagnostic],
) -> None:
    ref = (CellRef(spec.key, row.key, col.key),)
    where = f"{spec.key}/{row.key}/{col.key} (line {tok.line})"
    if pv.status == "invalid":
        diags.append(
            dg.make(
                "GX401",
                f"{where}: {tok.text!r} is not a {kind}: {pv.note}",
                location=loc,
                cells=ref,
            )
        )
    elif pv.status == "ambiguous":
        cands = ", ".join(str(c) for c in pv.candidates)
        diags.append(
            dg.make(
                "GX402",
                f"{where}: {tok.text!r} is ambiguous ({pv.note}); candidates: {cands}",
                location=loc,
                cells=ref,
                data={"candidates": [str(c) for c in pv.candidates]},
            )
        )
    elif pv.status == "number" and pv.note:
        diags.append(dg.make("GX403", f"{where}: {pv.note}", location=loc, cells=ref))


def _label_diagnostics(
    spec: TableSpec, label_for: dict[str, tuple[Label, Match, Token]], diags: list[Diagnostic]
) -> None:
    for _key, (lab, m, tok) in label_for.items():
        if m.how == "exact" or m.how == "compound":
            continue
        if m.how == "drift":
            drift = next((lb for lb in m.labels if lb.drift), lab)
            diags.append(
                dg.make(
                    "GX303",
                    f"table {spec.key!r}: {tok.text!r} is the wording of another template "
                    f"version; read as {drift.text!r}",
                    location=_loc(tok),
                    cells=tuple(CellRef(spec.key, lab.key, c.key) for c in spec.columns),
                )
            )
        elif m.how == "variant":
            diags.append(
                dg.make(
                    "GX301",
                    f"table {spec.key!r}: {tok.text!r} read as {lab.text!r} "
                    "(differs in punctuation or numbering)",
                    location=_loc(tok),
                )
            )
        elif m.how == "fuzzy":
            diags.append(
                dg.make(
                    "GX302",
                    f"table {spec.key!r}: {tok.text!r} read as {lab.text!r} "
                    f"({m.distance} character(s) differ)",
                    location=_loc(tok),
                    cells=tuple(CellRef(spec.key, lab.key, c.key) for c in spec.columns),
                )
            )


def read_tables(
    profile: Profile, by_section: dict[str, SectionTokens], diags: list[Diagnostic]
) -> Sequence[Table]:
    return [read_table(profile, t, by_section.get(t.section), diags) for t in profile.tables]


__all__ = [
    "SectionTokens",
    "compile_labels",
    "read_table",
    "read_tables",
    "section_tokens",
    "value_predicate",
]
