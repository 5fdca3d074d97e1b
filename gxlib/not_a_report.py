"""Telling a document that holds no report from a report that is hard to read.

A decodable text with nothing of a report in it ('hello world', an empty file, an unrelated web
page) would otherwise come back as a report of the best-scoring format, with score 0 and a
cascade of "section not found" / "table not found" diagnostics that look like a damaged report.
Instead it gets ONE error diagnostic, GX103.

A document counts as a report when it shows any evidence of one: a report title, a section
heading of the chosen format, or a template's signals and table labels (a quarter of the labels
suffices). A report whose tables are missing but whose title and headings are there is a
report, with its usual diagnostics. Binary inputs never get here: the readers refuse them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from gxlib import diagnostics as dg
from gxlib.diagnostics import Diagnostic
from gxlib.document import Document
from gxlib.report import Metadata

__all__ = ["MIN_CONTENT_SCORE", "screen"]

MIN_CONTENT_SCORE = 0.5
"""Detection score without the year prior (signals + 2 x label coverage) from which text counts
as report content: one signal, or a quarter of a template's table labels."""

# Diagnostics about the input itself (kept, like any about values that were read).
_INPUT_PREFIXES = ("GX1", "GX7")
# The cascade GX103 replaces: sections and tables not found, format and metadata unknown.
_CASCADE_PREFIXES = ("GX2", "GX6")


def screen(
    diags: Sequence[Diagnostic],
    doc: Document,
    meta: Metadata,
    sections_found: Iterable[bool],
    content_score: Callable[[], float],
) -> list[Diagnostic]:
    """*diags* unchanged when *doc* shows evidence of a report; otherwise *diags* without the
    cascade of sections, tables, format and metadata not found, plus one GX103 'not a report'
    error. Diagnostics about values that were read (cells, rules, facts) are always kept.

    ``content_score`` is called only when neither a title nor a section heading was found; it
    returns the best profile's detection score without the year prior.
    """
    if meta.title is not None or any(sections_found):
        return list(diags)
    score = content_score()
    if score >= MIN_CONTENT_SCORE:
        return list(diags)
    text = doc.text
    if not text.strip():
        detected = "empty"
        what = "the input is empty" if not text else "the input holds only whitespace"
    else:
        detected = doc.kind
        what = (
            f"its {len(text)} characters of {doc.kind} have no report title, no section heading "
            f"and no template labels (best content score {score:g})"
        )
    kept = [d for d in diags if not d.code.startswith(_CASCADE_PREFIXES)]
    if any(d.severity == "error" and d.code.startswith(_INPUT_PREFIXES) for d in kept):
        return kept  # the reader already said why there is nothing (e.g. a scan: GX701)
    return [
        *kept,
        dg.make("GX103", f"not a report: {what}", data={"detected": detected, "score": score}),
    ]
