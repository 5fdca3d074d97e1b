"""Reading one table cell's text into a typed value.

The promise is "no silent wrong numbers": a blank cell, a placeholder ("/", "无") and a 0 are
different facts, and text that cannot be read with certainty gets no value. Every format
convention (placeholders, money units and their factors, count units, increase/decrease words)
comes from the :class:`~gxlib.profiles.model.ValueSyntax` passed in; this module only knows how
digits, signs and separators are written.

Normalisation is for reading only — ``raw`` is never changed: Unicode NFKC (full-width digits,
``＋``, ``－``, ``．``), Traditional characters folded to Simplified with the package's table
(``萬元``, ``無``, ``不適用``), whitespace trimmed, dash look-alikes treated as one character
class (a lone dash is a placeholder when the syntax has a dash placeholder; one dash before
digits in a signed column is a minus).

Money values are :class:`decimal.Decimal` in yuan, computed exactly (``number × factor``, no
float, no rounding); counts are :class:`int`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import Context, Decimal, DecimalException, Inexact, InvalidOperation, Overflow
from typing import Literal

from attrs import frozen

from gxlib._t2s import T2S
from gxlib.errors import ProfileError
from gxlib.profiles.model import ValueSyntax, ValueType

__all__ = ["Number", "ParsedValue", "Status", "find_unit", "parse_value"]

Status = Literal["number", "blank", "placeholder", "invalid", "ambiguous", "missing"]
"""``missing`` is never produced here: it is for cells the extractor did not find."""

Number = int | Decimal
UnitSource = Literal["cell", "header", "default"]


@frozen
class ParsedValue:
    """What one cell's text says. ``value`` is set only when ``status == "number"``."""

    status: Status
    value: Number | None = None
    unit: str | None = None
    """The money unit that was applied (as in the syntax, matched in the cell or given)."""
    unit_source: UnitSource | None = None
    note: str | None = None
    """Why the text is invalid or ambiguous, or a remark on an accepted reading."""
    candidates: tuple[Number, ...] = ()
    """For ``ambiguous``: every reading that fits, ascending."""


# -- character classes (how digits and signs are written; not format knowledge) -----------------

# Dash look-alikes, after NFKC (U+2011, U+FE58, U+FE63, U+FF0D, U+FF70 fold into these).
_DASHES = frozenset(
    "-"  # hyphen-minus
    "\u2010"  # hyphen
    "\u2012"  # figure dash
    "\u2013"  # en dash
    "\u2014"  # em dash
    "\u2015"  # horizontal bar
    "\u2212"  # minus sign
    "\u2e3a"  # two-em dash
    "\u2e3b"  # three-em dash
    "\u2043"  # hyphen bullet
    "\u23af"  # horizontal line extension
    "\u02d7"  # modifier letter minus
    "\u2500"  # box drawings light horizontal
    "\u2501"  # box drawings heavy horizontal
    "\u30fc"  # katakana-hiragana prolonged sound mark (IME dash)
)
_TRUE_MINUS = frozenset("-\u2212")
_SIGN_CHARS = "+" + "".join(sorted(_DASHES))
_TO_HYPHEN = str.maketrans(dict.fromkeys(_DASHES, "-"))

# Invisible characters that web copies leave at cell edges.
_EDGE = re.compile(
    r"^[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]+|[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]+$"
)
_SPACE = re.compile(r"\s+")

# Commas that NFKC turns into "," but that Chinese text uses between items, not for grouping.
_WIDE_COMMAS = frozenset("\uff0c\ufe50")

# Compatibility forms that NFKC would turn into digits but that are not digits in a cell:
# footnote markers (¹), list markers (①, ⑴, ⒈), fractions (½).
_REFUSED_TAGS = ("<super>", "<sub>", "<circle>", "<fraction>")

_CHINESE_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟")

