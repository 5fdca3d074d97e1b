"""Facts stated in a report's prose ("共收到政府信息公开申请2件", "未收到依申请公开事项").

What a format's prose states is profile data (:class:`~gxlib.profiles.model.FactSpec`): the key,
the kind of value, the unit words, the phrasings and the negations that state a zero. This
module only knows how numbers are written and how a sentence is delimited.

Guarantees:

* Only what a phrasing of the profile matches is read; prose no phrasing covers yields nothing.
  A key the prose does not state is absent from the result — never 0, never a guess.
* Numbers are read exactly: Arabic (with thousands separators), full-width, Chinese numerals
  (二十三, 一百零五, 两千) and 万/亿 multiples (1.2万 → 12000). A count that is not a whole
  number, or a numeral that is not well formed, is not a fact (``GX904``).
* ``qualifier``: ``approximate`` for 约/近/余/多/左右, ``at_least`` for 以上/超过/逾, otherwise
  ``exact`` (words from :class:`~gxlib.profiles.model.FactSyntax`).
* A number after a comparison or share word inside the phrasing (比上年增加…, 同比下降3件, 占…)
  is never a fact; a date or document number never fits a phrasing, which needs a unit word
  right after the number. A phrasing whose sentence names a channel, a kind or a cumulative
  span (the spec's ``exclude``), or that follows a "part" word (其中), is never the total.
* Two different values for one key make one ``ambiguous`` fact with every statement (``GX901``).
* Table text is skipped: grid ranges of structured documents, the lines the extractor read as
  tables, and lines laid out as cells (two or more ``|`` or tab separators). A line wrapped
  inside a sentence (PDF text) is joined to the next.
* ``raw`` is the sentence exactly as the document has it, at ``location``.
* Cost: one fold of the document (one character for one, so offsets map back exactly) and one
  search per phrasing, linear in the input.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from attrs import frozen

from gxlib import diagnostics as dg
from gxlib._t2s import T2S
from gxlib.diagnostics import Diagnostic
from gxlib.document import Document, Location
from gxlib.profiles.model import FactSpec, FactSyntax, Profile
from gxlib.values import Number

__all__ = [
    "Fact",
    "FactStatus",
    "Qualifier",
    "Statement",
    "compile_pattern",
    "read_facts",
    "read_number",
]

Qualifier = Literal["exact", "approximate", "at_least"]
FactStatus = Literal["number", "ambiguous"]


@frozen
class Statement:
    """One sentence stating a fact's value."""

    value: Number
    qualifier: Qualifier
    raw: str
    """The sentence as written in the document."""
    location: Location | None
    pattern: str
    """Id of the profile phrasing (or negation) that read it."""
    unit: str | None = None
    at: int = 0
    """Where in ``raw`` the phrasing starts."""


@frozen
class Fact:
    """A value the prose states, under a profile's fact key (docs/keys.md).

    ``status == "number"``: ``value`` (``int`` for counts, ``Decimal`` yuan for money),
    ``qualifier``, the sentence (``raw``, ``location``) and ``pattern`` are those of the first
    statement; ``statements`` holds every sentence that stated the same value.
    ``status == "ambiguous"``: different values were stated; ``value`` is None, ``candidates``
    the distinct values ascending, ``statements`` all of them.
    """

    key: str
    kind: str
    status: FactStatus
    value: Number | None
    qualifier: Qualifier | None
    raw: str
    location: Location | None
    pattern: str
    unit: str | None = None
    candidates: tuple[Number, ...] = ()
    statements: tuple[Statement, ...] = ()
    at: int = 0
    """Where in ``raw`` the phrasing starts (the first statement's)."""


# -- numbers -------------------------------------------------------------------------------------

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "".join(_CN_DIGIT) + "".join(_CN_SMALL) + "".join(_CN_BIG)
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[万亿]?(?![\d.])"
# Starts with a character class, so the regex engine skips quickly to candidate positions; a
# match that starts inside a longer number is refused afterwards (:func:`_admissible`).
_NUMBER = rf"{_ARABIC}|[{_CN_CHARS}]+"


