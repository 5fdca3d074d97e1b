"""The ``gxlib`` command line.

``gxlib parse`` parses in parallel (``--workers``, default all cores) and writes in input order.
Workers send back finished output (a JSON line, CSV rows); this process only writes. A summary
goes to stderr at the end; a progress bar too when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import glob
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import gxlib
from gxlib import diagnostics as dg
from gxlib.batch import BatchError
from gxlib.cli_encode import Encoded, csv_header, display_path, encode_report, error_line
from gxlib.cli_encode import format_tables as format_tables
from gxlib.cli_resume import RESUMABLE, Written, input_key, read_written
from gxlib.errors import GxlibError

EXIT_CODES = """exit codes:
  0    every input was written and parsed (with --strict: none had error diagnostics)
  1    some inputs failed to parse (unreadable, not a report, not a regular file, timed
       out, crashed its worker: error records in jsonl, a line on stderr otherwise) or,
       with --strict, had error diagnostics
  2    usage error (bad option, unknown profile, no input files), or the output could not
       be written (cannot open -o, disk full, output closed): says how many were written
  3    worker processes could not start: says how many were written
  130  interrupted (Ctrl-C); with -o and jsonl/csv, --resume continues from there"""


class _OutputError(Exception):
    """Writing the output failed (disk full, pipe closed): the run stops with exit 2."""


def _err(message: str) -> None:
    """A line to stderr that never fails the run: stderr may be closed or a broken pipe."""
    if sys.stderr is None:  # started with stderr closed (2>&-): print(file=None) is stdout
        return
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(message, file=sys.stderr, flush=True)


# -- inputs --------------------------------------------------------------------------------------
def expand_inputs(args: Sequence[str], recursive: bool, output: str | None = None) -> list[str]:
    """The input files named by ``args``, in order, without ``output``.

    An argument that exists is a path, even when its name holds ``*?[`` (``report[2022].txt``);
    only one that does not exist is a glob (absolute or relative). A folder gives its files
    (with ``recursive``, those of its subfolders too), sorted, hidden ones left out; a named
    pipe or device in it is kept so that it becomes an error record, never silently dropped.
    """
    skip = _same_file(output)
    out: list[str] = []
    for arg in args:
        if os.path.lexists(arg):
            found = _folder(arg, recursive) if os.path.isdir(arg) else [arg]
        elif glob.has_magic(arg):
            found = []
            for match in sorted(glob.glob(arg, recursive=recursive)):
                found += _folder(match, recursive) if os.path.isdir(match) else [match]
        else:
            found = [arg]  # missing: it becomes an error record, not nothing
        out.extend(p for p in found if not skip(p))
    return out


def _folder(folder: str, recursive: bool) -> list[str]:
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        if not recursive:
            dirs.clear()
        found += [os.path.join(root, f) for f in files if not f.startswith(".")]
    return [str(p) for p in sorted(Path(p) for p in found)]


def _same_file(output: str | None) -> Callable[[str], bool]:
    """A test for "this is the output file", which must never be read as an input."""
    if output is None:
        return lambda path: False
    name = os.path.basename(output)
    real = os.path.realpath(output)
    return lambda path: os.path.basename(path) == name and os.path.realpath(path) == real


# -- the run -------------------------------------------------------------------------------------
class _Progress:
    """tqdm when installed, else a counter; only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.n = 0
        self.bar: Any = None
        self.on = _isatty(sys.stderr)
        if self.on:
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=total, unit="doc", file=sys.stderr)
            except ImportError:
                pass

    def update(self) -> None:
        self.n += 1
        with contextlib.suppress(OSError, ValueError):
            if self.bar is not None:
                self.bar.update(1)
            elif self.on:
                sys.stderr.write(f"\r{self.n}/{self.total}")
                sys.stderr.flush()

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            if self.bar is not None:
                self.bar.close()
            elif self.on:
                sys.stderr.write("\n")


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, OSError, ValueError):
        return False


_FAILURE_KIND = {"Timeout": "timed out", "WorkerCrashed": "worker crashed"}
_FAILURE_KIND["NotARegularFile"] = "not a regular file"


