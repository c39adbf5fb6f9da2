"""The sync line above the footer: a spinner-free progress text while `S` runs, hidden otherwise."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class SyncIndicator(Static):
    """Shows `syncing: <progress>`; the screen hides it when sync ends."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.display = False

    def show_progress(self, text: str) -> None:
        self.update(Content.assemble(("⟳ syncing ", "bold $text-warning"), text))
        self.display = True

    def finish(self) -> None:
        self.display = False
