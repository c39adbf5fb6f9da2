"""Every key of DESIGN.md §2, pressed through Pilot on a real library; the store is checked
afterwards, and again after the app is restarted on the same home."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from ui_helpers import Opened, make_app, sample_papers, settle, wait_ready

from tui.commands import ask_export, ask_rename_tag
from tui.screens.help import HelpScreen
from tui.screens.note_editor import NoteEditor
from tui.screens.tag_editor import TagEditor
from tui.store import Library

IDS = [p.id for p in sample_papers()]  # the list's order: newest listing day first


def stored(home: Path) -> Library:
    return Library.open(home)


async def test_first_paint_lists_every_inbox_paper_newest_first(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        assert list(app.triage.paper_list.rows) == IDS
        assert app.triage.paper_list.current_id == IDS[0]
        assert app.triage.abstract.paper_id == IDS[0]


async def test_move_keys(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        plist = app.triage.paper_list
        await pilot.press("j", "j", "down")
        assert plist.cursor == 3
        await pilot.press("k", "up")
        assert plist.cursor == 1
        await pilot.press("G")
        assert plist.cursor == len(IDS) - 1
        await pilot.press("g")
        assert plist.cursor == 0
        await pilot.press("pagedown")
        assert plist.cursor == len(IDS) - 1  # fewer rows than a page
        await pilot.press("pageup")
        assert plist.cursor == 0
        await pilot.press("j")
        await pilot.pause()
        assert app.triage.abstract.paper_id == IDS[1]  # the abstract pane follows the cursor


async def test_enter_reads_the_abstract_and_esc_returns(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("enter")
        assert app.focused is app.triage.abstract
        await pilot.press("escape")
        assert app.focused is app.triage.paper_list


async def test_decision_keys_act_advance_and_survive_a_restart(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("a", "d", "x")
        assert app.triage.paper_list.cursor == 3
        await pilot.press("i")  # an inbox paper stays in the inbox; the cursor still moves
        assert app.triage.paper_list.cursor == 4
        await pilot.press("k", "k", "k", "k", "i")  # paper 0 back to the inbox
        await settle(pilot)
        counts = app.triage.snapshot.status_counts()  # type: ignore[union-attr]
        assert counts["done"] == 1 and counts["skipped"] == 1 and counts["later"] == 0
        await pilot.press("q")
    assert app.return_code == 0
    with stored(library_home) as lib:
        assert lib.state(IDS[0]).status == "inbox"
        assert lib.state(IDS[1]).status == "done"
        assert lib.state(IDS[2]).status == "skipped"
        assert lib.status_counts()["inbox"] == len(IDS) - 2

    again = make_app(library_home)
    async with again.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        # the Inbox view no longer holds the decided papers
        assert list(again.triage.paper_list.rows) == [IDS[0], *IDS[3:]]
        assert again.triage.snapshot.state(IDS[1]).status == "done"  # type: ignore[union-attr]


async def test_star_toggles_and_undo_redo_survive_a_restart(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("s")
        assert app.triage.snapshot.state(IDS[0]).starred  # type: ignore[union-attr]
        assert app.triage.paper_list.cursor == 0  # star does not advance
        await pilot.press("s", "s")
        await pilot.press("q")
    with stored(library_home) as lib:
        assert lib.state(IDS[0]).starred
        assert [e.label for e in lib.history()][-3:] == [
            "star 1 paper",
            "unstar 1 paper",
            "star 1 paper",
        ]

    again = make_app(library_home)
    async with again.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert not again.triage.snapshot.state(IDS[0]).starred  # type: ignore[union-attr]
        messages = again.messages()
        # A restarted app is a new session: the undo reaches the last one's action, and says so.
        assert "Undone (another session's action): star 1 paper" in messages
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert again.triage.snapshot.state(IDS[0]).starred  # type: ignore[union-attr]
        await pilot.press("q")
    with stored(library_home) as lib:
        assert lib.state(IDS[0]).starred


async def test_marks_make_one_undoable_step(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("space", "space")  # space marks and moves on
        assert app.triage.marked == {IDS[0], IDS[1]}
        assert app.triage.paper_list.cursor == 2
        await pilot.press("s")
        await settle(pilot)
        assert app.triage.marked == set()  # the action used the marks up
        with stored(library_home) as lib:
            assert lib.state(IDS[0]).starred and lib.state(IDS[1]).starred
            assert not lib.state(IDS[2]).starred
            assert lib.history()[-1].label == "star 2 papers"
        await pilot.press("u")
        await settle(pilot)
        assert "Undone: star 2 papers" in app.messages()
        with stored(library_home) as lib:
            assert not lib.state(IDS[0]).starred and not lib.state(IDS[1]).starred

        await pilot.press("asterisk")
        assert app.triage.marked == set(IDS)
        await pilot.press("ctrl+space")
        assert app.triage.marked == set()
        await pilot.press("asterisk", "x")
        await pilot.press("q")
    with stored(library_home) as lib:
        assert lib.status_counts()["skipped"] == len(IDS)
        assert lib.history()[-1].label == f"skip: {len(IDS)} papers"


async def test_tag_editor_adds_completes_and_removes(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, TagEditor)
        await pilot.press(*"diffusion, To Read", "enter")
        await settle(pilot)
        assert app.triage.snapshot.state(IDS[0]).tags == ["diffusion", "to-read"]  # type: ignore[union-attr]
        assert app.triage.snapshot.tag_counts() == {"diffusion": 1, "to-read": 1}  # type: ignore[union-attr]

        await pilot.press("j", "t", *"dif")
        await pilot.pause()
        await pilot.press("tab")  # accept the completion of an existing tag
        editor = app.screen
        assert isinstance(editor, TagEditor)
        assert editor.query_one("#tag-input").value == "diffusion"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.press("k", "t", *"-to-read", "enter")
        await pilot.press("q")
    with stored(library_home) as lib:
        assert lib.state(IDS[0]).tags == ["diffusion"]
        assert lib.state(IDS[1]).tags == ["diffusion"]
        assert lib.tag_counts() == {"diffusion": 2}


async def test_note_editor_saves_and_esc_cancels(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"read section 3", "ctrl+s")
        await pilot.press("j", "n", *"never mind", "escape")
        await pilot.press("q")
    with stored(library_home) as lib:
        assert lib.state(IDS[0]).note == "read section 3"
        assert lib.state(IDS[1]).note == ""


async def test_open_keys_open_only_web_links(library_home: Path) -> None:
    opened = Opened()
    app = make_app(library_home, opened=opened)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("o", "O")
        await settle(pilot)
        assert opened == ["https://arxiv.org/abs/2206.00927", "https://arxiv.org/pdf/2206.00927"]
        await pilot.press("G")  # a hostile paper whose only link is file:///etc/passwd
        await pilot.press("o")
        await settle(pilot)
        assert len(opened) == 2
        assert "This paper has no web link to open." in app.messages()
        await pilot.press("q")
    with stored(library_home) as lib:
        assert lib.state(IDS[0]).opened_at is not None
        assert lib.state(IDS[-1]).opened_at is None


async def test_copy_keys(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("y")
        assert app.clipboard == "https://arxiv.org/abs/2206.00927"
        await pilot.press("Y")
        assert app.clipboard.lstrip().startswith("@")
        assert "2206.00927" in app.clipboard
        assert "DPM-Solver" in app.clipboard


async def test_sidebar_toggle_and_view_choice(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("x")  # skip the first paper
        await settle(pilot)
        sidebar = app.triage.sidebar
        assert sidebar.display
        await pilot.press("b")
        assert not sidebar.display
        await pilot.press("b")
        assert sidebar.display
        sidebar.focus()
        await pilot.pause()
        sidebar.highlighted = sidebar.get_option_index("smart:skipped")
        await pilot.press("enter")
        await settle(pilot)
        assert list(app.triage.paper_list.rows) == [IDS[0]]
        assert app.focused is app.triage.paper_list


async def test_help_is_generated_from_live_bindings(library_home: Path) -> None:
    from tui.config import Config

    app = make_app(library_home, config=Config(keymap={"star": "f"}))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = {row.binding_id: row for row in app.screen.rows}
        assert rows["star"].keys == "f"  # the remapped key, not the default
        assert {"later", "done", "skip", "tag", "undo", "filter", "quit"} <= set(rows)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("s")  # no longer star
        await pilot.press("f")
        await pilot.press("q")
    with stored(library_home) as lib:
        assert lib.state(IDS[0]).starred


async def test_command_palette_goes_to_a_view(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Go to Later")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.triage.view.key == "later"
        assert list(app.triage.paper_list.rows) == [IDS[0]]


async def test_command_palette_renames_a_tag(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("t", *"old", "enter")
        await settle(pilot)
        ask_rename_tag(app.triage, "old")
        await pilot.pause()
        prompt_input = app.screen.query_one("#prompt-input")
        prompt_input.value = "new"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert app.triage.snapshot.tag_counts() == {"new": 1}  # type: ignore[union-attr]
    with stored(library_home) as lib:
        assert lib.state(IDS[0]).tags == ["new"]


async def test_export_view_writes_the_papers_shown(library_home: Path, tmp_path: Path) -> None:
    app = make_app(library_home)
    target = tmp_path / "view.json"
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        ask_export(app.triage)
        await pilot.pause()
        app.screen.query_one("#prompt-input").value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
    import json

    exported = json.loads(target.read_text(encoding="utf-8"))
    assert [item["id"] for item in exported] == IDS


async def test_quit_finishes_queued_writes(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("s", "j", "s", "j", "s", "q")  # quit right after the keys
    assert app.return_code == 0
    with stored(library_home) as lib:
        assert [lib.state(pid).starred for pid in IDS[:3]] == [True, True, True]
