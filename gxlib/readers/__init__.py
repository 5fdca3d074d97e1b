"""Readers turn a source into a :class:`gxlib.document.Document`.

The reader is chosen from the content (magic bytes, markup), not the file name: PDF and DOCX
by their signatures, HTML by its markup, everything else as text. Images, compressed archives
and binary data are recognised (magic bytes, share of control bytes) and refused with
:class:`~gxlib.errors.UnsupportedInputError` naming what was found, before any decoding. Heavy
readers live in their own modules and import their optional dependencies only when used.

PDFs are read with PDFium (:mod:`gxlib.readers.pdfium`); the older pdfplumber reader
(:mod:`gxlib.readers.pdf`, ~15x slower) stays available as a fallback behind the same interface:
``GXLIB_PDF_READER=pdfplumber`` in the environment, or ``pdf_reader="pdfplumber"``.
"""

from __future__ import annotations

import os
import re
from typing import Final

from attrs import evolve

from gxlib.document import Document, Step
from gxlib.errors import GxlibError, UnreadableInputError, UnsupportedInputError

PDF_READERS = ("pdfium", "pdfplumber")
"""Names of the PDF readers; the first is the default."""

_HTML = re.compile(rb"<\s*(?:!doctype\s+html|html|body|table|head|meta|div|p)[\s>]", re.I)
_HTML_STR = re.compile(r"<\s*(?:!doctype\s+html|html|body|table|head|meta|div|p)[\s>]", re.I)

# Formats that are certainly not a report in a form gxlib reads: (magic, kind, what it is).
_SIGNATURES: Final = (
    (b"\x89PNG\r\n\x1a\n", "image", "PNG image"),
    (b"GIF87a", "image", "GIF image"),
    (b"GIF89a", "image", "GIF image"),
    (b"\xff\xd8\xff", "image", "JPEG image"),
    (b"II*\x00", "image", "TIFF image"),
    (b"MM\x00*", "image", "TIFF image"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "image", "JPEG 2000 image"),
    (b"\x1f\x8b", "archive", "gzip-compressed file"),
    (b"\xfd7zXZ\x00", "archive", "xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "archive", "7-Zip archive"),
    (b"Rar!\x1a\x07", "archive", "RAR archive"),
    (b"\x28\xb5\x2f\xfd", "archive", "Zstandard-compressed file"),
    (b"PK\x05\x06", "archive", "empty zip archive"),
)
_ISO_MEDIA_IMAGES: Final = frozenset({b"heic", b"heix", b"mif1", b"avif"})

BINARY_CONTROL_SHARE: Final = 0.05
"""Share of control bytes (other than tab, line breaks, form feed) above which bytes that no
UTF-16/32 reading makes text are binary data. GB, Big5 and UTF-8 text has none (their multi-byte
characters never use those bytes); random bytes have about 11%."""

_SAMPLE: Final = 4096


def identify(data: bytes | str) -> tuple[str, str]:
    """The kind of a source from its content, and a description of what was found.

    Kinds: ``pdf``, ``docx``, ``doc`` (legacy Word), ``html``, ``text``, and the kinds gxlib
    does not read: ``image`` (needs OCR), ``archive`` (compressed; unpack it first) and
    ``binary`` (neither text nor a known format). Only magic bytes and a sample of at most
    12 KB are looked at, so the cost does not grow with the input.
    """
    if isinstance(data, str):
        kind = "html" if _HTML_STR.search(data[:_SAMPLE]) and "</" in data else "text"
        return kind, kind
    head = data[:16]
    if head.startswith(b"%PDF"):
        return "pdf", "PDF"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536] or b"[Content_Types].xml" in data[:65536]:
            return "docx", "DOCX"
        return "archive", "zip file that is not a DOCX"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc", "legacy Word .doc/.wps file"
    for magic, kind, what in _SIGNATURES:
        if head.startswith(magic):
            return kind, what
    if head[:3] == b"BZh" and head[3:4].isdigit():
        return "archive", "bzip2-compressed file"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "WebP image"
    if head[4:8] == b"ftyp" and head[8:12] in _ISO_MEDIA_IMAGES:
        return "image", "HEIF/AVIF image"
    from gxlib.decoding import control_share, wide_text_codec

    sample = _sample(data)
    share = control_share(sample)
    if share > BINARY_CONTROL_SHARE and wide_text_codec(sample) is None:
        return "binary", f"binary data ({share:.0%} control bytes)"
    if _HTML.search(data[:_SAMPLE]) and b"</" in data:
        return "html", "html"
    return "text", "text"


