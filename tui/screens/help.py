"""Help (`?`): every paperdeck key, read from the live bindings (keymap included).

The rows come from the screen's active bindings at the moment help opens, so a key remapped
in `config.toml` shows its new key; keys that cannot act right now (no marks to clear) are dimmed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen


@dataclass(frozen=True, slots=True)
class HelpRow:
    """One action: the keys that run it, what it does, and its binding id."""

    keys: str
    description: str
    binding_id: str
    enabled: bool = True


def help_rows(app: App[Any], screen: Screen[Any]) -> list[HelpRow]:
    """The screen's active bindings grouped by action, in binding order."""
    keys: dict[tuple[int, str], list[str]] = {}
    meta: dict[tuple[int, str], Binding] = {}
    enabled: dict[tuple[int, str], bool] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system or not binding.id:
            continue  # Textual's own scrolling/focus keys carry no id: not ours to document
        group = (id(active.node), binding.action)
        display = app.get_key_display(binding)
        keys.setdefault(group, [])
        if display not in keys[group]:
            keys[group].append(display)
        meta.setdefault(group, binding)
        enabled[group] = enabled.get(group, False) or active.enabled
    rows = []
    for group, binding in meta.items():
        description = binding.tooltip or binding.description or binding.action
        rows.append(
            HelpRow(
                " / ".join(keys[group]), description, binding.id or binding.action, enabled[group]
            )
        )
    return rows


class HelpScreen(ModalScreen[None]):
    """A scrollable table of keys; any of esc, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help_close"),
    ]

    def __init__(self, rows: Iterable[HelpRow]) -> None:
        super().__init__()
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        width = max((len(row.keys) for row in self.rows), default=4) + 2
        described = max((len(row.description) for row in self.rows), default=10) + 2
        lines = [
            Content.assemble(
                (row.keys.ljust(width), "bold $text-accent" if row.enabled else "$text-muted"),
                (row.description.ljust(described), "" if row.enabled else "$text-muted"),
                (row.binding_id, "$text-muted"),
            )
            for row in self.rows
        ]
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label(Content.styled("paperdeck keys", "bold"), id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(Content("\n").join(lines), id="help-table")
            yield Static(
                Content.styled(
                    'Remap any key in config.toml: [keymap] <binding id> = "key" · esc closes',
                    "$text-muted",
                ),
                id="help-footer",
            )

    def action_close(self) -> None:
        self.dismiss(None)