_NOT_A_REPORT = "GX103"


class _Summary:
    """Counts for the end of a run, by what became of each input."""

    def __init__(self, total: int, skipped: int = 0) -> None:
        self.total = total
        self.skipped = skipped
        self.written = 0
        self.kinds: Counter[str] = Counter()
        self.profiles: Counter[str] = Counter()
        self.codes: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()

    def add(self, result: Encoded | BatchError) -> None:
        if isinstance(result, BatchError):
            self.failures[result.error] += 1
            self.kinds[_FAILURE_KIND.get(result.error, "unreadable or not a report")] += 1
            return
        if _NOT_A_REPORT in result.codes:  # decodable text, but no report in it
            self.kinds["unreadable or not a report"] += 1
        else:
            self.kinds["with error diagnostics" if result.errors else "read clean"] += 1
        self.profiles[result.profile] += 1
        self.codes.update(result.codes)

    @property
    def complete(self) -> bool:
        return self.written == self.total

    def write(self, target: str) -> None:
        def fmt(c: Counter[str]) -> str:
            return ", ".join(f"{k}={v}" for k, v in sorted(c.items())) or "-"

        always = ["read clean", "with error diagnostics", "unreadable or not a report"]
        shown = [f"{k} {self.kinds[k]}" for k in [*always, "timed out"]]
        shown += [f"{k} {n}" for k, n in sorted(self.kinds.items()) if k not in always and n]
        skipped = f" (skipped {self.skipped} already in it)" if self.skipped else ""
        lines = [
            f"gxlib: wrote {self.written} of {self.total} inputs to {target}{skipped}",
            f"  {', '.join(dict.fromkeys(shown))}",
            f"  by profile: {fmt(self.profiles)}",
            f"  by diagnostic code: {fmt(self.codes)}",
        ]
        if self.failures:
            lines.append(f"  errors: {fmt(self.failures)}")
        _err("\n".join(lines))


class _TextSink:
    """Writes finished output; error records only in JSON lines (elsewhere: stderr)."""

    def __init__(self, out: TextIO, fmt: str, header: bool) -> None:
        self.out = out
        self.fmt = fmt
        self.header = header and fmt in ("csv", "facts")

    def report(self, enc: Encoded) -> bool:
        text = enc.text
        if self.header and enc.fields:
            text = csv_header(enc.fields) + text  # one write with the first report's rows
            self.header = False
        self._write(text)
        return True

    def error(self, err: BatchError) -> bool:
        if self.fmt != "jsonl":
            _err(f"gxlib: {display_path(err.source)}: {err.error}: {err.message}")
            return False
        self._write(error_line(err))
        return True

    def _write(self, text: str) -> None:
        # one write and a flush per input: a kill loses at most the input being written,
        # and --resume repairs that tail
        try:
            self.out.write(text)
            self.out.flush()
        except (OSError, ValueError) as exc:
            raise _OutputError(_reason(exc)) from exc

    def close(self) -> None:
        pass


