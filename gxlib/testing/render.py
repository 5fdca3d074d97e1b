"""Rendering generated reports the ways real documents are flattened.

Every style is a flattening seen in real reports (see the seeds and docs/how-it-works.md):

* ``pipes``    — a row per line, cells joined by `` | `` (seed 000);
* ``cells``    — a cell per line ending in `` |``, pipe-only lines closing rows (seed 003);
* ``tabs``     — a cell per tab-indented line, blank lines between rows, spanned stub positions
  as empty cells, wrapped labels continued on untabbed lines (seeds 001, 004);
* ``markdown`` — Markdown tables with spanned cells repeated, as HTML→Markdown converters do;
* ``html``     — ``<table>`` with the official rowspan/colspan geometry;
* ``pdf``      — a PDF text layer: whitespace between cells, long labels wrapped, page-number
  lines, the 三、本年度办理结果 stub typeset one character per row;
* ``dump``     — a crawler's text dump: each row's cells run together with no separator
  (「行政许可3960181」); what the text does not prove must come back ambiguous;
* ``dump-line`` — the same with the rows run together too, a whole table on one line;
* ``dump-wide`` — ``dump`` in full-width digits and signs (「行政许可３９６０１８１」), as
  Chinese input methods and some crawlers write them;
* ``markdown-wide`` — ``markdown`` whose delimiter rows are written with full-width dashes
  (「|－－－|」), as some converters do.

:func:`render_page_text` renders a whole report as a crawler saves a page: metadata lines, then
the report on one line with headings inline and tables run together.

Converter output (``CONVERTER_STYLES``; what the text does not determine comes back ambiguous or
missing, never wrong — see tests/test_converters.py):

* ``pdf_text``     — a PDF text layer as pdfplumber's ``extract_text()`` or ``pdftotext`` give it:
  one line per printed line, every cell's text centred vertically in its cell, so a row's values
  land before, between or after the pieces of its wrapped label; tall stubs one character per
  line, glued to the front of other lines; group labels beside the middle of their span; page
  footers inside tables; header words broken into fragments;
* ``pdf_markdown`` — a PDF→Markdown converter: tables cut at wrapped labels into blocks of
  label-only text lines followed by value-only pipe rows, labels split over two pipe cells,
  header rows repeated after each page footer;
* ``ocr_markdown`` — OCR/LLM Markdown: each row its own small table under a ``###`` heading
  repeating the row label, with a synthetic header row (``| 类别 | 数据1 | … | 总计 |``) and
  ASCII punctuation in labels (``(一)``, ``1. ``).
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Callable

from gxlib.profiles import registry
from gxlib.profiles.model import Profile
from gxlib.testing.grid import GCell, TableGrid, build_grid
from gxlib.testing.strategies import GeneratedReport

STYLES = (
    "pipes",
    "cells",
    "tabs",
    "markdown",
    "markdown-wide",
    "html",
    "pdf",
    "dump",
    "dump-line",
    "dump-wide",
    "pdf_text",
    "pdf_markdown",
    "ocr_markdown",
)
TEXT_STYLES = ("pipes", "cells", "tabs", "markdown", "pdf")
CONVERTER_STYLES = ("pdf_text", "pdf_markdown", "ocr_markdown")

LabelFn = Callable[[str], str]


def _same(s: str) -> str:
    return s


def render_grid(
    grid: TableGrid,
    style: str,
    *,
    label: LabelFn = _same,
    value: LabelFn = _same,
    wrap: int = 0,
    caption: str = "",
) -> str:
    """One table in one style. ``label``/``value`` transform cell texts (mutations);
    ``wrap`` > 0 wraps labels longer than that many characters (tabs and pdf styles);
    ``caption`` is the heading a PDF→Markdown converter repeats on every page of the table."""
    rows = grid.rows()

    def text(c: GCell) -> str:
        return value(c.text) if c.kind == "value" else label(c.text)

    if style == "pipes":
        out = []
        for row in rows:
            used = sum(c.colspan for c in row)
            pad = "|" * max(grid.n_cols - used - 1, 0)
            out.append(" | ".join(text(c) for c in row) + " |" + pad)
        return "\n".join(out)
    if style == "cells":
        out = []
        for row in rows:
            out.extend(f"{text(c)} |" for c in row)
            used = sum(c.colspan for c in row)
            closing = max(grid.n_cols - used + 1, 1)
            if all(c.kind != "value" for c in row):
                closing = max(closing, 2)  # header rows close with padding, as seed 003 shows
            out.append("|" * closing)
        return "\n".join(out)
    if style == "tabs":
        cover = grid.covering()
        blocks = []
        for r, row in enumerate(rows):
            lines = []
            starts = {c.col: c for c in row}
            col = 0
            while col < grid.n_cols:
                c = starts.get(col)
                if c is not None:
                    if wrap and c.kind != "value" and len(c.text) > wrap:
                        # wrap the printed label, then mutate each line (a gloss stays whole)
                        t = label(c.text[:wrap]) + "\n" + label(c.text[wrap:])
                    else:
                        t = text(c)
                    lines.append("\t" + t)
                    col += c.colspan
                else:
                    owner = cover.get((r, col))
                    if owner is not None and owner.row < r and owner.kind != "title":
                        lines.append("\t")  # a stub spanned from above shows as an empty cell
                    col += owner.colspan if owner is not None else 1
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)
    if style in ("markdown", "markdown-wide"):
        rule = "－－－|" if style == "markdown-wide" else "---|"
        cover = grid.covering()
        out = []
        for r in range(grid.n_rows):
            cells = []
            for col in range(grid.n_cols):
                owner = cover.get((r, col))
                cells.append(text(owner) if owner is not None else "")
            out.append("| " + " | ".join(cells) + " |")
            if r == 0:
                out.append("|" + rule * grid.n_cols)
        return "\n".join(out)
    if style == "html":
        out = ['<table border="1">']
        for row in rows:
            tds = []
            for c in row:
                attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                    f' colspan="{c.colspan}"' if c.colspan > 1 else ""
                )
                tag = "th" if c.header else "td"
                tds.append(f"<{tag}{attrs}>{html_lib.escape(text(c))}</{tag}>")
            out.append("<tr>" + "".join(tds) + "</tr>")
        out.append("</table>")
        return "\n".join(out)
    if style == "pdf":
        return _pdf(grid, text, wrap or 18, label)
    if style == "pdf_text":
        return _pdf_text(grid, text, wrap or 12)
    if style == "pdf_markdown":
        return _pdf_markdown(grid, text, wrap or 14, label(caption) if caption else "")
    if style == "ocr_markdown":
        # a flat table (header rows over one row of values) stays one Markdown table
        return _ocr_markdown(grid, text) or render_grid(grid, "markdown", label=label, value=value)
    if style == "dump":
        # a crawler's text dump: each row's cells glued together with no separator at all
        return "\n".join("".join(text(c) for c in row) for row in rows)
    if style == "dump-wide":
        return "\n".join(
            "".join(_wide(text(c)) if c.kind == "value" else text(c) for c in row) for row in rows
        )
    if style == "dump-line":
        # the same, with the rows run together too: a whole table on one line
        return "".join("".join(text(c) for c in row) for row in rows)
    raise ValueError(f"unknown style {style!r}; styles: {', '.join(STYLES)}")


_WIDE = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def _wide(text: str) -> str:
    """ASCII → full-width forms (digits, signs, points)."""
    return text.translate(_WIDE)


def _pdf(grid: TableGrid, text: Callable[[GCell], str], wrap: int, label: LabelFn = _same) -> str:
    out: list[str] = []
    pending: list[str] = []  # characters of a tall stub, typeset one per printed row
    stub_end = -1
    for r, row in enumerate(grid.rows()):
        labels: list[str] = []
        values: list[str] = []
        for c in row:
            t = text(c)
            if c.kind == "value":
                values.append(t)
            elif c.col == 0 and c.rowspan > 3 and len(c.text) >= 3:
                pending, stub_end = [label(ch) for ch in c.text], r + c.rowspan
            elif t:
                labels.append(t)
        prefix = pending.pop(0) + " " if pending and r < stub_end else ""
        if not values:
            out.append(
                prefix
                + " ".join(
                    text(c)
                    for c in row
                    if c.kind != "value" and c.text and not (c.col == 0 and c.rowspan > 3)
                )
            )
        else:
            raw_head = "".join(
                c.text
                for c in row
                if c.kind != "value" and c.text and not (c.col == 0 and c.rowspan > 3)
            )
            head = "".join(labels)
            cells = "  ".join(values)
            if len(raw_head) > wrap:
                out.append(prefix + label(raw_head[:wrap]))
                out.append(label(raw_head[wrap:]) + "  " + cells)
            else:
                out.append(prefix + head + "  " + cells)
        if r + 1 == stub_end and pending:
            out.extend(pending)  # stub characters left over below its last row
            pending = []
        if r % 9 == 8:
            out.append(f"- {r // 9 + 2} -")
    return "\n".join(out)


_PAGE_LINES = 30  # printed lines per page of a generated text layer


def _pieces(t: str, width: int) -> list[str]:
    return [t[i : i + width] for i in range(0, len(t), width)] or [""]


def _pdf_text(grid: TableGrid, text: Callable[[GCell], str], wrap: int) -> str:
    """Every cell's printed lines centred vertically in its cell; a line of the page is the
    pieces at its height, left to right, joined by spaces (as text extractors join words)."""
    stub_cols = {c.col for c in grid.cells if c.kind == "value"}
    first_value = min(stub_cols) if stub_cols else grid.n_cols

    def lines_of(c: GCell) -> list[str]:
        t = text(c)
        if not t:
            return []
        if c.kind == "value":
            return [t]
        if c.col == 0 and c.rowspan > 3 and first_value > 1:
            return list(t)  # a tall, narrow stub: one character per line
        # header cells are narrow (a value column's width), labels wider
        return _pieces(t, 4 if c.header and c.col >= first_value else wrap)

    heights = [1] * grid.n_rows
    for c in grid.cells:
        if c.rowspan == 1:
            heights[c.row] = max(heights[c.row], len(lines_of(c)))
    for c in grid.cells:  # a spanning cell taller than its rows stretches its last row
        need = len(lines_of(c)) - sum(heights[c.row : c.row + c.rowspan])
        if need > 0:
            heights[c.row + c.rowspan - 1] += need
    tops = [0]
    for h in heights:
        tops.append(tops[-1] + h)
    printed: list[list[tuple[int, str]]] = [[] for _ in range(tops[-1])]
    for c in grid.cells:
        ls = lines_of(c)
        top, h = tops[c.row], tops[c.row + c.rowspan] - tops[c.row]
        first = top + (h - len(ls) + c.row % 2) // 2  # odd rows round the middle down
        for k, piece in enumerate(ls):
            printed[first + k].append((c.col, piece))
    out: list[str] = []
    for y, pieces in enumerate(printed):
        if pieces:
            out.append(" ".join(p for _, p in sorted(pieces, key=lambda x: x[0])))
        if y % _PAGE_LINES == _PAGE_LINES - 1:
            out.append(f"- {y // _PAGE_LINES + 2} -")
    return "\n".join(out)


def _pdf_markdown(grid: TableGrid, text: Callable[[GCell], str], wrap: int, caption: str) -> str:
    """Header rows as pipe rows; the body cut into blocks at every wrapped label: the block's
    label lines (a long label split over two pipe cells), then its value-only pipe rows."""
    rows = grid.rows()
    out: list[str] = []
    header: list[str] = []
    labels: list[str] = []
    values: list[str] = []
    n_rows = 0

    def flush() -> None:
        out.extend(labels)
        out.extend(values)
        labels.clear()
        values.clear()

    for row in rows:
        vals = [text(c) for c in row if c.kind == "value"]
        heads = [text(c) for c in row if c.kind != "value" and text(c)]
        if not vals:
            line = "| " + " | ".join(heads) + " |"
            header.append(line)
            out.append(line)
            continue
        long = [h for h in heads if len(h) > wrap]
        if long and labels:
            flush()  # a wrapped label starts a new fragment
        for h in heads:
            if len(h) > wrap:
                labels.append(f"| {h[:wrap]} | {h[wrap:]} |")
            else:
                labels.append(h)
        values.append("| " + " | ".join(vals) + " |")
        n_rows += 1
        if n_rows % 8 == 0:
            flush()
            out.append(f"- {n_rows // 8 + 1} -")
            if caption:
                out.append(f"## {caption}（续）")
            out.extend(header)  # the converter repeats the header rows on the next page
    flush()
    return "\n".join(out)


def _ascii_label(t: str) -> str:
    t = t.replace("（", "(").replace("）", ")")
    out = []
    for i, ch in enumerate(t):
        out.append(ch)
        if ch == "." and i > 0 and t[i - 1].isdigit():
            out.append(" ")
    return "".join(out)


def _ocr_markdown(grid: TableGrid, text: Callable[[GCell], str]) -> str:
    """Each data row its own small table under a heading repeating its label, with a synthetic
    header row; group labels as bold lines."""
    out: list[str] = []
    header_rows: list[list[str]] = []
    for row in grid.rows():
        vals = [text(c) for c in row if c.kind == "value"]
        heads = [_ascii_label(text(c)) for c in row if c.kind != "value" and text(c)]
        if not vals:
            header_rows.append(heads)
            continue
        if not heads:
            return ""
        label = heads[-1]
        for g in heads[:-1]:
            out.append(f"**{g}**")
        out.append(f"### {label}")
        names = [f"数据{i}" for i in range(1, len(vals))] + ["总计"]
        out.append("| 类别 | " + " | ".join(names) + " |")
        out.append("|" + "---|" * (len(vals) + 1))
        out.append(f"| {label} | " + " | ".join(vals) + " |")
        out.append("")
    return "\n".join(out)


def _grid_for(
    gen: GeneratedReport,
    p: Profile,
    key: str,
    label: LabelFn | None = None,
    lost_headers: bool = False,
) -> TableGrid:
    spec = p.table(key)
    values = {(r, c): gen.cells[(key, r, c)].raw for (t, r, c) in gen.cells if t == key}
    col_label = None
    if lost_headers:
        col_label = {c.key: c.label[:3] for c in spec.columns}
    row_label = {r: lab for (t, r), lab in gen.extra.get("labels", {}).items() if t == key}
    return build_grid(spec, values, list(gen.rows[key]), row_label=row_label, col_label=col_label)


PROSE = {
    "一": "本年度，我单位认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、"
    "不公开为例外，及时、准确地公开政府信息，各项工作有序推进。",
    "五": "工作中仍存在公开内容不够丰富、解读形式较为单一等问题，下一步将加强培训，完善机制。",
    "六": "无。",
}


def _front_matter(gen: GeneratedReport, p: Profile) -> tuple[list[str], dict[str, list[str]]]:
    """The title and introduction of a generated report, and each section's table keys."""
    intro = "本年度报告根据《中华人民共和国政府信息公开条例》"
    if gen.cite_source:
        intro += f"和《关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（{p.source}）"
    by_section: dict[str, list[str]] = {}
    for t in p.tables:
        by_section.setdefault(t.section, []).append(t.key)
    return [f"{gen.body}{gen.year}年政府信息公开工作年度报告", intro + "要求编制。"], by_section


