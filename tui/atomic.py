"""Atomic file replacement: the one way paperdeck writes a file it must never leave torn.

Write to a temp file in the same folder, flush, fsync, rename over the target, fsync the folder.
Killing the process at any moment leaves either the old file or the new one. A symlinked target
is written through (the link stays a link) and an existing file keeps its permissions.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from tui.errors import StoreError


def atomic_write_bytes(path: Path, payload: bytes, *, what: str = "") -> None:
    """Replace `path` with `payload` atomically; `StoreError` (old file intact) on failure.

    `what` names the file for the message (`cannot write reading list PATH: ...`).
    """
    atomic_write_parts(path, (payload,), what=what)


def atomic_write_parts(path: Path, parts: Iterable[bytes | memoryview], *, what: str = "") -> None:
    """`atomic_write_bytes` for a payload given in pieces (a large derived file written without
    first joining it into one copy in memory)."""
    target = path.resolve() if path.is_symlink() else path
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else None
        with open(tmp, "wb") as handle:
            for part in parts:
                handle.write(part)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
        try:
            dir_fd = os.open(target.parent, os.O_RDONLY)
        except OSError:
            return  # some platforms cannot open a folder; the rename is already done
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        label = f"{what} " if what else ""
        raise StoreError(
            f"cannot write {label}{path}: {exc.strerror or exc}; nothing was changed"
        ) from None
