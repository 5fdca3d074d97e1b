"""Normalisation for matching labels and headings — never applied to output values.

Two levels:

* :func:`canonical` folds what does not change a label's identity: Unicode compatibility forms
  (full-width digits and brackets), Traditional characters (the table in :mod:`gxlib._t2s`
  covers every character of the bundled profiles), pinyin glosses after characters
  (``數(shù)據(jù)``), whitespace inside labels, quote variants and doubled punctuation
  (``,、`` ``,,``) left by conversions. A cell whose canonical form equals a label's is that label.
* :func:`match_key` additionally drops all punctuation, so numbering styles (``1、`` / ``1.``)
  and lost brackets still meet. The matcher reports a match that needed this level.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from gxlib._t2s import T2S
from gxlib.document import Step

# Substitution by regex, not str.translate: most texts hold none of these characters, and a
# search that finds none is several times cheaper than translating every character.
_T2S_RE = re.compile("[" + re.escape("".join(sorted(T2S))) + "]")
# A gloss is Latin letters (tone marks included) in brackets right after a Han character.
_GLOSS = re.compile(r"(?<=[\u3400-\u9fff])\([a-zA-Z\u00c0-\u024f\u1e3f]{1,8}\)")
_SPACE = re.compile(r"\s+")
# Necessary for a gloss, also once spaces are gone: a bracket, then (after spaces) a Latin letter.
_GLOSS_HINT = re.compile(r"\(\s*[a-zA-Z\u00c0-\u024f\u1e3f]")
_QUOTES = re.compile("[“”„‟「」『』〝〞＂'‘’]")
_COMMA_RUN = re.compile(r"[,、]{2,}")
_NOT_WORD = re.compile(r"[\W_]+")


def _comma_run(m: re.Match[str]) -> str:
    # Converters double separators (",、" for "、", ",," for ","); the enumeration comma wins.
    return "、" if "、" in m.group(0) else ","


def _t2s(m: re.Match[str]) -> str:
    return T2S[m.group()]


def _nfkc(text: str) -> str:
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


# Characters NFKC leaves alone that also can neither combine with what precedes them (ccc=0,
# NFKC_QC=Yes): ASCII, CJK ideographs, the punctuation of Chinese prose that has no
# compatibility form. Normalisation may restart before each of them (UAX #15, "stable code
# points"), so a document is normalised run by run: only the runs between them — with the
# character before, which may combine with what follows — go through NFKC, each distinct run
# once. (tests/test_normalize.py checks the punctuation listed here against every character.)
_NFKC_RUN = re.compile(
    "(?s).?[^\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff\u3001\u3002\u3008-\u3011\u3014-\u301b"
    "\u2014\u2018\u2019\u201c\u201d]+"
)


@lru_cache(maxsize=4096)
def _nfkc_run(run: str) -> str:
    return unicodedata.normalize("NFKC", run)


# The characters NFKC changes most often in these reports. NFKC of a text depends only on its
# full compatibility decomposition, so replacing them by theirs first changes nothing but the
# work left: str.replace runs at C speed, and most documents are then normalised already.
_COMMON_FOLDS = tuple((ch, unicodedata.normalize("NFKD", ch)) for ch in "，（）：")


def _nfkc_document(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, cheaper on long Chinese text."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    for ch, decomposed in _COMMON_FOLDS:
        if ch in text:
            text = text.replace(ch, decomposed)
    if unicodedata.is_normalized("NFKC", text):
        return text
    return _NFKC_RUN.sub(lambda m: _nfkc_run(m.group()), text)


def fold_chars(text: str) -> str:
    """NFKC, then Traditional → Simplified: the character folds of :func:`canonical`, without
    its removals (spaces, glosses), so that most texts keep their length and offsets."""
    s = _nfkc(text)
    return _T2S_RE.sub(_t2s, s)


def _canonical(text: str) -> str:
    s = _nfkc(text)
    s = _SPACE.sub("", s)  # first, so a gloss set off by a space is still seen as one
    s = _GLOSS.sub("", s)
    s = _T2S_RE.sub(_t2s, s)
    s = _QUOTES.sub('"', s)
    return _COMMA_RUN.sub(_comma_run, s)


canonical = lru_cache(maxsize=65536)(_canonical)
"""Identity-preserving folding of a label-like text (see module doc)."""


@lru_cache(maxsize=65536)
def match_key(text: str) -> str:
    """:func:`canonical` without any punctuation: the key labels are looked up by."""
    return _NOT_WORD.sub("", canonical(text))


def document_key(text: str) -> str:
    """:func:`match_key` of a whole document (not cached: documents are large and seen once)."""
    return fold_document(text)[0]


def explain(text: str) -> tuple[Step, ...]:
    """The normalisation steps that change ``text``, for the report's record.

    Run once per document on the whole text, so a user can see that matching had to fold
    Traditional characters or drop pinyin glosses, as ftfy's ``fix_and_explain`` records fixes.
    """
    return fold_document(text)[1]


def fold_document(text: str) -> tuple[str, tuple[Step, ...]]:
    """:func:`document_key` and :func:`explain` of ``text`` in one pass."""
    steps: list[Step] = []
    nfkc = _nfkc_document(text)
    if nfkc is not text and nfkc != text:
        steps.append(
            Step("nfkc", "full-width or compatibility characters folded (NFKC) for matching")
        )
    hinted = _GLOSS_HINT.search(nfkc) is not None
    glosses = _GLOSS.findall(nfkc) if hinted else []
    if glosses:
        steps.append(
            Step(
                "pinyin-glosses",
                f"{len(glosses)} pinyin gloss(es) after characters ignored for matching, "
                f"e.g. {glosses[0]}",
            )
        )
    folded = len(_T2S_RE.findall(nfkc))
    if folded:
        steps.append(
            Step(
                "traditional",
                f"{folded} Traditional character(s) folded to Simplified for matching",
            )
        )
    # (four substring searches cost less than the regex trying every position)
    doubled = ",," in nfkc or ",、" in nfkc or "、," in nfkc or "、、" in nfkc
    runs = _COMMA_RUN.findall(nfkc) if doubled else []
    if runs:
        steps.append(
            Step(
                "doubled-punctuation",
                f"{len(runs)} doubled separator(s) such as {runs[0]!r} collapsed for matching",
            )
        )
    # canonical() minus the folds of punctuation into punctuation, which the key drops anyway
    # spaces matter only to finding glosses (which may follow one)
    s = _GLOSS.sub("", _SPACE.sub("", nfkc)) if hinted else nfkc
    if folded:
        s = _T2S_RE.sub(_t2s, s)
    return _NOT_WORD.sub("", s), tuple(steps)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        best = i
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            cur[j] = v
            if v < best:
                best = v
        if best > limit:
            return limit + 1
        prev = cur
    return prev[-1]