def render_report(
    gen: GeneratedReport,
    style: str,
    *,
    label: LabelFn = _same,
    value: LabelFn = _same,
    heading_numbers: bool = True,
    lost_headers: bool = False,
    wrap: int = 0,
    overview: str | None = None,
) -> str:
    """A whole report (title, six sections with prose, the tables) as text or HTML.

    ``overview`` replaces the prose of section 一 (e.g. :func:`gxlib.testing.prose`'s text)."""
    p = registry.get(gen.profile)
    parts, by_section = _front_matter(gen, p)
    for s in p.sections:
        head = (f"{s.number}、" if heading_numbers else "") + label(s.title)
        parts.append(head)
        if s.key in by_section:
            for key in by_section[s.key]:
                grid = _grid_for(gen, p, key, lost_headers=lost_headers)
                caption = f"表{s.number} {p.table(key).title}"
                parts.append(
                    render_grid(grid, style, label=label, value=value, wrap=wrap, caption=caption)
                )
        else:
            text = overview if overview is not None and s.number == "一" else None
            parts.append(text if text is not None else PROSE.get(s.number, "无。"))
    parts.append(gen.body)
    parts.append(f"{gen.year + 1}年1月20日")
    if style == "html":
        body = "\n".join(
            p if p.lstrip().startswith("<table") else f"<p>{html_lib.escape(p)}</p>" for p in parts
        )
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>年报</title></head>'
            f'<body><div id="zoom">\n{body}\n</div></body></html>'
        )
    return "\n".join(parts) + "\n"


