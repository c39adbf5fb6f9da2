"""Sync from the interface (`S`): `tui.sync.run_sync` in a thread worker, progress to the footer.

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
from tui.messages import SyncFinished, SyncProgressed

if TYPE_CHECKING:
    from tui.config import Config
    from tui.store import Library


class SyncRunner:
    """Runs one sync at a time for `owner` (the screen that shows its progress)."""

    def __init__(self, owner: DOMNode) -> None:
        self._owner = owner
        self._cancel: threading.Event | None = None
        self.running = False

    def start(self, library: Library, config: Config) -> bool:
        """Start a sync; False if one is already running."""
        if self.running:
            return False
        self.running = True
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

    def finished(self) -> None:
        """Called by the owner when it handled SyncFinished."""
        self.running = False
        self._cancel = None

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
