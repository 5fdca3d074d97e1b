"""Property-based tests: generated reports for every registered profile, rendered in every
flattening real documents use, mutated as real documents are, must read back exactly."""

from __future__ import annotations

import importlib.util

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import gxlib
from gxlib import profiles
from gxlib.testing import (
    ENCODINGS,
    LABEL_MUTATIONS,
    TEXT_STYLES,
    VALUE_MUTATIONS,
    assert_reads_back,
    compose,
    crlf,
    encode,
    mismatches,
    render_report,
    reports,
)
from gxlib.testing.mutate import traditional
from gxlib.testing.strategies import GeneratedReport

PROFILES = profiles.available()  # a newly registered profile is covered without test edits
HAVE_LXML = importlib.util.find_spec("lxml") is not None
STYLES = [*TEXT_STYLES, *(["html"] if HAVE_LXML else [])]


def _parse_text(text: str) -> gxlib.Report:
    return gxlib.parse_text(text)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_round_trip(profile: str, style: str, data: st.DataObject) -> None:
    gen = data.draw(reports(profile, blanks=style != "pdf"))
    report = gxlib.parse_text(render_report(gen, style))
    undetermined = _undetermined_tables(gen, style)
    for (t, r, c), exp in gen.cells.items():
        if t in undetermined:  # never a wrong value: right, or left undetermined
            cell = report.cell(t, r, c)
            assert (cell.status, cell.value) == (exp.status, exp.value) or (
                cell.status == "ambiguous"
            ), (t, r, c, cell)
    if not undetermined:
        assert_reads_back(gen, report)
        return
    kept = {k: v for k, v in gen.cells.items() if k[0] not in undetermined}
    assert_reads_back(attrs.evolve(gen, cells=kept), report, errors_allowed=True)
    for d in report.errors:  # errors only about the undetermined tables
        tables = {ref.table for ref in d.cells}
        assert (tables and tables <= undetermined) or any(
            f"{t!r}" in d.message for t in undetermined
        ), d


def _undetermined_tables(gen: GeneratedReport, style: str) -> set[str]:
    """Tables whose values the text itself does not determine. In cell-per-line text a flat
    table (header rows over one row of values) whose first value is blank prints a lone "|"
    right after the header's closing pipes: a blank first cell, or one more closing pipe."""
    if style != "cells":
        return set()
    out = set()
    for spec in profiles.get(gen.profile).tables:
        if spec.layout != "flat":
            continue
        first = next((v for k, v in gen.cells.items() if k[0] == spec.key), None)
        if first is not None and first.status == "blank":
            out.add(spec.key)
    return out


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_round_trip_with_mutations(profile: str, data: st.DataObject) -> None:
    style = data.draw(st.sampled_from(TEXT_STYLES))
    gen = data.draw(reports(profile, blanks=style != "pdf"))
    names = data.draw(st.lists(st.sampled_from(sorted(LABEL_MUTATIONS)), unique=True, max_size=3))
    if style == "pdf":
        names = [n for n in names if n != "spaced"]  # spaces are its cell separators
    vnames = data.draw(st.lists(st.sampled_from(sorted(VALUE_MUTATIONS)), unique=True))
    text = render_report(
        gen,
        style,
        label=compose(names, LABEL_MUTATIONS),
        value=compose(vnames, VALUE_MUTATIONS),
        heading_numbers=data.draw(st.booleans()),
        lost_headers=data.draw(st.booleans()),
        wrap=data.draw(st.sampled_from([0, 0, 6, 9])) if style in ("tabs", "pdf") else 0,
    )
    if data.draw(st.booleans()):
        text = crlf(text)
    source: str | bytes = text
    encoding = data.draw(st.sampled_from([None, *ENCODINGS]))
    if encoding is not None:
        if encoding == "big5":
            text = traditional(text)
        encoded = encode(text, encoding)
        assume(encoded is not None)
        assert encoded is not None
        source = encoded
    report = gxlib.parse_text(source) if isinstance(source, str) else gxlib.parse_bytes(source)
    assert_reads_back(gen, report)


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_inconsistent_report_fires_the_rule(profile: str, data: st.DataObject) -> None:
    spec = profiles.get(profile)
    assume(any(t.rules for t in spec.tables))
    gen = data.draw(reports(profile, consistent=False))
    style = data.draw(st.sampled_from(STYLES))
    report = gxlib.parse_text(render_report(gen, style))
    assert not mismatches(gen, report)
    failed = [d for d in report.diagnostics if d.code == "GX501"]
    assert failed, "no rule fired"
    assert all(gen.perturbed in d.cells for d in failed)


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_blank_cells_in_space_separated_layout_are_never_misplaced(
    profile: str, data: st.DataObject
) -> None:
    gen = data.draw(reports(profile, blanks=True, placeholders=False))
    report = gxlib.parse_text(render_report(gen, "pdf"))
    for (t, r, c), exp in gen.cells.items():
        cell = report.cell(t, r, c)
        if cell.status == "number":
            assert cell.value == exp.value, (t, r, c)
        elif exp.status == "number":
            assert cell.status in ("ambiguous", "missing")
            if cell.status == "ambiguous" and cell.candidates:
                assert exp.value in cell.candidates


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_json_round_trip(profile: str, data: st.DataObject) -> None:
    gen = data.draw(reports(profile))
    report = gxlib.parse_text(render_report(gen, data.draw(st.sampled_from(TEXT_STYLES))))
    assert gxlib.Report.from_json(report.to_json()) == report


@pytest.mark.parametrize("profile", PROFILES)
def test_profile_dict_round_trip(profile: str) -> None:
    p = profiles.get(profile)
    assert profiles.profile_from_dict(profiles.profile_to_dict(p)) == p


DRIFT_PROFILES = [
    pid
    for pid in PROFILES
    if any(r.drift_variants or r.drift for t in profiles.get(pid).tables for r in t.rows)
]


@pytest.mark.parametrize("profile", DRIFT_PROFILES)
@given(data=st.data())
def test_template_drift_is_read_and_reported(profile: str, data: st.DataObject) -> None:
    style = data.draw(st.sampled_from(STYLES))
    gen = data.draw(reports(profile, drift=True, blanks=style != "pdf"))
    assume(gen.extra["drift"])
    report = gxlib.parse_text(render_report(gen, style))
    assert_reads_back(gen, report)
    drift = [d for d in report.diagnostics if d.code == "GX303"]
    assert len(drift) == gen.extra["drift"], [d.message for d in drift]


@pytest.mark.skipif(
    not HAVE_LXML or importlib.util.find_spec("docx") is None,
    reason="needs the docx extra and python-docx",
)
@pytest.mark.parametrize("profile", PROFILES)
@settings(max_examples=15)  # building DOCX files is slow; the geometry is the same each time
@given(data=st.data())
def test_docx_round_trip(profile: str, data: st.DataObject) -> None:
    from gxlib.testing import render_docx

    gen = data.draw(reports(profile))
    assert_reads_back(gen, gxlib.parse(render_docx(gen)))


@pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("pypdfium2", "reportlab", "fontTools")),
    reason="needs the pdf extra, reportlab and fontTools",
)
@pytest.mark.parametrize("profile", PROFILES)
@settings(max_examples=8)  # a PDF takes ~0.2 s to write and read; the geometry is the same
@given(data=st.data())
def test_pdf_round_trip(profile: str, data: st.DataObject) -> None:
    from gxlib.testing import render_pdf

    gen = data.draw(reports(profile))
    # (an embedded font: see tests/test_reader_pdfium.py for one that is not)
    assert_reads_back(gen, gxlib.parse_bytes(render_pdf(gen, embedded=True)))
