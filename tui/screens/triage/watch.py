"""Other processes' changes, in the open app: a cron `paperdeck sync`, an import or a CLI
`status`/`tag` in another shell show up without a restart.

Every WATCH_EVERY seconds (when nothing else is running) a thread worker asks the library what
changed on disk since it read it — stat calls only when nothing did. Changed states are applied
to the rows at once; new papers reload the catalog through the loader, which keeps the view,
the filter and the paper under the cursor, and a toast says how many arrived.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from tui.errors import PaperdeckError
from tui.messages import OthersChanged
from tui.screens.triage.threads import run_in_thread

if TYPE_CHECKING:
    from tui.screens.triage.screen import TriageScreen
    from tui.store import Library

WATCH_EVERY = 2.0
"""Seconds between two looks for changes another process made to the library."""


class LibraryWatch:
    """Looks for other processes' changes on behalf of `screen`."""

    def __init__(self, screen: TriageScreen) -> None:
        self.screen = screen
        self._started = False
        self._papers_before: int | None = None
        """The paper count before a reload another process caused (for the toast)."""

    def loaded(self) -> None:
        """The whole library is in (first load or a reload): start looking, and say what a
        reload brought."""
        screen = self.screen
        if self._papers_before is not None and screen.snapshot is not None:
            added = len(screen.snapshot.papers) - self._papers_before
            self._papers_before = None
            text = (
                f"{added} new paper{'s' if added != 1 else ''}" if added > 0 else "Papers changed"
            )
            screen.app.notify(f"{text} from another paperdeck (import or sync).", timeout=5)
        if not self._started:
            self._started = True
            screen.set_interval(WATCH_EVERY, self._look, name="watch-library")

    def _look(self) -> None:
        screen = self.screen
        library = screen.library
        if library is None or screen.preview or screen.workers_busy or screen.sync_runner.running:
            return
        run_in_thread(screen, partial(self._ask, library), "watch")

    def _ask(self, library: Library) -> None:
        """(In the worker.)"""
        try:
            papers, states = library.changes_from_others()
        except PaperdeckError:
            return  # the next look asks again; the next write reports a real problem
        if papers or states:
            self.screen.post_message(OthersChanged(papers, states))

    def changed(self, message: OthersChanged) -> None:
        """Apply another process's changes (the screen's OthersChanged handler)."""
        screen = self.screen
        screen.apply_states(message.states)
        if message.papers and screen.snapshot is not None:
            self._papers_before = len(screen.snapshot.papers)
            screen.reload_library()
        elif message.states:
            count = len(message.states)
            screen.app.notify(
                f"{count} paper{'s' if count != 1 else ''} changed in another paperdeck.",
                timeout=3,
            )
