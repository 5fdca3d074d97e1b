"""Reading table rows whose cells ran together, by the table's own arithmetic.

Crawler text dumps often drop the separators between a table's cells, so that a row
arrives as one string of digits: 「行政许可3960181」 is 396 | 0 | 181, and
「一、本年新收政府信息公开申请数量230 000023」 is 23 0 0 0 0 0 23. This module finds every
way such a row can be cut into the row's cells and keeps the cuts that the table's rules
(勾稽关系) allow. It proves values and never guesses: a cell gets a value only when every
surviving reading of the table agrees on it; otherwise it is ``ambiguous``
and carries its candidates.

It knows nothing about any format. Columns, their value types (``row.type or column.type``),
rows and rules come from the profile's :class:`~gxlib.profiles.model.Table`; every piece of a run
is read with the semantics of :func:`gxlib.values.parse_value` under the profile's
:class:`~gxlib.profiles.model.ValueSyntax` (no leading zeros except a lone ``0``, a sign only in a
``signed_count`` column, a decimal point only in a ``money`` column, money converted with the
column's unit or reported with one candidate per unit factor when no unit is known).

API
---
``needs_split(tokens, n_columns)``
    Whether a row's value tokens look run together (see its docstring for the exact test).
``row_splits(tokens, kinds, syntax, units=None, limit=DEFAULT_LIMIT)``
    Every reading of one row's tokens as ``len(kinds)`` cells, ignoring rules; ``None`` when more
    than ``limit`` splits exist. A token is one or more whole cells; cells never span tokens.
``solve_table(table, rows, syntax=..., units=None, limit=..., budget=...)``
    Reads the given rows (:class:`RowInput`: a row key and the value tokens that followed its
    label) jointly under all of the table's rules and returns a :class:`TableSolution` with one
    :class:`CellSolution` per cell of every given row. A row whose tokens are its cells one to
    one is not split: its cells are read with ``parse_value`` as they stand and still constrain
    the others. ``RowInput.key`` may be :data:`FLAT` for a ``layout = "flat"`` table: the tokens
    then hold all of the table's cells, row after row.

What a :class:`CellSolution` says (``split`` tells whether its row was read as run together):

* ``status == "number"``: ``value`` is proved; ``candidates == (value,)``; ``resolved_by`` names
  the rules that eliminated other readings of the cell (empty: the text allows only this one).
* ``status == "ambiguous"``: ``value is None``; ``candidates`` holds, ascending, every value the
  cell takes in some reading that survived (a sound over-approximation when the joint search was
  bounded: the true value is always among them). ``non_numeric`` is set when a surviving reading
  makes the cell a placeholder or another non-number. **An empty ``candidates`` (without
  ``non_numeric``) means "unknown set"**: the row had too many readings to enumerate within
  ``limit``/``budget``. A token read as an amount of unknown unit contributes one candidate
  per unit factor and never makes its cell a ``number``.
* a row whose run has readings but none consistent with its rules keeps, as ``number``, only
  the cells that every way to cut the run gives the same value (proved by the text alone).
* other statuses (``blank``, ``placeholder``, ``invalid``, ``missing``) as in
  :mod:`gxlib.values`; a run that cannot be cut into the row's cells at all makes its cells
  ``invalid``.
* ``note`` is the text for a diagnostic (how the cell was resolved, or its candidates).

:class:`TableSolution` also lists ``rows_without_split`` (rows whose run has readings but none
consistent with the rules, or none at all: reported, not guessed), ``unused_rules`` (rule
instances that no reading of the rows satisfies, so they were not used to resolve anything) and
``exhausted`` (a search bound was hit; whatever was left unresolved is ambiguous, never guessed).

Resolution rests on the premise that the report's own arithmetic holds: a value is proved in the
sense "the only reading under which the named rules hold". A rule that provably cannot hold is
dropped and listed, never used.

Algorithm and bounds
--------------------
1. Each given row becomes a *line*: a sequence of cell positions and of characters (a run's
   characters, or one opaque position per token that is not a run). A cell is a piece of one
   token; counting DPs over (cell, position) give the number of splits in O(cells x chars) — the
   valid ends of a piece form at most three ranges, so prefix sums make each step O(1).
2. Rules are expanded into linear equations over cells (globs, ``only``, and rows with
   ``replaces`` standing in for the rows they replace, as in :mod:`gxlib.checks`). Equations
   within one line prune that line's split search; the others link lines.
3. Per line, a depth-first search cuts one cell at a time — from the right when the line's
   equations have their lone term (a total) last, so the total is known before its parts — and
   prunes with interval and digit-length bounds: when the unassigned terms of an equation all
   have one sign, each is at most the residual (so its length is capped), the longest is at
   least residual / count, and the caps must cover the remaining characters; a term that is the
   last unknown of its equation is pinned to one value, found by a string comparison. The last
   (at most three) cells meet the search in the middle: all their fillings of the remaining
   characters are tabulated once per position, keyed by their contribution to an equation, and
   the residual is looked up — the same tail is reached from many cuts of the cells before it.
   A node and a candidate piece each cost one step. More than ``limit`` surviving splits, or
   running out of steps, leaves the row unknown (``exhausted`` is set; its cells get the
   length-only candidates when there are few).
4. Across lines: generalised arc consistency on every linking equation (support of a line's
   contribution against the sumset of the others', an interval when the sumset would exceed
   4096 values), to a fixed point; then, for every value not yet seen in a full solution, a
   bounded backtracking search for one, so that candidates are exactly the values of consistent
   assignments. If the joint search runs out of budget, the propagated domains are kept (sound
   over-approximation). An equation that wipes out a domain, or a joint search without any
   solution, means the rules cannot all hold: the offending equations are dropped (listed in
   ``unused_rules``) and propagation restarts from the per-line domains.

Bounds: ``budget`` steps per row search, ``4 * budget`` for all of a table's row searches
together, ``budget`` for the joint search; O(cells x chars) for the counting DPs. A step costs a
few microseconds (more for pieces hundreds of digits long: big-integer arithmetic), so a table
costs at most about a second whatever the text, and a row needs far fewer steps in practice:
a requests row with 5-digit values in all seven columns (36 digits) takes ~20k steps, one with
7-digit values ~90k (beyond the default: then it is left ambiguous). Longer junk runs exhaust
the budget quickly and are reported as unknown.
"""

from __future__ import annotations

import unicodedata
from collections import deque
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Final, Literal

from attrs import frozen

from gxlib.profiles.loading import expand_terms
from gxlib.profiles.model import Table, ValueSyntax, ValueType
from gxlib.values import Number, ParsedValue, Status, parse_value

__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_LIMIT",
    "FLAT",
    "CellSolution",
    "RowInput",
    "RunCell",
    "TableSolution",
    "needs_split",
    "row_splits",
    "solve_table",
]

FLAT: Final = "*"
"""``RowInput.key`` for the whole cell sequence of a flat table (all rows, in order)."""

DEFAULT_LIMIT: Final = 10_000
"""Most splits of one row that are enumerated; beyond it the row is left unknown."""

DEFAULT_BUDGET: Final = 60_000
"""Search steps for one row (a table's rows share ``4 *`` this), and for the joint search."""

MAX_PART_DIGITS: Final = 1000
"""Longest digit string read as one cell (as :func:`gxlib.values.parse_value` refuses longer)."""

