"""Turn raw input (bytes, files, streams or text) into text, recording every step taken.

Reports arrive in UTF-8, GBK/GB2312/GB18030, Big5 (and its extensions) or UTF-16/32, sometimes
with a wrong ``<meta charset>``, sometimes as mojibake, sometimes already as ``str``. The
decoding ladder for bytes is:

1. a byte-order mark (UTF-8, UTF-16, UTF-32, GB18030) decides;
2. bytes that are valid UTF-8 are UTF-8, whatever is declared -- unless NUL bytes reveal
   UTF-16/32 without a BOM, HZ escapes reveal HZ, or the bytes are a tiny GBK/Big5 text whose
   UTF-8 reading has only characters no report contains (``一`` in GBK is Cyrillic ``һ``);
3. a declared charset (the caller's, else ``<meta>``/XML) is used if it decodes the bytes
   strictly and, when its reading looks wrong, no other Chinese encoding reads them clearly
   better (GB18030 decodes Big5 bytes without error);
4. otherwise GB18030 and CP950/Big5-HKSCS (and UTF-16/32 when chardet or NUL bytes suggest
   them) are tried and compared: very common report characters count for a reading; rare
   ideographs, foreign letters (what a wrong reading produces) and control or private-use
   characters count against it; chardet breaks ties and is reported;
5. last resort: the best reading with ``errors="replace"``, marked not confident.

An input cut off inside a character keeps its encoding; the partial character becomes U+FFFD.
Then, for bytes and ``str`` alike, legacy mojibake (GBK or Big5 read as Latin-1/Windows-1252,
which ftfy cannot repair) and UTF-8 mojibake (ftfy, restricted to encoding repairs) are fixed,
a leading U+FEFF is removed and newlines become ``\\n``. Each of these is recorded as a
:class:`~gxlib.document.Step`; text that needs none of them comes out unchanged.

All functions here raise only :class:`~gxlib.errors.GxlibError` subclasses.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import functools
import os
import re
import stat
from collections.abc import Callable, Iterable
from typing import Final

import chardet
import ftfy
import ftfy.bad_codecs  # registers the "sloppy-windows-1252" codec
from attrs import frozen

from gxlib.document import Step
from gxlib.errors import (
    InputNotFoundError,
    InputTooLargeError,
    UnreadableInputError,
    UnsupportedInputError,
)

__all__ = [
    "GUESSED",
    "MAX_INPUT_BYTES",
    "SNIFF_BYTES",
    "Decoded",
    "control_share",
    "decode",
    "decode_bytes",
    "decode_text",
    "decoding_notes",
    "read_source",
    "sniff_declared_charset",
    "wide_text_codec",
]

MAX_INPUT_BYTES: Final = 256 * 1024 * 1024
"""Largest input accepted (bytes for binary input, characters for text input)."""

SNIFF_BYTES: Final = 4096
"""How much of the input :func:`sniff_declared_charset` looks at."""

_SCORE_CHARS: Final = 200_000
"""Candidate readings are compared on (at most) this many leading characters."""


@frozen
class Decoded:
    """The decoded text and how it was obtained."""

    text: str
    encoding: str | None
    """Python codec name used; ``None`` when the input was already ``str``."""
    steps: tuple[Step, ...]
    """Every step applied, in order."""
    confident: bool = True
    """False when the encoding was a guess (weak evidence, or the final lossy fallback)."""


# --------------------------------------------------------------------------------------------
# Reading the source
# --------------------------------------------------------------------------------------------

_ACCEPTED = (
    "str (text, never a path), bytes, bytearray, memoryview, an os.PathLike path, "
    "or a binary or text file-like object with .read()"
)


def read_source(source: object) -> tuple[bytes | str, str | None]:
    """Return the raw content of *source* and a display name.

    A ``str`` is TEXT, never a path: it is returned as is, with name ``None``. Bytes-like
    objects become ``bytes``. An :class:`os.PathLike` is read as a file (name ``str(path)``).
    A file-like object (anything with ``.read()``) is read to the end; its name comes from
    ``.name`` when that is a string or path. Anything else, and any file that cannot be read,
    raises :class:`UnreadableInputError`; input over :data:`MAX_INPUT_BYTES` raises
    :class:`InputTooLargeError`.
    """
    if isinstance(source, str):
        _check_size(len(source), None, "characters")
        return str(source), None
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _bytes_like(source, None), None
    if isinstance(source, os.PathLike):
        return _read_path(source)
    try:
        read = getattr(source, "read", None)
    except Exception as exc:  # a property that raises: not a readable object
        raise UnreadableInputError(
            f"cannot read input of type {type(source).__name__}: {exc}"
        ) from exc
    if callable(read):
        return _read_file_like(source, read)
    raise UnreadableInputError(
        f"cannot read input of type {type(source).__name__}; accepted: {_ACCEPTED}"
    )


def _check_size(size: int, name: str | None, unit: str = "bytes") -> None:
    if size > MAX_INPUT_BYTES:
        where = f" {name!r}" if name else ""
        raise InputTooLargeError(
            f"input{where} is larger than the limit of {MAX_INPUT_BYTES} {unit}"
        )


def _bytes_like(data: bytes | bytearray | memoryview, name: str | None) -> bytes:
    try:
        size = data.nbytes if isinstance(data, memoryview) else len(data)
        _check_size(size, name)
        return bytes(data)
    except (ValueError, TypeError, BufferError) as exc:  # e.g. a released memoryview
        raise UnreadableInputError(f"cannot read the buffer: {exc}") from exc


def _read_path(source: os.PathLike[str] | os.PathLike[bytes]) -> tuple[bytes, str]:
    """Read a regular file. Anything else (directory, FIFO, device, socket, a symlink loop) is
    refused before it is opened, and the descriptor is checked again after opening (the path
    may have been swapped), so nothing can block: a FIFO opened with O_NONBLOCK returns at
    once instead of waiting for a writer."""
    try:
        fspath = os.fspath(source)
        name = os.fsdecode(fspath)
    except Exception as exc:
        raise UnreadableInputError(f"invalid path {source!r}: {exc}") from exc
    try:
        _require_regular(os.stat(fspath).st_mode, name)
        fd = os.open(fspath, _OPEN_FLAGS)
        with open(fd, "rb", closefd=True) as handle:
            info = os.fstat(fd)
            _require_regular(info.st_mode, name)
            size = info.st_size
            _check_size(size, name)
            # Read what the file reports (asking for the limit allocates that much for every
            # file); read on, bounded, if it reports 0 (/proc files) or grew meanwhile.
            data = handle.read(size + 1) if size else b""
            if not size or len(data) > size:
                data += handle.read(MAX_INPUT_BYTES + 1 - len(data))
    except FileNotFoundError as exc:
        raise InputNotFoundError(f"file not found: {name!r}") from exc
    except (OSError, ValueError) as exc:  # ValueError: embedded NUL in the path
        if isinstance(exc, OSError) and exc.errno == errno.ELOOP:
            raise UnreadableInputError(
                f"cannot read file {name!r}: too many levels of symbolic links (a symlink loop)"
            ) from exc
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UnreadableInputError(f"cannot read file {name!r}: {reason}") from exc
    _check_size(len(data), name)
    return data, name


# O_NONBLOCK: opening a FIFO for reading must not wait for a writer (it is refused right after).
_OPEN_FLAGS: Final = os.O_RDONLY | (
    getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
)

_NOT_REGULAR: Final = (
    (stat.S_ISDIR, "directory"),
    (stat.S_ISFIFO, "FIFO (named pipe)"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
)


def _require_regular(mode: int, name: str) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((what for test, what in _NOT_REGULAR if test(mode)), "special file")
    raise UnsupportedInputError(
        f"{name!r} is a {kind}, not a regular file; gxlib reads only regular files", kind
    )


def _read_file_like(source: object, read: Callable[..., object]) -> tuple[bytes | str, str | None]:
    name = _file_like_name(source)
    label = repr(name) if name else f"{type(source).__name__} object"
    try:
        try:
            content = read(MAX_INPUT_BYTES + 1)
        except TypeError:  # a read() that takes no size argument
            content = read()
    except Exception as exc:  # whatever the stream raises, it is unreadable input
        raise UnreadableInputError(f"cannot read from {label}: {exc}") from exc
    if isinstance(content, str):
        _check_size(len(content), name, "characters")
        return str(content), name
    if isinstance(content, (bytes, bytearray, memoryview)):
        return _bytes_like(content, name), name
    raise UnreadableInputError(
        f"{label}.read() returned {type(content).__name__}, expected bytes or str"
    )


def _file_like_name(source: object) -> str | None:
    try:
        name = getattr(source, "name", None)
        if isinstance(name, str):
            return name
        if isinstance(name, (bytes, os.PathLike)):
            return os.fsdecode(name)
    except Exception:  # a name is only for display
        return None
    return None


# --------------------------------------------------------------------------------------------
# Charset labels
# --------------------------------------------------------------------------------------------

# Labels (mostly from the WHATWG Encoding Standard) that Python's codec registry does not know.
_EXTRA_LABELS: Final = {
    "x-gbk": "gbk",
    "csgb2312": "gbk",
    "gb_2312": "gbk",
    "gb_2312-80": "gbk",
    "windows-936": "gbk",
    "x-euc-cn": "gbk",
    "x-big5": "big5",
    "cn-big5": "big5",
    "x-x-big5": "big5",
    "windows-950": "cp950",
    "unicode-1-1-utf-8": "utf-8",
    "unicode11utf8": "utf-8",
    "unicode20utf8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "unicode": "utf-16-le",
    "ucs-2": "utf-16-le",
    "csunicode": "utf-16-le",
    "iso-10646-ucs-2": "utf-16-le",
    "unicodefeff": "utf-16-le",
}

# Text codecs that are not character encodings of documents (or are unsafe to honour).
_NOT_CHARSETS: Final = frozenset(
    {
        "idna",
        "punycode",
        "raw-unicode-escape",
        "unicode-escape",
        "undefined",
        "utf-7",  # banned by HTML for security reasons
        "mbcs",
        "oem",
    }
)

_LABEL_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,39}")


def _normalize_charset(label: str) -> str | None:
    """Python codec name for a charset label, or None for unknown or non-charset labels."""
    cleaned = label.strip().strip("\"'").strip().lower()
    if not _LABEL_RE.fullmatch(cleaned):
        return None
    cleaned = _EXTRA_LABELS.get(cleaned, cleaned)
    try:
        info = codecs.lookup(cleaned)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


_XML_DECL_RE: Final = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*<\?xml\s[^>]{0,512}?\bencoding\s*=\s*[\"']\s*([^\"'\s>]{1,40})",
    re.IGNORECASE,
)
_META_RE: Final = re.compile(
    rb"<meta\b[^>]{0,1024}?\bcharset\s*=\s*[\"']?\s*([^\"'\s;>/]{1,40})", re.IGNORECASE
)


def sniff_declared_charset(data: bytes) -> str | None:
    """Return the charset declared in the first :data:`SNIFF_BYTES` of *data*, if any.

    Looks at an XML declaration ``encoding="..."`` at the start, then at HTML
    ``<meta charset=...>`` and ``<meta http-equiv="Content-Type" content="...; charset=...">``.
    The result is a normalised Python codec name (``"gbk"``, ``"big5"``, ``"utf-8"``...), or
    ``None`` when nothing (or nothing known) is declared. Input that is not bytes-like gives
    ``None``.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        return None
    try:
        head = bytes(data[:SNIFF_BYTES])
    except (ValueError, TypeError, BufferError):
        return None
    matches: list[bytes] = []
    xml = _XML_DECL_RE.match(head)
    if xml:
        matches.append(xml.group(1))
    matches.extend(m.group(1) for m in _META_RE.finditer(head))
    for raw in matches:
        name = _normalize_charset(raw.decode("ascii", "replace"))
        if name is not None:
            return name
    return None