_UINT = re.compile(r"(?:0|[1-9][0-9]*)")
_UINT_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")
_UDEC = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_UDEC_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_LEADING_ZERO = re.compile(r"0[0-9]+(?:\.[0-9]+)?")
_DECIMAL_LIKE = re.compile(r"[0-9][0-9,]*\.[0-9]+")
_DIGITS_COMMAS = re.compile(r"[0-9]+(?:,[0-9]+)+(?:\.[0-9]+)?")
# The lookahead asks for a digit in the first chunk without the quadratic backtracking of
# ``[0-9.,]*[0-9][0-9.,]*`` on a long digit run.
_DIGITS_WITH_SPACE = re.compile(r"(?=[.,]*[0-9])[0-9.,]+(?:\s+[0-9.,]+)+")
_DIGITS_ONLY = re.compile(r"[0-9]+")

_MAX_DIGITS = 1000
"""Longer digit strings are refused (far beyond any real cell; keeps ``int()`` and Decimal safe)."""

# Exact arithmetic: any rounding raises and the reading is refused instead of silently altered.
_EXACT = Context(
    prec=4 * _MAX_DIGITS,
    Emax=999_999,
    Emin=-999_999,
    traps=[Inexact, InvalidOperation, Overflow],
)

_OPEN = "([【〔"
_CLOSE = ")]】〕"
_AFTER_UNIT = ")]】〕,;.、。"


# -- per-syntax compiled form ---------------------------------------------------------------------


@frozen
class _Compiled:
    placeholders: frozenset[str]
    placeholder_chars: frozenset[str]
    count_units: tuple[str, ...]
    money_units: tuple[str, ...]
    factors: dict[str, Decimal]
    distinct_factors: tuple[Decimal, ...]
    sign_words: tuple[tuple[str, int], ...]
    header_unit: re.Pattern[str] | None


_T2S_TABLE = str.maketrans(T2S)


def _fold(text: str) -> str:
    """NFKC, then Traditional → Simplified characters (``萬元`` → ``万元``, ``無`` → ``无``).

    Applied alike to cell text, header text and the syntax's own words; it never touches digits.
    """
    return unicodedata.normalize("NFKC", text).translate(_T2S_TABLE)


def _placeholder_key(text: str) -> str:
    return _SPACE.sub("", _fold(text)).translate(_TO_HYPHEN)


def _longest_first(texts: tuple[str, ...]) -> tuple[str, ...]:
    seen = {t for t in (_fold(x).strip() for x in texts) if t}
    return tuple(sorted(seen, key=lambda t: (-len(t), t)))


@functools.lru_cache(maxsize=64)
def _compile(syntax: ValueSyntax) -> _Compiled:
    placeholders = frozenset(k for k in map(_placeholder_key, syntax.placeholders) if k)
    placeholder_chars = frozenset(k for k in placeholders if len(k) == 1)

    factors: dict[str, Decimal] = {}
    for u in syntax.money_units:
        text = _fold(u.text).strip()
        if not text:
            raise ProfileError(f"money unit with empty text (factor {u.factor!r})")
        try:
            factor = Decimal(u.factor.strip())
        except (DecimalException, ValueError):
            factor = Decimal("NaN")
        if not factor.is_finite() or factor <= 0:
            raise ProfileError(
                f"money unit {u.text!r}: factor {u.factor!r} is not a positive number"
            )
        if text in factors and factors[text] != factor:
            raise ProfileError(f"money unit {u.text!r} is given two factors")
        factors[text] = factor
    money_units = _longest_first(tuple(factors))
    distinct = tuple(sorted(set(factors.values())))

    words = [(w, 1) for w in _longest_first(syntax.increase_words)]
    words += [(w, -1) for w in _longest_first(syntax.decrease_words)]
    words.sort(key=lambda p: -len(p[0]))

    header_unit = None
    if money_units:
        alt = "|".join(re.escape(u) for u in money_units)
        o, c, a = (re.escape(s) for s in (_OPEN, _CLOSE, _AFTER_UNIT))
        header_unit = re.compile(
            rf"[{o}](?:[^{o}{c}:]*:)?(?P<p>{alt})[{c}]"  # (元) （单位：万元）
            rf"|:(?P<c>{alt})(?=$|[{a}])"  # 单位：万元
        )
    return _Compiled(
        placeholders=placeholders,
        placeholder_chars=placeholder_chars,
        count_units=_longest_first(syntax.count_units),
        money_units=money_units,
        factors=factors,
        distinct_factors=distinct,
        sign_words=tuple(words),
        header_unit=header_unit,
    )


