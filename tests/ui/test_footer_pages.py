"""The key footer keeps its widgets when the focus moves (issue 11): after one round of `/` and
`escape`, no `FooterKey` is made or removed, yet the footer shows, dims and clicks exactly as
Textual's own `Footer` does for the same bindings (one is mounted on the same screen, docked
at the top, and the two rendered rows are compared segment by segment)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from rich.segment import Segment
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey
from ui_helpers import make_app, settle, wait_ready

from tui.widgets import KeyFooter


def rendered_row(pilot: Pilot[object], widget: Widget) -> list[Segment]:
    """The screen's rendered segments on the row `widget` is on, as the terminal gets them."""
    strips = pilot.app.screen._compositor.render_strips()
    return list(strips[widget.region.y])


def text(segments: list[Segment]) -> str:
    return "".join(segment.text for segment in segments)


def shown_keys(footer: KeyFooter) -> list[FooterKey]:
    """The footer's keys on screen (a hidden page's keys have no region)."""
    return [key for key in footer.query(FooterKey) if key.region.area]


async def test_focus_moves_reuse_the_footer_keys_and_show_what_textual_shows(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_ready(pilot)
        ours = app.triage.query_one(KeyFooter)
        stock = Footer()  # Textual's own footer, for the same screen's bindings
        stock.styles.dock = "top"
        await app.triage.mount(stock)
        stock.call_later(stock.bindings_changed, app.triage)  # composes in its own context
        await settle(pilot)

        def same_as_textual() -> list[Segment]:
            row = rendered_row(pilot, ours)
            assert text(row) == text(rendered_row(pilot, stock))
            assert row == rendered_row(pilot, stock)  # and the same styles, dim included
            return row

        made: list[FooterKey] = []
        died: list[int] = []

        def track() -> None:
            for key in ours.query(FooterKey):
                if all(key is not seen for seen in made):
                    made.append(key)
                    weakref.finalize(key, died.append, id(key))

        listing = same_as_textual()
        assert "s Star" in text(listing) and "/ Filter" in text(listing)
        track()
        first_round = 0
        for _ in range(2):  # the first round sees both shapes: the list's and the filter's
            await pilot.press("slash")
            await settle(pilot)
            assert app.focused is app.triage.query_one("#filter-input")
            filtering = same_as_textual()
            assert "s Star" not in text(filtering)
            track()
            await pilot.press("escape")
            await settle(pilot)
            assert same_as_textual() == listing
            track()
            first_round = first_round or len(made)
        assert len(made) == first_round  # the second round made no key

        # A filter matching nothing, then the list: the paper keys are greyed out (dim).
        await pilot.press("slash", "z", "z", "q", "q", "enter")
        await settle(pilot)
        assert app.triage.paper_list.current_id is None
        dimmed = same_as_textual()
        star = next(key for key in shown_keys(ours) if key.action == "star")
        assert star.has_class("-disabled") and star._disabled  # a click on it only rings the bell
        assert text(dimmed) == text(listing)
        assert dimmed[0].text == listing[0].text == " s "
        assert dimmed[0].style != listing[0].style  # Textual dims by fading the colours
        track()
        await pilot.press("escape", "escape")  # back to the list; then clear the filter
        await settle(pilot)
        assert same_as_textual() == listing
        assert not star.has_class("-disabled")

        # Stars change the list's state and the footer's keys are asked again; still no widget.
        for _ in range(3):
            await pilot.press("s")
            await settle(pilot)
            same_as_textual()
            await pilot.press("slash")
            await settle(pilot)
            same_as_textual()
            await pilot.press("escape")
            await settle(pilot)
            same_as_textual()
            track()
        assert len(made) == first_round  # no key made after the first round
        assert all(key.is_attached for key in made)  # nor removed
        gc.collect()
        assert died == []

        # A click on a reused key still runs its action.
        filter_key = next(key for key in shown_keys(ours) if key.action == "filter")
        await pilot.click(filter_key)
        await settle(pilot)
        assert app.focused is app.triage.query_one("#filter-input")
        await pilot.press("escape")
        await settle(pilot)
        current = app.triage.paper_list.current_id
        assert current is not None and app.triage.snapshot is not None
        was = app.triage.snapshot.state(current).starred
        star = next(key for key in shown_keys(ours) if key.action == "star")
        await pilot.click(star)
        await settle(pilot)
        assert app.triage.snapshot.state(current).starred is not was
        assert {filter_key, star} <= {*made}


async def test_beyond_its_pages_the_footer_composes_and_frees_the_keys_it_drops(
    library_home: Path,
) -> None:
    """With room for one page, each focus move composes the footer anew (Textual's way) and the
    keys of the page it drops are freed, not kept by their `compact` binding."""
    app = make_app(library_home)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_ready(pilot)
        ours = app.triage.query_one(KeyFooter)
        ours.max_pages = 1
        listing = text(rendered_row(pilot, ours))
        await pilot.press("slash", "escape")  # the list's page, made anew after start-up's freeze
        await settle(pilot)
        died: list[int] = []
        made = list(ours.query(FooterKey))
        for made_key in made:
            weakref.finalize(made_key, died.append, id(made_key))
        del made_key
        await pilot.press("slash")
        await settle(pilot)
        assert "s Star" not in text(rendered_row(pilot, ours))
        await pilot.press("escape")
        await settle(pilot)
        assert text(rendered_row(pilot, ours)) == listing
        assert len(ours.query(FooterKey)) == len(made)  # one page: the dropped ones are gone
        assert not any(key.is_attached for key in made)
        count = len(made)
        del made
        gc.collect()
        assert len(died) == count
