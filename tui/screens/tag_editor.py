"""The tag editor (`t`): comma-separated tags that complete from the tags already in use.

`name` adds a tag, `-name` removes it. Tab (or →) accepts the completion shown after the
cursor, and the line under the input lists the tags that match the word being typed. The
screen returns a `TagEdit` (or None on esc) and never touches the store itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, Static

from tui.models import normalise_tag
from tui.widgets.text import safe_text


@dataclass(frozen=True, slots=True)
class TagEdit:
    """Tags to add and to remove (already normalised)."""

    add: tuple[str, ...]
    remove: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.add and not self.remove


def parse_tag_edit(text: str) -> TagEdit:
    """`ml, -old, new idea` -> add (ml, new-idea), remove (old)."""
    add: list[str] = []
    remove: list[str] = []
    for raw in text.split(","):
        word = raw.strip()
        target = add
        if word.startswith("-"):
            word, target = word[1:], remove
        tag = normalise_tag(word)
        if tag and tag not in target:
            target.append(tag)
    return TagEdit(tuple(add), tuple(remove))


def _current_word(value: str) -> tuple[str, str]:
    """(everything before the word being typed, the word without a leading '-')."""
    head, _, word = value.rpartition(",")
    prefix = head + "," if head or value.startswith(",") else ""
    stripped = word.lstrip()
    prefix += word[: len(word) - len(stripped)]
    if stripped.startswith("-"):
        prefix += "-"
        stripped = stripped[1:]
    return prefix, stripped


class TagSuggester(Suggester):
    """Completes the last comma-separated word from the known tags."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = sorted(tags)

    def matches(self, value: str) -> list[str]:
        _, word = _current_word(value)
        needle = word.casefold()
        if not needle:
            return []
        return [t for t in self.tags if t.startswith(needle)]

    async def get_suggestion(self, value: str) -> str | None:
        prefix, word = _current_word(value)
        found = self.matches(value)
        if not found or found[0] == word:
            return None
        return prefix + found[0]


class TagEditor(ModalScreen[TagEdit | None]):
    """Edit the tags of the paper under the cursor, or of every marked paper."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="tag_editor_cancel"),
        Binding("tab", "complete", "Complete", id="tag_editor_complete", priority=True),
    ]

    def __init__(
        self,
        target: str,
        current: Sequence[str] | Mapping[str, int],
        known: Sequence[str],
        *,
        papers: int = 1,
    ) -> None:
        """`current`: the tags the `papers` targets carry now, with how many of them carry
        each (a plain list: every target carries each)."""
        super().__init__()
        self.target = target
        counts = current if isinstance(current, Mapping) else dict.fromkeys(current, papers)
        self.current: dict[str, int] = dict(sorted(counts.items()))
        self.papers = papers
        self.suggester = TagSuggester(known)

    def current_text(self) -> str:
        """`a, b` for one paper; `a (all 5), b (2 of 5)` for several."""
        if not self.current:
            return "(none)"
        if self.papers <= 1:
            return ", ".join(self.current)
        return ", ".join(
            f"{tag} (all {n})" if n >= self.papers else f"{tag} ({n} of {self.papers})"
            for tag, n in self.current.items()
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-dialog", classes="dialog"):
            yield Label(
                Content.assemble(("Tags for ", "bold"), safe_text(self.target)), id="tag-title"
            )
            yield Static(
                Content.assemble(("current: ", "$text-muted"), safe_text(self.current_text())),
                id="tag-current",
            )
            yield Input(
                placeholder="tag, other-tag, -remove-this",
                suggester=self.suggester,
                id="tag-input",
            )
            yield Static("", id="tag-matches")
            yield Static(
                Content.styled(
                    "enter apply · tab complete · -name removes · esc cancel", "$text-muted"
                ),
                id="tag-help",
            )

    def on_input_changed(self, event: Input.Changed) -> None:
        matches = self.suggester.matches(event.value)
        text = "  ".join(matches[:12]) if matches else ""
        self.query_one("#tag-matches", Static).update(Content(safe_text(text)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        edit = parse_tag_edit(event.value)
        self.dismiss(None if edit.is_empty else edit)

    def action_complete(self) -> None:
        self.query_one("#tag-input", Input).action_cursor_right()

    def action_cancel(self) -> None:
        self.dismiss(None)
