"""Sync from the interface (`S`): `tui.sync.run_sync` in a thread worker, its progress on the
sync line above the footer, the summary in a toast and the header's "synced …".

The same whole sync as `paperdeck sync`: the feeds, then the configured reading list. The
runner posts `SyncProgressed` (coalesced: a newer one replaces an unhandled older one) and
`SyncFinished` with the report's summary (a line per feed, then the reading list's). Quitting sets the cancel event, so a sync in
flight stops at the next request instead of holding the app open.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual.dom import DOMNode

from tui.errors import PaperdeckError
from tui.facts import short_time
from tui.messages import SyncFinished, SyncProgressed
from tui.widgets import StatusHeader, SyncIndicator

if TYPE_CHECKING:
    from tui.config import Config
    from tui.store import Library


class SyncRunner:
    """Runs one sync at a time for `owner` (the screen that shows its progress)."""

    def __init__(self, owner: DOMNode) -> None:
        self._owner = owner
        self._cancel: threading.Event | None = None
        self._library: Library | None = None
        self.running = False

    def start(self, library: Library, config: Config) -> bool:
        """Start a sync; False if one is already running."""
        if self.running:
            return False
        self.running = True
        self._library = library
        self._owner.query_one(SyncIndicator).show_progress("starting…")
        self._owner.query_one(StatusHeader).set_sync("syncing…")
        cancel = threading.Event()
        self._cancel = cancel
        self._owner.run_worker(
            lambda: self._run(library, config, cancel),
            thread=True,
            name="sync",
            group="sync",
            exit_on_error=False,
        )
        return True

    def progressed(self, text: str) -> None:
        self._owner.query_one(SyncIndicator).show_progress(text)

    def finished(self, message: SyncFinished) -> bool:
        """The owner got SyncFinished: say how it went; True when papers changed (reload)."""
        self.running = False
        self._cancel = None
        owner = self._owner
        owner.query_one(SyncIndicator).finish()
        owner.app.notify(
            message.summary,
            title="Sync",
            severity="information" if message.ok else "warning",
            markup=False,
            timeout=6,
        )
        if self._library is not None:
            self.show_last_sync(self._library)
        return message.papers_changed

    def show_last_sync(self, library: Library) -> None:
        """The header's "synced …" (or "never synced")."""
        last_sync = library.get_meta("last_sync")
        text = f"synced {short_time(last_sync)}" if last_sync else "never synced"
        self._owner.query_one(StatusHeader).set_sync(text)

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def _run(self, library: Library, config: Config, cancel: threading.Event) -> None:
        from tui.sync import run_sync

        owner = self._owner

        def progress(step: str, done: int, total: int | None, text: str) -> None:
            amount = f"{done}/{total}" if total else str(done)
            owner.post_message(SyncProgressed(f"{step} {amount} · {text}"))

        try:
            report = run_sync(library, config, progress=progress, cancel=cancel)
        except PaperdeckError as exc:
            owner.post_message(SyncFinished(exc.message, ok=False, papers_changed=False))
            return
        except Exception as exc:  # a bug must not leave the footer saying "syncing" forever
            owner.post_message(
                SyncFinished(f"sync failed: {exc!r}", ok=False, papers_changed=False)
            )
            return
        owner.post_message(
            SyncFinished(report.summary, ok=report.ok, papers_changed=report.changed)
        )
