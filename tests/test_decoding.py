"""Tests of gxlib.decoding: the bytes ladder, mojibake repair, sources and robustness."""

from __future__ import annotations

import codecs
import io
import re
from pathlib import Path

import attrs
import ftfy
import ftfy.bad_codecs  # registers "sloppy-windows-1252", the Windows-1252 browsers implement
import ftfy.badness
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gxlib import decoding
from gxlib.decoding import (
    MAX_INPUT_BYTES,
    Decoded,
    decode,
    decode_bytes,
    decode_text,
    read_source,
    sniff_declared_charset,
)
from gxlib.document import Step
from gxlib.errors import GxlibError, InputTooLargeError, UnreadableInputError

SEED_DIR = Path(__file__).parent / "data" / "seeds"
SEED_PATHS = sorted(SEED_DIR.glob("*.txt"))
SEEDS = {p.stem: p.read_text(encoding="utf-8") for p in SEED_PATHS}
TRADITIONAL = next(stem for stem in SEEDS if stem.startswith("000_"))
SIMPLIFIED = [stem for stem in SEEDS if stem != TRADITIONAL]

# Seed 000 carries pinyin glosses such as 數(shù)據(jù); Big5/CP950 has no tone letters.
GLOSS = re.compile(r"\([a-zü\u00e0-\u00fc\u0101-\u01dc]+\)")
TRADITIONAL_NO_GLOSS = GLOSS.sub("", SEEDS[TRADITIONAL])
CJK = re.compile(r"[\u4e00-\u9fff]")

# Steps that mean "the text was changed after decoding".
REPAIR_WORDS = ("repair", "U+FEFF", "newline")


def encodable(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def repair_steps(decoded: Decoded) -> list[Step]:
    return [s for s in decoded.steps if any(w in s.what for w in REPAIR_WORDS)]


def first_cjk_lines(text: str, count: int, min_cjk: int = 6) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines if len(CJK.findall(line)) >= min_cjk][:count]


GBK_SEEDS = [stem for stem in SIMPLIFIED if encodable(SEEDS[stem], "gbk")]


def test_seed_data_is_as_expected() -> None:
    assert len(SEEDS) >= 5
    assert SIMPLIFIED and len(GBK_SEEDS) >= 3
    assert "數(shù)據(jù)" in SEEDS[TRADITIONAL]
    assert not encodable(SEEDS[TRADITIONAL], "cp950")  # the pinyin tone letters
    assert encodable(TRADITIONAL_NO_GLOSS, "cp950")
    assert encodable(SEEDS[TRADITIONAL], "big5hkscs")  # HKSCS has the tone letters


# --------------------------------------------------------------------------------------------
# The ladder, on whole reports
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", SEEDS)
def test_utf8(stem: str) -> None:
    text = SEEDS[stem]
    decoded = decode_bytes(text.encode("utf-8"))
    assert decoded.text == text
    assert decoded.encoding == "utf-8"
    assert decoded.confident
    assert [s.what for s in decoded.steps] == ["decode as utf-8"]


@pytest.mark.parametrize("stem", SEEDS)
def test_utf8_with_bom(stem: str) -> None:
    text = SEEDS[stem]
    decoded = decode_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    assert decoded.text == text
    assert decoded.encoding == "utf-8-sig"
    assert decoded.confident
    assert "BOM" in decoded.steps[0].why


@pytest.mark.parametrize("stem", SEEDS)
def test_gb18030(stem: str) -> None:
    text = SEEDS[stem]
    decoded = decode_bytes(text.encode("gb18030"))
    assert decoded.text == text
    assert decoded.encoding == "gb18030"
    assert decoded.confident
    assert "chardet" in decoded.steps[0].why and "candidates" in decoded.steps[0].why


@pytest.mark.parametrize("stem", GBK_SEEDS)
def test_gbk(stem: str) -> None:
    text = SEEDS[stem]
    decoded = decode_bytes(text.encode("gbk"))
    assert decoded.text == text
    assert decoded.encoding == "gb18030"
    assert decoded.confident


