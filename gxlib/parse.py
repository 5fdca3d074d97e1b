"""``gxlib.parse``: source → checked, traceable :class:`Report`."""

from __future__ import annotations

import bisect
import hashlib
from pathlib import Path

from attrs import evolve

from gxlib import diagnostics as dg
from gxlib.checks import check_tables
from gxlib.detect import score_profiles
from gxlib.diagnostics import Diagnostic
from gxlib.document import Document, Location
from gxlib.errors import GxlibError, StrictModeError, UnreadableInputError
from gxlib.extract import SectionTokens, read_tables, section_tokens, value_predicate
from gxlib.factchecks import check_facts
from gxlib.facts import read_facts
from gxlib.labels import compile_labels
from gxlib.metadata import read_metadata
from gxlib.normalize import fold_document
from gxlib.not_a_report import screen
from gxlib.profiles import registry
from gxlib.profiles.model import Profile
from gxlib.readers import read_document
from gxlib.report import Detection, Report, Section, Table
from gxlib.report_boundary import Boundary, second_report_start
from gxlib.sections import find_sections, heading_candidates
from gxlib.verify import verify_tables

_MAX_PATH_LEN = 1024


def parse(
    source: object,
    *,
    profile: str | Profile | None = None,
    strict: bool = False,
    name: str | None = None,
) -> Report:
    """Parse one report from a file.

    ``source`` is a path (``str`` or ``os.PathLike``), ``bytes``, or a binary or text file
    object — like pandas' ``read_*``, a ``str`` is always a path, never report text: use
    :func:`parse_text` for text. A path that names no readable regular file raises a
    :class:`gxlib.UnreadableInputError` (for a missing file one that is also a
    ``FileNotFoundError``). The reader (text, HTML, DOCX, PDF) is chosen from the content.
    ``profile`` forces a format (an id or a :class:`Profile`); otherwise the best-scoring
    registered profile is used. ``strict=True`` raises :class:`gxlib.StrictModeError`
    (carrying the report) when any error diagnostic exists.
    """
    data, display = _load(source)
    return _parse_data(data, display, profile=profile, strict=strict, name=name)


def parse_text(
    text: str,
    *,
    profile: str | Profile | None = None,
    strict: bool = False,
    name: str | None = None,
) -> Report:
    """Parse a report given as text: a ``str`` holding the report itself (plain text or HTML).

    Takes the same options as :func:`parse`; the text is never taken for a path.
    """
    if not isinstance(text, str):
        raise UnreadableInputError(
            f"parse_text takes the report as a str, not {type(text).__name__}; "
            "use parse() for paths and files, parse_bytes() for bytes"
        )
    from gxlib.decoding import read_source

    data, display = read_source(text)
    return _parse_data(data, display, profile=profile, strict=strict, name=name)


def parse_bytes(
    data: bytes,
    *,
    profile: str | Profile | None = None,
    strict: bool = False,
    name: str | None = None,
) -> Report:
    """Parse a report given as bytes (e.g. from a Spark ``binaryFile`` column)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise UnreadableInputError(
            f"parse_bytes takes bytes, not {type(data).__name__}; "
            "use parse() for paths and files, parse_text() for text"
        )
    return parse(bytes(data), profile=profile, strict=strict, name=name)


def _parse_data(
    data: bytes | str,
    display: str | None,
    *,
    profile: str | Profile | None,
    strict: bool,
    name: str | None,
) -> Report:
    report_id = hashlib.sha256(
        data if isinstance(data, bytes) else data.encode("utf-8")
    ).hexdigest()
    doc = read_document(data, name=name or display)
    report = parse_document(doc, profile=profile, source=name or display, report_id=report_id)
    if strict and report.errors:
        raise StrictModeError(report)
    return report


def _load(source: object) -> tuple[bytes | str, str | None]:
    from gxlib.decoding import read_source

    if isinstance(source, str):
        # A str is a path (as in pandas' read_*); report text that was passed by mistake gets
        # a hint instead of an opaque "no such file".
        if "\n" in source or len(source) >= _MAX_PATH_LEN:
            raise UnreadableInputError(
                "parse() takes a path, and this str is not one (it holds a line break or is "
                f"{len(source)} characters long); to parse report text use gxlib.parse_text(text)"
            )
        try:
            return read_source(Path(source))
        except UnreadableInputError as exc:
            exc.add_note("gxlib.parse() reads a str as a path; report text: gxlib.parse_text")
            raise
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
    # Two reports in one text are never mixed: only the first is read (GX207).
    top = chosen or next(p for p in candidates if p.id == ranking[0].profile)
    headings = heading_candidates(text, top)
    boundary = second_report_start(text, top, headings)
    if boundary is not None:
        diags.append(_several_reports(text, boundary))
        text = text[: boundary.offset]
        key_text, folding = fold_document(text)
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

    # the candidates found for the boundary serve again when they are of this text and profile
    spans = find_sections(text, chosen, headings if boundary is None and chosen is top else None)
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
    # facts only from the text read (the first report, when there are several)
    prose_doc = doc if boundary is None else evolve(doc, text=text)
    facts, fact_diags = read_facts(prose_doc, chosen, line_at, _table_ranges(tables))
    diags.extend(fact_diags)
    diags.extend(check_facts(chosen, facts, tables))

    steps = (*doc.steps, *folding)  # GX101/GX102 come with doc.problems (readers.read_document)
    diags = screen(  # a text without any report in it: one GX103 instead of the cascade
        diags, doc, meta, (s.found for s in spans), lambda: _content_score(key_text, candidates)
    )
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
        facts=facts,
    )


def _content_score(key_text: str, candidates: list[Profile]) -> float:
    return max((c.score for c in score_profiles(key_text, candidates, None)), default=0.0)


def _several_reports(text: str, boundary: Boundary) -> Diagnostic:
    start = text[boundary.offset : boundary.offset + 60].strip().split("\n")[0]
    what = "title" if boundary.titled else "section headings starting again at"
    return dg.make(
        "GX207",
        f"a second report starts at line {boundary.line} ({what} 「{start}」); only the text "
        "before it was read",
        location=Location(boundary.offset, boundary.line, len(start)),
        data={"second_report_offset": boundary.offset},
    )


def _table_ranges(tables: list[Table]) -> list[tuple[int, int]]:
    """``[first cell, last cell)`` of each table read from the text (facts skip those lines)."""
    out = []
    for t in tables:
        offsets = [
            (c.location.offset, c.location.offset + c.location.length)
            for c in t.cells
            if c.location is not None and c.location.grid is None
        ]
        if offsets:
            out.append((min(a for a, _ in offsets), max(b for _, b in offsets)))
    return out


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


__all__ = ["UnreadableInputError", "parse", "parse_bytes", "parse_document", "parse_text"]
