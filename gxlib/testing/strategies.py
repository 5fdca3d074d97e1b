"""Hypothesis strategies: random reports for any profile, consistent with its rules or not."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from attrs import field, frozen

from gxlib.diagnostics import CellRef
from gxlib.errors import MissingExtraError
from gxlib.profiles import registry
from gxlib.profiles.loading import expand_terms, rule_terms
from gxlib.profiles.model import Profile, Rule
from gxlib.profiles.model import Table as TableSpec
from gxlib.values import Number, Status

try:
    from hypothesis import assume
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("test", "hypothesis") from exc

BODIES = (
    "淄博市大数据局",
    "遂宁市政务服务和大数据管理局",
    "某某县人民政府办公室",
    "聊城市大数据局",
    "烟台市生态环境局",
    "某某镇人民政府",
)


@frozen
class Expected:
    status: Status
    value: Number | None
    raw: str


@frozen
class GeneratedReport:
    """A report drawn by :func:`reports`: what every cell must read back as."""

    profile: str
    body: str
    year: int
    cells: dict[tuple[str, str, str], Expected]
    rows: dict[str, tuple[str, ...]]
    consistent: bool = True
    perturbed: CellRef | None = None
    cite_source: bool = True
    extra: dict[str, Any] = field(factory=dict)

    def value(self, table: str, row: str, column: str) -> Number | None:
        return self.cells[(table, row, column)].value


def _profile(p: str | Profile | None) -> Any:
    if p is None:
        return st.sampled_from(registry.all_profiles())
    return st.just(registry.get(p) if isinstance(p, str) else p)


def _count_values() -> Any:
    return st.one_of(
        st.just(0), st.just(0), st.integers(0, 9), st.integers(0, 400), st.integers(0, 120000)
    )


def _derived(spec: TableSpec) -> tuple[set[str], set[str]]:
    """Rows and columns whose cells the rules determine (a single-term side, else the first)."""
    rows: set[str] = set()
    cols: set[str] = set()
    for rule in spec.rules:
        side = (
            rule.left if len(rule.left) == 1 else rule.right if len(rule.right) == 1 else rule.left
        )
        keys = (
            [r.key for r in spec.rows] if rule.each == "column" else [c.key for c in spec.columns]
        )
        target = expand_terms(side[:1], keys)
        (rows if rule.each == "column" else cols).update(target)
    return rows, cols


def _instances(
    spec: TableSpec, rule: Rule, rows: list[str]
) -> list[tuple[list[tuple[str, str]], list[tuple[str, str]]]]:
    out = []
    lkeys = rule_terms(spec, rule, rule.left, rows)
    rkeys = rule_terms(spec, rule, rule.right, rows)
    if rule.each == "row":
        for r in rows:
            out.append(([(r, c) for c in lkeys], [(r, c) for c in rkeys]))
    else:
        for c in spec.columns:
            out.append(([(r, c.key) for r in lkeys], [(r, c.key) for r in rkeys]))
    return out


def _propagate(spec: TableSpec, rows: list[str], vals: dict[tuple[str, str], int | None]) -> bool:
    """Fill derived cells from the rules; False if a count would go negative."""
    instances = [i for rule in spec.rules for i in _instances(spec, rule, rows)]
    changed = True
    while changed:
        changed = False
        for left, right in instances:
            unknown = [k for k in left + right if vals.get(k) is None]
            if len(unknown) != 1:
                continue
            k = unknown[0]
            lsum = sum(vals[x] or 0 for x in left if x != k)
            rsum = sum(vals[x] or 0 for x in right if x != k)
            v = rsum - lsum if k in left else lsum - rsum
            if v < 0:
                return False
            vals[k] = v
            changed = True
    return all(v is not None for v in vals.values())


def _reset_derived(
    spec: TableSpec,
    rows: list[str],
    vals: dict[tuple[str, str], int | None],
    d_rows: set[str],
    d_cols: set[str],
) -> None:
    for r in rows:
        for c in spec.columns:
            if r in d_rows or c.key in d_cols:
                vals[(r, c.key)] = None
            elif any(
                r in expand_terms(rule.right, rows) and rule.each == "column" and len(rule.left) > 1
                for rule in spec.rules
            ):
                vals[(r, c.key)] = 0  # e.g. carried_over: the balance rule subtracts it


def _money_text(draw: Any, yuan: Decimal, unit: str | None) -> str:
    """An amount as reports write it: bare under a unit-bearing header, else with a unit."""
    wan = f"{yuan / 10000:f}"
    if "." in wan:
        wan = wan.rstrip("0").rstrip(".")
    if unit == "万元" and draw(st.booleans()):
        return wan
    choice: str = draw(st.sampled_from(["万元", "元", "万"]))
    return f"{yuan:f}元" if choice == "元" else wan + choice


@st.composite
def reports(
    draw: Any,
    profile: str | Profile | None = None,
    *,
    consistent: bool = True,
    blanks: bool = True,
    placeholders: bool = True,
    drift: bool = False,
) -> GeneratedReport:
    """A random report for ``profile`` (default: any registered profile).

    ``consistent=True`` makes every arithmetic rule hold; ``False`` then changes one number
    that rules constrain, so those rules must fire (:attr:`GeneratedReport.perturbed`).
    ``blanks``/``placeholders`` allow empty and "/"-style cells (only in consistent reports).
    ``drift=True`` prints, where the profile declares them, drift wordings and drift rows in
    place of the template's (each must be read, and reported as ``GX303``); the number applied
    is ``extra["drift"]``.
    """
    p: Profile = draw(_profile(profile))
    years = list(p.years) or list(range(p.years_from or 2021, (p.years_from or 2021) + 5))
    year = draw(st.sampled_from(years))
    cells: dict[tuple[str, str, str], Expected] = {}
    rows_used: dict[str, tuple[str, ...]] = {}
    perturbable: list[tuple[str, str, str]] = []
    labels: dict[tuple[str, str], str] = {}
    drifts = 0
    for spec in p.tables:
        rows = [r.key for r in spec.rows if not r.optional]
        if drift:
            for row in spec.rows:
                if row.drift_variants and draw(st.booleans()):
                    labels[(spec.key, row.key)] = draw(st.sampled_from(row.drift_variants))
                    drifts += 1
                if row.optional and row.replaces and row.drift and draw(st.booleans()):
                    at = min(rows.index(k) for k in row.replaces if k in rows)
                    rows = [k for k in rows if k not in row.replaces]
                    rows.insert(at, row.key)
                    drifts += 1
        rows_used[spec.key] = tuple(rows)
        d_rows, d_cols = _derived(spec)
        free = [
            (r, c.key, spec.row(r).type or c.type)
            for r in rows
            for c in spec.columns
            if not (spec.rules and (r in d_rows or c.key in d_cols))
        ]
        # one draw per table keeps generation fast; zeros dominate, as in real reports
        drawn = draw(st.lists(_count_values(), min_size=len(free), max_size=len(free)))
        signs = draw(st.lists(st.booleans(), min_size=len(free), max_size=len(free)))
        vals: dict[tuple[str, str], int | None] = {
            (r, c.key): None for r in rows for c in spec.columns
        }
        for (r, ck, kind), v, neg in zip(free, drawn, signs, strict=True):
            vals[(r, ck)] = -v if kind == "signed_count" and neg else v
        if spec.rules and not _propagate(spec, rows, vals):
            # a derived count came out negative: lift the free cells it subtracts instead of
            # rejecting the example (keeps hypothesis from filtering too much)
            for r, ck, _kind in free:
                vals[(r, ck)] = 0 if vals[(r, ck)] is None else vals[(r, ck)]
            _reset_derived(spec, rows, vals, d_rows, d_cols)
            assume(_propagate(spec, rows, vals))
        for r in rows:
            for c in spec.columns:
                v = vals[(r, c.key)]
                assert v is not None
                kind = spec.row(r).type or c.type
                if kind == "money":
                    cents = draw(st.one_of(st.just(0), st.integers(0, 10**10)))
                    yuan = Decimal(cents) / 100
                    text = _money_text(draw, yuan, c.unit) if cents else "0"
                    cells[(spec.key, r, c.key)] = Expected(
                        "number", yuan.normalize() if cents else Decimal(0), text
                    )
                    continue
                if kind == "signed_count":
                    text = f"+{v}" if v > 0 and draw(st.booleans()) else str(v)
                else:
                    text = str(v)
                cells[(spec.key, r, c.key)] = Expected("number", v, text)
                if spec.rules:
                    perturbable.append((spec.key, r, c.key))
        for row in spec.rows:  # rows a printed drift row stands in for are missing
            if row.key in rows:
                for k in row.replaces:
                    for c in spec.columns:
                        cells[(spec.key, k, c.key)] = Expected("missing", None, "")
    perturbed = None
    if not consistent:
        assume(perturbable)
        key = draw(st.sampled_from(perturbable))
        old = cells[key]
        delta = draw(st.integers(1, 5))
        assert isinstance(old.value, int)
        cells[key] = Expected("number", old.value + delta, str(old.value + delta))
        perturbed = CellRef(*key)
    elif blanks or placeholders:
        keys = sorted(k for k, e in cells.items() if e.status != "missing")
        n = draw(st.integers(0, 3))
        for _ in range(n):
            key = draw(st.sampled_from(keys))
            options = ([("blank", "")] if blanks else []) + (
                [("placeholder", t) for t in ("/", "-", "—", "无")] if placeholders else []
            )
            status, text = draw(st.sampled_from(options))
            cells[key] = Expected(status, None, text)
    return GeneratedReport(
        profile=p.id,
        body=draw(st.sampled_from(BODIES)),
        year=year,
        cells=cells,
        rows=rows_used,
        consistent=consistent,
        perturbed=perturbed,
        cite_source=draw(st.booleans()),
        extra={"labels": labels, "drift": drifts},
    )
