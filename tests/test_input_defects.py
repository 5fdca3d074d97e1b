"""Issue 15, input layer: paths that are not regular files (item 5), inputs that are not a
report (item 8, GX101/GX102/GX103), a DOCX too large to read (item 7), an encrypted PDF
(item 17). Each test is named for its item."""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import os
import socket
import sys
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import gxlib
from gxlib.readers import identify

SEEDS = Path(__file__).parent / "data" / "seeds"
SEED_001 = SEEDS / "001_30fde63b7d2b0111.txt"
SEED_002 = SEEDS / "002_e07c33c6997fa877.txt"

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")


def _within(seconds: float, call: Callable[[], object]) -> BaseException | None:
    """Run *call* in a daemon thread; fail if it has not returned after *seconds* (it blocked).
    Returns the exception it raised, if any."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # handed to the test
            raised.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "the call blocked"
    return raised[0] if raised else None


# -- item 5: only regular files are read -----------------------------------------------------


@posix_only
def test_item5_fifo_path_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    for source in (fifo, str(fifo)):
        exc = _within(10, lambda s=source: gxlib.parse(s))  # type: ignore[misc]
        assert isinstance(exc, gxlib.UnsupportedInputError), exc
        assert exc.detected == "FIFO (named pipe)"
        assert "FIFO" in str(exc) and "regular file" in str(exc)


def test_item5_directory_path_is_refused(tmp_path: Path) -> None:
    for source in (tmp_path, str(tmp_path)):
        with pytest.raises(gxlib.UnsupportedInputError, match="is a directory") as info:
            gxlib.parse(source)
        assert info.value.detected == "directory"


@posix_only
def test_item5_symlink_loop_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(gxlib.UnreadableInputError, match="symlink loop"):
        gxlib.parse(tmp_path / "a")


@posix_only
def test_item5_device_is_refused_without_reading_it() -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    exc = _within(10, lambda: gxlib.parse("/dev/zero"))  # endless: reading it would not stop
    assert isinstance(exc, gxlib.UnsupportedInputError)
    assert exc.detected == "character device"


@posix_only
def test_item5_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s"
    if len(str(path)) > 100:
        pytest.skip("path too long for a Unix socket")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(gxlib.UnsupportedInputError, match="socket"):
            gxlib.parse(path)
    finally:
        server.close()


def test_item5_missing_file_is_a_gxlib_file_not_found_error(tmp_path: Path) -> None:
    missing = tmp_path / "no_such_report.txt"
    for source in (missing, str(missing)):
        with pytest.raises(gxlib.InputNotFoundError) as info:
            gxlib.parse(source)
        assert isinstance(info.value, FileNotFoundError)
        assert isinstance(info.value, gxlib.UnreadableInputError)


def test_item5_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(SEED_001)
    assert gxlib.parse(link).value("requests", "new", "total") == gxlib.parse(SEED_001).value(
        "requests", "new", "total"
    )


def test_item5_unsupported_input_error_survives_pickling() -> None:
    import pickle

    exc = gxlib.UnsupportedInputError("x is a directory", "directory")
    back = pickle.loads(pickle.dumps(exc))
    assert (str(back), back.detected) == ("x is a directory", "directory")


# -- item 8: not a report, and saying so -----------------------------------------------------


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("report.txt", "not a docx")
    return buf.getvalue()


_NOISE = bytes((i * 7919 + 13) % 256 for i in range(2000))  # deterministic "random" bytes

BINARY = {
    "PNG image": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _NOISE[:200],
    "GIF image": b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + _NOISE[:50],
    "JPEG image": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + _NOISE[:200],
    "TIFF image": b"II*\x00\x08\x00\x00\x00" + _NOISE[:100],
    "WebP image": b"RIFF\x24\x00\x00\x00WEBPVP8 " + _NOISE[:100],
    "gzip-compressed file": gzip.compress(SEED_001.read_bytes()),
    "bzip2-compressed file": bz2.compress(SEED_001.read_bytes()),
    "xz-compressed file": lzma.compress(SEED_001.read_bytes()),
    "7-Zip archive": b"7z\xbc\xaf\x27\x1c\x00\x04" + _NOISE[:100],
    "RAR archive": b"Rar!\x1a\x07\x01\x00" + _NOISE[:100],
    "zip file that is not a DOCX": _zip(),
}


@pytest.mark.parametrize("detected", sorted(BINARY))
def test_item8_binary_formats_are_refused_naming_the_type(detected: str, tmp_path: Path) -> None:
    data = BINARY[detected]
    path = tmp_path / "report.txt"  # the name says nothing: the content decides
    path.write_bytes(data)
    for call in (lambda: gxlib.parse_bytes(data), lambda: gxlib.parse(path)):
        with pytest.raises(gxlib.UnsupportedInputError) as info:
            call()
        assert info.value.detected == detected
        assert detected in str(info.value)
    kind = identify(data)[0]
    advice = {"image": "OCR", "archive": "unpack"}[kind]
    assert advice in str(info.value)


@pytest.mark.parametrize(
    "data",
    [_NOISE, os.urandom(3000), b"\x00" * 64, b"\x00" * 5000, b"\x01\x02\x03\x04" * 100],
    ids=["pseudo-random", "urandom", "nul-64", "nul-5000", "controls"],
)
def test_item8_random_bytes_and_nul_bytes_are_binary_data(data: bytes) -> None:
    with pytest.raises(gxlib.UnsupportedInputError) as info:
        gxlib.parse_bytes(data)
    assert info.value.detected.startswith("binary data")


@pytest.mark.parametrize("text", ["hello world", "", " \n\t\n", "今天天气很好，我们去公园散步。"])
def test_item8_text_without_a_report_is_one_not_a_report_error(text: str, tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text(text, encoding="utf-8")
    for report in (gxlib.parse_text(text), gxlib.parse(path), gxlib.parse_bytes(text.encode())):
        assert [d.code for d in report.diagnostics] == ["GX103"], report.diagnostics
        assert report.diagnostics[0].severity == "error"
        assert "not a report" in report.diagnostics[0].message
        assert report.errors


def test_item8_html_page_without_a_report_is_not_a_report() -> None:
    page = "<html><head><title>404</title></head><body><p>页面不存在</p></body></html>"
    assert [d.code for d in gxlib.parse_text(page).diagnostics] == ["GX103"]


def test_item8_not_a_report_under_a_forced_profile() -> None:
    report = gxlib.parse_text("hello world", profile="gov-2021")
    assert [d.code for d in report.diagnostics] == ["GX103"]


def test_item8_report_without_tables_is_still_a_report() -> None:
    # seed 002: its tables are not in the text, but title and headings are: a report
    report = gxlib.parse(SEED_002)
    codes = {d.code for d in report.diagnostics}
    assert "GX103" not in codes
    assert "GX202" in codes  # the missing tables are still said


def test_item8_seeds_are_reports() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        assert "GX103" not in {d.code for d in gxlib.parse(path).diagnostics}, path.name


def test_item8_title_alone_is_a_report() -> None:
    report = gxlib.parse_text("某某县人民政府2020年政府信息公开工作年度报告\n")
    assert "GX103" not in {d.code for d in report.diagnostics}


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-16", "utf-32-le", "utf-32"])
def test_item8_wide_text_is_not_taken_for_binary(codec: str) -> None:
    text = SEED_001.read_text(encoding="utf-8")
    assert identify(text.encode(codec))[0] == "text"
    report = gxlib.parse_bytes(text.encode(codec))
    assert report.value("requests", "new", "total") == gxlib.parse(SEED_001).value(
        "requests", "new", "total"
    )


def test_item8_gx101_when_the_encoding_is_guessed() -> None:
    # Two frequent ideographs in GBK are also valid Big5: nothing decides but a guess.
    report = gxlib.parse_bytes("山水".encode("gbk"))
    guessed = [d for d in report.diagnostics if d.code == "GX101"]
    assert len(guessed) == 1 and "a guess" in guessed[0].message


def test_item8_gx101_when_damaged_bytes_fall_back() -> None:
    data = SEED_001.read_text(encoding="utf-8").encode("gbk")
    report = gxlib.parse_bytes(data[:200] + b"\xff" + data[200:])
    assert [d.code for d in report.diagnostics if d.code == "GX101"] == ["GX101"]


def test_item8_no_gx101_when_the_encoding_is_clear() -> None:
    text = SEED_001.read_text(encoding="utf-8")
    for data in (text.encode("gbk"), text.encode("big5", errors="ignore"), text.encode()):
        assert "GX101" not in {d.code for d in gxlib.parse_bytes(data).diagnostics}


def test_item8_gx102_when_mojibake_is_repaired() -> None:
    text = SEED_001.read_text(encoding="utf-8")
    report = gxlib.parse_text(text.encode("utf-8").decode("latin-1"))
    assert [d.code for d in report.diagnostics if d.code == "GX102"] == ["GX102"]
    assert report.value("requests", "new", "total") == gxlib.parse(SEED_001).value(
        "requests", "new", "total"
    )


def test_item8_utf16_bom_text_with_bom_is_text() -> None:
    data = codecs.BOM_UTF16_LE + "hello".encode("utf-16-le")
    assert identify(data)[0] == "text"


# -- item 17: an encrypted PDF names the reason -----------------------------------------------


def _encrypted_pdf(user_password: str) -> bytes:
    pytest.importorskip("reportlab")
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    encrypt = pdfencrypt.StandardEncryption(user_password, ownerPassword="owner", canPrint=1)
    page = canvas.Canvas(buf, encrypt=encrypt)
    page.drawString(100, 700, "2020")
    page.showPage()
    page.save()
    return buf.getvalue()


def test_item17_pdf_with_user_password_says_a_password_is_required() -> None:
    pytest.importorskip("pdfplumber")
    with pytest.raises(gxlib.UnreadableInputError) as info:
        gxlib.parse_bytes(_encrypted_pdf("secret"), name="locked.pdf")
    message = str(info.value)
    assert "locked.pdf" in message
    assert "password" in message and "encrypted" in message
    assert not message.rstrip().endswith(":")


def test_item17_pdf_encrypted_with_an_empty_user_password_opens() -> None:
    pytest.importorskip("pdfplumber")
    report = gxlib.parse_bytes(_encrypted_pdf(""))
    assert report.kind == "pdf"


# -- item 7: a large DOCX is streamed, and refused over a limit a report never reaches ----------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(body: str | None) -> bytes:
    """A minimal DOCX package whose body is the WordprocessingML *body* (None: no body)."""
    content = "" if body is None else f"<w:body>{body}</w:body>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        z.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}">{content}'
            "</w:document>",
        )
    return buf.getvalue()


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _tbl(rows: list[list[str]]) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{_p(c)}</w:tc>" for c in row) + "</w:tr>" for row in rows
    )
    return f"<w:tbl>{cells}</w:tbl>"


def _large_body(paragraphs: int) -> str:
    lines = [line for line in SEED_001.read_text(encoding="utf-8").splitlines() if line.strip()]
    return "".join(
        _p(lines[i % len(lines)].replace("&", "&amp;").replace("<", "&lt;"))
        for i in range(paragraphs)
    )


def test_item7_default_part_limit_is_what_a_report_needs() -> None:
    from gxlib.readers import docx as docx_reader

    # a report's document XML is a few MB; 150 MB (the case) must be refused
    assert docx_reader.MAX_PART_BYTES <= 64 * 1024 * 1024


def test_item7_document_xml_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("lxml")
    from gxlib.readers import docx as docx_reader

    data = _docx(_large_body(3000))  # about 250 KB of document XML
    size = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").file_size
    monkeypatch.setattr(docx_reader, "MAX_PART_BYTES", size - 1)
    with pytest.raises(gxlib.InputTooLargeError) as info:
        gxlib.parse_bytes(data, name="big.docx")
    assert "word/document.xml" in str(info.value) and str(size - 1) in str(info.value)
    monkeypatch.setattr(docx_reader, "MAX_PART_BYTES", size)
    assert gxlib.parse_bytes(data).kind == "docx"


def test_item7_body_is_streamed_block_by_block() -> None:
    lxml_etree = pytest.importorskip("lxml.etree")
    from gxlib.readers import docx as docx_reader

    body = _p("一") + "<w:bookmarkStart w:id='0' w:name='x'/>" + _tbl([["a", "b"]]) + _p("二")
    body += _large_body(500)
    package = docx_reader._Package(lxml_etree, _docx(body), "x")
    seen = 0
    previous = None
    for block in package.body_blocks(package.main):
        assert block.getparent() is not None
        # the block read before this one has been dropped from the tree (what follows this
        # one is what the parser read ahead: at most a chunk of the stream)
        assert previous is None or previous.getparent() is None
        previous = block
        seen += 1
    assert seen == 3 + 500


def test_item7_streamed_document_reads_in_order() -> None:
    pytest.importorskip("lxml")
    from gxlib.readers.docx import read_docx

    body = _p("开头") + _tbl([["项目", "数量"], ["甲", "1"]]) + "<w:sectPr/>" + _p("结尾")
    doc = read_docx(_docx(body))
    assert doc.text.splitlines() == ["开头", "项目 | 数量 |", "甲 | 1 |", "结尾"]
    assert len(doc.grids) == 1


def test_item7_streamed_body_without_blocks_is_an_empty_document() -> None:
    pytest.importorskip("lxml")
    from gxlib.readers.docx import read_docx

    doc = read_docx(_docx("<w:sectPr/>"))
    assert doc.text == ""
    assert [code for code, _, _ in doc.problems] == ["GX704"]  # no text found
    with pytest.raises(gxlib.UnreadableInputError, match="no document body"):
        read_docx(_docx(None))


def test_not_a_report_keeps_what_it_says_about_values_read() -> None:
    # GX103 replaces the cascade of "section/table not found", never what is said about a value
    # that was read: a number with no diagnostic beside it would be a silent one.
    report = gxlib.parse_text("随便一段文字\n行政许可 | 5 | 3 |\n")
    codes = [d.code for d in report.diagnostics]
    assert "GX103" in codes
    assert not [c for c in codes if c.startswith(("GX2", "GX6"))]
    if any(c.status == "number" for c in report.cells()):
        assert [c for c in codes if c.startswith(("GX4", "GX5"))], codes