class _ParquetSink:
    """Row groups of 64 reports: memory stays flat and the file is readable in pieces."""

    def __init__(self, path: str) -> None:
        from gxlib.errors import MissingExtraError
        from gxlib.frames import SCHEMA

        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise MissingExtraError("parquet", "pyarrow") from exc
        self.pa = pa
        self.schema = SCHEMA.arrow()
        try:
            self.writer = pq.ParquetWriter(path, self.schema)
        except (OSError, pa.ArrowException) as exc:
            raise _OutputError(_reason(exc)) from exc
        self.rows: list[dict[str, Any]] = []
        self.held = 0

    def report(self, enc: Encoded) -> bool:
        self.rows.extend(enc.rows)
        self.held += 1
        if self.held >= 64:
            self._flush()
        return True

    def error(self, err: BatchError) -> bool:
        _err(f"gxlib: {display_path(err.source)}: {err.error}: {err.message}")
        return False

    def _flush(self) -> None:
        try:
            if self.rows:
                table = self.pa.Table.from_pylist(self.rows, schema=self.schema)
                self.writer.write_table(table)
        except (OSError, self.pa.ArrowException) as exc:
            raise _OutputError(_reason(exc)) from exc
        self.rows.clear()
        self.held = 0

    def close(self) -> None:
        try:
            self._flush()
        finally:
            with contextlib.suppress(OSError, self.pa.ArrowException):
                self.writer.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, BrokenPipeError):
        return "the output was closed"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _cmd_parse(args: argparse.Namespace) -> int:
    problem = _usage_problem(args)
    if problem:
        _err(f"gxlib: {problem}")
        return 2
    paths = expand_inputs(args.paths, args.recursive, args.output)
    if not paths:
        _err("gxlib: no input files")
        return 2
    written = Written(frozenset(), 0)
    if args.resume:
        try:
            written = read_written(args.output, args.format)
        except OSError as exc:
            _err(f"gxlib: cannot resume from {args.output}: {_reason(exc)}")
            return 2
        paths = [p for p in paths if input_key(p) not in written.keys]
    summary = _Summary(len(paths), written.reports if args.resume else 0)
    try:
        with _sink(args, append=bool(args.resume and written_bytes(args.output))) as sink:
            return _run(paths, args, sink, summary)
    except _OutputError as exc:
        count = f"wrote {summary.written} of {summary.total} inputs"
        _err(f"gxlib: cannot write {args.output or 'the output'}: {exc} ({count})")
        _silence_stdout()
        return 2


