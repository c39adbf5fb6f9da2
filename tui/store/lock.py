"""The library's write lock: one lock file per home, held only for one read-modify-write.

Several processes may use one library at once (the app in one terminal, `paperdeck sync` from
cron in another). Each write takes this lock, re-reads what changed on disk, applies its change
and writes, then lets go, so no process overwrites a change another made. The holder's pid is
written into the lock file so a process that cannot get the lock can say who has it.

The lock file is opened without following a link and must be a regular file (created 0600): a
link or FIFO planted at `.lock` is refused, not written through or blocked on.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tui.errors import LockTimeoutError, StoreError
from tui.safefile import UnsafeFileError, open_regular, read_regular

DEFAULT_TIMEOUT = 5.0
TIMEOUT_ENV = "PAPERDECK_LOCK_TIMEOUT"
"""Overrides `DEFAULT_TIMEOUT` (seconds; a bad value is ignored)."""


def timeout_from_env() -> float:
    """How long a write waits for another process's lock: `$PAPERDECK_LOCK_TIMEOUT` or 5 s."""
    raw = os.environ.get(TIMEOUT_ENV, "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


class LibraryLock:
    """A re-entrant (per thread) exclusive lock across processes, with a timeout."""

    def __init__(self, path: Path, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.path = path
        self.timeout = timeout
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this process holds the lock."""
        return self._depth > 0

    def holder_pid(self) -> int | None:
        """The pid recorded by the current holder, if it can be read."""
        try:
            text = read_regular(self.path, limit=64).decode("ascii").strip()
        except (OSError, UnicodeDecodeError, UnsafeFileError):
            return None
        return int(text) if text.isdigit() else None

    @contextmanager
    def hold(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the lock for the duration of the block (nesting in one thread is free);
        `timeout` overrides how long to wait for it."""
        wait = self.timeout if timeout is None else timeout
        if not self._thread_lock.acquire(timeout=wait):
            raise LockTimeoutError(f"library {self.path.parent} is busy in this process")
        try:
            if self._depth == 0:
                self._acquire_file(wait)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._release_file()
        finally:
            self._thread_lock.release()

    def _acquire_file(self, wait: float) -> None:
        try:
            fd = open_regular(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except UnsafeFileError as exc:
            raise StoreError(
                f"cannot open lock file {self.path}: it is {exc.reason}, not a regular file"
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot open lock file {self.path}: {exc.strerror}") from None
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise StoreError(f"cannot lock {self.path}: {exc.strerror}") from None
                if time.monotonic() >= deadline:
                    os.close(fd)
                    pid = self.holder_pid()
                    who = f"process {pid}" if pid else "another process"
                    raise LockTimeoutError(
                        f"library {self.path.parent} is locked by {who} "
                        f"(waited {wait:g} s); try again when it has finished"
                    ) from None
                time.sleep(0.02)
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode("ascii"))
        except OSError:
            pass  # the pid is only a courtesy for error messages; the flock is what counts
        self._fd = fd

    def _release_file(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
