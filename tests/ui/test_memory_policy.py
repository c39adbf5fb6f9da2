"""The app's collector policy (tui.memory): once the index is built, a timer between events
settles the collector; while the index is still being built it never does (a collection then
would walk everything the build made)."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import make_app, wait_ready

SIZE = (120, 36)


async def test_after_the_index_the_timer_settles_the_collector(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        screen = app.triage
        assert screen.searcher is not None and screen.searcher.abstracts_ready
        settler = screen.loader.settler
        assert settler is not None
        settler.after = 0  # due at every look
        for _ in range(40):
            await pilot.pause(0.05)
            if settler.settled:
                break
        assert settler.settled >= 1
        await pilot.press("j")  # the app goes on working after a settle
        assert screen.paper_list.cursor == 1


async def test_no_settling_while_abstracts_are_not_indexed(library_home: Path) -> None:
    app = make_app(library_home)
    app.triage.loader.abstract_index.clear()  # hold the build before the abstracts
    async with app.run_test(size=SIZE) as pilot:
        screen = app.triage
        for _ in range(300):
            await pilot.pause(0.01)
            if screen.searcher is not None and screen.searcher.ready:
                break
        assert screen.searcher is not None and not screen.searcher.abstracts_ready
        await pilot.pause(1.5)  # more than one look of the timer
        assert screen.loader.settler is None
        screen.loader.abstract_index.set()
        await wait_ready(pilot)
        assert screen.loader.settler is not None
