"""The start-up cache: a later start paints the Inbox page it saved while the catalog loads.

The loader's `full_load` event holds the loader between the preview and the catalog, so the
preview can be looked at and used; nothing else is held or replaced. Every store check reads
the real files again.
"""

from __future__ import annotations

from pathlib import Path

import orjson
from textual.pilot import Pilot
from ui_helpers import RecordingApp, fill_library, make_app, sample_papers, settle, wait_ready

from tui.models import Paper
from tui.store import Library
from tui.store.startup_cache import cache_path

IDS = [p.id for p in sample_papers()]
SIZE = (140, 40)


async def run_once(home: Path) -> list[str]:
    """Open the app, let it finish loading and indexing, quit with `q`; the rows it showed."""
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        rows = list(app.triage.paper_list.rows)
        await pilot.press("q")
    return rows


async def wait_preview(pilot: Pilot[object], app: RecordingApp) -> None:
    for _ in range(300):
        await pilot.pause(0.01)
        if app.triage.preview:
            return
    raise AssertionError("the start-up cache was not shown")


def held_app(home: Path) -> RecordingApp:
    """The app with its loader held after the preview (released with `full_load.set()`)."""
    app = make_app(home)
    app.triage.loader.full_load.clear()
    return app


async def test_quitting_saves_the_first_page_and_the_next_start_paints_it(
    library_home: Path,
) -> None:
    rows = await run_once(library_home)
    assert cache_path(library_home).is_file()

    app = held_app(library_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_preview(pilot, app)
        screen = app.triage
        assert list(screen.paper_list.rows) == rows == IDS
        assert screen.searcher is None  # the catalog is not loaded: this is the cache
        assert screen.abstract.paper_id == IDS[0]
        assert "Diffusion probabilistic models" in screen.abstract.content.plain
        assert "Inbox 10 · Later 0" in screen.header.text
        assert "Inbox: 10 shown" in screen.header.text
        preview_header = screen.header.text
        await pilot.press("j")
        assert screen.abstract.paper_id == IDS[1]  # the cursor works on the preview

        screen.loader.full_load.set()
        await wait_ready(pilot)
        assert screen.searcher is not None and not screen.preview
        assert list(screen.paper_list.rows) == IDS
        assert screen.paper_list.current_id == IDS[1]  # the cursor stayed on its paper
        assert screen.header.text == preview_header  # same counts as the full library's


async def test_quitting_rewrites_the_page_only_when_the_library_changed(
    library_home: Path,
) -> None:
    await run_once(library_home)  # the index build saves the page
    path = cache_path(library_home)
    written = path.stat().st_mtime_ns
    await run_once(library_home)  # nothing changed: the quit leaves the page as it is
    assert path.stat().st_mtime_ns == written

    app = make_app(library_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("d")  # done: the first paper leaves the Inbox
        await settle(pilot)
        written = path.stat().st_mtime_ns
        await pilot.press("q")
    assert path.stat().st_mtime_ns != written
    assert orjson.loads(path.read_bytes())["rows"] == IDS[1:]


async def test_keys_pressed_on_the_preview_are_stored(library_home: Path) -> None:
    await run_once(library_home)
    app = held_app(library_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_preview(pilot, app)
        screen = app.triage
        await pilot.press("s", "d")  # star the first paper; mark it done (moves on)
        assert screen.snapshot is not None
        assert screen.snapshot.state(IDS[0]).starred
        assert screen.snapshot.state(IDS[0]).status == "done"
        assert screen.paper_list.current_id == IDS[1]
        assert screen.snapshot.status_counts()["done"] == 1
        assert screen.snapshot.status_counts()["inbox"] == len(IDS) - 1

        screen.loader.full_load.set()
        await wait_ready(pilot)
        await settle(pilot)
        assert screen.snapshot.state(IDS[0]).starred  # not lost when the full library came in
        assert screen.snapshot.status_counts()["done"] == 1
    with Library.open(library_home) as lib:
        assert lib.state(IDS[0]).starred
        assert lib.state(IDS[0]).status == "done"


async def test_a_change_on_disk_retires_the_cache(library_home: Path) -> None:
    await run_once(library_home)
    with Library.open(library_home) as lib:  # another process: `paperdeck skip ...`
        lib.set_status([IDS[0]], "skipped")

    app = held_app(library_home)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(30):
            await pilot.pause(0.01)
        assert not app.triage.preview  # stale: not shown
        assert not app.triage.paper_list.rows
        app.triage.loader.full_load.set()
        await wait_ready(pilot)
        assert list(app.triage.paper_list.rows) == IDS[1:]  # the skipped paper left the Inbox


async def test_an_import_retires_the_cache(library_home: Path) -> None:
    await run_once(library_home)
    newest = Paper(
        id="arxiv:2611.00001",
        arxiv_id="2611.00001",
        title="A Paper Imported After The Cache Was Saved",
        listed_on="2026-11-23",
        abstract="New.",
    )
    fill_library(library_home, [newest])
    app = make_app(library_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert app.triage.paper_list.rows[0] == newest.id


async def test_a_damaged_cache_means_an_ordinary_start(library_home: Path) -> None:
    await run_once(library_home)
    path = cache_path(library_home)
    good = orjson.loads(path.read_bytes())  # its fingerprint matches: only the content is bad
    for damage in (
        b"{not json",
        b"[]",
        orjson.dumps({"format": 1, "papers": 3}),
        orjson.dumps({**good, "papers": [None]}),
        orjson.dumps({**good, "papers": [1]}),
    ):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(damage)
        app = make_app(library_home)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            assert list(app.triage.paper_list.rows) == IDS
            assert not app.messages("error")
    # The last run finished its index and replaced the damaged file with a good one.
    assert orjson.loads(path.read_bytes())["rows"] == IDS


async def test_a_view_chosen_on_the_preview_waits_for_the_library(library_home: Path) -> None:
    await run_once(library_home)
    with Library.open(library_home) as lib:
        lib.set_status([IDS[2]], "later")
    await run_once(library_home)  # the cache now matches the files again

    app = held_app(library_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_preview(pilot, app)
        app.triage.sidebar.focus()
        await pilot.press("down", "enter")  # Later
        assert not app.triage.paper_list.rows  # not the Inbox page under the name Later
        app.triage.loader.full_load.set()
        await wait_ready(pilot)
        assert list(app.triage.paper_list.rows) == [IDS[2]]


async def test_a_filter_typed_on_the_preview_is_drawn_then_answered_in_full(
    library_home: Path,
) -> None:
    await run_once(library_home)
    app = held_app(library_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_preview(pilot, app)
        await pilot.press("slash", *"diffusion")  # DPM by title, Rectified Flows by abstract
        await pilot.pause(0.1)  # no results can come: the typed text is drawn on its own
        assert "diffusion" in app.export_screenshot()
        assert not app.triage.paper_list.rows  # loading, not the Inbox page under a filter
        # The catalog arrives before the abstracts: the first answer cannot look in them, the
        # one after they are read does.
        app.triage.loader.full_load.set()
        await wait_ready(pilot)
        assert set(app.triage.paper_list.rows) == {IDS[0], IDS[1]}
        assert not app.triage.partial


async def test_a_bad_filter_while_loading_still_loads_and_indexes(library_home: Path) -> None:
    await run_once(library_home)
    app = held_app(library_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_preview(pilot, app)
        await pilot.press("slash", "(")
        app.triage.loader.full_load.set()
        for _ in range(300):
            await pilot.pause(0.01)
            searcher = app.triage.searcher
            if searcher is not None and searcher.abstracts_ready:
                break
        assert app.triage.searcher is not None and app.triage.searcher.abstracts_ready
        assert not app.triage.paper_list.busy  # not "Loading…" forever
        assert app.triage.filter_bar.has_class("-invalid")
        await pilot.press("backspace")
        await settle(pilot)
        assert list(app.triage.paper_list.rows) == IDS


async def test_an_import_made_in_the_app_is_in_the_saved_page(library_home: Path) -> None:
    newest = Paper(
        id="arxiv:2611.00002",
        arxiv_id="2611.00002",
        title="Synced While The App Was Open",
        listed_on="2026-11-24",
        abstract="New.",
    )
    app = make_app(library_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert app.triage.library is not None
        app.triage.library.upsert_papers([newest], source="hf-daily")  # as `S` does
        await pilot.press("q")  # quits before the screen has reloaded its list
    app = held_app(library_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_preview(pilot, app)
        assert app.triage.paper_list.rows[0] == newest.id
        assert app.triage.paper_list.total == len(IDS) + 1
        app.triage.loader.full_load.set()


async def test_the_preview_draws_its_papers_states_from_the_cache(library_home: Path) -> None:
    with Library.open(library_home) as lib:
        lib.set_starred([IDS[1]], True)
        lib.edit_tags([IDS[2]], add=["idea"])
    await run_once(library_home)
    app = held_app(library_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_preview(pilot, app)
        screen = app.triage
        plist = screen.paper_list
        assert screen.searcher is None  # still the cache's page
        assert plist.rows[1] == IDS[1] and "★" in plist.render_line(1).text
        assert "★" not in plist.render_line(0).text
        assert screen.snapshot is not None and screen.snapshot.state(IDS[2]).tags == ["idea"]
        screen.loader.full_load.set()
        await wait_ready(pilot)
        assert "★" in plist.render_line(plist.rows.index(IDS[1])).text
