"""Generate ``gxlib/_t2s.py``: the Traditional -> Simplified folding table used for matching.

gxlib folds Traditional characters to Simplified before comparing report text with profile
labels (:func:`gxlib.normalize.canonical`), without depending on opencc at runtime. The table
only needs the characters that matching can ever look for, so it covers exactly:

* every CJK ideograph in any string (and, defensively, any table key) anywhere in
  ``profiles/*.toml``, and
* :data:`EXTRA_TEXT`, the few characters the engine matches outside the profiles.

For each such Simplified character ``S`` it lists every Traditional or variant character ``T``
that folds to ``S``, read from the dictionaries of ``opencc-python-reimplemented``:

* ``TSCharacters.txt`` (``T<TAB>S1 S2 ...``): ``T`` is taken only when its *first* candidate is
  ``S`` -- OpenCC's own default -- so that folding is a plain character map, never a choice.
* ``TWVariantsRev.txt`` and ``HKVariantsRev.txt`` (``variant<TAB>OpenCC-standard form``). Taiwan
  and Hong Kong write some characters in a form other than OpenCC's standard Traditional one
  (``為``/``爲``, ``裡``/``裏``, ``啟``/``啓``, ``群``/``羣``). OpenCC's ``tw2s``/``hk2s`` configs
  convert such text by applying exactly these ``*Rev`` files first and then ``TSCharacters``;
  the same composition is used here (variant -> standard -> first simplified candidate). The
  ``*Rev`` files are the right direction already, so ``TWVariants.txt``/``HKVariants.txt`` are
  not needed; the ``*Phrases`` files are multi-character and cannot feed a character map.

Keys are dropped when they are themselves characters the profiles use (folding a character the
profiles write as Simplified would rewrite the labels it must match), when they are not in NFKC
form (``canonical`` applies NFKC first, so they could never be looked up), and when the
dictionaries disagree on their target. Output is sorted, so regeneration is byte-identical.

Run ``python scripts/generate_t2s.py`` from anywhere after editing a profile; the test
``tests/test_t2s_table.py`` fails while the committed table is stale.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PROFILE_DIR = REPO_ROOT / "profiles"
OUTPUT = REPO_ROOT / "gxlib" / "_t2s.py"

# Text the engine matches that is not (or not necessarily) written in any profile. Only its
# characters matter; keep this short and say why each piece is here.
EXTRA_TEXT: tuple[str, ...] = (
    # Report title and date lines: "XX市2021年政府信息公开工作年度报告", "发布时间：2022年1月28日".
    "年",
    "月",
    "日",
    "度",
    "报告",
    "工作",
    "政府信息公开",
    "年度报告",
    "发布时间",
    # Page furniture and legal references: "第3页", "第二十条第（一）项".
    "第",
    "页",
    "项",
    "二十条",
    # Defaults of gxlib.profiles.model.ValueSyntax (units, placeholders, increase/decrease
    # words), matched in cells whenever a profile does not override them.
    "元万亿",
    "件个条次宗人",
    "增加减少",
    "无不适用",
)

TS_DICT = "TSCharacters.txt"
VARIANT_DICTS: tuple[str, ...] = ("TWVariantsRev.txt", "HKVariantsRev.txt")

_CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # Unified Ideographs
    (0xF900, 0xFAFF),  # Compatibility Ideographs
    (0x20000, 0x323AF),  # Extensions B-H (planes 2 and 3)
)


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` is a CJK ideograph (punctuation such as ``〔`` or ``（`` is not)."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def _strings(value: object) -> Iterator[str]:
    """Every string in a parsed TOML value, recursively: values and table keys alike."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def profile_files(profile_dir: Path) -> list[Path]:
    return sorted(profile_dir.glob("*.toml"))


def profile_chars(profile_dir: Path) -> set[str]:
    """The CJK characters of every string in ``profile_dir/*.toml``."""
    chars: set[str] = set()
    for path in profile_files(profile_dir):
        with path.open("rb") as f:
            data = tomllib.load(f)
        for text in _strings(data):
            chars.update(ch for ch in text if is_cjk(ch))
    return chars


