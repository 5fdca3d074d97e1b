"""One report counted once: inputs deduplicated by ``report_id`` (the SHA-256 of the source).

Corpora often hold byte-identical copies of a report under two names (a mirror, a test folder);
counted twice, they double every sum. Functions that combine reports drop the copies and say so
with a :class:`gxlib.errors.DuplicateReportWarning` (code GX805).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING

from gxlib.errors import DuplicateReportWarning

if TYPE_CHECKING:
    from gxlib.report import Report


def unique_reports(reports: Iterable[Report]) -> list[Report]:
    """``reports`` in order without repeats of a ``report_id`` (reports without one are all
    kept); warns once per dropped copy, naming both sources."""
    seen: dict[str, Report] = {}
    out: list[Report] = []
    for r in reports:
        rid = r.report_id
        if rid is None:
            out.append(r)
            continue
        first = seen.get(rid)
        if first is None:
            seen[rid] = r
            out.append(r)
            continue
        warn_duplicate(rid, first.source, r.source)
    return out


def warn_duplicate(report_id: str, kept: str | None, dropped: str | None) -> None:
    """Warn that ``dropped`` is a copy of ``kept`` (same ``report_id``) and was left out."""
    warnings.warn(
        f"GX805 duplicate-report: {dropped or '?'} has the same content as {kept or '?'} "
        f"(report_id {report_id[:12]}…); counted once",
        DuplicateReportWarning,
        stacklevel=3,
    )


__all__ = ["unique_reports", "warn_duplicate"]
