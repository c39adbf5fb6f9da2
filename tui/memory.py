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
- each freeze but the process's first collects first, so no garbage made so far is frozen with
  the long-lived data (frozen garbage in cycles is never freed; a reload of the catalog froze
  whatever the interface had dropped since the last freeze).
- nothing the interface makes is frozen at other moments, because much of it becomes garbage in
  cycles that only a collection frees, and frozen it would never be freed: every widget is a
  cycle (it and its styles point at each other), and Textual makes and drops widgets all the
  time - a restyle (each focus move) makes a virtual node per component class of each widget
  restyled. Thousands of such objects every few seconds outlive two young collections, reach
  the oldest generation, and a full collection frees them. (Three bigger sources are gone:
  Textual's Footer remade its keys on every focus move and kept the old ones alive, see
  `tui.widgets.footer`; Textual's LRUCache.clear() leaves its entries in a ring, see
  `tui.widgets.kept`; a StylesCache per prepared abstract stayed alive in Textual's lru_cache,
  see `tui.widgets.abstract_pane`.) Measured, freezing again after each idle collection is
  not worth it: at 100k its collections took 105-134 ms instead of 142-264, but whatever was
  alive at the freeze and died later in a cycle was never freed, 14k objects in 30 s of keys.
  Automatic full collections came every second or so while keys arrived. Instead
  `IdleCollector` raises the oldest generation's threshold (automatic ones become rare: a
  backstop for a long run of work with no pause in it) and runs the full collection itself once
  nothing has been allocated for a moment (the person is reading). A key pressed during it
  waits for it. Collecting on a timer regardless of activity was measured and is no better: as
  long a pause, and more of them; a higher threshold alone only made the pauses longer.
- memory freed after a bulk build (the parsed JSON of the catalog and texts, the scans an index
  is built from: a few hundred MB at 100k) stays mapped in the C allocator's heap, counted in the
  process's resident size, until it is handed back (`release_free_memory`).
Every such decision goes through this module, so the policy is read and changed in one place.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache


@contextmanager
def paused_gc(*, keep: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects at once.

    With `keep=True` the objects built are long-lived: they are frozen before the collector
    resumes, after a collection before the build (`_collect_before_freezing`) so no garbage made
    so far is frozen with them. Otherwise the first allocations after the pause trigger full
    collections that walk them all. Nested pauses are fine: only the outermost resumes it.
    """
    was_enabled = gc.isenabled()
    if keep and was_enabled:
        _collect_before_freezing()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            _freeze()
        if was_enabled:
            gc.enable()


_FROZEN_ONCE = [False]
"""Whether this process has frozen anything yet (a flag: `gc.get_freeze_count()` walks every
frozen object, about 50 ms at 100k papers, and the walk slowed the whole process down: a UI
test file ran three times slower with it)."""


def _freeze() -> None:
    gc.freeze()
    _FROZEN_ONCE[0] = True


def _collect_before_freezing() -> None:
    """A full collection, so that garbage in cycles (the interface's dropped lines) is freed
    rather than frozen, where nothing would ever free it. Not before the first freeze of the
    process: then it would walk every object the imports made (tens of milliseconds on the way to
    the first list) for next to no garbage; later it walks only what was made since the last
    freeze."""
    if _FROZEN_ONCE[0]:
        gc.collect()


def freeze_long_lived() -> None:
    """Move every object alive now out of the collector's sight: call it once data that lives
    as long as the app (the loaded library, a finished index) has been built. A full collection
    first (`_collect_before_freezing`), so the garbage in cycles made so far is freed, not
    frozen."""
    _collect_before_freezing()
    _freeze()


QUIET_SECONDS = 0.5
"""No young collection for this long (next to no allocation: no key handled, nothing painted,
no worker building) and the full collection runs. A person reading pauses longer."""

BACKSTOP = 200
"""The oldest generation's threshold under `IdleCollector`: a full collection happens by itself
after this many young (generation-1) collections with no quiet moment between (CPython's
default is 10, about a second of keys; 200 is some twenty seconds of uninterrupted keys). It
bounds the garbage that can pile up (a few hundred thousand objects, tens of MB); that one
collection is then longer, a few tenths of a second."""


class IdleCollector:
    """Full collections when the process is quiet instead of while it handles keys.

    `start()` raises the oldest generation's threshold; a timer on the UI thread calls `tick()`
    a few times a second, and it runs `gc.collect()` once no young collection has happened for
    `quiet` seconds, if anything reached the oldest generation since the last one. `clock` is
    for tests. One per process (the collector is process-wide): see `IDLE`.
    """

    def __init__(self, quiet: float = QUIET_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.quiet = quiet
        self._clock = clock
        self._saved: tuple[int, int, int] | None = None
        self._young = -1
        self._busy_at = 0.0
        self.collections = 0
        """Full collections this collector ran."""
        self.collecting = False
        """True during one of them (benchmarks tell its collections from automatic ones)."""

    @property
    def started(self) -> bool:
        return self._saved is not None

    def start(self) -> None:
        """Take over the full collections (again harmless)."""
        if self._saved is None:
            self._saved = gc.get_threshold()
            first, second, _ = self._saved
            gc.set_threshold(first, second, BACKSTOP)
        self._busy_at = self._clock()

    def stop(self) -> None:
        """Give the full collections back to CPython's thresholds."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def tick(self) -> bool:
        """(A timer, a few times a second.) Collect if quiet and due; True if it did."""
        if self._saved is None or not gc.isenabled():
            return False  # not started, or a bulk build paused the collector
        now = self._clock()
        young = gc.get_stats()[0]["collections"]
        if young != self._young:
            self._young, self._busy_at = young, now
            return False
        if now - self._busy_at < self.quiet or gc.get_count()[2] == 0:
            return False  # busy a moment ago, or nothing reached the oldest generation since
        self.collecting = True
        try:
            gc.collect()
        finally:
            self.collecting = False
        self.collections += 1
        self._young = gc.get_stats()[0]["collections"]
        return True


IDLE = IdleCollector()
"""The process's idle collector (the interface starts it once the library is in)."""


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