_MAX_PART_CHARS = MAX_PART_DIGITS + 2  # a sign or a decimal point besides the digits
_MAX_LINE_CHARS = 20_000  # the DP tables are cells x chars; far beyond any real row
_SUMSET_CAP = 4096
_TAIL_CELLS = 3  # tabulate the fillings of the last cells of a search, at most this many…
_TAIL_MAX = 2048  # …and when they can be filled in at most this many ways
_POOL_FACTOR = 4  # a table's row searches share this many times the per-row budget
_SPAN_CAP = 500  # most (start, end) pieces listed per cell for length-only candidates
_MAX_NOTE_PARTS = 12

_DIGITS = frozenset("0123456789")
_SIGNS = frozenset("+-\u2212")
_RUN_CHARS = _DIGITS | _SIGNS | {"."}
_ATOM = "\x00"  # one position standing for a token that is a single cell whatever it says

_DEFAULT_SYNTAX = ValueSyntax()

Reading = Number | None
"""A cell's value in one reading; None when the piece is not a number (placeholder, blank…)."""
_Exact = int | Fraction
_Span = tuple[int, int]
_Split = tuple[tuple[Reading, ...], tuple[_Span, ...]]
_Tail = tuple[tuple[Reading, ...], tuple[_Span, ...]]  # readings of the cells left, in order
_UnitSource = Literal["header", "default"]


# -- public data ---------------------------------------------------------------------------------


@frozen
class RunCell:
    """Where a cell's characters are: ``text[start:end]`` of input token ``token_index``."""

    token_index: int
    text: str
    """The raw text of the whole token (a run, or a normal cell)."""
    start: int
    end: int

    @property
    def part(self) -> str:
        return self.text[self.start : self.end]


@frozen
class RowInput:
    """One row as read from the text: its key and the value tokens after its label, in order.

    A token is one or more whole cells (``"3960181"``, or ``"230"`` and ``"000023"`` when the
    text had a space there); there may be fewer tokens than columns. ``split`` forces the
    decision (True: read as run together, False: tokens are cells); None asks
    :func:`needs_split`.
    """

    key: str
    tokens: tuple[str, ...]
    split: bool | None = None


@frozen
class CellSolution:
    row: str
    column: str
    status: Status
    value: Number | None = None
    candidates: tuple[Number, ...] = ()
    """Every surviving value, ascending; ``(value,)`` when resolved. Empty for an ambiguous
    cell means "unknown set" — unless ``non_numeric``: then no surviving reading is a number."""
    token_index: int | None = None
    """The input token the cell came from; None when surviving readings disagree or none."""
    source: RunCell | None = None
    """The cell's characters, when every surviving reading takes them from the same place."""
    resolved_by: tuple[str, ...] = ()
    """Rule ids that eliminated other readings of this cell (empty: forced by the text)."""
    split: bool = False
    """The row was read as run together (else its tokens were its cells)."""
    non_numeric: bool = False
    """A surviving reading makes this cell something other than a number."""
    note: str | None = None


@frozen(eq=False)
class TableSolution:
    table: str
    cells: dict[tuple[str, str], CellSolution]
    rows_without_split: tuple[str, ...] = ()
    split_rows: tuple[str, ...] = ()
    unused_rules: tuple[tuple[str, str], ...] = ()
    """``(rule id, row or column)`` instances that no reading satisfies; not used."""
    exhausted: bool = False

    def cell(self, row: str, column: str) -> CellSolution:
        return self.cells[(row, column)]


# -- tokens ----------------------------------------------------------------------------------------


def _as_run(raw: str) -> tuple[str, int] | None:
    """``(text, offset in raw)`` when the token can be cut into cells, else None (one cell).

    A run is digits, signs and decimal points only (after NFKC, which must not change its
    length so that positions map back to ``raw``), with at least one digit.
    """
    stripped = raw.strip()
    if not stripped:
        return None
    norm = unicodedata.normalize("NFKC", stripped)
    if len(norm) != len(stripped) or not _RUN_CHARS.issuperset(norm) or _DIGITS.isdisjoint(norm):
        return None
    return norm, len(raw) - len(raw.lstrip())


def _one_cell(run: str) -> bool:
    """Can this run be a single cell of some value type?"""
    body = run[1:] if run[:1] in _SIGNS else run
    whole, dot, frac = body.partition(".")
    if dot and (run[:1] in _SIGNS or not frac or not frac.isdigit()):
        return False
    return bool(whole) and whole.isdigit() and (whole == "0" or whole[0] != "0")


def needs_split(tokens: Sequence[str], n_columns: int, *, glued: bool = True) -> bool:
    """Do these tokens hold more cells than tokens?

    True when there are fewer tokens than columns, the tokens have enough characters for all the
    columns, and the text shows that cells ran together: either the row is a single run
    (「行政许可3960181」) or some token cannot be one cell but can be several (``"000023"``,
    ``"12+5"``). A row of fewer tokens that are each a valid cell (``"12 3"`` for three
    columns) is *not* split: a dropped blank cell looks the same, and guessing between the two
    would be a silent wrong number. Callers that know better (no separator between the label and
    the digits) can say so with ``RowInput(split=True)``; ``glued=False`` says the text has cell
    separators, so a single token is split only when it cannot be one cell (a truncated row
    「行政处罚 | 100 |」 is one cell, not 1 | 0 | 0).
    """
    if n_columns < 2 or not tokens or len(tokens) >= n_columns:
        return False
    runs = [_as_run(t) for t in tokens]
    if sum(len(r[0]) if r else 1 for r in runs) < n_columns:
        return False
    if len(tokens) == 1:
        # Without separators (glued to its label) one token is the whole row; where cells have
        # separators, one token is one cell (the others are missing) unless it can't be one.
        return runs[0] is not None and (glued or not _one_cell(runs[0][0]))
    return any(r is not None and not _one_cell(r[0]) for r in runs)


# -- arithmetic helpers ---------------------------------------------------------------------------

_POW10: list[int] = [1]


def _pow10(d: int) -> int:
    while len(_POW10) <= d:
        _POW10.append(_POW10[-1] * 10)
    return _POW10[d]


def _ndigits(x: int) -> int:
    """Decimal digits of x >= 0 without converting a big number to text."""
    if x < 10**18:
        return len(str(x))
    d = ((x.bit_length() - 1) * 30102) // 100000 + 1  # never more than the true count
    while x >= _pow10(d):
        d += 1
    return d


def _exact(v: Number) -> _Exact:
    # Decimal arithmetic rounds to the context precision; rules must be checked exactly.
    return v if isinstance(v, int) else Fraction(v)


# -- a line: one unit of splitting -----------------------------------------------------------------


