"""Metamorphic mutations seen in real documents; none of them may change what gxlib reads.

Label mutations transform label and heading texts, value mutations transform value cells,
document mutations transform the whole rendered text (line ends, encodings).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from gxlib._t2s import T2S

_S2T: dict[str, str] = {}
for _t, _s in sorted(T2S.items()):
    _S2T.setdefault(_s, _t)
_S2T_TABLE = str.maketrans(_S2T)
_FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
_SYLLABLES = ("shù", "jù", "guān", "lǐng", "tǒng", "xiàn", "wù", "fā", "zhí", "jiǎn", "yè", "lì")


def traditional(text: str) -> str:
    """Simplified → Traditional for every character the fold table knows."""
    return text.translate(_S2T_TABLE)


def glosses(text: str, seed: int = 0) -> str:
    """Pinyin glosses after some Han characters, as in 「數(shù)據(jù)」."""
    rnd = random.Random(seed)
    out = []
    for ch in text:
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff" and rnd.random() < 0.3:
            out.append(f"({rnd.choice(_SYLLABLES)})")
    return "".join(out)


def spaced(text: str) -> str:
    """A space between every character of a label: 「三 、 本 年 度 办 理 结 果」."""
    return " ".join(text)


def doubled_punctuation(text: str) -> str:
    """Separators doubled by a conversion: 「,、」 for 「、」, 「,,」 for 「，」."""
    return text.replace("、", ",、").replace("，", ",,")


def fullwidth(text: str) -> str:
    """ASCII → full-width forms (digits, brackets, dots)."""
    return text.translate(_FULLWIDTH)


def numbering_comma(text: str) -> str:
    """「1.」 → 「1、」 numbering."""
    out = []
    for i, ch in enumerate(text):
        if ch in ".．" and i > 0 and text[i - 1].isdigit():
            out.append("、")
        else:
            out.append(ch)
    return "".join(out)


# In the order they compose, as real conversions stack them (glosses are added last, to the
# characters as printed).
LABEL_MUTATIONS: dict[str, Callable[[str], str]] = {
    "traditional": traditional,
    "numbering_comma": numbering_comma,
    "fullwidth": fullwidth,
    "spaced": spaced,
    "doubled_punctuation": doubled_punctuation,
    "glosses": glosses,
}

VALUE_MUTATIONS: dict[str, Callable[[str], str]] = {"fullwidth_digits": fullwidth}


def compose(names: list[str], table: dict[str, Callable[[str], str]]) -> Callable[[str], str]:
    order = list(table)
    fns = [table[n] for n in sorted(names, key=order.index)]

    def apply(text: str) -> str:
        for fn in fns:
            text = fn(text)
        return text

    return apply


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16")


def encode(text: str, encoding: str) -> bytes | None:
    """The document in ``encoding``, or None when the text cannot be written in it."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return None
