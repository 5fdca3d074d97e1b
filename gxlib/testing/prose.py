"""Prose for generated reports: facts stated in varied phrasings, with decoys that are not facts.

:func:`prose` writes the overview of a :class:`~gxlib.testing.strategies.GeneratedReport` from
its table values — counts as Arabic, full-width or Chinese numerals or 万 multiples, some
approximate (约/余/多/近) or bounded (以上/超过), zeros often as negations (未收到…) — and mixes in
numbers that must never be read as facts: changes (比上年增加…%, 同比下降…件), shares (占…%),
dates, document numbers, per-channel, per-kind and cumulative counts, counts of proposals.
With ``disagree=True`` some exact statements differ from the table, and
:attr:`GeneratedProse.mismatches` names the profile fact checks that must fire (``GX902``).

The phrasings are those of the bundled profiles' facts (``gov-2019``, ``gov-2021``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from attrs import frozen
from hypothesis import strategies as st

from gxlib.facts import Qualifier
from gxlib.profiles import registry
from gxlib.profiles.model import Profile
from gxlib.testing.strategies import GeneratedReport
from gxlib.values import Number

__all__ = ["GeneratedProse", "chinese_numeral", "prose"]

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """``n`` (0 ≤ n < 10⁸) as a Chinese numeral: 105 → 一百零五, 23 → 二十三, 10 → 十."""
    if not 0 <= n < 10**8:
        raise ValueError(n)
    if n == 0:
        return "零"

    def below_10k(v: int, leading: bool) -> str:
        out = ""
        zero = False
        for unit, ch in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = v // unit % 10
            if d == 0:
                zero = bool(out) or not leading
                continue
            if zero and (out or not leading):
                out += "零"
            zero = False
            out += ("" if (ch == "十" and d == 1 and leading and not out) else _DIGITS[d]) + ch
        return out

    high, low = divmod(n, 10_000)
    if not high:
        return below_10k(low, True)
    text = below_10k(high, True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + below_10k(low, False).lstrip("零")
    return text


@frozen
class GeneratedProse:
    """An overview paragraph and what it states."""

    text: str
    facts: dict[str, tuple[Number, Qualifier]]
    """Every fact the text states: key → (value, qualifier)."""
    mismatches: frozenset[str]
    """Ids of the fact checks that must report the prose disagreeing with the table."""


def _count_text(draw: Any, n: int) -> str:
    forms = ["arabic", "fullwidth", "chinese"]
    if n >= 10_000 and n % 1000 == 0:
        forms.append("wan")
    form = draw(st.sampled_from(forms))
    if form == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if form == "chinese":
        return chinese_numeral(n)
    if form == "wan":
        text = f"{Decimal(n) / 10000:f}"
        return (text.rstrip("0").rstrip(".") if "." in text else text) + "万"
    return str(n)


def _quantity(draw: Any, n: int, unit: str, qualifier: Qualifier) -> str:
    num = _count_text(draw, n)
    if qualifier == "approximate":
        forms = [f"约{num}{unit}", f"{num}余{unit}", f"近{num}{unit}", f"{num}多{unit}"]
        return str(draw(st.sampled_from(forms)))
    if qualifier == "at_least":
        return str(draw(st.sampled_from([f"{num}{unit}以上", f"超过{num}{unit}"])))
    return f"{num}{unit}"


_TEMPLATES: dict[str, list[str]] = {
    "proactive.published": [
        "全年主动公开政府信息{q}",
        "公开信息共计{q}",
        "制作公开政府信息{q}",
        "通过各类渠道公开各类政府信息{q}",
    ],
    "requests.received": [
        "本年度共收到政府信息公开申请{q}",
        "全年受理信息公开申请{q}",
        "共收到{q}政府信息公开申请",
        "共收到依申请公开事项{q}",
    ],
    "requests.answered": ["按时答复{q}", "共办结{q}", "已答复{q}"],
    "appeals.review": ["发生行政复议{q}", "行政复议案件{q}", "共有{q}行政复议"],
    "appeals.litigation": ["发生行政诉讼{q}", "行政诉讼案件{q}", "共有{q}行政诉讼"],
    "normative_documents.issued": ["制发行政规范性文件{q}", "本年度印发{q}规范性文件"],
    "normative_documents.repealed": ["废止规范性文件{q}"],
}
_UNITS = {
    "proactive.published": "条",
    "requests.received": "件",
    "requests.answered": "件",
    "appeals.review": "起",
    "appeals.litigation": "起",
    "normative_documents.issued": "件",
    "normative_documents.repealed": "件",
}
_NEGATIONS = {
    "requests.received": ["本年度未收到政府信息公开申请", "全年没有收到依申请公开事项"],
    "appeals.review": ["未发生因政府信息公开引发的行政复议"],
    "appeals.litigation": ["没有发生政府信息公开行政诉讼"],
    "normative_documents.issued": ["本年度未制发规范性文件"],
    "fees.collected": ["无收取信息处理费情况", "本机关没有收取信息处理费"],
}


def _check(profile: Profile, key: str) -> tuple[str, list[tuple[str, str, str]]] | None:
    """The profile's unconditional fact check of ``key``: its id and the cells it sums."""
    for check in profile.fact_checks:
        if check.fact == key and check.when is None:
            cells = [tuple(ref.split("/", 2)) for ref in check.cells]
            return check.id, [(t, r, c) for t, r, c in cells]
    return None