class _Line:
    """A row (or a flat table) as positions: cells to fill, and the characters that fill them."""

    def __init__(
        self,
        key: str,
        cells: list[tuple[str, str]],
        kinds: list[ValueType],
        units: list[tuple[str | None, _UnitSource]],
        tokens: Sequence[str],
        syntax: ValueSyntax,
        split: bool,
    ) -> None:
        self.key = key
        self.cells = cells
        self.kinds = kinds
        self.units = units
        self.tokens = tuple(tokens)
        self.syntax = syntax
        self.split = split
        chars: list[str] = []
        tok_of: list[int] = []
        raw_off: list[int] = []
        seg_end: list[int] = []
        for ti, raw in enumerate(self.tokens):
            run = _as_run(raw) if split else None
            start = len(chars)
            if run is None:
                chars.append(_ATOM)
                tok_of.append(ti)
                raw_off.append(0)
            else:
                text, lead = run
                chars.extend(text)
                tok_of.extend([ti] * len(text))
                raw_off.extend(range(lead, lead + len(text)))
            seg_end.extend([len(chars)] * (len(chars) - start))
        self.text = "".join(chars)
        self.size = len(chars)
        self.tok_of = tok_of
        self.raw_off = raw_off
        self.seg_end = seg_end
        n = self.size
        dig_end = [0] * (n + 1)
        dig_end[n] = n
        for p in range(n - 1, -1, -1):
            if self.text[p] in _DIGITS:
                nxt = p + 1
                dig_end[p] = dig_end[nxt] if nxt < seg_end[p] and self.text[nxt] in _DIGITS else nxt
            else:
                dig_end[p] = p
        self.dig_end = dig_end
        classes: dict[tuple[ValueType, str | None, _UnitSource], int] = {}
        self.cls = [
            classes.setdefault((k, u[0], u[1]), len(classes))
            for k, u in zip(kinds, units, strict=True)
        ]
        self._ends: dict[tuple[int, int], tuple[_Span, ...]] = {}
        self._lone: dict[tuple[ValueType, str], bool] = {}
        self._atoms: dict[tuple[int, int], ParsedValue] = {}
        self._money: dict[tuple[int, int, int], tuple[Reading, ...]] = {}
        # Non-numbers deactivate rules, so bounds that assume numbers must not be used.
        self.may_be_none = _ATOM in self.text or any(
            self._lone_sign(k, ch) for k in set(kinds) for ch in _SIGNS & set(self.text)
        )
        self.fwd: list[list[int]] = []
        self.bwd: list[list[int]] = []

    # -- pieces -------------------------------------------------------------------------------
    def _lone_sign(self, kind: ValueType, ch: str) -> bool:
        key = (kind, ch)
        if key not in self._lone:
            self._lone[key] = parse_value(ch, kind, self.syntax).status == "placeholder"
        return self._lone[key]

    def _uint_ends(self, d: int, limit: int) -> list[_Span]:
        if self.text[d] == "0":
            return [(d + 1, d + 1)]
        return [(d + 1, min(self.dig_end[d], limit))]

    def ends(self, c: int, s: int) -> tuple[_Span, ...]:
        """Ranges ``(lo, hi)`` of ends e such that ``text[s:e]`` is a valid piece for cell c."""
        key = (self.cls[c], s)
        got = self._ends.get(key)
        if got is not None:
            return got
        kind = self.kinds[c]
        ch = self.text[s]
        se = self.seg_end[s]
        out: list[_Span] = []
        if ch == _ATOM:
            out.append((s + 1, s + 1))
        elif ch in _DIGITS:
            if kind == "money":
                int_end = s + 1 if ch == "0" else self.dig_end[s]
                out.append((s + 1, min(int_end, s + MAX_PART_DIGITS)))
                f = int_end + 1
                if (
                    int_end < se
                    and self.text[int_end] == "."
                    and f < se
                    and self.text[f] in _DIGITS
                ):
                    hi = min(self.dig_end[f], s + MAX_PART_DIGITS + 1)
                    if hi >= f + 1:
                        out.append((f + 1, hi))
            else:
                out.extend(self._uint_ends(s, s + MAX_PART_DIGITS))
        elif ch in _SIGNS:
            if self._lone_sign(kind, ch):
                out.append((s + 1, s + 1))
            d = s + 1
            if kind == "signed_count" and d < se and self.text[d] in _DIGITS:
                out.extend(self._uint_ends(d, d + MAX_PART_DIGITS))
        result = tuple(sorted(out))
        self._ends[key] = result
        return result

    def valid(self, c: int, s: int, e: int) -> bool:
        return any(lo <= e <= hi for lo, hi in self.ends(c, s))

    def atom(self, c: int, s: int) -> ParsedValue:
        key = (self.cls[c], s)
        pv = self._atoms.get(key)
        if pv is None:
            unit, source = self.units[c]
            pv = parse_value(
                self.tokens[self.tok_of[s]],
                self.kinds[c],
                self.syntax,
                unit=unit,
                unit_source=source,
            )
            self._atoms[key] = pv
        return pv

    def values(self, c: int, s: int, e: int) -> tuple[Reading, ...]:
        """The readings of piece ``[s, e)`` in cell c (several only for money of unknown unit)."""
        if self.text[s] == _ATOM:
            pv = self.atom(c, s)
            if pv.status == "number":
                return (pv.value,)
            # an amount without a unit: one reading per factor (never proved: see uncertain())
            return pv.candidates if pv.status == "ambiguous" and pv.candidates else (None,)
        part = self.text[s:e]
        if e - s == 1 and part in _SIGNS:
            return (None,)  # a placeholder, as ends() allowed it
        kind = self.kinds[c]
        if kind == "money":
            key = (self.cls[c], s, e)
            got = self._money.get(key)
            if got is None:
                unit, source = self.units[c]
                pv = parse_value(part, "money", self.syntax, unit=unit, unit_source=source)
                if pv.status == "number":
                    got = (pv.value,)
                elif pv.status == "ambiguous":
                    got = pv.candidates  # one per unit factor: the true one is among them
                else:
                    got = ()
                self._money[key] = got
            return got
        if part[0] in _SIGNS:
            v = int(part[1:])
            return (v if part[0] == "+" else -v,)
        return (int(part),)

    def uncertain(self, c: int, spans: Sequence[_Span] | None = None) -> bool:
        """Can cell c be a token that parse_value finds ambiguous (in one of these places)?"""
        if _ATOM not in self.text:
            return False
        if spans is None:
            places = [
                s
                for s in range(self.size)
                if self.text[s] == _ATOM and self.bwd[c][s] and self.fwd[c + 1][s + 1]
            ]
        else:
            places = [s for s, _ in spans if self.text[s] == _ATOM]
        return any(self.atom(c, s).status == "ambiguous" for s in places)

    def part_text(self, span: _Span) -> str:
        s, e = span
        if self.text[s] == _ATOM:
            return self.tokens[self.tok_of[s]].strip()
        return self.text[s:e]

    def run_cell(self, span: _Span) -> RunCell:
        s, e = span
        ti = self.tok_of[s]
        raw = self.tokens[ti]
        if self.text[s] == _ATOM:
            return RunCell(ti, raw, 0, len(raw))
        return RunCell(ti, raw, self.raw_off[s], self.raw_off[e - 1] + 1)

    # -- counting -----------------------------------------------------------------------------
    def count(self) -> int:
        """Fill the counting tables; returns the number of splits (ignoring rules)."""
        n, size = len(self.cells), self.size
        fwd = [[0] * (size + 1) for _ in range(n + 1)]
        fwd[n][size] = 1
        for c in range(n - 1, -1, -1):
            nxt = fwd[c + 1]
            pre = [0] * (size + 2)
            acc = 0
            for p in range(size + 1):
                pre[p] = acc
                acc += nxt[p]
            pre[size + 1] = acc
            row = fwd[c]
            for p in range(size):
                tot = 0
                for lo, hi in self.ends(c, p):
                    tot += pre[hi + 1] - pre[lo]
                row[p] = tot
        bwd = [[0] * (size + 1) for _ in range(n + 1)]
        bwd[0][0] = 1
        for c in range(n):
            diff = [0] * (size + 2)
            cur = bwd[c]
            for s in range(size):
                w = cur[s]
                if w:
                    for lo, hi in self.ends(c, s):
                        diff[lo] += w
                        diff[hi + 1] -= w
            acc = 0
            row = bwd[c + 1]
            for p in range(size + 1):
                acc += diff[p]
                row[p] = acc
        self.fwd, self.bwd = fwd, bwd
        return fwd[0][0]

    def length_readings(self, c: int, cap: int, enough: int | None = None) -> set[Reading] | None:
        """Every reading of cell c in some split, ignoring rules; None past ``cap`` pieces.

        With ``enough``, stops as soon as that many distinct readings are found. The scan is
        bounded too (pieces that no split uses), so this costs O(cap) whatever the line.
        """
        out: set[Reading] = set()
        pieces = 0
        scanned = 0
        before, after = self.bwd[c], self.fwd[c + 1]
        for s in range(self.size):
            if not before[s]:
                continue
            for lo, hi in self.ends(c, s):
                scanned += hi - lo + 1
                if scanned > cap * 16:
                    return None
                for e in range(lo, hi + 1):
                    if after[e]:
                        pieces += 1
                        if pieces > cap:
                            return None
                        out.update(self.values(c, s, e))
                        if enough is not None and len(out) >= enough:
                            return out
        return out


