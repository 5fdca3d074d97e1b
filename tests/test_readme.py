"""The README's usage example runs and says what it shows."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_example_runs_and_matches_its_comments() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code is not None
    ns: dict[str, object] = {}
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for line in code.group(1).splitlines():
            stmt, _, comment = line.partition("#")
            stmt = stmt.rstrip()
            if not stmt:
                continue
            if "=" in stmt.split("(")[0] or stmt.startswith(("import", "from")):
                exec(stmt, ns)
                continue
            value = eval(stmt, ns)
            shown = comment.strip().split(" ")[0] if comment.strip() else ""
            if shown.startswith(("'", "(", "[")) or shown.isdigit():
                assert repr(value).replace(" ", "") == comment.strip().split(" (")[0].split(" —")[
                    0
                ].replace(" ", ""), (stmt, value, comment)
    finally:
        os.chdir(cwd)