def _decoys(draw: Any, year: int) -> list[str]:
    m = draw(st.integers(1, 999))
    p = draw(st.integers(1, 100))
    options = [
        f"{year}年{draw(st.integers(1, 12))}月{draw(st.integers(1, 28))}日召开专题会议",
        f"依据《关于做好政务公开工作的通知》(国办发〔{year}〕{m}号)",
        f"在政府门户网站发布各类信息{m}条",
        f"通过政务微信公众号发布信息{m}条",
        f"历年累计公开政府信息{m}条",
        f"共承办人大代表建议{m}件",
        f"申请办结率达到{p}%",
        f"政务公开培训{m}次",
    ]
    return [str(x) for x in draw(st.lists(st.sampled_from(options), max_size=3))]


@st.composite
def prose(draw: Any, gen: GeneratedReport, *, disagree: bool = False) -> GeneratedProse:
    """Overview prose for ``gen`` (a report of a bundled profile); see the module doc."""

    def table(t: str, r: str, c: str) -> int:
        v = gen.value(t, r, c)
        assert isinstance(v, int), (t, r, c, v)
        return v

    sentences: list[str] = []
    facts: dict[str, tuple[Number, Qualifier]] = {}
    mismatches: set[str] = set()

    def state(key: str, truth: int, check: str | None) -> None:
        qualifier: Qualifier = draw(
            st.sampled_from(["exact", "exact", "exact", "approximate", "at_least"])
        )
        value = truth
        if disagree and check is not None and draw(st.booleans()):
            value = truth + draw(st.integers(1, 5))
            if qualifier == "exact":
                mismatches.add(check)
        if value == 0 and qualifier != "exact":
            qualifier = "exact"  # nobody writes "约0件"
        if value == 0 and key in _NEGATIONS and draw(st.booleans()):
            sentence = draw(st.sampled_from(_NEGATIONS[key]))
        else:
            q = _quantity(draw, value, _UNITS[key], qualifier)
            sentence = draw(st.sampled_from(_TEMPLATES[key])).format(q=q)
            if key == "requests.received" and draw(st.booleans()):
                sentence += f",比上年增加{draw(st.integers(1, 300))}%"
            if key == "requests.answered" and draw(st.booleans()):
                sentence += f",同比下降{draw(st.integers(1, 9))}件"
            if key == "proactive.published" and draw(st.booleans()):
                sentence += f",其中通过门户网站发布{draw(st.integers(1, 99))}条"
        facts[key] = (value, qualifier)
        sentences.append(sentence)

    if draw(st.booleans()):
        state("proactive.published", draw(st.integers(1, 200_000)), None)
    if draw(st.booleans()):
        new = table("requests", "new", "total")
        carried = table("requests", "carried_over", "total")
        if carried and draw(st.booleans()):
            total = new + carried
            value = total
            if disagree and draw(st.booleans()):
                value += draw(st.integers(1, 5))
                mismatches.add("received.with_carried_over")
            facts["requests.received"] = (value, "exact")
            sentences.append(
                f"本年度共收到政府信息公开申请{_count_text(draw, value)}件(含上年结转{carried}件)"
            )
        else:
            state("requests.received", new, "received.new")
    if draw(st.booleans()):
        granted = table("requests", "granted", "total")
        state("requests.answered", table("requests", "total", "total"), "answered.total")
        # (the checks of the three request facts are as the bundled profiles declare them)
        if granted and draw(st.booleans()):
            share = draw(st.integers(1, 100))
            sentences.append(f"其中,予以公开{granted}件,占{share}%")
    profile = registry.get(gen.profile)
    declared = {f.key for f in profile.facts}
    for key in (
        "appeals.review",
        "appeals.litigation",
        "normative_documents.issued",
        "normative_documents.repealed",
    ):
        found = _check(profile, key)
        if key in declared and found is not None and draw(st.booleans()):
            check, cells = found
            state(key, sum(table(*c) for c in cells), check)
    if draw(st.booleans()):
        yuan = draw(st.one_of(st.just(0), st.integers(1, 10**7)))
        if yuan == 0:
            sentences.append(draw(st.sampled_from(_NEGATIONS["fees.collected"])))
            facts["fees.collected"] = (Decimal(0), "exact")
        else:
            amount = Decimal(yuan) / 100
            if draw(st.booleans()):
                sentences.append(f"收取信息处理费{amount:f}元")
            else:
                sentences.append(f"信息处理费共计{amount / 10000:f}万元")
            facts["fees.collected"] = (amount, "exact")
    sentences.extend(_decoys(draw, gen.year))
    order = draw(st.permutations(range(len(sentences))))
    text = "。".join(sentences[i] for i in order) + ("。" if sentences else "")
    return GeneratedProse(text or "本年度各项工作有序推进。", facts, frozenset(mismatches))
