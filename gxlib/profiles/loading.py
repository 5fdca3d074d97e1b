"""Loading profiles: TOML → dict → frozen attrs classes, validated at the edge.

Structural errors come from cattrs with JSON-path locations (``extra fields found (lable) @
$.tables[0].rows[0]``); semantic checks (unique keys, references, labels distinct after
normalisation) run after structuring and report in the same path style.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gxlib.errors import ProfileError
from gxlib.profiles.model import (
    Column,
    Detection,
    FactCheck,
    FactPattern,
    FactSpec,
    FactSyntax,
    Group,
    Profile,
    Row,
    Rule,
    Section,
    Signal,
    Table,
    Unit,
    ValueSyntax,
)

_CLASSES: tuple[type, ...] = (
    Profile,
    Section,
    Table,
    Column,
    Row,
    Group,
    Rule,
    Detection,
    Signal,
    ValueSyntax,
    Unit,
    FactSpec,
    FactPattern,
    FactCheck,
    FactSyntax,
)


if TYPE_CHECKING:
    import cattrs


@cache
def _converter() -> cattrs.Converter:
    # built on first use: `import gxlib` must stay cheap, and profiles load lazily
    import cattrs
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    for cls in _CLASSES:
        conv.register_structure_hook(
            cls, make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True)
        )
        conv.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)
        )
    return conv


def profile_from_dict(data: Mapping[str, Any], *, origin: str = "<dict>") -> Profile:
    """Structure and validate a profile given as plain data (as parsed from TOML or JSON)."""
    import cattrs

    try:
        profile = _converter().structure(dict(data), Profile)
    except cattrs.BaseValidationError as exc:
        messages = cattrs.transform_error(exc, path="$")
        raise ProfileError(f"invalid profile {origin}: " + "; ".join(messages)) from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise ProfileError(f"invalid profile {origin}: {exc}") from None
    problems = validate(profile)
    if problems:
        raise ProfileError(f"invalid profile {origin}: " + "; ".join(problems))
    return profile


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """Plain data for a profile; ``profile_from_dict(profile_to_dict(p)) == p``."""
    result: dict[str, Any] = _converter().unstructure(profile)
    return result


def load_file(path: str | Path) -> Profile:
    """Load and validate one profile file (TOML)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ProfileError(f"cannot read profile {p}: {exc.strerror or exc}") from None
    return loads(raw.decode("utf-8", errors="strict") if raw else "", origin=str(p))


