"""tui.memory: the garbage-collector policy every bulk build goes through."""

from __future__ import annotations

import gc
import platform
import sys
from collections.abc import Iterator

import pytest

from tui.memory import freeze_long_lived, paused_gc, release_free_memory


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


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_free_memory_is_handed_back_on_glibc() -> None:
    assert release_free_memory() is True


@pytest.mark.skipif(sys.platform.startswith("linux"), reason="elsewhere there is nothing to call")
def test_free_memory_is_a_no_op_elsewhere() -> None:
    assert release_free_memory() is False
