"""The reading-list file on disk, in a folder other machines write to: read and replaced safely.

The list lives in a synced folder (git, Syncthing, Dropbox), so anything may turn up at its name.
Only a regular file is read: a symbolic link planted there is refused, not followed (it could
point at a shell start-up file or `config.toml`), and a FIFO, a device or a file over
`MAX_FILE_BYTES` is refused before a byte is read. The folders on the way to the list are the
user's own and are resolved once, when the path is taken (`list_path`); a folder that is a link
works. The write is `atomic_write_bytes`: a fresh random temp file, renamed over the list, which
must still be a regular file or missing; an existing list keeps its mode, a new one is 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

from tui.atomic import atomic_write_bytes
from tui.errors import InputFormatError, StoreError, UsageError
from tui.safefile import UnsafeFileError, open_regular, read_capped

MAX_FILE_BYTES = 64 * 1024 * 1024
"""The largest reading list read: far more than `MAX_ENTRIES` papers with notes need."""


def list_path(path: str | os.PathLike[str]) -> Path:
    """The list's path with `~` expanded and the folders on the way resolved (not the name)."""
    file = Path(path).expanduser()
    return Path(os.path.realpath(file.parent)) / file.name


def read_list_file(file: Path, shown: Path | None = None) -> str | None:
    """The text of the list at `file`, or None when nothing is there; errors name `shown`."""
    name = shown or file
    try:
        fd = open_regular(file)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise UsageError(f"reading list {name} is a folder; give a file path") from None
    except UnsafeFileError as exc:
        raise InputFormatError(_refusal(file, name, exc.reason, "read")) from None
    except OSError as exc:
        raise StoreError(f"cannot read reading list {name}: {exc.strerror or exc}") from None
    try:
        data = read_capped(fd, MAX_FILE_BYTES)
    except UnsafeFileError as exc:
        raise InputFormatError(f"reading list {name} is {exc.reason}; not read") from None
    except OSError as exc:
        raise StoreError(f"cannot read reading list {name}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputFormatError(
            f"reading list {name} line {line}: not UTF-8 text; the file was left as it is"
        ) from None


def _refusal(file: Path, name: Path, reason: str, verb: str) -> str:
    message = f"reading list {name} is {reason}, not a regular file; not {verb}"
    if file.is_symlink():
        try:
            target = os.readlink(file)
        except OSError:
            target = "its target"
        message += (
            f" (links in a synced folder are not followed: if you made it, name the file it "
            f"points to, {target}, instead)"
        )
    return message


def write_list_file(file: Path, text: str, shown: Path | None = None) -> None:
    """Replace the list at `file` with `text` atomically; errors name `shown`."""
    name = shown or file
    if not file.parent.is_dir():
        raise UsageError(f"cannot write reading list {name}: folder {file.parent} does not exist")
    if file.is_symlink():  # refused by the write too; this says what to do about it
        raise InputFormatError(_refusal(file, name, "a symbolic link", "written"))
    atomic_write_bytes(file, text.encode("utf-8"), what="reading list")
