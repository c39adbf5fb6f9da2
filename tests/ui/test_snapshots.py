"""Snapshot tests (pytest-textual-snapshot) of the main views, grouped by feature.

Deterministic: fixed papers with absolute dates, no clock on screen, "never synced" in the
header. Update after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update`
and review the SVGs in tests/ui/__snapshots__/.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from ui_helpers import make_app, settle, wait_ready

WIDE = (140, 36)


async def _ready(pilot: Pilot[object]) -> None:
    await wait_ready(pilot)


def test_main_screen(snap_compare, library_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def triage(pilot: Pilot[object]) -> None:
        await wait_ready(pilot)
        await pilot.press("s", "a", "d", "space", "t", *"diffusion", "enter", "space")
        await settle(pilot)

    assert snap_compare(make_app(library_home), terminal_size=WIDE, run_before=triage)


def test_filtered_view(snap_compare, library_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def search(pilot: Pilot[object]) -> None:
        await wait_ready(pilot)
        await pilot.press("slash", *"diffusion model")
        await settle(pilot)

    assert snap_compare(make_app(library_home), terminal_size=WIDE, run_before=search)


def test_filter_error(snap_compare, library_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def broken(pilot: Pilot[object]) -> None:
        await wait_ready(pilot)
        await pilot.press("slash", *"lora (")
        await settle(pilot)

    assert snap_compare(make_app(library_home), terminal_size=WIDE, run_before=broken)


def test_tag_editor(snap_compare, library_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def editing(pilot: Pilot[object]) -> None:
        await wait_ready(pilot)
        await pilot.press("t", *"diffusion, sampling", "enter", "j", "t", *"dif")
        await settle(pilot)

    assert snap_compare(make_app(library_home), terminal_size=WIDE, run_before=editing)


def test_help(snap_compare, library_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def helping(pilot: Pilot[object]) -> None:
        await wait_ready(pilot)
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(library_home), terminal_size=WIDE, run_before=helping)


def test_narrow_80x24(snap_compare, library_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def narrow(pilot: Pilot[object]) -> None:
        await wait_ready(pilot)
        await pilot.press("j", "s")
        await settle(pilot)

    assert snap_compare(make_app(library_home), terminal_size=(80, 24), run_before=narrow)