def extra_chars() -> set[str]:
    return {ch for text in EXTRA_TEXT for ch in text if is_cjk(ch)}


def target_chars(profile_dir: Path) -> set[str]:
    """Everything the table must be able to fold to: profile characters plus the extra set."""
    return profile_chars(profile_dir) | extra_chars()


def opencc_dictionary_dir() -> Path:
    """``opencc/dictionary`` of the installed opencc-python-reimplemented (not imported)."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or spec.origin is None:
        raise RuntimeError("opencc-python-reimplemented is needed to generate the table")
    return Path(spec.origin).parent / "dictionary"


def _read_first_candidates(path: Path) -> dict[str, str]:
    """``key -> first candidate`` for the single-character keys of an OpenCC text dictionary."""
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, rest = line.partition("\t")
        candidates = rest.split()
        if len(key) == 1 and candidates:
            table[key] = candidates[0]
    return table


def fold_candidates(dictionary_dir: Path) -> tuple[dict[str, str], set[str]]:
    """Every ``T -> S`` the dictionaries give, and the keys on which they disagree."""
    ts = _read_first_candidates(dictionary_dir / TS_DICT)
    folds: dict[str, set[str]] = {t: {s} for t, s in ts.items()}
    for name in VARIANT_DICTS:
        for variant, standard in _read_first_candidates(dictionary_dir / name).items():
            folds.setdefault(variant, set()).add(ts.get(standard, standard))
    result: dict[str, str] = {}
    conflicts: set[str] = set()
    for t, targets in folds.items():
        if len(targets) == 1:
            result[t] = next(iter(targets))
        else:
            conflicts.add(t)
    return result, conflicts


def build_table(targets: Iterable[str], dictionary_dir: Path) -> dict[str, str]:
    """``T -> S`` for every ``S`` in ``targets``, filtered as the module doc describes."""
    wanted = set(targets)
    folds, _conflicts = fold_candidates(dictionary_dir)
    return {
        t: s
        for t, s in sorted(folds.items())
        if s in wanted and t != s and t not in wanted and unicodedata.normalize("NFKC", t) == t
    }


def render(table: dict[str, str], profile_names: Iterable[str]) -> str:
    names = ", ".join(profile_names) or "none"
    lines = [
        "# Generated by scripts/generate_t2s.py -- do not edit; rerun the script instead.",
        "#",
        "# Traditional/variant -> Simplified folding, for matching only (gxlib.normalize).",
        "# Covers the CJK characters of profiles/*.toml and of EXTRA_TEXT in the script.",
        *textwrap.wrap(f"Profiles: {names}.", 96, initial_indent="# ", subsequent_indent="#   "),
        f"# Sources: opencc-python-reimplemented dictionaries {TS_DICT} (first candidate",
        f"# only), and {' + '.join(VARIANT_DICTS)} composed with it.",
        f"# {len(table)} entries, sorted by key; `ruff format` leaves this file unchanged.",
    ]
    if table:
        lines.append("T2S: dict[str, str] = {")
        lines.extend(f'    "{t}": "{s}",' for t, s in sorted(table.items()))
        lines.append("}")
    else:
        lines.append("T2S: dict[str, str] = {}")
    return "\n".join(lines) + "\n"


def generate(profile_dir: Path) -> str:
    """The full source text of ``gxlib/_t2s.py`` for the profiles in ``profile_dir``."""
    table = build_table(target_chars(profile_dir), opencc_dictionary_dir())
    return render(table, (p.name for p in profile_files(profile_dir)))


def main() -> int:
    text = generate(PROFILE_DIR)
    OUTPUT.write_text(text, encoding="utf-8", newline="\n")
    count = text.count("\n    ")
    print(f"wrote {OUTPUT.relative_to(REPO_ROOT)} ({count} entries)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