def test_cp950_traditional_without_glosses() -> None:
    decoded = decode_bytes(TRADITIONAL_NO_GLOSS.encode("cp950"))
    assert decoded.text == TRADITIONAL_NO_GLOSS
    assert decoded.encoding == "cp950"
    assert decoded.confident
    # GB18030 decodes these bytes too: it must have been considered and rejected.
    assert "gb18030" in decoded.steps[0].why


def test_big5hkscs_traditional_with_glosses() -> None:
    text = SEEDS[TRADITIONAL]
    data = text.encode("big5hkscs")
    with pytest.raises(UnicodeDecodeError):
        data.decode("cp950")  # so the ladder must fall back from CP950 to Big5-HKSCS
    decoded = decode_bytes(data)
    assert decoded.text == text
    assert decoded.encoding == "big5hkscs"
    assert decoded.confident


@pytest.mark.parametrize("stem", SEEDS)
@pytest.mark.parametrize(
    ("bom", "codec", "expected"),
    [
        (b"", "utf-16", "utf-16"),  # Python writes the BOM itself
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    ],
)
def test_utf16_32_with_bom(stem: str, bom: bytes, codec: str, expected: str) -> None:
    text = SEEDS[stem]
    decoded = decode_bytes(bom + text.encode(codec))
    assert decoded.text == text
    assert decoded.encoding == expected
    assert decoded.confident


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec: str) -> None:
    text = SEEDS[SIMPLIFIED[0]]
    decoded = decode_bytes(text.encode(codec))
    assert decoded.text == text
    assert decoded.encoding == codec


def test_ascii_utf16_without_bom_is_not_utf8_with_nuls() -> None:
    decoded = decode_bytes("Annual report 2020\n".encode("utf-16-le"))
    assert decoded.text == "Annual report 2020\n"
    assert decoded.encoding == "utf-16-le"
    assert "NUL" in decoded.steps[0].why


def test_gb18030_bom() -> None:
    text = SEEDS[SIMPLIFIED[0]]
    decoded = decode_bytes("\ufeff".encode("gb18030") + text.encode("gb18030"))
    assert decoded.text == text
    assert decoded.encoding == "gb18030"
    assert any("U+FEFF" in s.what for s in decoded.steps)


def test_empty_bytes() -> None:
    decoded = decode_bytes(b"")
    assert decoded == Decoded("", "utf-8", decoded.steps, True)


# --------------------------------------------------------------------------------------------
# Declared charsets
# --------------------------------------------------------------------------------------------


def html(body: bytes, meta: bytes) -> bytes:
    return b"<!DOCTYPE html><html><head>" + meta + b"<title>t</title></head><body>" + body


def test_gbk_declared_as_utf8_in_meta() -> None:
    text = SEEDS[GBK_SEEDS[0]]
    data = html(text.encode("gbk"), b'<meta charset="utf-8">')
    decoded = decode_bytes(data)
    assert decoded.encoding == "gb18030"
    assert decoded.text == data.decode("gb18030")
    assert text in decoded.text
    ignored = [s for s in decoded.steps if s.what.startswith("ignore the charset utf-8")]
    assert ignored and "hint" in ignored[0].why


def test_utf8_declared_as_gbk() -> None:
    text = SEEDS[SIMPLIFIED[0]]
    meta = b'<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
    data = html(text.encode("utf-8"), meta)
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text == data.decode("utf-8")
    ignored = [s for s in decoded.steps if s.what.startswith("ignore the charset gbk")]
    assert ignored and "valid utf-8" in ignored[0].why


def test_utf8_declared_by_caller_as_big5() -> None:
    text = SEEDS[TRADITIONAL]
    decoded = decode_bytes(text.encode("utf-8"), declared="big5")
    assert decoded.text == text
    assert any(s.what == "ignore the charset big5 declared by the caller" for s in decoded.steps)


def test_ascii_declaration_that_changes_nothing_is_not_reported() -> None:
    decoded = decode_bytes(b"2020 report\n", declared="gbk")
    assert [s.what for s in decoded.steps] == ["decode as utf-8"]


