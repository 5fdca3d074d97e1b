"""The benchmark's inputs parse back to the reports they were built from.

A benchmark that times a wrong reading measures nothing: every page and text report the
benchmark builds (benchmarks/pages.py) must give back each generated value, and no error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import gxlib
from gxlib.testing import GeneratedReport, assert_reads_back, reports

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from pages import text_report, web_page


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(reports(blanks=False))
def test_web_page_reads_back(gen: GeneratedReport) -> None:
    pytest.importorskip("lxml")
    for word in (True, False):
        page = web_page(gen, word=word)
        assert 20_000 < len(page.encode()) < 70_000  # the sizes of pages real sites serve
        assert_reads_back(gen, gxlib.parse(page.encode("utf-8")))


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(reports(blanks=False))
def test_text_report_reads_back(gen: GeneratedReport) -> None:
    for style in ("tabs", "pipes", "cells", "markdown"):
        assert_reads_back(gen, gxlib.parse_text(text_report(gen, style)))
