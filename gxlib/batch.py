"""Parsing many documents: a process pool that streams results and never loses a document.

:func:`parse_many` yields, for every input, either a :class:`~gxlib.report.Report` or a
:class:`BatchError`. Work in flight is bounded (one document per worker), so memory stays flat
however many paths are given. A document that exceeds the time limit, raises, or kills its
worker process becomes a :class:`BatchError` and the run goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import stat
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from attrs import frozen

from gxlib.report import Report

if TYPE_CHECKING:  # the pool's modules load with the first pool: `import gxlib` stays cheap
    from concurrent.futures import Future, ProcessPoolExecutor

_POLL = 0.05


@frozen
class BatchError:
    """An input that did not become a report.

    ``error`` is the exception class name, or ``Timeout`` / ``WorkerCrashed``; ``report_id`` is
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


def _parse_one(source: str, profile: str | None) -> Result:
    """Runs in a worker (or in-process): never raises for a document's sake."""
    import gxlib

    try:
        # a Path, never a str: parse() would read a str naming no file as report text
        return gxlib.parse(Path(source), profile=profile)
    except _Timeout:
        raise
    except Exception as exc:  # a bug on one document must not end the run
        return BatchError(source, file_id(source), type(exc).__name__, str(exc))


def _timed_out(source: str, timeout: float) -> BatchError:
    return BatchError(source, file_id(source), "Timeout", f"parsing took longer than {timeout:g} s")


def parse_many(
    paths: Iterable[str | os.PathLike[str]],
    workers: int | None = None,
    timeout: float | None = None,
    *,
    profile: str | None = None,
    ordered: bool = False,
) -> Iterator[Result]:
    """Parse every path, yielding a :class:`Report` or a :class:`BatchError` for each.

    ``workers``: processes (default: all cores); ``1`` parses in this process. ``timeout``:
    seconds per document; in-process it is enforced with ``SIGALRM`` where available (Unix, main
    thread), otherwise not at all. ``ordered=True`` yields in input order (a slow document then
    holds back the ones after it); otherwise results come as they finish. ``paths`` is consumed
    lazily, so a generator of millions of paths is fine.
    """
    n = workers if workers is not None else (os.cpu_count() or 1)
    sources = (os.fspath(p) for p in paths)
    if n <= 1:
        yield from _in_process(sources, timeout, profile)
    else:
        yield from _pooled(sources, n, timeout, profile, ordered)


def _in_process(
    sources: Iterator[str], timeout: float | None, profile: str | None
) -> Iterator[Result]:
    use_alarm = (
        timeout is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    for source in sources:
        if not use_alarm or timeout is None:
            yield _parse_one(source, profile)
            continue

        def on_alarm(signum: int, frame: FrameType | None) -> None:
            raise _Timeout

        previous = signal.signal(signal.SIGALRM, on_alarm)
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                result = _parse_one(source, profile)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _Timeout:
            result = _timed_out(source, timeout)
        finally:
            signal.signal(signal.SIGALRM, previous)
        yield result


def _new_pool(n: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: no fork of a parent holding threads or big state; same behaviour on every OS
    return ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"))


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now, including a worker stuck in a document (shutdown alone would wait)."""
    procs = list(getattr(pool, "_processes", {}).values())
    for p in procs:
        with contextlib.suppress(Exception):
            p.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(5)


def _pooled(
    sources: Iterator[str], n: int, timeout: float | None, profile: str | None, ordered: bool
) -> Iterator[Result]:
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    pool = _new_pool(n)
    # index → (source, future, started); at most n in flight so each starts at once, which
    # makes "started" the real start and the time limit per document, not per queue wait
    running: dict[int, tuple[str, Future[Result], float]] = {}
    done: dict[int, Result] = {}
    retry: deque[tuple[int, str]] = deque()  # in flight when the pool was replaced: rerun
    isolate = False  # after a crash, suspects run one at a time to find the culprit
    next_out = 0
    counter = 0
    exhausted = False
    try:
        while True:
            limit = 1 if isolate else n
            while len(running) < limit and (retry or not exhausted):
                # ordered output keeps finished-but-unyielded results; bound them too
                if ordered and len(running) + len(done) >= 2 * n:
                    break
                if retry:
                    idx, src = retry.popleft()
                else:
                    src_next = next(sources, None)
                    if src_next is None:
                        exhausted = True
                        break
                    idx, src = counter, src_next
                    counter += 1
                running[idx] = (src, pool.submit(_parse_one, src, profile), time.monotonic())
            if not running:
                if ordered:
                    while next_out in done:
                        yield done.pop(next_out)
                        next_out += 1
                if exhausted and not retry and not running:
                    break
                continue
            futures = [f for _, f, _ in running.values()]
            wait(
                futures, timeout=_POLL if timeout is not None else None, return_when=FIRST_COMPLETED
            )
            broken = False
            now = time.monotonic()
            for idx, (src, fut, started) in list(running.items()):
                if fut.done():
                    del running[idx]
                    try:
                        done[idx] = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        running[idx] = (src, fut, started)  # handled below
                    except Exception as exc:  # e.g. a result that does not unpickle
                        done[idx] = BatchError(src, file_id(src), type(exc).__name__, str(exc))
                elif timeout is not None and now - started > timeout:
                    done[idx] = _timed_out(src, timeout)
                    del running[idx]
                    broken = True  # the only way to stop that worker is to replace the pool
            if broken:
                crashed = [(i, s) for i, (s, f, _) in running.items() if f.done() and _is_broken(f)]
                if isolate and len(crashed) == 1 and len(running) == 1:
                    i, s = crashed[0]
                    done[i] = BatchError(
                        s, file_id(s), "WorkerCrashed", "the worker process died on this document"
                    )
                    running.clear()
                else:
                    if crashed:
                        isolate = True
                    retry.extendleft(
                        sorted(((i, s) for i, (s, _, _) in running.items()), reverse=True)
                    )
                    running.clear()
                _kill(pool)
                pool = _new_pool(n)
            if isolate and not retry and not running:
                isolate = False
            if ordered:
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
            else:
                for idx in sorted(done):
                    yield done.pop(idx)
    finally:
        _kill(pool)


def _is_broken(fut: Future[Result]) -> bool:
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(fut.exception(), BrokenProcessPool)


__all__ = ["BatchError", "Result", "file_id", "parse_many"]
