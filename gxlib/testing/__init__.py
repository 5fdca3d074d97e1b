"""Property-based testing for gxlib and for profile authors.

Generate reports for any registered profile, render them the ways real documents flatten their
tables, mutate them the ways real documents differ, parse them back and compare::

    from hypothesis import given
    from gxlib.testing import reports, render_report, assert_reads_back
    import gxlib

    @given(reports("my-profile"))
    def test_my_profile(gen):
        assert_reads_back(gen, gxlib.parse_text(render_report(gen, "tabs")))

See docs/testing.md. Needs hypothesis (``pip install 'gxlib[test]'``).
"""

from __future__ import annotations

from gxlib.report import Report
from gxlib.testing.grid import GCell, TableGrid, build_grid
from gxlib.testing.mutate import (
    ENCODINGS,
    LABEL_MUTATIONS,
    VALUE_MUTATIONS,
    compose,
    crlf,
    encode,
)
from gxlib.testing.prose import GeneratedProse, chinese_numeral, prose
from gxlib.testing.render import (
    CONVERTER_STYLES,
    STYLES,
    TEXT_STYLES,
    render_docx,
    render_grid,
    render_page_text,
    render_pdf,
    render_report,
)
from gxlib.testing.strategies import Expected, GeneratedReport, reports


def mismatches(gen: GeneratedReport, report: Report) -> list[str]:
    """Every cell whose status or value differs from what was generated, described."""
    out = []
    for (t, r, c), exp in gen.cells.items():
        cell = report.cell(t, r, c)
        if (cell.status, cell.value) != (exp.status, exp.value):
            out.append(
                f"{t}/{r}/{c}: expected {exp.status} {exp.value!r} (text {exp.raw!r}), "
                f"read {cell.status} {cell.value!r} (raw {cell.raw!r})"
            )
    return out


def assert_reads_back(
    gen: GeneratedReport, report: Report, *, errors_allowed: bool = False
) -> None:
    """The report reads back exactly: profile, every cell's status and value, and (for a
    consistent report) no error diagnostic."""
    assert report.profile == gen.profile, (report.profile, report.detection.ranking)
    bad = mismatches(gen, report)
    assert not bad, f"{len(bad)} cell(s) differ: " + "; ".join(bad[:5])
    if gen.consistent and not errors_allowed:
        errors = [f"{d.code} {d.message}" for d in report.diagnostics if d.severity == "error"]
        assert not errors, errors


__all__ = [
    "CONVERTER_STYLES",
    "ENCODINGS",
    "LABEL_MUTATIONS",
    "STYLES",
    "TEXT_STYLES",
    "VALUE_MUTATIONS",
    "Expected",
    "GCell",
    "GeneratedProse",
    "GeneratedReport",
    "TableGrid",
    "assert_reads_back",
    "build_grid",
    "chinese_numeral",
    "compose",
    "crlf",
    "encode",
    "mismatches",
    "prose",
    "render_docx",
    "render_grid",
    "render_page_text",
    "render_pdf",
    "render_report",
    "reports",
]
