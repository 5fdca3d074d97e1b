"""examples/harmonised_plot.py draws the harmonised outcomes of the bundled reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("pandas")

SCRIPT = Path(__file__).resolve().parent.parent / "examples" / "harmonised_plot.py"


def test_plot_is_written_where_asked(tmp_path: Path) -> None:
    out = tmp_path / "plots" / "outcomes.png"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(out)], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    assert f"wrote {out}" in result.stdout


def test_default_output_is_in_the_current_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, cwd=tmp_path
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
