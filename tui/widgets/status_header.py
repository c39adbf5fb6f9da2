"""The header line: library counts, what the current view shows, and the sync status.

No clock is drawn (snapshots stay stable). It renders itself (a repaint, never a re-layout), so
updating the counts on every triage key costs one line, and nothing when they did not change
(the store's answer to a key usually confirms what the key already showed).
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.content import Content
from textual.widget import Widget


class StatusHeader(Widget):
    """`paperdeck · Inbox 132 · Later 14 · ★ 9 │ Inbox: 132 shown, 3 marked │ synced …`."""

    DEFAULT_CSS = """
    StatusHeader {
        height: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._counts: Mapping[str, int] = {}
        self._view = "Inbox"
        self._shown: int | None = None
        self._marked = 0
        self._partial = False
        self._sync = "loading…"

    def set_counts(self, counts: Mapping[str, int]) -> None:
        if counts != self._counts:
            self._counts = dict(counts)
            self.refresh()

    def set_view(
        self, label: str, shown: int | None, marked: int, *, partial: bool = False
    ) -> None:
        """The view's name, how many papers it shows (`partial`: not counting abstract matches
        yet), and how many are marked."""
        new = (label, shown, marked, partial)
        if new != (self._view, self._shown, self._marked, self._partial):
            self._view, self._shown, self._marked, self._partial = new
            self.refresh()

    def set_sync(self, text: str) -> None:
        if text != self._sync:
            self._sync = text
            self.refresh()

    @property
    def text(self) -> str:
        """The header as plain text."""
        return self.render().plain

    def render(self) -> Content:
        c = self._counts
        parts: list[str | tuple[str, str]] = [(" paperdeck ", "bold $text-accent")]
        if c:
            parts.append(
                f"Inbox {c.get('inbox', 0)} · Later {c.get('later', 0)} · ★ {c.get('starred', 0)}"
            )
        view = f"  │ {self._view}"
        if self._shown is not None:
            view += f": {self._shown} shown"
            if self._partial:
                view += " (titles and authors; abstracts still indexing…)"
        if self._marked:
            view += f", {self._marked} marked"
        parts.append((view, "bold"))
        parts.append((f"  │ {self._sync}", "$text-muted"))
        return Content.assemble(*parts)
