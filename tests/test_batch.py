"""parse_many: every input comes back once, as a report or an error record."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import gxlib
from gxlib.batch import BatchError, file_id, parse_many, run_batch
from gxlib.report import Report

ROOT = Path(__file__).parents[1]
SOURCES = sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt")) + sorted(
    (ROOT / "examples" / "reports").glob("*.txt")
)
DOC_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def make_corpus(folder: Path, n: int) -> list[Path]:
    """n distinct report files: copies of the seeds, each with its own trailing line."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        src = SOURCES[i % len(SOURCES)]
        dst = folder / f"r{i:04d}{src.suffix}"
        # some seeds are byte-identical to bundled examples: make every id unique
        dst.write_bytes(src.read_bytes() + f"\n{i}\n".encode())
        out.append(dst)
    return out


@pytest.fixture
def corpus(tmp_path: Path) -> list[Path]:
    paths = make_corpus(tmp_path / "c", 12)
    doc = tmp_path / "c" / "legacy.doc"
    doc.write_bytes(DOC_MAGIC + b"\x00" * 64)
    return [*paths[:6], doc, tmp_path / "does-not-exist.txt", *paths[6:]]


def by_source(results: list[Report | BatchError]) -> dict[str, Report | BatchError]:
    out: dict[str, Report | BatchError] = {}
    for r in results:
        assert r.source is not None
        assert r.source not in out, f"{r.source} came back twice"
        out[r.source] = r
    return out


def test_broken_inputs_become_error_records_and_the_rest_parse(corpus: list[Path]) -> None:
    results = by_source(list(parse_many(corpus, workers=1)))
    assert set(results) == {str(p) for p in corpus}
    errors = {Path(k).name: v for k, v in results.items() if isinstance(v, BatchError)}
    assert set(errors) == {"legacy.doc", "does-not-exist.txt"}
    assert {name: e.error for name, e in errors.items()} == {  # UnreadableInputError's kinds
        "legacy.doc": "UnsupportedInputError",
        "does-not-exist.txt": "InputNotFoundError",
    }
    assert "legacy Word" in errors["legacy.doc"].message
    assert errors["legacy.doc"].report_id == file_id(corpus[6])
    assert errors["does-not-exist.txt"].report_id is None
    reports = [v for v in results.values() if isinstance(v, Report)]
    assert len(reports) == 12
    for r in reports:
        assert r.report_id == file_id(r.source or "")
        assert r == gxlib.parse(Path(r.source or ""))


def test_two_workers_give_what_one_gives(corpus: list[Path]) -> None:
    one = by_source(list(parse_many(corpus, workers=1)))
    two = by_source(list(parse_many(corpus, workers=2, timeout=60)))
    assert one == two
    ordered = list(parse_many(corpus, workers=2, ordered=True))
    assert [r.source for r in ordered] == [str(p) for p in corpus]


def test_paths_are_consumed_lazily(tmp_path: Path) -> None:
    paths = make_corpus(tmp_path, 3)
    taken: list[Path] = []

    def gen() -> object:
        for p in paths:
            taken.append(p)
            yield p

    it = parse_many(gen(), workers=1)  # type: ignore[arg-type]
    first = next(it)
    assert isinstance(first, Report) and len(taken) == 1
    assert len(list(it)) == 2


def test_a_document_over_the_time_limit_becomes_an_error(corpus: list[Path]) -> None:
    # in-process (SIGALRM) and in a pool (the worker is killed and replaced)
    for workers in (1, 2):
        sample = corpus[:3]
        results = by_source(list(parse_many(sample, workers=workers, timeout=1e-6)))
        assert set(results) == {str(p) for p in sample}
        timeouts = [r for r in results.values() if isinstance(r, BatchError)]
        assert timeouts and all(t.error == "Timeout" for t in timeouts)
        assert all(isinstance(r, Report | BatchError) for r in results.values())
    again = by_source(list(parse_many(corpus[:3], workers=1, timeout=30)))
    assert all(isinstance(r, Report) for r in again.values())


def _with_misbehaving(tmp_path: Path, names: list[str]) -> tuple[list[Path], list[Path]]:
    paths = make_corpus(tmp_path / "c", 4)
    bad = []
    for name in names:
        bad.append(tmp_path / "c" / name)
        bad[-1].write_bytes(paths[0].read_bytes() + name.encode())
    return paths, bad


def test_a_document_that_hangs_is_stopped_and_the_run_goes_on(tmp_path: Path) -> None:
    from batch_hooks import misbehave

    paths, (hangs,) = _with_misbehaving(tmp_path, ["hangs.txt"])
    inputs = [paths[0], hangs, *paths[1:]]
    run = run_batch(inputs, workers=2, timeout=1.0, ordered=True, encode=misbehave)
    results = by_source(list(run))
    assert set(results) == {str(p) for p in inputs}
    hung = results[str(hangs)]
    assert isinstance(hung, BatchError) and hung.error == "Timeout"
    assert all(isinstance(results[str(p)], Report) for p in paths)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_worker_that_dies_becomes_an_error_and_nothing_is_lost(tmp_path: Path) -> None:
    from batch_hooks import misbehave

    paths, bad = _with_misbehaving(tmp_path, ["crash1.txt", "crash2.txt"])
    inputs = [paths[0], bad[0], *paths[1:3], bad[1], paths[3]]
    results = by_source(list(run_batch(inputs, workers=2, timeout=30, encode=misbehave)))
    assert set(results) == {str(p) for p in inputs}
    for dead in bad:
        died = results[str(dead)]
        assert isinstance(died, BatchError) and died.error == "WorkerCrashed"
    # each crash names its own document: no neighbour is blamed or lost
    assert all(isinstance(results[str(p)], Report) for p in paths)


def test_workers_see_profiles_registered_at_run_time(corpus: list[Path]) -> None:
    # a notebook registers its own profile, then parses in parallel: the workers must know it
    import attrs

    own = attrs.evolve(gxlib.profiles.get("gov-2021"), id="notebook-2021")
    gxlib.profiles.register(own)
    try:
        results = list(gxlib.parse_many(corpus[:2], workers=2, profile="notebook-2021"))
    finally:
        gxlib.profiles.unregister("notebook-2021")
    assert [r.profile for r in results if isinstance(r, gxlib.Report)] == ["notebook-2021"] * 2
