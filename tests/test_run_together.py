"""Run-together text (issue: cells with no separator): every value gxlib gives is right; every
other cell is ambiguous with the true value among its candidates."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gxlib
from gxlib import profiles
from gxlib.testing import render_report, reports

PROFILES = profiles.available()
RESOLVED: Counter[str] = Counter()


@pytest.mark.parametrize("style", ["dump", "dump-line"])
@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_run_together_never_wrong(profile: str, style: str, data: st.DataObject) -> None:
    gen = data.draw(reports(profile, blanks=False, placeholders=False))
    report = gxlib.parse_text(render_report(gen, style))
    assert report.profile == gen.profile
    for (t, r, c), exp in gen.cells.items():
        if exp.status != "number":
            continue
        cell = report.cell(t, r, c)
        if cell.status == "number":
            assert cell.value == exp.value, (t, r, c, cell, exp)
        else:
            assert cell.status in ("ambiguous", "invalid", "missing"), (t, r, c, cell)
            if cell.status == "ambiguous" and cell.candidates:
                assert exp.value in cell.candidates, (t, r, c, cell, exp)
        if t == "requests":
            state = "resolved" if cell.status == "number" else "other"
            RESOLVED[f"{profile} {style} {state}"] += 1


def test_examples_from_the_issue() -> None:
    text = (
        "二、主动公开政府信息情况\n第二十条第（五）项\n行政许可3960181\n"
        "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量230 000023\n"
    )
    r = gxlib.parse_text(text, profile="gov-2019")
    new = [r.value("requests", "new", c) for c in r.table("requests").columns]
    assert new == [23, 0, 0, 0, 0, 0, 23]
    assert any(d.code == "GX404" and "requests.row_total" in d.message for d in r.diagnostics)
    lic = r.cell("licensing", "administrative_licensing", "items_last_year")
    assert lic.status == "ambiguous" and 396 in lic.candidates
    assert r.cell("licensing", "administrative_licensing", "decisions").value is None


def test_share_resolved_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    for key in sorted({k.rsplit(" ", 1)[0] for k in RESOLVED}):
        done = RESOLVED[f"{key} resolved"]
        total = done + RESOLVED[f"{key} other"]
        print(f"{key}: {done}/{total} section 三 cells resolved ({done / total:.1%})")
    assert True