@pytest.mark.parametrize("label", ["gbk", "GB2312", "x-gbk", "gb18030", "cp936"])
def test_declared_gb_family_reads_as_gb18030(label: str) -> None:
    text = SEEDS[GBK_SEEDS[0]]
    decoded = decode_bytes(text.encode("gbk"), declared=label)
    assert decoded.text == text
    assert decoded.encoding == "gb18030"
    assert "declares" in decoded.steps[0].why


def test_declared_big5() -> None:
    decoded = decode_bytes(TRADITIONAL_NO_GLOSS.encode("cp950"), declared="big5")
    assert decoded.text == TRADITIONAL_NO_GLOSS
    assert decoded.encoding == "cp950"


def test_declared_big5_falls_back_to_hkscs() -> None:
    text = SEEDS[TRADITIONAL]
    decoded = decode_bytes(text.encode("big5hkscs"), declared="big5")
    assert decoded.text == text
    assert decoded.encoding == "big5hkscs"


def test_big5_wrongly_declared_as_gb2312() -> None:
    # GB18030 decodes these bytes without error; the declaration must still lose.
    data = TRADITIONAL_NO_GLOSS.encode("cp950")
    data.decode("gb18030")
    decoded = decode_bytes(html(data, b"<meta charset=gb2312>"))
    assert decoded.encoding == "cp950"
    assert TRADITIONAL_NO_GLOSS in decoded.text
    assert any(s.what.startswith("ignore the charset gb2312") for s in decoded.steps)


def test_gbk_wrongly_declared_as_latin1() -> None:
    text = SEEDS[GBK_SEEDS[0]]
    decoded = decode_bytes(text.encode("gbk"), declared="iso-8859-1")
    assert decoded.text == text


def test_gbk_wrongly_declared_as_big5() -> None:
    text = SEEDS[GBK_SEEDS[0]]
    decoded = decode_bytes(text.encode("gbk"), declared="big5")
    assert decoded.text == text
    assert decoded.encoding == "gb18030"


@pytest.mark.parametrize("label", ["no-such-charset", "unicode_escape", "base64", "rot13", ""])
def test_useless_declarations_are_ignored(label: str) -> None:
    text = SEEDS[GBK_SEEDS[0]]
    decoded = decode_bytes(text.encode("gbk"), declared=label)
    assert decoded.text == text
    assert decoded.encoding == "gb18030"
    assert decoded.steps[0].what.startswith("ignore the declared charset")


def test_declared_must_be_a_string() -> None:
    with pytest.raises(UnreadableInputError):
        decode_bytes(b"abc", declared=b"gbk")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<meta charset="utf-8">', "utf-8"),
        (b"<META CHARSET=GB2312>", "gb2312"),
        (b"<meta charset='x-gbk'/>", "gbk"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=gbk">', "gbk"),
        (b'<meta content="text/html;charset=BIG5" http-equiv="content-type">', "big5"),
        (b'<?xml version="1.0" encoding="GB18030"?><root/>', "gb18030"),
        (codecs.BOM_UTF8 + b"<?xml version='1.0' encoding='utf8'?>", "utf-8"),
        (b'<meta charset="big5-hkscs">', "big5hkscs"),
        (b'<meta charset="nonsense"><meta charset="gbk">', "gbk"),
        (b"<html><body>no declaration</body></html>", None),
        (b'<meta charset="x-user-defined">', None),
        (b"", None),
    ],
)
def test_sniff_declared_charset(head: bytes, expected: str | None) -> None:
    assert sniff_declared_charset(head) == expected


def test_sniff_looks_only_at_the_first_4kb() -> None:
    late = b" " * 5000 + b'<meta charset="gbk">'
    assert sniff_declared_charset(late) is None
    assert sniff_declared_charset(b" " * 100 + b'<meta charset="gbk">') == "gbk"


def test_sniff_ignores_non_bytes() -> None:
    assert sniff_declared_charset('<meta charset="gbk">') is None  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Short snippets
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", SIMPLIFIED)
def test_short_gbk_snippet(stem: str) -> None:
    line = first_cjk_lines(SEEDS[stem], 1)[0]
    decoded = decode_bytes(line.encode("gb18030"))
    assert decoded.text == line
    assert decoded.encoding == "gb18030"


