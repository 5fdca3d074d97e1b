"""Reports as a Dask DataFrame (``pip install 'gxlib[dask]'``), for a cluster or many cores.

:func:`to_dask` gives the tidy frame of :func:`gxlib.to_pandas` (one row per cell, columns and
dtypes as :data:`gxlib.frames.SCHEMA`) for many files, one partition per group of files.

A document that cannot be parsed is never dropped. With ``errors="rows"`` (the default) it
becomes **one error row**: ``report_id`` (SHA-256 of the file bytes, ``<NA>`` if unreadable),
``source`` (the path), ``table``/``row``/``column``/``status`` ``<NA>`` and ``raw`` holding
``"<error>: <message>"`` — the ``error`` and ``message`` fields of the record ``gxlib parse -f
jsonl`` and :func:`gxlib.parse_many` give for it (:class:`gxlib.BatchError`). Select them with
``frame[frame.table.isna()]``; a report that parsed always has a ``table``. With
``errors="raise"`` computing a partition that holds such a document raises
:class:`gxlib.errors.GxlibError` naming it.

dask is imported inside :func:`to_dask` so that ``import gxlib`` stays light.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from typing import Any, Literal

from gxlib.batch import BatchError, _parse_one
from gxlib.errors import GxlibError, MissingExtraError
from gxlib.frames import SCHEMA, _frame, records

ErrorMode = Literal["rows", "raise"]


def _expand(paths_or_glob: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[str]:
    if isinstance(paths_or_glob, (str, os.PathLike)):
        pattern = os.fspath(paths_or_glob)
        if os.path.isdir(pattern):
            pattern = os.path.join(pattern, "**", "*")
        found = sorted(p for p in glob.glob(pattern, recursive=True) if not os.path.isdir(p))
        # a plain path that does not exist stays in: it becomes an error row, not nothing
        return found or ([pattern] if not glob.has_magic(pattern) else [])
    return [os.fspath(p) for p in paths_or_glob]


def error_record(err: BatchError) -> dict[str, Any]:
    """The error row for an input that did not become a report (columns as SCHEMA)."""
    rec: dict[str, Any] = dict.fromkeys(SCHEMA.names)
    rec["report_id"] = err.report_id
    rec["source"] = err.source
    rec["raw"] = f"{err.error}: {err.message}"
    return rec


def parse_partition(
    paths: list[str], profile: str | None = None, errors: ErrorMode = "rows"
) -> Any:
    """One partition: the tidy pandas frame of ``paths``, parsed in order in this process."""
    recs: list[dict[str, Any]] = []
    for path in paths:
        result = _parse_one(path, profile)
        if isinstance(result, BatchError):
            if errors == "raise":
                raise GxlibError(f"{result.source}: {result.error}: {result.message}")
            recs.append(error_record(result))
        else:
            recs.extend(records([result]))
    return _frame(recs)


def to_dask(
    paths_or_glob: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    blocksize: int = 16,
    profile: str | None = None,
    errors: ErrorMode = "rows",
) -> Any:
    """The tidy frame of many reports as a lazy ``dask.dataframe.DataFrame``.

    ``paths_or_glob``: a glob (``"reports/**/*.html"``, recursive), a directory (every file
    under it) or an iterable of paths; globs and directories are sorted. ``blocksize``: files
    per partition. ``profile`` forces a format as in :func:`gxlib.parse`. ``errors``: see the
    module docstring (``"rows"``: one error row per failed document; ``"raise"``). Paths must
    be readable by the workers (a shared file system). Partitions follow input order, so
    ``.compute()`` gives the rows of :func:`gxlib.to_pandas` over the same inputs, in order,
    with a 0..n-1 index per partition.
    """
    if blocksize < 1:
        raise ValueError("blocksize must be at least 1 (files per partition)")
    if errors not in ("rows", "raise"):
        raise ValueError("errors must be 'rows' or 'raise'")
    try:
        import dask.dataframe as _dd
    except ImportError as exc:
        raise MissingExtraError("dask", "dask") from exc
    dd: Any = _dd  # dask's own annotations are partial
    paths = _expand(paths_or_glob)
    groups = [paths[i : i + blocksize] for i in range(0, len(paths), blocksize)]
    meta = _frame([])
    if not groups:
        return dd.from_pandas(meta, npartitions=1)
    return dd.from_map(
        parse_partition,
        groups,
        profile=profile,
        errors=errors,
        meta=meta,
        label="gxlib-parse",
        enforce_metadata=False,
    )


__all__ = ["error_record", "parse_partition", "to_dask"]
