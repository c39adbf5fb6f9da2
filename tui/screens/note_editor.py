"""The note editor (`n`): a free-text note on the paper under the cursor or every marked one.

ctrl+s saves, esc cancels; an empty note clears it. Returns the text (or None on cancel).
Typed text is never thrown away by one key: with changes, the first esc asks, the second
discards.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from tui.widgets.text import safe_text


class NoteEditor(ModalScreen[str | None]):
    """A text area with the current note."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="note_save", priority=True),
        Binding("escape", "cancel", "Cancel", id="note_cancel"),
    ]

    HELP = "ctrl+s save · esc cancel · empty clears"

    def __init__(self, target: str, note: str) -> None:
        super().__init__()
        self.target = target
        self.note = note
        self._confirming = False

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Label(
                Content.assemble(("Note for ", "bold"), safe_text(self.target)), id="note-title"
            )
            yield TextArea(self.note, id="note-input", soft_wrap=True, tab_behavior="focus")
            yield Static(Content.styled(self.HELP, "$text-muted"), id="note-help")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        if self.query_one(TextArea).text == self.note or self._confirming:
            self.dismiss(None)
            return
        self._confirming = True
        self.query_one("#note-help", Static).update(
            Content.styled("Discard your changes? esc again discards · ctrl+s saves", "$warning")
        )

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._confirming:  # typing again means the user wants to keep editing
            self._confirming = False
            self.query_one("#note-help", Static).update(Content.styled(self.HELP, "$text-muted"))
