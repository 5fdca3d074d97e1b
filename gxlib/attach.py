"""Attaching a table's value lines to its rows by their order, proven by the table's rules.

Flattened tables keep the order of their rows and of the cells within a row; what a flattening
loses is which side of its label a row's values land on. A PDF text layer prints a row's values
at the vertical middle of its cell, so beside a label wrapped over three lines the value line
comes before, between or after the label's pieces; PDF→Markdown converters print a block of
label lines, then a block of value rows. This module reads a table as two ordered sequences —
the rows whose label was found and the lines of values — and attaches them by an
order-preserving assignment. It knows nothing about any format: rows, columns and rules come
from the profile's :class:`~gxlib.profiles.model.Table`; what a line holds is read by the caller.

Input (:func:`attach`): the table's items in reading order, each an :class:`Occurrence` (a row
label, with the cells printed on the label's own line, if any) or a :class:`ValueLine` (values on
a line of their own).

Guarantee
---------
A row gets a line only when the text determines it:

* **layout** — the values share the label's printed line (the row is an *anchor*);
* **order** — between two consecutive anchors there are exactly as many value lines as rows
  without values: the only order-preserving bijection pairs them rank by rank;
* **rules** — the counts differ; every order-preserving assignment that attaches as many lines
  as possible (``C(max, min)`` of them) is tried, and only those under which no rule of the table
  fails are kept (a rule with an operand that is not a number — a row without a line, a cell not
  yet known — cannot fail and eliminates nothing). A row whose line is the same in every kept
  assignment gets it. The premise, as in :mod:`gxlib.runs`: the report's own arithmetic holds;
  when no assignment satisfies the rules, none is eliminated.

Otherwise the row is *unsure*: it lists every line (and possibly "none") that some kept
assignment gives it, and the caller makes its cells ``ambiguous`` with those candidates — never
a guess. Of several occurrences of one row label, the ones with values on their line are the row
(a heading repeating the label is not); two with different values make the row unsure with both.

Bounds: segments are resolved one at a time, at most ``LIMIT`` assignments each (beyond it, the
rows of the segment get the positional candidates — the lines an order-preserving assignment
could give them — without using the rules); at most as many passes as segments, since a pass
repeats only when a segment was newly resolved and its rows may decide another's rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import combinations
from math import comb
from typing import Final, Literal

from attrs import frozen

from gxlib.profiles.loading import rule_terms
from gxlib.profiles.model import Table as TableSpec
from gxlib.values import Number

__all__ = [
    "LIMIT",
    "Attached",
    "Attachment",
    "Occurrence",
    "Unsure",
    "ValueLine",
    "attach",
    "rules_hold",
]

LIMIT: Final = 1024
"""Most order-preserving assignments tried for one segment before giving up on the rules."""

How = Literal["layout", "order", "rules"]
Line = tuple[int, ...]
"""Token indices of a value line (or of the cells on a label's own line)."""


@frozen
class Occurrence:
    """A row label at token ``index``; ``own`` are the cells printed on the label's line."""

    key: str
    index: int
    own: Line = ()


@frozen
class ValueLine:
    """Values printed on a line of their own (no row label before them on that line)."""

    tokens: Line


@frozen
class Attached:
    occurrence: Occurrence
    line: Line
    how: How


@frozen
class Unsure:
    occurrence: Occurrence
    candidates: tuple[Line | None, ...]
    """Every line some kept assignment gives the row; ``None``: an assignment gives it none."""
    why: Literal["rules", "conflict", "bound"]


@frozen
class Attachment:
    rows: dict[str, Attached | Unsure]
    """Row key → what it gets; rows whose label was found but that get no line are absent."""
    extra: tuple[Line, ...] = ()
    """Value lines that no kept assignment attaches to a row."""
    duplicates: tuple[Occurrence, ...] = ()
    """Further occurrences of a row label with the same values (or none), not read."""


ValuesOf = Callable[[Line], tuple[Number | None, ...] | None]
"""The numbers of a line, one per column (None: not a number); None when it is not one row."""


def rules_hold(
    spec: TableSpec, printed: Sequence[str], rows: Mapping[str, tuple[Number | None, ...]]
) -> bool:
    """False when some rule of ``spec`` is checkable on ``rows`` (row key → one value per
    column) and fails; True otherwise. ``printed`` are the rows the table has (as
    :mod:`gxlib.checks` sees them: every row but optional ones not found); a printed row
    without values, like any operand that is not a number, makes its rules uncheckable."""
    return _checker(spec, tuple(printed))(rows)


Checker = Callable[[Mapping[str, tuple[Number | None, ...]]], bool]


def _checker(spec: TableSpec, printed: tuple[str, ...]) -> Checker:
    """The rules of ``spec`` over ``printed`` rows, expanded once, as a predicate on rows."""
    present = list(printed)
    cols = {c.key: i for i, c in enumerate(spec.columns)}
    by_row: list[tuple[tuple[str, ...], list[int], list[int]]] = []
    by_col: list[tuple[list[int], list[str], list[str]]] = []
    for rule in spec.rules:
        left = rule_terms(spec, rule, rule.left, present)
        right = rule_terms(spec, rule, rule.right, present)
        if not left or not right:
            continue
        if rule.each == "row":
            by_row.append((rule.only, [cols[t] for t in left], [cols[t] for t in right]))
        else:
            which = [i for k, i in cols.items() if not rule.only or k in rule.only]
            by_col.append((which, left, right))

    def check(rows: Mapping[str, tuple[Number | None, ...]]) -> bool:
        for only, lc, rc in by_row:
            for rk in present:
                vals = rows.get(rk)
                if vals is None or (only and rk not in only):
                    continue
                if not _holds([vals[i] for i in lc], [vals[i] for i in rc]):
                    return False
        for which, lr, rr in by_col:
            lv = [rows.get(t) for t in lr]
            rv = [rows.get(t) for t in rr]
            if any(v is None for v in lv) or any(v is None for v in rv):
                continue  # a row without values: the rule cannot be checked in any column
            for ci in which:
                if not _holds([v[ci] for v in lv if v], [v[ci] for v in rv if v]):
                    return False
        return True

    return check


def _holds(left: list[Number | None], right: list[Number | None]) -> bool:
    if not left or not right or any(v is None for v in left) or any(v is None for v in right):
        return True
    return sum(v for v in left if v is not None) == sum(v for v in right if v is not None)


def attach(
    items: Sequence[Occurrence | ValueLine],
    spec: TableSpec,
    values_of: ValuesOf,
    limit: int = LIMIT,
) -> Attachment:
    """Attach value lines to rows; see the module docstring for what is guaranteed.

    ``items`` are in reading order; ``values_of`` reads a line as one value per column (for the
    rules). Returns what each row gets, the lines left over and duplicate occurrences."""
    seq, result, dups = _dedupe(items, values_of)
    found = {it.key for it in seq if isinstance(it, Occurrence)}
    printed = [r.key for r in spec.rows if not r.optional or r.key in found]
    for r in spec.rows:  # a printed drift row stands in for the rows it replaces, as in checks
        if r.replaces and r.key in found and not any(k in found for k in r.replaces):
            printed = [k for k in printed if k not in r.replaces]
    # segments: the rows without values and the lines between two consecutive anchors
    segments: list[tuple[list[Occurrence], list[ValueLine]]] = [([], [])]
    for it in seq:
        if isinstance(it, ValueLine):
            segments[-1][1].append(it)
        elif it.own:
            result.setdefault(it.key, Attached(it, it.own, "layout"))
            segments.append(([], []))
        else:
            segments[-1][0].append(it)
    extra: list[Line] = []
    pending: list[int] = []
    for si, (labs, lines) in enumerate(segments):
        if not lines:
            continue
        if not labs:
            extra.extend(ln.tokens for ln in lines)
        elif len(labs) == len(lines):
            for o, ln in zip(labs, lines, strict=True):
                result[o.key] = Attached(o, ln.tokens, "order")
        else:
            pending.append(si)
    # segments whose counts differ, resolved by the rules with every row known so far; a
    # segment resolved in one pass may decide another's rules in the next
    outcome: dict[int, tuple[dict[str, Attached | Unsure], list[Line], bool]] = {}
    open_segs = pending
    while open_segs:
        known = {
            k: v
            for k, a in result.items()
            if isinstance(a, Attached) and (v := values_of(a.line)) is not None
        }
        progressed = False
        for si in open_segs:
            labs, lines = segments[si]
            outcome[si] = _resolve(labs, lines, spec, values_of, known, printed, limit)
            if outcome[si][2]:
                result.update(outcome[si][0])
                progressed = True
        open_segs = [si for si in open_segs if not outcome[si][2]]
        if not progressed:
            break
    for si in open_segs:
        result.update(outcome[si][0])
    for si in pending:
        extra.extend(outcome[si][1])
    return Attachment(result, tuple(extra), tuple(dups))


def _dedupe(
    items: Sequence[Occurrence | ValueLine], values_of: ValuesOf
) -> tuple[list[Occurrence | ValueLine], dict[str, Attached | Unsure], list[Occurrence]]:
    """Keep one occurrence per row: the one with values on its line (a heading repeating the
    label has none); occurrences with different values make the row unsure."""
    by_key: dict[str, list[Occurrence]] = {}
    for it in items:
        if isinstance(it, Occurrence):
            by_key.setdefault(it.key, []).append(it)
    keep: set[int] = set()
    result: dict[str, Attached | Unsure] = {}
    dups: list[Occurrence] = []
    for occs in by_key.values():
        valued = [o for o in occs if o.own]
        if not valued:
            keep.add(id(occs[0]))
            dups.extend(occs[1:])
            continue
        first = valued[0]
        keep.add(id(first))
        distinct = [first]
        for o in valued[1:]:
            if any(values_of(o.own) == values_of(d.own) for d in distinct):
                dups.append(o)
            else:
                distinct.append(o)
        if len(distinct) > 1:
            result[first.key] = Unsure(first, tuple(o.own for o in distinct), "conflict")
        # occurrences without values are headings (or stubs) of a row printed elsewhere
    seq = [it for it in items if isinstance(it, ValueLine) or id(it) in keep]
    return seq, result, dups


def _resolve(
    labs: list[Occurrence],
    lines: list[ValueLine],
    spec: TableSpec,
    values_of: ValuesOf,
    known: dict[str, tuple[Number | None, ...]],
    printed: list[str],
    limit: int,
) -> tuple[dict[str, Attached | Unsure], list[Line], bool]:
    """One segment whose counts differ: what its rows get, its lines left over, and whether
    every row of it got one line for sure."""
    n, m = len(labs), len(lines)
    k = min(n, m)
    if comb(max(n, m), k) > limit:
        return _positional(labs, lines), [], False
    base = dict(known)
    for o in labs:
        base.pop(o.key, None)
    vals = [values_of(ln.tokens) for ln in lines]
    check = _checker(spec, tuple(printed))
    kept: list[dict[int, int]] = []  # row rank → line rank
    every: list[dict[int, int]] = []
    for chosen in combinations(range(max(n, m)), k):
        if n > m:
            pairs = dict(zip(chosen, range(k), strict=True))
        else:
            pairs = dict(zip(range(k), chosen, strict=True))
        every.append(pairs)
        rows = dict(base)
        for ri, li in pairs.items():
            v = vals[li]
            if v is not None:
                rows[labs[ri].key] = v
        if check(rows):
            kept.append(pairs)
    if not kept:
        kept = every  # the rules cannot all hold: none of them eliminates anything
    out: dict[str, Attached | Unsure] = {}
    resolved = True
    used: set[int] = set()
    for ri, o in enumerate(labs):
        cands = list(dict.fromkeys(p.get(ri) for p in kept))
        used.update(c for c in cands if c is not None)
        if len(cands) == 1:
            if cands[0] is not None:
                out[o.key] = Attached(o, lines[cands[0]].tokens, "rules")
            continue
        resolved = False
        out[o.key] = Unsure(
            o, tuple(None if c is None else lines[c].tokens for c in cands), "rules"
        )
    return out, [ln.tokens for li, ln in enumerate(lines) if li not in used], resolved


def _positional(labs: list[Occurrence], lines: list[ValueLine]) -> dict[str, Attached | Unsure]:
    """Too many assignments to try: each row lists the lines an order-preserving assignment can
    give it (a sound over-approximation), without the rules."""
    n, m = len(labs), len(lines)
    out: dict[str, Attached | Unsure] = {}
    for ri, o in enumerate(labs):
        if n > m:  # some rows get no line
            lo, hi = max(0, ri - (n - m)), min(ri, m - 1)
            cands: list[Line | None] = [lines[i].tokens for i in range(lo, hi + 1)] + [None]
        else:  # some lines are extra
            cands = [lines[i].tokens for i in range(ri, ri + (m - n) + 1)]
        out[o.key] = Unsure(o, tuple(cands), "bound")
    return out
