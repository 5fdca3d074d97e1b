"""The scripts in examples/ run."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_embed_example() -> None:
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / "embed.py")], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("4 new requests; 200 values read")


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None, reason="needs gxlib[pandas]")
def test_quickstart_example() -> None:
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "聊城市大数据局 2022 (gov-2021): 4 new requests; errors: none" in out
    assert "淄博市大数据局 2020 (gov-2019): 2 new requests; errors: none" in out
