"""The collector policy in the running app (tui.memory): what arrives while the app runs (an
import by another process) is frozen with a collection first, and full collections run while
the app is quiet."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from test_undo_and_others import wait_until
from ui_helpers import make_app, wait_ready

from tui.memory import BACKSTOP, IDLE
from tui.models import Paper
from tui.store import Library


def unfrozen_ids() -> set[int]:
    """Ids of the objects the collector still tracks outside the frozen ones."""
    return {id(obj) for obj in gc.get_objects()}


class Node:
    def __init__(self) -> None:
        self.me = self


async def test_papers_another_process_adds_are_frozen_when_the_app_reloads(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        new = [
            Paper(id=f"arxiv:2612.{n:05d}", arxiv_id=f"2612.{n:05d}", title=f"Fresh {n}")
            for n in range(3)
        ]
        with Library.open(library_home) as other:
            other.upsert_papers(new, source="test")
        before = app.triage.snapshot
        node = Node()  # garbage in a cycle when the reload freezes: freed, not frozen
        dead = weakref.ref(node)
        del node
        await wait_until(
            pilot,
            lambda: (
                app.triage.snapshot is not before
                and "arxiv:2612.00001" in app.triage.snapshot.papers
            ),  # type: ignore[union-attr]
            "the imported papers",
        )
        snapshot = app.triage.snapshot
        assert snapshot is not None
        tracked = unfrozen_ids()
        reloaded = [snapshot.papers[paper.id] for paper in new]
        # A paper is never tracked (`Paper` is gc=False); the lists it holds are, and are frozen.
        assert not any(gc.is_tracked(paper) for paper in reloaded)
        assert all(id(paper.sources) not in tracked for paper in reloaded)
        assert id(snapshot.papers) not in tracked and id(snapshot.states) not in tracked
        assert dead() is None


async def test_full_collections_run_while_the_app_is_quiet(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        assert IDLE.started and gc.get_threshold()[2] == BACKSTOP
        await pilot.press("j", "j", "k")
        node = Node()
        dead = weakref.ref(node)
        del node
        gc.collect(1)  # the cycle is in the oldest generation: only a full collection frees it
        ran = IDLE.collections
        await wait_until(pilot, lambda: IDLE.collections > ran, "an idle collection")
        assert dead() is None


async def test_keys_the_footer_dropped_are_freed(library_home: Path) -> None:
    """No footer key is kept alive once the footer lets go of it (Textual's Footer kept them
    through its `compact` binding: ~10 widgets per `/` or escape, before the footer kept its
    keys across focus moves; `test_footer_pages` checks that)."""
    from textual.widgets._footer import FooterKey

    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        for _ in range(3):
            await pilot.press("slash", "a", "escape", "escape")
            await pilot.pause(0.1)
        await pilot.pause(0.3)
        gc.collect()
        keys = [obj for obj in gc.get_objects() if isinstance(obj, FooterKey)]
        assert keys and all(key.is_attached for key in keys)
