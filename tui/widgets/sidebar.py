"""The tag sidebar: the smart views (Inbox, Later, Done, Skipped, Starred, All) and every tag,
each with a live count. Choosing one posts `ViewSidebar.ViewChosen`; the screen filters.
On a tag row, `l` chooses "papers like #tag" instead: the inbox ranked by that tag's model
(the footer offers it only there; the tag row stays highlighted while that view is shown).
What a view is lives in `tui.views`.

A triage key changes a count or two. OptionList's own `replace_option_prompt` drops every
option's rendered lines and repaints the whole sidebar (at 100k papers that was two fifths of the
UI thread's work for a star key), so only the prompts whose count changed are replaced, each
repainting its own line (none, when the store's answer confirms what the key already showed). Choosing a view holds the highlight's repaint until the
list shows the view (tui.widgets.holding): painted alone, it would push the list a frame later.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from tui.views import INBOX, SMART_VIEWS, View
from tui.widgets.holding import HeldRepaint
from tui.widgets.text import safe_text


def _row(label: str, count: int, width: int = 20) -> Content:
    label = safe_text(label)
    label_width = width - 7
    if len(label) > label_width:
        label = label[: label_width - 1] + "…"
    return Content.assemble(label.ljust(label_width), (f"{count:>6}", "$text-muted"))


class ViewSidebar(HeldRepaint, OptionList):
    """The views and tags with their counts; enter or a click chooses one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="sidebar_down"),
        Binding("k", "cursor_up", "Up", show=False, id="sidebar_up"),
        Binding(
            "l",
            "like_tag",
            "Like #tag",
            id="sidebar_like_tag",
            tooltip="The inbox ranked by this tag's model: papers like the ones tagged with it",
        ),
    ]

    HOLD = 0.15
    """Longest the highlight of a chosen view waits for the view's rows (seconds): a view's
    first rows take ~50 ms at 100k papers; the screen releases it as soon as they are in."""

    class ViewChosen(Message):
        """The user chose a view."""

        def __init__(self, view: View) -> None:
            super().__init__()
            self.view = view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._tags: tuple[str, ...] | None = None
        self._shown_counts: dict[str, int] = {}
        """option id -> the count its prompt shows."""
        self.current: View = INBOX
        self._on_tag_row = False

    def update_counts(
        self, status_counts: Mapping[str, int], tag_counts: Mapping[str, int]
    ) -> None:
        """Show these counts: rebuild the list when the set of tags changed, else replace the
        prompts whose count changed."""
        tags = tuple(sorted(t for t, n in tag_counts.items() if n > 0))
        counts = {
            f"smart:{key}": status_counts.get(View("smart", key).count_key, 0)
            for key, _label in SMART_VIEWS
        }
        counts.update((f"tag:{tag}", tag_counts[tag]) for tag in tags)
        if tags != self._tags:
            self._tags = tags
            highlighted = self.highlighted_option.id if self.highlighted_option else None
            options: list[Option | None] = [Option(Content.styled("VIEWS", "bold"), disabled=True)]
            for key, label in SMART_VIEWS:
                options.append(Option(_row(label, counts[f"smart:{key}"]), id=f"smart:{key}"))
            options.append(Option(Content.styled("TAGS", "bold"), disabled=True))
            if not tags:
                options.append(
                    Option(Content.styled("(none yet — press t)", "$text-muted"), disabled=True)
                )
            for tag in tags:
                options.append(Option(_row(f"#{tag}", tag_counts[tag]), id=f"tag:{tag}"))
            self.set_options(options)
            self._shown_counts = counts
            self._highlight(highlighted or self.current.option_id)
            return
        labels = dict(SMART_VIEWS)
        for option_id, count in counts.items():
            if self._shown_counts.get(option_id) != count:
                kind, _, key = option_id.partition(":")
                label = labels[key] if kind == "smart" else f"#{key}"
                self._replace_prompt(option_id, _row(label, count))
        self._shown_counts = counts

    def _replace_prompt(self, option_id: str, prompt: Content) -> None:
        """Give one option a new prompt of the same height and repaint its line only: its
        own rendered lines are dropped, every other option's stay cached."""
        index = self.get_option_index(option_id)
        option = self.get_option_at_index(index)
        option._set_prompt(prompt)
        cache = self._option_render_cache  # keyed (option, style, padding)
        for key in [key for key in cache.keys() if key[0] is option]:  # noqa: SIM118 (no __iter__)
            cache.discard(key)
        line = self._index_to_line.get(index)
        if line is not None:  # else not laid out (hidden): its lines are made when shown
            self.refresh_line(line)

    def _tag_under_cursor(self) -> str | None:
        option = self.highlighted_option
        if option is None or not option.id or not option.id.startswith("tag:"):
            return None
        return option.id.removeprefix("tag:")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "like_tag":
            return self._tag_under_cursor() is not None  # shown on tag rows only
        return True

    def action_like_tag(self) -> None:
        """Papers like the highlighted tag: the inbox in the order of that tag's model."""
        tag = self._tag_under_cursor()
        if tag is not None:
            self.choose(View("like", tag))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # "l like #tag" comes and goes with the tag rows. Only then, and only where the footer
        # shows the sidebar's keys: a refresh recomposes the whole footer (tens of ms), and a
        # view key moves the highlight from the list on every view switch.
        on_tag = self._tag_under_cursor() is not None
        if on_tag != self._on_tag_row:
            self._on_tag_row = on_tag
            if self.has_focus:
                self.refresh_bindings()

    def choose(self, view: View) -> None:
        """Make `view` current (highlight it) and tell the screen."""
        self.current = view
        self.hold_repaint()  # until the list shows the view: see the module docstring
        self._highlight(view.option_id)
        self.post_message(self.ViewChosen(view))

    def _highlight(self, option_id: str) -> None:
        if option_id.startswith("like:"):  # papers like a tag: its row stays the cursor
            option_id = "tag:" + option_id.removeprefix("like:")
        try:
            self.highlighted = self.get_option_index(option_id)
        except OptionDoesNotExist:  # the tag is gone (renamed away): fall back to the inbox
            self.highlighted = self.get_option_index(INBOX.option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.choose(View.from_option_id(event.option.id))
