"""Where a second report starts in a text that holds more than one (two files concatenated).

A report's section headings form one chain in document order (一 … 六). A text holding two
reports has two such chains: the headings start again. Using only the profile's section
headings (as :mod:`gxlib.sections` scores them), :func:`second_report_start` looks for a split
of the text into a prefix and a suffix whose best heading chains

* each have at least half of the profile's sections (at least 2),
* share at least that many sections (the chain *starts again*; a heading repeated as a table
  caption or a running page header repeats one section, not half of them), and
* the first chain holds real content: at least :data:`MIN_CONTENT` characters on the
  non-heading lines between its first and its last heading (a table of contents listing the
  headings before the body has none, whatever introduction follows it).

The earliest such second chain marks the second report; its start moves back to the title line
of the second report when one of the lines just before it is a report title
(:func:`gxlib.metadata.is_title`; the nearest such line, so that the first report's last line
is never taken for the start of the title). Cost: linear in the number of lines and of heading
candidates (times the number of sections): two dynamic programs (best chain ending before, and
starting after, each line), no search over pairs.
"""

from __future__ import annotations

import bisect
from collections import Counter

from attrs import frozen

from gxlib.metadata import is_title
from gxlib.profiles.model import Profile
from gxlib.sections import Candidate, heading_candidates

MIN_CONTENT = 100
"""Non-heading characters a first report must hold between its first and last section heading
(far less than any real report; a table of contents has none)."""

_TITLE_LOOKBACK = 8  # non-empty lines before the second chain searched for its title


@frozen
class Boundary:
    """The second report's start: ``offset`` into the text, its 1-based ``line``, and the
    ``heading`` text of the section heading that starts the headings again."""

    offset: int
    line: int
    heading: str
    titled: bool
    """True when the boundary is the second report's title line (else its first heading)."""


