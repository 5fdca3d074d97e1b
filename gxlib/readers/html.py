"""Read reports published as HTML pages (the ``html`` extra: lxml).

Most reports live on government portals: the report body sits in a content container (``#zoom``,
``.TRS_Editor``, ``#UCAP-CONTENT`` ...) among menus, breadcrumbs and footers, often as markup
exported from Word, in GBK or UTF-8 whatever the page declares. :func:`read_html` decodes the
page with :mod:`gxlib.decoding`, finds the report body, and turns it into a
:class:`~gxlib.document.Document`: prose lines, and each data table as a
:class:`~gxlib.document.Grid` rendered in place as pipe rows (see :mod:`gxlib.readers._grid`).

Decisions worth knowing:

* **Content root.** Known content containers of Chinese government CMSs are tried in a fixed
  priority order; one is taken when it (with its same-named siblings, read in page order) holds
  at least half of the page's content, counted as CJK characters outside links plus a weight per
  table cell, and at least 80% of its table cells. ``<nav>``, ``<header>``, ``<footer>``,
  ``<aside>``, scripts, hidden elements and short, table-free elements named like menus
  (``nav``, ``menu``, ``breadcrumb``, ``share`` ...) never count and are never read. Without a
  known container the reader descends from ``<body>`` into the child holding at least 90% of
  the content (link text does not count, so menus and link lists never win), but never into a
  data table and never past a sibling showing the report's title or a numbered heading: losing a
  heading costs more than keeping a line of page chrome.
* **Tables.** The HTML table model is followed as browsers do (``rowspan`` stops at the end of its
  row group, cells skip slots covered from above). Malformed spans are read the way browsers read
  them (``colspan="2;"`` is 2; ``"0"`` and non-numbers are 1 — a ``rowspan="0"`` in a report
  comes from generators that mean "no span", not from HTML's "to the end of the group") and
  spans past the table edge are clamped, a colspan running into a cell merged down from above is
  cut short; each repair is a ``GX703`` problem. Word's zero-height spacer rows are dropped.
* **Text.** ``<br>`` and block ends break lines; other whitespace (``&nbsp;``, Word's padding
  spans) collapses to one space, and a source line break between two CJK characters vanishes,
  as CSS renders it. Hidden elements (``display:none``, ``mso-hide:all``) are not read.
* **Nested tables.** A table is read as layout (its cells as blocks, its nested tables as
  grids of their own) when it has one cell, when its nested tables hold more cells than its own
  table-free cells, or when it is mostly long prose; see
  :func:`~gxlib.readers._grid.is_layout_table`. Otherwise a nested table belongs to one data
  cell and its text is flattened into that cell (a ``GX704`` note).
* **Limits.** The page is parsed with ``huge_tree`` off, no network and no entities beyond
  HTML's. libxml2 then stops at 256 levels of nesting, which sloppy pages reach with unclosed
  inline tags; only such a page is parsed again with ``huge_tree`` on (libxml2 stops at 2048) and
  nesting deeper than :data:`MAX_DEPTH` is refused. That, more than :data:`MAX_CELLS` table
  cells, or spans covering more than :data:`MAX_SPAN_WORK` row slots raise
  :class:`~gxlib.errors.InputTooLargeError`. Every pass is iterative (never recursive) and linear
  in the page size.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from heapq import merge
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
    join_wide_breaks,
)

__all__ = ["MAX_CELLS", "MAX_DEPTH", "MAX_SPAN_WORK", "read_html"]

MAX_DEPTH: Final = 1000
"""Deepest element nesting accepted (libxml2 already stops at 256 without ``huge_tree``)."""

MAX_CELLS: Final = 200_000
"""Most table cells (``<td>``/``<th>``) accepted in a page."""

MAX_SPAN_WORK: Final = 4_000_000
"""Most row slots that rowspans of one table may cover (bounds the table model's work)."""

_COLSPAN_LIMIT: Final = 1000  # HTML's own limits on spans
_ROWSPAN_LIMIT: Final = 65534
_CELL_WEIGHT: Final = 5  # a table cell counts like this many CJK characters of content
_KNOWN_SHARE: Final = 0.5
_DESCEND_SHARE: Final = 0.9
_KNOWN_CELL_SHARE: Final = 0.8
_FEW_CELLS: Final = 10
_SIBLING_SHARE: Final = 0.05
_OWN_TEXT: Final = 10  # CJK characters directly in an element that make it content, not wrapper
_CHROME_TEXT: Final = 500  # most non-link characters a menu or footer holds
_CHROME_SCAN_BUDGET: Final = 2_000_000

_El = Any  # lxml elements (lxml ships no type stubs)

# Priority order: specific containers of known CMSs first, generic class names last.
_KNOWN_ROOTS: Final = (
    ("id", "zoom"),
    ("class", "trs_editor"),
    ("id", "ucap-content"),
    ("class", "trs_ueditor"),
    ("class", "pages_content"),
    ("id", "mainText".lower()),
    ("class", "article-content"),
    ("class", "article_content"),
    ("class", "art_con"),
    ("id", "art_content"),
    ("class", "news_content"),
    ("id", "info_content"),
    ("class", "bt_content"),
    ("id", "ivs_content"),
    ("class", "zoom"),
    ("class", "article"),
    ("class", "content"),
    ("id", "content"),
    ("class", "view"),
    ("id", "article"),
    ("class", "main-txt"),
    ("class", "detail"),
)
_KNOWN_IDS: Final = frozenset(v for k, v in _KNOWN_ROOTS if k == "id")
_KNOWN_CLASSES: Final = frozenset(v for k, v in _KNOWN_ROOTS if k == "class")

_DROP_TAGS: Final = frozenset(
    {
        "head",
        "title",
        "meta",
        "link",
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "canvas",
        "select",
        "option",
        "optgroup",
        "datalist",
        "textarea",
        "button",
        "input",
        "video",
        "audio",
        "map",
        "area",
        "base",
    }
)
_BOILERPLATE_TAGS: Final = frozenset({"nav", "header", "footer", "aside"})
_BOILERPLATE_ROLES: Final = frozenset({"navigation", "banner", "contentinfo", "menu", "menubar"})
_BOILERPLATE_WORDS: Final = frozenset(
    {
        "nav",
        "navbar",
        "navigation",
        "menu",
        "menubar",
        "submenu",
        "breadcrumb",
        "breadcrumbs",
        "crumb",
        "crumbs",
        "header",
        "footer",
        "sidebar",
        "topbar",
        "toolbar",
        "share",
        "copyright",
    }
)
_CLASS_BOILERPLATE_TAGS: Final = frozenset({"div", "ul", "ol", "dl", "section", "span"})
_BLOCK_TAGS: Final = frozenset(
    {
        "html",
        "body",
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "ul",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
    }
)
_CONTAINER_TAGS: Final = frozenset(
    {
        "body",
        "div",
        "section",
        "article",
        "main",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "center",
        "form",
        "blockquote",
        "font",
        "span",
    }
)
_TABLE_PARTS: Final = frozenset({"tbody", "thead", "tfoot", "tr"})

_HIDDEN_STYLE: Final = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", re.IGNORECASE
)
_ZERO_HEIGHT: Final = re.compile(
    r"(?:^|;)\s*height\s*:\s*0(?:\.0*)?\s*(?:pt|px|cm|mm|in)?\s*(?:;|$)"
)
_NOT_CJK: Final = re.compile("[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+")
_NUMBERED: Final = re.compile(
    r"(?<!\w)[一二三四五六七八九十]{1,3}\s*[、.．]|（[一二三四五六七八九十]{1,3}）"
)
_HEADING: Final = re.compile(f"{_NUMBERED.pattern}|年度报告|年报")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_WORDS: Final = re.compile(r"[a-z0-9]+")
_SPAN_VALUE: Final = re.compile(r"[ \t\n\f\r]*\+?([0-9]+)")
_ATTACHMENT: Final = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|et|ofd)(?:[?#].*)?$", re.IGNORECASE)
_WORD_MARKUP: Final = ("MsoNormal", "urn:schemas-microsoft-com:office")

_ENTER, _EXIT, _TAIL = 0, 1, 2
# Markup a data table's cells may hold for _Survey._read_table: paragraphs and text-level tags
# that neither the survey nor the render treats apart from block breaks (<br> breaks a line;
# text in links does not count to the content score).
_CELL_MARKUP: Final = frozenset(
    {
        "p",
        "div",
        "center",
        "span",
        "font",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "s",
        "strike",
        "sub",
        "sup",
        "small",
        "big",
        "o:p",
        "br",
        "a",
    }
)
_ROW_GROUPS: Final = frozenset({"tbody", "thead", "tfoot"})
_CHAIN_DEPTH: Final = 8  # most elements below a cell that _Survey._read_cell reads at once
# Elements a cell's text or a page's survey needs the general walk for.
_NOT_PLAIN: Final = frozenset({"a", "br", "pre", "table", "tr", "td", "th", "caption"})
# Attributes that neither hide an element nor name it (see _Skipper._reason, _Survey._known).
_PRESENTATIONAL: Final = frozenset(
    {
        "style",
        "align",
        "valign",
        "width",
        "height",
        "lang",
        "xml:lang",
        "dir",
        "nowrap",
        "face",
        "size",
        "color",
        "bgcolor",
        "class",
    }
)
_UNSEEN: Final = "unseen"  # memo default: None is a decision (keep the element)


def read_html(source: bytes | str, *, name: str | None = None) -> Document:
    """Read an HTML page (bytes in any encoding, or already decoded text) into a Document."""
    try:
        from lxml import etree  # type: ignore[import-untyped,unused-ignore]
    except ImportError as exc:
        raise MissingExtraError("html", "lxml") from exc
    from gxlib.decoding import decode_bytes, decode_text

    label = repr(name) if name else "the HTML input"
    if isinstance(source, str):
        decoded = decode_text(source)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        decoded = decode_bytes(bytes(source))
    else:
        raise UnreadableInputError(f"read_html() needs bytes or str, not {type(source).__name__}")
    steps = [Step("reader", "read as HTML"), *decoded.steps]
    text = decoded.text
    try:
        data = text.encode("utf-8")  # (fails exactly on lone surrogates: no scan for them)
    except UnicodeEncodeError:
        text = _SURROGATE.sub("\ufffd", text)
        data = text.encode("utf-8")
        steps.append(
            Step(
                "replace lone surrogates with U+FFFD",
                "they are not characters and cannot be parsed",
            )
        )
    builder = TextBuilder()
    root = _parse(etree, data, label, builder, steps)
    if root is None:
        builder.note("GX704", f"{label} is empty")
        return builder.document("html", steps, decoded.encoding)
    if any(marker in text for marker in _WORD_MARKUP):
        steps.append(
            Step(
                "read Word-exported HTML",
                "the page was saved from Microsoft Word; its <o:p> marks, mso-* styles, nowrap "
                "and &nbsp; padding are layout, not content",
            )
        )
    body = root.find("body")
    if body is None:
        body = root
    survey = _Survey(body)
    survey.run()
    roots, step = _choose_roots(body, survey)
    steps.append(step)
    reader = _Reader(survey, builder)
    for element in roots:
        reader.render(element)
    steps.extend(reader.steps())
    if not builder.grids:
        reader.note_missing_tables()
    if builder.offset == 0:
        builder.note(
            "GX704",
            "no text found in the page (the content may be an image, an attachment, a frame or "
            "loaded by script)",
        )
    return builder.document("html", steps, decoded.encoding)


def _parse(
    etree: Any, data: bytes, label: str, builder: TextBuilder, steps: list[Step]
) -> _El | None:
    # UTF-8 bytes with an explicit encoding: libxml2 then ignores <meta charset> (the text is
    # already decoded) and accepts an XML declaration, which it refuses in a Python str.
    root, errors = _parse_with(etree, data, label, huge_tree=False)
    if any(_depth_limit(error) for error in errors):
        # libxml2 stops at 256 levels, which sloppy pages reach with unclosed inline tags
        # (<p><font>… hundreds of times). Lifting that limit only for such pages keeps
        # libxml2's other safety limits for all others; MAX_DEPTH is then checked by the reader.
        steps.append(
            Step(
                "parse again without libxml2's 256-level nesting limit",
                f"the page nests elements deeper than 256 levels (unclosed tags); up to "
                f"{MAX_DEPTH} levels are read",
            )
        )
        root, errors = _parse_with(etree, data, label, huge_tree=True)
    for error in errors:
        message = str(error.message).strip()
        if error.type_name == "ERR_RESOURCE_LIMIT" or _depth_limit(error):
            # libxml2 stops at the limit and returns what it had: refuse rather than read a
            # silently truncated page.
            raise InputTooLargeError(f"{label} exceeds a parser limit: {message}")
        builder.note(
            "GX704",
            f"the HTML parser stopped at line {error.line}: {message}; "
            "text after it may be missing",
        )
    return root


def _depth_limit(error: Any) -> bool:
    return "excessive depth" in str(error.message).lower()


def _parse_with(
    etree: Any, data: bytes, label: str, *, huge_tree: bool
) -> tuple[_El | None, list[Any]]:
    """Parse; returns the root (``None`` for an empty page) and libxml2's fatal errors."""
    parser = etree.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        huge_tree=huge_tree,
        compact=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:  # the recovering parser raises only at hard limits
        if "depth" in str(exc).lower() or "huge" in str(exc).lower():
            raise InputTooLargeError(f"{label} is nested too deeply: {exc}") from exc
        raise UnreadableInputError(f"{label} cannot be parsed as HTML: {exc}") from exc
    except (etree.LxmlError, ValueError) as exc:
        raise UnreadableInputError(f"{label} cannot be parsed as HTML: {exc}") from exc
    return root, [error for error in parser.error_log if error.level_name == "FATAL"]


def _cjk_count(text: str) -> int:
    """CJK characters in *text* (what is left when the rest is removed: no list of matches)."""
    return len(_NOT_CJK.sub("", text))


def _tag(element: _El) -> str | None:
    tag = element.tag
    return tag if isinstance(tag, str) else None  # libxml2's HTML parser lower-cases names


def _plain_inline(element: _El) -> bool:
    """Whether _Skipper keeps ``element`` and _Survey._known passes it over, told from its tag
    and attributes alone (so neither needs to look), and its text needs no general walk."""
    tag = element.tag
    if type(tag) is not str or tag in _NOT_PLAIN or tag in _DROP_TAGS or tag in _BOILERPLATE_TAGS:
        return False
    for name in element.keys():  # noqa: SIM118  (iterating an element gives its children)
        if name not in _PRESENTATIONAL:
            return False
    style = element.get("style")
    if style and _hidden_style(style):
        return False
    classes = element.get("class")
    return not classes or _plain_classes(classes, tag in _CLASS_BOILERPLATE_TAGS)


@lru_cache(maxsize=1024)
def _plain_classes(classes: str, chrome_tag: bool) -> bool:
    """Class names that neither mark a known content root nor (on tags where class names can
    mark chrome) a menu or footer: ``MsoNormal`` and the like."""
    names = classes.lower().split()
    if any(name in _KNOWN_CLASSES for name in names):
        return False
    return not (chrome_tag and _BOILERPLATE_WORDS.intersection(_words(classes)))


def _hidden_style(style: str) -> bool:
    low = style.lower()  # each way of hiding names one of these words; most styles have none
    if "none" not in low and "hidden" not in low and "mso-hide" not in low:
        return False
    return _HIDDEN_STYLE.search(style) is not None


def _words(value: str | None) -> list[str]:
    return _WORDS.findall(value.lower()) if value else []


class _Skipper:
    """Decides (once per element) whether an element is outside the report's content."""

    def __init__(self) -> None:
        self._memo: dict[_El, str | None] = {}
        self.counts: dict[str, int] = {}
        # Elements _looks_like_chrome may still visit: nested menu-named wrappers could
        # otherwise make the scans quadratic. Out of budget, elements are kept (the safe side).
        self.budget = _CHROME_SCAN_BUDGET

    def __call__(self, element: _El) -> str | None:
        reason = self._memo.get(element, _UNSEEN)
        if reason is not _UNSEEN:
            return reason
        reason = self._reason(element)
        self._memo[element] = reason
        if reason is not None:
            self.counts[reason] = self.counts.get(reason, 0) + 1
        return reason

    def _reason(self, element: _El) -> str | None:
        tag = element.tag
        if type(tag) is not str:  # libxml2's HTML parser lower-cases names
            return "node"
        if tag in _DROP_TAGS:
            return "markup"
        get = element.get  # plain lookups: no attribute proxy for every element
        style = get("style")
        if get("hidden") is not None or (style and _hidden_style(style)):
            return "hidden"
        if tag in _BOILERPLATE_TAGS:
            return "boilerplate"
        role = get("role")
        if role and role.lower() in _BOILERPLATE_ROLES:
            return "boilerplate"
        if tag in _CLASS_BOILERPLATE_TAGS:
            classes, ident = get("class"), get("id")
            if (
                (classes or ident)
                and _BOILERPLATE_WORDS.intersection(_words(classes) + _words(ident))
                and self._looks_like_chrome(element)
            ):
                return "boilerplate"
        return None

    def _looks_like_chrome(self, element: _El) -> bool:
        """Menus, breadcrumbs and share bars are links and short notices, never report content.

        A class name alone is weak evidence ("page-nav-content" wraps some articles), so an
        element holding a table, a numbered heading or much text outside links is kept whatever
        it is called. (Breadcrumbs end with the page's title, …年度报告: no evidence.)
        """
        pieces: list[str] = []
        size = 0
        work: list[tuple[int, _El]] = [(_ENTER, element)]
        while work:
            self.budget -= 1
            if self.budget < 0:
                return False
            op, node = work.pop()
            if op == _TAIL:
                if node.tail:
                    pieces.append(node.tail)
                    size += len(node.tail)
            else:
                tag = _tag(node)
                if tag == "table":
                    return False
                if tag is None or (tag == "a" and "href" in node.attrib):
                    continue
                if node.text:
                    pieces.append(node.text)
                    size += len(node.text)
                for child in reversed(node):
                    work.append((_TAIL, child))
                    work.append((_ENTER, child))
            if size > 4 * _CHROME_TEXT:
                return False
        text = collapse("".join(pieces))
        return len(text) <= _CHROME_TEXT and _NUMBERED.search(text) is None


def _text_outside_links(element: _El, skip: _Skipper | None) -> str:
    """The collapsed text of *element* outside links (and outside skipped elements)."""
    pieces: list[str] = []
    work: list[tuple[int, _El]] = [(_ENTER, element)]
    while work:
        op, node = work.pop()
        if op == _TAIL:
            if node.tail:
                pieces.append(node.tail)
            continue
        tag = _tag(node)
        if tag is None or (tag == "a" and "href" in node.attrib):
            continue
        if skip is not None and skip(node):
            continue
        if node.text:
            pieces.append(node.text)
        for child in reversed(node):
            work.append((_TAIL, child))
            work.append((_ENTER, child))
    return collapse("".join(pieces))


def _holds_heading(element: _El, skip: _Skipper) -> bool:
    """Whether *element* shows a report title or a numbered heading outside links.

    Page chrome beside the article is links and short notices; a sibling holding the report's
    title (…年度报告) or a heading such as 「三、收到和处理…」 belongs to the report.
    """
    return _HEADING.search(_text_outside_links(element, skip)) is not None


@dataclass(slots=True)
class _CellCount:
    table: TableStats
    chars: int = 0
    has_table: bool = False


@dataclass(slots=True)
class _Survey:
    """One pass over the page: content scores, content-root candidates, table statistics."""

    body: _El
    skip: _Skipper = field(default_factory=_Skipper)
    scores: dict[_El, float] = field(default_factory=dict)
    """Content score of containers and candidates: CJK characters outside links, plus cells."""
    candidates: dict[tuple[str, str], list[_El]] = field(default_factory=dict)
    tables: dict[_El, TableStats] = field(default_factory=dict)
    cells: dict[_El, int] = field(default_factory=dict)
    """Visible table cells under the body and under each content-root candidate."""
    cell_texts: dict[_El, str] = field(default_factory=dict)
    """Text of the ordinary cells, read during the survey (see _read_cell)."""
    laid_out: dict[_El, tuple[list[list[list[RawCell]]], int]] = field(default_factory=dict)
    """Plain data tables as :meth:`_Reader.table` lays them out: row groups, spacer rows."""
    shortcuts: bool = True
    """Read plain data tables and ordinary cells at once; False: walk every element (the
    reference behaviour the tests compare with)."""

    def run(self) -> None:
        from lxml import etree  # type: ignore[import-untyped,unused-ignore]

        acc: list[float] = []
        acc_cells: list[int] = []
        open_tables: list[TableStats] = []
        open_cells: list[_CellCount] = []
        links = 0
        n_cells = 0
        known_elements: set[_El] = set()
        body, skip = self.body, self.skip

        def add_text(text: str) -> None:
            if links == 0 and not text.isascii():  # (most texts are markup whitespace or digits)
                acc[-1] += _cjk_count(text)
            if open_cells and open_tables and open_cells[-1].table is open_tables[-1]:
                open_cells[-1].chars += len("".join(text.split()))  # characters but whitespace

        # lxml walks the tree in C; a skipped element still gets its "end" event (for its tail)
        walker = etree.iterwalk(body, events=("start", "end"))
        skipped: _El | None = None
        for event, element in walker:
            if event == "end":
                if element is skipped:
                    skipped = None
                else:
                    tag = element.tag
                    score, cells = acc.pop(), acc_cells.pop()
                    if tag in _CONTAINER_TAGS or element in known_elements:
                        self.scores[element] = score
                    if element in known_elements or element is body:
                        self.cells[element] = cells
                    if acc:
                        acc[-1] += score
                        acc_cells[-1] += cells
                    if tag == "a" and "href" in element.attrib:
                        links -= 1
                    if tag in ("td", "th") and open_cells:
                        cell = open_cells.pop()
                        cell.table.chars += cell.chars
                        if cell.chars > LONG_CELL:
                            cell.table.long_chars += cell.chars
                        if cell.has_table:
                            cell.table.cells_with_table += 1
                    elif tag == "table":
                        stats = open_tables.pop()
                        self.tables[element] = stats
                        if open_tables:
                            open_tables[-1].nested_cells += stats.cells + stats.nested_cells
                if element is not body and element.tail:
                    add_text(element.tail)
                continue
            if element is not body and skip(element):
                walker.skip_subtree()
                skipped = element
                continue
            tag = element.tag  # a str: skip() passed only elements
            acc.append(0.0)
            acc_cells.append(0)
            if len(acc) > MAX_DEPTH:
                raise InputTooLargeError(f"the page nests elements deeper than {MAX_DEPTH} levels")
            known = self._known(element)
            if known is not None:
                self.candidates.setdefault(known, []).append(element)
                known_elements.add(element)
            if tag == "a" and "href" in element.attrib:
                links += 1
            if tag == "table":
                if open_cells and open_tables and open_cells[-1].table is open_tables[-1]:
                    open_cells[-1].has_table = True
                read = (
                    self._read_table(element, MAX_DEPTH - len(acc), MAX_CELLS - n_cells)
                    if self.shortcuts and links == 0
                    else None
                )
                if read is None:
                    open_tables.append(TableStats())
                else:  # surveyed and read; its "end" still comes, its own text follows
                    stats, score = read
                    open_tables.append(stats)
                    n_cells += stats.cells
                    acc[-1] += score
                    acc_cells[-1] += stats.cells
                    walker.skip_subtree()
            elif tag in ("td", "th") and open_tables:
                n_cells += 1
                if n_cells > MAX_CELLS:
                    raise InputTooLargeError(f"the page has more than {MAX_CELLS} table cells")
                open_tables[-1].cells += 1
                open_cells.append(_CellCount(open_tables[-1]))
                acc[-1] += _CELL_WEIGHT
                acc_cells[-1] += 1
                if (
                    self.shortcuts
                    and links == 0
                    and len(acc) + _CHAIN_DEPTH <= MAX_DEPTH
                    and self._read_cell(element, add_text)
                ):
                    walker.skip_subtree()  # counted and read; the cell's "end" still comes
                    continue  # (its own text was counted with the rest)
            if element.text:
                add_text(element.text)

    def _read_cell(self, cell: _El, add_text: Callable[[str], None]) -> bool:
        """Count and read the usual cell in one go — a chain of elements each holding at most
        one, with only presentational attributes, as in ``<td><p class=MsoNormal><span
        style=...>0</span></p></td>`` — exactly as the walk and :meth:`_Reader.cell_text` would;
        False (nothing done) for any other cell."""
        chain: list[_El] = []
        element = cell
        while len(element):
            if len(element) > 1 or len(chain) >= _CHAIN_DEPTH:
                return False
            element = element[0]
            if not _plain_inline(element):
                return False
            chain.append(element)
        tags = [element.tag for element in chain]
        raw, _ = _chain_raw(cell, chain, tags, -1)
        add_text(raw)  # (counts add up: breaks are whitespace and no CJK)
        below = 0.0  # score of the chain below the element at hand, as the walk sums it
        for at in range(len(chain) - 1, -1, -1):
            element = chain[at]
            text, tail = element.text, element.tail
            score = below + (_cjk_count(text) if text and not text.isascii() else 0)
            if tags[at] in _CONTAINER_TAGS:
                self.scores[element] = score
            below = score + (_cjk_count(tail) if tail and not tail.isascii() else 0)
        self.cell_texts[cell] = join_wide_breaks(raw)
        return True

    def _read_table(
        self, table: _El, room: int, cells_left: int
    ) -> tuple[TableStats, float] | None:
        """Survey and read a plain data table at once: its statistics and content score, and
        the text of its cells, exactly as the walk and :meth:`_Reader.cell_text` would; ``None``
        (nothing done) for any other table.

        Plain: rows and cells in HTML's table structure, cells holding only
        :data:`_CELL_MARKUP`, nothing in it hidden, named as a content root or like page
        chrome (attributes are checked by libxml2's XPath, in C), and not a layout table. The
        walk never descends into a data table when choosing the content root, so the scores of
        the elements inside one are not recorded. ``room``: the levels below the table the walk
        accepts; ``cells_left``: the cells it still accepts.
        """
        named, styles, classes = _table_xpaths()
        if named(table):
            return None
        if any(_hidden_style(style) for style in set(styles(table))):
            return None
        if not all(_plain_classes(names, True) for names in set(classes(table))):
            return None
        stats = TableStats()
        texts: list[str] = []  # every text below the table, for its content score
        linked: list[str] = []  # those inside links, which it leaves out
        parts: list[_El] = []
        read: list[tuple[_El, str]] = []
        # The table as _Reader.table lays it out: row groups of cells, spacer rows dropped;
        # kept for the render when no text stands in the table outside its cells.
        groups: list[list[list[RawCell]]] = []
        implicit: list[list[RawCell]] | None = None
        spacers = 0
        stray = bool(table.text and table.text.strip())
        for part in table:
            tag = part.tag
            if tag == "tr":
                rows, depth, head = [part], 1, False
                if implicit is None:
                    implicit = []
                    groups.append(implicit)
                group = implicit
            elif tag in _ROW_GROUPS:
                rows, depth, head = list(part), 2, tag == "thead"
                implicit, group = None, []
                groups.append(group)
                parts.append(part)
                if part.text:
                    texts.append(part.text)
                    stray = stray or not part.text.isspace()
            else:
                return None
            for tr in rows:
                if tr.tag != "tr":
                    return None
                parts.append(tr)
                if tr.text:
                    texts.append(tr.text)
                row: list[RawCell] = []
                for cell in tr:
                    tag = cell.tag
                    if tag != "td" and tag != "th":
                        return None
                    read_cell = _cell_raw(cell, room - depth - 1)
                    if read_cell is None:
                        return None
                    raw, in_links = read_cell
                    parts.append(cell)
                    texts.append(raw)
                    if in_links:
                        linked.append(in_links)
                    chars = len("".join(raw.split()))
                    stats.cells += 1
                    stats.chars += chars
                    if chars > LONG_CELL:
                        stats.long_chars += chars
                    text = join_wide_breaks(raw)
                    read.append((cell, text))
                    row.append(_raw_cell(cell, text, head or tag == "th"))
                    if cell.tail:
                        texts.append(cell.tail)
                if _spacer_row(tr) and not any(collapse(cell.text) for cell in row):
                    spacers += 1
                else:
                    group.append(row)
                if depth == 2 and tr.tail:
                    texts.append(tr.tail)
                    stray = stray or not tr.tail.isspace()
            if part.tail:
                texts.append(part.tail)
                stray = stray or not part.tail.isspace()
        if stats.cells > cells_left or is_layout_table(stats) or room < 3:
            return None
        memo = self.skip._memo
        for part in parts:
            memo[part] = None
        cell_texts = self.cell_texts
        for cell, text in read:
            cell_texts[cell] = text
        if not stray:
            self.laid_out[table] = (groups, spacers)
        text = "".join(texts)
        cjk = _cjk_count(text) if not text.isascii() else 0
        if linked:
            cjk -= _cjk_count("".join(linked))
        return stats, float(cjk + _CELL_WEIGHT * stats.cells)

    @staticmethod
    def _known(element: _El) -> tuple[str, str] | None:
        ident = element.get("id")
        if ident and ident.strip().lower() in _KNOWN_IDS:
            return ("id", ident.strip().lower())
        classes = element.get("class")
        if classes:
            for name in classes.lower().split():
                if name in _KNOWN_CLASSES:
                    return ("class", name)
        return None


def _spacer_row(tr: _El) -> bool:
    """Whether a row is as high as Word's spacer rows: zero (they must be empty as well)."""
    height = (tr.get("height") or "").strip()
    if height in ("0", "0px"):
        return True
    style = tr.get("style")
    return bool(style) and _ZERO_HEIGHT.search(style.lower()) is not None


@lru_cache(maxsize=1)
def _table_xpaths() -> tuple[Any, Any, Any]:
    """Below a table: is any element named (id) or marked hidden or with a role; its styles;
    its class names."""
    from lxml import etree  # type: ignore[import-untyped,unused-ignore]

    return (
        etree.XPath("boolean(descendant::*/@id | descendant::*/@hidden | descendant::*/@role)"),
        etree.XPath("descendant::*/@style", smart_strings=False),
        etree.XPath("descendant::*/@class", smart_strings=False),
    )


def _cell_raw(cell: _El, room: int) -> tuple[str, str] | None:
    """The text of a cell holding only :data:`_CELL_MARKUP`, block and ``<br>`` breaks as
    :data:`HARD_BREAK` (as :meth:`_Reader._walk_text` reads it, before joining wide breaks),
    and the part of it inside links (which the content score leaves out); ``None`` for other
    content or nesting deeper than ``room`` levels below the cell."""
    chain: list[_El] = []  # the usual cell: elements each holding one, <p><span>0</span></p>
    tags: list[str] = []
    link = -1  # where in the chain the first link is
    element = cell
    while n := len(element):
        if n > 1:
            return _tree_raw(cell, room)
        element = element[0]
        tag = element.tag
        if tag not in _CELL_MARKUP or len(chain) >= room:
            return None
        if tag == "a" and link < 0 and element.get("href") is not None:
            link = len(chain)
        chain.append(element)
        tags.append(tag)
        if tag == "br":
            break
    return _chain_raw(cell, chain, tags, link)


def _chain_raw(cell: _El, chain: list[_El], tags: list[str], link: int) -> tuple[str, str]:
    """:func:`_cell_raw` of a cell whose markup is ``chain`` (with its ``tags``), each element
    the only child of the one before; ``link``: where in it the first link is, -1 for none.
    Read down the chain through its texts, then back up through its ends and tails."""
    text = cell.text
    pieces = [HARD_BREAK, text] if text else [HARD_BREAK]  # a cell is a block
    linked: list[str] = []
    for at in range(len(chain)):
        tag = tags[at]
        if tag == "br":  # a line break (the walk reads no text of its own)
            pieces.append(HARD_BREAK)
            continue
        if tag in _BLOCK_TAGS:
            pieces.append(HARD_BREAK)
        text = chain[at].text
        if text:
            pieces.append(text)
            if 0 <= link <= at:
                linked.append(text)
    for at in range(len(chain) - 1, -1, -1):
        if tags[at] in _BLOCK_TAGS:
            pieces.append(HARD_BREAK)
        text = chain[at].tail
        if text:
            pieces.append(text)
            if 0 <= link < at:  # the tail is inside the element above it
                linked.append(text)
    pieces.append(HARD_BREAK)
    return "".join(pieces), "".join(linked)


def _tree_raw(cell: _El, room: int) -> tuple[str, str] | None:
    """:func:`_cell_raw` for a cell whose markup branches."""
    pieces = [HARD_BREAK]
    linked: list[str] = []
    if cell.text:
        pieces.append(cell.text)
    # (operation, element, depth, inside a link)
    work: list[tuple[int, _El, int, bool]] = []
    for child in reversed(cell):
        work.append((_TAIL, child, 0, False))
        work.append((_ENTER, child, 1, False))
    while work:
        op, element, depth, in_link = work.pop()
        if op == _TAIL:
            text = element.tail
            if text:
                pieces.append(text)
                if in_link:
                    linked.append(text)
            continue
        if op == _EXIT:
            pieces.append(HARD_BREAK)
            continue
        tag = element.tag
        if tag not in _CELL_MARKUP or depth > room:
            return None
        if tag == "br":
            pieces.append(HARD_BREAK)
            continue
        if tag == "a" and element.get("href") is not None:
            in_link = True
        if tag in _BLOCK_TAGS:
            pieces.append(HARD_BREAK)
            work.append((_EXIT, element, depth, in_link))
        text = element.text
        if text:
            pieces.append(text)
            if in_link:
                linked.append(text)
        for child in reversed(element):
            work.append((_TAIL, child, depth, in_link))
            work.append((_ENTER, child, depth + 1, in_link))
    pieces.append(HARD_BREAK)
    return "".join(pieces), "".join(linked)


def _describe(element: _El) -> str:
    tag = _tag(element) or "?"
    ident = element.get("id")
    classes = (element.get("class") or "").split()
    return (
        f"<{tag}"
        + (f' id="{ident}"' if ident else "")
        + (f' class="{classes[0]}"' if classes else "")
        + ">"
    )


def _selector(element: _El, key: tuple[str, str]) -> str:
    """The CSS selector of a known root as the page spells it (``.TRS_Editor``)."""
    kind, name = key
    if kind == "id":
        return "#" + (element.get("id") or name).strip()
    spelled = [c for c in (element.get("class") or "").split() if c.lower() == name]
    return "." + (spelled[0] if spelled else name)


def _choose_roots(body: _El, survey: _Survey) -> tuple[list[_El], Step]:
    page = survey.scores.get(body, 0.0)
    page_cells = survey.cells.get(body, 0)
    for key in _KNOWN_ROOTS:
        found = survey.candidates.get(key)
        if not found:
            continue
        members = set(found)
        outer = [el for el in found if not any(a in members for a in el.iterancestors())]
        total = sum(survey.scores.get(el, 0.0) for el in outer)
        cells = sum(survey.cells.get(el, 0) for el in outer)
        # A container that leaves the page's tables outside is not where this report lives.
        if page_cells >= _FEW_CELLS and cells < _KNOWN_CELL_SHARE * page_cells:
            continue
        if page == 0 or total >= _KNOWN_SHARE * page:
            if page == 0:
                roots = outer[:1]
            else:
                # Same-named siblings that hold something (not teasers) are read in page order.
                roots = [
                    el for el in outer if survey.scores.get(el, 0.0) >= _SIBLING_SHARE * page
                ] or outer
            share = f"{total / page:.0%}" if page else "all"
            what = f"content root {_selector(roots[0], key)} selected"
            if len(roots) > 1:
                what += f" ({len(roots)} elements, read in page order)"
            return roots, Step(
                what,
                f"known content container of government sites; holds {share} of the page's "
                "text and table cells",
            )
    current = body
    while True:
        best, best_score = None, 0.0
        for child in current:
            score = survey.scores.get(child)
            if score is not None and score > best_score:
                best, best_score = child, score
        # Against the whole page, not the parent: small drops must not add up level by level.
        if best is None or best_score < _DESCEND_SHARE * page:
            break
        if _tag(best) == "table" and not is_layout_table(survey.tables.get(best) or TableStats()):
            break  # a data table is read with the headings and notes around it
        # Wrappers have no text of their own: text here is content (unclosed tags nest it).
        own = collapse((current.text or "") + "".join(child.tail or "" for child in current))
        if _cjk_count(own) >= _OWN_TEXT or _HEADING.search(own):
            break
        if any(_holds_heading(child, survey.skip) for child in current if child is not best):
            break  # the title or a section heading would be cut off
        current = best
    while _tag(current) in _TABLE_PARTS:
        parent = current.getparent()
        if parent is None:
            break
        current = parent
    if current is body:
        return [body], Step(
            "content root: the whole page body",
            "no known content container, and no single element holds most of the page's text",
        )
    held = survey.scores.get(current, 0.0) / page if page else 1.0
    return [current], Step(
        f"content root {_describe(current)} selected",
        f"no known content container; this element holds {held:.0%} of the page's Chinese "
        "text and table cells outside links, menus, headers and footers",
    )


def _span(value: str | None, kind: str, limit: int, notes: list[tuple[str, str]]) -> int:
    """HTML's "rules for parsing non-negative integers", with a note on anything irregular."""
    if value is None:
        return 1
    shown = value if len(value) <= 24 else value[:24] + "…"
    match = _SPAN_VALUE.match(value)
    if match is None:
        if value.strip():
            notes.append(("GX703", f'{kind}="{shown}" is not a number; read as 1'))
        return 1
    digits = match.group(1).lstrip("0") or "0"
    number = limit + 1 if len(digits) > 7 else int(digits)
    if number == 0:
        notes.append(("GX703", f'{kind}="{shown}" read as 1 (no span)'))
        return 1
    if number > limit:
        notes.append(("GX703", f'{kind}="{shown}" exceeds the HTML limit; read as {limit}'))
        return limit
    if value.strip() != match.group(1):
        notes.append(("GX703", f'{kind}="{shown}" read as {number}'))
    return number


def _raw_cell(cell: _El, text: str, header: bool) -> RawCell:
    """A ``<td>``/``<th>`` with its spans as given, not yet placed (see :func:`_layout`)."""
    notes: list[tuple[str, str]] = []
    spec = cell.get("colspan")
    colspan = 1 if spec is None else _span(spec, "colspan", _COLSPAN_LIMIT, notes)
    spec = cell.get("rowspan")
    rowspan = 1 if spec is None else _span(spec, "rowspan", _ROWSPAN_LIMIT, notes)
    return RawCell(0, 0, rowspan, colspan, text, header, notes)


class _Reader:
    """Renders content roots into a :class:`TextBuilder`."""

    def __init__(self, survey: _Survey, builder: TextBuilder) -> None:
        self.survey = survey
        self.skip = survey.skip
        self.builder = builder
        self.layout_tables = 0
        self.flattened = 0
        self.spacer_rows = 0
        self.images = 0
        self.attachments: list[str] = []

    # -- prose and blocks -----------------------------------------------------------------------
    def render(self, root: _El) -> None:
        out = self.builder
        pieces: list[str] = []
        pre = 0
        work: list[tuple[int, _El]] = [(_ENTER, root)]

        def flush() -> None:
            if pieces:
                out.prose("".join(pieces))
                pieces.clear()

        def add(text: str) -> None:
            pieces.append(text.replace("\n", HARD_BREAK) if pre else text)

        while work:
            op, element = work.pop()
            if op == _TAIL:
                if element.tail:
                    add(element.tail)
                continue
            tag = _tag(element)
            if op == _EXIT:
                if tag == "pre":
                    pre -= 1
                if tag in _BLOCK_TAGS:
                    flush()
                continue
            if element is not root and self.skip(element):
                continue
            if tag == "br":
                pieces.append(HARD_BREAK)
                continue
            if tag == "img":
                self.images += 1
            elif tag == "a":
                href = element.get("href") or ""
                if _ATTACHMENT.search(href.strip()) and len(self.attachments) < 5:
                    self.attachments.append(href.strip().rsplit("/", 1)[-1][:80])
            elif tag == "table":
                stats = self.survey.tables.get(element) or TableStats()
                if not is_layout_table(stats):
                    flush()
                    self.table(element)
                    continue
                self.layout_tables += 1
            elif tag == "pre":
                pre += 1
            if tag in _BLOCK_TAGS:
                flush()
            if element.text:
                add(element.text)
            work.append((_EXIT, element))
            for child in reversed(element):
                work.append((_TAIL, child))
                work.append((_ENTER, child))
        flush()

    def cell_text(self, cell: _El) -> str:
        """The text of a cell, block and ``<br>`` breaks as :data:`HARD_BREAK`."""
        read = self.survey.cell_texts.get(cell)  # ordinary cells: read during the survey
        return read if read is not None else self._walk_text(cell)

    def _walk_text(self, cell: _El) -> str:
        pieces: list[str] = []
        pre = 0
        work: list[tuple[int, _El]] = [(_ENTER, cell)]
        while work:
            op, element = work.pop()
            if op == _TAIL:
                if element.tail:
                    pieces.append(element.tail.replace("\n", HARD_BREAK) if pre else element.tail)
                continue
            tag = _tag(element)
            if op == _EXIT:
                if tag == "pre":
                    pre -= 1
                if tag in _BLOCK_TAGS:
                    pieces.append(HARD_BREAK)
                continue
            if element is not cell and self.skip(element):
                continue
            if tag == "br":
                pieces.append(HARD_BREAK)
                continue
            if tag == "table" and element is not cell:
                self.flattened += 1
            elif tag == "pre":
                pre += 1
            if tag in _BLOCK_TAGS:
                pieces.append(HARD_BREAK)
            if element.text:
                pieces.append(element.text.replace("\n", HARD_BREAK) if pre else element.text)
            work.append((_EXIT, element))
            for child in reversed(element):
                work.append((_TAIL, child))
                work.append((_ENTER, child))
        return join_wide_breaks("".join(pieces))

    # -- tables ---------------------------------------------------------------------------------
    def table(self, table: _El) -> None:
        """Read a data table with the HTML table model and render it as a grid."""
        surveyed = self.survey.laid_out.pop(table, None)  # (its cells are placed in place)
        if surveyed is not None:  # a plain table, read during the survey
            row_groups, spacers = surveyed
            self.spacer_rows += spacers
            self.builder.grid(_layout(row_groups))
            return
        groups: list[tuple[bool, list[_El]]] = []
        stray: list[str] = []
        implicit: list[_El] | None = None
        if table.text and table.text.strip():
            stray.append(table.text)
        for child in table:
            tag = _tag(child)
            if child.tail and child.tail.strip():
                stray.append(child.tail)
            if tag is None or self.skip(child):
                continue
            if tag == "caption":
                self.builder.prose(self.cell_text(child))
            elif tag in ("thead", "tbody", "tfoot"):
                implicit = None
                groups.append((tag == "thead", self._rows(child, stray)))
            elif tag in ("colgroup", "col"):
                continue
            else:
                if implicit is None:
                    implicit = []
                    groups.append((False, implicit))
                implicit.extend([child] if tag == "tr" else self._rows(child, stray))
        if stray:
            # Browsers show text that sits in a table outside any cell above the table.
            self.builder.prose(HARD_BREAK.join(stray))
        flattened_before = self.flattened
        notes: list[tuple[str, str]] = []
        laid_out: list[list[list[RawCell]]] = []
        for is_head, rows in groups:
            laid_out.append([self._row(tr, is_head) for tr in rows if not self._spacer(tr)])
        cells = _layout(laid_out)
        if self.flattened > flattened_before:
            notes.append(
                (
                    "GX704",
                    f"{self.flattened - flattened_before} table(s) nested in its cells were "
                    "flattened into the cells' text",
                )
            )
        self.builder.grid(cells, notes)

    def _rows(self, section: _El, stray: list[str]) -> list[_El]:
        """The ``<tr>`` elements of a row group, also inside stray wrappers (``<form>``)."""
        rows: list[_El] = []
        work = [section]
        while work:
            element = work.pop()
            if element is not section and element.tail and element.tail.strip():
                stray.append(element.tail)
            tag = _tag(element)
            if element is not section and (tag is None or self.skip(element)):
                continue
            if tag == "tr":
                rows.append(element)
            elif tag not in ("table", "td", "th"):
                if element.text and element.text.strip():
                    stray.append(element.text)
                work.extend(reversed(element))
        return rows

    def _spacer(self, tr: _El) -> bool:
        """Word's ``supportMisalignedColumns`` row: zero height, every cell empty."""
        if not _spacer_row(tr):
            return False
        for cell in tr:
            if _tag(cell) in ("td", "th") and collapse(cell.xpath("string()")):
                return False
        self.spacer_rows += 1
        return True

    def _row(self, tr: _El, is_head: bool) -> list[RawCell]:
        """The row's cells with their spans as given; :func:`_layout` places them."""
        row: list[RawCell] = []
        skip, memo, read = self.skip, self.skip._memo, self.survey.cell_texts
        for cell in tr:
            tag = cell.tag
            if tag != "td" and tag != "th":
                continue
            reason = memo.get(cell, _UNSEEN)  # (the survey decided for most cells)
            if reason is _UNSEEN:
                reason = skip(cell)
            if reason is not None:
                continue
            text = read.get(cell)
            if text is None:
                text = self._walk_text(cell)
            row.append(_raw_cell(cell, text, is_head or tag == "th"))
        return row

    # -- reporting ------------------------------------------------------------------------------
    def steps(self) -> list[Step]:
        steps: list[Step] = []
        counts = self.skip.counts
        if counts.get("boilerplate"):
            steps.append(
                Step(
                    f"skip {counts['boilerplate']} navigation/header/footer/menu element(s)",
                    "they frame the page, they are not the report",
                )
            )
        if counts.get("hidden"):
            steps.append(
                Step(
                    f"skip {counts['hidden']} hidden element(s)",
                    "display:none, visibility:hidden, mso-hide:all or the hidden attribute: "
                    "a reader of the page does not see them",
                )
            )
        if self.layout_tables:
            steps.append(
                Step(
                    f"read {self.layout_tables} layout table(s) as blocks",
                    "they wrap content (one cell, nested tables or long prose) rather than "
                    "hold data",
                )
            )
        if self.spacer_rows:
            steps.append(
                Step(
                    f"drop {self.spacer_rows} zero-height empty table row(s)",
                    "Word exports them to fix column widths; they hold no cells of the table",
                )
            )
        return steps

    def note_missing_tables(self) -> None:
        if not (self.images or self.attachments):
            return
        parts = []
        if self.images:
            parts.append(f"{self.images} image(s)")
        if self.attachments:
            parts.append("links to attachments (" + ", ".join(self.attachments) + ")")
        self.builder.note(
            "GX704",
            "no data table in the page content; it has "
            + " and ".join(parts)
            + " that may hold the report tables",
        )


def _layout(groups: list[list[list[RawCell]]]) -> list[RawCell]:
    """Place cells with the HTML table model (setting each cell's row, column and spans, in
    place); returns them as non-overlapping cells.

    Slots covered from above are kept as sorted, disjoint column intervals (not a slot matrix),
    so wide colspans cost nothing and the work is bounded by the rows that rowspans cover.
    """
    work = 0
    for rows in groups:
        for i, row in enumerate(rows):
            work += sum(min(c.rowspan, len(rows) - i) for c in row if c.rowspan > 1)
    if work > MAX_SPAN_WORK:
        raise InputTooLargeError(f"a table's rowspans cover more than {MAX_SPAN_WORK} row slots")
    placed: list[RawCell] = []
    base = 0
    for rows in groups:
        active: list[tuple[int, int, int]] = []  # (first col, end col, end row), sorted
        for i, row in enumerate(rows):
            r = base + i
            if active:
                active = [span for span in active if span[2] > r]
            cursor = at = 0
            new: list[tuple[int, int, int]] = []
            for cell in row:
                while at < len(active) and active[at][0] <= cursor:
                    cursor = max(cursor, active[at][1])
                    at += 1
                col = cursor
                given = colspan = cell.colspan
                if at < len(active) and active[at][0] < col + colspan:
                    colspan = active[at][0] - col
                    cell.notes.append(
                        (
                            "GX703",
                            f"colspan {given} overlaps a cell spanning from a row above; "
                            f"reduced to {colspan}",
                        )
                    )
                rowspan = cell.rowspan
                if i + rowspan > len(rows):
                    where = "its row group" if len(groups) > 1 else "the table"
                    cell.notes.append(
                        (
                            "GX703",
                            f"rowspan {rowspan} runs past the last row of {where}; "
                            f"clamped to {len(rows) - i}",
                        )
                    )
                    rowspan = len(rows) - i
                cell.row, cell.col, cell.rowspan, cell.colspan = r, col, rowspan, colspan
                placed.append(cell)
                if rowspan > 1:
                    new.append((col, col + colspan, r + rowspan))
                cursor = col + given
            if new:
                active = list(merge(active, new))
        base += len(rows)
    if placed:
        clamp_spans(placed, _width(placed), "colspan")
    return placed


def _width(cells: list[RawCell]) -> int:
    """The table's column count: where cells start, or a right edge at least two rows share.

    One over-wide row (a title ``colspan="20"`` in an 8-column table) does not widen the table;
    columns that every row spans to the same edge (no cell starts in the last one) still count.
    """
    extents: dict[int, int] = {}
    last = 0
    for cell in cells:
        end = cell.col + cell.colspan
        if end > extents.get(cell.row, 0):
            extents[cell.row] = end
        if cell.col > last:
            last = cell.col
    shared: dict[int, int] = {}
    for extent in extents.values():
        shared[extent] = shared.get(extent, 0) + 1
    common = max((extent for extent, rows in shared.items() if rows > 1), default=0)
    return max(last + 1, common)
