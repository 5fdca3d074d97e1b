"""``gxlib parse`` over many files: workers, --resume, parquet, the summary, a killed run."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from test_batch import DOC_MAGIC, make_corpus

from gxlib.batch import file_id
from gxlib.cli import main
from gxlib.frames import SCHEMA

ROOT = Path(__file__).parents[1]


def ids_in(path: Path) -> Counter[str]:
    return Counter(json.loads(line)["report_id"] for line in path.read_text("utf-8").splitlines())


def test_jsonl_then_resume_after_losing_half_gives_each_document_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = make_corpus(tmp_path / "c", 10)
    out = tmp_path / "out.jsonl"
    assert (
        main(["parse", str(tmp_path / "c"), "-f", "jsonl", "-o", str(out), "--workers", "2"]) == 0
    )
    err = capsys.readouterr().err
    assert "wrote 10 of 10 inputs" in err and "by profile: gov-2019=" in err
    expected = Counter(file_id(p) for p in paths)
    assert ids_in(out) == expected
    # input order is kept with several workers
    sources = [json.loads(line)["source"] for line in out.read_text("utf-8").splitlines()]
    assert sources == [str(p) for p in sorted(paths)]

    lines = out.read_text("utf-8").splitlines(keepends=True)
    out.write_text("".join(lines[::2]), encoding="utf-8")
    args = ["parse", str(tmp_path / "c"), "-f", "jsonl", "-o", str(out), "--resume"]
    assert main([*args, "--workers", "2"]) == 0
    err = capsys.readouterr().err
    assert "wrote 5 of 5 inputs" in err and "(skipped 5 already in it)" in err
    assert ids_in(out) == expected
    assert main([*args, "--workers", "1"]) == 0  # nothing left to do
    assert "wrote 0 of 0 inputs" in capsys.readouterr().err
    assert ids_in(out) == expected


def test_errors_are_records_in_jsonl_and_the_exit_code_is_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_corpus(tmp_path / "c", 3)
    (tmp_path / "c" / "legacy.doc").write_bytes(DOC_MAGIC + b"\x00" * 32)
    out = tmp_path / "out.jsonl"
    code = main(["parse", str(tmp_path / "c"), "-f", "jsonl", "-o", str(out), "--workers", "1"])
    assert code == 1
    recs = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(recs) == 4
    errors = [r for r in recs if "error" in r]
    assert [e["error"] for e in errors] == ["UnsupportedInputError"]  # legacy .doc
    assert "errors: UnsupportedInputError=1" in capsys.readouterr().err


def test_csv_resume_appends_without_a_second_header(tmp_path: Path) -> None:
    make_corpus(tmp_path / "c", 4)
    out = tmp_path / "out.csv"
    base = ["parse", str(tmp_path / "c"), "-f", "csv", "-o", str(out), "--workers", "1"]
    assert main(base) == 0
    full = pd.read_csv(out)
    first_id = full["report_id"].iloc[0]
    kept = full[full["report_id"] == first_id]
    kept.to_csv(out, index=False)
    assert main([*base, "--resume"]) == 0
    again = pd.read_csv(out)
    assert len(again) == len(full)
    assert sorted(again["report_id"].unique()) == sorted(full["report_id"].unique())


def test_parquet_output_has_the_schema(tmp_path: Path) -> None:
    paths = make_corpus(tmp_path / "c", 4)
    out = tmp_path / "out.parquet"
    assert main(["parse", *map(str, paths), "-f", "parquet", "-o", str(out)]) == 0
    frame = pd.read_parquet(out)
    assert list(frame.columns) == SCHEMA.names
    assert frame["report_id"].nunique() == 4
    assert frame["year"].dtype.kind == "i"
    assert main(["parse", str(paths[0]), "-f", "parquet"]) == 2
    assert main(["parse", str(paths[0]), "-f", "table", "--resume"]) == 2


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_run_resumes_to_each_document_exactly_once(tmp_path: Path) -> None:
    paths = make_corpus(tmp_path / "c", 150)
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "gxlib", "parse", str(tmp_path / "c"), "-f", "jsonl"]
    cmd += ["-o", str(out), "--workers", "2"]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and out.stat().st_size > 0 and len(out.read_bytes().splitlines()) >= 20:
            break
        time.sleep(0.02)
    # the whole group: the parent and its workers die mid-document, as with the OOM killer
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = len(out.read_bytes().splitlines())
    assert 0 < before < len(paths), "the run should have been stopped part way"
    code = subprocess.run([*cmd, "--resume"], env=env, stderr=subprocess.DEVNULL).returncode
    assert code == 0
    assert ids_in(out) == Counter(file_id(p) for p in paths)
    # byte-identical to a run that was never interrupted
    whole = tmp_path / "whole.jsonl"
    cmd[cmd.index(str(out))] = str(whole)
    assert subprocess.run(cmd, env=env, stderr=subprocess.DEVNULL).returncode == 0
    assert out.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_output_is_byte_identical_for_1_2_and_4_workers(tmp_path: Path, fmt: str) -> None:
    make_corpus(tmp_path / "c", 9)
    written = []
    for workers in ("1", "2", "4"):
        out = tmp_path / f"o{workers}.{fmt}"
        args = ["parse", str(tmp_path / "c"), "-f", fmt, "-o", str(out), "--workers", workers]
        assert main(args) == 0
        written.append(out.read_bytes())
    assert written[0] == written[1] == written[2]


def test_workers_send_finished_output_not_reports(tmp_path: Path) -> None:
    import functools

    import gxlib
    from gxlib.batch import run_batch
    from gxlib.cli_encode import Encoded, encode_report

    paths = make_corpus(tmp_path / "c", 4)
    encode = functools.partial(encode_report, fmt="jsonl")
    got = list(run_batch(paths, workers=2, ordered=True, encode=encode))
    assert all(isinstance(e, Encoded) for e in got)
    assert [e.text for e in got] == [encode(gxlib.parse(p)).text for p in paths]
    # Python callers still get reports
    assert all(isinstance(r, gxlib.Report) for r in gxlib.parse_many(paths, workers=2))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("with_tqdm", [True, False])
def test_progress_is_shown_only_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_tqdm: bool
) -> None:
    paths = [str(p) for p in make_corpus(tmp_path / "c", 3)]
    if not with_tqdm:
        monkeypatch.setitem(sys.modules, "tqdm", None)
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert main(["parse", *paths, "-f", "jsonl", "-o", str(tmp_path / "o.jsonl")]) == 0
    assert "3/3" in term.getvalue() and "wrote 3 of 3" in term.getvalue()
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    assert main(["parse", *paths, "-f", "jsonl", "-o", str(tmp_path / "o2.jsonl")]) == 0
    assert "3/3" not in pipe.getvalue() and "wrote 3 of 3" in pipe.getvalue()
