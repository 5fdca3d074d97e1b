"""gxlib: Chinese government information-disclosure annual reports as exact, traceable data.

>>> import gxlib
>>> report = gxlib.parse("examples/reports/zibo-2020.txt")   # doctest: +SKIP
>>> report.value("requests", "new", "total")                  # doctest: +SKIP
2
"""

from typing import TYPE_CHECKING, Any

from gxlib import diagnostics, profiles
from gxlib.batch import BatchError, parse_many
from gxlib.diagnostics import Diagnostic
from gxlib.document import Document, Location, Step
from gxlib.errors import (
    DuplicateReportWarning,
    GxlibError,
    InputNotFoundError,
    InputTooLargeError,
    MissingExtraError,
    ProfileError,
    StrictModeError,
    UnknownKeyError,
    UnknownProfileError,
    UnreadableInputError,
    UnsupportedInputError,
)
from gxlib.facts import Fact, Statement
from gxlib.frames import (
    SCHEMA,
    ContinuityIssue,
    check_continuity,
    diagnostics_frame,
    facts_frame,
    harmonise,
    to_pandas,
)
from gxlib.parse import parse, parse_bytes, parse_document, parse_text
from gxlib.report import Cell, Metadata, Report, Section, Table, Verification, VerificationSummary

__version__ = "0.1.0"

__all__ = [
    "SCHEMA",
    "BatchError",
    "Cell",
    "ContinuityIssue",
    "Diagnostic",
    "Document",
    "DuplicateReportWarning",
    "Fact",
    "GxlibError",
    "InputNotFoundError",
    "InputTooLargeError",
    "Location",
    "Metadata",
    "MissingExtraError",
    "ProfileError",
    "Report",
    "Section",
    "Statement",
    "Step",
    "StrictModeError",
    "Table",
    "UnknownKeyError",
    "UnknownProfileError",
    "UnreadableInputError",
    "UnsupportedInputError",
    "Verification",
    "VerificationSummary",
    "__version__",
    "check_continuity",
    "diagnostics",
    "diagnostics_frame",
    "facts_frame",
    "harmonise",
    "parse",
    "parse_bytes",
    "parse_document",
    "parse_many",
    "parse_text",
    "profiles",
    "to_pandas",
]


if TYPE_CHECKING:
    from gxlib.dask_support import to_dask as to_dask


def __getattr__(name: str) -> Any:
    # lazy: `import gxlib` must not import dask (or pandas)
    if name == "to_dask":
        from gxlib.dask_support import to_dask

        return to_dask
    raise AttributeError(f"module 'gxlib' has no attribute {name!r}")
