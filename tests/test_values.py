"""Reading one cell's text: blank, placeholder, 0, numbers, units, and everything refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, get_args

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gxlib.errors import ProfileError
from gxlib.profiles.model import Unit, ValueSyntax, ValueType
from gxlib.values import Number, ParsedValue, Status, find_unit, parse_value

S = ValueSyntax()
KINDS: tuple[ValueType, ...] = ("count", "signed_count", "money")
STATUSES = set(get_args(Status))
HEADER: dict[str, Any] = {"unit": "万元", "unit_source": "header"}


def pv(raw: str, kind: ValueType = "count", **kw: Any) -> ParsedValue:
    return parse_value(raw, kind, S, **kw)


# -- blank and placeholder -----------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", " ", "\t", "\n", "\u3000", "\u00a0", " \u200b "])
@pytest.mark.parametrize("kind", KINDS)
def test_blank(raw: str, kind: ValueType) -> None:
    assert pv(raw, kind) == ParsedValue("blank")


@pytest.mark.parametrize(
    "raw",
    [
        "/", "-", "—", "——", "－", "无", "不适用", "\\", "／",  # the syntax's own
        " / ", "\u3000无\u3000",  # trimmed
        "//", "///", "———", "--", "无无",  # runs of one placeholder character
        "–", "−", "―", "⸺", "─", "ー", "－－",  # dash look-alikes: a lone dash
        "不 适 用",  # spaced-out characters
    ],
)  # fmt: skip
@pytest.mark.parametrize("kind", KINDS)
def test_placeholder(raw: str, kind: ValueType) -> None:
    assert pv(raw, kind) == ParsedValue("placeholder")


def test_zero_is_neither_blank_nor_placeholder() -> None:
    assert pv("0") == ParsedValue("number", 0)
    assert pv("0", "signed_count") == ParsedValue("number", 0)
    assert pv("0", "money") == ParsedValue("number", Decimal(0))


def test_placeholders_come_from_the_syntax() -> None:
    bare = ValueSyntax(placeholders=("无",))
    assert parse_value("无", "count", bare).status == "placeholder"
    for raw in ("/", "-", "—", "不适用"):
        assert parse_value(raw, "count", bare).status == "invalid", raw
    custom = ValueSyntax(placeholders=("×",))
    assert parse_value("×", "count", custom).status == "placeholder"
    assert parse_value("×××", "count", custom).status == "placeholder"
    assert pv("×").status == "invalid"


# -- count ---------------------------------------------------------------------------------------

COUNT_NUMBERS: list[tuple[str, int, str | None]] = [
    ("0", 0, None),
    ("7", 7, None),
    ("396", 396, None),
    ("4件", 4, None),
    ("4 件", 4, None),
    ("12人次", 12, None),  # longest unit first: 人次 before 次
    ("3次", 3, None),
    ("１２", 12, None),  # full-width digits
    ("１２件", 12, None),
    (" 23\n", 23, None),
    ("1,234", 1234, "thousands separators removed"),
    ("12,345,678", 12345678, "thousands separators removed"),
]


@pytest.mark.parametrize(("raw", "value", "note"), COUNT_NUMBERS)
def test_count_numbers(raw: str, value: int, note: str | None) -> None:
    got = pv(raw)
    assert got.status == "number"
    assert got.value == value
    assert type(got.value) is int
    assert got.unit is None and got.unit_source is None and got.candidates == ()
    if note is None:
        assert got.note is None
    else:
        assert got.note is not None and note in got.note


COUNT_INVALID: list[tuple[str, str]] = [
    ("007", "leading zero"),
    ("00", "leading zero"),
    ("2.0", "integers"),
    ("2.5", "integers"),
    ("２．５", "integers"),
    ("1,234.0", "integers"),
    ("-2", "negative count"),
    ("−2", "negative count"),
    ("－2", "negative count"),
    ("+3", "sign"),
    ("增加3", "increase/decrease"),
    ("十二", "Chinese numerals"),
    ("三", "Chinese numerals"),
    ("三件", "Chinese numerals"),
    ("零", "Chinese numerals"),
    ("abc", "'abc'"),
    ("约3", "'约3'"),
    ("3%", "'3%'"),
    ("(3)", "'(3)'"),
    ("12,34", "thousands grouping"),
    ("1234,567", "thousands grouping"),
    ("0,123", "thousands grouping"),
    ("1 234", "whitespace inside"),
    ("396 0 181", "whitespace inside"),
    ("件", "no number"),
    ("5元", "money unit"),
    ("2823.12万", "money unit"),
    ("1²", "not read as a digit"),  # footnote marker: NFKC would make it "12"
    ("①", "not read as a digit"),
    ("⑴", "not read as a digit"),
    ("٣", "not a number"),  # other-script digits
    ("1e3", "not a number"),
    ("9" * 1001, "not a number"),  # absurdly long: refused, not int()-ed
]


@pytest.mark.parametrize(("raw", "note"), COUNT_INVALID)
def test_count_invalid(raw: str, note: str) -> None:
    got = pv(raw)
    assert got.status == "invalid"
    assert got.value is None
    assert got.note is not None and note in got.note


def test_full_width_comma_is_not_a_certain_thousands_separator() -> None:
    # 「1，234」 in Chinese text may be two values 1 and 234 run together.
    got = pv("1，234")
    assert got.status == "ambiguous"
    assert got.value is None
    assert got.candidates == (1234,)
    assert got.note is not None and "comma" in got.note


def test_raw_is_not_changed() -> None:
    raw = " １２件 "
    pv(raw)
    assert raw == " １２件 "


# -- signed count --------------------------------------------------------------------------------

SIGNED_NUMBERS: list[tuple[str, int, str | None]] = [
    ("+1036", 1036, None),
    ("＋1036", 1036, None),
    ("-2", -2, None),
    ("−2", -2, None),  # U+2212 MINUS SIGN
    ("－2", -2, None),  # full-width hyphen-minus
    ("﹣2", -2, None),  # small hyphen-minus
    ("—2", -2, "minus"),  # em dash before digits: a minus, remarked
    ("–2", -2, "minus"),
    ("0", 0, None),
    ("+0", 0, None),
    ("-0", 0, None),
    ("17", 17, None),
    ("增加3", 3, None),
    ("增3", 3, None),
    ("减少2", -2, None),
    ("减2", -2, None),
    ("增加 3", 3, None),
    ("减少2件", -2, None),
    ("+3项", 3, None),
    ("-1,234", -1234, "thousands separators removed"),
]


@pytest.mark.parametrize(("raw", "value", "note"), SIGNED_NUMBERS)
def test_signed_numbers(raw: str, value: int, note: str | None) -> None:
    got = pv(raw, "signed_count")
    assert got.status == "number"
    assert got.value == value
    assert type(got.value) is int
    if note is None:
        assert got.note is None
    else:
        assert got.note is not None and note in got.note


SIGNED_INVALID: list[tuple[str, str]] = [
    ("——2", "more than one sign"),
    ("--2", "more than one sign"),
    ("+-3", "more than one sign"),
    ("- 2", "space between sign"),
    ("增加+3", "sign after"),
    ("减少-2", "sign after"),
    ("+007", "leading zero"),
    ("-2.5", "integers"),
    ("+", "no number"),
    ("增加", "no number"),
    ("±3", "not a number"),
    ("减少两", "Chinese numerals"),
]


@pytest.mark.parametrize(("raw", "note"), SIGNED_INVALID)
def test_signed_invalid(raw: str, note: str) -> None:
    got = pv(raw, "signed_count")
    assert got.status == "invalid"
    assert got.value is None
    assert got.note is not None and note in got.note


def test_sign_words_come_from_the_syntax() -> None:
    syntax = ValueSyntax(increase_words=("上升",), decrease_words=("下降",))
    assert parse_value("上升4", "signed_count", syntax).value == 4
    assert parse_value("下降4", "signed_count", syntax).value == -4
    assert parse_value("增加4", "signed_count", syntax).status == "invalid"


# -- money ---------------------------------------------------------------------------------------

MONEY_NUMBERS: list[tuple[str, dict[str, Any], Decimal, str | None, str | None]] = [
    ("2853.96万元", {}, Decimal("28539600"), "万元", "cell"),
    ("1591249元", {}, Decimal("1591249"), "元", "cell"),
    ("2823.12万", {}, Decimal("28231200"), "万", "cell"),
    ("251000元", {}, Decimal("251000"), "元", "cell"),
    ("96171.6", HEADER, Decimal("961716000"), "万元", "header"),
    ("96171.6", {"unit": "万元"}, Decimal("961716000"), "万元", "default"),
    ("2853.96 万元", {}, Decimal("28539600"), "万元", "cell"),
    ("２８５３．９６万元", {}, Decimal("28539600"), "万元", "cell"),
    ("1.5亿元", {}, Decimal("150000000"), "亿元", "cell"),
    ("0.5元", {}, Decimal("0.5"), "元", "cell"),
    ("12.345元", {}, Decimal("12.345"), "元", "cell"),
    ("0.00001万元", {}, Decimal("0.1"), "万元", "cell"),
    ("12", {"unit": "元"}, Decimal("12"), "元", "default"),
    ("8万", HEADER, Decimal("80000"), "万", "cell"),  # same factor as the header: no note
    ("0", {}, Decimal(0), None, None),  # 0 in any unit
    ("0.00", {}, Decimal(0), None, None),
    ("0", HEADER, Decimal(0), "万元", "header"),
    ("0元", {}, Decimal(0), "元", "cell"),
]


@pytest.mark.parametrize(("raw", "kw", "value", "unit", "source"), MONEY_NUMBERS)
def test_money_numbers(
    raw: str, kw: dict[str, Any], value: Decimal, unit: str | None, source: str | None
) -> None:
    got = pv(raw, "money", **kw)
    assert got.status == "number"
    assert isinstance(got.value, Decimal)
    assert got.value == value
    assert got.unit == unit
    assert got.unit_source == source
    assert got.note is None
    assert got.candidates == ()


def test_money_is_tidy_and_exact() -> None:
    got = pv("2853.96万元", "money")
    assert str(got.value) == "28539600"  # no spurious ".00" of false precision
    assert pv("0.1元", "money").value == Decimal("0.1")  # not 0.1000000000000000055…


def test_money_thousands_separators() -> None:
    got = pv("1,234.5万元", "money")
    assert got.status == "number"
    assert got.value == Decimal("12345000")
    assert got.note is not None and "thousands separators removed" in got.note


def test_cell_unit_beats_header_unit_with_a_note() -> None:
    got = pv("251000元", "money", **HEADER)
    assert got.status == "number"
    assert got.value == Decimal("251000")
    assert (got.unit, got.unit_source) == ("元", "cell")
    assert got.note is not None and "元" in got.note and "万元" in got.note


def test_cell_unit_beats_default_unit_silently() -> None:
    got = pv("251000元", "money", unit="万元")
    assert (got.value, got.unit, got.unit_source, got.note) == (Decimal(251000), "元", "cell", None)


def test_money_without_any_unit_is_ambiguous() -> None:
    got = pv("96171.6", "money")
    assert got.status == "ambiguous"
    assert got.value is None and got.unit is None
    # 元, and 万元 = 万 (deduplicated), and 亿元; ascending
    assert got.candidates == (
        Decimal("96171.6"),
        Decimal("961716000"),
        Decimal("9617160000000"),
    )
    assert got.note is not None and "unit not stated" in got.note


def test_full_width_comma_in_money_is_ambiguous() -> None:
    got = pv("1，234元", "money")
    assert got.status == "ambiguous"
    assert got.candidates == (Decimal(1234),)
    assert got.unit == "元"


MONEY_INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("-5元", {}, "negative amount"),
    ("−2853.96万元", {}, "negative amount"),
    ("+5元", {}, "sign"),
    ("007元", {}, "leading zero"),
    ("00.5", HEADER, "leading zero"),
    (".5元", {}, "not a number"),
    ("5.元", {}, "not a number"),
    ("2853·96万元", {}, "not a number"),
    ("约100万元", {}, "not a number"),
    ("三万元", {}, "Chinese numerals"),
    ("100千元", {}, "not a number"),  # unit unknown to the syntax
    ("100", {"unit": "千元", "unit_source": "header"}, "not a known money unit"),
    ("4件", {}, "not a number"),
    ("元", {}, "no number"),
    ("12 34万元", {}, "whitespace inside"),
    ("1,23元", {}, "thousands grouping"),
    ("1.2.3元", {}, "not a number"),
    ("5²元", {}, "not read as a digit"),
]


@pytest.mark.parametrize(("raw", "kw", "note"), MONEY_INVALID)
def test_money_invalid(raw: str, kw: dict[str, Any], note: str) -> None:
    got = pv(raw, "money", **kw)
    assert got.status == "invalid"
    assert got.value is None
    assert got.note is not None and note in got.note


def test_money_units_come_from_the_syntax() -> None:
    syntax = ValueSyntax(money_units=(Unit("元", "1"), Unit("千元", "1000")))
    assert parse_value("1.5千元", "money", syntax).value == Decimal(1500)
    assert parse_value("1.5万元", "money", syntax).status == "invalid"
    got = parse_value("7", "money", syntax)
    assert got.status == "ambiguous" and got.candidates == (Decimal(7), Decimal(7000))
    one = ValueSyntax(money_units=(Unit("元", "1"),))
    assert parse_value("7", "money", one).status == "ambiguous"  # not stated, even if one fits


@pytest.mark.parametrize("factor", ["", "abc", "0", "-1", "NaN", "Infinity"])
def test_bad_factor_is_a_profile_error(factor: str) -> None:
    syntax = ValueSyntax(money_units=(Unit("元", factor),))
    with pytest.raises(ProfileError):
        parse_value("1元", "money", syntax)


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="value type"):
        parse_value("1", "percent", S)  # type: ignore[arg-type]


def test_traditional_characters_are_read() -> None:
    # Seed 000 is in Traditional characters: 「2853.96萬元」, and 無 / 不適用 as placeholders.
    got = pv("2853.96萬元", "money")
    assert (got.status, got.value, got.unit, got.unit_source) == (
        "number",
        Decimal("28539600"),
        "万元",
        "cell",
    )
    assert pv("1.5億元", "money").value == Decimal("150000000")
    assert pv("無").status == "placeholder"
    assert pv("不適用", "money").status == "placeholder"
    assert pv("減少2", "signed_count").value == -2
    assert pv("3項").value == 3
    assert find_unit("本年收費金額（單位：萬元）", S) == "万元"


# -- find_unit -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("本年收费金额（单位：万元）", "万元"),
        ("本年收费金额(单位:万元)", "万元"),
        ("采购总金额(元)", "元"),
        ("采购总金额（元）", "元"),
        ("采购总金额（万）", "万"),
        ("采购总金额【亿元】", "亿元"),
        ("单位：万元", "万元"),
        ("单位：万元。", "万元"),
        ("本 年 收 费 金 额 （ 单 位 ： 万 元 ）", "万元"),
        ("金额（万元）（单位：万）", "万元"),  # same factor twice: certain
        ("采购总金额", None),
        ("本年收费金额", None),
        ("金额(元)单位:万元", None),  # contradictory: nothing certain
        ("说明：元旦", None),
        ("金额（元/万元）", None),
        ("采购项目数量（件）", None),
        ("", None),
    ],
)
def test_find_unit(text: str, unit: str | None) -> None:
    assert find_unit(text, S) == unit


def test_find_unit_without_money_units() -> None:
    assert find_unit("金额（元）", ValueSyntax(money_units=())) is None


def test_header_unit_round_trip() -> None:
    header = "本年收费金额（单位：万元）"
    got = pv("96171.6", "money", unit=find_unit(header, S), unit_source="header")
    assert (got.status, got.value, got.unit_source) == ("number", Decimal("961716000"), "header")


# -- properties ----------------------------------------------------------------------------------

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@given(st.integers(min_value=0, max_value=10**60))
def test_count_reads_any_non_negative_int(n: int) -> None:
    assert pv(str(n)) == ParsedValue("number", n)
    assert pv(str(n), "signed_count") == ParsedValue("number", n)
    assert pv(str(n).translate(_FULL_WIDTH)).value == n
    grouped = pv(f"{n:,}")
    assert grouped.status == "number" and grouped.value == n


@given(st.integers(min_value=1, max_value=10**30))
def test_signed_reads_both_signs(n: int) -> None:
    assert pv(f"+{n}", "signed_count").value == n
    assert pv(f"-{n}", "signed_count").value == -n
    assert pv(f"-{n}").status == "invalid"


@given(
    st.integers(min_value=0, max_value=10**18),
    st.integers(min_value=0, max_value=8),
    st.sampled_from(S.money_units),
    st.sampled_from(["", " "]),
)
def test_money_value_is_number_times_factor(n: int, places: int, unit: Unit, gap: str) -> None:
    number = Decimal(n).scaleb(-places)
    text = f"{number:f}"
    got = pv(f"{text}{gap}{unit.text}", "money")
    assert got.status == "number"
    assert got.value == Decimal(text) * Decimal(unit.factor)
    assert (got.unit, got.unit_source) == (unit.text, "cell")
    from_header = pv(text, "money", unit=unit.text, unit_source="header")
    assert from_header.value == got.value
    assert from_header.unit_source == "header"


_INTERESTING = st.sampled_from(
    [
        *"0123456789０１２３４５６７８９+-−—–－＋.．,，、 \t\n/\\／",
        *("无", "不适用", "万元", "万", "元", "亿元", "件", "人次", "增加", "减", "十", "二"),
        *("\u200b", "\ufeff", "²", "①", "٣", "e", "E", "%", "(", ")", "（", "：", "ー", "─"),
    ]
)
_CELL_TEXT = st.one_of(st.text(), st.lists(_INTERESTING, max_size=12).map("".join))
_UNIT_ARG = st.sampled_from([None, "元", "万元", "万", "亿元", "千元", "", " 万元 "])


@given(
    _CELL_TEXT,
    st.sampled_from(KINDS),
    _UNIT_ARG,
    st.sampled_from(["header", "default"]),
)
def test_never_raises_and_is_consistent(
    raw: str, kind: ValueType, unit: str | None, source: Literal["header", "default"]
) -> None:
    got = parse_value(raw, kind, S, unit=unit, unit_source=source)
    assert isinstance(got, ParsedValue)
    assert got.status in STATUSES and got.status != "missing"
    if got.status != "number":
        assert got.value is None
    if got.status in ("invalid", "ambiguous"):
        assert got.note
    if got.status == "ambiguous":
        assert got.candidates
        assert list(got.candidates) == sorted(set(got.candidates))
    else:
        assert got.candidates == ()
    if got.status == "number":
        value: Number | None = got.value
        if kind == "money":
            assert isinstance(value, Decimal) and value.is_finite() and value >= 0
        else:
            assert type(value) is int
            if kind == "count":
                assert value >= 0
    if kind != "money" or got.status in ("blank", "placeholder", "invalid"):
        assert got.unit is None and got.unit_source is None
    if raw.strip() == "":
        assert got.status == "blank"


@given(st.sampled_from(S.placeholders), st.sampled_from(["", " ", "\u3000", "\t"]))
def test_every_placeholder_is_read_as_one(placeholder: str, pad: str) -> None:
    for kind in KINDS:
        assert pv(pad + placeholder + pad, kind).status == "placeholder"


@given(st.integers(min_value=0, max_value=10**9))
def test_leading_zero_is_never_silently_dropped(n: int) -> None:
    assume(n > 0)
    assert pv(f"0{n}").status == "invalid"
    assert pv(f"0{n}", "money", unit="元").status == "invalid"
