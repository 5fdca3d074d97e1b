"""Throughput, CPU and peak memory of ``gxlib parse -f jsonl`` over a generated corpus.

    python benchmarks/corpus.py                       # 10,000 reports, --workers 1, 2, nproc
    python benchmarks/corpus.py --n 1000 --growth     # 1,000 and 10,000: does memory stay flat?
    python benchmarks/corpus.py --n 2000 --workers 1,2

For each worker count: reports/s, the CPU time of the whole run and the parent's share of it
(the CLI process alone, sampled with psutil: it should only write), and whether the output is
byte-identical across worker counts.

Reports are drawn with gxlib.testing (fixed seed, both profiles), rendered in several text
styles, HTML and encodings, and written as unique variants (a trailing line changes the bytes,
so every file has its own report id) to a temporary directory. The CLI runs as a subprocess.
Peak memory: the largest sum of RSS over the CLI process and its workers, sampled every 50 ms
with psutil when installed; ``ru_maxrss`` of children (the largest single process so far in
this run of the benchmark; it never goes down) is printed too.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from gxlib.testing import GeneratedReport, render_report, reports  # noqa: E402

STYLES = ("tabs", "pipes", "markdown", "cells", "pdf", "html")
ENCODINGS = ("utf-8", "gb18030")


def draw(n: int) -> list[GeneratedReport]:
    """n generated reports (fixed seed, so runs compare)."""
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


def bases(gens: list[GeneratedReport]) -> list[tuple[bytes, str]]:
    """Every generated report rendered once in a style and encoding: (bytes, suffix)."""
    out: list[tuple[bytes, str]] = []
    for i, gen in enumerate(gens):
        style = STYLES[i % len(STYLES)]
        text = render_report(gen, style)
        if style == "html":
            out.append((text.encode("utf-8"), ".html"))
        else:
            data = None
            enc = ENCODINGS[(i // len(STYLES)) % len(ENCODINGS)]
            try:
                data = text.encode(enc)
            except UnicodeEncodeError:
                data = text.encode("utf-8")
            out.append((data, ".txt"))
    return out


def write_corpus(folder: Path, n: int, base: list[tuple[bytes, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        data, suffix = base[i % len(base)]
        # a trailing line (ASCII: valid in every encoding used) makes each file unique
        (folder / f"r{i:06d}{suffix}").write_bytes(data + f"\n{i}\n".encode("ascii"))


def _psutil() -> Any:
    try:
        return importlib.import_module("psutil")
    except ImportError:
        return None


def _tree_rss(psutil: Any, proc: Any) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return int(total)


@dataclass
class Run:
    wall: float  # seconds
    peak: int | None  # bytes, RSS of the CLI process and its workers (psutil), None without it
    maxrss: int  # bytes, ru_maxrss of children (largest single process so far)
    cpu_total: float  # seconds of CPU, the CLI process and its workers
    cpu_parent: float | None  # seconds of CPU of the CLI process alone (psutil)


def run(folder: Path, out: Path, workers: int) -> Run:
    """One ``gxlib parse`` over ``folder``, as a subprocess, with its time, memory and CPU."""
    cmd = [sys.executable, "-m", "gxlib", "parse", str(folder), "-f", "jsonl", "-o", str(out)]
    cmd += ["--workers", str(workers)]
    psutil = _psutil()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak: int | None = None
    parent_cpu: float | None = None
    if psutil is not None:
        peak, parent_cpu = 0, 0.0
        proc = psutil.Process(child.pid)
        while child.poll() is None:
            with contextlib.suppress(psutil.Error):
                peak = max(peak, _tree_rss(psutil, proc))
                times = proc.cpu_times()  # this process only: its workers are children
                parent_cpu = times.user + times.system
            time.sleep(0.05)
    _, err = child.communicate()
    wall = time.perf_counter() - t0
    if child.returncode not in (0, 1):
        sys.exit(f"gxlib parse failed ({child.returncode}): {err.decode()[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    maxrss = after.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # kB on Linux
    return Run(wall, peak, maxrss, cpu, parent_cpu)


def report(n: int, workers: int, r: Run, lines: int) -> None:
    mb = 1024 * 1024
    print(f"  --workers {workers}: {r.wall:.1f} s, {lines} lines, {n / r.wall:.1f} reports/s")
    share = f"{100 * r.cpu_parent / r.cpu_total:.1f}%" if r.cpu_parent and r.cpu_total else "?"
    print(f"    CPU {r.cpu_total:.1f} s in all, parent's share {share}")
    if r.peak is not None:
        print(f"    peak RSS, CLI + workers (psutil): {r.peak / mb:.0f} MB")
    print(f"    ru_maxrss (largest single child so far): {r.maxrss / mb:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--n", type=int, default=10_000, help="reports in the corpus (10000)")
    ap.add_argument("--growth", action="store_true", help="also run 10 x N")
    ap.add_argument("--distinct", type=int, default=300, help="reports drawn (300)")
    ap.add_argument(
        "--workers",
        default=f"1,2,{os.cpu_count() or 1}",
        help="comma-separated worker counts to compare (default: 1, 2 and all cores)",
    )
    args = ap.parse_args(argv)
    counts = sorted({int(w) for w in args.workers.split(",")})

    py = platform.python_version()
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {py}")
    t0 = time.perf_counter()
    base = bases(draw(min(args.distinct, args.n)))
    print(f"drew and rendered {len(base)} reports in {time.perf_counter() - t0:.1f} s")
    sizes = [args.n, 10 * args.n] if args.growth else [args.n]
    mb = 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="gxlib-corpus-") as tmp:
        for n in sizes:
            folder = Path(tmp) / f"c{n}"
            t1 = time.perf_counter()
            write_corpus(folder, n, base)
            size = sum(p.stat().st_size for p in folder.iterdir())
            print(f"\nN={n}: wrote {size / mb:.1f} MB in {time.perf_counter() - t1:.1f} s")
            outputs = []
            for workers in counts:
                out = Path(tmp) / f"out{n}-{workers}.jsonl"
                r = run(folder, out, workers)
                report(n, workers, r, sum(1 for _ in out.open("rb")))
                outputs.append(out.read_bytes())
                out.unlink()
            same = all(o == outputs[0] for o in outputs)
            print(f"  outputs byte-identical across worker counts: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
