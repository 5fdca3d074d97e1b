"""Finding the six sections of a report by their headings.

A heading is a short line whose text (after its numbering) is a section title or a declared
variant. Headings are often unnumbered (「收到和处理政府信息公开申请情况」) and titles recur in the
prose (the introduction lists them all), so candidates are scored — correctly numbered beats
unnumbered — and the best set in document order is chosen.

A crawler that saves a page's text may put the whole report on one line, headings inline
(「…报告。一、总体情况2019年，…」). So a title (or variant) found anywhere in a line that is not
itself a heading is a candidate too, scored like a heading line by its numbering, a little
lower so that a heading line always wins over the same title inline: a correctly numbered
inline title beats an unnumbered heading line, an unnumbered inline title (as the
introduction lists them) scores least.
"""

from __future__ import annotations

import re
from functools import lru_cache

from attrs import frozen

from gxlib.normalize import canonical, edit_distance, fold_chars, match_key
from gxlib.profiles.model import Profile

_NUMBERING = re.compile(
    r"^(?:第?([一二三四五六七八九十]{1,3})(?:部分)?[、,.:：\s]*|(\d{1,2})[、.．]\s*)"
)
_SUBHEADING = re.compile(r"^[(（][一二三四五六七八九十\d]{1,3}[)）]")
MAX_HEADING = 40


_INLINE_NUMBER = re.compile(
    r"(?:第?([一二三四五六七八九十]{1,3})(?:部分)?[、,.:：]\s*|(?<![\d.])(\d{1,2})[、.．]\s*)$"
)
_INLINE_SUB = re.compile(r"[(（][一二三四五六七八九十\d]{1,3}[)）]\s*$")
_INLINE_PENALTY = 0.5
_UNNUMBERED_INLINE = 0.5
_LIST_NEXT = frozenset("、,，和及与等")


@frozen
class SectionSpan:
    key: str
    found: bool
    heading: str | None
    heading_start: int
    body_start: int
    end: int
    line: int


Candidate = tuple[int, int, float, int, int, str, int]
"""A line that can be a section heading: (line start, section index, score, line end, line
number, stripped text, indent)."""


def heading_candidates(text: str, profile: Profile) -> list[Candidate]:
    """Every line of ``text`` that can be a heading of one of ``profile``'s sections, scored."""
    return _scan(text, profile)[0]


def _scan(text: str, profile: Profile) -> tuple[list[Candidate], list[tuple[int, int, str]]]:
    """Heading candidates, and the long lines that are none: ``(start, line number, text)``,
    where a one-line page may hide its headings."""
    candidates: list[Candidate] = []
    others: list[tuple[int, int, str]] = []
    pos = 0
    line_no = 1
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        line_no += 1
        s = raw.strip()
        if not s:
            continue
        scores = _line_scores(profile, s) if len(s) <= 8 * MAX_HEADING else ()
        for idx, score in scores:
            candidates.append(
                (start, idx, score, end, line_no - 1, s, len(raw) - len(raw.lstrip()))
            )
        if not scores and len(s) > MAX_HEADING // 2:
            others.append((start, line_no - 1, raw))
    return candidates, others


