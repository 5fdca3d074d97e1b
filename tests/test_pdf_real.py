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


def section_two_013(r013: gxlib.Report) -> None:
    assert r013.profile == "gov-2021"
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


def requests_013(r013: gxlib.Report) -> None:
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


def appeals_013(r013: gxlib.Report) -> None:
    values = [
        r013.value("appeals", r, c)
        for r in ("review", "litigation_direct", "litigation_after_review")
        for c in ("upheld", "corrected", "other", "pending", "total")
    ]
    assert values == [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]
    # the page prints 总计 0 under 10 + 1 and under 5: the document is inconsistent
    broken = {d.data["instance"] for d in r013.diagnostics if d.code == "GX501"}
    assert broken == {"review", "litigation_after_review"}


def values_015(r015: gxlib.Report) -> None:
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


def test_013_section_two(r013: gxlib.Report) -> None:
    assert r013.kind == "pdf"
    section_two_013(r013)


def test_013_requests(r013: gxlib.Report) -> None:
    requests_013(r013)
    codes = [d.code for d in r013.diagnostics]
    assert "GX303" in codes and "GX302" in codes
    cell = r013.cell("requests", "total", "natural_person")
    assert cell.location is not None and cell.location.page == 4


def test_013_appeals_and_its_own_broken_totals(r013: gxlib.Report) -> None:
    appeals_013(r013)


def test_015(r015: gxlib.Report) -> None:
    values_015(r015)


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


# -- the same documents as PDF text extractors give them --------------------------------------
# A text layer loses the cells' geometry: a row's values sit at the vertical middle of its cell,
# so beside a wrapped label the value line comes before, between or after the label's pieces;
# tall stubs are printed one character per line, glued to other lines; page footers fall inside
# tables. The values must be the ones read off the pages (above), with nothing read wrong.


def _extract_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _words_per_baseline(path: Path) -> str:
    """Words joined per printed baseline: a value line and its label's piece a point apart
    become two lines, in either order (a rougher line grouping than extract_text's)."""
    import pdfplumber

    lines: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            rows: list[tuple[float, list[dict[str, object]]]] = []
            for w in sorted(page.extract_words(), key=lambda w: (round(w["top"]), w["x0"])):
                if rows and abs(rows[-1][0] - w["top"]) < 2:
                    rows[-1][1].append(w)
                else:
                    rows.append((w["top"], [w]))
            for _, ws in rows:
                lines.append(" ".join(str(w["text"]) for w in sorted(ws, key=lambda w: w["x0"])))
    return "\n".join(lines)


def _words_clustered(path: Path) -> str:
    """Words clustered into lines by their tops (pdfplumber's own clustering, 3 pt)."""
    import pdfplumber
    from pdfplumber.utils import cluster_objects

    lines: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for cluster in cluster_objects(page.extract_words(), "top", 3):
                lines.append(" ".join(w["text"] for w in sorted(cluster, key=lambda w: w["x0"])))
    return "\n".join(lines)


TEXT_LAYERS = {
    "extract_text": _extract_text,
    "words_per_baseline": _words_per_baseline,
    "words_clustered": _words_clustered,
}


@pytest.fixture(scope="module", params=sorted(TEXT_LAYERS))
def layer(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _no_wrong(text_report: gxlib.Report, pdf_report: gxlib.Report) -> None:
    """Every value read from the text layer is the value the ruled PDF gives (the PDF's values
    are checked against the pages above); a cell the text does not determine has no value."""
    for cell in text_report.cells():
        if cell.status == "number":
            ref = pdf_report.cell(cell.table, cell.row, cell.column)
            assert (ref.status, ref.value) == ("number", cell.value), cell


def test_013_text_layer(layer: str, r013: gxlib.Report) -> None:
    r = gxlib.parse_text(TEXT_LAYERS[layer](PDF / "013_hongze-district-2023.pdf"))
    section_two_013(r)
    requests_013(r)
    appeals_013(r)
    _no_wrong(r, r013)
    assert sum(1 for c in r.cells() if c.status == "number") == 186  # as from the PDF


def test_014_text_layer(layer: str) -> None:
    pdf = gxlib.parse(PDF / "014_hongze-district-2024.pdf")
    r = gxlib.parse_text(TEXT_LAYERS[layer](PDF / "014_hongze-district-2024.pdf"))
    assert r.profile == "gov-2021" and all(s.found for s in r.sections)
    _no_wrong(r, pdf)
    assert sum(1 for c in r.cells() if c.status == "number") == 186


def test_015_text_layer(layer: str, r015: gxlib.Report) -> None:
    r = gxlib.parse_text(TEXT_LAYERS[layer](PDF / "015_huaian-city-2024.pdf"))
    values_015(r)
    _no_wrong(r, r015)
