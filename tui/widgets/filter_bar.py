"""The filter bar: one input for the query language, and a line that says what is wrong with it.

It posts `FilterBar.Changed` on every keystroke and `FilterBar.Done` when the user leaves it
(enter keeps the filter, esc clears it). The screen runs the
search and calls `show_error` / `clear_error`; the bar never searches itself.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Input, Static

from tui.widgets.holding import HeldRepaint


class FilterInput(HeldRepaint, Input):
    """Textual's Input, tuned so a keystroke and its results reach the screen in one frame.

    * No re-layout per keystroke: Input sizes its scroll area to the text's width when the value
      changes, and a new virtual size asks for a layout of the whole screen (~20 ms at 160x48,
      every pane repainted). The height never changes (one line, fixed width here), so the new
      size is set beforehand, quietly, to exactly what Input would set; Input then finds
      nothing to change.
    * The echo waits for the results, briefly (tui.widgets.holding): the typed character alone
      would take Textual's next frame and push the results (ready ~6 ms after the key at 100k
      papers) to the frame after. So the input's repaint is held until the screen has the
      results (`release_echo`) or HOLD has passed, whichever comes first.
    """

    # enter and esc are priority bindings: the screen gives the list the focus as the app reads
    # them, so a key typed right behind (`/lora⏎a`) acts on the list instead of landing here
    # (a Done message moves the focus only after that key was handed to the input).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.leave_filter(False)", show=False, priority=True),
        Binding("escape", "screen.leave_filter(True)", show=False, priority=True),
    ]

    def validate_value(self, value: str) -> str:
        width = cell_len(value) + 1 if value or not self.placeholder else cell_len(self.placeholder)
        self.set_reactive(Input.virtual_size, Size(width, 1))
        self.hold_repaint()
        return value

    def release_echo(self) -> None:
        """Draw the typed text now (the results are on their way to the screen too)."""
        self.release_repaint()


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
        yield FilterInput(
            placeholder="/ filter: words, tag:x, is:starred, upvotes:>20 …", id="filter-input"
        )
        yield Static("", id="filter-error", markup=False)

    @property
    def input(self) -> FilterInput:
        return self.query_one("#filter-input", FilterInput)

    @property
    def text(self) -> str:
        return self.input.value

    def set_text(self, text: str) -> None:
        """Replace the query (posts Changed like typing would)."""
        self.input.value = text

    def release_echo(self) -> None:
        """The screen has the results of the text typed (or will have none): draw the text."""
        self.input.release_echo()

    def show_error(self, message: str, position: int | None) -> None:
        """Show what is wrong (the core's message already says where, 1-based)."""
        self.release_echo()
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
