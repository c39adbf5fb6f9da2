"""Keys a new user reaches for in the first hour (issue 9: items 7, 9, 14, 15): clearing marks
from tmux, refreshing a view, Inbox zero, direct view keys, help that teaches the query
language and scrolls, and a list that stays usable in tiny terminals."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Footer, Static
from ui_helpers import make_app, sample_papers, settle, wait_ready

from tui.query import parse
from tui.screens.help import QUERY_HELP, HelpScreen

IDS = [p.id for p in sample_papers()]


async def test_ctrl_at_as_tmux_sends_ctrl_space_clears_marks(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("space", "space")
        assert len(app.triage.marked) == 2
        await pilot.press("ctrl+@")  # what Textual reports for the NUL tmux sends
        assert app.triage.marked == set()


async def test_esc_in_the_list_clears_marks_before_the_filter(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("slash", *"diffusion", "enter")
        await settle(pilot)
        await pilot.press("space")
        assert len(app.triage.marked) == 1
        await pilot.press("escape")
        assert app.triage.marked == set()
        assert app.triage.filter_bar.text == "diffusion"
        await pilot.press("escape")
        assert app.triage.filter_bar.text == ""


async def test_refresh_hides_decided_papers_and_keeps_the_cursor_on_the_next(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("j", "x", "a")  # decide rows 1 and 2; the cursor is on row 3
        await settle(pilot)
        plist = app.triage.paper_list
        assert list(plist.rows) == IDS and plist.current_id == IDS[3]
        await pilot.press("R")
        await settle(pilot)
        assert list(plist.rows) == [IDS[0], *IDS[3:]]
        assert plist.current_id == IDS[3]


async def test_an_empty_inbox_says_inbox_zero(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("asterisk", "d")
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        plist = app.triage.paper_list
        assert plist.total == 0
        assert "Inbox zero" in plist.render_line(0).text
        assert "No papers match" not in plist.render_line(0).text


async def test_number_keys_go_to_the_smart_views_and_the_footer_shows_them(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("s", "j", "x")  # star paper 0, skip paper 1
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert app.triage.view.key == "skipped"
        assert list(app.triage.paper_list.rows) == [IDS[1]]
        await pilot.press("5")
        await settle(pilot)
        assert list(app.triage.paper_list.rows) == [IDS[0]]
        await pilot.press("6")
        await settle(pilot)
        assert len(app.triage.paper_list.rows) == len(IDS)
        await pilot.press("1")
        await settle(pilot)
        assert app.triage.view.key == "inbox"
        footer = app.triage.query_one(Footer)
        labels = " ".join(str(w.render()) for w in footer.query("*"))
        assert "Views" in labels


async def test_help_lists_the_query_language_and_scrolls_with_j(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        query_text = str(help_screen.query_one("#help-query", Static).render())
        assert "sort:date" in query_text and "is:new" in query_text
        body = help_screen.query_one("#help-body")
        assert body.scroll_y == 0
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert body.scroll_y == 3
        await pilot.press("k")
        await pilot.pause()
        assert body.scroll_y == 2
        await pilot.press("G")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y > 0


def test_every_query_language_example_in_help_parses() -> None:
    for form, _meaning in QUERY_HELP:
        for piece in form.split("  "):
            parse(piece)  # raises QuerySyntaxError if help teaches something wrong


async def test_a_40x10_terminal_keeps_a_usable_list(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(40, 10)) as pilot:
        await wait_ready(pilot)
        plist = app.triage.paper_list
        assert plist.display and plist.region.height >= 4
        assert plist.region.width >= 36
        assert not app.triage.abstract.region.height  # the abstract steps aside
        await pilot.press("enter")  # read: the abstract takes the list's place
        await pilot.pause()
        assert app.triage.abstract.region.height >= 4
        await pilot.press("escape")
        await pilot.pause()
        assert plist.region.height >= 4


async def test_a_60x15_terminal_shows_more_than_three_rows(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(60, 15)) as pilot:
        await wait_ready(pilot)
        assert app.triage.paper_list.region.height >= 8


async def test_keys_typed_right_after_slash_land_in_the_filter_in_order(library_home: Path) -> None:
    """A fast typist, tmux's `send-keys '/lora'` or a paste: `/` then `lora` all queued before
    the app reads any of them. They used to run as triage keys (`a` put a paper on the reading
    list), then were dropped (queued for the list, they reached the app after the focus had
    moved to the filter, which swallows printable keys). They type "lora", in order."""
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        before = dict(app.triage.snapshot.states)  # type: ignore[union-attr]
        typed = [("slash", "/"), *((c, c) for c in "lora"), ("space", " "), ("r", "r")]
        for key, character in typed:
            # No pause: every key is in the app's queue at once, as a terminal sends them.
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert app.triage.filter_bar.text == "lora r"
        assert app.focused is app.triage.filter_bar.input
        assert dict(app.triage.snapshot.states) == before  # type: ignore[union-attr]
        assert app.triage.snapshot.status_counts()["later"] == 0  # type: ignore[union-attr]
        assert not app.triage.marked
        await pilot.press("slash")  # in the filter, `/` is text, not the filter key again
        assert app.triage.filter_bar.text == "lora r/"
        await pilot.press("ctrl+shift+a", "slash")  # over a selection, like any typed character
        assert app.triage.filter_bar.text == "/"


@pytest.mark.parametrize(("leave", "filter_text"), [("enter", "lora"), ("escape", "")])
async def test_a_key_typed_right_after_leaving_the_filter_acts_on_the_list(
    library_home: Path, leave: str, filter_text: str
) -> None:
    """`/lora⏎a` (or `/lora⎋a`) typed at once: enter / esc give the list the focus as the app
    reads them, so the `a` right behind puts the paper under the cursor on the reading list.
    It used to land in the filter ("loraa"): the focus moved only when the filter's message
    reached the screen, after the queued `a` had been handed to the filter."""
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        typed = [("slash", "/"), *((c, c) for c in "lora"), (leave, None), ("a", "a")]
        for key, character in typed:
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert app.triage.filter_bar.text == filter_text
        assert app.focused is app.triage.paper_list
        assert app.triage.snapshot.status_counts()["later"] == 1  # type: ignore[union-attr]
