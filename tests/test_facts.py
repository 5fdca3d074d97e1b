"""Facts stated in the prose: seeds read by a person, phrasings, numbers, cross-checks, outputs."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from conftest import seed_path
from hypothesis import given, settings
from hypothesis import strategies as st

import gxlib
from gxlib.cli import main
from gxlib.errors import ProfileError
from gxlib.facts import read_number
from gxlib.profiles import registry
from gxlib.profiles.loading import profile_from_dict, profile_to_dict

FIXTURE = Path(__file__).parent / "fixtures" / "facts" / "seeds.csv"
SEEDS = sorted(p.stem for p in seed_path("x").parent.glob("*.txt"))


def _expected() -> dict[str, dict[str, dict[str, str]]]:
    out: dict[str, dict[str, dict[str, str]]] = {stem: {} for stem in SEEDS}
    with open(FIXTURE, encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            out[rec["stem"]][rec["key"]] = rec
    return out


EXPECTED = _expected()


@pytest.fixture(scope="module")
def seeds() -> dict[str, gxlib.Report]:
    return {stem: gxlib.parse(seed_path(stem)) for stem in SEEDS}


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_facts_as_read_by_a_person(stem: str, seeds: dict[str, gxlib.Report]) -> None:
    report = seeds[stem]
    expected = EXPECTED[stem]
    # no key given a value the prose does not state (per-channel, per-kind, cumulative counts)
    assert {f.key for f in report.facts} == set(expected)
    for key, rec in expected.items():
        fact = report.fact(key)
        assert fact is not None
        assert fact.status == "number"
        assert fact.value == Decimal(rec["value"])
        assert type(fact.value) is (Decimal if key == "fees.collected" else int)
        assert fact.qualifier == rec["qualifier"]
        assert fact.location is not None and fact.location.line == int(rec["line"])
        assert rec["quote"] in fact.raw
        text = seed_path(stem).read_text(encoding="utf-8")
        loc = fact.location
        assert text[loc.offset : loc.offset + loc.length] == fact.raw


def test_seed_facts_agree_with_the_tables(seeds: dict[str, gxlib.Report]) -> None:
    for stem, report in seeds.items():
        assert not [d for d in report.diagnostics if d.code in ("GX901", "GX902")], stem


# -- phrasings on small texts ---------------------------------------------------------------------


def _facts(prose: str, profile: str = "gov-2021") -> dict[str, tuple[object, object, object]]:
    report = gxlib.parse_text(
        f"某某局2022年政府信息公开工作年度报告\n一、总体情况\n{prose}\n", profile=profile
    )
    return {f.key: (f.status, f.value, f.qualifier) for f in report.facts}


@pytest.mark.parametrize(
    ("prose", "key", "value", "qualifier"),
    [
        ("全年共收到政府信息公开申请154件。", "requests.received", 154, "exact"),
        ("共收到政府信息公开申请二十三件。", "requests.received", 23, "exact"),
        ("共收到政府信息公开申请一百零五件。", "requests.received", 105, "exact"),
        ("共收到政府信息公开申请１５４件。", "requests.received", 154, "exact"),
        ("本年度受理154件政府信息公开申请。", "requests.received", 154, "exact"),
        ("本年度未收到依申请公开事项。", "requests.received", 0, "exact"),
        ("共办结148件。", "requests.answered", 148, "exact"),
        ("主动公开政府信息13561条。", "proactive.published", 13561, "exact"),
        ("主动公开政府信息1.2万条。", "proactive.published", 12000, "exact"),
        ("主动公开政府信息1.2万余条。", "proactive.published", 12000, "approximate"),
        ("主动公开政府信息约500条。", "proactive.published", 500, "approximate"),
        ("主动公开政府信息近500条。", "proactive.published", 500, "approximate"),
        ("主动公开政府信息3000多条。", "proactive.published", 3000, "approximate"),
        ("主动公开政府信息500条以上。", "proactive.published", 500, "at_least"),
        ("发生行政复议36起,行政诉讼9起。", "appeals.review", 36, "exact"),
        ("发生行政复议36起,行政诉讼9起。", "appeals.litigation", 9, "exact"),
        ("未有因政府信息公开引发的行政复议和行政诉讼。", "appeals.review", 0, "exact"),
        ("未有因政府信息公开引发的行政复议和行政诉讼。", "appeals.litigation", 0, "exact"),
        ("无收取信息处理费情况。", "fees.collected", Decimal(0), "exact"),
        ("收取信息处理费1.5万元。", "fees.collected", Decimal(15000), "exact"),
        ("收取信息处理费320.50元。", "fees.collected", Decimal("320.5"), "exact"),
        ("本年度制发行政规范性文件3件。", "normative_documents.issued", 3, "exact"),
        ("本年度未制发规范性文件。", "normative_documents.issued", 0, "exact"),
        ("废止规范性文件2件。", "normative_documents.repealed", 2, "exact"),
    ],
)
def test_phrasings(prose: str, key: str, value: object, qualifier: str) -> None:
    facts = _facts(prose)
    assert facts[key] == ("number", value, qualifier)


@pytest.mark.parametrize(
    "prose",
    [
        "收到申请数量比上年增加100%。",  # a change
        "收到政府信息公开申请数量同比下降3件。",  # a change written with a unit
        "其中,予以公开1件,占25%。",  # a share and a per-outcome count
        "依据国办公开办函〔2019〕60号开展工作,2023年1月20日发布。",  # document number, date
        "在政府门户网站发布各类信息411条。",  # per channel
        "全年共发布政务信息36条,粉丝量突破600。",  # per channel (new media)
        "历年在政务信息公开系统共计发布各类信息1712条。",  # cumulative
        "共收到2件人大代表建议,5件政协提案。",  # not disclosure requests
        "发布政府采购信息48条,发布各类通知公告35个。",  # per kind
        "无正当理由大量反复申请。",  # a table label, not a negation
        "行政复议结果维持2件。",  # one outcome, not the number of cases
        "未出现行政复议被纠错的情况。",  # a negation of something else
        "收到政府信息公开申请1.5件。",  # not a whole count
        "2022年无规范性文件需清理。",  # not about issuing
        "历年累计制定规范性文件30件。",  # cumulative
    ],
)
def test_never_facts(prose: str) -> None:
    assert _facts(prose) == {}


def test_part_after_total_does_not_hide_the_total() -> None:
    facts = _facts("全年主动公开政府信息500条,其中通过门户网站发布300条。")
    assert facts == {"proactive.published": ("number", 500, "exact")}


def test_two_different_statements_are_ambiguous() -> None:
    report = gxlib.parse_text(
        "某某局2022年政府信息公开工作年度报告\n一、总体情况\n"
        "共收到政府信息公开申请5件。\n年内共收到政府信息公开申请6件。\n",
        profile="gov-2021",
    )
    fact = report.fact("requests.received")
    assert fact is not None and fact.status == "ambiguous" and fact.value is None
    assert fact.candidates == (5, 6)
    assert [s.value for s in fact.statements] == [5, 6]
    assert [d.code for d in report.diagnostics].count("GX901") == 1


def test_the_same_value_twice_is_one_fact() -> None:
    report = gxlib.parse_text(
        "某某局2022年政府信息公开工作年度报告\n一、总体情况\n"
        "共收到政府信息公开申请5件。\n共收到5件政府信息公开申请。\n",
        profile="gov-2021",
    )
    fact = report.fact("requests.received")
    assert fact is not None and fact.status == "number" and fact.value == 5
    assert len(fact.statements) == 2


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二十三", 23),
        ("一百零五", 105),
        ("十五", 15),
        ("两千", 2000),
        ("三万五千", 35000),
        ("1.2万", 12000),
        ("13,561", 13561),
        ("0", 0),
    ],
)
def test_read_number(text: str, value: int) -> None:
    assert read_number(text) == value


@pytest.mark.parametrize("text", ["一二", "百百", "十十", "万", "千百"])
def test_read_number_rejects_malformed_numerals(text: str) -> None:
    assert read_number(text) is None


# -- cross-checks ---------------------------------------------------------------------------------


def _seed004(replace: tuple[str, str] | None = None) -> gxlib.Report:
    text = seed_path("004_c38613461617f9e0").read_text(encoding="utf-8")
    if replace:
        assert replace[0] in text
        text = text.replace(*replace)
    return gxlib.parse_text(text)


def test_cross_check_agreement() -> None:
    report = _seed004()
    assert not [d for d in report.diagnostics if d.code.startswith("GX90")]


def test_cross_check_disagreement_names_both_values_and_places() -> None:
    report = _seed004(("收到信息公开申请4件", "收到信息公开申请5件"))
    [d] = [d for d in report.diagnostics if d.code == "GX902"]
    assert d.severity == "warning"
    assert d.data == {
        "check": "received.new",
        "fact": "requests.received",
        "fact_value": "5",
        "table_value": "4",
    }
    assert d.location is not None and d.location.line == 16
    assert "line 16" in d.message and "line 100" in d.message
    assert [(c.table, c.row, c.column) for c in d.cells] == [("requests", "new", "total")]
    # the table value is not touched by the disagreement
    assert report.value("requests", "new", "total") == 4
    assert report.fact("requests.received").value == 5  # type: ignore[union-attr]


def test_cross_check_with_carried_over_included() -> None:
    report = _seed004(("收到信息公开申请4件", "收到信息公开申请4件(含上年结转0件)"))
    assert not [d for d in report.diagnostics if d.code in ("GX902", "GX903")]
    report = _seed004(("收到信息公开申请4件", "收到信息公开申请6件(含上年结转2件)"))
    [d] = [d for d in report.diagnostics if d.code == "GX902"]
    assert d.data["check"] == "received.with_carried_over"


def test_cross_check_not_checkable_when_approximate() -> None:
    report = _seed004(("收到信息公开申请4件", "收到信息公开申请约5件"))
    assert not [d for d in report.diagnostics if d.code == "GX902"]
    [d] = [d for d in report.diagnostics if d.code == "GX903"]
    assert d.data["check"] == "received.new"


def test_cross_check_not_checkable_when_the_table_is_missing(
    seeds: dict[str, gxlib.Report],
) -> None:
    report = seeds["002_e07c33c6997fa877"]
    checks = {d.data["check"] for d in report.diagnostics if d.code == "GX903"}
    assert checks == {"received.new", "answered.total", "review.total", "litigation.total"}
    assert not [d for d in report.diagnostics if d.code == "GX902"]


# -- profiles -------------------------------------------------------------------------------------


def test_profile_facts_round_trip_and_validation() -> None:
    base = registry.get("gov-2021")
    data = profile_to_dict(base)
    assert profile_from_dict(data) == base
    data["facts"][1]["patterns"][0]["regex"] = "收到(申请{num}{unit}"
    with pytest.raises(
        ProfileError, match=r"invalid regex .* @ \$\.facts\[1\]\.patterns\[0\]\.regex"
    ):
        profile_from_dict(data)
    data = profile_to_dict(base)
    data["fact_checks"][0]["cells"] = ["requests/new/nope"]
    with pytest.raises(ProfileError, match=r"unknown cell .* @ \$\.fact_checks\[0\]\.cells\[0\]"):
        profile_from_dict(data)
    data = profile_to_dict(base)
    data["facts"][0]["patterns"][0]["regex"] = "公开信息{num}"
    with pytest.raises(ProfileError, match=r"\{num\} and \{unit\} once each"):
        profile_from_dict(data)
    data = profile_to_dict(base)
    data["facts"][0]["colour"] = "red"
    with pytest.raises(ProfileError, match=r"colour"):
        profile_from_dict(data)


def test_a_third_party_profile_overrides_and_extends_facts() -> None:
    from gxlib.profiles.model import FactPattern, FactSpec

    base = registry.get("gov-2021")
    received = FactSpec(
        "requests.received", (FactPattern("mine", "申请受理量{num}{unit}"),), units=("件",)
    )
    extra = FactSpec("hotline.calls", (FactPattern("calls", "接听热线{num}{unit}"),), units=("个",))
    facts = (*tuple(f for f in base.facts if f.key != received.key), received, extra)
    mine = attrs.evolve(base, id="mine-2021", facts=facts)
    report = gxlib.parse_text(
        "某某局2022年政府信息公开工作年度报告\n一、总体情况\n申请受理量7件,接听热线12个。\n",
        profile=mine,
    )
    assert report.fact("requests.received").value == 7  # type: ignore[union-attr]
    assert report.fact("requests.received").pattern == "mine"  # type: ignore[union-attr]
    assert report.fact("hotline.calls").value == 12  # type: ignore[union-attr]


# -- outputs --------------------------------------------------------------------------------------


def test_json_round_trip_keeps_facts(seeds: dict[str, gxlib.Report]) -> None:
    for report in seeds.values():
        back = gxlib.Report.from_json(report.to_json())
        assert back == report
        assert back.facts == report.facts
    fees = seeds["004_c38613461617f9e0"].fact("fees.collected")
    assert fees is not None and isinstance(fees.value, Decimal)
    data = json.loads(seeds["004_c38613461617f9e0"].to_json())
    assert {f["key"] for f in data["facts"]} >= {"requests.received", "fees.collected"}


def test_ambiguous_fact_round_trips() -> None:
    report = gxlib.parse_text(
        "某某局2022年政府信息公开工作年度报告\n一、总体情况\n"
        "共收到政府信息公开申请5件。\n共收到政府信息公开申请6件。\n",
        profile="gov-2021",
    )
    assert gxlib.Report.from_json(report.to_json()) == report


def test_facts_frame(seeds: dict[str, gxlib.Report]) -> None:
    pytest.importorskip("pandas")
    frame = gxlib.facts_frame(list(seeds.values()))
    assert len(frame) == sum(len(r.facts) for r in seeds.values())
    row = frame[(frame.key == "proactive.published") & (frame.value == "50")]
    assert list(row.qualifier) == ["approximate"]
    assert str(frame.dtypes["line"]) == "Int64"
    html = seeds["004_c38613461617f9e0"]._repr_html_()
    assert html is not None and "proactive.published" in html


def test_cli_table_and_facts_csv(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(seed_path("004_c38613461617f9e0"))
    assert main(["parse", "--workers", "1", path]) == 0
    out = capsys.readouterr().out
    assert "facts (prose):" in out and "requests.received" in out
    assert main(["parse", "--workers", "1", "-f", "facts", path]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {(r["key"], r["value"]) for r in rows} == {
        ("proactive.published", "93"),
        ("requests.received", "4"),
        ("requests.answered", "4"),
        ("fees.collected", "0"),
    }


# -- junk -----------------------------------------------------------------------------------------

_JUNK = st.text(
    alphabet=st.sampled_from(
        list("收到申请答复办结行政复议诉讼未没有无信息公开共计约余多以上万千百十一二三零两")
        + list("0123456789０１２３.,，。;；!?()（）|\t\n 件条起元万元%〔〕年号其中网站")
    ),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(_JUNK)
def test_junk_prose_never_breaks_reading(text: str) -> None:
    report = gxlib.parse_text(
        "某某局2022年政府信息公开工作年度报告\n一、总体情况\n" + text, profile="gov-2021"
    )
    full = "某某局2022年政府信息公开工作年度报告\n一、总体情况\n" + text
    for fact in report.facts:
        for st_ in fact.statements:
            assert st_.location is not None
            assert full[st_.location.offset : st_.location.offset + st_.location.length] == st_.raw
        if fact.status == "number":
            assert fact.value is not None and fact.value >= 0


def test_a_number_no_report_states_is_refused_quickly() -> None:
    report = gxlib.parse_text(
        "某某局2022年政府信息公开工作年度报告\n一、总体情况\n共收到政府信息公开申请"
        + "9" * 6000
        + "件。\n",
        profile="gov-2021",
    )
    assert report.facts == ()
    assert "GX904" in [d.code for d in report.diagnostics]