# --------------------------------------------------------------------------------------------
# Scoring candidate readings
# --------------------------------------------------------------------------------------------

# Very common characters of these reports, Simplified and Traditional. A reading in the right
# encoding contains many of them; a reading in the wrong one almost none.
_COMMON: Final = frozenset(
    "的政府信息公开年报告申请行数量情况本工作局市人民国法规定依条例主动理复议诉讼件会部门网站"
    "统计度关于和在为是有中不等进发布"
    "開報請數況國規條動復議訴訟會門網統計關於為進發佈"
)


def _frequent_ideographs() -> frozenset[str]:
    """The level-1 (frequent) ideographs of GB2312 (3755) and Big5 (5401).

    Text in the right encoding is almost all frequent characters; text in the wrong one is
    largely rare characters, kana, Cyrillic... -- a second signal next to :data:`_COMMON` that
    also works on short snippets without any of those.
    """
    chars: set[str] = set()
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("gb2312"))
    for lead in range(0xA4, 0xC7):
        for trail in trails:
            if (lead << 8 | trail) > 0xC67E:
                break
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("big5"))
    return frozenset(chars)


_FREQUENT_RE: Final = re.compile("[" + "".join(sorted(_frequent_ideographs())) + "]")
# Ideographs, and what a wrong reading of GB or Big5 bytes produces but a report (almost) never
# contains: Greek and Cyrillic letters, radicals, kana, bopomofo, Hangul, halfwidth katakana.
_IDEOGRAPH_OR_FOREIGN_RE: Final = re.compile(
    "[\u0370-\u04ff\u2e80-\u2fdf\u3040-\u312f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]"
)
# Characters no correct reading of a report contains: controls, surrogates, private use, U+FFFD.
_ODD_RE: Final = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd\U000f0000-\U0010ffff]"
)
_CJK_RE: Final = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uffef\U00020000-\U0003134f]"
)
# Non-ASCII characters that are neither evidence for nor against CJK text.
_NEUTRAL_RE: Final = re.compile("[\u00a0\u00b7\u2010-\u206f\u2500-\u257f\u25a0-\u25ff]")
_NON_ASCII_RE: Final = re.compile("[^\x00-\x7f]")


