"""``gxlib.parse``: source → checked, traceable :class:`Report`."""

from __future__ import annotations

import bisect
import hashlib
from pathlib import Path

from gxlib import diagnostics as dg
from gxlib.checks import check_tables
from gxlib.detect import score_profiles
from gxlib.diagnostics import Diagnostic
from gxlib.document import Document, Location
from gxlib.errors import GxlibError, StrictModeError, UnreadableInputError
from gxlib.extract import SectionTokens, read_tables, section_tokens, value_predicate
from gxlib.labels import compile_labels
from gxlib.metadata import read_metadata
from gxlib.normalize import fold_document
from gxlib.profiles import registry
from gxlib.profiles.model import Profile
from gxlib.readers import read_document
from gxlib.report import Detection, Report, Section
from gxlib.sections import find_sections
from gxlib.verify import verify_tables

_MAX_PATH_LEN = 1024


def parse(
    source: object,
    *,
    profile: str | Profile | None = None,
    strict: bool = False,
    name: str | None = None,
) -> Report:
    """Parse one report.

    ``source`` is text (``str``), ``bytes``, a path (``os.PathLike``, or a ``str`` naming an
    existing file and holding no newline), or a file object. The reader (text, HTML, DOCX, PDF)
    is chosen from the content. ``profile`` forces a format (an id or a :class:`Profile`);
    otherwise the best-scoring registered profile is used. ``strict=True`` raises
    :class:`gxlib.StrictModeError` (carrying the report) when any error diagnostic exists.
    """
    data, display = _load(source)
    report_id = hashlib.sha256(
        data if isinstance(data, bytes) else data.encode("utf-8")
    ).hexdigest()
    doc = read_document(data, name=name or display)
    report = parse_document(doc, profile=profile, source=name or display, report_id=report_id)
    if strict and report.errors:
        raise StrictModeError(report)
    return report


def parse_bytes(
    data: bytes,
    *,
    profile: str | Profile | None = None,
    strict: bool = False,
    name: str | None = None,
) -> Report:
    """Parse a report given as bytes (e.g. from a Spark ``binaryFile`` column)."""
    return parse(bytes(data), profile=profile, strict=strict, name=name)


def parse_text(
    text: str,
    *,
    profile: str | Profile | None = None,
    strict: bool = False,
    name: str | None = None,
) -> Report:
    """Parse a report given as text (a ``str`` holding the report itself, not a path)."""
    if not isinstance(text, str):
        raise UnreadableInputError(f"parse_text takes a str, not {type(text).__name__}")
    return parse(text, profile=profile, strict=strict, name=name)


def _load(source: object) -> tuple[bytes | str, str | None]:
    from gxlib.decoding import read_source

    # A str is text, unless it is one short line naming an existing file: parse("report.txt")
    if isinstance(source, str) and "\n" not in source and len(source) < _MAX_PATH_LEN:
        try:
            is_file = Path(source).is_file()
        except (OSError, ValueError):
            is_file = False
        if is_file:
            return read_source(Path(source))
    return read_source(source)


def parse_document(
    doc: Document,
    *,
    profile: str | Profile | None = None,
    source: str | None = None,
    report_id: str | None = None,
) -> Report:
    """Extract a report from an already-read :class:`Document`."""
    diags: list[Diagnostic] = []
    for code, message, loc in doc.problems:
        diags.append(dg.make(code if code in dg.CODES else "GX704", message, location=loc))
    text = doc.text
    key_text, folding = fold_document(text)
    line_starts = _line_starts(text)

    def line_at(offset: int) -> int:
        return bisect.bisect_right(line_starts, offset)

    candidates = registry.all_profiles()
    if isinstance(profile, Profile):
        chosen, forced = profile, True
        if profile not in candidates:
            candidates = [*candidates, profile]
    elif isinstance(profile, str):
        chosen, forced = registry.get(profile), True
    else:
        chosen, forced = None, False
    if not candidates:
        raise GxlibError("no profiles are registered")

    # Metadata first (its year is a weak prior for detection); section starts come later.
    meta = read_metadata(text, min(len(text), 2000))
    ranking = score_profiles(key_text, candidates, meta.year)
    if chosen is None:
        best = ranking[0]
        chosen = next(p for p in candidates if p.id == best.profile)
        runner_up = ranking[1].score if len(ranking) > 1 else 0.0
        if best.score - runner_up < 1.0 or not any(
            not e.endswith("labels present") and "report year" not in e for e in best.evidence
        ):
            diags.append(
                dg.make(
                    "GX601",
                    f"profile {best.profile!r} chosen with score {best.score:g} "
                    f"(runner-up {runner_up:g}); pass profile=... if you know the format",
                )
            )
    else:
        diags.append(dg.make("GX602", f"profile {chosen.id!r} given by the caller"))
    score = next((c.score for c in ranking if c.profile == chosen.id), 0.0)
    detection = Detection(chosen.id, score, forced, tuple(ranking))

    spans = find_sections(text, chosen)
    first = min((s.heading_start for s in spans if s.found), default=len(text))
    meta = read_metadata(text, first)
    if meta.body is None or meta.year is None:
        missing = [
            n for n, v in (("issuing body", meta.body), ("report year", meta.year)) if v is None
        ]
        diags.append(dg.make("GX603", f"{' and '.join(missing)} not found in title or signature"))

    sections: list[Section] = []
    for span, spec in zip(spans, chosen.sections, strict=True):
        if not span.found:
            diags.append(
                dg.make(
                    "GX201",
                    f"section {spec.number}、{spec.title} not found; its tables are "
                    "searched for between the neighbouring sections",
                )
            )
        loc = (
            Location(span.heading_start, span.line, len(span.heading or "")) if span.found else None
        )
        sections.append(
            Section(spec.key, spec.number, spec.title, span.found, span.heading, loc, span.end)
        )

    labels = compile_labels(chosen)
    value_like = value_predicate(chosen.values)
    by_section: dict[str, SectionTokens] = {}
    table_sections = {t.section for t in chosen.tables}
    for span in spans:
        if span.key in table_sections:
            by_section[span.key] = section_tokens(
                doc, span, labels.get(span.key), value_like, line_at
            )
    tables = list(read_tables(chosen, by_section, diags))
    diags.extend(check_tables(chosen, tables))
    tables = verify_tables(chosen, tables, diags, fresh=True)

    steps = (*doc.steps, *folding)
    for step in doc.steps:
        if step.what.startswith("mojibake"):
            diags.append(dg.make("GX102", step.why))
    return Report(
        profile=chosen.id,
        detection=detection,
        metadata=meta,
        sections=tuple(sections),
        tables=tuple(tables),
        diagnostics=tuple(diags),
        steps=tuple(steps),
        source=source,
        report_id=report_id,
        kind=doc.kind,
        encoding=doc.encoding,
    )


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


__all__ = ["UnreadableInputError", "parse", "parse_bytes", "parse_document", "parse_text"]
