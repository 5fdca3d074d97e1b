"""Issue 15 item 2: a text holding two reports is never read as one mixed report.

The second report is found by its section headings starting again (GX207, an error naming where
it starts) and only the first report is read: its values, metadata and profile are exactly those
of the first report parsed alone. A single report whose headings recur (a table of contents, a
heading repeated as a table caption, a heading quoted in the prose) is not flagged.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gxlib
from gxlib.profiles import registry
from gxlib.report import Report
from gxlib.testing import TEXT_STYLES, mismatches, render_report, reports

SEEDS = sorted((Path(__file__).parent / "data" / "seeds").glob("*.txt"))
TEXTS = {p.stem[:3]: p.read_text(encoding="utf-8") for p in SEEDS}
ALONE = {k: gxlib.parse_text(t) for k, t in TEXTS.items()}


def _cells(report: Report) -> dict[tuple[str, str, str], tuple[str, object, str | None]]:
    return {
        (c.table, c.row, c.column): (c.status, c.value, c.raw)
        for t in report.tables
        for c in t.cells
    }


def _several(report: Report) -> list[gxlib.Diagnostic]:
    return [d for d in report.diagnostics if d.code == "GX207"]


@pytest.mark.parametrize(("first", "second"), list(itertools.permutations(TEXTS, 2)))
def test_issue15_2_two_seeds_in_one_text_are_not_mixed(first: str, second: str) -> None:
    text = TEXTS[first] + "\n" + TEXTS[second]
    report = gxlib.parse_text(text)
    (diag,) = _several(report)
    assert diag.severity == "error"
    assert diag.location is not None and diag.location.offset == len(TEXTS[first]) + 1
    assert f"line {TEXTS[first].count(chr(10)) + 2}" in diag.message
    alone = ALONE[first]
    assert report.profile == alone.profile
    assert report.metadata == alone.metadata
    assert _cells(report) == _cells(alone)
    assert report.facts == alone.facts  # prose facts only from the first report too
    others = sorted(d.code for d in report.diagnostics if d.code != "GX207")
    assert others == sorted(d.code for d in alone.diagnostics)
    with pytest.raises(gxlib.StrictModeError):
        gxlib.parse_text(text, strict=True)


def test_issue15_2_three_reports_name_the_second() -> None:
    a, b, c = (TEXTS[k] for k in ("003", "001", "004"))
    report = gxlib.parse_text(a + "\n" + b + "\n" + c)
    (diag,) = _several(report)
    assert diag.location is not None and diag.location.offset == len(a) + 1
    assert _cells(report) == _cells(ALONE["003"])


@pytest.mark.parametrize("key", list(TEXTS))
def test_issue15_2_a_single_seed_is_one_report(key: str) -> None:
    assert not _several(ALONE[key])


@given(
    first=reports(),
    second=reports(),
    style=st.sampled_from([s for s in TEXT_STYLES if s != "pdf"]),
)
def test_issue15_2_generated_pairs_read_only_the_first(
    first: object, second: object, style: str
) -> None:
    for a, b in ((first, second), (second, first)):
        text = render_report(a, style) + render_report(b, style)  # type: ignore[arg-type]
        report = gxlib.parse_text(text)
        assert len(_several(report)) == 1
        assert report.profile == a.profile  # type: ignore[attr-defined]
        assert report.metadata.body == a.body  # type: ignore[attr-defined]
        assert report.metadata.year == a.year  # type: ignore[attr-defined]
        assert not mismatches(a, report)  # type: ignore[arg-type]


def _headings(profile: str) -> list[str]:
    return [f"{s.number}、{s.title}" for s in registry.get(profile).sections]


@given(gen=reports(), style=st.sampled_from([s for s in TEXT_STYLES if s != "pdf"]))
def test_issue15_2_recurring_headings_in_one_report_are_not_a_second_report(
    gen: object, style: str
) -> None:
    text = render_report(gen, style)  # type: ignore[arg-type]
    heads = _headings(gen.profile)  # type: ignore[attr-defined]
    title, rest = text.split("\n", 1)
    # a table of contents listing every heading, each on its own line
    toc = "\n".join(["目录", *heads])
    # each heading repeated as the caption of what follows it, and quoted in the prose
    for h in heads:
        rest = rest.replace(h + "\n", f"{h}\n{h}\n", 1)
    quoted = "本报告包括" + "、".join(f"“{h}”" for h in heads) + "六个部分。"
    text = "\n".join([title, quoted, f"“{heads[2]}”", rest])
    report = gxlib.parse_text(text)
    assert not _several(report)
    assert not mismatches(gen, report)  # type: ignore[arg-type]
    # the table of contents makes no second report (its headings hold nothing between them)
    assert not _several(gxlib.parse_text("\n".join([title, toc, quoted, rest])))
