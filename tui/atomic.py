"""Atomic file replacement: the one way paperdeck writes a file it must never leave torn.

Write to a temp file in the same folder, flush, fsync, rename over the target, fsync the folder.
Killing the process at any moment leaves either the old file or the new one.

The folder may be shared with other programs (a synced folder, a home another user can write
to), so the temp file is made by `mkstemp`: a random name, created exclusively (a name planted
in advance cannot be written through) and readable by its owner only. The target must be a
regular file or a missing name: a symbolic link planted in its place is refused, never written
through, and so are a FIFO or a device (renaming over `/dev/null` as root would replace it).
The new file takes `mode` when given, else the mode of the file it replaces, else 0600.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from tui.errors import StoreError
from tui.safefile import kind_of


def atomic_write_bytes(
    path: Path, payload: bytes, *, what: str = "", mode: int | None = None
) -> None:
    """Replace `path` with `payload` atomically; `StoreError` (old file intact) on failure.

    `what` names the file for the message (`cannot write reading list PATH: ...`).
    """
    atomic_write_parts(path, (payload,), what=what, mode=mode)


def atomic_write_parts(
    path: Path,
    parts: Iterable[bytes | memoryview],
    *,
    what: str = "",
    mode: int | None = None,
) -> None:
    """`atomic_write_bytes` for a payload given in pieces (a large derived file written without
    first joining it into one copy in memory)."""
    label = f"{what} " if what else ""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise StoreError(f"cannot write {label}{path}: {exc.strerror or exc}") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise StoreError(
            f"cannot write {label}{path}: it is {kind_of(info.st_mode)}, not a regular file; "
            "nothing was changed"
        )
    if mode is None:
        mode = stat.S_IMODE(info.st_mode) if info is not None else 0o600
    tmp: str | None = None
    try:
        fd, tmp = _temp_file(path.parent, f".{path.name}.", ".tmp")
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            for part in parts:
                handle.write(part)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        tmp = None
        try:
            dir_fd = os.open(path.parent, os.O_RDONLY)
        except OSError:
            return  # some platforms cannot open a folder; the rename is already done
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise StoreError(
            f"cannot write {label}{path}: {exc.strerror or exc}; nothing was changed"
        ) from None


_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
_TEMP_FLAGS |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _temp_file(folder: Path, prefix: str, suffix: str) -> tuple[int, str]:
    """A new file only this process can have opened, as `tempfile.mkstemp` makes it (the same
    flags, mode 0600, a random name), without importing tempfile: with shutil and random it
    is about a tenth of a triage command's whole-process time."""
    for _ in range(100):
        name = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(name, _TEMP_FLAGS, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")
