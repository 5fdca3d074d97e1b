"""``gxlib parse --resume``: which inputs an output file already holds whole, and its repair.

An input is identified by its path (``source``, made absolute), never by content alone: error
records have no report id, and two byte-identical files are still two inputs. A report counts
as written only when all of it is in the file:

* JSON lines: one line per input, so a complete line is a complete record; a last line cut
  short (a kill, a full disk) is removed.
* CSV: a report's rows go out in one write, after the previous report's write returned. So
  every report but the last one in the file is whole; the last one may be cut anywhere (even
  inside its first row), so it is removed and parsed again. The header, if cut, is rewritten.

Parquet cannot be appended to, so ``--resume`` refuses it.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator

from attrs import frozen

from gxlib.cli_encode import FORMULA_START, display_path

RESUMABLE = ("jsonl", "csv")


@frozen
class Written:
    """The inputs an output file holds whole: their keys (:func:`input_key`) and count."""

    keys: frozenset[str]
    reports: int


def input_key(source: str) -> str:
    """The stable id of an input: its path as written in records, absolute and normalised."""
    return os.path.normpath(os.path.abspath(display_path(source)))


def read_written(path: str, fmt: str) -> Written:
    """What ``path`` (format ``fmt``) holds whole; a partial tail is cut off the file."""
    if not os.path.exists(path):
        return Written(frozenset(), 0)
    with open(path, "rb+") as fh:
        data = fh.read()
        sources, keep = _jsonl(data) if fmt == "jsonl" else _csv(data)
        if keep < len(data):
            fh.truncate(keep)
    return Written(frozenset(input_key(s) for s in sources), len(sources))


def _jsonl(data: bytes) -> tuple[list[str], int]:
    keep = data.rfind(b"\n") + 1  # a last line without its newline was cut short
    sources: list[str] = []
    for line in data[:keep].splitlines():
        try:
            source = json.loads(line).get("source")
        except (ValueError, AttributeError):
            continue
        if isinstance(source, str):
            sources.append(source)
    return sources, keep


def _csv(data: bytes) -> tuple[list[str], int]:
    offsets: list[int] = [0]  # bytes consumed by the csv reader so far

    def lines() -> Iterator[str]:
        for line in data.splitlines(keepends=True):
            offsets[0] += len(line)
            yield line.decode("utf-8", errors="replace")

    rows = csv.reader(lines())
    header = next(rows, None)
    if header is None or not data[: offsets[0]].endswith((b"\n", b"\r")):
        return [], 0  # no complete header: start the file again
    col = {name: i for i, name in enumerate(header)}
    if "source" not in col or "report_id" not in col:
        return [], offsets[0]
    # (report_id, source, start offset, whole) of each row after the header
    found: list[tuple[str, str, int, bool]] = []
    start = offsets[0]
    for row in rows:
        whole = len(row) == len(header) and data[: offsets[0]].endswith((b"\n", b"\r"))
        found.append((_get(row, col["report_id"]), _get(row, col["source"]), start, whole))
        start = offsets[0]
    cut = offsets[0]
    if found and not found[-1][3]:
        cut = found.pop()[2]  # a row cut short: its report is the one being written
    starts = [i for i, r in enumerate(found) if i == 0 or r[:2] != found[i - 1][:2]]
    if not starts:
        return [], cut
    # the last report may be cut short anywhere: drop it and parse it again
    last = found[starts[-1]][2]
    return [found[i][1] for i in starts[:-1]], last


def _get(row: list[str], i: int) -> str:
    cell = row[i] if i < len(row) else ""
    # undo the spreadsheet-safe apostrophe (cli_encode.safe_cell) to get the path back
    if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell


__all__ = ["RESUMABLE", "Written", "input_key", "read_written"]
