"""Help (`?`): every paperdeck key, read from the live bindings (keymap included), and the
query language in brief.

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


QUERY_HELP: tuple[tuple[str, str], ...] = (
    ("diffusion solver", "fuzzy words, all must match"),
    ('"exact phrase"', "case-insensitive substring"),
    ("title:flow  author:lu  abs:sde", "one field (also id: cat:)"),
    ("tag:llm  source:arxiv", "a tag (exact); where it came from"),
    ("is:starred  is:later  is:done", "your decisions (also is:inbox is:skipped)"),
    ("is:unread  is:new", "never opened; new since the last sync"),
    ("has:code  has:note", "a code link; a note"),
    ("upvotes:>50  stars:>=100", "numbers: > >= < <= = and ranges 10..50"),
    ("date:>=2026-11-01  date:<7d", "dates, absolute or relative"),
    ("listed:today  listed:this-week", "the day on Daily Papers"),
    ("-tag:old  -word  NOT x", "negation"),
    ("a OR b  (a OR b) c", "alternatives and grouping"),
    ("sort:date  sort:upvotes  sort:title", "order (relevance when there are words)"),
)
"""The query language in brief (DESIGN.md section 4); every example parses (tests check)."""


class HelpScreen(ModalScreen[None]):
    """A scrollable table of keys and of the query language; esc, q or ? closes it, j/k and
    the page keys scroll it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help_close"),
        Binding("j,down", "scroll('down')", "Down", show=False, id="help_down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="help_up"),
        Binding("space,pagedown", "scroll('page_down')", "Page down", show=False, id="help_pgdn"),
        Binding("pageup", "scroll('page_up')", "Page up", show=False, id="help_pgup"),
        Binding("g,home", "scroll('home')", "Top", show=False, id="help_top"),
        Binding("G,end", "scroll('end')", "Bottom", show=False, id="help_bottom"),
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
        form_width = max(len(form) for form, _ in QUERY_HELP) + 2
        query_lines = [
            Content.assemble((form.ljust(form_width), "bold $text-accent"), meaning)
            for form, meaning in QUERY_HELP
        ]
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label(Content.styled("paperdeck keys", "bold"), id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(Content("\n").join(lines), id="help-table")
                yield Label(Content.styled("Query language (/)", "bold"), id="help-query-title")
                yield Static(Content("\n").join(query_lines), id="help-query")
            yield Static(
                Content.styled(
                    'Remap keys in config.toml: [keymap] <id> = "key" · j/k scroll · esc closes',
                    "$text-muted",
                ),
                id="help-footer",
            )

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        moves = {
            "down": body.scroll_down,
            "up": body.scroll_up,
            "page_down": body.scroll_page_down,
            "page_up": body.scroll_page_up,
            "home": body.scroll_home,
            "end": body.scroll_end,
        }
        moves[where](animate=False)