def _sample(data: bytes) -> bytes:
    """Start, middle and end of *data* (all of it when short), cut at even offsets so that a
    UTF-16/32 reading stays aligned."""
    if len(data) <= 3 * _SAMPLE:
        return data
    middle = len(data) // 2 // 4 * 4
    end = (len(data) - _SAMPLE) // 4 * 4
    return data[:_SAMPLE] + data[middle : middle + _SAMPLE] + data[end : end + _SAMPLE]


def sniff(data: bytes | str) -> str:
    """The kind of a source from its content (see :func:`identify`)."""
    return identify(data)[0]


_UNSUPPORTED_ADVICE: Final = {
    "image": "a scanned report needs OCR first (e.g. ocrmypdf on a PDF of the scan)",
    "archive": "unpack it and parse the files inside (a damaged DOCX, also a zip file, must be "
    "saved again)",
    "binary": "it is neither text nor a format gxlib reads",
}


def read_pdf(data: bytes, *, name: str | None = None, reader: str | None = None) -> Document:
    """Read a PDF with the reader named ``reader`` (one of :data:`PDF_READERS`), or the one
    named by ``GXLIB_PDF_READER``, or PDFium. Both readers return the same kind of Document."""
    which = reader or os.environ.get("GXLIB_PDF_READER") or PDF_READERS[0]
    if which == "pdfium":
        from gxlib.readers import pdfium

        return pdfium.read_pdf(data, name=name)
    if which == "pdfplumber":
        from gxlib.readers import pdf

        return pdf.read_pdf(data, name=name)
    raise GxlibError(f"unknown PDF reader {which!r}; choose one of {', '.join(PDF_READERS)}")


def read_document(
    data: bytes | str, *, name: str | None = None, pdf_reader: str | None = None
) -> Document:
    """Read a source's content (``bytes``, or ``str`` holding the text itself) into a Document.

    The reader is chosen by :func:`identify`; ``pdf_reader`` picks the PDF reader (see
    :func:`read_pdf`). Raises only gxlib errors:
    :class:`~gxlib.errors.UnsupportedInputError` for images, archives, binary data and legacy
    Word files, :class:`~gxlib.errors.UnreadableInputError` for anything else unreadable.
    Text and HTML carry reader problems for a guessed encoding (GX101) and repaired mojibake
    (GX102).
    """
    from gxlib.decoding import decode_bytes, decode_text, decoding_notes

    if isinstance(data, (bytearray, memoryview)):
        from gxlib.decoding import read_source

        data = read_source(data)[0]
    if not isinstance(data, (bytes, str)):
        raise UnreadableInputError(f"read_document() takes bytes or str, not {type(data).__name__}")
    kind, detected = identify(data)
    if kind == "pdf":
        assert isinstance(data, bytes)
        return read_pdf(data, name=name, reader=pdf_reader)
    if kind == "docx":
        from gxlib.readers.docx import read_docx

        assert isinstance(data, bytes)
        return read_docx(data, name=name)
    if kind == "doc":
        raise UnsupportedInputError(
            f"{name or 'input'} is a legacy Word .doc/.wps file, which gxlib does not read; "
            "save it as .docx (or run: libreoffice --headless --convert-to docx FILE)",
            detected,
        )
    if kind in _UNSUPPORTED_ADVICE:
        raise UnsupportedInputError(
            f"{name or 'input'} is not a report gxlib can read (detected: {detected}); gxlib "
            f"reads text, HTML, DOCX and PDF: {_UNSUPPORTED_ADVICE[kind]}",
            detected,
        )
    if kind == "html":
        from gxlib.readers.html import read_html

        doc = read_html(data, name=name)
    else:
        decoded = decode_text(data) if isinstance(data, str) else decode_bytes(data)
        doc = Document(
            text=decoded.text,
            kind="text",
            steps=(Step("reader", "read as plain text"), *decoded.steps),
            encoding=decoded.encoding,
        )
    notes = decoding_notes(doc.steps)
    return evolve(doc, problems=(*notes, *doc.problems)) if notes else doc