def _cjk_share(text: str) -> tuple[int, int]:
    """(CJK characters, non-ASCII characters other than neutral punctuation) of *text*."""
    sample = text[:_SCORE_CHARS]
    relevant = len(_NON_ASCII_RE.findall(sample)) - len(_NEUTRAL_RE.findall(sample))
    return len(_CJK_RE.findall(sample)), relevant


def _mostly_cjk(text: str) -> bool:
    cjk, relevant = _cjk_share(text)
    return relevant > 0 and cjk >= 0.9 * relevant


class _Reading:
    """One way of decoding the input, with the evidence for it (counted on first use: the
    usual valid-UTF-8 input never needs it)."""

    __slots__ = ("_evidence", "codec", "tail", "text")

    def __init__(self, codec: str, text: str, tail: int = 0) -> None:
        self.codec = codec
        self.text = text
        self.tail = tail  # bytes of an incomplete final character replaced by U+FFFD
        self._evidence: tuple[int, int, int] | None = None

    def _counts(self) -> tuple[int, int, int]:
        if self._evidence is None:
            sample = self.text[:_SCORE_CHARS]
            common = sum(sample.count(ch) for ch in _COMMON)
            rare = len(_IDEOGRAPH_OR_FOREIGN_RE.findall(sample)) - len(_FREQUENT_RE.findall(sample))
            self._evidence = (common, rare, len(_ODD_RE.findall(sample)))
        return self._evidence

    @property
    def common(self) -> int:
        """Characters of _COMMON."""
        return self._counts()[0]

    @property
    def rare(self) -> int:
        """Ideographs that are not frequent, and foreign letters."""
        return self._counts()[1]

    @property
    def odd(self) -> int:
        """Characters of _ODD_RE."""
        return self._counts()[2]

    @property
    def score(self) -> int:
        return self.common - self.rare - self.odd

    def describe(self) -> str:
        return (
            f"{self.codec} ({self.common} common report characters, {self.rare} rare or foreign "
            f"ones, {self.odd} odd ones)"
        )


