"""Encoders for batch tests: imported by the worker processes, so they live in a module.

They misbehave on purpose for documents whose file name says so, standing in for a reader that
hangs or a native library that kills its process.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from gxlib.report import Report


def misbehave(report: Report) -> Report:
    name = Path(report.source or "").name
    if name.startswith("hang"):
        time.sleep(3600)
    if name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    return report


def slow_start_marker(report: Report) -> str:
    return report.report_id or ""
