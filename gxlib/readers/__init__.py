"""Readers turn a source into a :class:`gxlib.document.Document`.

The reader is chosen from the content (magic bytes, markup), not the file name: PDF and DOCX
by their signatures, HTML by its markup, everything else as text. Heavy readers live in their
own modules and import their optional dependencies only when used.

PDFs are read with PDFium (:mod:`gxlib.readers.pdfium`); the older pdfplumber reader
(:mod:`gxlib.readers.pdf`, ~15x slower) stays available as a fallback behind the same interface:
``GXLIB_PDF_READER=pdfplumber`` in the environment, or ``pdf_reader="pdfplumber"``.
"""

from __future__ import annotations

import os
import re

from gxlib.document import Document, Step
from gxlib.errors import GxlibError, UnreadableInputError

PDF_READERS = ("pdfium", "pdfplumber")
"""Names of the PDF readers; the first is the default."""

_HTML = re.compile(rb"<\s*(?:!doctype\s+html|html|body|table|head|meta|div|p)[\s>]", re.I)
_HTML_STR = re.compile(r"<\s*(?:!doctype\s+html|html|body|table|head|meta|div|p)[\s>]", re.I)


def sniff(data: bytes | str) -> str:
    """The kind of a source from its content: ``pdf``, ``docx``, ``doc``, ``html`` or ``text``."""
    if isinstance(data, str):
        return "html" if _HTML_STR.search(data[:4096]) and "</" in data else "text"
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return (
            "docx" if b"word/" in data[:65536] or b"[Content_Types].xml" in data[:65536] else "zip"
        )
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    probe = data[:4096]
    # NULs mean a binary file, unless it is UTF-16 (with a BOM, or decoding cleanly)
    if (
        b"\x00" in probe[:200]
        and not probe.startswith((b"\xff\xfe", b"\xfe\xff"))
        and probe.count(b"\x00") > len(probe) // 3
        and not _looks_utf16(probe)
    ):
        return "binary"
    if _HTML.search(probe) and b"</" in data:
        return "html"
    return "text"


def _looks_utf16(probe: bytes) -> bool:
    try:
        probe[: len(probe) // 2 * 2].decode("utf-16-le")
    except UnicodeDecodeError:
        return False
    return True


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
    """The :class:`Document` of a source, read by the reader its content calls for.
    ``pdf_reader`` picks the PDF reader (see :func:`read_pdf`)."""
    from gxlib.decoding import decode_bytes, decode_text

    kind = sniff(data)
    if kind == "pdf":
        assert isinstance(data, bytes)
        return read_pdf(data, name=name, reader=pdf_reader)
    if kind == "docx":
        from gxlib.readers.docx import read_docx

        assert isinstance(data, bytes)
        return read_docx(data, name=name)
    if kind == "doc":
        raise UnreadableInputError(
            f"{name or 'input'} is a legacy Word .doc/.wps file, which gxlib does not read; "
            "save it as .docx (or run: libreoffice --headless --convert-to docx FILE)"
        )
    if kind in ("zip", "binary"):
        raise UnreadableInputError(
            f"{name or 'input'} is a {kind} file that is not a report gxlib can read "
            "(text, HTML, DOCX or PDF)"
        )
    if kind == "html":
        from gxlib.readers.html import read_html

        return read_html(data, name=name)
    decoded = decode_text(data) if isinstance(data, str) else decode_bytes(data)
    return Document(
        text=decoded.text,
        kind="text",
        steps=(Step("reader", "read as plain text"), *decoded.steps),
        encoding=decoded.encoding,
    )
