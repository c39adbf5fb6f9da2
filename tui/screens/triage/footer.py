"""What the triage screen's footer offers now: the reactives it watches, `check_action`, and
the order of its keys.

The screen declares the reactives (`loaded`, `has_current`, `has_marks`, `syncing`, with
`bindings=True`); this module computes their values and whether a triage action can run, from
the screen's snapshot, list, marks and sync runner (the rules are `bindings.available`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.screens.triage.bindings import BINDING_ORDER, available

if TYPE_CHECKING:
    from textual.binding import ActiveBinding

    from tui.screens.triage.screen import TriageScreen


def refresh_footer(screen: TriageScreen) -> None:
    """Bring the footer's reactives up to date, refreshing the footer once when any of them
    changed (each refresh recomposes the footer; setting them one by one would do it once per
    change)."""
    wanted = {
        "loaded": screen.snapshot is not None,
        "has_current": screen.paper_list.current_id is not None,
        "has_marks": bool(screen.marked),
        "syncing": screen.sync_runner.running,
    }
    changed = {name: value for name, value in wanted.items() if getattr(screen, name) != value}
    if not changed:
        return
    for name, value in changed.items():
        screen.set_reactive(getattr(type(screen), name), value)
    screen.refresh_bindings()


def action_available(screen: TriageScreen, action: str) -> bool | None:
    """`check_action` for the triage keys (None greys an action out in the footer)."""
    return available(
        action,
        loaded=screen.snapshot is not None,
        current=screen.paper_list.current_id is not None,
        marked=bool(screen.marked),
        every_row=screen.searcher is not None
        and not screen.partial
        and bool(screen.paper_list.rows),
        syncing=screen.sync_runner.running,
    )


def in_declared_order(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """Textual's active bindings in the order they are declared: a key remapped in `[keymap]`
    keeps its place in the footer and help (Textual moves it to the end)."""
    return dict(
        sorted(bindings.items(), key=lambda item: BINDING_ORDER.get(item[1].binding.id, 999))
    )