# -- equations -------------------------------------------------------------------------------------


@frozen
class _Eq:
    """``sum(coef * cell) == 0`` for one instance (a row or a column) of one rule."""

    rule: str
    instance: str
    terms: tuple[tuple[tuple[str, str], int], ...]


def _equations(table: Table, present: Sequence[str]) -> list[_Eq]:
    have = set(present)
    row_keys = [r.key for r in table.rows]
    col_keys = [c.key for c in table.columns]
    stand_in: dict[str, str] = {}
    unclear: set[str] = set()
    for r in table.rows:
        if r.replaces and r.key in have:
            if any(k in have for k in r.replaces):
                # both the stand-in and the rows it replaces: which one a rule means is unclear
                unclear.add(r.key)
                unclear.update(r.replaces)
            else:
                for k in r.replaces:
                    stand_in[k] = r.key

    def side(terms: tuple[str, ...]) -> list[str] | None:
        out: list[str] = []
        for k in expand_terms(terms, row_keys):
            if k in unclear:
                return None
            k = stand_in.get(k, k)
            if k not in out:
                out.append(k)
        return out

    eqs: list[_Eq] = []

    def add(
        rule: str, inst: str, plus: list[tuple[str, str]], minus: list[tuple[str, str]]
    ) -> None:
        coefs: dict[tuple[str, str], int] = {}
        for cell in plus:
            coefs[cell] = coefs.get(cell, 0) + 1
        for cell in minus:
            coefs[cell] = coefs.get(cell, 0) - 1
        terms = tuple((cell, k) for cell, k in coefs.items() if k)
        if terms:
            eqs.append(_Eq(rule, inst, terms))

    for rule in table.rules:
        if rule.each == "row":
            left = expand_terms(rule.left, col_keys)
            right = expand_terms(rule.right, col_keys)
            for row in row_keys:
                if row in have and (not rule.only or row in rule.only):
                    add(rule.id, row, [(row, c) for c in left], [(row, c) for c in right])
        else:
            lrows, rrows = side(rule.left), side(rule.right)
            if lrows is None or rrows is None:
                continue
            for col in col_keys:
                if not rule.only or col in rule.only:
                    add(rule.id, col, [(r, col) for r in lrows], [(r, col) for r in rrows])
    return eqs


# -- the search within one line --------------------------------------------------------------------


class _Stop(Exception):
    def __init__(self, why: Literal["limit", "budget"]) -> None:
        super().__init__(why)
        self.why = why