def test_short_big5_snippet() -> None:
    line = first_cjk_lines(TRADITIONAL_NO_GLOSS, 1)[0]
    decoded = decode_bytes(line.encode("cp950"))
    assert decoded.text == line
    assert decoded.encoding == "cp950"


@pytest.mark.parametrize("width", [4, 8, 16])
def test_line_prefixes(width: int) -> None:
    """The start of every line of every report, in its legacy encoding, decodes exactly."""
    cases = [(TRADITIONAL_NO_GLOSS, "cp950")] + [(SEEDS[s], "gb18030") for s in SIMPLIFIED]
    checked = 0
    for text, codec in cases:
        for line in text.splitlines():
            prefix = line.strip()[:width]
            if len(prefix) < width or len(CJK.findall(prefix)) < 2:
                continue
            assert decode_bytes(prefix.encode(codec)).text == prefix, (codec, prefix)
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("snippet", ["(一)", "一", "1591249元"])
def test_gbk_snippet_that_is_also_valid_utf8(snippet: str) -> None:
    data = snippet.encode("gbk")
    data.decode("utf-8")  # 一 is D2 BB: Cyrillic һ in UTF-8
    decoded = decode_bytes(data)
    assert decoded.text == snippet
    assert decoded.steps[0].what == "do not decode as utf-8"


@pytest.mark.parametrize("text", ["café", "Größe", "μg/m³", "Привет мир", "Pīnyīn shù jù", "Ω"])
def test_short_legitimate_utf8_stays_utf8(text: str) -> None:
    decoded = decode_bytes(text.encode("utf-8"))
    assert decoded.text == text
    assert decoded.encoding == "utf-8"


def test_hz() -> None:
    text = "政府信息公开工作年度报告"
    decoded = decode_bytes(text.encode("hz"))
    assert decoded.text == text
    assert decoded.encoding == "hz"


# --------------------------------------------------------------------------------------------
# Damaged input
# --------------------------------------------------------------------------------------------


def test_truncated_utf8() -> None:
    text = "政府信息公开工作年度报告"
    decoded = decode_bytes(text.encode("utf-8")[:-1])
    assert decoded.text == text[:-1] + "\ufffd"
    assert decoded.encoding == "utf-8"
    assert any("incomplete" in s.what for s in decoded.steps)


def test_truncated_gbk() -> None:
    text = SEEDS[GBK_SEEDS[0]].rstrip() + "告"
    decoded = decode_bytes(text.encode("gbk")[:-1])
    assert decoded.text == text[:-1] + "\ufffd"
    assert decoded.encoding == "gb18030"


def test_corrupt_byte_falls_back_without_confidence() -> None:
    text = SEEDS[GBK_SEEDS[0]]
    data = text.encode("gbk")
    damaged = data[:200] + b"\xff" + data[200:]
    decoded = decode_bytes(damaged)
    assert decoded.encoding == "gb18030"
    assert not decoded.confident
    assert decoded.text.count("\ufffd") == 1
    assert decoded.text.replace("\ufffd", "") == text
    assert "replacing" in decoded.steps[-1].what


def test_invalid_utf16_after_bom_is_not_confident() -> None:
    decoded = decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8\x41\x00")  # lone high surrogate
    assert decoded.encoding == "utf-16"
    assert not decoded.confident
    assert "\ufffd" in decoded.text


# --------------------------------------------------------------------------------------------
# Mojibake repair
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", SEEDS)
def test_normal_report_is_unchanged(stem: str) -> None:
    text = SEEDS[stem]
    decoded = decode_text(text)
    assert decoded.text == text
    assert decoded.encoding is None
    assert decoded.steps == ()
    assert decoded.confident
    assert repair_steps(decode_bytes(text.encode("utf-8"))) == []


