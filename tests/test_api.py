"""The public API: inputs, results, serialisation, errors."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import seed_path

import gxlib
from gxlib.report import Report

S001 = "001_30fde63b7d2b0111"


def test_accepts_path_str_bytes_and_file_objects() -> None:
    path = seed_path(S001)
    text = path.read_text(encoding="utf-8")
    by_path = gxlib.parse(path)
    assert gxlib.parse(str(path)).tables == by_path.tables
    assert gxlib.parse_text(text).tables == by_path.tables
    assert gxlib.parse(path.read_bytes()).tables == by_path.tables
    assert gxlib.parse(io.BytesIO(path.read_bytes())).tables == by_path.tables
    assert gxlib.parse(io.StringIO(text)).tables == by_path.tables
    assert gxlib.parse(text.encode("gb18030")).tables == by_path.tables
    assert by_path.source == str(path)
    assert by_path.report_id == gxlib.parse(path.read_bytes()).report_id


def test_json_round_trip_is_identity() -> None:
    for stem in ("000_74f3303097a51ca2", "002_e07c33c6997fa877", "004_c38613461617f9e0"):
        report = gxlib.parse(seed_path(stem))
        again = Report.from_json(report.to_json())
        assert again == report
        assert Report.from_dict(json.loads(json.dumps(report.to_dict()))) == report


def test_json_keeps_money_exact() -> None:
    report = gxlib.parse(seed_path("000_74f3303097a51ca2"))
    data = json.loads(report.to_json())
    cells = [c for t in data["tables"] for c in t["cells"] if c["column"] == "amount"]
    assert cells[0]["value"] == "28539600.00" or Decimal(cells[0]["value"]) == Decimal("28539600")
    assert isinstance(cells[0]["value"], str)


def test_records() -> None:
    report = gxlib.parse(seed_path(S001))
    records = report.to_records()
    assert len(records) == 198
    first = records[0]
    for key in (
        "table",
        "row",
        "column",
        "value",
        "raw",
        "status",
        "row_label",
        "column_label",
        "line",
    ):
        assert key in first
    rec = next(
        r for r in records if (r["table"], r["row"], r["column"]) == ("requests", "new", "total")
    )
    assert (rec["value"], rec["raw"], rec["status"], rec["row_label"], rec["column_label"]) == (
        2,
        "2",
        "number",
        "一、本年新收政府信息公开申请数量",
        "总计",
    )


def test_unknown_keys_raise_typed_errors() -> None:
    report = gxlib.parse(seed_path(S001))
    with pytest.raises(gxlib.UnknownKeyError):
        report.value("nope", "new", "total")
    with pytest.raises(gxlib.UnknownKeyError):
        report.value("requests", "new", "nope")
    with pytest.raises(KeyError):  # also a KeyError, for callers that expect one
        report.value("requests", "nope", "total")


def test_forced_profile() -> None:
    report = gxlib.parse(seed_path(S001), profile="gov-2021")
    assert report.profile == "gov-2021"
    assert report.detection.forced
    assert any(d.code == "GX602" for d in report.diagnostics)
    # the 2019 copy's columns are not the 2021 ones: said, and nothing of procurement is read
    assert any(d.code == "GX206" for d in report.diagnostics)
    assert "procurement" not in {t.key for t in report.tables}
    with pytest.raises(gxlib.UnknownProfileError):
        gxlib.parse(seed_path(S001), profile="gov-1999")


@pytest.mark.parametrize("bad", [None, 42, 3.5, object(), ["a"]])
def test_wrong_input_types(bad: object) -> None:
    with pytest.raises(gxlib.UnreadableInputError):
        gxlib.parse(bad)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(gxlib.UnreadableInputError):
        gxlib.parse(tmp_path / "absent.txt")


def test_str_is_always_a_path_never_report_text(tmp_path: Path) -> None:
    # issue 15 item 3: a typo in a path used to come back as an empty Report
    missing = str(tmp_path / "reports" / "no_such_report.txt")
    with pytest.raises(gxlib.InputNotFoundError) as info:
        gxlib.parse(missing)
    assert isinstance(info.value, FileNotFoundError)
    assert isinstance(info.value, gxlib.UnreadableInputError)
    assert any("parse_text" in note for note in getattr(info.value, "__notes__", []))
    with pytest.raises(gxlib.UnreadableInputError):
        gxlib.parse(str(tmp_path))  # a directory
    with pytest.raises(gxlib.UnreadableInputError, match="parse_text"):
        gxlib.parse("一、总体情况\n二、主动公开政府信息情况")  # text given to parse()


def test_parse_text_takes_only_text() -> None:
    text = seed_path(S001).read_text(encoding="utf-8")
    assert gxlib.parse_text(text).tables == gxlib.parse(seed_path(S001)).tables
    with pytest.raises(gxlib.UnreadableInputError, match="parse_text takes"):
        gxlib.parse_text(text.encode("utf-8"))  # type: ignore[arg-type]
    with pytest.raises(gxlib.UnreadableInputError, match="parse_bytes takes"):
        gxlib.parse_bytes(text)  # type: ignore[arg-type]


def test_legacy_doc_is_refused_with_advice() -> None:
    with pytest.raises(gxlib.UnreadableInputError, match="docx"):
        gxlib.parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_empty_input_gives_diagnostics_not_exceptions() -> None:
    report = gxlib.parse_text("")
    assert all(c.status == "missing" for c in report.cells())
    assert [d.code for d in report.diagnostics] == ["GX103"]  # not a report (issue 15 item 8)


def test_repr_and_errors_property() -> None:
    report = gxlib.parse(seed_path(S001))
    assert "gov-2019" in repr(report)
    assert report.ok and report.errors == ()


def test_cli_parse_table_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from gxlib.cli import main

    assert main(["parse", str(seed_path(S001))]) == 0
    out = capsys.readouterr().out
    assert "淄博市大数据局" in out and "[requests]" in out
    target = tmp_path / "out.csv"
    assert main(["parse", str(seed_path(S001)), "-f", "csv", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").count("\n") == 199
    assert main(["diagnostics", "explain", "GX501"]) == 0
    assert "rule-failed" in capsys.readouterr().out
    assert main(["profiles", "list"]) == 0
    assert "gov-2019" in capsys.readouterr().out