class _Budget:
    __slots__ = ("left",)

    def __init__(self, steps: int) -> None:
        self.left = steps

    def tick(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _Stop("budget")


class _Search:
    """Depth-first enumeration of one line's splits that satisfy its own equations."""

    def __init__(
        self,
        line: _Line,
        eqs: list[tuple[str, list[tuple[int, int]]]],
        limit: int,
        budget: _Budget,
    ) -> None:
        self.line = line
        self.eqs = eqs
        self.limit = limit
        self.budget = budget
        n = len(line.cells)
        self.n = n
        votes = 0
        for _rule, terms in eqs:
            plus = [c for c, k in terms if k > 0]
            minus = [c for c, k in terms if k < 0]
            lone = plus if len(plus) == 1 else minus if len(minus) == 1 else []
            if len(terms) > 1 and lone:
                idx = [c for c, _ in terms]
                votes += (lone[0] == max(idx)) - (lone[0] == min(idx))
        # Cut the total before its parts: its value then bounds every part.
        self.rtl = votes > 0
        order = list(range(n - 1, -1, -1)) if self.rtl else list(range(n))
        rank = {c: t for t, c in enumerate(order)}
        self.unassigned: list[list[list[tuple[int, int]]]] = []
        self.pos: list[list[int]] = []
        self.neg: list[list[int]] = []
        self.boundable: list[bool] = []
        for _rule, terms in eqs:
            per_t = [[(c, k) for c, k in terms if rank[c] >= t] for t in range(n + 1)]
            self.unassigned.append(per_t)
            self.pos.append([sum(k for _, k in u if k > 0) for u in per_t])
            self.neg.append([sum(-k for _, k in u if k < 0) for u in per_t])
            self.boundable.append(
                not line.may_be_none and all(line.kinds[c] == "count" for c, _ in terms)
            )
        self.cell_eqs: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        for ei, (_rule, terms) in enumerate(eqs):
            for c, k in terms:
                self.cell_eqs[c].append((ei, k))
        self.res: list[_Exact] = [0] * len(eqs)
        self.nones = [0] * len(eqs)
        self.vals: list[Reading] = [None] * n
        self.spans: list[_Span] = [(0, 0)] * n
        self.found: list[_Split] = []
        self.pruned_by: set[str] = set()
        # the equation indexing a tail table at depth t: the one with most terms still open
        self.table_eq: list[int | None] = []
        for t in range(n + 1):
            best = max(range(len(eqs)), key=lambda ei: len(self.unassigned[ei][t]), default=None)
            ok = best is not None and len(self.unassigned[best][t]) > 0
            self.table_eq.append(best if ok else None)
        self.tables: dict[tuple[int, int], dict[_Exact | None, list[_Tail]]] = {}

    def run(self) -> list[_Split]:
        if self.rtl:
            self._rtl(0, self.line.size)
        else:
            self._ltr(0, 0)
        return self.found

    def _fail(self, ei: int) -> None:
        self.pruned_by.add(self.eqs[ei][0])

    def _bounds(self, t: int, r: int) -> tuple[dict[int, int], dict[int, int]] | None:
        """Length caps and pinned values for the unassigned cells; None if nothing can fit."""
        self.budget.tick()  # a node costs about as much as all the pieces tried from it
        k = self.n - t
        maxlen = r - (k - 1)
        caps: dict[int, int] = {}
        pins: dict[int, int] = {}
        capping: list[int] = []
        nones, res_all, boundable = self.nones, self.res, self.boundable
        for ei, per_t in enumerate(self.unassigned):
            if nones[ei]:
                continue  # a non-number makes the rule uncheckable in this reading
            u = per_t[t]
            res = res_all[ei]
            if not u:
                if res != 0:
                    self._fail(ei)
                    return None
                continue
            if not boundable[ei]:
                continue
            assert isinstance(res, int)
            pos, neg = self.pos[ei][t], self.neg[ei][t]
            if pos and neg:
                if res == 0 or _ndigits(abs(res)) <= maxlen:
                    continue  # |res| < 10**maxlen: one term of each sign can absorb it
                m = _pow10(maxlen) - 1
                if res > neg * m or -res > pos * m:
                    self._fail(ei)
                    return None
                continue
            total = res if neg else -res  # the unassigned terms, all of one sign, sum to this
            if total < 0:
                self._fail(ei)
                return None
            if len(u) == 1 or total == 0:
                for c, coef in u:
                    q, rem = divmod(total, abs(coef)) if len(u) == 1 else (0, 0)
                    if rem or pins.get(c, q) != q:
                        self._fail(ei)
                        return None
                    pins[c] = q
            digits = _ndigits(total)
            if total and _ndigits(-(-total // (pos or neg))) > maxlen:
                self._fail(ei)
                return None
            capping.append(ei)
            for c, coef in u:
                cap = digits if coef in (1, -1) else _ndigits(total // abs(coef))
                if cap < caps.get(c, maxlen + 1):
                    caps[c] = cap
        if caps:
            # uncapped cells can take maxlen characters each
            cover = maxlen * k - sum(maxlen - cap for cap in caps.values() if cap < maxlen)
            if cover < r:
                for ei in capping:
                    self._fail(ei)
                return None
        return caps, pins

    def _remaining(self, t: int) -> range:
        return range(0, self.n - t) if self.rtl else range(t, self.n)

    def _record(self) -> None:
        if len(self.found) >= self.limit:
            raise _Stop("limit")
        self.found.append((tuple(self.vals), tuple(self.spans)))

    def _set(self, c: int, v: Reading, sign: int) -> None:
        ev = None if v is None else _exact(v)
        for ei, k in self.cell_eqs[c]:
            if ev is None:
                self.nones[ei] += sign
            else:
                self.res[ei] += sign * k * ev

    def _try(self, c: int, s: int, e: int, t: int) -> None:
        for v in self.line.values(c, s, e):
            self.vals[c] = v
            self.spans[c] = (s, e)
            self._set(c, v, 1)
            if self.rtl:
                self._rtl(t + 1, s)
            else:
                self._ltr(t + 1, e)
            self._set(c, v, -1)

    # -- tail tables (meet in the middle) ------------------------------------------------------
    def _tail(self, t: int, p: int) -> bool:
        """Finish the node from a table of all fillings of the rest; False if not worth it."""
        k = self.n - t
        ei = self.table_eq[t]
        if not 2 <= k <= _TAIL_CELLS or ei is None:
            return False
        line = self.line
        ways = line.bwd[k][p] if self.rtl else line.fwd[t][p]
        if ways > _TAIL_MAX:
            return False
        # The same tail is reached from many cuts of the cells before it: build it once.
        table = self.tables.get((t, p))
        if table is None:
            table = self._build(t, p, ei)
            self.tables[(t, p)] = table
        if self.nones[ei]:
            hits = [tail for group in table.values() for tail in group]
        else:
            key = -self.res[ei]
            hits = [*table.get(key, ()), *table.get(None, ())]
            if len(table) > (key in table) + (None in table):
                self._fail(ei)
        cells = self._remaining(t)
        for vals, spans in hits:
            self.budget.tick()
            for c, v, sp in zip(cells, vals, spans, strict=True):
                self.vals[c] = v
                self.spans[c] = sp
                self._set(c, v, 1)
            if self._bounds(self.n, 0) is not None:
                self._record()
            for c, v in zip(cells, vals, strict=True):
                self._set(c, v, -1)
        return True

    def _build(self, t: int, p: int, ei: int) -> dict[_Exact | None, list[_Tail]]:
        """All fillings of the cells left at depth t, by their contribution to equation ei."""
        line = self.line
        cells = list(self._remaining(t))
        coef = dict(self.eqs[ei][1])
        table: dict[_Exact | None, list[_Tail]] = {}
        vals: list[Reading] = [None] * len(cells)
        spans: list[_Span] = [(0, 0)] * len(cells)

        def store() -> None:
            total: _Exact | None = 0
            for c, v in zip(cells, vals, strict=True):
                if c in coef:
                    if v is None:
                        total = None
                        break
                    assert total is not None
                    total += coef[c] * _exact(v)
            table.setdefault(total, []).append((tuple(vals), tuple(spans)))

        def right_to_left(i: int, q: int) -> None:  # cells[0..i] fill [0, q)
            if i < 0:
                store()
                return
            c = cells[i]
            before = line.bwd[c]
            for s in range(q - 1, max(0, q - _MAX_PART_CHARS) - 1, -1):
                self.budget.tick()
                if before[s] and line.valid(c, s, q):
                    for v in line.values(c, s, q):
                        vals[i], spans[i] = v, (s, q)
                        right_to_left(i - 1, s)

        def left_to_right(i: int, q: int) -> None:  # cells[i..] fill [q, size)
            if i == len(cells):
                store()
                return
            c = cells[i]
            after = line.fwd[c + 1]
            for lo, hi in line.ends(c, q):
                for e in range(lo, hi + 1):
                    self.budget.tick()
                    if after[e]:
                        for v in line.values(c, q, e):
                            vals[i], spans[i] = v, (q, e)
                            left_to_right(i + 1, e)

        if self.rtl:
            right_to_left(len(cells) - 1, p)
        else:
            left_to_right(0, p)
        return table

    def _ltr(self, t: int, p: int) -> None:
        line = self.line
        bounds = self._bounds(t, line.size - p)
        if bounds is None:
            return
        if t == self.n:
            self._record()
            return
        caps, pins = bounds
        if not pins and self._tail(t, p):
            return
        c = t
        after = line.fwd[c + 1]
        pin = pins.get(c)
        if pin is not None:
            self.budget.tick()
            txt = str(pin)
            e = p + len(txt)
            if e <= line.size and after[e] and line.text.startswith(txt, p) and line.valid(c, p, e):
                self._try(c, p, e, t)
            return
        cap = caps.get(c, _MAX_PART_CHARS)
        for lo, hi in line.ends(c, p):
            for e in range(lo, min(hi, p + cap) + 1):
                self.budget.tick()
                if after[e]:
                    self._try(c, p, e, t)

    def _rtl(self, t: int, p: int) -> None:
        line = self.line
        bounds = self._bounds(t, p)
        if bounds is None:
            return
        if t == self.n:
            self._record()
            return
        caps, pins = bounds
        if not pins and self._tail(t, p):
            return
        c = self.n - 1 - t
        before = line.bwd[c]
        pin = pins.get(c)
        if pin is not None:
            self.budget.tick()
            txt = str(pin)
            s = p - len(txt)
            if s >= 0 and before[s] and line.text.startswith(txt, s) and line.valid(c, s, p):
                self._try(c, s, p, t)
            return
        cap = min(caps.get(c, _MAX_PART_CHARS), _MAX_PART_CHARS)
        for s in range(p - 1, max(0, p - cap) - 1, -1):
            self.budget.tick()
            if before[s] and line.valid(c, s, p):
                self._try(c, s, p, t)


# -- joint reasoning across lines ------------------------------------------------------------------


class _Joint:
    """Domains of the lines (indices of their splits) under the equations that link lines."""

    def __init__(
        self,
        splits: list[list[_Split]],
        eqs: list[tuple[_Eq, dict[int, list[tuple[int, int]]]]],
    ) -> None:
        self.splits = splits
        self.eqs = eqs
        self._contrib: dict[tuple[int, int, int], _Exact | None] = {}
        self.by_line: dict[int, list[int]] = {}
        for ei, (_eq, by) in enumerate(eqs):
            for li in by:
                self.by_line.setdefault(li, []).append(ei)

    def contrib(self, ei: int, li: int, si: int) -> _Exact | None:
        key = (ei, li, si)
        if key in self._contrib:
            return self._contrib[key]
        vals = self.splits[li][si][0]
        tot: _Exact | None = 0
        for c, k in self.eqs[ei][1][li]:
            v = vals[c]
            if v is None:
                tot = None
                break
            assert tot is not None
            tot += k * _exact(v)
        self._contrib[key] = tot
        return tot

    def propagate(
        self, doms: list[list[int]], active: set[int], pruned: dict[int, set[str]]
    ) -> int | None:
        """Arc consistency to a fixed point; returns an equation that wiped out a domain."""
        queue = deque(sorted(active))
        queued = set(queue)
        while queue:
            ei = queue.popleft()
            queued.discard(ei)
            changed = self._revise(ei, doms, pruned)
            if changed is None:
                return ei
            for li in changed:
                for other in self.by_line[li]:
                    if other in active and other not in queued:
                        queue.append(other)
                        queued.add(other)
        return None

    def _revise(
        self, ei: int, doms: list[list[int]], pruned: dict[int, set[str]]
    ) -> list[int] | None:
        lines = list(self.eqs[ei][1])
        groups: dict[int, dict[_Exact | None, list[int]]] = {}
        for li in lines:
            g: dict[_Exact | None, list[int]] = {}
            for si in doms[li]:
                g.setdefault(self.contrib(ei, li, si), []).append(si)
            groups[li] = g
        none_lines = [li for li in lines if None in groups[li]]
        if len(none_lines) > 1:
            return []  # any line can leave the rule uncheckable through another's non-number
        nums = {li: [k for k in groups[li] if k is not None] for li in lines}
        # lines with one value are a constant; only the others need a sumset
        fixed = [li for li in lines if len(nums[li]) == 1]
        base: _Exact = sum((nums[li][0] for li in fixed), start=0)
        loose = [li for li in lines if len(nums[li]) != 1]
        of_loose = _sumset([nums[o] for o in loose])
        changed: list[int] = []
        for li in lines:
            if none_lines and none_lines[0] != li:
                continue  # supported through that line's non-number
            if li in fixed:
                offset, acc = base - nums[li][0], of_loose
            else:
                offset, acc = base, _sumset([nums[o] for o in loose if o != li])
            keep: list[int] = []
            for key, sis in groups[li].items():
                if key is None or _member(-key - offset, acc):
                    keep.extend(sis)
            if len(keep) < len(doms[li]):
                kept = set(keep)
                doms[li] = [si for si in doms[li] if si in kept]
                pruned.setdefault(li, set()).add(self.eqs[ei][0].rule)
                if not doms[li]:
                    return None
                changed.append(li)
        return changed

    def search(
        self,
        doms: list[list[int]],
        active: set[int],
        budget: _Budget,
        pruned: dict[int, set[str]],
    ) -> Literal["ok", "none"]:
        """Keep in each domain only splits that occur in a full solution (raises _Stop)."""
        involved = sorted({li for ei in active for li in self.eqs[ei][1]})
        multi = [li for li in involved if len(doms[li]) > 1]
        if not multi:
            return "ok"
        order = sorted(multi, key=lambda li: len(doms[li]))
        eqs_of = {li: [ei for ei in self.by_line[li] if ei in active] for li in involved}
        sets: dict[tuple[int, int], set[_Exact | None]] = {}
        for ei in active:
            for li in self.eqs[ei][1]:
                sets[(ei, li)] = {self.contrib(ei, li, si) for si in doms[li]}
        witnessed: dict[int, set[int]] = {li: set() for li in multi}

        def value(ei: int, li: int, chosen: dict[int, int]) -> _Exact | None:
            si = chosen[li] if li in chosen else doms[li][0]
            return self.contrib(ei, li, si)

        def fits(li: int, chosen: dict[int, int]) -> bool:
            for ei in eqs_of[li]:
                open_ = [o for o in self.eqs[ei][1] if o not in chosen and len(doms[o]) > 1]
                if len(open_) > 1:
                    continue
                total: _Exact = 0
                uncheckable = False
                for o in self.eqs[ei][1]:
                    if o in open_:
                        continue
                    v = value(ei, o, chosen)
                    if v is None:
                        uncheckable = True
                        break
                    total += v
                if uncheckable:
                    continue
                if not open_:
                    if total != 0:
                        return False
                elif -total not in sets[(ei, open_[0])] and None not in sets[(ei, open_[0])]:
                    return False
            return True

        def find(i: int, chosen: dict[int, int]) -> bool:
            if i == len(order):
                for li in multi:
                    witnessed[li].add(chosen[li])
                return True
            li = order[i]
            if li in chosen:
                return find(i + 1, chosen)
            for si in doms[li]:
                budget.tick()
                chosen[li] = si
                if fits(li, chosen) and find(i + 1, chosen):
                    del chosen[li]
                    return True
                del chosen[li]
            return False

        for li in order:
            keep: list[int] = []
            for si in doms[li]:
                if si in witnessed[li]:
                    keep.append(si)
                    continue
                budget.tick()
                chosen = {li: si}
                if fits(li, chosen) and find(0, chosen):
                    keep.append(si)
            if len(keep) < len(doms[li]):
                doms[li] = keep
                pruned.setdefault(li, set()).update(self.eqs[ei][0].rule for ei in eqs_of[li])
            if not keep:
                return "none"
        return "ok"


def _sumset(sets: list[list[_Exact]]) -> set[_Exact] | tuple[_Exact, _Exact]:
    """Every sum of one value from each set; an interval when that would be too many."""
    acc: set[_Exact] = {0}
    lo: _Exact = 0
    hi: _Exact = 0
    exact = True
    for s in sets:
        if not s:
            return set()
        lo += min(s)
        hi += max(s)
        if exact:
            if len(acc) * len(s) > _SUMSET_CAP:
                exact = False
            else:
                acc = {a + b for a in acc for b in s}
    return acc if exact else (lo, hi)


def _member(x: _Exact, acc: set[_Exact] | tuple[_Exact, _Exact]) -> bool:
    if isinstance(acc, set):
        return x in acc
    return acc[0] <= x <= acc[1]


# -- public entry points ---------------------------------------------------------------------------


def row_splits(
    tokens: Sequence[str],
    kinds: Sequence[ValueType],
    syntax: ValueSyntax = _DEFAULT_SYNTAX,
    *,
    units: Sequence[str | None] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[tuple[Reading, ...]] | None:
    """Every reading of ``tokens`` as ``len(kinds)`` cells, ignoring rules, in text order.

    A token is one or more whole cells; a token that is not a run of digits, signs and decimal
    points is exactly one cell, read with ``parse_value`` (None unless it is a number). Pieces
    follow ``parse_value``: no leading zeros except ``0``, signs only where the kind is
    ``signed_count``, decimals only for ``money`` (a money piece without a known unit gives one
    reading per unit factor). Returns None when more than ``limit`` splits exist; ``[]`` when
    none does.
    """
    n = len(kinds)
    unit_list = list(units) if units is not None else [None] * n
    line = _Line(
        "",
        [("", str(i)) for i in range(n)],
        list(kinds),
        [(u, "default") for u in unit_list],
        tokens,
        syntax,
        split=True,
    )
    if n == 0 or not tokens or line.size > _MAX_LINE_CHARS:
        return [] if n == 0 or not tokens else None
    count = line.count()
    if count > limit:
        return None
    # at most count leaves, each reached through n nodes that try at most size + 1 pieces
    steps = (count + 1) * (n + 1) * (line.size + 2)
    try:
        found = _Search(line, [], max(limit, 1) * 4, _Budget(steps)).run()
    except _Stop:
        return None
    out: list[tuple[Reading, ...]] = []
    seen: set[tuple[Reading, ...]] = set()
    for vals, _spans in found:
        if vals not in seen:
            seen.add(vals)
            out.append(vals)
    return out if len(out) <= limit else None


_LineState = Literal["fixed", "solved", "forced", "capped", "no_split", "unsplittable"]


@frozen
class _LineOutcome:
    state: _LineState
    """``fixed``: tokens are cells; ``solved``: all splits under the line's own equations are
    known; ``forced``: the text allows one split only; ``capped``: a bound was hit;
    ``no_split``: splits exist but none satisfies the equations; ``unsplittable``: none exists."""
    splits: list[_Split]
    count: int
    """Splits by length alone (ignoring rules)."""
    pruned_by: frozenset[str] = frozenset()

    @property
    def usable(self) -> bool:
        return self.state in ("fixed", "solved", "forced")


def solve_table(
    table: Table,
    rows: Sequence[RowInput],
    *,
    syntax: ValueSyntax = _DEFAULT_SYNTAX,
    units: Mapping[str, str] | None = None,
    limit: int = DEFAULT_LIMIT,
    budget: int = DEFAULT_BUDGET,
) -> TableSolution:
    """Read ``rows`` of ``table``, splitting run-together rows, under all the table's rules.

    ``units`` maps a money column's key to the unit its header states (else the column's
    default unit applies). ``limit`` is the most splits kept for one row; ``budget`` the most
    search steps for one row, for the whole table ``4 * budget`` (shared in order), and again
    ``budget`` for the joint search across rows. Raises
    :class:`~gxlib.errors.UnknownKeyError` for a row key the table does not have and ValueError
    when two inputs give the same row — never for what the tokens say.
    """
    from gxlib.errors import UnknownKeyError

    col_keys = [c.key for c in table.columns]
    row_keys = [r.key for r in table.rows]
    header_units = dict(units or {})

    def cell_kind(row_key: str, col_index: int) -> tuple[ValueType, str | None, _UnitSource]:
        col = table.columns[col_index]
        kind = table.row(row_key).type or col.type
        if col.key in header_units:
            return kind, header_units[col.key], "header"
        return kind, col.unit, "default"

    lines: list[_Line] = []
    covered: set[str] = set()
    missing: list[tuple[str, str]] = []
    for ri in rows:
        if ri.key == FLAT:
            keys = row_keys
        elif ri.key in row_keys:
            keys = [ri.key]
        else:
            raise UnknownKeyError(f"table {table.key!r} has no row {ri.key!r}")
        for rk in keys:
            if rk in covered:
                raise ValueError(f"row {rk!r} of table {table.key!r} is given twice")
            covered.add(rk)
        cells = [(rk, c) for rk in keys for c in col_keys]
        tokens = tuple(ri.tokens)
        split = ri.split if ri.split is not None else needs_split(tokens, len(cells))
        if len(tokens) > len(cells):
            split = True  # each token holds at least one cell: no split fits, reported as such
        elif not split and len(tokens) < len(cells):
            missing.extend(cells[len(tokens) :])
            cells = cells[: len(tokens)]
        kinds_units = [cell_kind(r, col_keys.index(c)) for r, c in cells]
        lines.append(
            _Line(
                ri.key,
                cells,
                [k for k, _, _ in kinds_units],
                [(u, s) for _, u, s in kinds_units],
                tokens,
                syntax,
                split,
            )
        )

    where: dict[tuple[str, str], tuple[int, int]] = {}
    for li, line in enumerate(lines):
        for ci, cell in enumerate(line.cells):
            where[cell] = (li, ci)
    inline: dict[int, list[tuple[_Eq, list[tuple[int, int]]]]] = {}
    linking: list[tuple[_Eq, dict[int, list[tuple[int, int]]]]] = []
    for eq in _equations(table, [k for k in row_keys if k in covered]):
        if any(cell not in where for cell, _ in eq.terms):
            continue  # a cell that was not read: the rule cannot be checked
        by: dict[int, list[tuple[int, int]]] = {}
        for cell, coef in eq.terms:
            li, ci = where[cell]
            by.setdefault(li, []).append((ci, coef))
        if len(by) == 1:
            li = next(iter(by))
            inline.setdefault(li, []).append((eq, by[li]))
        else:
            linking.append((eq, by))

    # -- each line under its own equations ------------------------------------------------------
    exhausted = False
    unused: list[tuple[str, str]] = []
    pool = max(budget, 1) * _POOL_FACTOR
    outcomes: list[_LineOutcome] = []
    for li, line in enumerate(lines):
        eqs = inline.get(li, [])
        steps = max(min(budget, pool), 0)
        outcome, used = _solve_line(line, eqs, limit, steps)
        pool -= used
        exhausted |= outcome.state == "capped"
        if line.split and outcome.state == "forced":
            vals = outcome.splits[0][0]
            unused.extend((eq.rule, eq.instance) for eq, terms in eqs if _broken(vals, terms))
        outcomes.append(outcome)

    # -- across lines ---------------------------------------------------------------------------
    splits = [o.splits for o in outcomes]
    joint = _Joint(splits, linking)
    active = {ei for ei, (_eq, by) in enumerate(linking) if all(outcomes[li].usable for li in by)}
    start = [list(range(len(s))) for s in splits]
    doms = [list(d) for d in start]
    pruned: dict[int, set[str]] = {}
    joint_budget = _Budget(max(budget, 1))
    while active:
        doms = [list(d) for d in start]
        pruned = {}
        wiped = joint.propagate(doms, active, pruned)
        if wiped is not None:
            # the rules cannot all hold for these rows: drop the one that failed and start over
            active.discard(wiped)
            eq = linking[wiped][0]
            unused.append((eq.rule, eq.instance))
            continue
        try:
            verdict = joint.search(doms, active, joint_budget, pruned)
        except _Stop:
            exhausted = True  # keep the propagated domains: a sound over-approximation
            break
        if verdict == "ok":
            break
        dropped = {ei for ei in active if any(len(doms[li]) != 1 for li in linking[ei][1])}
        dropped = dropped or set(active)
        unused.extend((linking[ei][0].rule, linking[ei][0].instance) for ei in sorted(dropped))
        active -= dropped
    if not active:
        doms = [list(d) for d in start]
        pruned = {}

    # -- cells ----------------------------------------------------------------------------------
    out: dict[tuple[str, str], CellSolution] = {}
    without: set[str] = set()
    split_rows: set[str] = set()
    for li, (line, outcome) in enumerate(zip(lines, outcomes, strict=True)):
        given = {r for r, _ in line.cells} | ({*row_keys} if line.key == FLAT else {line.key})
        if line.split:
            split_rows |= given
        if outcome.state in ("no_split", "unsplittable"):
            without |= given
        rules = tuple(sorted(outcome.pruned_by | pruned.get(li, set())))
        chosen = [splits[li][si] for si in doms[li]]
        for ci in range(len(line.cells)):
            cs = _cell(line, ci, outcome, chosen, rules)
            out[(cs.row, cs.column)] = cs
    for r, c in missing:
        out[(r, c)] = CellSolution(r, c, "missing")
    rank = {(r, c): i for i, (r, c) in enumerate((r, c) for r in row_keys for c in col_keys)}
    return TableSolution(
        table.key,
        dict(sorted(out.items(), key=lambda kv: rank[kv[0]])),
        tuple(k for k in row_keys if k in without),
        tuple(k for k in row_keys if k in split_rows),
        tuple(dict.fromkeys(unused)),
        exhausted,
    )


def _broken(vals: tuple[Reading, ...], terms: list[tuple[int, int]]) -> bool:
    total: _Exact = 0
    for c, k in terms:
        v = vals[c]
        if v is None:
            return False
        total += k * _exact(v)
    return total != 0


def _solve_line(
    line: _Line,
    eqs: list[tuple[_Eq, list[tuple[int, int]]]],
    limit: int,
    steps: int,
) -> tuple[_LineOutcome, int]:
    """The line's splits under its own equations, and the search steps used."""
    n = len(line.cells)
    if not line.split:
        # as the extractor reads them: only a number takes part in the rules
        vals = tuple(
            line.atom(c, c).value if line.atom(c, c).status == "number" else None for c in range(n)
        )
        spans = tuple((c, c + 1) for c in range(n))
        return _LineOutcome("fixed", [(vals, spans)], 1), 0
    if line.size == 0 or n == 0 or len(line.tokens) > n:
        return _LineOutcome("unsplittable", [], 0), 0
    if line.size > _MAX_LINE_CHARS:
        return _LineOutcome("capped", [], 0), 0
    count = line.count()
    if count == 0:
        return _LineOutcome("unsplittable", [], 0), 0
    budget = _Budget(steps)
    try:
        if count == 1 or (not eqs and count <= limit):
            # (money readings multiply splits: up to one per unit factor)
            found = _Search(line, [], limit * 4, budget).run()
            used = steps - budget.left
            if not found:  # a piece that parse_value refuses after all (say, an unknown unit)
                return _LineOutcome("unsplittable", [], 0), used
            state: _LineState = "forced" if count == 1 else "solved"
            return _LineOutcome(state, found, count), used
        if not eqs:
            return _LineOutcome("capped", [], count), 0
        search = _Search(line, [(eq.rule, terms) for eq, terms in eqs], limit, budget)
        found = search.run()
    except _Stop:
        return _LineOutcome("capped", [], count), steps - max(budget.left, 0)
    used = steps - budget.left
    pruned = frozenset(search.pruned_by)
    if not found:
        return _LineOutcome("no_split", [], count, pruned), used
    return _LineOutcome("solved", found, count, pruned), used


# -- cells and their notes -------------------------------------------------------------------------


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _row_text(line: _Line) -> str:
    return repr(_shorten(" ".join(t.strip() for t in line.tokens), 60))


def _split_text(line: _Line, split: _Split) -> str:
    parts = [_shorten(line.part_text(sp), 24) for sp in split[1]]
    if len(parts) > _MAX_NOTE_PARTS:
        parts = [*parts[:_MAX_NOTE_PARTS], "…"]
    return " | ".join(parts)


def _cands(values: Sequence[Number], shown: int = 20) -> str:
    text = ", ".join(str(v) for v in values[:shown])
    return text + (f", … ({len(values)} in all)" if len(values) > shown else "")


def _numbers(readings: set[Reading]) -> tuple[Number, ...]:
    nums = [v for v in readings if v is not None]
    return tuple(sorted(nums, key=lambda v: v if isinstance(v, int) else Fraction(v)))


def _cell(
    line: _Line, ci: int, outcome: _LineOutcome, chosen: list[_Split], rules: tuple[str, ...]
) -> CellSolution:
    row, col = line.cells[ci]
    if outcome.state == "fixed":
        pv = line.atom(ci, ci)
        cands = (pv.value,) if pv.status == "number" and pv.value is not None else pv.candidates
        return CellSolution(row, col, pv.status, pv.value, cands, ci, line.run_cell((ci, ci + 1)))
    where = _row_text(line)
    n = len(line.cells)
    if outcome.state == "unsplittable":
        note = f"the run-together row {where} cannot be cut into its {n} cells"
        return CellSolution(row, col, "invalid", split=True, note=note)
    if outcome.state in ("capped", "no_split"):
        readings = line.length_readings(ci, _SPAN_CAP) if outcome.count else None
        cands = _numbers(readings) if readings is not None else ()
        if outcome.state == "no_split":
            note = (
                f"the run-together row {where} has no split into its {n} cells consistent "
                f"with {', '.join(sorted(outcome.pruned_by)) or 'its rules'}"
            )
        else:
            note = f"the run-together row {where} has too many possible splits to search"
        non_numeric = readings is not None and None in readings
        if len(cands) == 1 and not non_numeric and not line.uncertain(ci):
            # the text alone proves it, whatever the rules say
            note += f"; every way to cut it gives {cands[0]} here"
            return CellSolution(row, col, "number", cands[0], cands, split=True, note=note)
        note += f"; candidates by length alone: {_cands(cands)}" if cands else "; not read"
        return CellSolution(
            row, col, "ambiguous", None, cands, split=True, non_numeric=non_numeric, note=note
        )
    readings = {sp[0][ci] for sp in chosen}
    spans = {sp[1][ci] for sp in chosen}
    nums = _numbers(readings)
    non_numeric = None in readings
    span = next(iter(spans)) if len(spans) == 1 else None
    source = line.run_cell(span) if span is not None else None
    tokens = {line.tok_of[s] for s, _ in spans}
    token_index = next(iter(tokens)) if len(tokens) == 1 else None
    alone = line.length_readings(ci, _SPAN_CAP, enough=2)
    by_length = alone is not None and len(alone) == 1
    used = () if by_length else rules
    if len(nums) == 1 and not non_numeric and not line.uncertain(ci, list(spans)):
        value = nums[0]
        if outcome.count == 1:
            how = f"({_split_text(line, chosen[0])}): the only way to cut it into its {n} cells"
        elif by_length:
            how = f": every way to cut it into its {n} cells gives {value} here"
        elif len(chosen) == 1:
            how = (
                f"({_split_text(line, chosen[0])}): the only split consistent with "
                f"{', '.join(used) or 'its rules'}"
            )
        else:
            how = (
                f": all {len(chosen)} splits consistent with {', '.join(used) or 'its rules'} "
                f"give {value} here"
            )
        note = f"resolved from the run-together row {where} {how}".replace(" :", ":")
        return CellSolution(
            row, col, "number", value, nums, token_index, source, used, True, False, note
        )
    if not nums and span is not None:
        # every surviving reading has the same non-number piece here: say what it is
        if line.text[span[0]] == _ATOM:
            pv = line.atom(ci, span[0])
        else:
            pv = parse_value(line.part_text(span), line.kinds[ci], line.syntax)
        note = f"read from the run-together row {where}: {line.part_text(span)!r}"
        return CellSolution(
            row, col, pv.status, None, pv.candidates, token_index, source, used, True, True, note
        )
    consistent = f" consistent with {', '.join(used)}" if used else ""
    note = (
        f"the run-together row {where} can be cut in {len(chosen)} ways{consistent}; "
        f"candidates here: {_cands(nums)}" + (" or not a number" if non_numeric else "")
    )
    return CellSolution(
        row, col, "ambiguous", None, nums, token_index, source, used, True, non_numeric, note
    )