@pytest.mark.parametrize("stem", SEEDS)
@pytest.mark.parametrize("wrong", ["latin-1", "sloppy-windows-1252"])
def test_utf8_mojibake_repaired(stem: str, wrong: str) -> None:
    # Strict cp1252 cannot even decode most Chinese UTF-8 (0x81, 0x8D, 0x8F, 0x90, 0x9D are
    # undefined); what browsers and Windows tools produce is the "sloppy" variant.
    text = SEEDS[stem]
    mojibake = text.encode("utf-8").decode(wrong)
    decoded = decode_text(mojibake)
    assert decoded.text == text
    whats = [s.what for s in decoded.steps]
    assert whats == [
        f"repair mojibake (ftfy): encode {wrong}",
        "repair mojibake (ftfy): decode utf-8",
    ]
    assert all(s.why for s in decoded.steps)


def test_utf8_mojibake_strict_cp1252() -> None:
    text = "工作年度报告 | 行政事业性收费 | 法人或其他组织 | 社会公益组织"
    mojibake = text.encode("utf-8").decode("cp1252")  # strict: these bytes all exist in cp1252
    assert decode_text(mojibake).text == text


def test_utf8_mojibake_in_bytes() -> None:
    text = SEEDS[SIMPLIFIED[1]]
    decoded = decode_bytes(text.encode("utf-8").decode("latin-1").encode("utf-8"))
    assert decoded.text == text
    assert decoded.encoding == "utf-8"
    assert any("ftfy" in s.what for s in decoded.steps)


@pytest.mark.parametrize("stem", SEEDS)
def test_gbk_read_as_latin1_repaired(stem: str) -> None:
    text = SEEDS[stem]
    mojibake = text.encode("gb18030").decode("latin-1")
    decoded = decode_text(mojibake)
    assert decoded.text == text
    assert [s.what for s in decoded.steps] == [
        "repair mojibake: encode as latin-1, decode as gb18030"
    ]


def test_gbk_read_as_cp1252_repaired() -> None:
    text = SEEDS[TRADITIONAL]  # GBK bytes of Traditional characters include 0x80-0x9F
    mojibake = text.encode("gbk").decode("sloppy-windows-1252")
    assert not encodable(mojibake, "latin-1")
    decoded = decode_text(mojibake)
    assert decoded.text == text
    assert "sloppy-windows-1252" in decoded.steps[0].what


def test_big5_read_as_latin1_repaired() -> None:
    mojibake = TRADITIONAL_NO_GLOSS.encode("cp950").decode("latin-1")
    decoded = decode_text(mojibake)
    assert decoded.text == TRADITIONAL_NO_GLOSS
    assert "cp950" in decoded.steps[0].what


def test_short_gbk_mojibake_repaired() -> None:
    assert decode_text("2020Äê¶ÈÕþ¸®ÐÅÏ¢¹«¿ª¹¤×÷±¨¸æ").text == "2020年度政府信息公开工作报告"


@pytest.mark.parametrize(
    "text",
    [
        "Le café élève à Noël, où êtes-vous? Größe Übersicht.",
        "Ça coûte 5 € — « très » cher…",
        "shù jù jú (數據局) ǎ ǐ ǒ ǔ",
        "¡Hola! ¿Qué tal? ñ",
        "温度 25°C，湿度 ±5%，面积 3×4 ㎡ · 备注",
        "“引号”和‘单引号’，ﬁ ligature and ＡＢＣ fullwidth",
        "&amp; &lt;tag&gt; kept as is",
        "\x1b[31m terminal escape kept \x1b[0m",
    ],
)
def test_legitimate_text_is_not_repaired(text: str) -> None:
    decoded = decode_text(text)
    assert decoded.text == text
    assert decoded.steps == ()


def test_mojibake_bom_is_repaired_and_stripped() -> None:
    text = "政府信息公开"
    decoded = decode_text(("\ufeff" + text).encode("utf-8").decode("latin-1"))
    assert decoded.text == text


# --------------------------------------------------------------------------------------------
# Newlines and BOM characters
# --------------------------------------------------------------------------------------------


def test_crlf_and_lone_cr_normalised() -> None:
    text = SEEDS[SIMPLIFIED[0]]
    windows = text.replace("\n", "\r\n")
    for decoded in (decode_text(windows), decode_bytes(windows.encode("gbk"))):
        assert decoded.text == text
        step = decoded.steps[-1]
        assert step.what == "normalise newlines to LF"
        assert f"{text.count(chr(10))} CRLF" in step.why
    assert decode_text("a\rb\r\nc\n").text == "a\nb\nc\n"


