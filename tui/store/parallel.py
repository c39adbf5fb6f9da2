"""Writing several store files at once, each in its own thread.

Every store file is replaced atomically (`tui.atomic`: temp file, fsync, rename, folder fsync),
and nearly all of that time is spent waiting in fsync, which releases the GIL. Run one after
another, the waits add up (five state shards and five journal entries of a run of keys: tens
of milliseconds on a busy disk); run side by side, the file system commits them together and
the run costs about what one file costs. Every write has finished when `write_all` returns,
so the caller knows exactly which succeeded; the first error is raised after that.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when first needed: a triage command writes one file at a time
    from concurrent.futures import ThreadPoolExecutor

WORKERS = 8
"""Threads for side-by-side writes: more than a run of keys touches files, few enough to be
cheap idle."""

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    from concurrent.futures import ThreadPoolExecutor

    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="paperdeck-write")
        return _pool


def write_all(writes: Sequence[Callable[[], None]]) -> None:
    """Run every write (one alone runs here, several side by side); wait for all of them,
    then raise the first error if any failed."""
    if len(writes) <= 1:
        for write in writes:
            write()
        return
    futures = [_executor().submit(write) for write in writes]
    errors = [exc for exc in (future.exception() for future in futures) if exc is not None]
    if errors:
        raise errors[0]