# -- helpers -------------------------------------------------------------------------------------


def _quote(raw: str) -> str:
    text = raw.strip()
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _invalid(note: str) -> ParsedValue:
    return ParsedValue("invalid", note=note)


@functools.lru_cache(maxsize=512)
def _refused_char(ch: str) -> bool:
    if unicodedata.category(ch) == "No":
        return True
    return unicodedata.decomposition(ch).startswith(_REFUSED_TAGS)


def _strip_suffix(text: str, units: tuple[str, ...]) -> tuple[str, str | None]:
    for u in units:
        if text.endswith(u):
            return text[: -len(u)].rstrip(), u
    return text, None


def _why_not_number(body: str, raw: str, integer: bool) -> str:
    """A note explaining why ``body`` (sign and unit already removed) is not a number."""
    if not body:
        return f"no number in {_quote(raw)}"
    if _DIGITS_WITH_SPACE.fullmatch(body):
        return f"whitespace inside the number {_quote(raw)} (cells run together?)"
    if _LEADING_ZERO.fullmatch(body):
        return f"leading zero in {_quote(raw)} (cells run together?)"
    if integer and _DECIMAL_LIKE.fullmatch(body):
        return f"counts are integers: {_quote(raw)}"
    if _DIGITS_COMMAS.fullmatch(body):
        return f"commas in {_quote(raw)} are not a valid thousands grouping (cells run together?)"
    if all(ch in _CHINESE_NUMERALS for ch in body):
        return f"Chinese numerals are not read: {_quote(raw)}"
    signs = len(body) - len(body.lstrip(_SIGN_CHARS))
    if signs:
        rest = body[signs:]
        if signs > 1 and _DIGITS_ONLY.match(rest):
            return f"more than one sign in {_quote(raw)} (a placeholder run together?)"
        if rest[:1].isspace() and _DIGITS_ONLY.match(rest.lstrip()):
            return f"space between sign and number in {_quote(raw)} (cells run together?)"
    return f"not a number: {_quote(raw)}"


def _digit_count(body: str) -> int:
    return sum(ch.isdigit() for ch in body)


def _read_uint(body: str) -> tuple[int | None, str | None]:
    """``(value, remark)`` for an unsigned integer, or ``(None, None)`` if it is not one."""
    if len(body) > _MAX_DIGITS * 2:
        return None, None
    if _UINT.fullmatch(body):
        return (int(body), None) if len(body) <= _MAX_DIGITS else (None, None)
    if _UINT_GROUPED.fullmatch(body):
        digits = body.replace(",", "")
        if len(digits) > _MAX_DIGITS:
            return None, None
        return int(digits), f"thousands separators removed from {body!r}"
    return None, None


def _read_udec(body: str) -> tuple[Decimal | None, str | None]:
    """``(value, remark)`` for an unsigned decimal, or ``(None, None)`` if it is not one."""
    if len(body) > _MAX_DIGITS * 2 or _digit_count(body) > _MAX_DIGITS:
        return None, None
    if _UDEC.fullmatch(body):
        return Decimal(body), None
    if _UDEC_GROUPED.fullmatch(body):
        return Decimal(body.replace(",", "")), f"thousands separators removed from {body!r}"
    return None, None


