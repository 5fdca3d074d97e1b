"""The three real PDF reports, values read off the rendered pages by a person (page images of
013 pages 2–4 and 015 page 4), cell by cell — through both PDF readers (PDFium, the default,
and the pdfplumber fallback chosen with ``GXLIB_PDF_READER``)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import gxlib

pytest.importorskip("pypdfium2")
PDF = Path(__file__).parent / "data" / "pdf"
READERS = [
    "pdfium",
    pytest.param(
        "pdfplumber",
        marks=pytest.mark.skipif(
            importlib.util.find_spec("pdfplumber") is None, reason="pdfplumber not installed"
        ),
    ),
]
COLS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_organization",
    "legal_service_institution",
    "other_organization",
    "total",
)


@pytest.fixture(scope="module", params=READERS)
def reader(request: pytest.FixtureRequest) -> Iterator[str]:
    """The PDF reader under test, chosen the way a user chooses it: the environment."""
    before = os.environ.get("GXLIB_PDF_READER")
    os.environ["GXLIB_PDF_READER"] = request.param
    yield str(request.param)
    if before is None:
        del os.environ["GXLIB_PDF_READER"]
    else:
        os.environ["GXLIB_PDF_READER"] = before


@pytest.fixture(scope="module")
def r013(reader: str) -> gxlib.Report:
    report = gxlib.parse(PDF / "013_hongze-district-2023.pdf")
    assert any(reader in s.why.lower() for s in report.steps if s.what == "reader")
    return report


@pytest.fixture(scope="module")
def r015(reader: str) -> gxlib.Report:
    return gxlib.parse(PDF / "015_huaian-city-2024.pdf")


def row(report: gxlib.Report, key: str) -> list[object]:
    return [report.value("requests", key, c) for c in COLS]


def test_013_section_two(r013: gxlib.Report) -> None:
    assert r013.kind == "pdf" and r013.profile == "gov-2021"
    assert [
        r013.value("regulatory_documents", "regulations", c)
        for c in ("issued", "repealed", "in_force")
    ] == [0, 0, 0]
    assert [
        r013.value("regulatory_documents", "normative_documents", c)
        for c in ("issued", "repealed", "in_force")
    ] == [0, 5, 5]
    assert r013.value("licensing", "administrative_licensing", "decisions") == 550
    assert r013.value("enforcement", "administrative_penalty", "decisions") == 4119
    assert r013.value("enforcement", "administrative_coercion", "decisions") == 195
    assert r013.value("fees", "administrative_fees", "amount") == Decimal("77302800")


def test_013_requests(r013: gxlib.Report) -> None:
    assert row(r013, "new") == [21, 0, 0, 0, 0, 0, 21]
    assert row(r013, "partially_granted") == [4, 0, 0, 0, 0, 0, 4]
    assert row(r013, "denied.state_secret") == [1, 0, 0, 0, 0, 0, 1]
    assert row(r013, "denied.process_information") == [1, 0, 0, 0, 0, 0, 1]
    assert row(r013, "unavailable.not_held") == [10, 0, 0, 0, 0, 0, 10]
    assert row(r013, "unavailable.needs_creation") == [3, 0, 0, 0, 0, 0, 3]
    assert row(r013, "not_processed.petition") == [1, 0, 0, 0, 0, 0, 1]
    # the 2021 report prints the single 2019 row （六）其他处理, and a typo 「行政止公开」
    assert row(r013, "other") == [0, 0, 0, 0, 0, 0, 0]
    assert row(r013, "total") == [21, 0, 0, 0, 0, 0, 21]
    codes = [d.code for d in r013.diagnostics]
    assert "GX303" in codes and "GX302" in codes
    cell = r013.cell("requests", "total", "natural_person")
    assert cell.location is not None and cell.location.page == 4


def test_013_appeals_and_its_own_broken_totals(r013: gxlib.Report) -> None:
    values = [
        r013.value("appeals", r, c)
        for r in ("review", "litigation_direct", "litigation_after_review")
        for c in ("upheld", "corrected", "other", "pending", "total")
    ]
    assert values == [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]
    # the page prints 总计 0 under 10 + 1 and under 5: the document is inconsistent
    broken = {d.data["instance"] for d in r013.diagnostics if d.code == "GX501"}
    assert broken == {"review", "litigation_after_review"}


def test_015(r015: gxlib.Report) -> None:
    assert r015.profile == "gov-2021"
    assert r015.value("enforcement", "administrative_penalty", "decisions") == 3985758
    assert r015.value("enforcement", "administrative_coercion", "decisions") == 88283
    assert r015.value("fees", "administrative_fees", "amount") == Decimal("961716000")
    assert row(r015, "new") == [3001, 53, 0, 0, 61, 4, 3119]
    assert row(r015, "carried_over") == [34, 0, 0, 0, 0, 0, 34]
    assert row(r015, "granted") == [1288, 21, 0, 0, 50, 3, 1362]
    assert row(r015, "partially_granted") == [447, 7, 0, 0, 0, 0, 454]
    assert row(r015, "denied.prohibited_by_law") == [30, 1, 0, 0, 0, 0, 31]
    assert row(r015, "denied.internal_affairs") == [7, 1, 0, 0, 0, 0, 8]
    assert row(r015, "denied.administrative_query") == [105, 0, 0, 0, 0, 0, 105]
    assert row(r015, "unavailable.not_held") == [746, 12, 0, 0, 10, 1, 769]
    assert all(c.status == "number" for c in r015.cells())
    assert not [d for d in r015.diagnostics if d.code == "GX501"]


def test_014_parses_with_all_sections(reader: str) -> None:
    r = gxlib.parse(PDF / "014_hongze-district-2024.pdf")
    assert r.profile == "gov-2021"
    assert all(s.found for s in r.sections)
    assert sum(1 for c in r.cells() if c.status == "number") == 186  # 21 are the （六） sub-rows


def test_scanned_page_and_garbage(reader: str) -> None:
    reportlab = pytest.importorskip("reportlab")
    del reportlab
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(50, 50, 200, 200)  # drawing only: no text layer
    c.showPage()
    c.save()
    r = gxlib.parse(buf.getvalue())
    assert any(d.code == "GX701" for d in r.diagnostics)
    with pytest.raises(gxlib.UnreadableInputError):
        gxlib.parse(b"%PDF-1.4\n garbage")
