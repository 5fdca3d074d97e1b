"""The official geometry of the statistics tables (国办公开办函〔2021〕30号), as cell lists.

Loaded by tests/test_reader_html.py and tests/test_reader_docx.py (by path: this is test data,
not a package). A cell is ``(row, col, rowspan, colspan, text)``, exactly as the template merges
them: the HTML tests write the cells out as ``<td rowspan colspan>``, the DOCX tests merge the same
regions with python-docx, and both expect the reader's grid to give these cells back.

Section 三 (2021): a 3-row header whose corner note spans 3 rows x 3 stub columns, 申请人情况 over 7
columns, 自然人 and 总计 spanning 2 header rows, 法人或其他组织 over its 5 sub-columns; then 25
data rows whose stub is 1 to 3 cells deep (三、本年度办理结果 spans 22 rows, （三）不予公开 8).
Section 四: 行政复议 over 5 columns, 行政诉讼 over 10 split into 未经复议直接起诉 / 复议后起诉.
"""

from __future__ import annotations

from collections.abc import Callable

Cell = tuple[int, int, int, int, str]

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
ORGANISATIONS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

# (label, children): children None for a plain row, a list of (label, sub-rows or None).
REQUEST_STUB: list[tuple[str, list[tuple[str, list[str] | None]] | None]] = [
    ("一、本年新收政府信息公开申请数量", None),
    ("二、上年结转政府信息公开申请数量", None),
    (
        "三、本年度办理结果",
        [
            ("（一）予以公开", None),
            ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
            (
                "（三）不予公开",
                [
                    "1.属于国家秘密",
                    "2.其他法律行政法规禁止公开",
                    "3.危及“三安全一稳定”",
                    "4.保护第三方合法权益",
                    "5.属于三类内部事务信息",
                    "6.属于四类过程性信息",
                    "7.属于行政执法案卷",
                    "8.属于行政查询事项",
                ],
            ),
            (
                "（四）无法提供",
                [
                    "1.本机关不掌握相关政府信息",
                    "2.没有现成信息需要另行制作",
                    "3.补正后申请内容仍不明确",
                ],
            ),
            (
                "（五）不予处理",
                [
                    "1.信访举报投诉类申请",
                    "2.重复申请",
                    "3.要求提供公开出版物",
                    "4.无正当理由大量反复申请",
                    "5.要求行政机关确认或重新出具已获取信息",
                ],
            ),
            (
                "（六）其他处理",
                [
                    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                    "3.其他",
                ],
            ),
            ("（七）总计", None),
        ],
    ),
    ("四、结转下年度继续办理", None),
]

HEADER_ROWS = 3
DATA_ROWS = 25
N_COLS = 10


def requests_cells(value: Callable[[int, int], str]) -> tuple[int, int, list[Cell]]:
    """Section 三; ``value(data_row, column)`` gives the 7 numbers of each of the 25 data rows."""
    cells: list[Cell] = [
        (0, 0, 3, 3, NOTE),
        (0, 3, 1, 7, "申请人情况"),
        (1, 3, 2, 1, "自然人"),
        (1, 4, 1, 5, "法人或其他组织"),
        (1, 9, 2, 1, "总计"),
    ]
    cells += [(2, 4 + i, 1, 1, name) for i, name in enumerate(ORGANISATIONS)]
    row = HEADER_ROWS

    def values() -> None:
        cells.extend((row, 3 + j, 1, 1, value(row - HEADER_ROWS, j)) for j in range(7))

    for label, children in REQUEST_STUB:
        if children is None:
            cells.append((row, 0, 1, 3, label))
            values()
            row += 1
            continue
        depth = sum(len(subs) if subs else 1 for _, subs in children)
        cells.append((row, 0, depth, 1, label))
        for child, subs in children:
            if subs is None:
                cells.append((row, 1, 1, 2, child))
                values()
                row += 1
                continue
            cells.append((row, 1, len(subs), 1, child))
            for sub in subs:
                cells.append((row, 2, 1, 1, sub))
                values()
                row += 1
    assert row == HEADER_ROWS + DATA_ROWS
    return row, N_COLS, sorted(cells)


def appeals_cells(
    numbers: list[str], *, labels_span_two_rows: bool = True
) -> tuple[int, int, list[Cell]]:
    """Section 四: 15 labels over 15 numbers.

    The template merges each 行政复议 label down over the two label rows of 行政诉讼
    (``labels_span_two_rows``); some pages instead merge 行政复议 itself down and put all 15
    labels in one row.
    """
    assert len(numbers) == 15
    if labels_span_two_rows:
        cells: list[Cell] = [(0, 0, 1, 5, "行政复议"), (0, 5, 1, 10, "行政诉讼")]
        cells += [(1, i, 2, 1, name) for i, name in enumerate(OUTCOMES)]
        cells += [(1, 5, 1, 5, "未经复议直接起诉"), (1, 10, 1, 5, "复议后起诉")]
        cells += [(2, 5 + i, 1, 1, OUTCOMES[i % 5]) for i in range(10)]
    else:
        cells = [(0, 0, 2, 5, "行政复议"), (0, 5, 1, 10, "行政诉讼")]
        cells += [(1, 5, 1, 5, "未经复议直接起诉"), (1, 10, 1, 5, "复议后起诉")]
        cells += [(2, i, 1, 1, OUTCOMES[i % 5]) for i in range(15)]
    cells += [(3, i, 1, 1, n) for i, n in enumerate(numbers)]
    return 4, 15, sorted(cells)


def html_table(cells: list[Cell], *, header_rows: int = 0, attrs: str = 'border="1"') -> str:
    """The cells as an HTML table: each cell written in the row where it starts."""
    rows: dict[int, list[Cell]] = {}
    for cell in cells:
        rows.setdefault(cell[0], []).append(cell)
    out = [f"<table {attrs}>"]
    for r in sorted(rows):
        tag = "th" if r < header_rows else "td"
        out.append("<tr>")
        for _, _, rowspan, colspan, text in sorted(rows[r], key=lambda c: c[1]):
            span = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
                f' colspan="{colspan}"' if colspan > 1 else ""
            )
            out.append(f"<{tag}{span}>{text}</{tag}>")
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def pipe_rows(cells: list[Cell]) -> list[str]:
    """The rendering contract: per row, the cells starting there, ``cell | cell |``."""
    rows: dict[int, list[Cell]] = {}
    for cell in cells:
        rows.setdefault(cell[0], []).append(cell)
    return [
        " | ".join(c[4] for c in sorted(rows[r], key=lambda c: c[1])) + " |" for r in sorted(rows)
    ]
