"""Junk and damage: only gxlib's own exceptions escape, damaged tables never put a value in the
wrong cell, and nothing hangs."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gxlib
from gxlib import profiles
from gxlib.testing import mismatches, render_report, reports

PROFILES = profiles.available()


def _parse_or_gxlib_error(source: object) -> gxlib.Report | None:
    try:
        return gxlib.parse(source)
    except gxlib.GxlibError:
        return None


def _no_wrong_values(gen: object, report: gxlib.Report) -> None:
    """Every cell is read right, or is not a number at all (missing, ambiguous...)."""
    if report.profile != gen.profile:  # type: ignore[attr-defined]
        return  # too little left to tell the format; other keys
    for (t, r, c), exp in gen.cells.items():  # type: ignore[attr-defined]
        cell = report.cell(t, r, c)
        if cell.status == "number" or exp.status != "number":
            assert (cell.status, cell.value) == (exp.status, exp.value) or cell.status in (
                "missing",
                "ambiguous",
                "invalid",
            ), (t, r, c, exp, cell)


@given(st.binary(max_size=3000))
def test_random_bytes(data: bytes) -> None:
    _parse_or_gxlib_error(data)


@given(st.text(max_size=3000))
def test_random_text(text: str) -> None:
    _parse_or_gxlib_error(text)


@given(
    st.lists(
        st.sampled_from(
            [
                "|",
                "\t",
                "\n",
                " ",
                "0",
                "12",
                "/",
                "三、",
                "（一）",
                "规章",
                "行政许可",
                "总计",
                "1.属于国家秘密",
                "四、结转下年度继续办理",
                "二、主动公开政府信息情况",
                "第二十条第（一）项",
                "万元",
                "-",
            ]
        ),
        max_size=400,
    )
)
def test_label_and_separator_soup(parts: list[str]) -> None:
    report = gxlib.parse_text("".join(parts))
    assert all(
        c.status in ("number", "blank", "placeholder", "invalid", "ambiguous", "missing")
        for c in report.cells()
    )


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_truncated_documents(profile: str, data: st.DataObject) -> None:
    gen = data.draw(reports(profile, blanks=False))
    text = render_report(gen, data.draw(st.sampled_from(["pipes", "cells", "tabs", "markdown"])))
    # cut at a line end: a cut inside a number leaves a shorter number, which is what the
    # text then says
    ends = [i for i, ch in enumerate(text) if ch == "\n"]
    cut = data.draw(st.sampled_from(ends))
    report = gxlib.parse_text(text[:cut])
    _no_wrong_values(gen, report)


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_documents_cut_at_every_section(profile: str, data: st.DataObject) -> None:
    gen = data.draw(reports(profile, blanks=False))
    text = render_report(gen, "pipes")
    p = profiles.get(profile)
    for s in p.sections:
        at = text.find(f"{s.number}、{s.title}")
        if at >= 0:
            _no_wrong_values(gen, gxlib.parse_text(text[:at]))
            _no_wrong_values(gen, gxlib.parse_text(text[at:]))


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_row_removed_or_duplicated(profile: str, data: st.DataObject) -> None:
    gen = data.draw(reports(profile, blanks=False))
    style = data.draw(st.sampled_from(["pipes", "markdown"]))
    lines = render_report(gen, style).split("\n")
    p = profiles.get(profile)
    row_labels = {
        r.label: (t.key, r.key)
        for t in p.tables
        if t.layout == "rows"
        for r in t.rows
        if not r.optional
    }
    candidates = [
        i
        for i, ln in enumerate(lines)
        if ln.count("|") >= 3 and any(f" {lab} |" in f" {ln}" for lab in row_labels)
    ]
    if not candidates:
        return
    i = data.draw(st.sampled_from(candidates))
    if data.draw(st.booleans()):
        damaged = lines[:i] + lines[i + 1 :]
        report = gxlib.parse_text("\n".join(damaged))
        _no_wrong_values(gen, report)
        assert any(d.code in ("GX203", "GX204", "GX202") for d in report.diagnostics)
    else:
        damaged = [*lines[: i + 1], lines[i], *lines[i + 1 :]]
        report = gxlib.parse_text("\n".join(damaged))
        assert not mismatches(gen, report)
        assert any(d.code == "GX205" for d in report.diagnostics)


@given(st.integers(1, 5000))
def test_huge_numbers(digits: int) -> None:
    text = (
        "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 | 本年制发件数 | 本年废止件数 | "
        f"现行有效件数 |\n规章 | {'9' * digits} | 0 | 0 |\n"
    )
    report = gxlib.parse_text(text, profile="gov-2021")
    cell = report.cell("regulatory_documents", "regulations", "issued")
    assert cell.status in ("number", "invalid")
    if cell.status == "number":
        assert cell.value == int("9" * digits)


def test_long_lines_and_many_lines_do_not_hang() -> None:
    gxlib.parse_text("规章 " * 50_000)
    gxlib.parse_text("|" * 200_000)
    gxlib.parse_text("\t\n" * 100_000)
    gxlib.parse_text("0 " * 100_000)


def _digits(n: int) -> str:
    import random

    rnd = random.Random(n)
    return "".join(rnd.choice("0123456789") for _ in range(n))


@pytest.mark.parametrize(
    "shape",
    ["{d}（一）予以公开", "（一）予以公开{d}", "{d}", "{s}"],
)
def test_issue15_6_long_digit_runs_are_read_in_linear_time(shape: str) -> None:
    # 200 KB: minutes each before the fix (quadratic in the run's length), well under a second
    # now; no time is asserted, a hang is the failure.
    d = _digits(200_000)
    spaced = " ".join(d[i : i + 3] for i in range(0, len(d), 3))
    text = "三、收到和处理政府信息公开申请情况\n" + shape.format(d=d, s=spaced) + "\n"
    report = gxlib.parse_text(text, profile="gov-2021")
    assert report.value("requests", "granted", "total") is None  # no number made up


def test_issue15_6_random_bytes_and_junk_lines_are_linear() -> None:
    import random

    rnd = random.Random(6)
    with contextlib.suppress(gxlib.UnsupportedInputError):  # refused at once as binary data
        gxlib.parse_bytes(rnd.randbytes(200_000))
    # bytes without control characters are not refused: they are decoded and searched
    gxlib.parse_bytes(bytes(rnd.randrange(0x20, 0x100) for _ in range(200_000)))
    junk = "".join(rnd.choice("0123456789（一）、. 予以公开\n") for _ in range(200_000))
    gxlib.parse_text(junk)


def test_issue15_6_stub_prefix_check_is_bounded() -> None:
    # A stub prefix is at most four pieces (labels or two characters): the number of label
    # lookups does not grow with the prefix's length (it was one per character).
    from gxlib.labels import compile_labels

    labels = compile_labels(profiles.get("gov-2021"))["requests"]

    class Counting(dict):  # type: ignore[type-arg]
        lookups = 0

        def __contains__(self, key: object) -> bool:
            Counting.lookups += 1
            return super().__contains__(key)

    original = labels.by_key
    labels.by_key = Counting(original)  # type: ignore[assignment]
    try:
        for n in (1_000, 100_000):
            Counting.lookups = 0
            assert labels._prefix_ok(_digits(n)) is False
            assert Counting.lookups <= 50, (n, Counting.lookups)
    finally:
        labels.by_key = original
