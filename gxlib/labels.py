"""Matching cell text against the labels a profile declares.

A section's labels (row, group, column and header labels of its tables, with their variants)
are compiled once per profile into a lookup by :func:`gxlib.normalize.match_key`. A cell matches:

1. exactly (same key) — silently when the canonical forms agree, else noted as a variant;
2. as a compound — a stub label glued before a row label ("三、本年度办理结果（一）予以公开");
3. approximately — within an edit radius that grows with the label's length (a quarter of it),
   and only when one label is strictly closest, so two labels of a table are never confused.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from typing import Literal

from attrs import frozen

from gxlib.normalize import canonical, edit_distance, match_key
from gxlib.profiles.model import Profile

Kind = Literal["row", "group", "column", "column_group", "header", "anchor"]
How = Literal["exact", "variant", "drift", "compound", "fuzzy"]


_CACHE_TEXTS = 16384  # most texts a SectionLabels remembers the match of


@frozen
class Label:
    kind: Kind
    table: str
    key: str
    text: str
    """The label as the profile prints it (for display)."""
    form: str
    """The text this entry matches (the label itself, a variant or a drift variant)."""
    loose: str
    canonical: str
    drift: bool = False
    declared_variant: bool = False

    @property
    def radius(self) -> int:
        n = len(self.loose)
        return n // 4 if n >= 4 else 0


@frozen
class Match:
    labels: tuple[Label, ...]
    how: How
    distance: int = 0

    def of(self, table: str, *kinds: Kind) -> Label | None:
        for lab in self.labels:
            if lab.table == table and lab.kind in kinds:
                return lab
        return None


class SectionLabels:
    """All labels of the tables of one section, ready for lookup."""

    def __init__(self, labels: list[Label]) -> None:
        self.labels = labels
        self.by_key: dict[str, list[Label]] = defaultdict(list)
        for lab in labels:
            self.by_key[lab.loose].append(lab)
        row_keys = {lab.loose for lab in labels if lab.kind == "row"}
        # row labels by length, longest first: a compound's row label is found by one set
        # lookup per length instead of one endswith per label
        self._suffixes: tuple[tuple[int, frozenset[str]], ...] = tuple(
            (n, frozenset(k for k in self.by_key if len(k) == n and k in row_keys))
            for n in sorted({len(k) for k in row_keys if len(k) >= 2}, reverse=True)
        )
        # characters of tall stub labels, which PDF text layers print one per row
        self._stub_chars = frozenset("".join(lab.loose for lab in labels if lab.kind == "group"))
        # a stub prefix is at most four pieces (_prefix_ok's depth), each a label or two
        # characters: anything longer is refused before any slicing (long digit runs)
        self._longest = max((len(k) for k in self.by_key), default=0)
        self._max_prefix = 4 * max(self._longest, 2)
        self._cache: dict[str, Match | None] = {}
        self._forms: dict[str, tuple[str, ...]] | None = None
        self._near: dict[int, list[_Near]] | None = None

    def forms_by_first_char(self) -> dict[str, tuple[str, ...]]:
        """Printed label forms by first character, longest first (for scanning dumps)."""
        if self._forms is None:
            by: dict[str, list[str]] = defaultdict(list)
            for lab in self.labels:
                if len(lab.form) >= 2:
                    by[lab.form[0]].append(lab.form)
            self._forms = {k: tuple(sorted(set(v), key=len, reverse=True)) for k, v in by.items()}
        return self._forms

    def is_stub_piece(self, text: str) -> bool:
        """Is ``text`` a few characters of a tall group label (a PDF text layer prints those
        beside the rows they span, between the pieces of a wrapped row label)?"""
        key = match_key(text)
        return 0 < len(key) <= 4 and all(ch in self._stub_chars for ch in key)

    def match(self, text: str) -> Match | None:
        if not text:
            return None
        hit = self._cache.get(text, _MISS)
        if hit is not _MISS:
            return hit  # type: ignore[return-value]
        result = self._match(text)
        if len(self._cache) >= _CACHE_TEXTS:
            # bounded: compiled labels live as long as the process, over any number of reports
            self._cache.clear()
        self._cache[text] = result
        return result

    def _match(self, text: str) -> Match | None:
        key = match_key(text)
        if not key:
            return None
        exact = self.by_key.get(key)
        if exact:
            labs = tuple(exact)
            if any(lab.drift for lab in labs):
                how: How = "drift"
            elif any(canonical(text) == lab.canonical for lab in labs):
                how = "exact"
            elif all(lab.declared_variant for lab in labs):
                how = "exact"  # a declared variant is a known form, not a deviation
            else:
                how = "variant"
            return Match(labs, how)
        for n, suffixes in self._suffixes:
            if n < len(key) and key[-n:] in suffixes and self._prefix_ok(key[:-n]):
                return Match(tuple(self.by_key[key[-n:]]), "compound")
        fuzzy = self._fuzzy(key)
        if fuzzy is None and len(key) > 4 and key[0] in self._stub_chars and not key[0].isdigit():
            # a character of a tall stub printed in front of a label with a typo (PDF text)
            fuzzy = self._fuzzy(key[1:])
        return fuzzy

    def _prefix_ok(self, prefix: str, depth: int = 0) -> bool:
        """Is ``prefix`` stub text: labels of this section, or up to two stub characters?"""
        if not prefix:
            return True
        if len(prefix) > self._max_prefix:
            return False
        if prefix in self.by_key:
            return True
        if depth >= 3:
            return False
        for n in (1, 2):
            if (
                len(prefix) >= n
                and all(ch in self._stub_chars for ch in prefix[:n])
                and not prefix[:n].isdigit()
                and self._prefix_ok(prefix[n:], depth + 1)
            ):
                return True
        for i in range(2, min(len(prefix) - 1, self._longest + 1)):
            if prefix[:i] in self.by_key and self._prefix_ok(prefix[i:], depth + 1):
                return True
        return False

    def _fuzzy(self, key: str) -> Match | None:
        # A typo never adds or drops a number: digits must agree exactly, so a value glued to
        # a label, or another item number, can't pass for a lost character.
        near = self._near_lengths().get(len(key))
        if not near:
            return None  # no label is within its radius of this length (most junk lines)
        digits = _DIGITS.sub("", key)
        kset = set(key)
        best: list[Label] = []
        best_d = 10**9
        second_d = 10**9
        for loose, labs, limit, ldigits, chars in near:
            if ldigits != digits or len(chars - kset) > limit:
                continue  # within distance limit, at most limit of its characters are absent
            d = edit_distance(key, loose, limit)
            if d > limit:
                continue
            if d < best_d:
                second_d = best_d
                best_d, best = d, list(labs)
            elif (d == best_d and loose != best[0].loose) or d < second_d:
                second_d = d
        if best and best_d < second_d:
            return Match(tuple(best), "fuzzy", best_d)
        return None

    def _near_lengths(self) -> dict[int, list[_Near]]:
        """Key length → the labels a key of that length can be a typo of (within radius)."""
        if self._near is None:
            near: dict[int, list[_Near]] = defaultdict(list)
            for loose, labs in self.by_key.items():
                limit = labs[0].radius
                if limit <= 0:
                    continue
                entry = (loose, labs, limit, _DIGITS.sub("", loose), frozenset(loose))
                for n in range(len(loose) - limit, len(loose) + limit + 1):
                    near[n].append(entry)
            self._near = dict(near)
        return self._near


_Near = tuple[str, list[Label], int, str, frozenset[str]]
_MISS = object()
_DIGITS = re.compile(r"\D")


@lru_cache(maxsize=64)
def compile_labels(profile: Profile) -> dict[str, SectionLabels]:
    """Section key → its labels. Cached per profile (profiles are frozen and hashable)."""
    per_section: dict[str, list[Label]] = defaultdict(list)

    def add(
        kind: Kind,
        table: str,
        key: str,
        text: str,
        forms: list[tuple[str, bool, bool]],
        section: str,
    ) -> None:
        for form, drift, declared in forms:
            per_section[section].append(
                Label(
                    kind, table, key, text, form, match_key(form), canonical(form), drift, declared
                )
            )

    for t in profile.tables:
        s = t.section
        for r in t.rows:
            add(
                "row",
                t.key,
                r.key,
                r.label,
                [(r.label, False, False)]
                + [(v, False, True) for v in r.variants]
                + [(v, True, True) for v in r.drift_variants],
                s,
            )
        for c in t.columns:
            add(
                "column",
                t.key,
                c.key,
                c.label,
                [(c.label, False, False)]
                + [(v, False, True) for v in c.variants]
                + [(v, True, True) for v in c.drift_variants],
                s,
            )
        for g in t.groups:
            add(
                "group",
                t.key,
                g.key,
                g.label,
                [(g.label, False, False)] + [(v, False, True) for v in g.variants],
                s,
            )
        for g in t.column_groups:
            add(
                "column_group",
                t.key,
                g.key,
                g.label,
                [(g.label, False, False)] + [(v, False, True) for v in g.variants],
                s,
            )
        for h in t.header:
            add("header", t.key, h, h, [(h, False, False)], s)
        for a in t.anchors:
            add("anchor", t.key, a, a, [(a, False, False)], s)
    return {k: SectionLabels(v) for k, v in per_section.items()}