def find_sections(
    text: str, profile: Profile, candidates: list[Candidate] | None = None
) -> list[SectionSpan]:
    """The span of each of ``profile``'s sections in ``text`` (found, or placed between the
    neighbours that were), from the best-scoring chain of heading candidates (``candidates``:
    ``heading_candidates(text, profile)`` when the caller has them). When some section has no
    heading line, section titles are also looked for inside lines (a one-line page)."""
    others: list[tuple[int, int, str]] | None = None
    if candidates is None:
        candidates, others = _scan(text, profile)
    candidates = list(candidates)  # inline headings are added below; the caller's list stays
    body_at: dict[tuple[int, int], int] = {}  # inline heading (start, index) → its body start
    chosen = _best_chain(candidates)
    if len(chosen) < len(profile.sections):
        if others is None:
            others = _scan(text, profile)[1]
        for start, line, raw in others:
            for at, idx, score, head, body in _inline(profile, raw):
                candidates.append((start + at, idx, score, start + len(raw), line, head, 0))
                body_at[(start + at, idx)] = start + body
        if others:
            chosen = _best_chain(candidates)
    spans: list[SectionSpan] = []
    by_idx = {c[1]: c for c in chosen}
    found_starts = sorted((c[0], c[1]) for c in chosen)
    for idx, sec in enumerate(profile.sections):
        c = by_idx.get(idx)
        if c is not None:
            start, _, _, hend, line, heading, _ = c
            nxt = [st for st, i in found_starts if st > start]
            body = body_at.get((start, idx), hend + 1)
            spans.append(
                SectionSpan(
                    sec.key,
                    True,
                    heading,
                    start,
                    min(body, len(text)),
                    nxt[0] if nxt else len(text),
                    line,
                )
            )
        else:
            prev = [cc for cc in chosen if cc[1] < idx]
            nxt_c = [cc for cc in chosen if cc[1] > idx]
            body = 0
            if prev:
                p = max(prev, key=lambda cc: cc[1])
                body = body_at.get((p[0], p[1]), p[3] + 1)
            stop = min(nxt_c, key=lambda cc: cc[1])[0] if nxt_c else len(text)
            body = min(body, len(text))
            spans.append(SectionSpan(sec.key, False, None, body, body, max(stop, body), 0))
    return spans


def _inline(profile: Profile, raw: str) -> list[tuple[int, int, float, str, int]]:
    """Section titles inside a line: ``(start, section index, score, heading, body start)``,
    offsets in ``raw``. Titles are searched as printed and after NFKC and Traditional →
    Simplified folding (when that keeps the length, so offsets stay)."""
    pattern, owners = _inline_pattern(profile)
    forms = [raw]
    folded = canonical_same_length(raw)
    if folded != raw:
        forms.append(folded)
    out: dict[tuple[int, int], tuple[int, int, float, str, int]] = {}
    for line in forms:
        for hit in pattern.finditer(line):
            at, end = hit.span()
            if end < len(line) and line[end] in _LIST_NEXT:
                continue  # a list of the sections, as the introduction gives it
            before = line[max(0, at - 8) : at]
            if _INLINE_SUB.search(before) is not None:
                continue
            m = _INLINE_NUMBER.search(before)
            start = at - (len(m.group(0)) if m is not None else 0)
            for idx in owners[hit.group()]:
                number = profile.sections[idx].number
                if m is not None and m.group(1):
                    score = 3.0 if m.group(1) == number else 0.5
                elif m is not None and m.group(2):
                    score = 2.0 if m.group(2) == str(idx + 1) else 0.5
                else:
                    score = _UNNUMBERED_INLINE + _INLINE_PENALTY
                score -= _INLINE_PENALTY
                prev = out.get((start, idx))
                if prev is None or prev[2] < score:
                    out[(start, idx)] = (start, idx, score, raw[start:end].strip(), end)
    return sorted(out.values())


@lru_cache(maxsize=64)
def _inline_pattern(profile: Profile) -> tuple[re.Pattern[str], dict[str, tuple[int, ...]]]:
    """One pattern for every section title and variant as it may be printed (longest first,
    so that a variant that is part of a title does not cut it short), and the sections each
    printed form belongs to."""
    owners: dict[str, list[int]] = {}
    for idx, sec in enumerate(profile.sections):
        for t in (sec.title, *sec.variants):
            for form in {t, canonical_same_length(t)}:
                if len(form) >= 4 and idx not in owners.setdefault(form, []):
                    owners[form].append(idx)
    forms = sorted(owners, key=lambda t: (-len(t), t))
    pattern = re.compile("|".join(re.escape(f) for f in forms) or "(?!)")
    return pattern, {k: tuple(v) for k, v in owners.items()}


