"""tui.memory: the garbage-collector policy every bulk build goes through."""

from __future__ import annotations

import gc
import platform
import sys
import weakref
from collections.abc import Iterator

import pytest

from tui.memory import BACKSTOP, IdleCollector, freeze_long_lived, paused_gc, release_free_memory


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was_enabled else gc.disable)()


def test_paused_then_resumed() -> None:
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pauses_resume_only_at_the_outermost() -> None:
    with paused_gc():
        with paused_gc():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def test_keep_freezes_what_was_built_even_when_the_build_fails() -> None:
    gc.unfreeze()
    with pytest.raises(RuntimeError), paused_gc(keep=True):
        built = [[i] for i in range(1000)]
        raise RuntimeError("the build broke")
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(built)


def test_without_keep_nothing_is_frozen() -> None:
    gc.unfreeze()
    with paused_gc():
        built = [[i] for i in range(1000)]
    assert gc.get_freeze_count() == 0 and built


def test_freeze_long_lived() -> None:
    gc.unfreeze()
    kept = [[i] for i in range(100)]
    freeze_long_lived()
    assert gc.get_freeze_count() >= len(kept)


class Node:
    """A cycle's member (weak-referenceable, to see whether it was freed)."""

    def __init__(self) -> None:
        self.me = self


@pytest.mark.parametrize("freeze", ["freeze_long_lived", "paused_gc"])
def test_a_later_freeze_frees_garbage_in_cycles_instead_of_freezing_it(freeze: str) -> None:
    gc.unfreeze()
    freeze_long_lived()  # the process's first freeze (the catalog's load) is behind us
    node = Node()
    dead = weakref.ref(node)
    del node  # garbage now, but only a collection frees a cycle
    if freeze == "freeze_long_lived":
        freeze_long_lived()
    else:
        with paused_gc(keep=True):
            built = [[i] for i in range(100)]
        assert built
    try:
        assert dead() is None
    finally:
        gc.unfreeze()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def idle() -> Iterator[tuple[IdleCollector, Clock]]:
    saved = gc.get_threshold()
    clock = Clock()
    collector = IdleCollector(quiet=0.5, clock=clock)
    yield collector, clock
    collector.stop()
    assert gc.get_threshold() == saved


def test_idle_collector_raises_only_the_oldest_threshold_until_stopped(
    idle: tuple[IdleCollector, Clock],
) -> None:
    collector, _clock = idle
    first, second, _third = gc.get_threshold()
    collector.start()
    collector.start()  # twice is harmless: stop still restores the original
    assert gc.get_threshold() == (first, second, BACKSTOP)


def test_idle_collector_collects_once_quiet_and_not_while_busy(
    idle: tuple[IdleCollector, Clock],
) -> None:
    collector, clock = idle
    assert collector.tick() is False  # not started
    collector.start()
    gc.collect(1)  # something reached the oldest generation
    collector.tick()
    clock.now += 0.3
    assert collector.tick() is False  # quiet, but not for long enough
    gc.collect(0)  # a young collection: the process is busy
    clock.now += 0.3
    assert collector.tick() is False
    clock.now += 0.3
    assert collector.tick() is False  # 0.3 s quiet since the busy moment
    node = Node()
    dead = weakref.ref(node)
    del node
    gc.collect(1)
    clock.now += 0.1
    collector.tick()  # (the young collection just made)
    clock.now += 0.6
    assert collector.tick() is True
    assert dead() is None and collector.collections == 1 and not collector.collecting
    clock.now += 0.6
    assert collector.tick() is False  # nothing reached the oldest generation since


def test_idle_collector_waits_while_a_bulk_build_paused_the_collector(
    idle: tuple[IdleCollector, Clock],
) -> None:
    collector, clock = idle
    collector.start()
    gc.collect(1)
    collector.tick()
    with paused_gc():
        clock.now += 5
        assert collector.tick() is False
    assert collector.tick() is True


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_free_memory_is_handed_back_on_glibc() -> None:
    assert release_free_memory() is True


@pytest.mark.skipif(sys.platform.startswith("linux"), reason="elsewhere there is nothing to call")
def test_free_memory_is_a_no_op_elsewhere() -> None:
    assert release_free_memory() is False