def _chinese(text: str) -> int | None:
    """A Chinese numeral's value; None unless it is well formed (一百零五, 二十三, 十五, 两千)."""
    total = 0  # completed 亿/万 groups
    section = 0  # completed 千/百/十 parts below the current big unit
    digit: int | None = None
    last_small = 10**5
    last_big = 10**9
    zero = False
    for i, ch in enumerate(text):
        if ch in _CN_DIGIT:
            d = _CN_DIGIT[ch]
            if digit is not None:
                return None  # two digits in a row: 一二 is not a number
            if d == 0:
                zero = True
                continue
            digit = d
        elif ch in _CN_SMALL:
            unit = _CN_SMALL[ch]
            if unit >= last_small:
                return None
            if digit is None:
                if not ((unit == 10 and i == 0) or (unit == 10 and zero)):
                    return None
                digit = 1
            section += digit * unit
            digit, last_small, zero = None, unit, False
        else:
            unit = _CN_BIG[ch]
            if unit >= last_big or (digit is None and section == 0):
                return None
            total += (section + (digit or 0)) * unit
            section, digit, last_small, last_big, zero = 0, None, 10**5, unit, False
    return total + section + (digit or 0)


def read_number(text: str) -> Decimal | None:
    """The exact value of a number as prose writes it, or None when it is not well formed."""
    s = text.replace(",", "")
    if not s:
        return None
    if s[0].isdigit():
        factor = 1
        if s[-1] in _CN_BIG:
            factor = _CN_BIG[s[-1]]
            s = s[:-1]
        try:
            return Decimal(s) * factor
        except InvalidOperation:
            return None
    value = _chinese(s)
    return None if value is None else Decimal(value)


# -- phrasings -----------------------------------------------------------------------------------