def loads(text: str, *, origin: str = "<string>") -> Profile:
    """Load and validate a profile from TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"invalid profile {origin}: TOML syntax: {exc}") from None
    return profile_from_dict(data, origin=origin)


def validate(profile: Profile) -> list[str]:
    """Semantic checks a type system cannot express; returns path-located problems."""
    from gxlib.normalize import match_key  # the matcher's own normalisation decides clashes

    problems: list[str] = []

    def dupes(keys: list[str], what: str, path: str) -> None:
        seen: set[str] = set()
        for k in keys:
            if k in seen:
                problems.append(f"duplicate {what} key {k!r} @ {path}")
            seen.add(k)

    dupes([s.key for s in profile.sections], "section", "$.sections")
    dupes([t.key for t in profile.tables], "table", "$.tables")
    section_keys = {s.key for s in profile.sections}
    for ti, table in enumerate(profile.tables):
        tp = f"$.tables[{ti}]"
        if table.section not in section_keys:
            problems.append(f"unknown section {table.section!r} @ {tp}.section")
        if not table.columns:
            problems.append(f"a table needs at least one column @ {tp}.columns")
        if not table.rows:
            problems.append(f"a table needs at least one row @ {tp}.rows")
        dupes([c.key for c in table.columns], "column", f"{tp}.columns")
        dupes([r.key for r in table.rows], "row", f"{tp}.rows")
        dupes([g.key for g in table.groups], "group", f"{tp}.groups")
        group_keys = {g.key for g in table.groups}
        cgroup_keys = {g.key for g in table.column_groups}
        row_keys = {r.key for r in table.rows}
        col_keys = {c.key for c in table.columns}
        for gi, g in enumerate(table.groups):
            if g.parent is not None and g.parent not in group_keys:
                problems.append(f"unknown parent group {g.parent!r} @ {tp}.groups[{gi}]")
        for ri, r in enumerate(table.rows):
            if r.group is not None and r.group not in group_keys:
                problems.append(f"unknown group {r.group!r} @ {tp}.rows[{ri}].group")
            for k in r.replaces:
                if k not in row_keys:
                    problems.append(f"unknown row {k!r} in replaces @ {tp}.rows[{ri}]")
        for ci, c in enumerate(table.columns):
            if c.group is not None and c.group not in cgroup_keys:
                problems.append(f"unknown column group {c.group!r} @ {tp}.columns[{ci}].group")
        for ui, rule in enumerate(table.rules):
            names = row_keys if rule.each == "column" else col_keys
            other = col_keys if rule.each == "column" else row_keys
            for term in (*rule.left, *rule.right):
                if not expand_terms((term,), names):
                    problems.append(f"rule term {term!r} names no key @ {tp}.rules[{ui}]")
            for k in rule.only:
                if k not in other:
                    problems.append(f"rule restricted to unknown key {k!r} @ {tp}.rules[{ui}].only")
        # Labels must stay distinct after the matcher's normalisation, or a cell could be
        # read into the wrong row. A drift row may share its label with the group it replaces.
        seen_labels: dict[str, str] = {}
        entries: list[tuple[str, str, str]] = []
        for ri, r in enumerate(table.rows):
            for label in (r.label, *r.variants, *r.drift_variants):
                entries.append((label, f"{tp}.rows[{ri}]", "row:" + r.key))
        for ci, c in enumerate(table.columns):
            for label in (c.label, *c.variants, *c.drift_variants):
                entries.append((label, f"{tp}.columns[{ci}]", "column:" + c.key))
        drift_group_labels = {
            match_key(g.label)
            for g in table.groups
            for r in table.rows
            if r.replaces and match_key(r.label) == match_key(g.label)
        }
        for label, path, owner in entries:
            key = match_key(label)
            if not key:
                problems.append(f"label {label!r} is empty after normalisation @ {path}")
                continue
            if key in seen_labels and seen_labels[key] != owner:
                problems.append(
                    f"label {label!r} clashes with {seen_labels[key]} after normalisation @ {path}"
                )
            seen_labels.setdefault(key, owner)
        for gi, g in enumerate(table.groups):
            key = match_key(g.label)
            if key in seen_labels and key not in drift_group_labels:
                problems.append(
                    f"group label {g.label!r} clashes with {seen_labels[key]} @ {tp}.groups[{gi}]"
                )
    problems.extend(validate_facts(profile))
    return problems


def validate_facts(profile: Profile) -> list[str]:
    """Fact phrasings compile and use their macros; checks name declared facts and cells."""
    import re

    from gxlib.facts import compile_pattern

    problems: list[str] = []
    seen: set[str] = set()
    for fi, spec in enumerate(profile.facts):
        fp = f"$.facts[{fi}]"
        if spec.key in seen:
            problems.append(f"duplicate fact key {spec.key!r} @ $.facts")
        seen.add(spec.key)
        if not spec.patterns and not spec.negations:
            problems.append(f"a fact needs at least one pattern or negation @ {fp}")
        if not spec.units:
            problems.append(f"a fact needs at least one unit word @ {fp}.units")
        if spec.kind == "money":
            known = {u.text for u in profile.values.money_units}
            for u in spec.units:
                if u not in known:
                    problems.append(f"money unit {u!r} is not in values.money_units @ {fp}.units")
        ids: set[str] = set()
        for what, pats in (("patterns", spec.patterns), ("negations", spec.negations)):
            for pi, pat in enumerate(pats):
                pp = f"{fp}.{what}[{pi}]"
                if pat.id in ids:
                    problems.append(f"duplicate pattern id {pat.id!r} @ {pp}")
                ids.add(pat.id)
                uses = pat.regex.count("{num}"), pat.regex.count("{unit}")
                if what == "patterns" and uses != (1, 1):
                    problems.append(f"a pattern uses {{num}} and {{unit}} once each @ {pp}.regex")
                if what == "negations" and uses != (0, 0):
                    problems.append(f"a negation states zero: no {{num}} or {{unit}} @ {pp}.regex")
                try:
                    compile_pattern(pat.regex, spec, profile.fact_syntax)
                except re.error as exc:
                    problems.append(f"invalid regex {pat.regex!r}: {exc} @ {pp}.regex")
        for xi, x in enumerate(spec.exclude):
            try:
                re.compile(x)
            except re.error as exc:
                problems.append(f"invalid regex {x!r}: {exc} @ {fp}.exclude[{xi}]")
    cells = {f"{t.key}/{r.key}/{c.key}" for t in profile.tables for r in t.rows for c in t.columns}
    check_ids: set[str] = set()
    for ci, check in enumerate(profile.fact_checks):
        cp = f"$.fact_checks[{ci}]"
        if check.id in check_ids:
            problems.append(f"duplicate fact check id {check.id!r} @ {cp}")
        check_ids.add(check.id)
        if check.fact not in seen:
            problems.append(f"unknown fact {check.fact!r} @ {cp}.fact")
        if not check.cells:
            problems.append(f"a fact check needs at least one cell @ {cp}.cells")
        for ki, ref in enumerate(check.cells):
            if ref not in cells:
                problems.append(f"unknown cell {ref!r} (table/row/column) @ {cp}.cells[{ki}]")
        for attr in ("when", "unless"):
            rx = getattr(check, attr)
            if rx is not None:
                try:
                    re.compile(rx)
                except re.error as exc:
                    problems.append(f"invalid regex {rx!r}: {exc} @ {cp}.{attr}")
    return problems


def rule_terms(table: Table, rule: Rule, side: tuple[str, ...], rows: list[str]) -> list[str]:
    """The keys one side of ``rule`` sums, for a table whose printed rows are ``rows``.

    A printed drift row stands in for the rows it replaces when those are not printed (the 2021
    （六）其他处理 single row for its three sub-rows), never in addition to them.
    """
    if rule.each == "row":
        return expand_terms(side, [c.key for c in table.columns])
    out = expand_terms(side, rows)
    named = expand_terms(side, [r.key for r in table.rows])
    for r in table.rows:
        if (
            r.replaces
            and r.key in rows
            and r.key not in out
            and any(k in named for k in r.replaces)
            and not any(k in rows for k in r.replaces)
        ):
            out.append(r.key)
    return out


def expand_terms(terms: tuple[str, ...], keys: set[str] | list[str]) -> list[str]:
    """Expand rule terms (``denied.*`` names every key starting with ``denied.``), keeping order."""
    ordered = list(keys)
    out: list[str] = []
    for term in terms:
        if term.endswith("*"):
            prefix = term[:-1]
            out.extend(k for k in ordered if k.startswith(prefix))
        elif term in keys:
            out.append(term)
    return out
