"""Report metadata read from the title and the signature: issuing body, year, dates."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from gxlib.report import Metadata

_TITLE = re.compile(
    r"^(?P<body>.{2,60}?)[（(]?(?P<year>(?:19|20)\d{2})\s*年度?[）)]?\s*(?:度\s*)?"
    r"(?:政府)?(?:信息)?公开工作(?:年度)?报告"
)
_TITLE_YEAR_FIRST = re.compile(
    r"^(?P<year>(?:19|20)\d{2})\s*年度?(?P<body>.{2,40}?)(?:政府)?信息公开"
)
_DATE_CN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_ISO = re.compile(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
_PUBLISHED = re.compile(r"(?:发布时间|发布日期|發布時間|发文日期|成文日期)\s*[:：]?\s*")
_PERIOD = re.compile(r"(?:统计|數據|数据)[^。\n]{0,20}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_BODY_NAME = re.compile(r"[\u4e00-\u9fff（）()·]{2,40}")
_BODY_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{3,40}$")


def read_metadata(text: str, first_section_start: int) -> Metadata:
    lines = [ln.strip() for ln in text[: max(first_section_start, 0) or 600].split("\n")]
    head = [ln for ln in lines if ln][:4]
    joined = "".join(head)
    body: str | None = None
    year: int | None = None
    title: str | None = None
    m = _TITLE.search(joined)
    if m:
        body = m.group("body").strip() or None
        year = int(m.group("year"))
        title = joined[: m.end()]
    else:
        m2 = _TITLE_YEAR_FIRST.search(joined)
        if m2:
            year = int(m2.group("year"))
    if year is None:
        p = _PERIOD.search(text[:5000])
        if p:
            year = int(p.group(1))
    if year is None:
        years = Counter(int(y) for y in _YEAR.findall(text[:20000]))
        if years:
            year = years.most_common(1)[0][0]
    tail = [ln.strip() for ln in text[-400:].split("\n") if ln.strip()]
    date: dt.date | None = None
    for i in range(len(tail) - 1, max(len(tail) - 4, -1), -1):
        dm = _DATE_CN.fullmatch(tail[i].replace(" ", ""))
        if dm:
            date = _mkdate(dm)
            if body is None and i > 0 and _BODY_LINE.match(tail[i - 1]):
                body = tail[i - 1]
            break
    published: dt.date | None = None
    pm = _PUBLISHED.search(text[:2000])
    if pm:
        rest = text[pm.end() : pm.end() + 40]
        dm2 = _DATE_ISO.match(rest) or _DATE_CN.match(rest)
        if dm2:
            published = _mkdate(dm2)
    return Metadata(body=body, year=year, date=date, published=published, title=title)


def is_title(text: str) -> bool:
    """Does ``text`` start with a report title (on its first one or two non-empty lines)?

    The issuing body must be a name (ideographs and brackets only), so a date, a signature or a
    sentence before a title is not read as part of it."""
    head = [ln.strip() for ln in text[:400].split("\n") if ln.strip()][:2]
    m = _TITLE.match("".join(head))
    return m is not None and _BODY_NAME.fullmatch(m.group("body").strip()) is not None


def _mkdate(m: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
