"""Engine failures found by the property tests, each kept as a small explicit example."""

from __future__ import annotations

import gxlib

HEAD_2021 = "二、主动公开政府信息情况\n第二十条第（一）项\n"


def test_single_pipe_row_is_a_pipe_table() -> None:
    # one pipe line used to fall back to the plain style, and the row label swallowed its value
    text = (
        HEAD_2021 + "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 3 | 1 | 9 |\n"
    )
    r = gxlib.parse_text(text, profile="gov-2021")
    assert [
        r.value("regulatory_documents", "regulations", c)
        for c in ("issued", "repealed", "in_force")
    ] == [3, 1, 9]


def test_fuzzy_match_never_absorbs_digits() -> None:
    from gxlib.labels import compile_labels

    labels = compile_labels(gxlib.profiles.get("gov-2021"))["proactive"]
    assert labels.match("规章1") is None
    assert labels.match("行政规范性文件1") is None
    # digits glued to a label are its first cell, never part of the label
    r = gxlib.parse_text(HEAD_2021 + "规章1 | 2 | 3 |\n", profile="gov-2021")
    assert [
        r.value("regulatory_documents", "regulations", c)
        for c in ("issued", "repealed", "in_force")
    ] == [1, 2, 3]


def test_markdown_repeats_spanning_labels() -> None:
    row = (
        "| 一、本年新收政府信息公开申请数量 | 一、本年新收政府信息公开申请数量 | "
        "一、本年新收政府信息公开申请数量 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |"
    )
    text = "三、收到和处理政府信息公开申请情况\n" + row + "\n"
    r = gxlib.parse_text(text, profile="gov-2021")
    assert r.value("requests", "new", "natural_person") == 5
    assert r.value("requests", "new", "total") == 5
    assert not any(d.code == "GX205" for d in r.diagnostics)


def test_wrapped_label_beats_fuzzy_first_half() -> None:
    text = (
        "三、收到和处理政府信息公开申请情况\n5.要求行政机关确认或重新出具已获取\n"
        "信息  1  0  0  0  0  0  1\n"
    )
    r = gxlib.parse_text(text, profile="gov-2021")
    assert r.value("requests", "not_processed.confirmation", "natural_person") == 1
    assert not any(d.code in ("GX302", "GX401") for d in r.diagnostics)


def test_vertical_stub_characters_before_row_labels() -> None:
    text = (
        "三、收到和处理政府信息公开申请情况\n三 （一）予以公开  2  0  0  0  0  0  2\n"
        "本 （三）不予公开1.属于国家秘密  1  0  0  0  0  0  1\n"
    )
    r = gxlib.parse_text(text, profile="gov-2021")
    assert r.value("requests", "granted", "total") == 2
    assert r.value("requests", "denied.state_secret", "total") == 1


def test_blank_last_cell_in_cell_per_line_text() -> None:
    text = "二、主动公开政府信息情况\n规章 |\n1 |\n2 |\n|\n|\n行政规范性文件 |\n|\n4 |\n5 |\n|\n"
    r = gxlib.parse_text(text, profile="gov-2021")
    assert r.cell("regulatory_documents", "regulations", "in_force").status == "blank"
    assert r.value("regulatory_documents", "regulations", "repealed") == 2
    assert r.cell("regulatory_documents", "normative_documents", "issued").status == "blank"
    assert r.value("regulatory_documents", "normative_documents", "in_force") == 5


def test_lone_pipe_before_flat_values_is_never_guessed() -> None:
    # 14 values after a lone "|": a blank first cell, or a truncated table? The text can't say.
    text = "四、政府信息公开行政复议、行政诉讼情况\n总计 |\n|\n" + "".join(
        f"{i} |\n" for i in range(1, 15)
    )
    r = gxlib.parse_text(text, profile="gov-2021")
    cells = [c for c in r.cells() if c.table == "appeals"]
    assert all(c.status == "ambiguous" and c.value is None for c in cells)


def test_heading_judged_after_folding() -> None:
    spaced = " ".join("收到和处理政府信息公开申请情况")
    text = f"三、{spaced}\n（七）总计 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
    r = gxlib.parse_text(text, profile="gov-2021")
    assert r.section("requests").found


def test_flat_table_not_read_from_another_section() -> None:
    # section 四 cut off: its flat table must not take section 三's numbers, though 总计 is
    # printed in both
    text = (
        "三、收到和处理政府信息公开申请情况\n自然人 | 总计 |\n"
        "一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n"
    )
    r = gxlib.parse_text(text, profile="gov-2021")
    assert not r.table("appeals").found