def render_page_text(
    gen: GeneratedReport,
    *,
    spaces: float = 0.2,
    wide: bool = False,
    label: LabelFn = _same,
    seed: int = 0,
) -> str:
    """A report as a crawler saves a web page's text: page chrome, metadata lines (标题, 发布时间)
    and a ``=====正文=====`` rule, then the whole report on ONE line — headings inline after
    the previous sentence, every table's cells run together — then page chrome again.

    ``spaces`` is the share of cell boundaries where the page left a stray space (「230 000023」);
    ``wide`` writes values in full-width digits and signs; ``seed`` picks the boundaries.
    """
    import random

    rnd = random.Random(seed)
    p = registry.get(gen.profile)
    parts, by_section = _front_matter(gen, p)
    title = parts[0]
    for s in p.sections:
        parts.append(f"{s.number}、" + label(s.title))
        if s.key in by_section:
            for key in by_section[s.key]:
                grid = _grid_for(gen, p, key)
                cells: list[str] = []
                for row in grid.rows():
                    for c in row:
                        shown = (
                            (_wide(c.text) if wide else c.text)
                            if c.kind == "value"
                            else label(c.text)
                        )
                        if cells and rnd.random() < spaces:
                            cells.append(" ")
                        cells.append(shown)
                parts.append("".join(cells))
        else:
            parts.append(PROSE.get(s.number, "无。"))
    parts.append(gen.body)
    parts.append(f"{gen.year + 1}年1月20日")
    chrome_top = ["首页 > 政务公开 > 政府信息公开年报", "字号：大 中 小  打印本页"]
    meta = [f"标题: {title}", f"发布时间: {gen.year + 1}-01-20 09:30:00", "来源: 本站"]
    chrome_end = ["【打印本页】【关闭窗口】", "主办单位：" + gen.body + "  网站标识码：0000000000"]
    return "\n".join([*chrome_top, *meta, "=====正文=====", "".join(parts), *chrome_end]) + "\n"