def _reading(codec: str, text: str, tail: int = 0) -> _Reading:
    return _Reading(codec, text, tail)


def _strict(data: bytes, codec: str, *, allow_tail: bool = True) -> _Reading | None:
    """Decode strictly, or return None. With *allow_tail*, an incomplete final character (input
    that was cut off) becomes U+FFFD and is reported in :attr:`_Reading.tail`."""
    try:
        decoder = codecs.getincrementaldecoder(codec)("strict")
        text = decoder.decode(data, final=False)
        pending = decoder.getstate()[0]
        if not pending:
            return _reading(codec, text + decoder.decode(b"", final=True))
    except (UnicodeError, LookupError, ValueError, TypeError):
        return None
    if not allow_tail or len(pending) > 3:
        return None
    return _reading(codec, text + "\ufffd", len(pending))


def _lossy(data: bytes, codec: str) -> _Reading:
    return _reading(codec, data.decode(codec, errors="replace"))


# --------------------------------------------------------------------------------------------
# Binary or text
# --------------------------------------------------------------------------------------------

# Control bytes that text in GB, Big5 or UTF-8 never holds (tab, LF, CR and FF it may).
_CONTROL_BYTES: Final = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_NOT_CONTROL: Final = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_PRINTABLE_ASCII_RE: Final = re.compile("[\t\n\r\x20-\x7e]")


def control_share(data: bytes) -> float:
    """Share of *data*'s bytes that are control bytes no GB, Big5 or UTF-8 text contains."""
    if not data:
        return 0.0
    return len(data.translate(None, _NOT_CONTROL)) / len(data)


