"""Tests of gxlib.normalize: the whole-document fold equals the per-label definitions."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gxlib.normalize import fold_document, match_key

_ALPHABET = st.one_of(
    st.sampled_from(list("政府信息公開報告數據(shù)(jù)（一）1、2.,、,,“”「」 \t\n　０１２ＡＢ")),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80),
    st.characters(codec="utf-8"),
)


@settings(max_examples=300)
@given(st.text(alphabet=_ALPHABET, max_size=60))
@example("數 (shù)據")  # a gloss set off by a space
def test_document_key_is_the_match_key_of_the_whole_text(text: str) -> None:
    # match_key drops punctuation of canonical(); the document fold must do the same in one pass
    key, _steps = fold_document(text)
    assert key == match_key(text)


def test_steps_name_what_was_folded() -> None:
    _key, steps = fold_document("數(shù)據(jù)統計，，報告１２")
    assert [s.what for s in steps] == [
        "nfkc",
        "pinyin-glosses",
        "traditional",
        "doubled-punctuation",
    ]
    assert fold_document("政府信息公开")[1] == ()


_NFKC_ALPHABET = st.one_of(
    st.sampled_from(
        list("，。、（）：；“”‘’—…《》「」〔〕〈〉【】　ａＡ１㈠①ｶﾞ\u0301\u0308\u0323e")
    ),
    st.sampled_from(["\u1100", "\u1161", "\u11a8", "\uac00", "\u0b47", "\u0b3e", "\u0b57"]),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E10),
    st.characters(min_codepoint=0xF900, max_codepoint=0xF910),
    st.characters(codec="utf-8"),
)


@settings(max_examples=500)
@given(st.text(alphabet=_NFKC_ALPHABET, max_size=40))
def test_document_nfkc_equals_unicodedata(text: str) -> None:
    import unicodedata

    from gxlib.normalize import _nfkc_document

    assert _nfkc_document(text) == unicodedata.normalize("NFKC", text)


def test_the_stable_punctuation_is_a_restart_point_after_any_character() -> None:
    """Each punctuation mark the run-by-run NFKC treats as stable is left as it is and never
    combines with the character before it, whatever that is (every BMP character checked)."""
    import re
    import unicodedata

    from gxlib.normalize import _NFKC_RUN

    listed = _NFKC_RUN.pattern[_NFKC_RUN.pattern.index("[^") + 2 : _NFKC_RUN.pattern.rindex("]")]
    spelled = re.sub(
        "(.)-(.)", lambda m: "".join(map(chr, range(ord(m[1]), ord(m[2]) + 1))), listed, flags=re.S
    )
    marks = [ch for ch in spelled if not ch.isascii() and unicodedata.category(ch) != "Lo"]
    assert "〔" in marks and "—" in marks
    before = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    alone = [unicodedata.normalize("NFKC", x) for x in before]
    for mark in marks:
        together = unicodedata.normalize("NFKC", "".join(x + mark + "\n" for x in before))
        assert together == "".join(x + mark + "\n" for x in alone), mark
