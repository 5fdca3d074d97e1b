"""Diagnostics: every document problem gxlib finds, with a stable code.

The registry :data:`CODES` is the single source of truth; ``docs/diagnostics.md`` is generated
from it (``python scripts/generate_docs.py``) and a test keeps the two in step. Codes never
change meaning; retired codes are never reused.
"""

from __future__ import annotations

from typing import Any, Literal

from attrs import field, frozen

from gxlib.document import Location

Severity = Literal["error", "warning", "info"]


@frozen
class CodeInfo:
    code: str
    name: str
    severity: Severity
    title: str
    explanation: str
    hint: str


@frozen
class CellRef:
    table: str
    row: str
    column: str


@frozen
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    hint: str = ""
    location: Location | None = None
    cells: tuple[CellRef, ...] = ()
    data: dict[str, Any] = field(factory=dict, hash=False)


def _codes(*infos: CodeInfo) -> dict[str, CodeInfo]:
    return {i.code: i for i in infos}


CODES: dict[str, CodeInfo] = _codes(
    # -- input -------------------------------------------------------------------------------
    CodeInfo(
        "GX101",
        "encoding-guessed",
        "warning",
        "Encoding was guessed",
        "The bytes were neither valid UTF-8 nor in a declared encoding that fits, and the "
        "encoding was chosen on weak evidence: the GB18030 and Big5 readings were about "
        "equally plausible and chardet was not confident, or no encoding decoded the bytes and "
        "the last-resort fallback replaced some with U+FFFD. The decoding steps are in "
        "report.steps.",
        "Check a few values against the original; if you know the encoding, decode the bytes "
        "yourself and use gxlib.parse_text.",
    ),
    CodeInfo(
        "GX102",
        "mojibake-repaired",
        "info",
        "Mojibake was repaired",
        "The text had been decoded with the wrong codec somewhere upstream; gxlib undid it "
        "(ftfy for UTF-8 mojibake, a GBK round trip for GBK mojibake).",
        "Nothing to do; the repair is listed in report.steps.",
    ),
    CodeInfo(
        "GX103",
        "not-a-report",
        "error",
        "Not a report",
        "The input decodes to text, but nothing in it belongs to a report: no report title, no "
        "section heading, no labels of any registered format (an empty file, 'hello world', an "
        "unrelated page). It replaces the section and table diagnostics such input would get; "
        "no table value is read. Images, archives and binary data are refused earlier with "
        "UnsupportedInputError.",
        "Check that the file is the report and not a cover page, an index or an error page.",
    ),
    # -- structure ---------------------------------------------------------------------------
    CodeInfo(
        "GX201",
        "section-missing",
        "warning",
        "Section heading not found",
        "One of the six sections of the report has no recognisable heading. Tables of that "
        "section are still searched for between the neighbouring sections.",
        "If the heading uses unusual wording, add it to the section's variants in a profile.",
    ),
    CodeInfo(
        "GX202",
        "table-missing",
        "error",
        "Table not found",
        "None of the table's rows could be found; every cell of it is `missing`. Typical "
        "cause: the table was published as an image, or lies in an attachment.",
        "Look for the table in the original (image, attachment); gxlib invents no values.",
    ),
    CodeInfo(
        "GX203",
        "row-missing",
        "error",
        "Row not found",
        "The table was found but this row's label was not; its cells are `missing`.",
        "If the row label is worded differently, add a variant to the profile.",
    ),
    CodeInfo(
        "GX204",
        "cells-missing",
        "error",
        "Row has fewer cells than columns",
        "The row label was found but fewer cells follow it than the table has columns; the "
        "cells that could not be placed are `missing` (never shifted into other columns).",
        "Check the row in the original; a lost separator can also cause this.",
    ),
    CodeInfo(
        "GX205",
        "row-duplicate",
        "warning",
        "Row appears more than once",
        "A row label occurs again after its row was read, with the same values or none; the "
        "first occurrence with values is kept (occurrences with different values: GX408).",
        "Check the original for a repeated or misplaced row.",
    ),
    CodeInfo(
        "GX206",
        "header-not-found",
        "info",
        "Column header text not found",
        "Some column labels of the table were not found. Values are read by position, "
        "which the row labels anchor; header text is often lost in copied text.",
        "Usually nothing to do; verify the column order against the original.",
    ),
    CodeInfo(
        "GX207",
        "several-reports",
        "error",
        "The text holds more than one report",
        "A second report starts in the text (a second title, the section headings starting "
        "again, a second set of tables). Only the first report was read; nothing after the "
        "boundary was used.",
        "Split the file into one report per file and parse each.",
    ),
    # -- labels ------------------------------------------------------------------------------
    CodeInfo(
        "GX301",
        "label-variant",
        "info",
        "Label matched after dropping punctuation",
        "A label differs from the template only in punctuation or numbering style "
        "(e.g. 「1、」 for 「1.」).",
        "Nothing to do.",
    ),
    CodeInfo(
        "GX302",
        "label-fuzzy",
        "warning",
        "Label matched approximately",
        "A label has lost, gained or changed characters (a typo such as 「行政法复议」) and "
        "was matched to the only template label close enough to it.",
        "Check that the row was identified correctly.",
    ),
    CodeInfo(
        "GX303",
        "template-drift",
        "warning",
        "Report deviates from its template",
        "The report uses wording or a row of another template version (e.g. a 2021 report "
        "keeping the single 2019 （六）其他处理 row, or 规范性文件 for 行政规范性文件).",
        "Values are read into the matching keys; compare across formats with care.",
    ),
    # -- values ------------------------------------------------------------------------------
    CodeInfo(
        "GX401",
        "value-invalid",
        "error",
        "Cell text is not a valid value",
        "The cell holds text that is not a number of the column's type (a negative count, a "
        "decimal count, words); it gets no value.",
        "Read the raw text in the cell record.",
    ),
    CodeInfo(
        "GX402",
        "value-ambiguous",
        "warning",
        "Cell value is ambiguous",
        "The text holds the value but it cannot be read with certainty (no money unit stated, "
        "or cells run together and several splits fit); candidates are listed.",
        "Choose among the candidates with outside knowledge, e.g. last year's report.",
    ),
    CodeInfo(
        "GX403",
        "value-note",
        "info",
        "Value read with a remark",
        "The value was read, with a remark worth knowing (thousands separators removed, a "
        "unit in the cell overriding the header's).",
        "Nothing to do.",
    ),
    CodeInfo(
        "GX404",
        "run-resolved",
        "warning",
        "Value read from run-together cells",
        "The row's cells ran together with no separator (「行政许可3960181」); of all the ways to "
        "cut the digits into the row's cells, only one fits the arithmetic rules named in "
        "the message, and this cell's value is the same in it.",
        "The proof assumes the report's own arithmetic holds; check the original if unsure.",
    ),
    CodeInfo(
        "GX405",
        "rows-by-order",
        "info",
        "Value lines attached to rows by their order",
        "The text printed some rows' values on lines of their own, away from their labels (a PDF "
        "text layer centres a row's values beside a wrapped label; converters print label lines "
        "and value rows in separate blocks). Rows and value lines keep their order, and between "
        "the rows whose values share their label's line there were as many value lines as rows "
        "without them, so each line was attached to the row of the same rank.",
        "Nothing to do; the rows are listed in the message.",
    ),
    CodeInfo(
        "GX406",
        "rows-by-rules",
        "warning",
        "Value lines attached to rows by the arithmetic rules",
        "Value lines and rows without values did not pair up one to one; of all the "
        "order-preserving ways to attach the lines to the rows, only the ones the table's rules "
        "allow were kept, and they agree on the rows named in the message.",
        "The proof assumes the report's own arithmetic holds; check the original if unsure.",
    ),
    CodeInfo(
        "GX407",
        "rows-unattached",
        "warning",
        "Values not attached to a row",
        "Value lines and rows without values did not pair up one to one and more than one "
        "order-preserving attachment fits the table's rules: the rows' cells are `ambiguous`, "
        "with the values each could hold as candidates (a row may also have none).",
        "Read the rows in the original; the candidates name the lines that could be theirs.",
    ),
    CodeInfo(
        "GX408",
        "row-conflict",
        "warning",
        "Row printed twice with different values",
        "A row label occurs more than once with values on its line, and the values differ: "
        "which occurrence is the row cannot be told, so its cells are `ambiguous` with both.",
        "Check the original for the row's printed values.",
    ),
    CodeInfo(
        "GX409",
        "value-line-extra",
        "info",
        "Value line without a row",
        "A line of values inside a table could not be attached to any row (a row whose label "
        "was not recognised, or text that only looks like values); it was not read.",
        "If a row is reported not found nearby, its label may be printed differently.",
    ),
    # -- arithmetic --------------------------------------------------------------------------
    CodeInfo(
        "GX501",
        "rule-failed",
        "error",
        "Arithmetic rule broken (勾稽关系)",
        "A rule of the template (e.g. 一 + 二 = （七）总计 + 四, or 总计 = the six applicant "
        "columns) does not hold; the message gives both sides and the cells involved.",
        "Either the report is inconsistent or a cell was misread: check the cells named.",
    ),
    CodeInfo(
        "GX502",
        "rule-not-checkable",
        "info",
        "Arithmetic rule could not be checked",
        "An operand of the rule is blank, a placeholder, invalid, ambiguous or missing, so the "
        "rule was neither confirmed nor broken.",
        "Nothing to do, or fill in the cells.",
    ),
    # -- detection and metadata ----------------------------------------------------------------
    CodeInfo(
        "GX601",
        "profile-uncertain",
        "warning",
        "Profile detection is uncertain",
        "No discriminating evidence for any profile, or two profiles scored close; the best "
        "guess was used.",
        "Pass profile=... to parse() if you know the format.",
    ),
    CodeInfo(
        "GX602",
        "profile-forced",
        "info",
        "Profile chosen by the caller",
        "The profile was given to parse(); detection ran for the record only.",
        "Nothing to do.",
    ),
    CodeInfo(
        "GX603",
        "metadata-missing",
        "info",
        "Report metadata not found",
        "The issuing body or report year could not be read from the title or signature.",
        "Nothing to do, or supply the metadata from the file's source.",
    ),
    # -- across documents ----------------------------------------------------------------------
    CodeInfo(
        "GX801",
        "carry-over-mismatch",
        "error",
        "Carried-over requests do not match",
        "结转下年度继续办理 of one year's report differs from 上年结转政府信息公开申请数量 of "
        "the same body's next report, in the column named.",
        "One of the two reports is wrong or was misread: check both cells.",
    ),
    CodeInfo(
        "GX802",
        "carry-over-not-checkable",
        "info",
        "Carry-over could not be checked",
        "One side of the year-to-year carry-over is not a number (blank, missing...).",
        "Nothing to do, or fill in the cells.",
    ),
    CodeInfo(
        "GX803",
        "continuity-not-placed",
        "warning",
        "Report could not be placed for the carry-over check",
        "The report's issuing body or year is unknown, or its body name (once normalised) "
        "fits several bodies of the batch equally well, so it was compared with no report.",
        "Supply body and year (attrs.evolve on report.metadata), or check the body names.",
    ),
    CodeInfo(
        "GX804",
        "continuity-no-neighbour",
        "info",
        "No report of the year before or after",
        "No report of the same body for the previous or the next year is in the batch, so this "
        "report's carry-over was compared with nothing (not found consistent).",
        "Nothing to do, or add the neighbouring years' reports.",
    ),
    CodeInfo(
        "GX805",
        "duplicate-report",
        "warning",
        "The same report given twice",
        "Two inputs have the same content (same report_id, the SHA-256 of the source); the "
        "copy was dropped so that its values are counted once.",
        "Nothing to do, or remove the copy from the inputs.",
    ),
    # -- prose facts -------------------------------------------------------------------------
    CodeInfo(
        "GX901",
        "fact-ambiguous",
        "warning",
        "The prose states different values for one fact",
        "Two sentences state one fact key (e.g. requests received) with different values; the "
        "fact is ambiguous with every statement as a candidate, and is not cross-checked.",
        "Read the sentences (report.fact(key).statements) and decide which one is meant.",
    ),
    CodeInfo(
        "GX902",
        "fact-table-mismatch",
        "warning",
        "Prose and table disagree",
        "A fact stated in the prose differs from the table cells a profile fact check compares "
        "it with (e.g. 共收到申请5件 while 本年新收 总计 is 4). Both values stay as read.",
        "Check the sentence and the cells named; one of them is wrong in the document.",
    ),
    CodeInfo(
        "GX903",
        "fact-not-checkable",
        "info",
        "A prose fact could not be checked",
        "The prose states a fact the profile cross-checks, but the prose value is approximate "
        "or a lower bound (约/余/以上), or a table cell holds no number.",
        "Nothing to do, or compare by hand.",
    ),
    CodeInfo(
        "GX904",
        "fact-number-unreadable",
        "info",
        "A prose number could not be read exactly",
        "A phrasing of a fact matched, but its number is not well formed or not exact for the "
        "kind (a count with a fraction, a malformed Chinese numeral); no fact was recorded.",
        "Read the sentence in the message.",
    ),
    # -- readers ----------------------------------------------------------------------------
    CodeInfo(
        "GX701",
        "pdf-no-text",
        "error",
        "PDF page has no text layer",
        "A page is an image (a scan); its content cannot be read without OCR.",
        "Run OCR (e.g. ocrmypdf) and parse the result; gxlib does not guess.",
    ),
    CodeInfo(
        "GX702",
        "pdf-unmapped-glyphs",
        "warning",
        "PDF text has unmapped glyphs",
        "The PDF's fonts do not map some glyphs to characters ((cid:NNN)); text on those "
        "pages may be incomplete.",
        "Try another copy of the report (HTML, DOCX).",
    ),
    CodeInfo(
        "GX705",
        "pdf-text-not-in-layer",
        "warning",
        "PDF draws text its text layer does not hold",
        "Some text on a page, in a font the PDF does not embed, has no extent and gives no "
        "characters: the stand-in font on this machine lacks its glyphs (or the text is "
        "empty). A cell holding only such text reads as blank, so a blank cell on that page "
        "may not be blank on paper.",
        "Check the blank cells of that page against the printed page, or use another copy "
        "of the report (HTML, DOCX).",
    ),
    CodeInfo(
        "GX703",
        "html-span-repaired",
        "info",
        "Malformed table span repaired",
        "A rowspan/colspan attribute was malformed or ran past the table edge and was clamped.",
        "Nothing to do; check the table if values look shifted.",
    ),
    CodeInfo(
        "GX704",
        "reader-note",
        "info",
        "Reader note",
        "Something the reader noticed about the source document worth a user's attention.",
        "Read the message.",
    ),
)


def make(
    code: str,
    message: str,
    *,
    location: Location | None = None,
    cells: tuple[CellRef, ...] = (),
    data: dict[str, Any] | None = None,
    severity: Severity | None = None,
) -> Diagnostic:
    """Build a diagnostic from the registry; an unregistered code is a programming error."""
    info = CODES[code]
    return Diagnostic(
        code=code,
        name=info.name,
        severity=severity or info.severity,
        message=message,
        hint=info.hint,
        location=location,
        cells=cells,
        data=data or {},
    )


def explain(code_or_name: str) -> CodeInfo:
    """Look a diagnostic up by code (``GX501``) or name (``rule-failed``)."""
    key = code_or_name.strip()
    if key.upper() in CODES:
        return CODES[key.upper()]
    for info in CODES.values():
        if info.name == key.lower():
            return info
    raise KeyError(code_or_name)
