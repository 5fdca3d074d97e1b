"""Generated reference pages match the code and profiles they are generated from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generated_pages_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_code_is_documented_with_hint() -> None:
    from gxlib.diagnostics import CODES

    page = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    for code, info in CODES.items():
        assert f"## {code}" in page
        assert info.hint and info.explanation
