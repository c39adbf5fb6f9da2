"""`[keymap]` mistakes are told, not swallowed: an unknown binding id (with the known ones) and
two bindings given the same key, each one line in a warning notification."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from ui_helpers import make_app, wait_ready

from tui.config import Config
from tui.screens.triage.bindings import TRIAGE_BINDINGS


async def _warnings(home: Path, keymap: dict[str, str]) -> list[str]:
    app = make_app(home, config=Config(keymap=keymap))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        warnings = app.messages("warning")
        await pilot.press("q")
    for line in warnings:
        assert "\n" not in line
    return warnings


async def test_an_unknown_binding_id_is_named_with_the_known_ones(library_home: Path) -> None:
    (warning,) = await _warnings(library_home, {"stra": "f"})
    assert "stra" in warning
    known = warning.split("known ids: ")[1].split(", ")
    # The known ids are the live bindings': every triage key and the app's own.
    triage_ids = {b.id for b in TRIAGE_BINDINGS if isinstance(b, Binding) and b.id}
    assert triage_ids | {"quit", "help", "down", "up"} <= set(known)
    assert "stra" not in known


async def test_two_ids_on_one_key_are_a_conflict(library_home: Path) -> None:
    (warning,) = await _warnings(library_home, {"star": "x"})  # x is skip's default key
    assert "'x'" in warning and "skip and star" in warning


async def test_a_remapped_key_clashing_with_a_movement_key(library_home: Path) -> None:
    (warning,) = await _warnings(library_home, {"later": "j"})  # the list's "down" is on j
    assert "'j'" in warning and "down and later" in warning


async def test_swapped_keys_and_dialog_keys_are_no_conflict(library_home: Path) -> None:
    # star and skip trade keys; the note editor's own escape does not clash with the list's;
    # quit named with its default key changes nothing (help's own q closes help, as before).
    keymap = {"star": "x", "skip": "s", "note_cancel": "escape", "quit": "q"}
    assert await _warnings(library_home, keymap) == []
