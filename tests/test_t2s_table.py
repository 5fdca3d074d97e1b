"""The generated Traditional -> Simplified table (gxlib/_t2s.py) is current and sound."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = REPO_ROOT / "scripts" / "generate_t2s.py"
PROFILE_DIR = REPO_ROOT / "profiles"
TABLE_FILE = REPO_ROOT / "gxlib" / "_t2s.py"

# (Traditional, Simplified) pairs a Traditional report needs folded; a pair is checked only when
# its Simplified character is one the profiles (or the extra set) actually use.
SPOT_CHECKS = [
    ("規", "规"),
    ("範", "范"),
    ("數", "数"),
    ("據", "据"),
    ("總", "总"),
    ("計", "计"),
    ("轉", "转"),
    ("請", "请"),
    ("開", "开"),
    ("關", "关"),
    ("屬", "属"),
    ("於", "于"),
    ("機", "机"),
    ("構", "构"),
    ("處", "处"),
    ("復", "复"),
    ("議", "议"),
    ("訟", "讼"),
    ("結", "结"),
    ("維", "维"),
    ("糾", "纠"),
    ("審", "审"),
    ("無", "无"),
    ("現", "现"),
    ("製", "制"),  # 製 folds to 制 (制作), not to a character of its own
    ("項", "项"),
    ("報", "报"),
    ("齊", "齐"),
]


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load("generate_t2s", SCRIPT)
# Loaded by path: the committed table itself, without importing the rest of the package.
T2S: dict[str, str] = _load("gxlib_t2s_table", TABLE_FILE).T2S
TARGETS: set[str] = gen.target_chars(PROFILE_DIR)


def test_table_is_current() -> None:
    pytest.importorskip("opencc")
    expected = gen.generate(PROFILE_DIR)
    actual = TABLE_FILE.read_text(encoding="utf-8")
    assert actual == expected, (
        "gxlib/_t2s.py is out of date with profiles/*.toml; run `python scripts/generate_t2s.py`"
    )


def test_values_are_profile_or_extra_characters() -> None:
    stray = {t: s for t, s in T2S.items() if s not in TARGETS}
    assert not stray, f"T2S folds to characters no profile uses: {stray}"


def test_no_identity_or_chained_entries() -> None:
    assert all(len(t) == 1 and len(s) == 1 for t, s in T2S.items())
    assert not [t for t, s in T2S.items() if t == s]
    # Folding is one step: no value is itself folded again, and no profile character is folded.
    assert not set(T2S.values()) & set(T2S)
    assert not set(T2S) & TARGETS


def test_table_is_sorted() -> None:
    assert list(T2S) == sorted(T2S)


@pytest.mark.parametrize(("trad", "simp"), SPOT_CHECKS, ids=[t for t, _ in SPOT_CHECKS])
def test_spot_checks(trad: str, simp: str) -> None:
    if simp not in TARGETS:
        pytest.skip(f"{simp} does not occur in the profiles")
    assert T2S.get(trad) == simp


def test_folds_a_traditional_label() -> None:
    label = "規範性文件"
    if not set("规范性文件") <= TARGETS:
        pytest.skip("label not in the profiles")
    assert label.translate({ord(t): s for t, s in T2S.items()}) == "规范性文件"


def test_collects_every_string_in_a_profile(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        'title = "甲"\n'
        "[detection]\n"
        'signals = [{ text = "乙", weight = 2 }]\n'
        "[[tables]]\n"
        'rows = [{ key = "r", label = "丙", variants = ["丁（戊）"] }]\n'
        '[deep."己"]\n'
        'x = [["庚"], { y = "辛" }]\n',
        encoding="utf-8",
    )
    (tmp_path / "ignored.txt").write_text("壬", encoding="utf-8")
    assert gen.profile_chars(tmp_path) == set("甲乙丙丁戊己庚辛")


def test_generate_from_a_sample(tmp_path: Path) -> None:
    pytest.importorskip("opencc")
    (tmp_path / "s.toml").write_text('label = "规范性文件 结转为"\n', encoding="utf-8")
    text = gen.generate(tmp_path)
    assert text == gen.generate(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(text, "_t2s.py", "exec"), namespace)
    table = namespace["T2S"]
    assert isinstance(table, dict)
    assert table["規"] == "规" and table["結"] == "结" and table["轉"] == "转"
    assert table["報"] == "报"  # from the extra set
    assert table["爲"] == "为" and table["為"] == "为"  # OpenCC standard and Taiwan form
    assert "数" not in table.values()
