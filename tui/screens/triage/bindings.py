"""The triage keys of DESIGN.md §2 as Textual bindings. Every binding's id is its action name,
and `config.toml` may remap any of them by that id (`[keymap] star = "f"`).

`1`-`6` go to the smart views (ids `view_inbox` ... `view_all`). Movement keys live on the list (tui/widgets/paper_list.py); help, palette and quit on the app.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from tui.views import SMART_VIEWS


def _key(
    key: str,
    action: str,
    description: str,
    tooltip: str,
    show: bool = False,
    *,
    priority: bool = False,
) -> Binding:
    return Binding(
        key, action, description, show=show, tooltip=tooltip, id=action, priority=priority
    )


VIEWS_GROUP = Binding.Group("Views", compact=True)
"""The footer shows the view keys as one item: `123456 Views`."""


def _view_key(key: str, view: str, label: str) -> Binding:
    return Binding(
        key,
        f"show_view('{view}')",
        label,
        show=True,
        tooltip=f"Go to {label}",
        id=f"view_{view}",
        group=VIEWS_GROUP,
    )


TRIAGE_BINDINGS: list[BindingType] = [
    _key("s", "star", "Star", "Star / unstar", show=True),
    _key("a", "later", "Later", "Add to the reading list, then next", show=True),
    _key("d", "done", "Done", "Mark done (read), then next", show=True),
    _key("x", "skip", "Skip", "Skip, then next", show=True),
    _key("i", "inbox", "Inbox", "Back to the inbox, then next"),
    _key("t", "tag", "Tag", "Edit tags (-name removes)", show=True),
    _key("n", "note", "Note", "Edit the note"),
    _key("space", "mark", "Mark", "Mark / unmark, then next"),
    _key("asterisk", "mark_all", "Mark all", "Mark every paper in the view"),
    # Many terminals (tmux among them) send NUL for ctrl+space, which Textual reports as ctrl+@.
    _key("ctrl+space,ctrl+@", "clear_marks", "Unmark", "Clear all marks (esc too)"),
    _key("u", "undo", "Undo", "Undo the last action", show=True),
    _key("ctrl+r", "redo", "Redo", "Redo what was undone"),
    _key("o", "open", "Open", "Open the abstract page in the browser"),
    _key("O", "open_pdf", "PDF", "Open the PDF in the browser"),
    _key("y", "copy_link", "Copy link", "Copy the link"),
    _key("Y", "copy_bibtex", "BibTeX", "Copy BibTeX"),
    # A priority binding runs as the app reads the key, before it forwards the next one: the
    # keys typed right behind `/` (tmux, a paste) then go to the filter, in order. A plain
    # binding runs once `/` has bubbled up from the list, and the keys already queued for the
    # list arrived after the focus moved, where the filter's input swallowed them unseen.
    # (Inside the filter, `/` is typed: Textual drops bindings an `Input` consumes.)
    _key("slash", "filter", "Filter", "Filter with the query language", show=True, priority=True),
    _key("escape", "back", "Back", "Back; clear the marks, then the filter"),
    _key("R", "refresh", "Refresh", "Search again: decided papers leave"),
    _key("l", "like", "Like this", "More like this: rank the view by likeness to it"),
    _key("S", "sync", "Sync", "Sync now (in the background)"),
    _key("b", "toggle_sidebar", "Sidebar", "Show / hide the sidebar"),
    *(_view_key(str(n), key, label) for n, (key, label) in enumerate(SMART_VIEWS, start=1)),
]

BINDING_ORDER: dict[str | None, int] = {
    binding.id: n for n, binding in enumerate(TRIAGE_BINDINGS) if isinstance(binding, Binding)
}
"""Binding id -> its place in TRIAGE_BINDINGS (the footer keeps this order under a keymap)."""

PAPER_ACTIONS = frozenset(
    {
        "star",
        "later",
        "done",
        "skip",
        "inbox",
        "tag",
        "note",
        "mark",
        "copy_link",
        "copy_bibtex",
        "like",
    }
)
"""Actions that need a paper under the cursor (or marked papers) to act on."""


def available(
    action: str, *, loaded: bool, current: bool, marked: bool, every_row: bool, syncing: bool
) -> bool | None:
    """Whether a triage action can run now (`check_action`: None greys it out in the footer).

    `loaded`: the library (or its start-up page) is in; `current`: a paper is under the
    cursor; `every_row`: the list holds a full answer, not a preview or a quick one."""
    if action in PAPER_ACTIONS:
        return True if loaded and (marked or current) else None
    if action in ("open", "open_pdf"):
        return True if loaded and current else None
    if action == "mark_all":
        return True if every_row else None
    if action == "clear_marks":
        return True if marked else None
    if action in ("undo", "redo"):
        return True if loaded else None
    if action == "sync":
        return True if loaded and not syncing else None
    return True