def wide_text_codec(data: bytes) -> str | None:
    """The UTF-16/32 codec that reads *data* as text, or None: almost no control, private-use
    or surrogate characters, and nearly all ASCII, CJK, punctuation or Latin letters. Wide text
    is full of bytes that are controls in a byte-wise reading, so binary-looking bytes are
    checked this way before being refused."""
    for codec in _WIDE:
        unit = 4 if "32" in codec else 2
        try:  # surrogatepass: a sample is cut in pieces, which may split a surrogate pair
            text = data[: len(data) // unit * unit].decode(codec, "surrogatepass")
        except UnicodeDecodeError:
            continue
        text = text.lstrip("\ufeff\ufffe")  # a BOM, in either byte order
        if text and len(_ODD_RE.findall(text)) <= 0.02 * len(text):
            plain = len(_PRINTABLE_ASCII_RE.findall(text)) + len(_PLAUSIBLE_RE.findall(text))
            if plain >= 0.9 * len(text):
                return codec
    return None


# --------------------------------------------------------------------------------------------
# The decoding ladder
# --------------------------------------------------------------------------------------------

_BOMS: Final = (
    # UTF-32 LE first: its BOM starts with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 little-endian"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 big-endian"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 little-endian"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 big-endian"),
    (b"\x84\x31\x95\x33", "gb18030", "GB18030"),  # U+FEFF in GB18030
)

_WIDE: Final = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_FAMILIES: Final = {
    "gb": ("gb18030",),
    "big5": ("cp950", "big5hkscs"),
    "hz": ("hz",),
    **{wide: (wide,) for wide in _WIDE},
}
_CHARDET_ENCODINGS: Final = ("gb18030", "hz", "big5hkscs", "utf-16", "utf-32", *_WIDE)
_GB_NAMES: Final = frozenset({"gb2312", "gbk", "gb18030", "cp936", "ms936", "euccn", "chinese"})
_BIG5_NAMES: Final = frozenset({"big5", "big5hkscs", "cp950", "ms950", "euctw", "csbig5"})


def _family(name: str | None) -> str | None:
    """Map a codec or chardet name to a key of :data:`_FAMILIES`, or None."""
    if not name:
        return None
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    if key in _GB_NAMES:
        return "gb"
    if key in _BIG5_NAMES:
        return "big5"
    if key in {"hz", "hzgb2312"}:
        return "hz"
    for wide in _WIDE:
        if key == wide.replace("-", ""):
            return wide
    if key in {"utf16", "utf32"}:  # no byte order given: little-endian is by far the usual
        return f"utf-{key[3:]}-le"
    return None


def _codecs_for_declared(name: str) -> tuple[str, ...]:
    """The codecs to try for a declared charset: GB declarations are read as GB18030 (their
    superset), Big5 ones as CP950 and then Big5-HKSCS."""
    fam = _family(name)
    if fam == "gb":
        return ("gb18030",)
    if fam == "big5":
        return ("big5hkscs", "cp950") if name == "big5hkscs" else ("cp950", "big5hkscs")
    if fam in _WIDE:
        return (fam,)
    return (name,)


class _Ladder:
    """Collects the steps of one decoding."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.confident = True

    def step(self, what: str, why: str) -> None:
        self.steps.append(Step(what, why))


def decode_bytes(data: bytes, *, declared: str | None = None) -> Decoded:
    """Decode *data* with the ladder of the module docstring, then repair and normalise it.

    *declared* is a charset label from outside the bytes (e.g. an HTTP header); without it, a
    charset declared inside them (``<meta charset>``, XML declaration) is used. Either is only
    a hint. ``bytearray`` and ``memoryview`` are accepted too.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise UnreadableInputError(
            f"decode_bytes() needs bytes, not {type(data).__name__}; decode() accepts {_ACCEPTED}"
        )
    if declared is not None and not isinstance(declared, str):
        raise UnreadableInputError(f"declared charset must be a str, not {type(declared).__name__}")
    raw = _bytes_like(data, None)
    ladder = _Ladder()
    reading = _decode_ladder(raw, declared, ladder)
    if reading.tail:
        ladder.step(
            f"replace the incomplete last character ({reading.tail} bytes) with U+FFFD",
            f"the input ends in the middle of a {reading.codec} character (it was cut off)",
        )
    text = _repair_and_normalize(reading.text, ladder)
    return Decoded(text, reading.codec, tuple(ladder.steps), ladder.confident)


GUESSED: Final = " (a guess)"
"""Ends the ``what`` of the step that chose an encoding on weak evidence (GX101)."""
_MOJIBAKE_STEP: Final = "repair mojibake"


def decoding_notes(steps: Iterable[Step]) -> list[tuple[str, str, None]]:
    """The reader problems ``(code, message, None)`` a decoding's steps call for: GX101 when
    the encoding was guessed (chardet and the plausibility check did not agree clearly, or the
    lossy last resort), GX102 once when mojibake was repaired."""
    notes: list[tuple[str, str, None]] = []
    repairs: list[str] = []
    for step in steps:
        if step.what.endswith(GUESSED):
            notes.append(("GX101", f"{step.what}: {step.why}", None))
        elif step.what.startswith(_MOJIBAKE_STEP):
            repairs.append(step.what)
    if repairs:
        notes.append(("GX102", "; ".join(repairs), None))
    return notes


def _decode_ladder(data: bytes, declared: str | None, ladder: _Ladder) -> _Reading:
    # 1. Byte-order mark.
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            reading = _strict(data, codec)
            if reading is not None:
                ladder.step(f"decode as {codec}", f"the input starts with the {label} BOM")
                return reading
            if codec == "utf-32":
                continue  # FF FE 00 00 may also be the UTF-16 LE BOM and U+0000
            if codec != "utf-8-sig":
                ladder.confident = False  # damaged, but the BOM leaves no doubt of the encoding
                ladder.step(
                    f"decode as {codec}, replacing undecodable bytes with U+FFFD",
                    f"the input starts with the {label} BOM but is not valid {label}",
                )
                return _lossy(data, codec)
            ladder.step(
                "drop the UTF-8 BOM and detect the encoding",
                "the input starts with a UTF-8 BOM but the rest is not valid UTF-8",
            )
            data = data[len(bom) :]
            break

    declared_name, source = _declared(data, declared, ladder)

    # 2. Strict UTF-8.
    utf8 = _strict(data, "utf-8")
    if utf8 is not None and not _short_legacy_text(data, utf8, ladder):
        chosen = _utf8_or_wide(data, utf8, ladder)
        if declared_name is not None:
            _note_ignored_declaration(data, declared_name, source, chosen, ladder)
        return chosen

    # 3. Declared charset.
    if declared_name is not None:
        reading = _from_declared(data, declared_name, source, ladder)
        if reading is not None:
            return reading

    # 4. GB or Big5 (or UTF-16/32): chardet, cross-checked with common report characters.
    reading = _detect(data, ladder)
    if reading is not None:
        return reading

    # 5. Last resort.
    return _fallback(data, ladder)


def _declared(data: bytes, declared: str | None, ladder: _Ladder) -> tuple[str | None, str]:
    """The declared charset (normalised) and who declared it."""
    if declared is not None:
        name = _normalize_charset(declared)
        if name is None:
            ladder.step(
                f"ignore the declared charset {declared!r}",
                "it is not a character encoding Python knows",
            )
        return name, "the caller"
    name = sniff_declared_charset(data)
    if name is not None and _family(name) in _WIDE:
        ladder.step(
            f"ignore the charset {name} declared by the document",
            "a declaration readable as ASCII cannot be in UTF-16/32 (as HTML specifies)",
        )
        return None, "the document"
    return name, "the document"


# Non-ASCII characters a report in UTF-8 plausibly contains besides CJK: Latin-1, pinyin with
# tone marks, Greek letters (units, symbols), general punctuation and symbols.
_PINYIN: Final = "āēīōūǖǎěǐǒǔǚǘǜńňǹḿĀĒĪŌŪǕǍĚǏǑǓǙǗǛŃŇǸḾ"
_PLAUSIBLE_RE: Final = re.compile(
    f"[\u00a0-\u00ff{_PINYIN}\u0391-\u03c9\u2000-\u2bff\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uffef\U00020000-\U0003134f]"
)


def _short_legacy_text(data: bytes, utf8: _Reading, ladder: _Ladder) -> bool:
    """True for the rare short GBK/Big5 text that is also valid UTF-8 (``一`` is D2 BB, which
    UTF-8 reads as Cyrillic ``һ``): none of the non-ASCII characters of the UTF-8 reading is
    plausible in a report, while a GB or Big5 reading is Chinese made of frequent characters
    only."""
    if data.isascii():
        return False
    sample = utf8.text[:_SCORE_CHARS]
    if _PLAUSIBLE_RE.search(sample):
        return False
    letters = _NON_ASCII_RE.findall(sample)
    for fam in ("gb", "big5"):
        reading = _first_strict(data, _FAMILIES[fam], allow_tail=False)
        if reading is not None and not reading.rare and not reading.odd:
            if not _mostly_cjk(reading.text):
                continue
            ladder.step(
                "do not decode as utf-8",
                "the bytes are valid UTF-8, but read so they have no Chinese, only characters "
                f"such as {''.join(letters[:3])!r} that a report does not contain; read as "
                f"{reading.codec} they are Chinese made of frequent characters",
            )
            return True
    return False


def _utf8_or_wide(data: bytes, utf8: _Reading, ladder: _Ladder) -> _Reading:
    """UTF-8, unless NUL bytes reveal UTF-16/32 without a BOM or HZ escapes reveal HZ."""
    if b"\x00" in data:
        wide = [
            r
            for r in (_strict(data, codec, allow_tail=False) for codec in _WIDE)
            if r is not None and r.score > utf8.score
        ]
        if wide:
            best = max(wide, key=lambda r: r.score)
            ladder.step(
                f"decode as {best.codec}",
                "the bytes are valid UTF-8 but contain NUL bytes, which text does not; read as "
                f"{best.describe()} they make more sense than as {utf8.describe()}",
            )
            return best
    if b"~{" in data and data.isascii():
        hz = _strict(data, "hz", allow_tail=False)
        if hz is not None and hz.common >= 2 and _mostly_cjk(hz.text):
            ladder.step(
                "decode as hz",
                f"the bytes are 7-bit with HZ escapes (~{{ ... ~}}); read as {hz.describe()}",
            )
            return hz
    ladder.step(
        "decode as utf-8",
        "the bytes are valid UTF-8; legacy-encoded Chinese text practically never is",
    )
    return utf8


def _note_ignored_declaration(
    data: bytes, declared: str, source: str, chosen: _Reading, ladder: _Ladder
) -> None:
    if _family(declared) == _family(chosen.codec) or declared == chosen.codec:
        return
    try:
        same = data.decode(declared) == chosen.text
    except (UnicodeError, LookupError, ValueError, TypeError):
        same = False
    if same:
        return  # e.g. ASCII-only bytes: the declaration would not change anything
    ladder.step(
        f"ignore the charset {declared} declared by {source}",
        f"the bytes are valid {chosen.codec}, which {declared} text practically never is; a "
        "declared charset is a hint, not the truth",
    )


def _from_declared(data: bytes, name: str, source: str, ladder: _Ladder) -> _Reading | None:
    codec_names = _codecs_for_declared(name)
    reading = _first_strict(data, codec_names)
    if reading is None:
        ladder.step(
            f"ignore the charset {name} declared by {source}",
            f"the bytes do not decode as {'/'.join(codec_names)}; a declared charset is a hint, "
            "not the truth",
        )
        return None
    # GB18030 decodes Big5 bytes without error, and a single-byte charset decodes anything:
    # when the declared reading is implausible (rare, foreign or odd characters, or no Chinese
    # at all), check that no other Chinese reading is clearly better before trusting it.
    fam = _family(reading.codec)
    implausible = bool(reading.rare or reading.odd) or not _CJK_RE.search(
        reading.text, 0, _SCORE_CHARS
    )
    rivals = [
        r
        for other in ("gb", "big5")
        if implausible and other != fam
        for r in [_first_strict(data, _FAMILIES[other])]
        if r is not None and r.score >= 3 and r.score > 2 * max(reading.score, 0)
    ]
    if rivals:
        best = max(rivals, key=lambda r: r.score)
        ladder.step(
            f"ignore the charset {name} declared by {source}",
            f"read as {reading.describe()} the text makes far less sense than as "
            f"{best.describe()}; a declared charset is a hint, not the truth",
        )
        return None
    superset = "" if reading.codec == name else f", used for {name} as its superset"
    ladder.step(
        f"decode as {reading.codec}",
        f"{source} declares the charset {name} and the bytes decode as {reading.codec}"
        f"{superset}; no other Chinese encoding reads them clearly better",
    )
    return reading


def _first_strict(
    data: bytes, codec_names: Iterable[str], *, allow_tail: bool = True
) -> _Reading | None:
    for codec in codec_names:
        reading = _strict(data, codec, allow_tail=allow_tail)
        if reading is not None:
            return reading
    return None


def _chardet(data: bytes) -> tuple[str | None, float]:
    try:
        result = chardet.detect(
            data,
            compat_names=False,
            include_encodings=_CHARDET_ENCODINGS,
            no_match_encoding="gb18030",  # must be an included one; it is our default anyway
        )
    except Exception:  # detection is only an opinion; it must never break decoding
        return None, 0.0
    encoding = result.get("encoding")
    confidence = result.get("confidence") or 0.0
    return (encoding if isinstance(encoding, str) else None), float(confidence)


def _detect(data: bytes, ladder: _Ladder) -> _Reading | None:
    guess, confidence = _chardet(data)
    guessed = _family(guess)
    families = ["gb", "big5"]
    if guessed is not None and guessed not in families:
        families.append(guessed)
    if b"\x00" in data:
        families.extend(wide for wide in _WIDE if wide not in families)
    readings: dict[str, _Reading] = {}
    considered: list[str] = []
    for fam in families:
        reading = _first_strict(data, _FAMILIES[fam])
        if reading is None:
            considered.append(f"{'/'.join(_FAMILIES[fam])} (does not decode)")
        else:
            readings[fam] = reading
            considered.append(reading.describe())
    opinion = (
        f"chardet says {guess} (confidence {confidence:.2f})" if guess else "chardet has no answer"
    )
    if not readings:
        ladder.step(
            "find no encoding that decodes the bytes strictly",
            f"{opinion}; candidates considered: {'; '.join(considered)}",
        )
        return None
    order = {fam: i for i, fam in enumerate(families)}
    ranked = sorted(
        readings.items(),
        key=lambda item: (-item[1].score, item[0] != guessed, order[item[0]]),
    )
    fam, best = ranked[0]
    runner_up = max(ranked[1][1].score, 0) if len(ranked) > 1 else 0
    evidence = best.score - runner_up
    confident = (best.common >= 2 and evidence >= 2) or (fam == guessed and confidence >= 0.5)
    if not confident:
        ladder.confident = False
    if evidence > 0:
        reason = "it reads best (most common report characters, fewest odd ones)"
    elif fam == guessed:
        reason = "the readings are equally plausible and chardet prefers it"
    else:
        reason = "the readings are equally plausible and it is the default"
    ladder.step(
        f"decode as {best.codec}" + ("" if confident else GUESSED),
        f"{opinion}; candidates considered: {'; '.join(considered)}; chose {best.codec} "
        f"because {reason}",
    )
    return best


def _fallback(data: bytes, ladder: _Ladder) -> _Reading:
    candidates = [_lossy(data, codec) for codec in ("gb18030", "cp950", "utf-8")]
    best = max(candidates, key=lambda r: r.score)  # max() keeps the first of equals
    ladder.confident = False
    ladder.step(
        f"decode as {best.codec}, replacing undecodable bytes with U+FFFD{GUESSED}",
        "no encoding decodes the bytes without error (damaged or non-text input); readings "
        f"with replacement: {'; '.join(r.describe() for r in candidates)}",
    )
    return best


# --------------------------------------------------------------------------------------------
# Text repair
# --------------------------------------------------------------------------------------------

_FTFY_CONFIG: Final = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)

