"""One input that hangs in worker processes, to test batch timeouts and crash isolation.

No input hangs gxlib any more (a FIFO used to: issue 15 item 5), so the hang is simulated:
a ``sitecustomize`` on the workers' ``PYTHONPATH`` makes opening a file of the given name
sleep. Only interpreters started after the call (the spawned workers) are affected.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_SITECUSTOMIZE = """
import builtins, io, os, time

_NAME = os.environ.get("GXLIB_TEST_HANG_ON")
if _NAME:
    _os_open, _open = os.open, builtins.open

    def _hang_if(path):
        if isinstance(path, (str, bytes, os.PathLike)):
            if os.path.basename(os.fsdecode(path)) == _NAME:
                time.sleep(3600)

    def _hanging_os_open(path, *args, **kwargs):
        _hang_if(path)
        return _os_open(path, *args, **kwargs)

    def _hanging_open(file, *args, **kwargs):
        _hang_if(file)
        return _open(file, *args, **kwargs)

    os.open = _hanging_os_open
    builtins.open = io.open = _hanging_open
"""


def hang_on_open(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Write a small report to *path*; worker processes started from now on hang opening it."""
    path.write_text("某某县人民政府2020年政府信息公开工作年度报告\n", encoding="utf-8")
    site = path.parent.parent / f"hang-site-{path.name}"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(_SITECUSTOMIZE, encoding="utf-8")
    paths = [str(site), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    monkeypatch.setenv("GXLIB_TEST_HANG_ON", path.name)
