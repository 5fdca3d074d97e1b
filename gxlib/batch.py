"""Parsing many documents: worker processes that stream results and never lose a document.

:func:`parse_many` yields, for every input, either a :class:`~gxlib.report.Report` or a
:class:`BatchError`. Work in flight is bounded (one document per worker), so memory stays flat
however many paths are given. A document that exceeds the time limit, raises, or kills its
worker process becomes a :class:`BatchError` and the run goes on. The processes themselves
are :mod:`gxlib.worker_pool`'s.
"""

from __future__ import annotations

import functools
import hashlib
import os
import signal
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from attrs import frozen

from gxlib.report import Report

if TYPE_CHECKING:
    from gxlib.profiles.model import Profile


@frozen
class BatchError:
    """An input that did not become a report.

    ``error`` is the exception class name, or ``Timeout`` / ``WorkerCrashed`` /
    ``NotARegularFile``; ``report_id`` is
    the SHA-256 of the file bytes when the file could be read (so ``--resume`` skips it too).
    """

    source: str
    report_id: str | None
    error: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "report_id": self.report_id,
            "error": self.error,
            "message": self.message,
        }


Result = Report | BatchError
Encoder = Callable[[Report], Any]


def file_id(path: str | os.PathLike[str]) -> str | None:
    """SHA-256 of a file's bytes (the :attr:`Report.report_id` it would get), None if unreadable."""
    h = hashlib.sha256()
    try:
        # only regular files: opening a named pipe or a device would block the caller
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


class _Timeout(Exception):
    pass


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def not_a_regular_file(source: str) -> BatchError | None:
    """The error record for a path that exists but is not a regular file (it is never opened:
    opening a named pipe or a device can block forever), None for anything else."""
    try:
        mode = os.stat(source).st_mode
    except (OSError, ValueError):
        return None  # missing or unreachable: the reader says so
    if stat.S_ISREG(mode):
        return None
    kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return BatchError(
        source, None, "NotARegularFile", f"{kind}, not a regular file: only files are read"
    )


def _parse_one(source: str, profile: str | None) -> Result:
    """Runs in a worker (or in-process): never raises for a document's sake."""
    import gxlib

    refused = not_a_regular_file(source)
    if refused is not None:
        return refused
    try:
        # a Path, never a str: parse() would read a str naming no file as report text
        return gxlib.parse(Path(source), profile=resolve_profile(profile))
    except _Timeout:
        raise
    except Exception as exc:  # a bug on one document must not end the run
        return BatchError(source, file_id(source), type(exc).__name__, str(exc))


def resolve_profile(profile: str | None) -> str | Profile | None:
    """A profile id as given, or the profile loaded from a ``.toml`` file naming one."""
    if profile is None or not profile.endswith(".toml"):
        return profile
    return _profile_file(os.path.abspath(profile))


@functools.lru_cache(maxsize=8)
def _profile_file(path: str) -> Profile:
    from gxlib.profiles import load_file

    return load_file(path)


def _work(source: str, profile: str | None, encode: Encoder | None) -> Any:
    """A task: parse, then (in the worker) turn the report into what the caller needs."""
    result = _parse_one(source, profile)
    if encode is None or isinstance(result, BatchError):
        return result
    try:
        return encode(result)
    except _Timeout:
        raise
    except Exception as exc:
        return BatchError(source, result.report_id, type(exc).__name__, str(exc))


def _failed(source: str, failure: str, timeout: float | None) -> BatchError:
    if failure == "Timeout":
        message = f"parsing took longer than {timeout or 0:g} s"
    else:
        message = "the worker process died on this document"
    return BatchError(source, file_id(source), failure, message)


def parse_many(
    paths: Iterable[str | os.PathLike[str]],
    workers: int | None = None,
    timeout: float | None = None,
    *,
    profile: str | None = None,
    ordered: bool = False,
) -> Iterator[Result]:
    """Parse every path, yielding a :class:`Report` or a :class:`BatchError` for each.

    ``workers``: processes (default: all cores); ``1`` parses in this process. Worker
    processes are started with :mod:`subprocess` and never import your ``__main__``, so this
    works from a plain script without ``if __name__ == "__main__":``, from a notebook and from
    an interactive session. ``timeout``: seconds per document, counted from the moment a ready
    worker takes it (start-up never counts); in-process it is enforced with ``SIGALRM`` where
    available (Unix, main thread), otherwise not at all. ``profile``: a profile id or a path
    to a ``.toml`` profile file. ``ordered=True`` yields in input order (a slow document then
    holds back the ones after it); otherwise results come as they finish. ``paths`` is consumed
    lazily, so a generator of millions of paths is fine. A path that is not a regular file
    (a named pipe, a device) is never opened: it becomes a ``NotARegularFile`` error.
    Raises :class:`gxlib.worker_pool.WorkerStartError` at once when worker processes cannot
    start.
    """
    yield from run_batch(paths, workers, timeout, profile=profile, ordered=ordered)


def run_batch(
    paths: Iterable[str | os.PathLike[str]],
    workers: int | None = None,
    timeout: float | None = None,
    *,
    profile: str | None = None,
    ordered: bool = False,
    encode: Encoder | None = None,
) -> Iterator[Any]:
    """:func:`parse_many`, with each report passed through ``encode`` where it was parsed.

    ``encode`` (a module-level function, so a worker can import it) turns a
    :class:`Report` into what the caller needs (e.g. a JSON line), so that workers send back
    small finished output instead of pickled reports. Yields ``encode(report)`` or a
    :class:`BatchError` for each input.
    """
    n = workers if workers is not None else (os.cpu_count() or 1)
    sources = (os.fspath(p) for p in paths)
    if n <= 1:
        yield from _in_process(sources, timeout, profile, encode)
    else:
        yield from _pooled(sources, n, timeout, profile, ordered, encode)


def _in_process(
    sources: Iterator[str], timeout: float | None, profile: str | None, encode: Encoder | None
) -> Iterator[Any]:
    use_alarm = (
        timeout is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    for source in sources:
        if not use_alarm or timeout is None:
            yield _work(source, profile, encode)
            continue

        def on_alarm(signum: int, frame: FrameType | None) -> None:
            raise _Timeout

        previous = signal.signal(signal.SIGALRM, on_alarm)
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                result = _work(source, profile, encode)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _Timeout:
            result = _failed(source, "Timeout", timeout)
        finally:
            signal.signal(signal.SIGALRM, previous)
        yield result


def _pooled(
    sources: Iterator[str],
    n: int,
    timeout: float | None,
    profile: str | None,
    ordered: bool,
    encode: Encoder | None,
) -> Iterator[Any]:
    from gxlib.worker_pool import Task, WorkerPool

    names: dict[int, str] = {}  # index → source, for the tasks in flight or buffered
    done: dict[int, Any] = {}  # finished, waiting for their turn (ordered output)
    next_out = 0

    def tasks() -> Iterator[Task]:
        for index, source in enumerate(sources):
            names[index] = source
            yield Task(index, _work, (source, profile, encode))

    def hold() -> bool:
        # ordered output keeps finished-but-unyielded results; bound them so memory stays flat
        return ordered and len(done) >= 2 * n

    with WorkerPool(n, timeout) as pool:
        for outcome in pool.run(tasks(), hold):
            source = names.pop(outcome.index)
            result = outcome.result
            if outcome.failure is not None:
                result = _failed(source, outcome.failure, timeout)
            if not ordered:
                yield result
                continue
            done[outcome.index] = result
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1


__all__ = [
    "BatchError",
    "Encoder",
    "Result",
    "file_id",
    "not_a_regular_file",
    "parse_many",
    "run_batch",
]