def canonical_same_length(text: str) -> str:
    """NFKC and Traditional → Simplified folding, when it keeps every offset; else ``text``."""
    folded = fold_chars(text)
    return folded if len(folded) == len(text) else text


# Lines repeat ("0", labels, blank cells): what a line can be is worked out once per text.
@lru_cache(maxsize=8192)
def _line_scores(profile: Profile, s: str) -> tuple[tuple[int, float], ...]:
    """(section index, score) of every section heading the stripped line ``s`` can be."""
    if s.endswith("|") and s.count("|") == 1:
        s = s[:-1].strip()  # a heading that is the only cell of a table row
    if not s or "|" in s or "\t" in s:
        return ()
    canon = canonical(s)
    if len(canon) > MAX_HEADING:  # judged after folding: spaces and glosses don't count
        return ()
    if _SUBHEADING.match(canon):
        return ()
    m = _NUMBERING.match(canon)
    number = m.group(1) if m and m.group(1) else None
    arabic = m.group(2) if m and m.group(2) else None
    rest = match_key(canon[m.end() :] if m else canon)
    if not rest:
        return ()
    out = []
    for idx, best in _title_distances(profile, rest):
        sec_number = profile.sections[idx].number
        if number is not None:
            score = 3.0 if number == sec_number else 0.5
        elif arabic is not None:
            score = 2.0 if arabic == str(idx + 1) else 0.5
        else:
            score = 1.5
        out.append((idx, score - 0.25 * best))
    return tuple(out)


@lru_cache(maxsize=8192)
def _title_distances(profile: Profile, rest: str) -> tuple[tuple[int, int], ...]:
    """(section index, edit distance) of every section title or variant ``rest`` can be."""
    out = []
    rset = set(rest)
    for idx, sec in enumerate(profile.sections):
        best = None
        for k in (match_key(t) for t in (sec.title, *sec.variants)):
            if rest == k:
                best = 0
                break
            lim = len(k) // 5
            # within distance lim, at most lim of the title's characters can be absent
            if lim and abs(len(rest) - len(k)) <= lim and len(set(k) - rset) <= lim:
                d = edit_distance(rest, k, lim)
                if d <= lim and (best is None or d < best):
                    best = d
        if best is not None:
            out.append((idx, best))
    return tuple(out)


def _best_chain(
    cands: list[tuple[int, int, float, int, int, str, int]],
) -> list[tuple[int, int, float, int, int, str, int]]:
    """Highest-scoring subsequence increasing in both position and section index.

    O(candidates × sections): for each section index, the best chain ending in it so far;
    candidates on one line are all judged against the chains before that line."""
    cands = sorted(cands, key=lambda c: (c[0], c[1]))
    if not cands:
        return []
    n_idx = max(c[1] for c in cands) + 1
    # best chain (score, candidate position in cands) ending at each index, among earlier lines
    ending: list[tuple[float, int] | None] = [None] * n_idx
    best = [0.0] * len(cands)
    back = [-1] * len(cands)
    i = 0
    while i < len(cands):
        j = i
        while j < len(cands) and cands[j][0] == cands[i][0]:
            j += 1
        for k in range(i, j):
            idx, score = cands[k][1], cands[k][2]
            prev = None
            for e in ending[:idx]:
                # ties go to the earliest candidate, as in a plain left-to-right scan
                if e is not None and (
                    prev is None or e[0] > prev[0] or (e[0] == prev[0] and e[1] < prev[1])
                ):
                    prev = e
            best[k] = score + (prev[0] if prev is not None else 0.0)
            back[k] = prev[1] if prev is not None else -1
        for k in range(i, j):
            idx = cands[k][1]
            cur = ending[idx]
            if cur is None or best[k] > cur[0]:
                ending[idx] = (best[k], k)
        i = j
    k = max(range(len(cands)), key=lambda q: best[q])
    chain = []
    while k >= 0:
        chain.append(cands[k])
        k = back[k]
    return chain[::-1]