_FTFY_WHY: Final = {
    ("encode", "latin-1"): "the text looks like mojibake; encoding it as Latin-1 recovers "
    "the bytes it was wrongly decoded from",
    ("encode", "sloppy-windows-1252"): "the text looks like mojibake; encoding it as "
    "Windows-1252 recovers the bytes it was wrongly decoded from",
    ("decode", "utf-8"): "the recovered bytes are valid UTF-8",
    ("apply", "decode_inconsistent_utf8"): "sequences that are unmistakably UTF-8 mojibake "
    "were decoded individually",
    ("transcode", "fix_c1_controls"): "C1 control characters (Latin-1 bytes 0x80-0x9F) were "
    "replaced by the Windows-1252 characters they stand for",
    ("transcode", "restore_byte_a0"): "spaces that were non-breaking-space bytes (0xA0) of the "
    "mojibake were restored",
    ("apply", "replace_lossy_sequences"): "mojibake that had already lost bytes was replaced "
    "by U+FFFD",
    ("apply", "fix_surrogates"): "UTF-16 surrogate pairs were combined into the characters "
    "they encode",
}


def decode_text(text: str) -> Decoded:
    """Repair mojibake in *text* and normalise newlines (input that is already ``str``)."""
    if not isinstance(text, str):
        raise UnreadableInputError(
            f"decode_text() needs str, not {type(text).__name__}; use decode() for {_ACCEPTED}"
        )
    _check_size(len(text), None, "characters")
    ladder = _Ladder()
    repaired = _repair_and_normalize(str(text), ladder)
    return Decoded(repaired, None, tuple(ladder.steps), True)