def _alt(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"


def expand(regex: str, spec: FactSpec, syntax: FactSyntax) -> str:
    """A phrasing's regex with its macros ({num}, {unit}, {gap}) expanded."""
    # words before the number are looked up after matching (_qualifier): an optional group in
    # front would cost a test at every position of the document
    num = f"(?P<num>{_NUMBER})(?P<post>{_alt(syntax.approximate_after)})?"
    if not regex.startswith("{num}"):
        before = _alt((*syntax.approximate_before, *syntax.at_least_before))
        num = f"(?:{before})?" + num
    after = _alt((*syntax.approximate_after_unit, *syntax.at_least_after_unit))
    unit = f"(?P<unit>{_alt(spec.units)})(?P<after>{after})?"
    gap = f"[^。;!?,()\\n]{{0,{syntax.gap}}}?"
    return regex.replace("{num}", num).replace("{unit}", unit).replace("{gap}", gap)


def compile_pattern(regex: str, spec: FactSpec, syntax: FactSyntax) -> re.Pattern[str]:
    """Compile a phrasing (raises ``re.error`` when it is not a valid regex)."""
    return re.compile(expand(regex, spec, syntax))


@frozen
class _Compiled:
    spec: FactSpec
    numbers: tuple[tuple[str, re.Pattern[str]], ...]
    negations: tuple[tuple[str, re.Pattern[str]], ...]
    exclude: re.Pattern[str] | None


@frozen
class _Guards:
    reject: re.Pattern[str]
    parts: re.Pattern[str]
    approx: frozenset[str]
    at_least: frozenset[str]
    before: tuple[str, ...]
    """Qualifier words written before a number, longest first."""


@lru_cache(maxsize=64)
def _compiled(profile: Profile) -> tuple[tuple[_Compiled, ...], _Guards]:
    syn = profile.fact_syntax
    out = []
    for spec in profile.facts:
        out.append(
            _Compiled(
                spec,
                tuple((p.id, compile_pattern(p.regex, spec, syn)) for p in spec.patterns),
                tuple((p.id, compile_pattern(p.regex, spec, syn)) for p in spec.negations),
                re.compile("|".join(f"(?:{x})" for x in spec.exclude)) if spec.exclude else None,
            )
        )
    guards = _Guards(
        reject=re.compile(_alt((*syn.comparisons, *syn.shares))),
        parts=re.compile(_alt(syn.parts)),
        approx=frozenset(
            (*syn.approximate_before, *syn.approximate_after, *syn.approximate_after_unit)
        ),
        at_least=frozenset((*syn.at_least_before, *syn.at_least_after_unit)),
        before=tuple(
            sorted((*syn.approximate_before, *syn.at_least_before), key=len, reverse=True)
        ),
    )
    return tuple(out), guards


# -- prose ---------------------------------------------------------------------------------------

# Folding for reading prose, one character for one (so offsets stay those of the document):
# compatibility forms whose NFKC is one character (full-width digits and punctuation), the
# package's Traditional → Simplified table, quote variants. Characters NFKC expands to several
# are left alone. Blocks scanned: Latin-1, general punctuation, CJK symbols and compatibility,
# compatibility ideographs, half-/full-width forms.
_FOLD_BLOCKS = ((0x00A0, 0x0100), (0x2000, 0x2070), (0x3000, 0x3040), (0x3200, 0x3400),
                (0xF900, 0xFB00), (0xFE30, 0xFE70), (0xFF00, 0xFFF0))  # fmt: skip
_QUOTES = "“”„‟「」『』〝〞＂'‘’"
_COMMON = "，（）：；！？"  # most frequent folds, done by str.replace at C speed


@lru_cache(maxsize=1)
def _fold_table() -> tuple[dict[str, str], re.Pattern[str]]:
    import unicodedata

    table: dict[str, str] = {}
    for lo, hi in _FOLD_BLOCKS:
        for cp in range(lo, hi):
            ch = chr(cp)
            k = unicodedata.normalize("NFKC", ch)
            if k != ch and len(k) == 1:
                table[ch] = T2S.get(k, k)
    for t, simp in T2S.items():
        table[t] = simp
    for q in _QUOTES:
        table[q] = '"'
    for ch in _COMMON:
        table.pop(ch, None)
    return table, re.compile("[" + re.escape("".join(sorted(table))) + "]")


def _fold(text: str) -> str:
    table, rx = _fold_table()
    for ch in _COMMON:
        if ch in text:
            text = text.replace(ch, _nfkc_char(ch))
    return rx.sub(lambda m: table[m.group()], text)


@lru_cache(maxsize=16)
def _nfkc_char(ch: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", ch)


# Dropped before searching: spaces within lines, and pinyin glosses after Han characters.
# (Spaces between two printed characters only: indentation and the spaces around table pipes
# never split a phrasing, and skipping them keeps the offset map short.)
_SPACES = re.compile(r"(?<=[^\s|])[ \t\r\f\v]+(?=[^\s|])")
_GLOSS = re.compile(r"\([a-zA-Z\u00c0-\u024f\u1e3f]{1,8}\)")
# A line break inside a sentence, as PDF text and fixed-width text wrap prose: after a line
# that does not end a sentence and whose last 20 characters hold no pipe or tab, before a line
# that starts with text. (Table rows and headings are shorter or hold separators, so they stay
# lines of their own.)
_WRAP = re.compile(r"\n(?<=[^\n|\t]{19}[^。;!?:\n|\t]\n)(?=[^\s|])")
_ENDS = "。;!?\n"


@frozen
class _Prose:
    """The document folded for reading (:func:`_fold`, spaces and glosses dropped), with the
    map from its offsets back to the document's."""

    text: str
    clean_starts: list[int]
    raw_starts: list[int]

    def raw(self, i: int) -> int:
        k = bisect.bisect_right(self.clean_starts, i) - 1
        return self.raw_starts[k] + (i - self.clean_starts[k])


def _prepare(text: str, tables: Sequence[tuple[int, int]] = ()) -> _Prose:
    folded = _fold(text)
    parts: list[str] = []
    clean_starts = [0]
    raw_starts = [0]
    at = 0
    length = 0
    drops = [(m.start(), m.end()) for m in _SPACES.finditer(folded)]
    if tables:
        # the lines the extractor read as tables are no prose: not searched (their line
        # breaks stay, so the sentences around them stay apart)
        for start, end in tables:
            a = folded.rfind("\n", 0, start) + 1
            b = folded.find("\n", end)
            drops.append((a, b if b >= 0 else len(folded)))
        drops.sort()
    wraps = [(m.start(), m.end()) for m in _WRAP.finditer(folded)]
    if wraps:
        drops = sorted(drops + wraps)
    if "(" in folded:
        # a gloss follows a Han character, possibly after a space (dropped too)
        glosses = [
            (m.start(), m.end())
            for m in _GLOSS.finditer(folded)
            if (m.start() and "\u3400" <= folded[m.start() - 1] <= "\u9fff")
            or (
                m.start() > 1
                and folded[m.start() - 1] == " "
                and "\u3400" <= folded[m.start() - 2] <= "\u9fff"
            )
        ]
        if glosses:
            drops = sorted(drops + glosses)
    for start, end in drops:
        if start < at:
            continue
        parts.append(folded[at:start])
        length += start - at
        at = end
        clean_starts.append(length)
        raw_starts.append(at)
    parts.append(folded[at:])
    return _Prose("".join(parts), clean_starts, raw_starts)


@frozen
class _Sentence:
    start: int  # in the prepared text
    canon: str
    raw: str
    location: Location


class _Sentences:
    """Sentences of the prepared text around matches, found on demand (matches are few)."""

    def __init__(self, doc: Document, prose: _Prose, line_at: Callable[[int], int]) -> None:
        self.doc = doc
        self.prose = prose
        self.line_at = line_at
        self.cache: dict[int, _Sentence | None] = {}
        self.grids = sorted((g.start, g.end) for g in doc.grids)
        self.grid_starts = [s for s, _ in self.grids]

    def around(self, pos: int) -> _Sentence | None:
        """The sentence holding ``pos``, or None when it lies in a table."""
        t = self.prose.text
        start = max(t.rfind(ch, 0, pos) for ch in _ENDS) + 1
        if start in self.cache:
            return self.cache[start]
        ends = [i for i in (t.find(ch, pos) for ch in _ENDS) if i >= 0]
        end = min(ends) + 1 if ends else len(t)
        sentence = self._make(start, end)
        self.cache[start] = sentence
        return sentence

    def offset_in_raw(self, s: _Sentence, pos: int) -> int:
        """Where prepared-text position ``pos`` (inside ``s``) falls in ``s.raw``."""
        return max(0, min(len(s.raw), self.prose.raw(pos) - s.location.offset))

    def _make(self, start: int, end: int) -> _Sentence | None:
        text = self.doc.text
        raw_start = self.prose.raw(start)
        raw_end = self.prose.raw(max(start, end - 1)) + 1
        if self.grids:
            i = bisect.bisect_right(self.grid_starts, raw_start) - 1
            if i >= 0 and self.grids[i][0] <= raw_start < self.grids[i][1]:
                return None
        line_start = text.rfind("\n", 0, raw_start) + 1
        line_end = text.find("\n", raw_start)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if line.count("|") >= 2 or line.count("\t") >= 2:
            return None  # a row of table cells
        raw = text[raw_start:raw_end]
        lead = len(raw) - len(raw.lstrip())
        raw = raw.strip()
        loc = Location(raw_start + lead, self.line_at(raw_start + lead), len(raw))
        return _Sentence(start, self.prose.text[start:end], raw, loc)


def read_facts(
    doc: Document,
    profile: Profile,
    line_at: Callable[[int], int],
    tables: Sequence[tuple[int, int]] = (),
) -> tuple[tuple[Fact, ...], list[Diagnostic]]:
    """Read the facts ``profile`` declares from ``doc``'s prose.

    ``tables`` are ``[start, end)`` ranges of ``doc.text`` the extractor read as tables (from
    the first cell to the last); their lines are not searched. Returns the facts stated (in the
    profile's order; keys not stated are absent) and the diagnostics of reading them (``GX901``
    ambiguous, ``GX904`` number not readable).
    """
    if not profile.facts or not doc.text:
        return (), []
    specs, guards = _compiled(profile)
    prose = _prepare(doc.text, tables)
    joined = prose.text
    sentences = _Sentences(doc, prose, line_at)
    factors = {u.text: Decimal(u.factor) for u in profile.values.money_units}
    diags: list[Diagnostic] = []
    facts: list[Fact] = []
    for c in specs:
        found: list[Statement] = []
        seen: set[tuple[int, int]] = set()
        for pid, rx in c.numbers:
            for m in rx.finditer(joined):
                s = sentences.around(m.start())
                if s is None or not _admissible(m, s, c, guards, num_start=m.start("num")):
                    continue
                span = (m.start("num"), m.end("num"))
                if span in seen:
                    continue
                seen.add(span)
                value = _value(m, c.spec, factors)
                if value is None:
                    diags.append(
                        dg.make(
                            "GX904",
                            f"{c.spec.key}: {m.group('num')!r} in 「{s.raw}」 is not an exact "
                            f"{'amount' if c.spec.kind == 'money' else 'whole count'}",
                            location=s.location,
                        )
                    )
                    continue
                found.append(
                    Statement(
                        value,
                        _qualifier(m, guards),
                        s.raw,
                        s.location,
                        pid,
                        m["unit"],
                        sentences.offset_in_raw(s, m.start()),
                    )
                )
        for pid, rx in c.negations:
            for m in rx.finditer(joined):
                s = sentences.around(m.start())
                if s is None or not _admissible(m, s, c, guards, num_start=m.end()):
                    continue
                if (-1, s.start) in seen:  # one zero per sentence
                    continue
                seen.add((-1, s.start))
                zero: Number = Decimal(0) if c.spec.kind == "money" else 0
                at = sentences.offset_in_raw(s, m.start())
                found.append(Statement(zero, "exact", s.raw, s.location, pid, None, at))
        if found:
            found.sort(key=lambda st: st.location.offset if st.location else 0)
            fact, diag = _combine(c.spec, found)
            facts.append(fact)
            if diag is not None:
                diags.append(diag)
    return tuple(facts), diags


def _admissible(
    m: re.Match[str], s: _Sentence, c: _Compiled, guards: _Guards, *, num_start: int
) -> bool:
    """The phrasing states the fact itself: not a change or share, not a part, not per channel."""
    if "\n" in m.group(0):
        return False
    if num_start < m.end() and num_start > 0:  # a number pattern: not inside a longer number
        text = m.string
        prev = text[num_start - 1]
        if text[num_start] in _CN_CHARS:
            if prev in _CN_CHARS:
                return False
        elif prev in "0123456789." or (
            prev == "," and num_start > 1 and text[num_start - 2] in "0123456789"
        ):
            return False
    if guards.reject.search(m.string, m.start(), num_start):
        return False
    rel_start = m.start() - s.start
    rel_end = m.end() - s.start
    if guards.parts.search(s.canon, 0, rel_start):
        return False
    if c.exclude is not None:
        cut = guards.parts.search(s.canon, rel_end)
        if c.exclude.search(s.canon, 0, cut.start() if cut else len(s.canon)):
            return False
    return True


def _value(m: re.Match[str], spec: FactSpec, factors: dict[str, Decimal]) -> Number | None:
    if len(m["num"]) > 40:  # no report states such a number; nor may junk cost quadratic time
        return None
    n = read_number(m["num"])
    if n is None:
        return None
    if spec.kind == "money":
        factor = factors.get(m["unit"])
        if factor is None:
            return None
        return n * factor
    if n != n.to_integral_value():
        return None
    return int(n)


def _qualifier(m: re.Match[str], guards: _Guards) -> Qualifier:
    start = m.start("num")
    pre = next((w for w in guards.before if m.string.startswith(w, start - len(w))), None)
    words = [w for w in (pre, m["post"], m["after"]) if w]
    if any(w in guards.at_least for w in words):
        return "at_least"
    if any(w in guards.approx for w in words):
        return "approximate"
    return "exact"


def _combine(spec: FactSpec, found: list[Statement]) -> tuple[Fact, Diagnostic | None]:
    first = found[0]
    values = sorted({st.value for st in found})
    if len(values) == 1:
        exact = any(st.qualifier == "exact" for st in found)
        return (
            Fact(
                spec.key,
                spec.kind,
                "number",
                first.value,
                "exact" if exact else first.qualifier,
                first.raw,
                first.location,
                first.pattern,
                first.unit,
                (),
                tuple(found),
                first.at,
            ),
            None,
        )
    shown = "; ".join(
        f"{st.value} (line {st.location.line if st.location else '?'}: 「{st.raw}」)"
        for st in found
    )
    diag = dg.make(
        "GX901",
        f"{spec.key}: the prose states different values: {shown}",
        location=first.location,
        data={"fact": spec.key, "candidates": [str(v) for v in values]},
    )
    fact = Fact(
        spec.key,
        spec.kind,
        "ambiguous",
        None,
        None,
        first.raw,
        first.location,
        first.pattern,
        None,
        tuple(values),
        tuple(found),
        first.at,
    )
    return fact, diag