def test_no_newline_step_without_cr() -> None:
    assert not any("newline" in s.what for s in decode_text("a\nb\n").steps)


def test_leading_bom_stripped_from_str() -> None:
    text = SEEDS[SIMPLIFIED[0]]
    decoded = decode_text("\ufeff" + text)
    assert decoded.text == text
    assert [s.what for s in decoded.steps] == ["remove the leading U+FEFF"]


def test_inner_feff_is_kept() -> None:
    assert decode_text("a\ufeffb").text == "a\ufeffb"


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------


@pytest.fixture
def gbk_file(tmp_path: Path) -> tuple[Path, str]:
    text = SEEDS[GBK_SEEDS[0]]
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("gbk"))
    return path, text


def test_path_source(gbk_file: tuple[Path, str]) -> None:
    path, text = gbk_file
    content, name = read_source(path)
    assert content == text.encode("gbk")
    assert name == str(path)
    assert decode(path).text == text


def test_custom_pathlike_source(gbk_file: tuple[Path, str]) -> None:
    path, text = gbk_file

    class Location:
        def __fspath__(self) -> str:
            return str(path)

    assert read_source(Location()) == (text.encode("gbk"), str(path))


def test_str_is_text_never_a_path(gbk_file: tuple[Path, str]) -> None:
    path, _text = gbk_file
    assert read_source(str(path)) == (str(path), None)
    decoded = decode(str(path))
    assert decoded.text == str(path)
    assert decoded.encoding is None


def test_str_source() -> None:
    text = SEEDS[SIMPLIFIED[0]]
    assert read_source(text) == (text, None)
    assert decode(text) == decode_text(text)


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_bytes_like_sources(kind: type) -> None:
    text = SEEDS[TRADITIONAL]
    data = kind(text.encode("utf-8"))
    content, name = read_source(data)
    assert content == text.encode("utf-8") and type(content) is bytes and name is None
    assert decode(data).text == text
    assert decode_bytes(data).text == text


def test_bytesio_source() -> None:
    text = SEEDS[SIMPLIFIED[0]]
    assert read_source(io.BytesIO(text.encode("gb18030"))) == (text.encode("gb18030"), None)
    decoded = decode(io.BytesIO(text.encode("gb18030")))
    assert decoded.text == text and decoded.encoding == "gb18030"


def test_stringio_source() -> None:
    text = SEEDS[SIMPLIFIED[0]]
    assert read_source(io.StringIO(text)) == (text, None)
    decoded = decode(io.StringIO(text.replace("\n", "\r\n")))
    assert decoded.text == text and decoded.encoding is None


def test_open_files(gbk_file: tuple[Path, str]) -> None:
    path, text = gbk_file
    with open(path, "rb") as binary:
        assert read_source(binary) == (text.encode("gbk"), str(path))
    with open(path, encoding="gbk", newline="") as textual:
        assert read_source(textual) == (text, str(path))


def test_file_like_without_size_argument() -> None:
    class Reader:
        def read(self) -> bytes:
            return "年度报告".encode()

    assert read_source(Reader()) == ("年度报告".encode(), None)


@pytest.mark.parametrize("source", [None, 42, 3.5, ["a"], {"a": 1}, object(), b"x".hex])
def test_wrong_types(source: object) -> None:
    with pytest.raises(UnreadableInputError, match="accepted: str"):
        read_source(source)
    with pytest.raises(UnreadableInputError):
        decode(source)


def test_wrong_types_for_the_specific_functions() -> None:
    with pytest.raises(UnreadableInputError):
        decode_bytes("text")  # type: ignore[arg-type]
    with pytest.raises(UnreadableInputError):
        decode_text(b"bytes")  # type: ignore[arg-type]


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "report.txt"
    with pytest.raises(UnreadableInputError, match=r"report\.txt"):
        read_source(missing)
    with pytest.raises(UnreadableInputError, match=re.escape(str(missing))):
        decode(missing)


