"""examples/harmonised_plot.py draws the harmonised outcomes of the bundled reports."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("pandas")

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "harmonised_plot.py"
# the script imports the gxlib of this checkout, not whichever is installed
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def test_plot_is_written_where_asked(tmp_path: Path) -> None:
    out = tmp_path / "plots" / "outcomes.png"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    assert f"wrote {out}" in result.stdout


def test_default_output_is_in_the_current_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, cwd=tmp_path, env=ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "harmonised.png").stat().st_size > 0


def test_outcomes_cover_both_formats() -> None:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import harmonised_plot
    finally:
        sys.path.remove(str(SCRIPT.parent))
    frame = harmonised_plot.outcomes_frame()
    assert set(frame["profile"]) == {"gov-2019", "gov-2021"}
    assert set(frame["outcome"]) == set(harmonised_plot.OUTCOMES)
    # gov-2021 reports get the whole (六)其他处理 row from harmonise
    other = frame[(frame["profile"] == "gov-2021") & (frame["outcome"] == "other")]
    assert len(other) and other["derived"].all()


def test_issue15_20_run_from_the_repository_writes_nothing_into_it(tmp_path: Path) -> None:
    before = set(ROOT.iterdir())
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**ENV, "TMPDIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(ROOT.iterdir()) == before
    assert (tmp_path / "gxlib-examples" / "harmonised.png").stat().st_size > 0


def test_issue15_20_each_report_counted_once() -> None:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import harmonised_plot
    finally:
        sys.path.remove(str(SCRIPT.parent))
    files = [p for folder in harmonised_plot.SOURCES for p in folder.glob("*.txt")]
    contents = {hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    assert len(contents) < len(files)  # the folders do share copies: the case being tested
    frame = harmonised_plot.outcomes_frame()
    assert frame["report_id"].nunique() == frame["source"].nunique()
    per_cell = frame.groupby(["report_id", "row", "column"]).size()
    assert (per_cell == 1).all()
