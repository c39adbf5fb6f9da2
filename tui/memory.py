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
- nothing made after the index is frozen, although what the interface keeps making piles up in
  the oldest generation and each full collection walks it (tens of milliseconds while keys
  arrive). Most of it is Textual's rendered lines: a `Strip` caches itself (`adjust_cell_length`
  to its own length), so many lines drawn are reference cycles that only a collection frees;
  frozen, they would never be freed (thousands of objects a second). Collecting on a timer
  between events instead was measured too: as long a pause, and more of them.
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