def test_directory_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInputError, match=re.escape(str(tmp_path))):
        decode(tmp_path)


def test_path_with_nul_is_unreadable() -> None:
    with pytest.raises(UnreadableInputError):
        decode(Path("bad\x00name.txt"))


def test_failing_file_like() -> None:
    class Broken:
        name = "broken.txt"

        def read(self, size: int = -1) -> bytes:
            raise OSError("device on fire")

    with pytest.raises(UnreadableInputError, match="device on fire"):
        decode(Broken())

    closed = io.BytesIO(b"abc")
    closed.close()
    with pytest.raises(UnreadableInputError):
        decode(closed)


def test_file_like_returning_nonsense() -> None:
    class Odd:
        def read(self, size: int = -1) -> object:
            return 12

    with pytest.raises(UnreadableInputError, match="returned int"):
        decode(Odd())


def test_text_file_with_wrong_encoding_is_unreadable(gbk_file: tuple[Path, str]) -> None:
    path, _text = gbk_file
    with open(path, encoding="utf-8") as handle, pytest.raises(UnreadableInputError):
        decode(handle)


def test_max_input_constant() -> None:
    assert MAX_INPUT_BYTES == 256 * 1024 * 1024
    assert issubclass(InputTooLargeError, UnreadableInputError)


def test_too_large_inputs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(decoding, "MAX_INPUT_BYTES", 10)
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 11)
    for source in (b"x" * 11, bytearray(11), "x" * 11, io.BytesIO(b"x" * 11), path):
        with pytest.raises(InputTooLargeError):
            decode(source)
    with pytest.raises(InputTooLargeError):
        decode_bytes(b"x" * 11)
    assert decode(b"x" * 10).text == "x" * 10


# --------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------


def test_decoded_is_frozen_and_steps_are_explained() -> None:
    decoded = decode_bytes(SEEDS[TRADITIONAL].replace("\n", "\r\n").encode("big5hkscs"))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        decoded.text = "x"  # type: ignore[misc]
    assert isinstance(decoded.steps, tuple)
    assert len(decoded.steps) == 2
    for step in decoded.steps:
        assert isinstance(step, Step) and step.what and step.why


def test_encoding_reproduces_the_text() -> None:
    for data in (
        SEEDS[TRADITIONAL].encode("big5hkscs"),
        codecs.BOM_UTF8 + SEEDS[SIMPLIFIED[0]].encode("utf-8"),
        SEEDS[SIMPLIFIED[0]].encode("utf-16"),
    ):
        decoded = decode_bytes(data)
        assert decoded.encoding is not None
        assert data.decode(decoded.encoding) == decoded.text


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

SEED_CJK = sorted(set(CJK.findall("".join(SEEDS.values()))))
DECLARATIONS = [None, "utf-8", "gbk", "big5", "latin-1", "utf-16", "hz", "unicode_escape", "x"]
PROPERTY = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.binary(max_size=2000))
def test_random_bytes_decode_or_raise_gxlib_error(data: bytes) -> None:
    try:
        decoded = decode(data)
    except GxlibError:
        return
    assert isinstance(decoded, Decoded)
    assert isinstance(decoded.text, str) and "\r" not in decoded.text
    assert all(isinstance(s, Step) for s in decoded.steps)


@PROPERTY
@given(
    st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE, b"~{"]),
    st.binary(max_size=2000),
    st.sampled_from(DECLARATIONS),
)
def test_random_bytes_with_prefixes_and_declarations(
    prefix: bytes, data: bytes, declared: str | None
) -> None:
    try:
        decoded = decode_bytes(prefix + data, declared=declared)
    except GxlibError:
        return
    assert isinstance(decoded, Decoded)


@PROPERTY
@given(st.text(max_size=2000))
def test_random_text_never_fails(text: str) -> None:
    decoded = decode_text(text)
    assert "\r" not in decoded.text
    assert decoded.encoding is None


@PROPERTY
@given(st.text(alphabet=SEED_CJK, min_size=1, max_size=300))
def test_cjk_text_round_trips_through_unicode_encodings(text: str) -> None:
    for data in (
        text.encode("utf-8"),
        codecs.BOM_UTF8 + text.encode("utf-8"),
        text.encode("utf-16"),
    ):
        assert decode_bytes(data).text == text


