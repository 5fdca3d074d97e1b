"""Issue 15, batch and command line: one regression test (or a few) per item, named for it."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from test_batch import DOC_MAGIC, SOURCES, make_corpus

import gxlib
from gxlib.cli import build_parser, main

ROOT = Path(__file__).parents[1]
SEEDS = ROOT / "tests" / "data" / "seeds"
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def cli(*args: str, timeout: float = 120, **kw: object) -> subprocess.CompletedProcess[str]:
    """The installed command as a user runs it (a fresh process, its own exit status)."""
    cmd = [sys.executable, "-m", "gxlib", *args]
    return subprocess.run(
        cmd, env=ENV, capture_output=True, text=True, timeout=timeout, check=False, **kw
    )  # type: ignore[call-overload,no-any-return]


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


# -- 1: resume only counts a report written whole ------------------------------------------------
@pytest.mark.parametrize("cut", ["between_rows", "inside_a_row", "inside_the_first_row"])
def test_item01_csv_resume_rewrites_a_report_cut_short(tmp_path: Path, cut: str) -> None:
    make_corpus(tmp_path / "c", 4)
    full = tmp_path / "full.csv"
    base = ["parse", str(tmp_path / "c"), "-f", "csv", "--workers", "1"]
    assert main([*base, "-o", str(full)]) == 0
    data = full.read_bytes()
    rows = data.split(b"\r\n")
    per_report = (len(rows) - 2) // 4  # header, 4 reports, the empty piece after the last \r\n
    second = 1 + per_report  # the first row of the second report
    keep = {
        "between_rows": second + 68,
        "inside_a_row": second + 68,
        "inside_the_first_row": second,
    }
    head = b"\r\n".join(rows[: keep[cut]]) + b"\r\n"
    if cut != "between_rows":
        head += rows[keep[cut]][:30]  # killed in the middle of a row
    out = tmp_path / "out.csv"
    out.write_bytes(head)
    assert main([*base, "-o", str(out), "--resume"]) == 0
    # every cell of every report, once: the file is what an uninterrupted run writes
    assert out.read_bytes() == data


def test_item01_jsonl_resume_is_byte_identical_after_a_cut(tmp_path: Path) -> None:
    make_corpus(tmp_path / "c", 5)
    full, out = tmp_path / "full.jsonl", tmp_path / "out.jsonl"
    base = ["parse", str(tmp_path / "c"), "-f", "jsonl", "--workers", "2"]
    assert main([*base, "-o", str(full)]) == 0
    data = full.read_bytes()
    out.write_bytes(data[: data.index(b"\n", len(data) // 2) + 100])  # a line cut short
    assert main([*base, "-o", str(out), "--resume"]) == 0
    assert out.read_bytes() == data


def test_item01_parquet_refuses_resume_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (path,) = make_corpus(tmp_path / "c", 1)
    out = str(tmp_path / "o.parquet")
    assert main(["parse", str(path), "-f", "parquet", "-o", out, "--resume"]) == 2
    err = capsys.readouterr().err
    assert "Parquet file cannot be appended" in err and "jsonl or csv" in err
    assert not Path(out).exists()


# -- 4: a run that did not write every input exits non-zero and says how many ---------------------
def test_item04_closed_output_exits_non_zero_and_counts(tmp_path: Path) -> None:
    make_corpus(tmp_path / "c", 20)
    cmd = [sys.executable, "-m", "gxlib", "parse", str(tmp_path / "c"), "-f", "jsonl"]
    proc = subprocess.Popen(
        [*cmd, "--workers", "1"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(120) == 2
    assert "the output was closed" in err and "of 20 inputs" in err
    assert "Traceback" not in err


def test_item04_closed_stderr_and_stdout_still_exit_non_zero(tmp_path: Path) -> None:
    make_corpus(tmp_path / "c", 20)
    cmd = [sys.executable, "-m", "gxlib", "parse", str(tmp_path / "c"), "-f", "jsonl"]
    proc = subprocess.Popen(
        [*cmd, "--workers", "2"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # `2>&1 | head -1`: both streams gone
    assert proc.wait(120) != 0


@pytest.mark.skipif(os.name != "posix", reason="closes stderr with the shell")
def test_item04_with_stderr_closed_the_output_is_whole_and_only_output(tmp_path: Path) -> None:
    make_corpus(tmp_path / "c", 4)
    py = f"{sys.executable} -m gxlib parse {tmp_path / 'c'} -f jsonl --workers 2"
    run = subprocess.run(
        ["sh", "-c", py + " 2>&-"], env=ENV, capture_output=True, timeout=120, check=False
    )
    assert run.returncode == 0
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(records) == 4 and all("report_id" in r for r in records)


def test_item04_workers_that_cannot_start_exit_3_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gxlib import worker_pool

    paths = make_corpus(tmp_path / "c", 3)
    monkeypatch.setattr(worker_pool, "_BOOT", "raise SystemExit(7)")
    out = tmp_path / "o.jsonl"
    assert main(["parse", *map(str, paths), "-f", "jsonl", "-o", str(out), "--workers", "2"]) == 3
    err = capsys.readouterr().err
    assert "could not start" in err and "wrote 0 of 3 inputs" in err


# -- 5: a FIFO or other non-regular file is never opened ------------------------------------------
@needs_fifo
def test_item05_fifo_in_a_folder_or_named_is_an_error_record(tmp_path: Path) -> None:
    make_corpus(tmp_path / "c", 2)
    os.mkfifo(tmp_path / "c" / "pipe.txt")
    os.mkfifo(tmp_path / "named.txt")
    out = tmp_path / "o.jsonl"
    args = ["parse", str(tmp_path / "c"), str(tmp_path / "named.txt"), "-f", "jsonl"]
    run = cli(*args, "-o", str(out), "--workers", "2", timeout=60)  # no --timeout: must not hang
    assert run.returncode == 1
    errors = {Path(str(r["source"])).name: r for r in lines(out) if "error" in r}
    assert set(errors) == {"pipe.txt", "named.txt"}
    assert {r["error"] for r in errors.values()} == {"NotARegularFile"}
    assert "named pipe" in str(errors["pipe.txt"]["message"])
    assert "not a regular file 2" in run.stderr


# -- 9: the summary counts what became of each input -----------------------------------------------
def test_item09_summary_separates_clean_errors_unreadable_and_timeouts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "legacy.doc").write_bytes(DOC_MAGIC + b"\x00" * 32)
    (tmp_path / "hello.txt").write_text("hello world\n", encoding="utf-8")  # text, no report
    inputs = [str(SEEDS / "001_30fde63b7d2b0111.txt"), str(SEEDS / "002_e07c33c6997fa877.txt")]
    inputs.append(str(tmp_path / "legacy.doc"))
    out = str(tmp_path / "o.jsonl")
    hello = str(tmp_path / "hello.txt")
    assert main(["parse", *inputs, hello, "-f", "jsonl", "-o", out, "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert "read clean 1, with error diagnostics 1, unreadable or not a report 2" in err
    assert "timed out 0" in err
    assert main(["parse", *inputs[:2], "-f", "jsonl", "-o", out, "--strict"]) == 1
    assert "read clean 1, with error diagnostics 1" in capsys.readouterr().err
    args = ["parse", *inputs[:2], "-f", "jsonl", "-o", out, "--workers", "1"]
    assert main([*args, "--timeout", "0.000001"]) == 1
    assert "read clean 0, with error diagnostics 0, unreadable or not a report 0, timed out 2" in (
        capsys.readouterr().err
    )


# -- 10: parse_many with workers from a script without a main guard -------------------------------
def test_item10_parse_many_in_a_script_without_main_guard(tmp_path: Path) -> None:
    paths = make_corpus(tmp_path / "c", 3)
    script = tmp_path / "five_lines.py"
    script.write_text(
        textwrap.dedent(
            """\
            import sys, gxlib
            results = list(gxlib.parse_many(sys.argv[1:], workers=2))
            print(len(results), sum(isinstance(r, gxlib.Report) for r in results))
            """
        )
    )
    run = subprocess.run(
        [sys.executable, str(script), *map(str, paths)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (run.returncode, run.stdout.strip()) == (0, "3 3"), run.stderr[-2000:]
    assert run.stderr == ""


# -- 11: the time limit counts only the document, not worker start-up ----------------------------
def test_item11_timeout_does_not_count_worker_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gxlib import worker_pool

    paths = make_corpus(tmp_path / "c", 4)
    # workers that take 2 s to start, documents that take milliseconds, a limit of 1.5 s
    monkeypatch.setattr(worker_pool, "_BOOT", "import time; time.sleep(2); " + worker_pool._BOOT)
    results = list(gxlib.parse_many(paths, workers=2, timeout=1.5))
    assert all(isinstance(r, gxlib.Report) for r in results), results


# -- 12: file names that are not UTF-8 ------------------------------------------------------------
def _non_utf8_file(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = os.fsdecode(b"r\xff\xfe-report.txt")
    try:
        path = folder / name
        path.write_bytes(SOURCES[1].read_bytes())
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take non-UTF-8 names")
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_item12_non_utf8_file_names_are_written_losslessly_and_resume(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = _non_utf8_file(tmp_path / "c")
    make_corpus(tmp_path / "c", 2)
    out = tmp_path / f"o.{fmt}"
    args = ["parse", str(tmp_path / "c"), "-f", fmt, "-o", str(out), "--workers", "2"]
    assert main(args) == 0
    shown = str(tmp_path / "c") + os.sep + "r\\xff\\xfe-report.txt"
    if fmt == "jsonl":
        rec = next(r for r in lines(out) if "xff" in str(r["source"]))
        assert rec["source"] == shown
        assert base64.b64decode(str(rec["source_bytes"])) == os.fsencode(odd)
    else:
        assert shown in set(pd.read_csv(out)["source"])
    before = out.read_bytes()
    capsys.readouterr()
    assert main([*args, "--resume"]) == 0
    # the odd name is recognised as written: nothing new but the CSV's last report again
    assert out.read_bytes() == before
    assert "skipped" in capsys.readouterr().err


# -- 13: globs only for arguments that are not existing paths --------------------------------------
def test_item13_quoted_absolute_glob_and_a_file_named_like_a_glob(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = make_corpus(tmp_path / "c", 3)
    out = tmp_path / "o.jsonl"
    pattern = str(tmp_path / "c" / "*.txt")  # absolute, as "$PWD/reports/*.txt" gives it
    assert main(["parse", pattern, "-f", "jsonl", "-o", str(out)]) == 0
    assert sorted(str(r["source"]) for r in lines(out)) == sorted(map(str, paths))
    real = tmp_path / "report[2022].txt"
    shutil.copy(paths[0], real)
    assert main(["parse", str(real), "-f", "jsonl", "-o", str(out)]) == 0
    assert [r["source"] for r in lines(out)] == [str(real)]


# -- 14: a stable id for every input; the output file is never an input -------------------------
def test_item14_resume_does_not_repeat_error_records(tmp_path: Path) -> None:
    make_corpus(tmp_path / "c", 2)
    (tmp_path / "c" / "legacy.doc").write_bytes(DOC_MAGIC + b"\x00" * 32)
    missing = str(tmp_path / "gone.txt")
    out = tmp_path / "o.jsonl"
    args = ["parse", str(tmp_path / "c"), missing, "-f", "jsonl", "-o", str(out)]
    assert main(args) == 1
    first = out.read_bytes()
    assert [r.get("report_id") for r in lines(out) if r["source"] == missing] == [None]
    assert main([*args, "--resume"]) == 0  # nothing left to do
    assert main([*args, "--resume"]) == 0
    assert out.read_bytes() == first


def test_item14_output_inside_the_input_folder_is_not_read(tmp_path: Path) -> None:
    paths = make_corpus(tmp_path / "c", 3)
    out = tmp_path / "c" / "out.jsonl"
    args = ["parse", str(tmp_path / "c"), "-f", "jsonl", "-o", str(out)]
    assert main(args) == 0
    assert main([*args, "--resume"]) == 0
    assert main(args) == 0  # a fresh run over the folder with the old output in it
    assert sorted(str(r["source"]) for r in lines(out)) == sorted(map(str, paths))


# -- 15: an output that cannot be written: one line, exit 2 ---------------------------------------
def test_item15_unwritable_output_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (path,) = make_corpus(tmp_path / "c", 1)
    targets = [tmp_path / "no" / "such" / "dir" / "o.jsonl", tmp_path]
    if os.path.exists("/dev/full"):
        targets.append(Path("/dev/full"))  # every write fails: the disk is full
    for target in targets:
        for fmt in ("jsonl", "csv", "parquet"):
            run = cli("parse", str(path), "-f", fmt, "-o", str(target), "--workers", "1")
            assert run.returncode == 2, (target, fmt, run.stderr)
            assert "Traceback" not in run.stderr
            err = [line for line in run.stderr.splitlines() if line.startswith("gxlib:")]
            assert len(err) == 1 and "cannot write" in err[0], run.stderr


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_item15_no_permission_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (path,) = make_corpus(tmp_path / "c", 1)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    run = cli("parse", str(path), "-f", "jsonl", "-o", str(locked / "o.jsonl"))
    assert run.returncode == 2 and "Traceback" not in run.stderr


# -- 16: CSV is spreadsheet-safe -------------------------------------------------------------------
def test_item16_csv_text_cells_never_start_a_formula(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["=HYPERLINK(1).txt", "+1.txt", "-1.txt", "@SUM(1).txt"]
    for name in names:
        shutil.copy(SOURCES[1], tmp_path / name)
    out = tmp_path / "o.csv"
    monkeypatch.chdir(tmp_path)  # relative names: the source cells start with = + - @
    assert main(["parse", "-f", "csv", "-o", str(out), "--", *names]) == 0
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    text_columns = [c for c in frame.columns if c not in ("value", "year", "line", "offset")]
    for column in text_columns:
        bad = frame[column].str.match(r"^[=+\-@\t\r]")
        assert not bad.any(), (column, frame[column][bad].head())
    assert set(frame["source"]) == {"'" + n for n in names}
    # numbers stay numbers
    numbers = frame[frame["status"] == "number"]["value"]
    assert numbers.str.fullmatch(r"\d+(\.\d+)?").all()


def test_item16_safe_cell_rule() -> None:
    from gxlib.cli_encode import safe_cell

    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("淄博") == "淄博" and safe_cell(-5) == -5 and safe_cell(None) == ""


# -- 18: help, --profile FILE.toml, unknown profile, the GX601 hint, the table printer ------------
def test_item18_help_describes_every_option_and_the_exit_codes() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    parse = sub.choices["parse"]  # type: ignore[index]
    for action in parse._actions:
        assert action.help, f"{action.option_strings or action.dest} has no help"
    text = parse.format_help()
    assert "exit codes" in text and "130" in text and "  3 " in text


def test_item18_profile_from_a_toml_file_and_unknown_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gxlib.profiles import bundled_profile_dir

    paths = [str(p) for p in make_corpus(tmp_path / "c", 3)]
    toml = tmp_path / "mine.toml"
    shutil.copy(bundled_profile_dir() / "gov-2021.toml", toml)
    out = tmp_path / "o.jsonl"
    code = main(["parse", *paths, "-f", "jsonl", "-o", str(out), "--profile", str(toml)])
    assert code == 0
    assert {r["profile"] for r in lines(out)} == {"gov-2021"}
    capsys.readouterr()
    assert main(["parse", *paths, "-f", "jsonl", "-o", str(out), "--profile", "nope"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no profile 'nope'" in err[0]


def test_item18_gx601_hint_names_the_cli_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "weak.txt"  # a report by its title, with too little to tell the format by
    odd.write_text("某县2023年政府信息公开工作年度报告\n一、总体情况\n", encoding="utf-8")
    assert main(["parse", str(odd), "-f", "jsonl"]) == 0
    (rec,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (gx601,) = [d for d in rec["diagnostics"] if d["code"] == "GX601"]
    assert "--profile" in gx601["message"] and "profile=..." not in gx601["message"]
    assert "--profile" in gx601["hint"]
    # the library itself still names its own parameter
    lib = [d for d in gxlib.parse(odd).diagnostics if d.code == "GX601"]
    assert "profile=..." in lib[0].message


def test_item18_table_printer_shows_full_keys_and_money_with_its_unit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed = SEEDS / "000_74f3303097a51ca2.txt"
    assert main(["parse", str(seed)]) == 0
    out = capsys.readouterr().out
    report = gxlib.parse(seed)
    for table in report.tables:
        if table.found:
            for column in table.columns:
                assert f" {column}" in out, column
    assert "2853.96 万元" in out  # printed 2853.96萬元; the data holds 28539600 yuan


# -- 21: no private API of the standard library --------------------------------------------------
def test_item21_no_private_pool_api() -> None:
    for path in (ROOT / "gxlib").rglob("*.py"):
        text = path.read_text("utf-8")
        assert "._processes" not in text and '"_processes"' not in text, path