def render_docx(gen: GeneratedReport) -> bytes:
    """The report as a DOCX file with the official table geometry as real merges
    (gridSpan/vMerge). Needs python-docx (a test dependency)."""
    import io

    try:
        import docx
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        from gxlib.errors import MissingExtraError

        raise MissingExtraError("test", "python-docx") from exc
    p = registry.get(gen.profile)
    document = docx.Document()
    document.add_paragraph(f"{gen.body}{gen.year}年政府信息公开工作年度报告")
    if gen.cite_source:
        document.add_paragraph(f"本报告依据{p.source}编制。")
    by_section: dict[str, list[str]] = {}
    for t in p.tables:
        by_section.setdefault(t.section, []).append(t.key)
    for s in p.sections:
        document.add_paragraph(f"{s.number}、{s.title}")
        for key in by_section.get(s.key, []):
            grid = _grid_for(gen, p, key)
            table = document.add_table(rows=grid.n_rows, cols=grid.n_cols)
            table.style = "Table Grid"
            for c in grid.cells:
                cell = table.cell(c.row, c.col)
                if c.rowspan > 1 or c.colspan > 1:
                    cell = cell.merge(table.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
                cell.text = c.text
        if s.key not in by_section:
            document.add_paragraph(PROSE.get(s.number, "无。"))
    document.add_paragraph(gen.body)
    document.add_paragraph(f"{gen.year + 1}年1月20日")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_pdf(
    gen: GeneratedReport,
    *,
    rules: bool = True,
    break_rows: bool = False,
    turn_stubs: bool = False,
    page_height: float = 842.0,
    embedded: bool = False,
) -> bytes:
    """The report as a PDF with its tables in the official geometry and CJK text (the CID font
    STSong-Light); labels wider than their cell wrap over several lines. Needs reportlab (a test
    dependency).

    ``rules``: tables ruled, a merged cell drawn as one box (else no lines at all: the reader
    has only the characters' geometry). ``break_rows``: a table breaks across pages at any row,
    a cell cut by the break drawn open at the cut (else a page holds whole groups of rows).
    ``turn_stubs``: a stub cell spanning several rows has its text set at a quarter turn,
    running up the page, as Word prints vertical stubs. ``page_height`` in points (a short page
    makes more breaks). ``embedded``: text in an embedded font (a box per character, see
    :mod:`gxlib.testing.fonts`) instead of the non-embedded STSong-Light, so that a reader
    without CJK fonts on the machine still has every glyph's extent.
    """
    import io

    try:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        from gxlib.errors import MissingExtraError

        raise MissingExtraError("test", "reportlab") from exc
    font = "GxlibBox" if embedded else "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        if embedded:
            from reportlab.pdfbase.ttfonts import TTFont

            from gxlib.testing.fonts import box_font

            pdfmetrics.registerFont(TTFont(font, io.BytesIO(box_font())))
        else:
            pdfmetrics.registerFont(UnicodeCIDFont(font))
    p = registry.get(gen.profile)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, page_height))
    top, bottom, left, width = page_height - 42.0, 50.0, 25.0, 545.0
    y = top

    def line(text: str, size: float = 10.5) -> None:
        nonlocal y
        if y - size * 1.6 < bottom:
            c.showPage()
            y = top
        c.setFont(font, size)
        c.drawString(left, y - size, text)
        y -= size * 1.6

    def table(grid: TableGrid) -> None:
        nonlocal y
        n_value = sum(
            1 for cell in grid.cells if cell.kind == "value" and cell.row == grid.n_rows - 1
        )
        stub = grid.n_cols - n_value if n_value and n_value < grid.n_cols else 0
        # stub columns get the room labels need; value columns share the rest
        widths = [110.0] * stub + [(width - 110.0 * stub) / (grid.n_cols - stub)] * (
            grid.n_cols - stub
        )
        xs = [left]
        for w in widths:
            xs.append(xs[-1] + w)
        size = 6.5
        # without rules, a character's width of gutter keeps columns apart
        pad = 4 if rules else 4 + 2 * size

        def wrapped(cell: GCell) -> list[str]:
            if cell.kind == "value":
                return [cell.text]  # (numbers never wrap)
            w = xs[cell.col + cell.colspan] - xs[cell.col] - pad
            per = max(int(w // size), 1)
            text = cell.text
            return [text[i : i + per] for i in range(0, len(text), per)] or [""]

        heights = [14.0] * grid.n_rows
        for cell in grid.cells:
            need = len(wrapped(cell)) * (size + 1.5) + 5
            if cell.rowspan == 1:
                heights[cell.row] = max(heights[cell.row], need)

        def turned(cell: GCell) -> bool:
            """A stub spanning rows whose text fits its height when set running up."""
            tall = sum(heights[cell.row : cell.row + cell.rowspan]) - 6
            return (
                turn_stubs
                and cell.kind == "label"
                and cell.rowspan > 2
                and cell.col < stub
                and len(cell.text) * size <= tall
            )

        # rows placed on pages: (page number in this table, top of the row)
        placed: list[tuple[int, float]] = []
        page_no, r = 0, 0
        while r < grid.n_rows:
            end = r + 1
            if not break_rows:  # a page holds whole groups of rows: never split a cell
                for cell in grid.cells:
                    if cell.row < end and cell.row + cell.rowspan > end:
                        end = cell.row + cell.rowspan
            if y - sum(heights[r:end]) < bottom and y < top:
                page_no, y = page_no + 1, top
            for k in range(r, end):
                placed.append((page_no, y))
                y -= heights[k]
            r = end
        for page in range(page_no + 1):
            if page:
                c.showPage()
            for cell in grid.cells:
                rows = [k for k in range(cell.row, cell.row + cell.rowspan) if placed[k][0] == page]
                if not rows:
                    continue
                x0, x1 = xs[cell.col], xs[cell.col + cell.colspan]
                y0 = placed[rows[0]][1]
                y1 = placed[rows[-1]][1] - heights[rows[-1]]
                if rules:
                    c.line(x0, y0, x0, y1)
                    c.line(x1, y0, x1, y1)
                    if rows[0] == cell.row:
                        c.line(x0, y0, x1, y0)
                    if rows[-1] == cell.row + cell.rowspan - 1:
                        c.line(x0, y1, x1, y1)
                if rows[0] != cell.row:
                    continue  # the text is on the cell's first page
                c.setFont(font, size)
                if turned(cell):
                    c.saveState()
                    c.translate(x0 + (x1 - x0) / 2 + size / 2, y1 + 3)
                    c.rotate(90)
                    c.drawString(0, 0, cell.text)
                    c.restoreState()
                    continue
                for i, part in enumerate(wrapped(cell)):
                    c.drawString(x0 + 2, y0 - (i + 1) * (size + 1.5) - 1, part)
        y -= 8

    line(f"{gen.body}{gen.year}年政府信息公开工作年度报告", 14)
    if gen.cite_source:
        line(f"本报告依据{p.source}编制。")
    by_section: dict[str, list[str]] = {}
    for t in p.tables:
        by_section.setdefault(t.section, []).append(t.key)
    for s in p.sections:
        line(f"{s.number}、{s.title}", 12)
        for key in by_section.get(s.key, []):
            table(_grid_for(gen, p, key))
        if s.key not in by_section:
            line(PROSE.get(s.number, "无。")[:48])
    line(gen.body)
    line(f"{gen.year + 1}年1月20日")
    c.showPage()
    c.save()
    return buf.getvalue()
