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
Every such decision goes through this module, so the policy is read and changed in one place.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
