"""gxlib.to_dask on a local cluster: the Dask path and the CLI give identical records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import gxlib  # noqa: E402
from gxlib.batch import BatchError, file_id  # noqa: E402
from gxlib.cli import main  # noqa: E402
from gxlib.dask_support import error_record  # noqa: E402
from gxlib.frames import SCHEMA, _frame  # noqa: E402
from gxlib.report import Report  # noqa: E402
from gxlib.testing import GeneratedReport, render_docx, render_report, reports  # noqa: E402

STYLES = ("tabs", "pipes", "markdown", "cells", "html", "docx")


def generated(n: int) -> list[GeneratedReport]:
    from hypothesis import HealthCheck, given, seed, settings

    out: list[GeneratedReport] = []

    @seed(20261122)
    @settings(max_examples=n, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(reports(blanks=False))
    def collect(gen: GeneratedReport) -> None:
        if len(out) < n:
            out.append(gen)

    collect()
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    gens = generated(24)
    for i, gen in enumerate(gens):
        style = STYLES[i % len(STYLES)]
        if style == "docx":
            data, suffix = render_docx(gen), ".docx"
        else:
            text = render_report(gen, style)
            suffix = ".html" if style == "html" else ".txt"
            data = text.encode("gb18030" if i % 4 == 1 and style != "html" else "utf-8")
        (folder / f"r{i:03d}{suffix}").write_bytes(data)
    # a broken file: a DOCX that is not a zip
    (folder / "r999-broken.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    return folder


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def cli_frame(corpus: Path, out: Path) -> pd.DataFrame:
    """The tidy frame of what ``gxlib parse -f jsonl`` wrote: reports and error records."""
    code = main(["parse", str(corpus), "-f", "jsonl", "-o", str(out), "--workers", "2"])
    assert code == 1  # the broken file
    recs: list[dict[str, object]] = []
    for line in out.read_text("utf-8").splitlines():
        data = json.loads(line)
        if "error" in data:
            recs.append(error_record(BatchError(**data)))
        else:
            recs.extend(gxlib.frames.records([Report.from_json(line)]))
    return _frame(recs)


def test_dask_frame_equals_the_cli_records(
    corpus: Path, client: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = gxlib.to_dask(corpus, blocksize=4)
    assert frame.npartitions == 7  # 25 files, 4 per partition
    assert list(frame.columns) == SCHEMA.names
    got = frame.compute().reset_index(drop=True)

    expected = cli_frame(corpus, tmp_path / "out.jsonl")
    capsys.readouterr()
    assert got.dtypes.to_dict() == expected.dtypes.to_dict() == _frame([]).dtypes.to_dict()
    pd.testing.assert_frame_equal(got, expected)

    # both profiles, and the broken file is one error row, not dropped
    assert set(got["profile"].dropna()) == {"gov-2019", "gov-2021"}
    errors = got[got["table"].isna()]
    assert len(errors) == 1
    broken = corpus / "r999-broken.docx"
    assert errors["source"].iloc[0] == str(broken)
    assert errors["report_id"].iloc[0] == file_id(broken)
    assert errors["raw"].iloc[0].startswith("UnsupportedInputError: ")  # a zip, not a DOCX
    assert got["report_id"].nunique() == 25


def test_dask_frame_equals_to_pandas(corpus: Path, client: object) -> None:
    paths = sorted(p for p in corpus.iterdir() if "broken" not in p.name)
    got = gxlib.to_dask(paths, blocksize=5).compute().reset_index(drop=True)
    expected = gxlib.to_pandas(gxlib.parse(p) for p in paths)
    pd.testing.assert_frame_equal(got, expected)


def test_glob_and_errors_raise(corpus: Path, client: object) -> None:
    html = gxlib.to_dask(str(corpus / "*.html"), blocksize=2).compute()
    assert html["source"].str.endswith(".html").all()
    assert html["source"].nunique() == 4
    with pytest.raises(gxlib.GxlibError, match=r"r999-broken\.docx"):
        gxlib.to_dask(str(corpus / "r999-*"), errors="raise").compute()


def test_missing_path_is_an_error_row_and_empty_input_is_an_empty_frame(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    got = gxlib.to_dask([missing]).compute(scheduler="sync")
    assert list(got["source"]) == [str(missing)] and got["table"].isna().all()
    empty = gxlib.to_dask(str(tmp_path / "*.none")).compute(scheduler="sync")
    assert len(empty) == 0 and list(empty.columns) == SCHEMA.names
    with pytest.raises(ValueError, match="blocksize"):
        gxlib.to_dask([missing], blocksize=0)


def test_missing_dask_raises_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(gxlib.MissingExtraError, match=r"gxlib\[dask\]"):
        gxlib.to_dask(["x.txt"])


def test_import_gxlib_does_not_import_dask() -> None:
    import subprocess
    import sys

    code = (
        "import sys, gxlib; assert callable(gxlib.to_dask); "
        "heavy = [m for m in ('dask', 'pandas', 'distributed') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
