"""`import gxlib` and the text path never import the heavy optional readers."""

from __future__ import annotations

import subprocess
import sys


def test_import_does_not_load_extras() -> None:
    code = (
        "import sys, gxlib; gxlib.parse_text('一、总体情况\\n无'); "
        "heavy = [m for m in ('lxml', 'pdfplumber', 'pypdfium2', 'pandas', 'pyarrow', 'opencc', "
        "'docx') "
        "if m in sys.modules]; print(heavy); assert not heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_extra_names_the_pip_install() -> None:
    from gxlib.errors import MissingExtraError

    err = MissingExtraError("pdf", "pdfplumber")
    assert "pip install 'gxlib[pdf]'" in str(err)
    assert isinstance(err, ImportError)
