"""Junk thrown at the entry points (issue 15): gxlib.parse, parse_bytes, parse_text and
readers.read_document. Whatever they get, only gxlib's own exceptions escape, and every call
returns within a time limit (nothing hangs). Examples stay small so the run stays fast."""

from __future__ import annotations

import contextlib
import io
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gxlib
from gxlib.readers import read_document

LIMIT_SECONDS = 30  # generous: the machine may be shared; a hang is minutes, not seconds


@contextlib.contextmanager
def _no_hang() -> Iterator[None]:
    if sys.platform == "win32" or not hasattr(signal, "SIGALRM"):
        yield
        return

    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"the call did not return within {LIMIT_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(LIMIT_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _only_gxlib_errors(call: Callable[[], object]) -> None:
    with _no_hang(), contextlib.suppress(gxlib.GxlibError):
        call()


# Prefixes that steer bytes into every branch of the sniffing: readers, refusals, wide text.
_PREFIXES = [
    b"",
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"PK\x03\x04word/",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"\x89PNG\r\n\x1a\n",
    b"\x1f\x8b",
    b"BZh9",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"<html><body><table><tr><td>",
    "一、总体情况\n（一）主动公开\n".encode("gbk"),
]

junk_bytes = st.builds(
    lambda prefix, rest: prefix + rest, st.sampled_from(_PREFIXES), st.binary(max_size=1500)
)


class _Raising:
    def read(self, *args: object) -> bytes:
        raise RuntimeError("the stream broke")


class _ReadsWrongType:
    name = 7

    def read(self, *args: object) -> object:
        return 12345


class _BadName:
    @property
    def name(self) -> str:
        raise ValueError("no name")

    def read(self, *args: object) -> str:
        return "hello"


junk_objects = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.lists(st.integers(), max_size=5),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.builds(object),
    st.builds(bytearray, junk_bytes),
    st.builds(memoryview, junk_bytes),
    st.builds(io.BytesIO, junk_bytes),
    st.builds(io.StringIO, st.text(max_size=500)),
    st.just(_Raising()),
    st.just(_ReadsWrongType()),
    st.just(_BadName()),
    st.builds(lambda s: Path("no-such-dir") / s, st.text(max_size=20)),
)


@given(junk_bytes)
def test_junk_bytes(data: bytes) -> None:
    _only_gxlib_errors(lambda: gxlib.parse_bytes(data))
    _only_gxlib_errors(lambda: read_document(data))
    _only_gxlib_errors(lambda: gxlib.parse(io.BytesIO(data)))


@given(st.text(max_size=1500))
def test_junk_text(text: str) -> None:
    _only_gxlib_errors(lambda: gxlib.parse_text(text))
    _only_gxlib_errors(lambda: read_document(text))


@given(st.text(max_size=60))
def test_junk_str_as_path(text: str) -> None:
    # a str given to parse() is a path; junk names a file that does not exist (or is refused)
    _only_gxlib_errors(lambda: gxlib.parse(text))


@given(st.one_of(junk_objects, junk_bytes, st.text(max_size=200)))
def test_junk_objects_at_every_entry_point(obj: object) -> None:
    for entry in (gxlib.parse, gxlib.parse_bytes, gxlib.parse_text, read_document):
        _only_gxlib_errors(lambda entry=entry: entry(obj))  # type: ignore[misc,operator]


@pytest.mark.parametrize(
    "obj", [None, 3, 2.5, [1, 2], {"a": 1}, object()], ids=lambda o: type(o).__name__
)
def test_wrong_types_are_unreadable_input(obj: object) -> None:
    for entry in (gxlib.parse, gxlib.parse_bytes, gxlib.parse_text, read_document):
        with pytest.raises(gxlib.UnreadableInputError):
            entry(obj)  # type: ignore[arg-type]
