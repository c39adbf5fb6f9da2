"""Opening the library for the interface, in thread workers, in the order a person sees it.

1. Open the store (its meta and journal index) and, when the start-up cache is current, post
   `PreviewLoaded` with the page's papers and states from the cache (no state shard read):
   the Inbox page as it last stood paints at once. Then wait for that paint (at most
   `PREVIEW_WAIT`): parsing the catalog holds the GIL for a third of a second at a time at 100k
   papers, and the paint queued behind it would wait that long.
2. Read the catalog without abstracts, then every state shard, make a `Searcher`, post
   `LibraryLoaded`. (The states cannot come first to save time: both reads are pure Python
   on one GIL, so their order does not change when the list paints, which needs both.)
3. Once the first list is on screen (`start_index`): read abstracts (`TextsLoaded`), index
   titles and authors, then abstracts, then save the start-up cache for the next start.

Quitting cancels the workers and every long step stops at its next pause. Two events let tests
hold the loader at a step (`full_load` before 2, `abstract_index` before the abstracts' index);
both are set in normal use.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.dom import DOMNode
from textual.worker import get_current_worker

from tui.errors import PaperdeckError
from tui.memory import freeze_long_lived
from tui.messages import LibraryFailed, LibraryLoaded, PreviewLoaded, TextsLoaded
from tui.screens.triage.threads import run_in_thread

if TYPE_CHECKING:
    from tui.query import Searcher
    from tui.store import Library

PREVIEW_WAIT = 0.5
"""Longest the loader waits for the start-up cache's page to be painted before it reads the
catalog (a screen that is closing never paints it)."""


class LibraryLoader:
    """Loads the library at `home` for `owner` (the screen that shows it); `view_terms` is the
    query of the view the start-up cache holds (the Inbox)."""

    def __init__(self, owner: DOMNode, home: Path, view_terms: str) -> None:
        self._owner = owner
        self._home = home
        self._view_terms = view_terms
        self._index_started = False
        self._index_queued = False
        self._saving = threading.Lock()  # the index worker and quitting may both save
        self.full_load = threading.Event()
        """Set: go on from the start-up cache to the catalog (tests clear it to hold the
        screen on its preview)."""
        self.full_load.set()
        self.abstract_index = threading.Event()
        """Set: go on from indexing titles and authors to abstracts (tests clear it to look at
        the screen while abstracts are not indexed)."""
        self.abstract_index.set()

    @property
    def index_queued(self) -> bool:
        """True between asking for the index and its worker starting."""
        return self._index_queued

    def load(
        self,
        library: Library | None,
        searcher: Searcher | None,
        shown: Collection[str],
        *,
        preview: bool,
    ) -> None:
        """(Re)load the catalog in a worker; `searcher` and `shown` (the ids it holds) are
        updated in place on a reload. `preview`: try the start-up cache first."""
        run_in_thread(self._owner, partial(self._load, library, searcher, shown, preview), "load")

    def start_index(self, library: Library, searcher: Searcher) -> None:
        """Read abstracts and build the index, once, after the next repaint (the first list
        should be on screen before they compete with it: they slowed the first search by half)."""
        if self._index_started:
            return
        self._index_started = self._index_queued = True

        def start() -> None:
            self._index_queued = False
            run_in_thread(self._owner, partial(self._index, library, searcher), "index")

        self._owner.call_after_refresh(start)

    def save_startup_page(self, library: Library, *, unless_current: bool = False) -> bool:
        """Save the start-up cache now, if the library in memory is what is on disk; with
        `unless_current`, not when the cache on disk is current already (at quit after no
        change, it is the one the index build saved: searching and writing it again took
        0.4 s of the quit at 100k papers)."""
        from tui.store.startup_cache import renew_startup_page, save_startup_page

        save = renew_startup_page if unless_current else save_startup_page
        with self._saving:
            new_since = library.get_meta("new_since")
            return save(library, self._view_terms, new_since=new_since)

    # -- in the workers ---------------------------------------------------------------------

    def _load(
        self,
        library: Library | None,
        searcher: Searcher | None,
        shown: Collection[str],
        preview: bool,
    ) -> None:
        # Imported here, in the worker, so the first frame never waits on them.
        from tui.query import Searcher
        from tui.store import Library

        owner = self._owner
        stopped = _stopped()
        try:
            library = library or Library.open(self._home)
            if preview:
                self._post_preview(library, stopped)  # never fails for the cache's sake
            if not _wait(self.full_load, stopped):
                return
            # Abstracts stay on disk for now: the list paints without them and the index worker
            # reads them next (at 100k papers that is ~1 s earlier on screen).
            papers = dict(library.papers(texts=False))
            states = dict(library.states())
        except PaperdeckError as exc:
            owner.post_message(LibraryFailed(exc.message))
            return
        if searcher is None:
            searcher = Searcher(papers)
        else:
            searcher.remove(set(shown) - set(papers))
            searcher.add_or_update(papers)
        owner.post_message(LibraryLoaded(library, papers, states, searcher))

    def _post_preview(self, library: Library, stopped: Callable[[], bool]) -> None:
        """Post the start-up cache's page, if current, and wait until it is painted."""
        from tui.store.startup_cache import load_startup_page

        new_since = library.get_meta("new_since")
        first = load_startup_page(library, self._view_terms, new_since=new_since)
        if first is None:
            return
        painted = threading.Event()
        owner = self._owner
        # Queued behind the preview, the callback runs after the refresh that paints it.
        posted = owner.post_message(PreviewLoaded(library, first, first.states))
        if posted and owner.call_after_refresh(painted.set):
            _wait(painted, stopped, timeout=PREVIEW_WAIT)

    def _index(self, library: Library, searcher: Searcher) -> None:
        owner = self._owner
        try:
            library.load_texts()  # at once when another reader (the ranker) already did it
        except PaperdeckError as exc:
            owner.post_message(LibraryFailed(exc.message))
            return
        # The Paper objects gained their abstracts in place, whoever read them; tell the
        # searcher so nothing it derived from the empty abstracts survives, and the screen so
        # the pane and a filter that needs abstracts look again.
        searcher.texts_filled()
        owner.post_message(TextsLoaded())
        stopped = _stopped()
        # Titles and authors first (about a second at 100k), then abstracts (several).
        # Quitting stops either: the process must not linger seconds for an unused index.
        if not searcher.build(abstracts=False, cancelled=stopped):
            return
        if not _wait(self.abstract_index, stopped) or not searcher.build(cancelled=stopped):
            return
        freeze_long_lived()  # the index is millions of long-lived objects too
        # The next start paints from it at once (unless the page it started from still is it).
        self.save_startup_page(library, unless_current=True)


def _stopped() -> Callable[[], bool]:
    """In a worker: a check for 'the worker was cancelled' (the app is closing)."""
    worker = get_current_worker()
    return lambda: worker.is_cancelled


def _wait(
    event: threading.Event, stopped: Callable[[], bool], *, timeout: float | None = None
) -> bool:
    """Wait for `event` in a worker thread; False if `stopped()` first or `timeout` passes."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while not event.wait(0.02 if deadline is not None else 0.05):
        if stopped() or (deadline is not None and time.monotonic() > deadline):
            return False
    return True
