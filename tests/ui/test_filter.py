"""The filter bar: live results through the query language, inline errors, esc clears."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from ui_helpers import make_app, sample_papers, settle, wait_ready

IDS = [p.id for p in sample_papers()]


async def test_typing_filters_and_highlights(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("slash")
        assert app.focused is app.triage.filter_bar.input
        await pilot.press(*"attention")
        await settle(pilot)
        plist = app.triage.paper_list
        assert list(plist.rows) == ["arxiv:1706.03762"]
        row = plist.render_line(0)
        assert "Attention Is All You Need" in row.text
        match_style = plist.get_component_rich_style("paper-list--match", partial=True)
        highlighted = "".join(
            seg.text for seg in row if seg.style and seg.style.underline and seg.style.bold
        )
        assert match_style.underline and highlighted == "Attention"


async def test_structured_terms_and_view_combine(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("x")  # skip DPM-Solver: it leaves the Inbox view on the next search
        await settle(pilot)
        await pilot.press("slash", *"upvotes:>50 OR diffusion")
        await settle(pilot)
        rows = set(app.triage.paper_list.rows)
        assert IDS[0] not in rows  # the view's is:inbox still applies to an OR filter
        assert rows == {"arxiv:1706.03762", "arxiv:2106.09685", "arxiv:2010.11929",
                        "arxiv:1312.6114", "arxiv:2405.20320"}  # fmt: skip


async def test_a_malformed_query_shows_where_and_keeps_the_last_result(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("slash", *"lora")
        await settle(pilot)
        assert list(app.triage.paper_list.rows) == ["arxiv:2106.09685"]
        await pilot.press(*" (")
        await settle(pilot)
        error = app.triage.filter_bar.query_one("#filter-error", Static)
        assert error.display
        assert "unclosed parenthesis" in str(error.render())
        assert "position 6" in str(error.render())
        assert list(app.triage.paper_list.rows) == ["arxiv:2106.09685"]  # last good result
        await pilot.press("backspace")
        await settle(pilot)
        assert not error.display


async def test_esc_clears_the_filter_and_returns_to_the_list(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("slash", *"lora", "enter")
        await settle(pilot)
        assert app.focused is app.triage.paper_list  # enter keeps the filter, back to the list
        assert len(app.triage.paper_list.rows) == 1
        await pilot.press("escape")  # esc on the list clears the filter too
        await settle(pilot)
        assert app.triage.filter_bar.text == ""
        assert list(app.triage.paper_list.rows) == IDS
        await pilot.press("slash", *"vae", "escape")
        await settle(pilot)
        assert app.focused is app.triage.paper_list
        assert list(app.triage.paper_list.rows) == IDS


async def test_before_abstracts_are_indexed_titles_answer_at_once_then_abstracts(
    library_home: Path,
) -> None:
    dpm, rectified = IDS[0], IDS[1]  # "diffusion": in DPM's title, in Rectified Flows' abstract
    app = make_app(library_home)
    screen = app.triage
    screen.loader.abstract_index.clear()  # the build stops after titles and authors
    screen.searching.session.scan_delay = 1.0  # long enough to look at the quick answer
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(300):
            await pilot.pause(0.01)
            if screen.results_ready and screen.searcher and screen.searcher.ready:
                break
        assert screen.searcher is not None and not screen.searcher.abstracts_ready
        await pilot.press("slash", *"diffusion")
        for _ in range(300):
            await pilot.pause(0.01)
            if screen.partial:
                break
        assert list(screen.paper_list.rows) == [dpm]  # titles and authors only, for now
        assert "abstracts still indexing" in screen.header.text
        assert screen.check_action("mark_all", ()) is None  # `*` would mark a partial answer
        for _ in range(500):
            await pilot.pause(0.01)
            if not screen.partial:
                break
        assert set(screen.paper_list.rows) == {dpm, rectified}  # abstracts scanned, complete
        assert "abstracts still indexing" not in screen.header.text
        screen.loader.abstract_index.set()
        await settle(pilot)
        assert screen.searcher.abstracts_ready
