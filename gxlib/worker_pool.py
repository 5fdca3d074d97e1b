"""Worker processes for batches: one document per worker, a deadline per document, crash isolation.

Each worker is a fresh ``python -c`` process started with :mod:`subprocess` (public API only)
that talks to the parent over its stdin/stdout with pickles. Why not :mod:`multiprocessing`:

* no ``__main__`` re-import, so ``parse_many(..., workers=2)`` works from a script without
  ``if __name__ == "__main__":``, a notebook or an interactive session;
* a worker that overruns its deadline is simply killed (``Popen.kill``) and replaced, with no
  reach into a pool's private process table;
* a worker holds one document at a time, so a worker that dies names its document exactly:
  nothing else is retried and nothing is lost.

A worker reports ``ready`` only after importing gxlib and loading the profiles, and a
document's deadline starts when it is handed to a ready worker: start-up never counts against
``timeout``. Workers ignore Ctrl-C (the parent stops them) and write nothing to the terminal.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from attrs import frozen

from gxlib.errors import GxlibError

# the child reads the parent's sys.path first, so it imports the same gxlib and plugins
_BOOT = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from gxlib.worker_pool import serve; serve()"
)
_READY = "ready"
_DEAD = object()
# a run whose workers keep dying before they are ready cannot make progress: stop it
_MAX_START_FAILURES = 3


class WorkerStartError(GxlibError):
    """Worker processes could not be started (the message carries the worker's own error)."""


@frozen
class Task:
    """One document for a worker: ``work(*args)`` runs there and its result comes back."""

    index: int
    work: Callable[..., Any]
    args: tuple[Any, ...]


@frozen
class Outcome:
    """What became of a task: ``result`` (the work's return value) or ``failure``."""

    index: int
    result: Any = None
    failure: str | None = None  # "Timeout" or "WorkerCrashed"


# -- child side ----------------------------------------------------------------------------------
def serve() -> None:
    """The worker's loop: read tasks from stdin, write ``(index, result)`` pickles to stdout."""
    out = _private_stdout()
    with contextlib.suppress(Exception):
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from gxlib.profiles import registry

        # profiles the parent registered at run time (a notebook's own profile, say)
        for profile in pickle.load(sys.stdin.buffer):
            registry.register(profile, replace=True)
        _warm_up()
    except BaseException as exc:  # the parent shows this, the worker has no terminal
        _send(out, ("fatal", f"{type(exc).__name__}: {exc}"))
        return
    _send(out, (_READY,))
    stdin = sys.stdin.buffer
    while True:
        try:
            task: Task = pickle.load(stdin)
        except EOFError:
            return
        _send(out, (task.index, task.work(*task.args)))


def _private_stdout() -> BinaryIO:
    """The protocol gets its own copy of fd 1; fd 1 itself goes to devnull, so a stray print
    in a plugin or a library cannot corrupt the stream of results."""
    out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    return out


def _send(out: BinaryIO, message: object) -> None:
    pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


def _warm_up() -> None:
    """Pay the imports and the profile loading before the first deadline starts."""
    import importlib

    import gxlib
    from gxlib.profiles import registry

    registry.all_profiles()
    gxlib.parse_text("warm-up")
    # readers import their third-party libraries lazily; load the installed ones now
    for name in ("lxml.html", "lxml.etree", "pdfplumber", "pypdfium2"):
        with contextlib.suppress(Exception):
            importlib.import_module(name)


# -- parent side ---------------------------------------------------------------------------------
class _Worker:
    """A worker process, the task it holds and a thread that forwards what it sends."""

    def __init__(self, events: queue.Queue[tuple[_Worker, Any]]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _BOOT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.ready = False
        self.task: Task | None = None
        self.deadline = float("inf")
        self.fatal = ""
        self._stdin = self.proc.stdin
        assert self._stdin is not None and self.proc.stdout is not None
        with contextlib.suppress(OSError):  # died at once: the reader thread reports it
            from gxlib.profiles import registry

            pickle.dump(list(sys.path), self._stdin)
            pickle.dump(registry.registered(), self._stdin)
            self._stdin.flush()
        thread = threading.Thread(target=self._forward, args=(events,), daemon=True)
        thread.start()

    def _forward(self, events: queue.Queue[tuple[_Worker, Any]]) -> None:
        stream = self.proc.stdout
        assert stream is not None
        with stream:
            while True:
                try:
                    message = pickle.load(stream)
                except Exception:  # EOF or a stream cut short by a kill: the worker is gone
                    events.put((self, _DEAD))
                    return
                events.put((self, message))

    def give(self, task: Task, timeout: float | None) -> bool:
        """Hand a task over; False when the worker is already gone."""
        self.task = task
        self.deadline = time.monotonic() + timeout if timeout is not None else float("inf")
        try:
            assert self._stdin is not None
            pickle.dump(task, self._stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._stdin.flush()
        except (OSError, ValueError):
            self.task, self.deadline = None, float("inf")
            return False
        return True

    def stop(self, *, kill: bool) -> None:
        with contextlib.suppress(OSError, ValueError):
            assert self._stdin is not None
            self._stdin.close()  # EOF: an idle worker leaves on its own
        if kill:
            with contextlib.suppress(OSError):
                self.proc.kill()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class WorkerPool:
    """``n`` worker processes; :meth:`run` streams an :class:`Outcome` for every task."""

    def __init__(self, n: int, timeout: float | None) -> None:
        self.n = n
        self.timeout = timeout
        self._events: queue.Queue[tuple[_Worker, Any]] = queue.Queue()
        self._workers: list[_Worker] = []
        self._start_failures = 0  # in a row, without a worker becoming ready in between

    def __enter__(self) -> WorkerPool:
        self._workers = [_Worker(self._events) for _ in range(self.n)]
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(kill=exc[0] is not None)

    def close(self, *, kill: bool = True) -> None:
        workers, self._workers = self._workers, []
        for w in workers:
            w.stop(kill=kill or w.task is not None)

    def run(
        self, tasks: Iterator[Task], hold: Callable[[], bool] = lambda: False
    ) -> Iterator[Outcome]:
        """Feed ``tasks`` lazily (one per idle worker) and yield each outcome as it comes.

        While ``hold()`` is true no new task is taken (the caller's buffer is full); tasks
        already taken are still run."""
        pending: list[Task] = []  # given back by a worker that died before taking them
        exhausted = False
        while True:
            for w in self._workers:
                if not w.ready or w.task is not None:
                    continue
                if pending:
                    task: Task | None = pending.pop()
                elif exhausted or hold():
                    break
                else:
                    task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                if not w.give(task, self.timeout):
                    pending.append(task)  # its death is on the way as an event
            if exhausted and not pending and all(w.task is None for w in self._workers):
                return
            yield from self._next_events(pending)

    def _next_events(self, pending: list[Task]) -> Iterator[Outcome]:
        wait = min((w.deadline for w in self._workers), default=float("inf")) - time.monotonic()
        try:
            worker, message = self._events.get(
                timeout=None if wait == float("inf") else max(wait, 0.0)
            )
        except queue.Empty:
            yield from self._expire()
            return
        if worker not in self._workers:
            return  # a worker already replaced (killed on a timeout): its last words don't count
        if message is _DEAD:
            yield from self._died(worker, pending)
        elif message[0] == _READY:
            worker.ready = True
            self._start_failures = 0
        elif message[0] == "fatal":
            worker.fatal = message[1]
        else:
            index, result = message
            worker.task = None
            worker.deadline = float("inf")
            yield Outcome(index, result=result)

    def _expire(self) -> Iterator[Outcome]:
        now = time.monotonic()
        for w in list(self._workers):
            if w.task is not None and w.deadline <= now:
                task = w.task
                self._replace(w)
                yield Outcome(task.index, failure="Timeout")

    def _died(self, worker: _Worker, pending: list[Task]) -> Iterator[Outcome]:
        task = worker.task
        if not worker.ready:
            self._start_failures += 1
            if task is not None:
                pending.append(task)
            if self._start_failures >= _MAX_START_FAILURES * self.n:
                raise WorkerStartError(_start_message(worker))
        self._replace(worker)
        if worker.ready and task is not None:
            yield Outcome(task.index, failure="WorkerCrashed")

    def _replace(self, worker: _Worker) -> None:
        worker.task = None
        worker.stop(kill=True)
        self._workers[self._workers.index(worker)] = _Worker(self._events)


def _start_message(worker: _Worker) -> str:
    code = worker.proc.returncode
    why = worker.fatal or f"the worker process exited with status {code} before it was ready"
    return (
        f"worker processes could not start: {why}. Check that `{sys.executable} -c "
        "'import gxlib'` works, or run with workers=1 (--workers 1) to parse in this process"
    )


__all__ = ["Outcome", "Task", "WorkerPool", "WorkerStartError", "serve"]
