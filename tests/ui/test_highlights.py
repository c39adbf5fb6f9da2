"""Title highlights are data from the search's worker: the first screen of rows comes with the
answer, every other row's highlights follow it. The list never asks the query engine while it
draws (it used to call a lookup closure, on the UI thread, for rows past the first 200)."""

from __future__ import annotations

import gc
from functools import partial
from pathlib import Path
from types import FunctionType, MethodType

from ui_helpers import fill_library, make_app, settle, wait_ready

from tui.models import Paper
from tui.query import Searcher
from tui.query.nodes import Query

PAPERS = [
    Paper(
        id=f"arxiv:2401.{n:05d}",
        arxiv_id=f"2401.{n:05d}",
        title=f"Diffusion sampler number {n}",
        authors=["Ada Lovelace"],
        abstract="A paper about samplers.",
        listed_on=f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}",
    )
    for n in range(320)
]


async def test_row_250_is_highlighted_from_the_answer_not_from_a_lookup(home: Path) -> None:
    fill_library(home, PAPERS)
    app = make_app(home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("slash", *"diffusion", "enter")
        await settle(pilot)
        plist = app.triage.paper_list
        assert plist.complete and len(plist.rows) == 320
        row = plist.rows[250]
        assert plist.title_spans[row] == ((0, 9),)
        # Plain data, holding nothing that could run a search: the list keeps no function,
        # searcher or query, and its highlights are tuples of numbers.
        held = gc.get_referents(vars(plist))
        kinds = (FunctionType, MethodType, partial, Searcher, Query)
        assert not [value for value in held if isinstance(value, kinds)]
        assert type(plist.title_spans) is dict
        assert all(
            type(spans) is tuple and all(type(s) is tuple for s in spans)
            for spans in plist.title_spans.values()
        )
        plist.move_to(250)
        await pilot.pause()
        line = plist.render_line(250 - round(plist.scroll_y))
        match = plist.get_component_rich_style("paper-list--match", partial=True)
        lit = [seg.text for seg in line if seg.style is not None and match.color == seg.style.color]
        assert lit == ["Diffusion"], [(seg.text, seg.style) for seg in line]
