"""The garbage-collector policy: when paperdeck pauses the cyclic collector, and what it freezes.

A 100k-paper library is millions of objects that live as long as the process and hold no
cycles that could become garbage (parsed JSON, Paper objects, the search index). The cyclic
collector cannot free any of them, yet each full collection walks them all: a pause of a
tenth of a second or more, on whichever thread allocates next, the UI's included. So:
- while building many objects at once (loading the catalog, building the index), the
  collector is paused (`paused_gc`): its passes would cost more than the building itself;
- objects that will live as long as the app are moved out of its sight (`freeze_long_lived`,
  `gc.freeze()`), so later collections skip them. Frozen objects are still freed by reference
  counting when they are dropped.
- after that, what the interface keeps making (rendered lines in its caches, a few tens of
  thousands of objects) piles up in the oldest generation again, and each full collection walks
  it: tens of milliseconds on the UI thread every second or so while keys arrive. So once the
  index is built the app settles now and then (`Settler`, on a timer between events): it collects
  what garbage there is and freezes the survivors, so the next automatic full collection has
  only what was made since. (Objects frozen alive and in a cycle that die later are never freed:
  settling between events, when no key is half-handled, keeps that to long-lived structures.)
- memory freed after a bulk build (the parsed JSON of the catalog and texts, the scans an index
  is built from: a few hundred MB at 100k) stays mapped in the C allocator's heap, counted in the
  process's resident size, until it is handed back (`release_free_memory`).
Every such decision goes through this module, so the policy is read and changed in one place.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache


@contextmanager
def paused_gc(*, keep: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects at once.

    With `keep=True` the objects built are long-lived: they are frozen (`freeze_long_lived`)
    before the collector resumes. Otherwise the first allocations after the pause trigger full
    collections that walk them all. Nested pauses are fine: only the outermost resumes it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            freeze_long_lived()
        if was_enabled:
            gc.enable()


def freeze_long_lived() -> None:
    """Move every object alive now out of the collector's sight: call it once data that lives
    as long as the app (the loaded library, a finished index) has been built."""
    gc.freeze()


class Settler:
    """Collects and freezes (`settle`) when enough has been promoted since it last did.

    "Enough" is counted in collections of the middle generation: every `after` of them (by
    default half the interpreter's own full-collection threshold, so a settle between events
    usually comes before the automatic full collection a key would have paid for).
    """

    def __init__(self, after: int | None = None) -> None:
        self.after = after if after is not None else max(1, gc.get_threshold()[2] // 2)
        self._mark = _middle_collections()
        self.settled = 0
        """How many times it settled (for tests and benchmarks)."""

    @property
    def due(self) -> bool:
        """True once `after` collections of the middle generation ran since the last settle."""
        return _middle_collections() - self._mark >= self.after

    def settle(self) -> None:
        """Collect now, then freeze every survivor. Only between events, with no bulk build
        running: a build pauses the collector and this would walk everything it made."""
        gc.collect()
        freeze_long_lived()
        self._mark = _middle_collections()
        self.settled += 1

    def settle_if_due(self) -> bool:
        """`settle()` when `due`; True if it did."""
        if not self.due:
            return False
        self.settle()
        return True


def _middle_collections() -> int:
    return int(gc.get_stats()[1]["collections"])


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # here, not at start-up: only a finished bulk build needs it
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim  # glibc's (musl has none)
    except (OSError, AttributeError):
        return None
    return trim


def release_free_memory() -> bool:
    """Hand the C heap's free pages back to the system (glibc's `malloc_trim`): call it once a
    bulk build has dropped its temporary data. A few milliseconds; False where unavailable."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
