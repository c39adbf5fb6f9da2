"""What the triage screen does when the library arrives: the start-up cache's page first
(`show_preview`), then the whole library (`take_library`, also after a sync or another
process's import), or the reason it cannot (`show_failure`). It builds the screen's snapshot, starts the store writer once, hands the
papers to the list and starts what waits for them (the search, the watch for other processes,
the ranker), and the collector that runs full collections while the person reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.memory import IDLE, freeze_long_lived
from tui.screens.triage.writer import StoreWriter
from tui.snapshot import LibrarySnapshot

IDLE_TICK = 0.25
"""Seconds between two looks at whether the process is quiet enough for a full collection."""

if TYPE_CHECKING:
    from tui.messages import LibraryFailed, LibraryLoaded, PreviewLoaded
    from tui.screens.triage.screen import TriageScreen
    from tui.store import Library


def start_library(screen: TriageScreen, library: Library) -> None:
    """The library is open: one store writer for the screen's life, and the header's facts."""
    screen.library = library
    if screen.writer is None:
        screen.writer = StoreWriter(screen, library)
        screen.writer.start()
        screen.triage.submit = screen.writer.submit
        # Full collections while the person reads, not while keys arrive (see tui.memory).
        IDLE.start()
        screen.set_interval(IDLE_TICK, IDLE.tick, name="idle-gc")
    screen.new_since = library.get_meta("new_since")
    screen.sync_runner.show_last_sync(library)


def show_preview(screen: TriageScreen, message: PreviewLoaded) -> None:
    """Paint the start-up cache's page while the catalog loads (keys work on it)."""
    if screen.snapshot is not None:
        return  # the whole library is already in
    first = message.first
    start_library(screen, message.library)
    snapshot = LibrarySnapshot(
        first.papers, message.states, counts=(first.status_counts, first.tag_counts)
    )
    screen.snapshot = snapshot
    screen.preview = True
    plist = screen.paper_list
    plist.busy = False
    plist.set_papers(snapshot.papers, snapshot.states)
    plist.set_rows(first.rows, total=first.total)
    screen.show_panes()  # the abstract and the counts in the same frame as the list
    screen.results_ready = True


def take_library(screen: TriageScreen, message: LibraryLoaded) -> None:
    """The whole library is in: the snapshot, the list's papers, then the search."""
    library = message.library
    preview = screen.snapshot if screen.preview else None
    screen.preview = False
    snapshot = LibrarySnapshot(message.papers, message.states)
    if preview is not None:
        snapshot.take_over(preview, screen.triage.take_preview_changes())
    screen.snapshot = snapshot
    # A full collection over a large library pauses the UI for a good part of a second;
    # the papers live as long as the app, so move them out of the collector's sight.
    freeze_long_lived()
    if screen.searcher is None:
        screen.searcher = message.searcher
    start_library(screen, library)
    screen.paper_list.set_papers(snapshot.papers, snapshot.states)
    screen.show_counts()
    screen.searching.run()
    screen.watch_library.loaded()
    screen.ranking.start(library, message.papers.values())


def show_failure(screen: TriageScreen, message: LibraryFailed) -> None:
    """The store could not be opened: the list says why (no "loading" left), and a notice."""
    plist = screen.paper_list
    plist.busy = False
    plist.empty_message = message.message
    plist.set_rows([])
    screen.app.notify(
        message.message, title="Cannot open the library", severity="error", markup=False
    )
