"""The ``gxlib`` command line.

Exit codes: 0 success; 1 some document had error diagnostics (with ``--strict``) or failed to
parse; 2 usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import gxlib
from gxlib import diagnostics as dg
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
    if report.diagnostics:
        out.write("\ndiagnostics:\n")
        for d in report.diagnostics:
            out.write(f"  {d.code} {d.severity:<7} {d.message}\n")
    out.write("\n")


def _cmd_parse(args: argparse.Namespace) -> int:
    paths = _expand(args.paths, args.recursive)
    if not paths:
        print("gxlib: no input files", file=sys.stderr)
        return 2
    with contextlib.ExitStack() as stack:
        out: TextIO = (
            stack.enter_context(open(args.output, "w", encoding="utf-8", newline=""))
            if args.output
            else sys.stdout
        )
        return _write_reports(paths, args, out)


def _write_reports(paths: list[Path], args: argparse.Namespace, out: TextIO) -> int:
    failed = 0
    writer: Any = None
    for path in paths:
        try:
            report = gxlib.parse(path, profile=args.profile)
        except GxlibError as exc:
            failed += 1
            if args.format == "jsonl":
                record = {"source": str(path), "error": type(exc).__name__, "message": str(exc)}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                print(f"gxlib: {path}: {exc}", file=sys.stderr)
            continue
        if args.strict and report.errors:
            failed += 1
        if args.format == "table":
            format_tables(report, out)
        elif args.format == "json":
            out.write(report.to_json(indent=2) + "\n")
        elif args.format == "jsonl":
            out.write(report.to_json() + "\n")
        elif args.format == "csv":
            records = report.to_records()
            if writer is None and records:
                writer = csv.DictWriter(out, fieldnames=list(records[0]))
                writer.writeheader()
            for r in records:
                writer.writerow({k: ("" if v is None else v) for k, v in r.items()})
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
    p.add_argument("-f", "--format", choices=["table", "json", "jsonl", "csv"], default="table")
    p.add_argument("-o", "--output", help="write to this file instead of stdout")
    p.add_argument("--profile", help="force a profile id (default: detect)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a report has errors")
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
