"""The exceptions the core raises for problems a user can fix, each carrying a one-line message.

The CLI prints `paperdeck: <message>` and exits with `exit_code` (2 for usage, 1 for failure);
the interface shows the same message as a notification. Nothing here is a programming error.
"""

from __future__ import annotations

from collections.abc import Mapping


class PaperdeckError(Exception):
    """A failure to report to the user in one line. `exit_code` is 1 unless a subclass says 2."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(PaperdeckError):
    """The user asked for something malformed: a bad argument, status, format or query."""

    exit_code = 2


class UnknownPaperError(UsageError):
    """An id that names no paper in the library."""


class InputFormatError(PaperdeckError):
    """A file or response that is not in any format paperdeck reads, or is damaged."""


class StoreError(PaperdeckError):
    """The store cannot be read or written: corrupt file, lock held, read-only or full disk."""


class PartialWriteError(StoreError):
    """A change was written but not journalled (so it cannot be undone) and could not be put
    back; `kept` holds the states as they are now on disk, by paper id."""

    def __init__(self, message: str, kept: Mapping[str, object]) -> None:
        super().__init__(message)
        self.kept = dict(kept)


class LockTimeoutError(StoreError):
    """Another process held the library's write lock for longer than we wait."""


class NetworkError(PaperdeckError):
    """A source could not be reached or answered with an error after retries."""