def second_report_start(
    text: str, profile: Profile, candidates: list[Candidate] | None = None
) -> Boundary | None:
    """The start of a second report in ``text``, or None when the text holds one report.

    ``candidates`` are ``heading_candidates(text, profile)`` when the caller has them."""
    if candidates is None:
        candidates = heading_candidates(text, profile)
    n_sections = len(profile.sections)
    need = max(2, (n_sections + 1) // 2)
    # the two chains share `need` sections: that many sections must have two candidates
    per_section = Counter(c[1] for c in candidates)
    if sum(1 for n in per_section.values() if n >= 2) < need:
        return None  # the common case, decided without the chains
    cands = sorted(candidates, key=lambda c: (c[0], c[1]))
    groups = _line_groups(cands)
    before = _best_before(cands, groups, n_sections)
    after = _best_from(cands, groups, n_sections)
    content = _ContentIndex(text, cands)
    for g in range(len(groups)):
        prefix, suffix = before[g], after[g]
        if prefix is None or suffix is None:
            continue
        p_idx = {cands[k][1] for k in prefix}
        s_idx = {cands[k][1] for k in suffix}
        if len(p_idx) < need or len(s_idx) < need or len(p_idx & s_idx) < need:
            continue
        first, last = cands[prefix[0]], cands[prefix[-1]]
        if content.between(first[0], last[0]) < MIN_CONTENT:
            continue  # headings with nothing between them: a table of contents
        return _with_title(text, cands[suffix[0]], last[3])
    return None


def _line_groups(cands: list[Candidate]) -> list[tuple[int, int]]:
    """[lo, hi) ranges of ``cands`` on one line (candidates of one line never chain)."""
    out = []
    i = 0
    while i < len(cands):
        j = i
        while j < len(cands) and cands[j][0] == cands[i][0]:
            j += 1
        out.append((i, j))
        i = j
    return out


def _best_before(
    cands: list[Candidate], groups: list[tuple[int, int]], n: int
) -> list[list[int] | None]:
    """For each line group g, the best chain made of candidates on lines before it."""
    ending: list[tuple[float, int] | None] = [None] * n  # best chain ending at a section
    back = [-1] * len(cands)
    score = [0.0] * len(cands)
    best: tuple[float, int] | None = None  # best chain ending anywhere before the group
    out: list[list[int] | None] = []
    for lo, hi in groups:
        out.append(_unwind(best[1], back) if best is not None else None)
        for k in range(lo, hi):
            prev = _max(ending[: cands[k][1]])
            score[k] = cands[k][2] + (prev[0] if prev else 0.0)
            back[k] = prev[1] if prev else -1
        for k in range(lo, hi):
            idx = cands[k][1]
            cur = ending[idx]
            if cur is None or score[k] > cur[0]:
                ending[idx] = (score[k], k)
            if best is None or score[k] > best[0]:
                best = (score[k], k)
    return out


def _best_from(
    cands: list[Candidate], groups: list[tuple[int, int]], n: int
) -> list[list[int] | None]:
    """For each line group g, the best chain made of candidates on it and the lines after."""
    starting: list[tuple[float, int] | None] = [None] * n  # best chain starting at a section
    nxt = [-1] * len(cands)
    score = [0.0] * len(cands)
    best: tuple[float, int] | None = None
    out: list[list[int] | None] = [None] * len(groups)
    for g in range(len(groups) - 1, -1, -1):
        lo, hi = groups[g]
        for k in range(lo, hi):
            follow = _max(starting[cands[k][1] + 1 :])
            score[k] = cands[k][2] + (follow[0] if follow else 0.0)
            nxt[k] = follow[1] if follow else -1
        for k in range(lo, hi):
            idx = cands[k][1]
            cur = starting[idx]
            if cur is None or score[k] >= cur[0]:  # ties: the earlier start
                starting[idx] = (score[k], k)
            if best is None or score[k] >= best[0]:
                best = (score[k], k)
        out[g] = _unwind(best[1], nxt) if best is not None else None
    return out


def _max(entries: list[tuple[float, int] | None]) -> tuple[float, int] | None:
    best = None
    for e in entries:
        if e is not None and (best is None or e[0] > best[0]):
            best = e
    return best


def _unwind(k: int, link: list[int]) -> list[int]:
    chain = []
    while k >= 0:
        chain.append(k)
        k = link[k]
    return sorted(chain)


class _ContentIndex:
    """Non-heading characters between two offsets, by a prefix sum over lines."""

    def __init__(self, text: str, cands: list[Candidate]) -> None:
        heading_starts = {c[0] for c in cands}
        self.starts: list[int] = []
        self.cum: list[int] = [0]
        pos = 0
        for raw in text.split("\n"):
            self.starts.append(pos)
            chars = 0 if pos in heading_starts else len(raw.strip())
            self.cum.append(self.cum[-1] + chars)
            pos += len(raw) + 1

    def between(self, a: int, b: int) -> int:
        i = bisect.bisect_right(self.starts, a) - 1
        j = bisect.bisect_left(self.starts, b)
        return self.cum[j] - self.cum[i]


def _with_title(text: str, second: Candidate, floor: int) -> Boundary:
    """The boundary at ``second`` (a heading), moved back to a title line of the second report
    among the few non-empty lines before it (not before ``floor``, the first report's last
    heading)."""
    start, line = second[0], second[4]
    lines: list[tuple[int, int]] = []  # (offset, line number) of non-empty lines, backwards
    pos, ln = start, line
    while pos > floor and len(lines) < _TITLE_LOOKBACK:
        prev_end = pos - 1
        prev_start = text.rfind("\n", 0, prev_end) + 1
        ln -= 1
        if prev_start <= floor:
            break
        if text[prev_start:prev_end].strip():
            lines.append((prev_start, ln))
        pos = prev_start
    for offset, number in lines:  # nearest first: a wrapped title matches from its first line
        if is_title(text[offset:start]):
            return Boundary(offset, number, second[5], True)
    return Boundary(start, line, second[5], False)


__all__ = ["MIN_CONTENT", "Boundary", "second_report_start"]
