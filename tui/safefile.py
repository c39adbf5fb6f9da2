"""Reading files that may have been planted: regular files only, links refused, size capped.

A synced folder (the reading list) or a library folder is written to by other programs and
other machines. Opening a name there must not follow a symbolic link planted in its place
(`O_NOFOLLOW`), block on a FIFO (opened without blocking, then checked with `fstat` on the
descriptor, so a name swapped between a check and the open cannot slip through) or read a
device such as `/dev/zero` until memory runs out (one bounded read of at most the cap).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_CHUNK = 16 * 1024 * 1024


class UnsafeFileError(Exception):
    """A name that is not a regular file (a link, FIFO, socket, device) or is too large.

    `reason` completes "PATH is ..." ("a symbolic link", "larger than the 64 MB limit").
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words: "a FIFO (named pipe)", "a device", ..."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def open_regular(
    path: Path, flags: int = os.O_RDONLY, create_mode: int = 0o600, *, follow: bool = False
) -> int:
    """A descriptor on the regular file `path`, opened without following a final link (with
    `follow`, a link the user named is followed: a file given on the command line).

    Raises FileNotFoundError, IsADirectoryError, UnsafeFileError (a link, FIFO, device,
    socket) or OSError. With `os.O_CREAT` in `flags` a missing file is created `create_mode`.
    """
    nofollow = 0 if follow else _NOFOLLOW
    try:
        fd = os.open(path, flags | os.O_NONBLOCK | nofollow | _CLOEXEC, create_mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFileError("a symbolic link") from None
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO opened for writing with no reader
            raise UnsafeFileError(_lstat_kind(path)) from None
        raise
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFileError(kind_of(info.st_mode))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _lstat_kind(path: Path) -> str:
    try:
        return kind_of(os.lstat(path).st_mode)
    except OSError:
        return "a special file"


def read_capped(fd: int, limit: int) -> bytes:
    """At most `limit` bytes from `fd`; UnsafeFileError if there are more (it may be growing)."""
    if os.fstat(fd).st_size > limit:
        raise UnsafeFileError(_too_big(limit))
    chunks: list[bytes] = []
    size = 0
    while size <= limit:  # read at most limit + 1 bytes: the file may have grown since fstat
        chunk = os.read(fd, min(limit + 1 - size, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise UnsafeFileError(_too_big(limit))
    return b"".join(chunks)


def read_regular(path: Path, limit: int | None = None, *, follow: bool = False) -> bytes:
    """The bytes of the regular file `path` (a final link is refused unless `follow`), at most
    `limit` bytes.

    Raises what `open_regular` raises, and UnsafeFileError for a file over `limit`.
    """
    fd = open_regular(path, follow=follow)
    try:
        if limit is None:
            with os.fdopen(os.dup(fd), "rb") as handle:
                return handle.read()
        return read_capped(fd, limit)
    finally:
        os.close(fd)


def _too_big(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"larger than the {limit // (1024 * 1024)} MB limit"
    return f"larger than the {limit:,}-byte limit"
