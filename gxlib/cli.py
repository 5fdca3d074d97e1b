"""The ``gxlib`` command line.

Exit codes:

* 0 — success: every input parsed (and, with ``--strict``, none had error diagnostics);
* 1 — some input failed to parse (unreadable, timed out, crashed its worker) or, with
  ``--strict``, some report had error diagnostics; the other inputs are still written;
* 2 — usage error (no input files, an option combination that cannot work, e.g. ``-f parquet``
  without ``-o`` or ``--resume`` with a format that cannot be appended to);
* 130 — interrupted (Ctrl-C); with ``-o`` and ``-f jsonl``/``csv`` what was written is complete
  records and ``--resume`` continues from there.

``gxlib parse`` parses in parallel (``--workers``, default all cores) and writes in input order.
A summary (parsed, errors, by profile, by diagnostic code) goes to stderr at the end; a progress
bar too when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import gxlib
from gxlib import diagnostics as dg
from gxlib.batch import BatchError
from gxlib.errors import GxlibError
from gxlib.report import Report

_STATUS_MARK = {"blank": "·", "placeholder": "/", "missing": "?", "invalid": "!", "ambiguous": "~"}


def _expand(paths: Sequence[str], recursive: bool) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            it = path.rglob("*") if recursive else path.glob("*")
            out.extend(sorted(q for q in it if q.is_file() and not q.name.startswith(".")))
        elif any(ch in p for ch in "*?["):
            out.extend(sorted(Path().glob(p)))
        else:
            out.append(path)
    return out


def format_tables(report: Report, out: TextIO) -> None:
    """Human-readable rendering of a report: metadata, each table as a grid, diagnostics."""
    m = report.metadata
    out.write(f"{report.source or '<input>'}\n")
    out.write(
        f"  body: {m.body or '?'}   year: {m.year or '?'}   profile: {report.profile} "
        f"(score {report.detection.score:g})\n"
    )
    for table in report.tables:
        out.write(f"\n[{table.key}] {table.title}{'' if table.found else '  (not found)'}\n")
        if not table.found:
            continue
        width = max(len(r) for r in table.rows) if table.rows else 10
        out.write(" " * (width + 2) + "".join(f"{c[:12]:>14}" for c in table.columns) + "\n")
        for row in table.rows:
            cells = [table.cell(row, c) for c in table.columns]
            vals = []
            for c in cells:
                shown = str(c.value) if c.status == "number" else _STATUS_MARK.get(c.status, "?")
                vals.append(f"{shown:>14}")
            out.write(f"  {row:<{width}}" + "".join(vals) + "\n")
    format_facts(report, out)
    if report.diagnostics:
        out.write("\ndiagnostics:\n")
        for d in report.diagnostics:
            out.write(f"  {d.code} {d.severity:<7} {d.message}\n")
    out.write("\n")


def format_facts(report: Report, out: TextIO) -> None:
    """The facts the prose states, one line each: key, value (~ candidates), qualifier, line."""
    if not report.facts:
        return
    out.write("\nfacts (prose):\n")
    width = max(len(f.key) for f in report.facts)
    for f in report.facts:
        if f.status == "number":
            shown = f"{f.value}" + ("" if f.qualifier == "exact" else f" ({f.qualifier})")
        else:
            shown = "~ " + " | ".join(str(v) for v in f.candidates)
        line = f"line {f.location.line}" if f.location else ""
        out.write(f"  {f.key:<{width}}  {shown:<20} {line}\n")


def _write_fact_rows(report: Report, out: TextIO, state: dict[str, Any], header: bool) -> None:
    """``-f facts``: CSV, one row per stated fact (columns gxlib.frames.FACT_COLUMNS)."""
    from gxlib.frames import FACT_COLUMNS, fact_records

    if "facts" not in state:
        state["facts"] = csv.DictWriter(out, fieldnames=list(FACT_COLUMNS))
        if header:
            state["facts"].writeheader()
    for r in fact_records(report):
        state["facts"].writerow({k: ("" if v is None else v) for k, v in r.items()})


def _cmd_parse(args: argparse.Namespace) -> int:
    paths = _expand(args.paths, args.recursive)
    if not paths:
        print("gxlib: no input files", file=sys.stderr)
        return 2
    if args.format == "parquet" and not args.output:
        print("gxlib: -f parquet needs -o FILE", file=sys.stderr)
        return 2
    if args.resume and (not args.output or args.format not in ("jsonl", "csv")):
        print("gxlib: --resume needs -o FILE and -f jsonl or csv", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print("gxlib: --workers must be at least 1", file=sys.stderr)
        return 2
    skipped = 0
    append = False
    if args.resume:
        done = _resume_ids(Path(args.output), args.format)
        append = Path(args.output).exists() and Path(args.output).stat().st_size > 0
        if done:
            from gxlib.batch import file_id

            kept = [p for p in paths if file_id(p) not in done]
            skipped = len(paths) - len(kept)
            paths = kept
    if args.format == "parquet":
        return _write_parquet(paths, args)
    with contextlib.ExitStack() as stack:
        out: TextIO = (
            stack.enter_context(
                open(args.output, "a" if append else "w", encoding="utf-8", newline="")
            )
            if args.output
            else sys.stdout
        )
        return _write_reports(paths, args, out, header=not append, skipped=skipped)


def _resume_ids(path: Path, fmt: str) -> set[str]:
    """Report ids already in an output file. A last line cut short by a kill is removed first,
    so that what is appended starts on a line of its own."""
    if not path.exists():
        return set()
    with open(path, "rb+") as fh:
        data = fh.read()
        if data and not data.endswith(b"\n"):
            fh.truncate(data.rfind(b"\n") + 1)
            data = data[: data.rfind(b"\n") + 1]
    ids: set[str] = set()
    text = data.decode("utf-8", errors="replace")
    if fmt == "jsonl":
        for line in text.splitlines():
            with contextlib.suppress(ValueError):
                rid = json.loads(line).get("report_id")
                if rid:
                    ids.add(rid)
    else:
        for rec in csv.DictReader(text.splitlines()):
            if rec.get("report_id"):
                ids.add(rec["report_id"])
    return ids


class _Progress:
    """tqdm when installed, else a counter; only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.n = 0
        self.bar: Any = None
        self.on = sys.stderr.isatty()
        if self.on:
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=total, unit="doc", file=sys.stderr)
            except ImportError:
                pass

    def update(self) -> None:
        self.n += 1
        if self.bar is not None:
            self.bar.update(1)
        elif self.on:
            sys.stderr.write(f"\r{self.n}/{self.total}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.on:
            sys.stderr.write("\n")


class _Summary:
    def __init__(self, skipped: int = 0) -> None:
        self.parsed = 0
        self.errors = 0
        self.skipped = skipped
        self.profiles: Counter[str] = Counter()
        self.codes: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()

    def add(self, result: Report | BatchError) -> None:
        if isinstance(result, BatchError):
            self.errors += 1
            self.failures[result.error] += 1
            return
        self.parsed += 1
        self.profiles[result.profile] += 1
        self.codes.update(d.code for d in result.diagnostics)

    def write(self) -> None:
        def fmt(c: Counter[str]) -> str:
            return ", ".join(f"{k}={v}" for k, v in sorted(c.items())) or "-"

        skipped = f", skipped {self.skipped} (already in output)" if self.skipped else ""
        print(
            f"gxlib: parsed {self.parsed}, errors {self.errors}{skipped}\n"
            f"  by profile: {fmt(self.profiles)}\n"
            f"  by diagnostic code: {fmt(self.codes)}"
            + (f"\n  errors: {fmt(self.failures)}" if self.failures else ""),
            file=sys.stderr,
        )


def _results(paths: list[Path], args: argparse.Namespace) -> Iterator[Report | BatchError]:
    from gxlib.batch import parse_many

    workers = args.workers or min(os.cpu_count() or 1, max(len(paths), 1))
    return parse_many(
        paths, workers=workers, timeout=args.timeout, profile=args.profile, ordered=True
    )


def _write_reports(
    paths: list[Path],
    args: argparse.Namespace,
    out: TextIO,
    *,
    header: bool = True,
    skipped: int = 0,
) -> int:
    failed = 0
    writer: Any = None
    fact_state: dict[str, Any] = {}
    summary = _Summary(skipped)
    progress = _Progress(len(paths))
    try:
        for result in _results(paths, args):
            progress.update()
            summary.add(result)
            if isinstance(result, BatchError):
                failed += 1
                if args.format == "jsonl":
                    out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
                else:
                    print(f"gxlib: {result.source}: {result.message}", file=sys.stderr)
                out.flush()
                continue
            report = result
            if args.strict and report.errors:
                failed += 1
            if args.format == "table":
                format_tables(report, out)
            elif args.format == "json":
                out.write(report.to_json(indent=2) + "\n")
            elif args.format == "jsonl":
                out.write(report.to_json() + "\n")
            elif args.format == "facts":
                _write_fact_rows(report, out, fact_state, header)
            elif args.format == "csv":
                records = report.to_records()
                if writer is None and records:
                    writer = csv.DictWriter(out, fieldnames=list(records[0]))
                    if header:
                        writer.writeheader()
                for r in records:
                    writer.writerow({k: ("" if v is None else v) for k, v in r.items()})
            # a kill loses at most the document being written: --resume relies on it
            out.flush()
    except KeyboardInterrupt:
        progress.close()
        summary.write()
        return 130
    progress.close()
    summary.write()
    return 1 if failed else 0


def _write_parquet(paths: list[Path], args: argparse.Namespace) -> int:
    from gxlib.errors import MissingExtraError
    from gxlib.frames import SCHEMA, records

    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingExtraError("parquet", "pyarrow") from exc
    schema = SCHEMA.arrow()
    failed = 0
    summary = _Summary()
    progress = _Progress(len(paths))
    batch: list[Report] = []

    def flush(writer: Any) -> None:
        recs = records(batch)
        if recs:
            writer.write_table(pa.Table.from_pylist(recs, schema=schema))
        batch.clear()

    # one row group per 64 reports keeps memory flat and the file readable in pieces
    with pq.ParquetWriter(args.output, schema) as writer:
        try:
            for result in _results(paths, args):
                progress.update()
                summary.add(result)
                if isinstance(result, BatchError):
                    failed += 1
                    print(f"gxlib: {result.source}: {result.message}", file=sys.stderr)
                    continue
                if args.strict and result.errors:
                    failed += 1
                batch.append(result)
                if len(batch) >= 64:
                    flush(writer)
            flush(writer)
        except KeyboardInterrupt:
            flush(writer)
            progress.close()
            summary.write()
            return 130
    progress.close()
    summary.write()
    return 1 if failed else 0


def _cmd_detect(args: argparse.Namespace) -> int:
    for path in _expand(args.paths, False):
        try:
            report = gxlib.parse(path)
        except GxlibError as exc:
            print(f"{path}\terror\t{exc}")
            continue
        ranking = ", ".join(f"{c.profile}={c.score:g}" for c in report.detection.ranking)
        print(f"{path}\t{report.profile}\t{ranking}")
    return 0


def _cmd_profiles(args: argparse.Namespace) -> int:
    from gxlib.profiles import available, get, load_file, origin, profile_to_dict

    if args.action == "list":
        for pid in available():
            p = get(pid)
            print(f"{pid}\t{p.version}\t{origin(pid)}\t{p.title}")
        return 0
    if args.action == "show":
        if not args.target:
            print("gxlib profiles show: give a profile id", file=sys.stderr)
            return 2
        print(json.dumps(profile_to_dict(get(args.target)), ensure_ascii=False, indent=2))
        return 0
    if not args.target:
        print("gxlib profiles validate: give a profile file", file=sys.stderr)
        return 2
    try:
        p = load_file(args.target)
    except GxlibError as exc:
        print(f"invalid: {exc}", file=sys.stderr)
        return 1
    print(f"ok: {p.id} {p.version} ({len(p.tables)} tables)")
    return 0


def _cmd_diagnostics(args: argparse.Namespace) -> int:
    if args.code is None:
        for info in dg.CODES.values():
            print(f"{info.code}\t{info.name}\t{info.severity}\t{info.title}")
        return 0
    try:
        info = dg.explain(args.code)
    except KeyError:
        print(f"gxlib: unknown diagnostic {args.code!r}", file=sys.stderr)
        return 2
    print(
        f"{info.code} {info.name} ({info.severity}): {info.title}\n\n{info.explanation}\n\n"
        f"What to do: {info.hint}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="gxlib", description=__doc__.splitlines()[0] if __doc__ else ""
    )
    ap.add_argument("--version", action="version", version=f"gxlib {gxlib.__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse reports and print or write their tables")
    p.add_argument("paths", nargs="+", help="files, folders or globs")
    p.add_argument("-r", "--recursive", action="store_true")
    p.add_argument(
        "-f",
        "--format",
        choices=["table", "json", "jsonl", "csv", "facts", "parquet"],
        default="table",
    )
    p.add_argument("-o", "--output", help="write to this file instead of stdout")
    p.add_argument("--profile", help="force a profile id (default: detect)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a report has errors")
    p.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: all cores)"
    )
    p.add_argument("--timeout", type=float, default=None, help="seconds allowed per document")
    p.add_argument(
        "--resume",
        action="store_true",
        help="skip inputs whose report id is already in the -o file, and append (jsonl, csv)",
    )
    p.set_defaults(func=_cmd_parse)
    d = sub.add_parser("detect", help="show the detected profile and the ranking")
    d.add_argument("paths", nargs="+")
    d.set_defaults(func=_cmd_detect)
    pr = sub.add_parser("profiles", help="list, show or validate profiles")
    pr.add_argument("action", choices=["list", "show", "validate"])
    pr.add_argument("target", nargs="?")
    pr.set_defaults(func=_cmd_profiles)
    dgp = sub.add_parser("diagnostics", help="list diagnostic codes or explain one")
    dgp.add_argument("action", choices=["explain", "list"])
    dgp.add_argument("code", nargs="?")
    dgp.set_defaults(func=_cmd_diagnostics)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except GxlibError as exc:
        print(f"gxlib: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
