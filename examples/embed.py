"""gxlib inside another parser: you already have the text of a report (say, from your own
crawler) and want its tables, checked, as plain dicts.

    python examples/embed.py
"""

from __future__ import annotations

from pathlib import Path

import gxlib


def tables_of(text: str) -> dict[str, dict[tuple[str, str], object]]:
    """Your parser's view: table → (row, column) → value; cells gxlib could not prove are
    left out, and problems are raised to the caller in strict mode."""
    report = gxlib.parse_text(text, strict=True)
    return {
        t.key: {(c.row, c.column): c.value for c in t.cells if c.status == "number"}
        for t in report.tables
    }


if __name__ == "__main__":
    text = (Path(__file__).parent / "reports" / "liaocheng-2022.txt").read_text(encoding="utf-8")
    tables = tables_of(text)
    print(
        tables["requests"][("new", "total")],
        "new requests;",
        sum(len(v) for v in tables.values()),
        "values read",
    )
