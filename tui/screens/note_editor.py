"""The note editor (`n`): a free-text note on the paper under the cursor or every marked one.

ctrl+s saves, esc cancels; an empty note clears it. Returns the text (or None on cancel).
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

    def __init__(self, target: str, note: str) -> None:
        super().__init__()
        self.target = target
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Label(
                Content.assemble(("Note for ", "bold"), safe_text(self.target)), id="note-title"
            )
            yield TextArea(self.note, id="note-input", soft_wrap=True, tab_behavior="focus")
            yield Static(
                Content.styled("ctrl+s save · esc cancel · empty clears", "$text-muted"),
                id="note-help",
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