@PROPERTY
@given(st.text(alphabet=SEED_CJK, min_size=1, max_size=300))
def test_cjk_text_round_trips_through_declared_gb18030(text: str) -> None:
    data = text.encode("gb18030")
    # The ladder puts valid UTF-8 before any declaration; a few GB18030 strings of rare
    # characters are valid UTF-8 too (媒 is C3 BD, UTF-8 for ý).
    assume(not _is_utf8(data))
    decoded = decode_bytes(data, declared="gb18030")
    assert decoded.text == text
    assert decoded.encoding == "gb18030"


@PROPERTY
@given(st.sampled_from(SIMPLIFIED), st.integers(0, 10_000), st.integers(1, 400))
def test_report_excerpts_round_trip_through_gb18030(stem: str, start: int, length: int) -> None:
    text = SEEDS[stem]
    excerpt = text[start % len(text) :][:length]
    assume(len(CJK.findall(excerpt)) >= 6)
    assert decode_bytes(excerpt.encode("gb18030")).text == excerpt


@PROPERTY
@given(st.integers(0, 10_000), st.integers(1, 400))
def test_report_excerpts_round_trip_through_cp950(start: int, length: int) -> None:
    text = TRADITIONAL_NO_GLOSS
    excerpt = text[start % len(text) :][:length]
    assume(len(CJK.findall(excerpt)) >= 6)
    assert decode_bytes(excerpt.encode("cp950")).text == excerpt


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# -- the ftfy shortcut: ftfy runs only where its heuristic could match ----------------------

_MOJIBAKE_ALPHABET = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40),
    st.sampled_from(list("abcXYZ 0123.,;\n\t")),
    st.sampled_from(list("“”‘’—…·、，。（）《》「」")),
    st.characters(min_codepoint=0x80, max_codepoint=0x24F),
    st.characters(min_codepoint=0x370, max_codepoint=0x45F),
    st.sampled_from(list("€‚ƒ„†‡ˆ‰‹›™¦¤¢£¥©®°±²³µ¶¸¹º»¼½¾¿×÷√≈∂≠≤≥ΒΓΞΟβ€ВЂГўРСā")),
    st.characters(codec="utf-8"),
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_MOJIBAKE_ALPHABET, max_size=40))
def test_ftfy_shortcut_agrees_with_ftfy(text: str) -> None:
    """Where the shortcut skips ftfy, ftfy would have returned the text unchanged."""
    if not decoding._ftfy_would_change(text):
        fixed, _ = ftfy.fix_and_explain(text, decoding._FTFY_CONFIG)
        assert fixed == text


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_MOJIBAKE_ALPHABET, max_size=60))
def test_ftfy_shortcut_looks_where_a_scan_of_every_character_looks(text: str) -> None:
    """Finding the heuristic's characters from the non-ASCII ones decides as scanning all."""
    from ftfy.badness import BADNESS_RE

    def scan(text: str) -> bool:
        for m in decoding._mojibake_chars().finditer(text):
            p = m.start()
            if decoding._C1_OR_SURROGATE.match(text, p) or BADNESS_RE.search(
                text, max(0, p - 8), p + 9
            ):
                return True
        return False

    assert decoding._ftfy_would_change(text) == scan(text)


@pytest.mark.parametrize(
    "text", ["sÃ³", "voilÃ le travail", "ä¸­å›½", "æ”¿åºœä¿¡æ¯å…¬å¼€", "\x85", "a\ud800b"]
)
def test_ftfy_shortcut_passes_mojibake_on(text: str) -> None:
    assert decoding._ftfy_would_change(text)
    assert decoding._ftfy_would_change("政府信息公开。\n" * 50 + text + "\n统计")


def test_ftfy_shortcut_finds_utf8_mojibake_in_a_long_chinese_text() -> None:
    text = "本年度政府信息公开工作“有序推进”——" * 200 + "\nç»Ÿè®¡\n"
    assert decoding.decode_bytes(text.encode("utf-8")).text.endswith("统计\n")
