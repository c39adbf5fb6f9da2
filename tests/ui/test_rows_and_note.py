"""What a row shows and the note editor's care for typed text (issue 9: items 8 and 18)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea
from ui_helpers import make_app, sample_papers, settle, wait_ready

from tui.screens.note_editor import NoteEditor
from tui.store import Library
from tui.widgets.paper_list import NOTE_GLYPH

PAPERS = sample_papers()


async def test_authors_show_in_a_120_column_terminal(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        plist = app.triage.paper_list
        line = plist.render_line(0).text
        surname = PAPERS[0].authors[0].split()[-1]
        assert surname in line, line
        assert PAPERS[0].title[:12] in line  # the title keeps its start, cut at the end


async def test_a_row_shows_that_its_paper_has_a_note(library_home: Path) -> None:
    with Library.open(library_home) as lib:
        lib.set_note([PAPERS[1].id], "compare with DDIM")
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        plist = app.triage.paper_list
        assert NOTE_GLYPH in plist.render_line(1).text
        assert NOTE_GLYPH not in plist.render_line(0).text


async def test_esc_in_the_note_editor_asks_before_throwing_text_away(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"keep me")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)  # still open: it asked
        assert app.screen.query_one(TextArea).text == "keep me"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)
    with Library.open(library_home) as lib:
        assert lib.state(PAPERS[0].id).note == "keep me"


async def test_esc_twice_discards_and_esc_without_changes_closes_at_once(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"draft", "escape", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)
    with Library.open(library_home) as lib:
        assert lib.state(PAPERS[0].id).note == ""


async def test_tag_editor_shows_the_tags_marked_papers_carry_with_counts(
    library_home: Path,
) -> None:
    from tui.screens.tag_editor import TagEditor

    with Library.open(library_home) as lib:
        lib.edit_tags([PAPERS[0].id, PAPERS[1].id], add=["diffusion"])
        lib.edit_tags([PAPERS[1].id], add=["sampling"])
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("space", "space", "space")  # mark papers 0, 1 and 2
        await pilot.press("t")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, TagEditor)
        shown = str(editor.query_one("#tag-current").render())
        assert "diffusion (2 of 3)" in shown and "sampling (1 of 3)" in shown
        assert "(none)" not in shown
