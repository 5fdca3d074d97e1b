"""Exceptions raised by gxlib.

Document problems are diagnostics, not exceptions. Exceptions are kept for input that cannot be
read at all, invalid profiles, missing optional extras and strict mode. All derive from
:class:`GxlibError` so callers can catch one type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gxlib.report import Report


class GxlibError(Exception):
    """Base class of every exception gxlib raises on purpose."""


class UnreadableInputError(GxlibError):
    """The input could not be turned into text (wrong type, unreadable file, corrupt container)."""


class InputNotFoundError(UnreadableInputError, FileNotFoundError):
    """The path names no file (also a ``FileNotFoundError``, as ``open()`` would raise)."""


class UnsupportedInputError(UnreadableInputError):
    """The input is of a kind gxlib does not read: not a regular file (a directory, FIFO, device,
    socket), or content that is no report format (an image, a compressed archive, binary data).

    ``detected`` names what was found (``"directory"``, ``"PNG image"``, ``"gzip archive"``...).
    """

    def __init__(self, message: str, detected: str = "") -> None:
        super().__init__(message)
        self.detected = detected

    def __reduce__(self) -> tuple[type[UnsupportedInputError], tuple[str, str]]:
        # batch workers pickle exceptions; the default would drop ``detected``
        return (type(self), (str(self.args[0]) if self.args else "", self.detected))


class ProfileError(GxlibError):
    """A profile file is not valid; the message locates the problem (``@ $.tables[0]...``)."""


class UnknownProfileError(GxlibError, KeyError):
    """No registered profile has the requested id."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownKeyError(GxlibError, KeyError):
    """A ``(table, row, column)`` key that the report's profile does not define."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class MissingExtraError(GxlibError, ImportError):
    """An optional dependency is needed; the message carries the ``pip install`` hint."""

    def __init__(self, extra: str, module: str) -> None:
        self.extra = extra
        self.module = module
        super().__init__(
            f"this needs the optional dependency {module!r}: pip install 'gxlib[{extra}]'"
        )


class InputTooLargeError(UnreadableInputError):
    """The input would exceed a safety limit (archive expansion, nesting depth, size)."""


class StrictModeError(GxlibError):
    """Raised by ``parse(..., strict=True)`` when the report has error diagnostics."""

    def __init__(self, report: Report) -> None:
        self.report = report
        errors = [d for d in report.diagnostics if d.severity == "error"]
        first = "; ".join(f"{d.code} {d.message}" for d in errors[:3])
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        super().__init__(f"{len(errors)} error diagnostic(s): {first}{more}")


class DuplicateReportWarning(UserWarning):
    """The same report (same ``report_id``) was given more than once; the copy was dropped.

    The message starts with the diagnostic code ``GX805``."""
