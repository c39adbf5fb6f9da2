"""Undo brings the paper back (issue 9.3), and the open app sees what other processes write
(issue 9.4): a CLI command's decisions and an import's papers arrive without a restart, with
the cursor, the view and the filter kept."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import make_app, sample_papers, settle, wait_ready

from tui.actions import EditTags, SetStatus
from tui.models import Paper
from tui.store import Library

IDS = [p.id for p in sample_papers()]


async def wait_until(pilot, condition, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(300):
        await pilot.pause(0.02)
        if condition():
            await settle(pilot)
            return
    raise AssertionError(f"timed out waiting for {what}")


async def test_undo_after_refresh_brings_the_paper_back_with_the_cursor_on_it(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("j", "j", "x")  # skip the third paper
        await settle(pilot)
        await pilot.press("R")  # it leaves the Inbox list
        await settle(pilot)
        plist = app.triage.paper_list
        assert IDS[2] not in plist.rows
        await pilot.press("u")
        await settle(pilot)
        assert IDS[2] in plist.rows
        assert plist.current_id == IDS[2]
        assert app.triage.snapshot.state(IDS[2]).status == "inbox"  # type: ignore[union-attr]


async def test_undo_after_a_restart_brings_the_paper_back(library_home: Path) -> None:
    with Library.open(library_home) as lib:
        lib.run(SetStatus("skipped"), [IDS[4]])
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        plist = app.triage.paper_list
        assert IDS[4] not in plist.rows
        await pilot.press("u")
        await settle(pilot)
        assert plist.current_id == IDS[4]
        assert list(plist.rows) == IDS


async def test_a_cli_decision_in_another_process_reaches_the_open_app(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("slash", *"diffusion", "enter")
        await settle(pilot)
        await pilot.press("j")
        cursor_paper = app.triage.paper_list.current_id
        with Library.open(library_home) as other:
            other.run(SetStatus("done"), [IDS[5]])
            other.run(EditTags(("from-cli",), ()), [IDS[6]])
        snapshot = app.triage.snapshot
        assert snapshot is not None

        await wait_until(
            pilot, lambda: snapshot.state(IDS[5]).status == "done", "the CLI's decision"
        )
        assert snapshot.state(IDS[6]).tags == ["from-cli"]
        assert app.triage.snapshot.tag_counts().get("from-cli") == 1  # type: ignore[union-attr]
        assert app.triage.filter_bar.text == "diffusion"
        assert app.triage.paper_list.current_id == cursor_paper


async def test_an_import_in_another_process_adds_papers_to_the_open_app(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("j", "j")
        cursor_paper = app.triage.paper_list.current_id
        new = [
            Paper(id=f"arxiv:2612.{n:05d}", arxiv_id=f"2612.{n:05d}", title=f"Fresh {n}")
            for n in range(3)
        ]
        with Library.open(library_home) as other:
            other.upsert_papers(new, source="test")
        snapshot_before = app.triage.snapshot
        await wait_until(
            pilot,
            lambda: (
                app.triage.snapshot is not snapshot_before
                and "arxiv:2612.00001" in app.triage.snapshot.papers
            ),  # type: ignore[union-attr]
            "the imported papers",
        )
        assert app.triage.paper_list.total == len(IDS) + 3
        assert app.triage.paper_list.current_id == cursor_paper
        assert any("3 new papers" in m for m in app.messages())
