"""Every ```python block of README.md and docs/*.md runs, from the repository root.

Each block runs in a fresh interpreter (so a block that registers a profile cannot change the
registry of this test process or of the next block). A block preceded by ``<!-- skip-test -->``
is not run; keep those few.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SKIP = "<!-- skip-test -->"
# pages whose blocks need a running cluster (Dask scheduler, Spark); drop a page from here once
# its blocks that cannot run locally are marked with SKIP
CLUSTER_PAGES = {"docs/clusters.md"}
OPTIONAL = ("pandas", "hypothesis", "matplotlib", "pyarrow", "lxml", "pdfplumber", "docx")
_BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)


def blocks() -> list[tuple[str, int, str, bool]]:
    out = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in _BLOCK.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            skipped = text[: m.start()].rstrip().endswith(SKIP)
            out.append((page.relative_to(ROOT).as_posix(), line, m.group(1), skipped))
    return out


BLOCKS = blocks()


def test_blocks_are_found() -> None:
    pages = {page for page, *_ in BLOCKS}
    assert {"README.md", "docs/quickstart.md", "docs/api.md"} <= pages
    assert sum(skipped for *_, skipped in BLOCKS) <= 3, "keep skipped blocks few"


@pytest.mark.parametrize(
    ("page", "line", "code", "skipped"), BLOCKS, ids=[f"{p}:{n}" for p, n, _, _ in BLOCKS]
)
def test_block_runs(page: str, line: int, code: str, skipped: bool, tmp_path: Path) -> None:
    if skipped:
        pytest.skip(f"{page}:{line} is marked {SKIP}")
    if page in CLUSTER_PAGES:
        pytest.skip(f"{page}:{line} needs a cluster")
    script = tmp_path / "block.py"
    # blank lines keep the line numbers of tracebacks those of the page
    script.write_text("\n" * line + code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    missing = re.search(r"ModuleNotFoundError: No module named '([\w.]+)'", result.stderr)
    if result.returncode and missing and missing.group(1).split(".")[0] in OPTIONAL:
        pytest.skip(f"{page}:{line} needs {missing.group(1)}")
    assert result.returncode == 0, f"{page}:{line}\n{result.stdout}\n{result.stderr}"
