"""`*` marks exactly what matches the view and filter now (issue 9.1): rows decided since the
list was searched stay on screen but are not marked, so a bulk action cannot overwrite them."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import make_app, sample_papers, settle, wait_ready

from tui.store import Library

IDS = [p.id for p in sample_papers()]


async def test_mark_all_leaves_out_papers_decided_since_the_search(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("a", "x", "d")  # later, skipped, done: still shown in the Inbox list
        await settle(pilot)
        assert list(app.triage.paper_list.rows) == IDS
        await pilot.press("asterisk")
        assert app.triage.marked == set(IDS[3:])
        assert "7 marked" in str(app.triage.header.render())
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("q")
    with Library.open(library_home) as lib:
        assert lib.state(IDS[0]).status == "later"
        assert lib.state(IDS[2]).status == "done"
        assert all(lib.state(pid).status == "skipped" for pid in IDS[3:])


async def test_mark_all_with_a_filter_marks_only_its_inbox_matches(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("slash", *"diffusion", "enter")
        await settle(pilot)
        shown = list(app.triage.paper_list.rows)
        assert 1 < len(shown) < len(IDS)
        await pilot.press("x")  # skip the first match
        await settle(pilot)
        await pilot.press("asterisk")
        assert app.triage.marked == set(shown[1:])
