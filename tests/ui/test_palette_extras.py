"""The palette's theme, screenshot and export (issue 9.13): the theme outlives a restart, a
screenshot is saved where it can be and says where, a wrong export extension keeps the
question open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.command import CommandPalette
from ui_helpers import make_app, sample_papers, settle, wait_ready

from tui.commands import ask_export
from tui.preferences import load_preferences, preferences_path
from tui.screens.prompt import Prompt

IDS = [p.id for p in sample_papers()]


async def run_palette_command(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*text)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause(0.3)


async def test_a_theme_chosen_in_the_palette_outlives_a_restart(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        assert app.theme != "nord"
        await run_palette_command(pilot, "Theme")
        await pilot.press(*"nord")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "nord"
        for _ in range(100):
            if load_preferences(library_home).get("theme") == "nord":
                break
            await pilot.pause(0.02)
        await pilot.press("q")
    again = make_app(library_home)
    async with again.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        assert again.theme == "nord"


async def test_a_damaged_preferences_file_means_defaults(library_home: Path) -> None:
    preferences_path(library_home).write_text('{"theme": 5', encoding="utf-8")
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        assert app.theme == "textual-dark"


async def test_palette_screenshot_saves_in_the_current_folder_without_downloads(
    library_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_home = tmp_path / "user"  # no Downloads folder here
    fake_home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(fake_home))
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(fake_home / "Downloads"))
    monkeypatch.chdir(work)
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await run_palette_command(pilot, "Screenshot")
        for _ in range(50):
            if list(work.glob("*.svg")):
                break
            await pilot.pause(0.05)
        saved = list(work.glob("*.svg"))
        assert len(saved) == 1 and saved[0].read_text(encoding="utf-8").startswith("<svg")
        assert any("Saved the screenshot to" in m for m in app.messages())
        assert not any("Failed" in m for m in app.messages())


async def test_export_with_a_wrong_extension_keeps_the_question_open(
    library_home: Path, tmp_path: Path
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        ask_export(app.triage)
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, Prompt)
        field = prompt.query_one("#prompt-input")
        field.value = str(tmp_path / "papers.txt")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is prompt  # still asking
        assert "unknown extension" in str(prompt.query_one("#prompt-help").render())
        assert not list(tmp_path.glob("papers.*"))
        field.value = str(tmp_path / "papers.json")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not prompt
    exported = json.loads((tmp_path / "papers.json").read_text(encoding="utf-8"))
    assert [item["id"] for item in exported] == IDS
