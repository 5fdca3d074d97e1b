"""Read reports published as Word documents (the ``docx`` extra: lxml).

The package is opened with :mod:`zipfile` and its WordprocessingML read directly with lxml, so
merged cells keep their exact geometry: ``w:gridSpan`` is a colspan, a ``w:vMerge`` run of cells
is one cell with a rowspan, ``w:gridBefore`` shifts a row. Paragraphs and tables come in document
order (also inside content controls and tracked insertions); what Word would not show is left out
(tracked deletions, hidden runs, field instructions, ruby glosses such as pinyin). List numbers
that Word generates ("一、", "（一）", "1.") are rendered from ``numbering.xml``, since in many
reports the section and row numbers exist only there. Text boxes are read after the paragraph
that anchors them.

Tables follow the same rules as HTML (see :mod:`gxlib.readers._grid`): a layout table (one
cell, mostly nested tables, or mostly prose) is read as blocks, any other nested table is
flattened into its cell.

Legacy ``.doc`` and ``.wps`` files (OLE compound files) and password-protected documents are
refused with a conversion hint; so are zip bombs and parts larger than a report needs
(:data:`MAX_PART_BYTES`, :data:`MAX_TOTAL_BYTES`, :data:`MAX_RATIO`) before anything is
decompressed. The document body is parsed as a stream (lxml ``iterparse``): each block
(paragraph, table...) is read as soon as it is complete and then dropped from the tree.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from gxlib.document import Document, Step
from gxlib.errors import InputTooLargeError, MissingExtraError, UnreadableInputError
from gxlib.readers._grid import (
    HARD_BREAK,
    LONG_CELL,
    RawCell,
    TableStats,
    TextBuilder,
    clamp_spans,
    collapse,
    is_layout_table,
)

__all__ = ["MAX_CELLS", "MAX_PART_BYTES", "MAX_RATIO", "MAX_TOTAL_BYTES", "read_docx"]

MAX_PART_BYTES: Final = 32 * 1024 * 1024
"""Largest declared uncompressed size of an XML part the reader reads. A report's
``word/document.xml`` is a few MB at most (Word's markup included); the body is streamed, so
memory stays small up to the limit, and time grows linearly with the part (about 0.1 s per MB)."""

MAX_TOTAL_BYTES: Final = 1024 * 1024 * 1024
"""Largest declared uncompressed size of the whole package."""

MAX_RATIO: Final = 200
"""Highest compression ratio accepted for a part over :data:`RATIO_FLOOR` bytes. Real
WordprocessingML compresses about 5–30 times; zip bombs reach about 1000."""

RATIO_FLOOR: Final = 5 * 1024 * 1024

MAX_CELLS: Final = 200_000
"""Most table cells accepted in a document."""

_MAX_SPAN: Final = 1000

_OLE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_W_MAIN: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_STRICT: Final = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_MC: Final = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_REL: Final = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DIGITS: Final = re.compile(r"\s*\+?([0-9]+)")
_PLACEHOLDER: Final = re.compile(r"%([1-9])")
_FALSE: Final = frozenset({"0", "false", "off"})

_El = Any  # lxml elements (lxml ships no type stubs)

# Elements that can be blocks of the body, i.e. what _Reader.render reads (any namespace: the
# document's is known only once parsing has begun).
_BLOCK_TAGS: Final = tuple(
    f"{{*}}{name}"
    for name in (
        "p",
        "tbl",
        "sdt",
        "customXml",
        "ins",
        "moveTo",
        "sdtContent",
        "AlternateContent",
        "altChunk",
        "del",
        "moveFrom",
    )
)

_CONVERT = "save it as .docx in Word or WPS, or run: libreoffice --headless --convert-to docx FILE"


def read_docx(data: bytes, *, name: str | None = None) -> Document:
    """Read a DOCX package (bytes) into a Document."""
    try:
        from lxml import etree  # type: ignore[import-untyped,unused-ignore]
    except ImportError as exc:
        raise MissingExtraError("docx", "lxml") from exc
    label = repr(name) if name else "the DOCX input"
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise UnreadableInputError(f"read_docx() needs bytes, not {type(data).__name__}")
    _check_signature(data, label)
    package = _Package(etree, data, label)
    builder = TextBuilder()
    reader: _Reader | None = None
    # Streamed: each block of the body (paragraph, table...) is read as soon as it is parsed
    # and then dropped, so memory stays at the size of the largest block, not of the document.
    for block in package.body_blocks(package.main):
        if reader is None:  # the namespace (transitional or strict) is known by now
            reader = _Reader(etree, package, builder)
        reader.survey(block)
        reader.render((block,))
        reader.stats.clear()
    if reader is None:
        reader = _Reader(etree, package, builder)
    steps = [Step("reader", "read as DOCX"), *reader.steps()]
    if builder.offset == 0:
        builder.note("GX704", "no text found in the document (its content may be images)")
    return builder.document("docx", steps, None)


def _check_signature(data: bytes, label: str) -> None:
    if data.startswith(_OLE):
        raise UnreadableInputError(
            f"{label} is a legacy Word .doc / WPS .wps file (an OLE compound file; a "
            f"password-protected .docx looks the same), which gxlib does not read: {_CONVERT}"
        )
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{\\rtf"):
        raise UnreadableInputError(f"{label} is an RTF file, not a DOCX: {_CONVERT}")
    if head.startswith(b"mime-version:") or (head.startswith(b"<") and b"<html" in head):
        raise UnreadableInputError(
            f"{label} is a web page (HTML or MHT) saved with a Word file name; read it with "
            "gxlib.readers.html.read_html (or parse() the bytes)"
        )
    if b"<?mso-application" in head or b"<w:worddocument" in head:
        raise UnreadableInputError(f"{label} is a Word 2003 XML document, not a DOCX: {_CONVERT}")
    if not data.startswith(b"PK"):
        raise UnreadableInputError(f"{label} is not a DOCX file (no zip signature)")


_UNZIP_ERRORS: Final = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    KeyError,
)


class _Package:
    """The zip package: size checks, part lookup, bounded reads and safe XML parsing."""

    def __init__(self, etree: Any, data: bytes, label: str) -> None:
        self.etree = etree
        self.label = label
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except _UNZIP_ERRORS as exc:
            raise UnreadableInputError(f"{label} is not a readable zip/DOCX file: {exc}") from exc
        self.infos = {info.filename: info for info in infos}
        self.folded = {info.filename.lower(): info for info in infos}
        total = sum(info.file_size for info in infos)
        if total > MAX_TOTAL_BYTES:
            raise InputTooLargeError(
                f"{label} declares {total} bytes uncompressed, over the limit of {MAX_TOTAL_BYTES}"
            )
        self._parser_options: dict[str, bool] = {
            "resolve_entities": False,
            "no_network": True,
            "load_dtd": False,
            "huge_tree": False,
            "remove_comments": True,
            "remove_pis": True,
        }
        self._parser = etree.XMLParser(**self._parser_options)
        self.main = self._main_part()
        self.ns = _W_MAIN
        relations = self._relations(self.main)
        self.styles = relations.get(
            "styles", posixpath.join(posixpath.dirname(self.main), "styles.xml")
        )
        self.numbering = relations.get(
            "numbering", posixpath.join(posixpath.dirname(self.main), "numbering.xml")
        )

    def _info(self, name: str) -> zipfile.ZipInfo | None:
        return self.infos.get(name) or self.folded.get(name.lower())

    def _checked(self, name: str) -> zipfile.ZipInfo | None:
        """The part's entry, after the size checks (declared size, compression ratio)."""
        info = self._info(name)
        if info is None:
            return None
        if info.file_size > MAX_PART_BYTES:
            raise InputTooLargeError(
                f"{self.label}: {name} declares {info.file_size} bytes uncompressed, over the "
                f"limit of {MAX_PART_BYTES} (a report's document XML is a few MB at most)"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise InputTooLargeError(
                f"{self.label}: {name} expands {info.file_size // max(1, info.compress_size)} "
                "times (a zip bomb?)"
            )
        return info

    def read(self, name: str) -> bytes | None:
        info = self._checked(name)
        if info is None:
            return None
        try:
            with self.zip.open(info) as handle:
                # Bounded even if the header lies: zipfile stops at the declared size and
                # checks the CRC, so more output than declared cannot arrive.
                content: bytes = handle.read(MAX_PART_BYTES + 1)
        except _UNZIP_ERRORS as exc:
            raise UnreadableInputError(f"{self.label}: cannot read {name}: {exc}") from exc
        if len(content) > MAX_PART_BYTES:
            raise InputTooLargeError(f"{self.label}: {name} is larger than {MAX_PART_BYTES} bytes")
        return content

    def _xml_error(self, name: str, exc: Exception) -> UnreadableInputError:
        if isinstance(exc, self.etree.XMLSyntaxError):
            message = str(exc)
            if "depth" in message.lower() or "huge" in message.lower():
                return InputTooLargeError(f"{self.label}: {name} exceeds a parser limit: {exc}")
            return UnreadableInputError(f"{self.label}: {name} is not well-formed XML: {exc}")
        if isinstance(exc, _UNZIP_ERRORS) and not isinstance(exc, ValueError):
            return UnreadableInputError(f"{self.label}: cannot read {name}: {exc}")
        return UnreadableInputError(f"{self.label}: cannot parse {name}: {exc}")

    def _set_namespace(self, root: _El) -> None:
        namespace = root.tag[1:].partition("}")[0] if isinstance(root.tag, str) else ""
        if namespace in (_W_MAIN, _W_STRICT):
            self.ns = namespace

    def xml(self, name: str) -> _El:
        content = self.read(name)
        if content is None:
            raise UnreadableInputError(f"{self.label}: the package has no part {name}")
        try:
            root = self.etree.fromstring(content, self._parser)
        except (self.etree.LxmlError, ValueError) as exc:
            raise self._xml_error(name, exc) from exc
        if root is None:
            raise UnreadableInputError(f"{self.label}: {name} is empty")
        self._set_namespace(root)
        return root

    def body_blocks(self, name: str) -> Iterator[_El]:
        """The children of the first ``w:body`` of part *name*, each complete when yielded and
        removed from the tree right after, so the tree never holds more than one block."""
        info = self._checked(name)
        if info is None:
            raise UnreadableInputError(f"{self.label}: the package has no part {name}")
        body: _El | None = None
        try:
            with self.zip.open(info) as handle:
                # Events only for elements that can be blocks (the rest is parsed in C)
                events = self.etree.iterparse(
                    handle, events=("end",), tag=_BLOCK_TAGS, **self._parser_options
                )
                for _event, element in events:
                    parent = element.getparent()
                    if body is None and parent is not None:  # found from the first block on
                        root = element.getroottree().getroot()
                        self._set_namespace(root)
                        body = root.find(f"{{{self.ns}}}body")
                    if body is None or parent is not body:
                        continue  # a paragraph in a table cell, ...: part of a block
                    yield element
                    while len(body):  # drop it and whatever preceded it (bookmarks, ...)
                        first = body[0]
                        del body[0]
                        if first is element:
                            break
                if body is None and events.root is not None:  # a body without any block
                    self._set_namespace(events.root)
                    body = events.root.find(f"{{{self.ns}}}body")
        except (self.etree.LxmlError, ValueError, *_UNZIP_ERRORS) as exc:
            raise self._xml_error(name, exc) from exc
        if body is None:
            raise UnreadableInputError(f"{self.label}: {name} has no document body")

    def optional_xml(self, name: str) -> _El | None:
        if self._info(name) is None:
            return None
        try:
            return self.xml(name)
        except InputTooLargeError:
            raise
        except UnreadableInputError:
            return None  # styles and numbering only refine the text

    def _relations(self, part: str) -> dict[str, str]:
        """Targets of *part*'s relationships, by the last word of their type."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if self._info(rels) is None:
            return {}
        try:
            root = self.xml(rels)
        except InputTooLargeError:
            raise
        except UnreadableInputError:
            return {}  # a broken relationship part: fall back to the conventional names
        out: dict[str, str] = {}
        for rel in root.iter(f"{_REL}Relationship"):
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            target = rel.get("Target") or ""
            if not target or rel.get("TargetMode") == "External" or kind in out:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            out[kind] = posixpath.normpath(path)
        return out

    def _main_part(self) -> str:
        if self._info("mimetype") is not None and self._info("content.xml") is not None:
            raise UnreadableInputError(
                f"{self.label} is an OpenDocument file (.odt), not a DOCX: {_CONVERT}"
            )
        main = self._relations("").get("officeDocument")
        if main and self._info(main) is not None:
            return main
        if self._info("word/document.xml") is not None:
            return "word/document.xml"
        for probe, kind in (
            ("xl/workbook.xml", "an Excel workbook"),
            ("ppt/presentation.xml", "a PowerPoint deck"),
        ):
            if self._info(probe) is not None:
                raise UnreadableInputError(f"{self.label} is {kind}, not a Word document")
        raise UnreadableInputError(
            f"{self.label} is a zip file without word/document.xml, not a DOCX"
        )


# -- list numbering ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None
    legal: bool = False
    suffix: str = " "


@dataclass(slots=True)
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)
    levels: dict[int, _Level] = field(default_factory=dict)


_CN_DIGITS: Final = "〇一二三四五六七八九"
_CN_LEGAL: Final = "零壹贰叁肆伍陆柒捌玖"


def _chinese(n: int, digits: str, units: str, one_ten: bool) -> str:
    """Chinese counting for 1..9999 (一, 十, 十一, 二十一, 一百零一, ...)."""
    if not 0 < n < 10000:
        return str(n)
    out: list[str] = []
    zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // power % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append(digits[0])
            zero = False
        if not (power == 10 and d == 1 and not out and not one_ten):
            out.append(digits[d])
        out.append(unit)
    return "".join(out)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "japaneseCounting", "taiwaneseCounting", "koreanCounting"):
        return _chinese(n, _CN_DIGITS, "十百千", False)
    if fmt in ("chineseCountingThousand", "taiwaneseCountingThousand", "japaneseLegal"):
        return _chinese(n, _CN_DIGITS, "十百千", False)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL, "拾佰仟", True)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional" and 0 < n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt == "ideographZodiac" and 0 < n <= 12:
        return "子丑寅卯辰巳午未申酉戌亥"[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 0 < n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 0 < n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 0 < n <= 20:
        return chr(0x2488 + n - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter") and n > 0:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


class _Numbering:
    """Generates list numbers the way Word counts them.

    Counters belong to the abstract definition, so paragraphs of different ``w:num`` instances
    sharing one continue a single sequence, unless an instance restarts a level with
    ``w:startOverride`` (done once, where the instance is first used).
    """

    def __init__(self, root: _El | None, w: str) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[tuple[str, int]] = set()
        self.used = 0
        if root is None:
            return
        for node in root.iter(f"{w}abstractNum"):
            ident = node.get(f"{w}abstractNumId")
            if ident is not None:
                self.abstract[ident] = self._levels(node, w)
        for node in root.iter(f"{w}num"):
            ident = node.get(f"{w}numId")
            ref = node.find(f"{w}abstractNumId")
            if ident is None or ref is None:
                continue
            num = _Num(ref.get(f"{w}val") or "")
            for override in node.iter(f"{w}lvlOverride"):
                level = _int(override.get(f"{w}ilvl"))
                if level is None:
                    continue
                start = override.find(f"{w}startOverride")
                if start is not None and _int(start.get(f"{w}val")) is not None:
                    num.starts[level] = _int(start.get(f"{w}val")) or 0
                lvl = override.find(f"{w}lvl")
                if lvl is not None:
                    num.levels[level] = self._level(lvl, w)
            self.nums[ident] = num

    def _levels(self, node: _El, w: str) -> dict[int, _Level]:
        levels: dict[int, _Level] = {}
        for lvl in node.iter(f"{w}lvl"):
            index = _int(lvl.get(f"{w}ilvl"))
            if index is not None and 0 <= index < 9:
                levels[index] = self._level(lvl, w)
        return levels

    @staticmethod
    def _level(lvl: _El, w: str) -> _Level:
        def val(tag: str) -> str | None:
            child = lvl.find(f"{w}{tag}")
            return None if child is None else child.get(f"{w}val")

        level = _Level()
        level.start = _int(val("start")) or 0
        level.fmt = val("numFmt") or "decimal"
        level.text = val("lvlText") or ""
        level.restart = _int(val("lvlRestart"))
        legal = lvl.find(f"{w}isLgl")
        level.legal = legal is not None and (legal.get(f"{w}val") or "1") not in _FALSE
        level.suffix = {"nothing": "", "space": " "}.get(val("suff") or "tab", " ")
        return level

    def next(self, num_id: str, ilvl: int) -> str:
        num = self.nums.get(num_id)
        if num is None or not 0 <= ilvl < 9:
            return ""
        levels = {**self.abstract.get(num.abstract, {}), **num.levels}
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(num.abstract, [None] * 9)
        if ilvl in num.starts and (num_id, ilvl) not in self.started:
            self.started.add((num_id, ilvl))
            counters[ilvl] = num.starts[ilvl] - 1
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart > 0 and ilvl <= restart - 1):
                counters[deeper] = None
        if level.fmt == "bullet":
            return ""  # bullets carry no content, and are usually private-use symbol glyphs

        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            if level.fmt == "none" and k == ilvl:
                return ""
            value = counters[k]
            ref = levels.get(k, _Level())
            if value is None:
                value = ref.start
            return _format_number(value, "decimal" if level.legal else ref.fmt)

        self.used += 1
        text = _PLACEHOLDER.sub(number, level.text)
        return text + level.suffix if text else ""


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    match = _DIGITS.match(value)
    if match is None:
        return None
    digits = match.group(1).lstrip("0") or "0"
    return 10**7 if len(digits) > 7 else int(digits)


# -- the document walk ---------------------------------------------------------------------------


class _Reader:
    def __init__(self, etree: Any, package: _Package, builder: TextBuilder) -> None:
        self.etree = etree
        self.builder = builder
        self.w = w = f"{{{package.ns}}}"
        self.stats: dict[_El, TableStats] = {}
        self.cells_seen = 0  # table cells in the blocks surveyed so far (MAX_CELLS)
        self.numbering = _Numbering(package.optional_xml(package.numbering), w)
        self.style_num = self._style_numbering(package.optional_xml(package.styles))
        self.layout_tables = 0
        self.flattened = 0
        self.hidden_runs = 0
        self.deleted = 0
        self.boxes = 0
        self.alt_chunks = 0
        self.images = 0
        self.objects = 0
        self.merged_away: list[str] = []
        # Local names of elements the walk steps into (their content is shown in place).
        self.inline_wrappers = {
            f"{w}{n}"
            for n in (
                "hyperlink",
                "smartTag",
                "customXml",
                "ins",
                "moveTo",
                "fldSimple",
                "dir",
                "bdo",
                "sdtContent",
            )
        }
        self.block_wrappers = {f"{w}{n}" for n in ("customXml", "ins", "moveTo", "sdtContent")}

    def _style_numbering(self, styles: _El | None) -> dict[str, tuple[str | None, int | None]]:
        """Numbering of paragraph styles (``w:numPr`` of the style or a style it is based on)."""
        w = self.w
        own: dict[str, tuple[str | None, int | None]] = {}
        based: dict[str, str] = {}
        if styles is None:
            return own
        for style in styles.iter(f"{w}style"):
            ident = style.get(f"{w}styleId")
            if not ident:
                continue
            parent = style.find(f"{w}basedOn")
            if parent is not None and parent.get(f"{w}val"):
                based[ident] = parent.get(f"{w}val")
            numpr = style.find(f"{w}pPr/{w}numPr")
            if numpr is not None:
                own[ident] = self._num_pr(numpr)
        resolved: dict[str, tuple[str | None, int | None]] = {}
        for ident in set(own) | set(based):
            seen: set[str] = set()
            current: str | None = ident
            while current is not None and current not in seen:
                seen.add(current)
                if current in own:
                    resolved[ident] = own[current]
                    break
                current = based.get(current)
        return resolved

    def _num_pr(self, numpr: _El) -> tuple[str | None, int | None]:
        w = self.w
        num = numpr.find(f"{w}numId")
        lvl = numpr.find(f"{w}ilvl")
        return (
            None if num is None else num.get(f"{w}val"),
            None if lvl is None else _int(lvl.get(f"{w}val")),
        )

    # -- survey: table statistics -----------------------------------------------------------------
    def survey(self, body: _El) -> None:
        w = self.w
        if next(body.iter(f"{w}tbl"), None) is None:
            return  # only tables have statistics (most blocks are paragraphs)
        tables: list[TableStats] = []
        cells: list[tuple[TableStats, list[int]]] = []  # (table, [chars, has_table])
        n_cells = self.cells_seen
        walker = self.etree.iterwalk(
            body, events=("start", "end"), tag=(f"{w}tbl", f"{w}tc", f"{w}t")
        )
        for event, element in walker:
            tag = element.tag
            if tag == f"{w}t":
                if event == "start" and element.text and cells and cells[-1][0] is tables[-1]:
                    cells[-1][1][0] += len(element.text) - sum(map(str.isspace, element.text))
            elif tag == f"{w}tbl":
                if event == "start":
                    if cells and tables and cells[-1][0] is tables[-1]:
                        cells[-1][1][1] = 1
                    tables.append(TableStats())
                else:
                    stats = tables.pop()
                    self.stats[element] = stats
                    if tables:
                        tables[-1].nested_cells += stats.cells + stats.nested_cells
            elif event == "start":
                if tables:
                    n_cells += 1
                    self.cells_seen = n_cells
                    if n_cells > MAX_CELLS:
                        raise InputTooLargeError(
                            f"the document has more than {MAX_CELLS} table cells"
                        )
                    tables[-1].cells += 1
                    cells.append((tables[-1], [0, 0]))
            elif cells:
                table, (chars, has_table) = cells.pop()
                table.chars += chars
                if chars > LONG_CELL:
                    table.long_chars += chars
                table.cells_with_table += has_table

    # -- blocks ------------------------------------------------------------------------------------
    def render(self, body: _El) -> None:
        w = self.w
        work: list[_El] = list(reversed(body))
        while work:
            element = work.pop()
            tag = element.tag
            if tag == f"{w}p":
                text, boxes = self.paragraph(element)
                self.builder.prose(text)
                for box in reversed(boxes):
                    work.extend(reversed(box))
            elif tag == f"{w}tbl":
                if is_layout_table(self.stats.get(element) or TableStats()):
                    self.layout_tables += 1
                    blocks = [b for tc in self._cells_of_table(element) for b in tc]
                    work.extend(reversed(blocks))
                else:
                    self.table(element)
            elif tag == f"{w}sdt":
                content = element.find(f"{w}sdtContent")
                if content is not None:
                    work.extend(reversed(content))
            elif tag in self.block_wrappers:
                work.extend(reversed(element))
            elif tag == f"{_MC}AlternateContent":
                work.extend(reversed(_alternative(element)))
            elif tag == f"{w}altChunk":
                self.alt_chunks += 1
            elif tag in (f"{w}del", f"{w}moveFrom"):
                self.deleted += 1

    def paragraph(self, p: _El) -> tuple[str, list[_El]]:
        """The text of a paragraph (line breaks as :data:`HARD_BREAK`) and its text boxes."""
        w = self.w
        pieces = [self._number(p)]
        boxes: list[_El] = []
        work: list[_El] = list(reversed(p))
        while work:
            element = work.pop()
            tag = element.tag
            if tag == f"{w}r":
                if self._hidden(element):
                    continue
                work.extend(reversed(element))
            elif tag == f"{w}t":
                if element.text:
                    pieces.append(element.text)
            elif tag in (f"{w}tab", f"{w}ptab"):
                pieces.append("\t")
            elif tag in (f"{w}br", f"{w}cr"):
                pieces.append(HARD_BREAK)
            elif tag == f"{w}noBreakHyphen":
                pieces.append("-")
            elif tag in self.inline_wrappers:
                work.extend(reversed(element))
            elif tag == f"{w}sdt":
                content = element.find(f"{w}sdtContent")
                if content is not None:
                    work.extend(reversed(content))
            elif tag == f"{w}ruby":
                base = element.find(f"{w}rubyBase")
                if base is not None:
                    work.extend(reversed(base))
            elif tag == f"{_MC}AlternateContent":
                work.extend(reversed(_alternative(element)))
            elif tag in (f"{w}drawing", f"{w}pict", f"{w}object"):
                found = self._text_boxes(element)
                self.boxes += len(found)
                boxes.extend(found)
                if tag == f"{w}object":
                    self.objects += 1
                elif not found:
                    self.images += 1
            elif tag in (f"{w}del", f"{w}moveFrom"):
                self.deleted += 1
        return "".join(pieces), boxes

    def _hidden(self, run: _El) -> bool:
        w = self.w
        vanish = run.find(f"{w}rPr/{w}vanish")
        if vanish is None or (vanish.get(f"{w}val") or "true") in _FALSE:
            return False
        if any(t.text for t in run.iter(f"{w}t")):
            self.hidden_runs += 1
        return True

    def _text_boxes(self, element: _El) -> list[_El]:
        w = self.w
        found = []
        for box in element.iter(f"{w}txbxContent"):
            parent = box.getparent()
            while parent is not None and parent is not element and parent.tag != f"{w}txbxContent":
                parent = parent.getparent()
            if parent is None or parent is element:
                found.append(box)
        return found

    def _number(self, p: _El) -> str:
        w = self.w
        ppr = p.find(f"{w}pPr")
        if ppr is None:
            return ""
        num_id: str | None = None
        ilvl: int | None = None
        numpr = ppr.find(f"{w}numPr")
        if numpr is not None:
            num_id, ilvl = self._num_pr(numpr)
        style = ppr.find(f"{w}pStyle")
        if style is not None and (num_id is None or ilvl is None):
            style_num, style_lvl = self.style_num.get(style.get(f"{w}val") or "", (None, None))
            num_id = num_id if num_id is not None else style_num
            ilvl = ilvl if ilvl is not None else style_lvl
        if not num_id or num_id == "0":
            return ""
        return self.numbering.next(num_id, ilvl or 0)

    # -- tables -----------------------------------------------------------------------------------
    def _unwrap(self, element: _El, want: str) -> Iterator[_El]:
        """Children named *want*, also inside content controls and custom XML wrappers."""
        w = self.w
        work = list(reversed(element))
        while work:
            child = work.pop()
            tag = child.tag
            if tag == want:
                yield child
            elif tag == f"{w}sdt":
                content = child.find(f"{w}sdtContent")
                if content is not None:
                    work.extend(reversed(content))
            elif tag in self.block_wrappers:
                work.extend(reversed(child))

    def _cells_of_table(self, tbl: _El) -> Iterator[_El]:
        w = self.w
        for tr in self._unwrap(tbl, f"{w}tr"):
            yield from self._unwrap(tr, f"{w}tc")

    def cell_text(self, tc: _El) -> str:
        """A cell's paragraphs joined by :data:`HARD_BREAK`; nested tables are flattened."""
        w = self.w
        parts: list[str] = []
        work: list[_El] = list(reversed(tc))
        while work:
            element = work.pop()
            tag = element.tag
            if tag == f"{w}p":
                text, boxes = self.paragraph(element)
                parts.append(text)
                for box in reversed(boxes):
                    work.extend(reversed(box))
            elif tag == f"{w}tbl":
                self.flattened += 1
                work.extend(reversed([b for cell in self._cells_of_table(element) for b in cell]))
            elif tag == f"{w}sdt":
                content = element.find(f"{w}sdtContent")
                if content is not None:
                    work.extend(reversed(content))
            elif tag in self.block_wrappers:
                work.extend(reversed(element))
            elif tag == f"{_MC}AlternateContent":
                work.extend(reversed(_alternative(element)))
        return HARD_BREAK.join(parts)

    def _val(self, parent: _El | None, tag: str) -> tuple[bool, str | None]:
        if parent is None:
            return False, None
        child = parent.find(f"{self.w}{tag}")
        if child is None:
            return False, None
        return True, child.get(f"{self.w}val")

    def table(self, tbl: _El) -> None:
        w = self.w
        flattened_before = self.flattened
        grid_cols = len(tbl.findall(f"{w}tblGrid/{w}gridCol"))
        placed: list[RawCell] = []
        above: dict[int, RawCell] = {}
        for r, tr in enumerate(self._unwrap(tbl, f"{w}tr")):
            trpr = tr.find(f"{w}trPr")
            _, before = self._val(trpr, "gridBefore")
            is_header, header_val = self._val(trpr, "tblHeader")
            header = is_header and (header_val or "true") not in _FALSE
            col = min(_int(before) or 0, _MAX_SPAN)
            here: dict[int, RawCell] = {}
            last: RawCell | None = None
            for tc in self._unwrap(tr, f"{w}tc"):
                tcpr = tc.find(f"{w}tcPr")
                notes: list[tuple[str, str]] = []
                _, raw_span = self._val(tcpr, "gridSpan")
                span = self._span(raw_span, notes)
                has_v, v_val = self._val(tcpr, "vMerge")
                has_h, h_val = self._val(tcpr, "hMerge")
                text = self.cell_text(tc)
                if has_h and h_val != "restart" and last is not None:
                    # Legacy horizontal merge: this cell widens the one before it.
                    last.colspan += span
                    self._merged_away(text)
                    col += span
                    continue
                if has_v and v_val != "restart":
                    start = above.get(col)
                    if start is not None:
                        start.rowspan += 1
                        if start.colspan != span:
                            start.notes.append(
                                (
                                    "GX703",
                                    f"merged down into a row where the merge is {span} grid "
                                    f"column(s) wide, not {start.colspan}",
                                )
                            )
                        here[col] = start
                        self._merged_away(text)
                        col += span
                        last = None
                        continue
                    notes.append(
                        ("GX703", "continues a vertical merge with no cell above; read as a cell")
                    )
                cell = RawCell(r, col, 1, span, text, header, notes)
                placed.append(cell)
                here[col] = last = cell
                col += span
            above = here
        if placed:
            clamp_spans(placed, max(grid_cols, max(c.col for c in placed) + 1), "gridSpan")
        notes = []
        if self.flattened > flattened_before:
            notes.append(
                (
                    "GX704",
                    f"{self.flattened - flattened_before} table(s) nested in its cells were "
                    "flattened into the cells' text",
                )
            )
        self.builder.grid(placed, notes)

    @staticmethod
    def _span(value: str | None, notes: list[tuple[str, str]]) -> int:
        if value is None:
            return 1
        number = _int(value)
        if number is None or number == 0:
            notes.append(("GX703", f'gridSpan "{value[:24]}" is not a positive number; read as 1'))
            return 1
        if number > _MAX_SPAN:
            notes.append(("GX703", f"gridSpan {value[:24]} is absurd; read as {_MAX_SPAN}"))
            return _MAX_SPAN
        if value.strip() != str(number):
            notes.append(("GX703", f'gridSpan "{value[:24]}" read as {number}'))
        return number

    def _merged_away(self, text: str) -> None:
        shown = collapse(text)
        if shown and len(self.merged_away) < 20:
            self.merged_away.append(shown[:40])

    # -- reporting -------------------------------------------------------------------------------
    def steps(self) -> list[Step]:
        steps: list[Step] = []
        if self.numbering.used:
            steps.append(
                Step(
                    f"render {self.numbering.used} list number(s) from numbering.xml",
                    "Word generates these numbers (一、 （一） 1.); they are part of the text a "
                    "reader sees",
                )
            )
        if self.deleted:
            steps.append(
                Step(f"skip {self.deleted} tracked deletion(s)", "Word shows the text as edited")
            )
        if self.hidden_runs:
            steps.append(
                Step(
                    f"skip {self.hidden_runs} hidden run(s)", "formatted as hidden text (w:vanish)"
                )
            )
        if self.boxes:
            steps.append(
                Step(f"read {self.boxes} text box(es)", "after the paragraph that anchors them")
            )
        if self.layout_tables:
            steps.append(
                Step(
                    f"read {self.layout_tables} layout table(s) as blocks",
                    "they wrap content (one cell, nested tables or long prose) rather than "
                    "hold data",
                )
            )
        if self.alt_chunks:
            self.builder.note(
                "GX704",
                f"{self.alt_chunks} embedded foreign chunk(s) (w:altChunk: HTML/RTF pasted into "
                "the document) were not read; open and re-save the document in Word to inline them",
            )
        if self.objects:
            self.builder.note(
                "GX704",
                f"{self.objects} embedded object(s) (OLE, e.g. a table pasted from Excel) were "
                "not read: Word shows them as pictures; convert them to Word tables to read them",
            )
        if self.images and not self.builder.grids:
            self.builder.note(
                "GX704",
                f"no table in the document; it has {self.images} picture(s) that may hold the "
                "report tables",
            )
        if self.merged_away:
            self.builder.note(
                "GX704",
                "text in cells covered by a merge was not shown by Word and is left out: "
                + "; ".join(repr(t) for t in self.merged_away),
            )
        return steps


def _alternative(element: _El) -> list[_El]:
    """The branch of ``mc:AlternateContent`` Word shows: the first Choice, else the Fallback."""
    for branch in element:
        if branch.tag == f"{_MC}Choice":
            return list(branch)
    for branch in element:
        if branch.tag == f"{_MC}Fallback":
            return list(branch)
    return []