def written_bytes(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _usage_problem(args: argparse.Namespace) -> str | None:
    if args.format == "parquet" and not args.output:
        return "-f parquet needs -o FILE"
    if args.resume and args.format == "parquet":
        return (
            "--resume does not work with -f parquet (a Parquet file cannot be appended to): "
            "use -f jsonl or csv"
        )
    if args.resume and (not args.output or args.format not in RESUMABLE):
        return "--resume needs -o FILE and -f jsonl or csv"
    if args.workers is not None and args.workers < 1:
        return "--workers must be at least 1"
    if args.timeout is not None and args.timeout <= 0:
        return "--timeout must be more than 0 seconds"
    return _profile_problem(args)


def _profile_problem(args: argparse.Namespace) -> str | None:
    """An unknown profile is one usage error before any work, not one error per input."""
    if args.profile is None:
        return None
    if args.profile.endswith(".toml"):
        from gxlib.profiles import load_file

        args.profile = os.path.abspath(args.profile)  # workers resolve it from any directory
        try:
            load_file(args.profile)
        except (GxlibError, OSError) as exc:
            return f"--profile {args.profile}: {exc}"
        return None
    from gxlib.profiles import registry

    try:
        registry.get(args.profile)
    except GxlibError as exc:
        return f"--profile: {exc}"
    return None


@contextlib.contextmanager
def _sink(args: argparse.Namespace, append: bool) -> Iterator[_TextSink | _ParquetSink]:
    if args.format == "parquet":
        sink: _TextSink | _ParquetSink = _ParquetSink(args.output)
        try:
            yield sink
        finally:
            sink.close()
        return
    if not args.output:
        yield _TextSink(sys.stdout, args.format, header=True)
        return
    try:
        out = open(args.output, "a" if append else "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as exc:
        raise _OutputError(_reason(exc)) from exc
    try:
        yield _TextSink(out, args.format, header=not append)
    finally:
        with contextlib.suppress(OSError):  # a full disk fails the close too; said already
            out.close()


def _results(paths: list[str], args: argparse.Namespace) -> Iterator[Encoded | BatchError]:
    from gxlib.batch import run_batch

    workers = args.workers or min(os.cpu_count() or 1, max(len(paths), 1))
    encode = functools.partial(encode_report, fmt=args.format)
    return run_batch(
        paths, workers, args.timeout, profile=args.profile, ordered=True, encode=encode
    )


def _run(
    paths: list[str], args: argparse.Namespace, sink: _TextSink | _ParquetSink, summary: _Summary
) -> int:
    from gxlib.worker_pool import WorkerStartError

    failed = 0
    progress = _Progress(len(paths))
    target = args.output or "standard output"
    try:
        for result in _results(paths, args):
            progress.update()
            summary.add(result)
            if isinstance(result, BatchError):
                failed += 1
                summary.written += sink.error(result)
                continue
            summary.written += sink.report(result)
            if args.strict and result.errors:
                failed += 1
    except KeyboardInterrupt:
        progress.close()
        summary.write(target)
        return 130
    except WorkerStartError as exc:
        progress.close()
        _err(f"gxlib: {exc}")
        summary.write(target)
        return 3
    progress.close()
    summary.write(target)
    return 1 if failed or not summary.complete else 0


def _silence_stdout() -> None:
    """After a closed pipe, stop Python's exit-time flush of stdout from printing a traceback."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _cmd_detect(args: argparse.Namespace) -> int:
    from gxlib.batch import not_a_regular_file

    for path in expand_inputs(args.paths, False):
        shown = display_path(path)
        refused = not_a_regular_file(path)
        if refused is not None:
            print(f"{shown}\terror\t{refused.message}")
            continue
        try:
            report = gxlib.parse(Path(path))
        except GxlibError as exc:
            print(f"{shown}\terror\t{exc}")
            continue
        ranking = ", ".join(f"{c.profile}={c.score:g}" for c in report.detection.ranking)
        print(f"{shown}\t{report.profile}\t{ranking}")
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
        prog="gxlib",
        description="Chinese government information-disclosure annual reports as exact data.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--version", action="version", version=f"gxlib {gxlib.__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    _add_parse(sub)
    d = sub.add_parser("detect", help="show the detected profile and the ranking")
    d.add_argument("paths", nargs="+", help="files, folders or globs")
    d.set_defaults(func=_cmd_detect)
    pr = sub.add_parser("profiles", help="list, show or validate profiles")
    pr.add_argument("action", choices=["list", "show", "validate"], help="what to do")
    pr.add_argument("target", nargs="?", help="a profile id (show) or a .toml file (validate)")
    pr.set_defaults(func=_cmd_profiles)
    dgp = sub.add_parser("diagnostics", help="list diagnostic codes or explain one")
    dgp.add_argument("action", choices=["explain", "list"], help="what to do")
    dgp.add_argument("code", nargs="?", help="a diagnostic code, e.g. GX501")
    dgp.set_defaults(func=_cmd_diagnostics)
    return ap


def _add_parse(sub: Any) -> None:
    p = sub.add_parser(
        "parse",
        help="parse reports and print or write their tables",
        description="Parse reports and print or write their tables. A summary goes to stderr.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "paths",
        nargs="+",
        help="files, folders (their files) or globs; an existing path is never a glob",
    )
    p.add_argument(
        "-r", "--recursive", action="store_true", help="also read the files of subfolders"
    )
    p.add_argument(
        "-f",
        "--format",
        choices=["table", "json", "jsonl", "csv", "facts", "parquet"],
        default="table",
        help="table: readable grids (default); json: one JSON document per report; jsonl: one "
        "line per input, failed inputs as error records; csv: one row per cell, text cells "
        "made spreadsheet-safe; facts: CSV, one row per fact stated in the prose; parquet: one "
        "row per cell, typed (needs -o)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument(
        "--profile",
        metavar="ID|FILE.toml",
        help="use this profile (an id, or a .toml profile file) instead of detecting one",
    )
    p.add_argument(
        "--strict", action="store_true", help="exit 1 when a report has error diagnostics"
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes (default: all cores, at most one per input; 1: in this process)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="time allowed per document (worker start-up not counted); over it: an error",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="with -o and -f jsonl or csv: skip inputs the file already holds whole (by "
        "path), repair a tail cut short, and append the rest",
    )
    p.set_defaults(func=_cmd_parse)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except GxlibError as exc:
        print(f"gxlib: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `gxlib profiles list | head -1`: the reader has what it wanted
        _silence_stdout()
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
