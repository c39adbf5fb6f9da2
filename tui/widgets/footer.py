"""The key footer: Textual's `Footer`, keeping its key widgets when the bindings change.

Textual 8.2.8's `Footer` recomposes on every bindings change (a focus move: every `/` and
`escape`; a star that greys a key out): it removes every `FooterKey`, `KeyGroup` and
`FooterLabel` and makes new ones. Each widget is a reference cycle (it and its styles, with its
caches and rendered lines: about a hundred objects), so every removed key was garbage that only
a full collection frees - 21 widgets per focus move on the triage screen, a large part of what
made full collections come (each walks everything alive: 300-500 ms at 100k papers).

This footer keeps a "page" of widgets per shape of the footer (the sequence of plain keys,
groups of n keys, labels and the command palette key it shows), up to `MAX_PAGES` of them (`KeyFooter.max_pages`), all
children of the footer: the page for the current shape is shown (and first among the children),
the others are hidden (`display: none`, no layout, no render) and blank (no key, description or
action: a query for the footer's keys finds no stale binding). A bindings change whose shape
has a page updates that page's widgets in place (key, its display, description, action,
disabled and its `-disabled` class, tooltip, group label) and shows it: moving focus between
the list and the filter makes and drops no widget once both shapes were seen. A new shape is
composed as Textual's `Footer.compose` would (same widgets, classes and `compact` binding, so
the look is the same); beyond `MAX_PAGES` the least recently shown page is removed.

Removed keys: `Footer.compose` binds each key's `compact` to the footer's, and the binding stays
in the footer's watcher list after the key is removed, until `compact` changes (never, here),
keeping the dropped key alive. After removing a page this footer marks `compact` changed, which
makes Textual drop the watchers of removed keys.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.binding import Binding
    from textual.widget import Widget

MAX_PAGES = 6
"""Pages kept (one per footer shape); the triage screen shows two to four in a session."""


@dataclass(frozen=True, slots=True)
class KeySpec:
    """What one footer key shows and does (the arguments of Textual's `FooterKey`)."""

    key: str
    key_display: str
    description: str
    action: str
    disabled: bool
    tooltip: str


@dataclass(frozen=True, slots=True)
class Item:
    """One top-level piece of the footer: a plain key, a group of keys, the label after a
    group, or the command palette key (docked right)."""

    kind: str  # "key" | "group" | "label" | "palette"
    keys: tuple[KeySpec, ...] = ()
    text: str = ""
    compact: bool = False  # a group's `compact`

    @property
    def shape(self) -> tuple[str, int, bool]:
        return (self.kind, len(self.keys), self.compact)


BLANK = KeySpec("", "", "", "", disabled=False, tooltip="")


def footer_items(footer: Footer) -> list[Item]:
    """The footer's content for the screen's active bindings: Textual 8.2.8's `Footer.compose`,
    as data."""
    active_bindings = footer.screen.active_bindings
    app = footer.app

    def spec(binding: Binding, enabled: bool, tooltip: str, description: str) -> KeySpec:
        return KeySpec(
            binding.key,
            app.get_key_display(binding),
            description,
            binding.action,
            disabled=not enabled,
            tooltip=tooltip,
        )

    action_to_bindings: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
    for _, binding, enabled, tooltip in active_bindings.values():
        if binding.show:
            action_to_bindings[binding.action].append((binding, enabled, tooltip))
    items: list[Item] = []
    for group, runs in groupby(action_to_bindings.values(), lambda run: run[0][0].group):
        multi = list(runs)
        if group is not None and len(multi) > 1:
            keys = tuple(
                spec(binding, enabled, tooltip or binding.description, "")
                for binding, enabled, tooltip in (run[0] for run in multi)
            )
            items.append(Item("group", keys, compact=group.compact))
            items.append(Item("label", text=group.description))
        else:
            for binding, enabled, tooltip in (run[0] for run in multi):
                items.append(Item("key", (spec(binding, enabled, tooltip, binding.description),)))
    if footer.show_command_palette and app.ENABLE_COMMAND_PALETTE:
        try:
            _node, binding, enabled, tooltip = active_bindings[app.COMMAND_PALETTE_BINDING]
        except KeyError:
            pass
        else:
            tip = binding.tooltip or binding.description
            items.append(Item("palette", (spec(binding, enabled, tip, binding.description),)))
    return items


def set_key(widget: FooterKey, spec: KeySpec) -> None:
    """Make an existing key show and do what `spec` says, touching only what differs."""
    text_changed = (widget.key_display, widget.description) != (spec.key_display, spec.description)
    widget.key = spec.key
    widget.key_display = spec.key_display
    widget.description = spec.description
    widget.action = spec.action
    if widget._disabled != spec.disabled:
        widget._disabled = spec.disabled
        widget.set_class(spec.disabled, "-disabled")
    if (widget.tooltip or "") != spec.tooltip:
        widget.tooltip = spec.tooltip or None
    if text_changed:
        widget.refresh(layout=True)


class Page:
    """The widgets of one footer shape, in the order `Footer.compose` yields them."""

    def __init__(self, items: list[Item]) -> None:
        self.widgets: list[Widget] = []
        self.keys: list[FooterKey] = []
        self.labels: list[FooterLabel] = []
        for item in items:
            if item.kind == "group":
                grouped = [self._key(spec, "-grouped") for spec in item.keys]
                self.widgets.append(KeyGroup(*grouped, classes="-compact" if item.compact else ""))
            elif item.kind == "label":
                label = FooterLabel(item.text)
                self.labels.append(label)
                self.widgets.append(label)
            elif item.kind == "palette":
                self.widgets.append(self._key(item.keys[0], "-command-palette", bind=False))
            else:
                self.widgets.append(self._key(item.keys[0], ""))
        self.label_texts = [item.text for item in items if item.kind == "label"]
        self.shown = True

    def _key(self, spec: KeySpec, classes: str, *, bind: bool = True) -> FooterKey:
        key = FooterKey(
            spec.key,
            spec.key_display,
            spec.description,
            spec.action,
            disabled=spec.disabled,
            tooltip=spec.tooltip,
            classes=classes,
        )
        if bind:  # as `Footer.compose`: the palette key keeps its own `compact`
            key.data_bind(compact=Footer.compact)
        self.keys.append(key)
        return key

    def show(self, items: list[Item]) -> None:
        """Show `items` (of this page's shape) with these widgets."""
        specs = [spec for item in items for spec in item.keys]
        for key, spec in zip(self.keys, specs, strict=True):
            set_key(key, spec)
        texts = [item.text for item in items if item.kind == "label"]
        for label, old, new in zip(self.labels, self.label_texts, texts, strict=True):
            if old != new:
                label.update(new)
        self.label_texts = texts
        if not self.shown:
            for widget in self.widgets:
                widget.display = True
            self.shown = True

    def hide(self) -> None:
        """Hide the page and blank its keys (a hidden page offers no binding)."""
        if not self.shown:
            return
        for widget in self.widgets:
            widget.display = False
        for key in self.keys:
            set_key(key, BLANK)
        self.shown = False


class KeyFooter(Footer):
    """`Footer` that keeps its widgets across bindings changes (see the module docstring)."""

    max_pages = MAX_PAGES

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._pages: OrderedDict[tuple[tuple[str, int, bool], ...], Page] = OrderedDict()

    def compose(self) -> ComposeResult:
        return iter(())  # the pages are made by `recompose`, on the first bindings change

    async def recompose(self) -> None:
        if not self.is_attached or self._pruning or not self._bindings_ready:
            return
        evicted: list[Page] = []
        async with self.batch():
            items = footer_items(self)
            shape = tuple(item.shape for item in items)
            columns = sum(len(item.keys) for item in items if item.kind != "palette")
            if (
                self.styles.grid_size_columns != columns
            ):  # as `Footer.compose` (its layout ignores it)
                self.styles.grid_size_columns = columns
            page = self._pages.get(shape)
            if page is None:
                page = Page(items)
                before = 0 if self.children else None
                await self.mount_all(page.widgets, before=before)
                self._pages[shape] = page
                while len(self._pages) > self.max_pages:
                    evicted.append(self._pages.popitem(last=False)[1])
            else:
                self._pages.move_to_end(shape)
                page.show(items)
                self._to_front(page)
            for other in self._pages.values():
                if other is not page:
                    other.hide()
            for old in evicted:
                await self.remove_children(old.widgets)
        if evicted:
            self.mutate_reactive(Footer.compact)

    def _to_front(self, page: Page) -> None:
        """Put the shown page's widgets first among the children (a query of the footer's keys
        lists the shown ones first, in order)."""
        children = self._nodes
        if list(children[: len(page.widgets)]) == page.widgets:
            return
        for index, widget in enumerate(page.widgets):
            self.move_child(widget, before=index)