def test_spaced_wrapped_label_continues_in_tab_text() -> None:
    label = " ".join("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
    text = (
        "三、收到和处理政府信息公开申请情况\n\t"
        + label[:11]
        + "\n"
        + label[11:]
        + "\n"
        + "\n".join(["\t0"] * 6 + ["\t7"])
        + "\n"
    )
    r = gxlib.parse_text(text, profile="gov-2021")
    assert r.value("requests", "other.no_correction", "total") == 7


def test_blanks_in_space_separated_flat_table_are_not_shifted() -> None:
    text = "四、政府信息公开行政复议、行政诉讼情况\n结果维持 总计\n" + "  ".join(["1"] * 14) + "\n"
    r = gxlib.parse_text(text, profile="gov-2021")
    assert all(c.status == "ambiguous" for c in r.cells() if c.table == "appeals")


def test_stand_in_row_not_counted_twice() -> None:
    # a 2021 report printing both the three （六） sub-rows and the single 2019 row: the rule
    # must not add the single row on top of its sub-rows
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "seeds" / "004_c38613461617f9e0.txt").read_text(
        encoding="utf-8"
    )
    at = text.index("\t\n\t（七）总计")
    single = "\t\n\t（六）其他处理\n" + "\n".join(["\t1"] + ["\t0"] * 5 + ["\t1"]) + "\n\n"
    r = gxlib.parse_text(text[:at] + single + text[at:])
    assert r.value("requests", "other", "natural_person") == 1
    assert r.value("requests", "other.other", "natural_person") == 0
    rules = {d.data.get("rule") for d in r.diagnostics if d.code == "GX501"}
    assert "requests.outcomes_total" not in rules


def test_wrapped_row_number_is_not_a_glued_value() -> None:
    text = (
        "三、收到和处理政府信息公开申请情况\n（四）无法提供1.\n"
        "本机关不掌握相关政府信息  2  0  0  0  0  0  2\n"
    )
    r = gxlib.parse_text(text, profile="gov-2021")
    assert r.value("requests", "unavailable.not_held", "total") == 2


def test_truncated_row_is_not_read_as_run_together() -> None:
    text = "二、主动公开政府信息情况\n第二十条第（六）项\n行政处罚 |\n100 |\n"
    r = gxlib.parse_text(text, profile="gov-2019")
    cells = [
        r.cell("enforcement", "administrative_penalty", c)
        for c in ("items_last_year", "items_change", "decisions")
    ]
    assert [(c.status, c.value) for c in cells] == [
        ("number", 100),
        ("missing", None),
        ("missing", None),
    ]


def test_fast_token_equals_the_named_constructor() -> None:
    # tokens._tok builds Token tuples directly; it must stay equal to the constructor's result
    from gxlib.tokens import Token, _tok

    assert _tok("  行政许可 ", 10, 3, True) == Token("行政许可", 12, 3, True)
    assert _tok("", 5, 1, False) == Token("", 5, 1, False)
    assert type(_tok("0", 0, 1, False)) is Token
    assert len(Token._field_defaults) == 5 and len(Token._fields) == 9


def test_label_match_cache_is_bounded() -> None:
    # compiled labels live for the whole process: their memo must not grow with the corpus
    from gxlib import labels as labels_module
    from gxlib.labels import compile_labels
    from gxlib.profiles import get

    section = compile_labels(get("gov-2021"))["requests"]
    for i in range(labels_module._CACHE_TEXTS + 10):
        section.match(f"本年度第{i}项工作")
    assert len(section._cache) <= labels_module._CACHE_TEXTS
    assert section.match("（七）总计") is not None  # still matches after a clear


def test_pipes_row_starting_with_an_empty_cell_is_not_a_markdown_pipe() -> None:
    # 「 | 0 | 0 |…」 in text whose pipe lines start with a cell: the first cell is empty. Read as
    # a Markdown leading pipe, a flat table's values shifted one column left (a blank read as 0).
    import attrs

    from gxlib.testing import mismatches, render_report, reports
    from gxlib.testing.strategies import Expected

    base = reports("gov-2019", blanks=False, placeholders=False).example()
    cells = {
        k: (Expected("number", 3, "3") if k[0] == "appeals" else v) for k, v in base.cells.items()
    }
    cells[("appeals", "review", "upheld")] = Expected("blank", None, "")
    cells[("appeals", "review", "total")] = Expected("number", 9, "9")  # 3 + 3 + 3
    gen = attrs.evolve(base, cells=cells)
    text = render_report(gen, "pipes")
    assert "\n | 3 | 3 |" in text
    assert mismatches(gen, gxlib.parse_text(text)) == []
