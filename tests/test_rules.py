"""Arithmetic rules fire, naming the cells, when one number of a consistent report is altered."""

from __future__ import annotations

from conftest import seed_path

import gxlib
from gxlib.diagnostics import CellRef


def _alter_first_value_after(text: str, label: str, old: str, new: str) -> str:
    lines = text.split("\n")
    i = next(k for k, ln in enumerate(lines) if label in ln)
    for k in range(i + 1, len(lines)):
        if lines[k].strip() == old:
            lines[k] = lines[k].replace(old, new)
            return "\n".join(lines)
    raise AssertionError("value not found")


def test_altered_cell_breaks_row_and_column_rules() -> None:
    text = seed_path("001_30fde63b7d2b0111").read_text(encoding="utf-8")
    altered = _alter_first_value_after(text, "一、本年新收政府信息公开申请数量", "2", "3")
    report = gxlib.parse_text(altered)
    assert report.value("requests", "new", "natural_person") == 3
    failed = [d for d in report.diagnostics if d.code == "GX501"]
    rules = {(d.data["rule"], d.data["instance"]) for d in failed}
    assert rules == {("requests.row_total", "new"), ("requests.balance", "natural_person")}
    balance = next(d for d in failed if d.data["rule"] == "requests.balance")
    assert CellRef("requests", "new", "natural_person") in balance.cells
    assert CellRef("requests", "carried_forward", "natural_person") in balance.cells
    assert balance.data["left"] == "3" and balance.data["right"] == "2"
    assert "new + carried_over = 3 + 0" in balance.message
    assert not report.ok
    try:
        gxlib.parse_text(altered, strict=True)
    except gxlib.StrictModeError as exc:
        assert exc.report == report
    else:
        raise AssertionError("strict mode did not raise")


def test_outcome_total_rule() -> None:
    text = seed_path("004_c38613461617f9e0").read_text(encoding="utf-8")
    altered = _alter_first_value_after(text, "（七）总计", "4", "5")
    report = gxlib.parse_text(altered)
    rules = {(d.data["rule"], d.data["instance"]) for d in report.diagnostics if d.code == "GX501"}
    assert ("requests.outcomes_total", "natural_person") in rules
    assert ("requests.balance", "natural_person") in rules
    assert ("requests.row_total", "total") in rules


def test_appeals_rule() -> None:
    text = seed_path("003_c539bc2b65a5333e").read_text(encoding="utf-8")
    lines = text.split("\n")
    # the 15 values of section 四 are the last "0 |" lines before section 五
    end = next(k for k, ln in enumerate(lines) if ln.startswith("五、"))
    lines[end - 15] = "1 |"  # 行政复议 结果维持
    report = gxlib.parse_text("\n".join(lines))
    assert report.value("appeals", "review", "upheld") == 1
    failed = [d for d in report.diagnostics if d.code == "GX501"]
    assert [(d.data["rule"], d.data["instance"]) for d in failed] == [
        ("appeals.row_total", "review")
    ]


def test_blank_operand_is_not_checkable_not_failed() -> None:
    text = seed_path("000_74f3303097a51ca2").read_text(encoding="utf-8")
    old = "(七)總計 | 4 | 0 | 0 | 0 | 0 | 0 | 4 |"
    assert old in text
    report = gxlib.parse_text(text.replace(old, "(七)總計 | 4 | 0 | 0 | 0 | 0 | 0 |  |"))
    cell = report.cell("requests", "total", "total")
    assert (cell.status, cell.value, cell.raw) == ("blank", None, "")
    codes = [(d.code, d.data.get("rule"), d.data.get("instance")) for d in report.diagnostics]
    assert ("GX502", "requests.row_total", "total") in codes
    assert ("GX502", "requests.balance", "total") in codes
    assert not any(c == "GX501" for c, _, _ in codes)
