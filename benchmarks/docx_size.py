"""Memory and time of reading a large DOCX (issue 15 item 7): prints figures, no pass/fail.

    python benchmarks/docx_size.py                  # document XML of 2, 8 and 30 MB
    python benchmarks/docx_size.py --sizes 1,150    # other sizes (MB of word/document.xml)
    python benchmarks/docx_size.py --ref ../main    # also run another checkout, to compare

Each document repeats a real report's lines as Word-formatted paragraphs (run properties,
spacing, indentation), the way Word writes them. Every reading runs in a fresh process, so
peak RSS is that reading's own. Sizes over gxlib's ``MAX_PART_BYTES`` are refused at once
(``InputTooLargeError``), before anything is decompressed.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "seeds" / "001_30fde63b7d2b0111.txt"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_RPR = (
    '<w:rPr><w:rFonts w:ascii="FangSong" w:eastAsia="FangSong" w:hAnsi="FangSong"/>'
    '<w:sz w:val="32"/></w:rPr>'
)


def _paragraph(text: str) -> str:
    return (
        '<w:p><w:pPr><w:spacing w:line="560" w:lineRule="exact"/><w:ind w:firstLineChars="200"/>'
        f"</w:pPr><w:r>{_RPR}<w:t>{escape(text)}</w:t></w:r></w:p>"
    )


def large_docx(megabytes: float) -> bytes:
    """A DOCX whose word/document.xml is about *megabytes* MB (a report's lines, repeated)."""
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    block = "".join(_paragraph(line) for line in lines)
    copies = max(1, round(megabytes * 1024 * 1024 / len(block.encode())))
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'
    xml += block * copies + "</w:body></w:document>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


_CHILD = """
import resource, sys, time
sys.path.insert(0, sys.argv[1])
import gxlib
from gxlib.readers.docx import read_docx
data = open(sys.argv[2], "rb").read()
t0 = time.process_time()  # CPU time: the machine may be shared
try:
    outcome = f"{len(read_docx(data).text):,} characters"
except gxlib.InputTooLargeError as exc:
    outcome = "InputTooLargeError"
seconds = time.process_time() - t0
try:  # VmHWM is this process's own peak; ru_maxrss survives exec (the parent's peak)
    status = open("/proc/self/status").read()
    peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
except (OSError, IndexError, ValueError):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
print(f"{seconds:8.2f} s {peak:8.0f} MB  {outcome}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2,8,30", help="MB of document XML, comma-separated")
    parser.add_argument("--ref", type=Path, help="another checkout of gxlib to compare with")
    args = parser.parse_args()
    checkouts = [("this", ROOT)] + ([("ref", args.ref.resolve())] if args.ref else [])
    print("document XML   checkout  CPU time  peak RSS  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (float(s) for s in args.sizes.split(",")):
            path = os.path.join(tmp, f"{size:g}.docx")
            Path(path).write_bytes(large_docx(size))
            for label, checkout in checkouts:
                result = subprocess.run(
                    [sys.executable, "-c", _CHILD, str(checkout), path],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                out = result.stdout.strip() or result.stderr.strip().splitlines()[-1]
                print(f"{size:9g} MB   {label:8} {out}")


if __name__ == "__main__":
    main()