def decode(source: object) -> Decoded:
    """Read *source* (see :func:`read_source`) and decode it: bytes with
    :func:`decode_bytes`, text with :func:`decode_text`."""
    content, _name = read_source(source)
    if isinstance(content, str):
        return decode_text(content)
    return decode_bytes(content)


def _repair_and_normalize(text: str, ladder: _Ladder) -> str:
    text = _strip_bom(text, ladder)
    text = _repair_legacy_mojibake(text, ladder)
    text = _repair_with_ftfy(text, ladder)
    text = _strip_bom(text, ladder)
    return _normalize_newlines(text, ladder)


def _strip_bom(text: str, ladder: _Ladder) -> str:
    if not text.startswith("\ufeff"):
        return text
    stripped = text.lstrip("\ufeff")
    ladder.step(
        "remove the leading U+FEFF",
        "it is a byte-order mark left in the text, not content",
    )
    return stripped


def _repair_legacy_mojibake(text: str, ladder: _Ladder) -> str:
    """Undo GBK/GB18030 or Big5 bytes that were decoded as Latin-1 or Windows-1252."""
    if text.isascii():
        return text
    raw: bytes | None = None
    via = ""
    for codec in ("latin-1", "sloppy-windows-1252"):
        try:  # fails fast, at the first character, on text that has real CJK characters
            raw = text.encode(codec)
        except UnicodeError:
            continue
        via = codec
        break
    if raw is None or len(raw.translate(None, _ASCII_BYTES)) < 4:
        return text
    if _strict(raw, "utf-8", allow_tail=False) is not None:
        return text  # UTF-8 mojibake: ftfy repairs and explains it
    candidates = [
        r
        for codec in ("gb18030", "cp950", "big5hkscs")
        for r in [_strict(raw, codec, allow_tail=False)]
        if r is not None and r.score > 0 and _looks_chinese(r)
    ]
    if not candidates:
        return text
    best = max(candidates, key=lambda r: r.score)
    ladder.step(
        f"repair mojibake: encode as {via}, decode as {best.codec}",
        f"the text consists of the characters {best.codec} bytes become when wrongly read as "
        f"{via}; re-encoding and decoding as {best.codec} gives Chinese text "
        f"({best.common} common report characters)",
    )
    return best.text


