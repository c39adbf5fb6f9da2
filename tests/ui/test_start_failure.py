"""A library that cannot be opened is reported in the app, which the loader opens after the
first frame: the error is on screen, and quitting exits 1 as the command did when it failed
before the app."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import make_app, settle

from tui.store import Library


async def test_a_damaged_state_file_shows_in_the_app_and_quitting_exits_1(
    library_home: Path,
) -> None:
    with Library.open(library_home) as lib:
        lib.set_status(["arxiv:2206.00927"], "later")
        shard = lib.state_shard("arxiv:2206.00927")
    damaged = library_home / "state" / f"{shard:02d}.json"
    damaged.write_text("{not json")
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(200):
            await settle(pilot)
            if app.open_failure is not None:
                break
        assert app.open_failure is not None and "moved aside" in app.open_failure
        assert "\n" not in app.open_failure
        shown = [m for m in app.messages("error") if "moved aside" in m]
        assert shown
        await pilot.press("q")
    assert app.return_code == 1
    assert not damaged.exists() and list(damaged.parent.glob(f"{damaged.name}.corrupt-*"))


async def test_a_library_that_opens_quits_with_0(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(200):
            await settle(pilot)
            if app.triage.library is not None:
                break
        await pilot.press("q")
    assert app.open_failure is None and app.return_code == 0
