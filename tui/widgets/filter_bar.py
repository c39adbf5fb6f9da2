"""The filter bar: one input for the query language, and a line that says what is wrong with it.

It posts `FilterBar.Changed` on every keystroke and `FilterBar.Done` when the user leaves it
(enter keeps the filter, esc clears it). The screen runs the
search and calls `show_error` / `clear_error`; the bar never searches itself.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static


class FilterBar(Vertical):
    """`/ query…` with an error line under it."""

    class Changed(Message):
        """The query text changed."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Done(Message):
        """The user left the bar (enter or esc); the screen puts focus back on the list."""

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="/ filter: words, tag:x, is:starred, upvotes:>20 …", id="filter-input"
        )
        yield Static("", id="filter-error", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    @property
    def text(self) -> str:
        return self.input.value

    def set_text(self, text: str) -> None:
        """Replace the query (posts Changed like typing would)."""
        self.input.value = text

    def show_error(self, message: str, position: int | None) -> None:
        """Show what is wrong (the core's message already says where, 1-based)."""
        error = self.query_one("#filter-error", Static)
        where = "" if position is None or "position" in message else f"position {position + 1}: "
        error.update(
            Content.assemble(("✗ ", "bold $text-error"), (f"{where}{message}", "$text-error"))
        )
        error.display = True
        self.add_class("-invalid")

    def clear_error(self) -> None:
        if not self.has_class("-invalid") and self.is_mounted:
            return  # nothing shown: an update would re-layout the screen on every keystroke
        error = self.query_one("#filter-error", Static)
        error.update("")
        error.display = False
        self.remove_class("-invalid")

    def on_mount(self) -> None:
        self.add_class("-invalid")
        self.clear_error()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Done())

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            self.input.value = ""
            self.post_message(self.Done())