_ASCII_BYTES: Final = bytes(range(0x80))


def _looks_chinese(reading: _Reading) -> bool:
    """Mostly CJK, with common report characters at a rate gibberish does not reach."""
    cjk, _relevant = _cjk_share(reading.text)
    return _mostly_cjk(reading.text) and reading.common >= max(2, 0.05 * cjk)


@functools.cache
def _mojibake_chars() -> re.Pattern[str]:
    """Every non-ASCII character ftfy's badness heuristic names, alone or in a range (each of
    its alternatives needs one of them), C1 controls and surrogates."""
    from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES

    chars = {ch for ch in BADNESS_RE.pattern if not ch.isascii()}
    for members in MOJIBAKE_CATEGORIES.values():
        for m in re.finditer(r"(.)-(.)", members, re.S):
            chars.update(map(chr, range(ord(m.group(1)), ord(m.group(2)) + 1)))
        chars.update(ch for ch in members if not ch.isascii())
    chars.update(map(chr, range(0x80, 0xA0)))  # C1 controls (ftfy's fix_c1_controls)
    # and surrogates (fix_surrogates), which _ftfy_would_change meets as a failed encode
    return re.compile("[" + re.escape("".join(sorted(chars))) + "\ud800-\udfff]")


_C1_OR_SURROGATE: Final = re.compile("[\x80-\x9f\ud800-\udfff]")
_BADNESS_REACH: Final = 8  # no match of ftfy's heuristic is longer than 7 characters


def _ftfy_would_change(text: str) -> bool:
    """False when ftfy (with this module's config) surely returns *text* unchanged.

    ftfy repairs encodings only when its badness heuristic matches somewhere; the other fixes
    enabled here need C1 controls or surrogates. Running the heuristic over the whole text costs
    more than the rest of the reading, so it is run only around the characters it could match
    (Chinese text has a few quotes and dashes, often none), and those are found without a
    regex scan of every character. Same answer, tested against ftfy and against such a scan.
    """
    from ftfy.badness import BADNESS_RE

    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates, which ftfy replaces
        return True
    # Which of those characters occur, from the text's non-ASCII characters alone (a page is
    # mostly ASCII markup; none of them is ASCII); then where, by plain substring search.
    found = set(_mojibake_chars().findall(data.translate(None, _ASCII_BYTES).decode("utf-8")))
    bad, c1 = BADNESS_RE.search, _C1_OR_SURROGATE.match
    for ch in found:
        if c1(ch):
            return True
        p = text.find(ch)
        while p >= 0:
            if bad(text, max(0, p - _BADNESS_REACH), p + _BADNESS_REACH + 1):
                return True
            p = text.find(ch, p + 1)
    return False


def _repair_with_ftfy(text: str, ladder: _Ladder) -> str:
    if not _ftfy_would_change(text):
        return text
    try:
        fixed, explanation = ftfy.fix_and_explain(text, _FTFY_CONFIG)
    except Exception as exc:  # a repair is optional; keep the text as found
        ladder.step("skip mojibake repair", f"ftfy failed: {type(exc).__name__}: {exc}")
        return text
    if fixed == text:
        return text
    for action, parameter in explanation or ():
        why = _FTFY_WHY.get((action, parameter), "a step of ftfy's mojibake repair")
        ladder.step(f"repair mojibake (ftfy): {action} {parameter}", why)
    return fixed


def _normalize_newlines(text: str, ladder: _Ladder) -> str:
    if "\r" not in text:
        return text
    crlf = text.count("\r\n")
    lone = text.count("\r") - crlf
    ladder.step(
        "normalise newlines to LF",
        f"the text has {crlf} CRLF and {lone} lone CR line breaks",
    )
    return text.replace("\r\n", "\n").replace("\r", "\n")
