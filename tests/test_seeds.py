"""The five real seed reports, checked cell by cell against hand transcriptions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import FIXTURES, load_expected, seed_path

import gxlib

SEEDS_WITH_TABLES = {
    "000_74f3303097a51ca2": "gov-2019",  # Traditional, glosses, a row per line with pipes
    "001_30fde63b7d2b0111": "gov-2019",  # a cell per tab-indented line
    "003_c539bc2b65a5333e": "gov-2019",  # a cell per line ending in "|", header text lost
    "004_c38613461617f9e0": "gov-2021",  # 2021 format, tab cells, wrapped labels
}


@pytest.fixture(scope="module", params=sorted(SEEDS_WITH_TABLES))
def seed(request: pytest.FixtureRequest) -> tuple[str, gxlib.Report]:
    stem = request.param
    return stem, gxlib.parse(seed_path(stem))


def test_fixtures_cover_every_cell_of_the_profile(seed: tuple[str, gxlib.Report]) -> None:
    stem, report = seed
    expected = {(r["table"], r["row"], r["column"]) for r in load_expected(stem)}
    got = {(c.table, c.row, c.column) for c in report.cells()}
    assert got == expected


def test_profile_detected(seed: tuple[str, gxlib.Report]) -> None:
    stem, report = seed
    assert report.profile == SEEDS_WITH_TABLES[stem]
    assert report.detection.ranking[0].profile == SEEDS_WITH_TABLES[stem]
    assert not any(d.code == "GX601" for d in report.diagnostics)


def test_every_cell_value_and_status(seed: tuple[str, gxlib.Report]) -> None:
    stem, report = seed
    wrong = []
    for exp in load_expected(stem):
        cell = report.cell(str(exp["table"]), str(exp["row"]), str(exp["column"]))
        if (cell.status, cell.value) != (exp["status"], exp["value"]) or cell.raw != exp["raw"]:
            wrong.append((exp, cell.status, cell.value, cell.raw))
    assert not wrong, f"{len(wrong)} cells differ, first: {wrong[:3]}"


def test_values_carry_location(seed: tuple[str, gxlib.Report]) -> None:
    stem, report = seed
    text = seed_path(stem).read_text(encoding="utf-8")
    lines = text.split("\n")
    for cell in report.cells():
        assert cell.location is not None
        loc = cell.location
        assert text[loc.offset : loc.offset + len(cell.raw or "")] == cell.raw
        assert cell.raw in lines[loc.line - 1]


def test_rules_hold_on_consistent_seeds(seed: tuple[str, gxlib.Report]) -> None:
    _, report = seed
    assert [d for d in report.diagnostics if d.code == "GX501"] == []
    assert [d for d in report.diagnostics if d.severity == "error"] == []


def test_money_units() -> None:
    r000 = gxlib.parse(seed_path("000_74f3303097a51ca2"))
    assert r000.value("procurement", "centralized_procurement", "amount") == Decimal("28539600")
    r001 = gxlib.parse(seed_path("001_30fde63b7d2b0111"))
    assert r001.value("procurement", "centralized_procurement", "amount") == Decimal("28231200")
    r003 = gxlib.parse(seed_path("003_c539bc2b65a5333e"))
    assert r003.value("procurement", "centralized_procurement", "amount") == Decimal("1591249")


def test_seed_002_tables_missing() -> None:
    report = gxlib.parse(seed_path("002_e07c33c6997fa877"))
    assert report.profile == "gov-2021"
    missing = {d.message.split("'")[1] for d in report.diagnostics if d.code == "GX202"}
    assert {"requests", "appeals"} <= missing
    assert {"regulatory_documents", "licensing", "enforcement", "fees"} <= missing
    assert all(c.status == "missing" and c.value is None for c in report.cells())
    assert report.metadata.body == "烟台市大数据局"
    assert report.metadata.year == 2023
    assert str(report.metadata.published) == "2024-01-16"


def test_metadata() -> None:
    r001 = gxlib.parse(seed_path("001_30fde63b7d2b0111"))
    assert (r001.metadata.body, r001.metadata.year) == ("淄博市大数据局", 2020)
    assert str(r001.metadata.date) == "2021-01-26"
    r003 = gxlib.parse(seed_path("003_c539bc2b65a5333e"))
    assert (r003.metadata.body, r003.metadata.year) == ("遂宁市政务服务和大数据管理局", 2019)
    assert str(r003.metadata.date) == "2020-01-20"
    r004 = gxlib.parse(seed_path("004_c38613461617f9e0"))
    assert (r004.metadata.body, r004.metadata.year) == ("聊城市大数据局", 2022)
    r000 = gxlib.parse(seed_path("000_74f3303097a51ca2"))
    assert r000.metadata.year == 2019
    assert r000.metadata.body is None  # the copy has no title: nothing is invented


def test_sections_found() -> None:
    for stem in SEEDS_WITH_TABLES:
        report = gxlib.parse(seed_path(stem))
        assert [s.found for s in report.sections] == [True] * 6, stem


def test_traditional_seed_records_normalisation_steps() -> None:
    report = gxlib.parse(seed_path("000_74f3303097a51ca2"))
    whats = {s.what for s in report.steps}
    assert {"traditional", "pinyin-glosses", "doubled-punctuation"} <= whats


def test_fixture_files_exist() -> None:
    assert len(list(FIXTURES.glob("*.csv"))) == 4
