"""After `paperdeck star ID` from another shell, the app's next start still paints from the
start-up cache (the command patched it), with the star on the row."""

from __future__ import annotations

from pathlib import Path

from test_first_screen import SIZE, held_app, run_once, wait_preview
from ui_helpers import sample_papers, wait_ready

from tui.cli import main
from tui.store.startup_cache import cache_path

IDS = [p.id for p in sample_papers()]


async def test_a_cli_star_keeps_the_cache_and_the_preview_shows_it(library_home: Path) -> None:
    await run_once(library_home)
    saved = cache_path(library_home).read_bytes()
    assert main(["--home", str(library_home), "star", IDS[1]]) == 0
    assert cache_path(library_home).read_bytes() != saved  # patched, not retired

    app = held_app(library_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_preview(pilot, app)
        screen = app.triage
        assert screen.searcher is None  # painted from the cache, the catalog not loaded
        assert list(screen.paper_list.rows) == IDS
        assert screen.snapshot is not None and screen.snapshot.state(IDS[1]).starred
        assert screen.snapshot.status_counts()["starred"] == 1
        screen.loader.full_load.set()
        await wait_ready(pilot)
        assert screen.snapshot.state(IDS[1]).starred
