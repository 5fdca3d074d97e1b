"""Properties of prose facts on generated reports (gxlib.testing.prose)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import gxlib
from gxlib.testing import TEXT_STYLES, prose, render_report, reports
from gxlib.testing.mutate import glosses, traditional


def _stated_and_checked(data: st.DataObject, *, disagree: bool) -> None:
    gen = data.draw(reports(blanks=False, placeholders=False), label="report")
    text = data.draw(prose(gen, disagree=disagree), label="prose")
    style = data.draw(st.sampled_from(TEXT_STYLES), label="style")
    # the prose as converters give it: wrapped lines, Traditional characters, pinyin glosses
    overview = text.text
    if data.draw(st.booleans(), label="wrapped"):  # as PDF text wraps prose at a fixed width
        width = data.draw(st.integers(24, 40), label="width")
        overview = "\n".join(overview[i : i + width] for i in range(0, len(overview), width))
    if data.draw(st.booleans(), label="traditional"):
        overview = traditional(overview)
    if data.draw(st.booleans(), label="glosses"):
        overview = glosses(overview, seed=len(overview))
    report = gxlib.parse_text(render_report(gen, style, overview=overview), profile=gen.profile)
    read = {f.key: f for f in report.facts}
    stated = {k: v for k, v in text.facts.items()}
    # every stated fact read exactly, and nothing else: no comparison, share, date, document
    # number, per-channel, cumulative or proposal count is read as a fact
    assert set(read) == set(stated), (text.text, read.keys(), stated.keys())
    for key, (value, qualifier) in stated.items():
        fact = read[key]
        assert fact.status == "number", (key, fact, text.text)
        assert (fact.value, fact.qualifier) == (value, qualifier), (key, fact, text.text)
    fired = {d.data["check"] for d in report.diagnostics if d.code == "GX902"}
    assert fired == set(text.mismatches), (text.text, fired, report.diagnostics)


@given(st.data())
def test_every_stated_fact_is_read_exactly_and_nothing_else(data: st.DataObject) -> None:
    _stated_and_checked(data, disagree=False)


@settings(max_examples=60)
@given(st.data())
def test_cross_checks_fire_exactly_when_the_prose_disagrees(data: st.DataObject) -> None:
    _stated_and_checked(data, disagree=True)
