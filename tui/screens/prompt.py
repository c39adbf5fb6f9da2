"""A one-line question (rename a tag, export the view to a file): returns the answer or None.

An optional `check` refuses an answer with a reason: the reason shows under the input and the
question stays open, so a typo costs one edit, not the whole dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui.widgets.text import safe_text


class Prompt(ModalScreen[str | None]):
    """Ask for one line of text; enter answers, esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt_cancel"),
    ]

    def __init__(
        self,
        question: str,
        value: str = "",
        hint: str = "",
        *,
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.hint = hint
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog", classes="dialog"):
            yield Label(Content(safe_text(self.question)), id="prompt-title")
            yield Input(self.value, id="prompt-input")
            yield Static(Content.styled(self.hint, "$text-muted"), id="prompt-help")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        problem = self.check(value) if value and self.check is not None else None
        if problem is not None:
            self.query_one("#prompt-help", Static).update(
                Content.assemble((safe_text(problem), "$text-error"), " · esc cancels")
            )
            return
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
