"""Template drift: read what is there, and say what deviated."""

from __future__ import annotations

from conftest import seed_path

import gxlib

SEED_2021 = "004_c38613461617f9e0"


def _text() -> str:
    return seed_path(SEED_2021).read_text(encoding="utf-8")


def test_2021_report_with_single_other_row() -> None:
    text = _text()
    start = text.index("\t\n\t（六）其他处理")
    end = text.index("\t\n\t（七）总计")
    single = "\t\n\t（六）其他处理\n" + "\n".join(["\t0"] * 7) + "\n\n"
    report = gxlib.parse_text(text[:start] + single + text[end:])
    assert report.profile == "gov-2021"
    cell = report.cell("requests", "other", "total")
    assert (cell.status, cell.value) == ("number", 0)
    assert report.cell("requests", "other.other", "total").status == "missing"
    drift = [d for d in report.diagnostics if d.code == "GX303"]
    assert len(drift) == 1 and "（六）其他处理" in drift[0].message
    assert not any(d.code in ("GX203", "GX501", "GX502") for d in report.diagnostics)


def test_normative_documents_label_drift_in_2021() -> None:
    report = gxlib.parse_text(_text().replace("\t行政规范性文件", "\t规范性文件"))
    assert report.profile == "gov-2021"
    assert report.cell("regulatory_documents", "normative_documents", "issued").status == "number"
    assert any(d.code == "GX303" and "规范性文件" in d.message for d in report.diagnostics)


def test_numbering_variant_and_typo() -> None:
    text = _text().replace("\t1.属于国家秘密", "\t1、属于国家秘密")
    text = text.replace("\t2.其他法律行政法规禁止公开", "\t2.其他法律行政止公开")
    report = gxlib.parse_text(text)
    assert report.cell("requests", "denied.state_secret", "total").status == "number"
    assert report.cell("requests", "denied.prohibited_by_law", "total").status == "number"
    codes = {d.code for d in report.diagnostics}
    assert {"GX301", "GX302"} <= codes
    assert not any(d.code in ("GX203", "GX501") for d in report.diagnostics)