def _tidy(value: Decimal) -> Decimal:
    """The same number without trailing fractional zeros (``28539600.00`` → ``28539600``)."""
    if value == value.to_integral_value(context=_EXACT):
        return value.quantize(Decimal(1), context=_EXACT)
    return value.normalize(_EXACT)


def _times(number: Decimal, factor: Decimal) -> Decimal | None:
    try:
        return _tidy(_EXACT.multiply(number, factor))
    except DecimalException:
        return None


def _wide_comma_note(raw: str) -> str:
    return f"full-width comma in {_quote(raw)} may separate two values rather than group digits"


def _join(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return "; ".join(kept) if kept else None


# -- public API ----------------------------------------------------------------------------------


def find_unit(text: str, syntax: ValueSyntax) -> str | None:
    """The money unit stated in a header text, else None.

    For example 本年收费金额（单位：万元） → 万元, 采购总金额(元) → 元, 采购总金额 → None.

    A unit counts as stated when it stands alone in brackets, optionally after a label and a
    colon (``(元)``, ``（单位：万元）``), or right after a colon (``单位：万元``). Whitespace is
    ignored. If the text states units with different factors, nothing certain is stated: None.
    The unit is returned as spelled in the syntax.
    """
    return _find_unit_cached(text, syntax)


@functools.lru_cache(maxsize=1024)
def _find_unit_cached(text: str, syntax: ValueSyntax) -> str | None:
    comp = _compile(syntax)
    if comp.header_unit is None:
        return None
    compact = _SPACE.sub("", _fold(text))
    found = [m.group("p") or m.group("c") for m in comp.header_unit.finditer(compact)]
    if not found or len({comp.factors[u] for u in found}) > 1:
        return None
    return found[0]


def parse_value(
    raw: str,
    kind: ValueType,
    syntax: ValueSyntax,
    *,
    unit: str | None = None,
    unit_source: Literal["header", "default"] = "default",
) -> ParsedValue:
    """Read one cell's text as a value of ``kind``; never raises for any ``str``.

    ``unit`` (money only) is the unit that applies when the cell states none: the header's unit
    (``unit_source="header"``) or the column's default (``"default"``). A unit written in the
    cell wins; disagreeing with the header's unit earns a note. Without any unit a non-zero amount
    is ``ambiguous``, with one candidate per distinct factor of the syntax.

    Raises :class:`ValueError` for an unknown ``kind`` and :class:`~gxlib.errors.ProfileError`
    for a syntax whose money factors are not positive numbers (programming or profile errors,
    never a document's).
    """
    if kind not in ("count", "signed_count", "money"):
        raise ValueError(f"unknown value type {kind!r}")
    return cached_reading(raw, kind, syntax, unit, unit_source)


# Reports repeat the same few cell texts ("0", "1", "/") hundreds of times: a reading is a pure
# function of its arguments and its result is immutable, so each distinct one is computed once.
@functools.lru_cache(maxsize=16384)
def cached_reading(
    raw: str,
    kind: ValueType,
    syntax: ValueSyntax,
    unit: str | None,
    unit_source: Literal["header", "default"],
) -> ParsedValue:
    """:func:`parse_value` without checking ``kind`` (the extractor's kinds come from a
    validated profile); arguments by position."""
    comp = _compile(syntax)
    text = _EDGE.sub("", _fold(raw))
    if not text:
        return ParsedValue("blank")

    key = _SPACE.sub("", text).translate(_TO_HYPHEN)
    if key in comp.placeholders or (key[0] in comp.placeholder_chars and key == key[0] * len(key)):
        return ParsedValue("placeholder")

    if not raw.isascii():
        for ch in raw:
            if not ch.isascii() and _refused_char(ch):
                return _invalid(f"{ch!r} in {_quote(raw)} is not read as a digit")
    wide_comma = not raw.isascii() and any(c in raw for c in _WIDE_COMMAS)

    if kind == "money":
        return _money(text, raw, comp, unit, unit_source, wide_comma)
    return _count(text, raw, comp, signed=kind == "signed_count", wide_comma=wide_comma)


def _count(text: str, raw: str, comp: _Compiled, *, signed: bool, wide_comma: bool) -> ParsedValue:
    body, _unit = _strip_suffix(text, comp.count_units)
    sign = 1
    remark: str | None = None
    word = next((w for w, _ in comp.sign_words if body.startswith(w)), None)
    if word is not None:
        if not signed:
            return _invalid(f"increase/decrease word {word!r} in an unsigned count: {_quote(raw)}")
        sign = dict(comp.sign_words)[word]
        body = body[len(word) :].lstrip()
        if body[:1] == "+" or body[:1] in _DASHES:
            return _invalid(f"sign after increase/decrease word {word!r}: {_quote(raw)}")
    elif body[:1] == "+":
        if not signed:
            return _invalid(f"sign in an unsigned count: {_quote(raw)}")
        body = body[1:]
        if body[:1] and body[:1] in _SIGN_CHARS:
            return _invalid(f"more than one sign in {_quote(raw)}")
    elif body[:1] in _DASHES and body[1:2].isdigit():
        if not signed:
            return _invalid(f"negative count: {_quote(raw)}")
        if body[0] not in _TRUE_MINUS:
            remark = f"{body[0]!r} read as a minus sign"
        sign = -1
        body = body[1:]

    value, grouped = _read_uint(body)
    if value is None:
        money_unit = _strip_suffix(text, comp.money_units)[1]
        if money_unit is not None:
            return _invalid(f"money unit {money_unit!r} in a count: {_quote(raw)}")
        return _invalid(_why_not_number(body, raw, integer=True))
    if grouped and wide_comma:
        return ParsedValue("ambiguous", note=_wide_comma_note(raw), candidates=(sign * value,))
    return ParsedValue("number", sign * value, note=_join(remark, grouped))


def _money(
    text: str,
    raw: str,
    comp: _Compiled,
    unit: str | None,
    unit_source: Literal["header", "default"],
    wide_comma: bool,
) -> ParsedValue:
    body, cell_unit = _strip_suffix(text, comp.money_units)
    if body[:1] == "+":
        return _invalid(f"sign in an amount: {_quote(raw)}")
    if body[:1] in _DASHES and body[1:2].isdigit():
        return _invalid(f"negative amount: {_quote(raw)}")
    number, grouped = _read_udec(body)
    if number is None:
        return _invalid(_why_not_number(body, raw, integer=False))

    given = _fold(unit).strip() if unit is not None else None
    remark: str | None = None
    applied: str | None
    source: UnitSource | None
    if cell_unit is not None:
        applied, source = cell_unit, "cell"
        if (
            given is not None
            and unit_source == "header"
            and comp.factors.get(given) != comp.factors[cell_unit]
        ):
            remark = f"unit {cell_unit!r} in the cell overrides {given!r} from the header"
    elif given is not None and given in comp.factors:
        applied, source = given, unit_source
    elif given is not None and number != 0:
        return _invalid(f"unit {given!r} (from the {unit_source}) is not a known money unit")
    else:
        applied, source = None, None

    if applied is None and number == 0:
        return ParsedValue("number", Decimal(0), note=grouped)

    factors = (comp.factors[applied],) if applied is not None else comp.distinct_factors
    products = [_times(number, f) for f in factors]
    if any(p is None for p in products):
        return _invalid(f"{_quote(raw)} cannot be converted exactly")
    values = tuple(sorted({p for p in products if p is not None}))
    comma = _wide_comma_note(raw) if grouped and wide_comma else None
    if applied is None or comma:
        unstated = None if applied else f"unit not stated in the cell or its header: {_quote(raw)}"
        return ParsedValue(
            "ambiguous",
            unit=applied,
            unit_source=source,
            note=_join(unstated, comma, remark),
            candidates=values,
        )
    return ParsedValue("number", values[0], applied, source, _join(remark, grouped))
