"""A TrueType font whose every CJK, full-width and ASCII character is a box, for writing PDFs
that any PDF library can read without a CJK font installed.

reportlab's built-in CJK fonts (STSong-Light) are not embedded: a reader then draws them with a
system font, and a machine without CJK fonts gives their glyphs no extent (PDFium drops a text
object of one such glyph entirely). Embedding this font makes generated PDFs self-contained,
as real reports are. Needs fontTools (a test dependency).
"""

from __future__ import annotations

import io
from functools import lru_cache

_RANGES = (
    (0x20, 0x7E),
    (0x2000, 0x206F),  # general punctuation (quotes, dashes)
    (0x3000, 0x303F),  # CJK punctuation
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xFF00, 0xFFEF),  # full-width forms
)


@lru_cache(maxsize=1)
def box_font() -> bytes:
    """The font file's bytes: wide characters 1 em wide, ASCII half, each glyph a box."""
    try:
        from fontTools.fontBuilder import FontBuilder
        from fontTools.pens.ttGlyphPen import TTGlyphPen
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        from gxlib.errors import MissingExtraError

        raise MissingExtraError("test", "fonttools") from exc

    def box(x0: int, x1: int) -> object:
        pen = TTGlyphPen(None)
        pen.moveTo((x0, -60))
        pen.lineTo((x0, 800))
        pen.lineTo((x1, 800))
        pen.lineTo((x1, -60))
        pen.closePath()
        return pen.glyph()

    fb = FontBuilder(1000, isTTF=True)
    names = [".notdef", "space", "half", "wide"]
    fb.setupGlyphOrder(names)
    cmap: dict[int, str] = {}
    for lo, hi in _RANGES:
        for cp in range(lo, hi + 1):
            cmap[cp] = "half" if cp < 0x2000 else "wide"
    cmap[0x20] = "space"
    cmap[0x3000] = "space"
    fb.setupCharacterMap(cmap)
    empty = TTGlyphPen(None).glyph()
    fb.setupGlyf(
        {".notdef": box(50, 450), "space": empty, "half": box(60, 440), "wide": box(60, 940)}
    )
    fb.setupHorizontalMetrics(
        {".notdef": (500, 50), "space": (500, 0), "half": (500, 60), "wide": (1000, 60)}
    )
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "GxlibBox", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    out = io.BytesIO()
    fb.save(out)
    return out.getvalue()
