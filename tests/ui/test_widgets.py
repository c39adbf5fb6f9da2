"""The widgets on their own (no store): the virtual list at 100k rows, hostile text, narrow layout."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from ui_helpers import (
    HOSTILE_ESCAPE,
    HOSTILE_LINK,
    HOSTILE_MARKUP,
    make_app,
    sample_papers,
    settle,
    wait_ready,
)

from tui.app import stylesheets
from tui.models import Paper, State
from tui.views import View
from tui.widgets import PaperList
from tui.widgets.abstract_pane import describe_paper


class ListApp(App[None]):
    """Just the list, fed by hand (with paperdeck's stylesheets)."""

    CSS_PATH = [str(path) for path in stylesheets()]  # noqa: RUF012

    def __init__(self, papers: dict[str, Paper], states: dict[str, State]) -> None:
        super().__init__()
        self.papers = papers
        self.states = states

    def compose(self) -> ComposeResult:
        yield PaperList(id="list")

    def on_mount(self) -> None:
        plist = self.query_one(PaperList)
        plist.set_papers(self.papers, self.states)
        plist.set_rows(list(self.papers))
        plist.focus()


def many_papers(n: int) -> dict[str, Paper]:
    return {
        f"p{i}": Paper(id=f"p{i}", title=f"Paper number {i}", listed_on="2026-01-01", upvotes=i)
        for i in range(n)
    }


async def test_virtual_list_holds_100k_rows_and_draws_only_what_shows() -> None:
    papers = many_papers(100_000)
    app = ListApp(papers, {"p99999": State(status="done", starred=True, tags=["end"])})
    async with app.run_test(size=(100, 20)) as pilot:
        plist = app.query_one(PaperList)
        assert plist.virtual_size.height == 100_000
        assert "Paper number 0" in plist.render_line(0).text
        await pilot.press("G")
        assert plist.cursor == 99_999
        assert plist.scroll_y > 99_000
        last = plist.render_line(plist.size.height - 1).text
        assert last.startswith("▸") and "★ ✓ Paper number 99999" in last
        assert "#end" in last
        await pilot.press("pageup", "k")
        assert plist.cursor == 99_999 - (plist.size.height - 1) - 1


async def test_marked_rows_and_cursor_are_visible_in_the_text() -> None:
    app = ListApp(many_papers(5), {})
    async with app.run_test(size=(100, 10)) as pilot:
        plist = app.query_one(PaperList)
        plist.set_marked({"p1"})
        await pilot.pause()
        cursor_row, marked_row, plain_row = (plist.render_line(y) for y in range(3))
        assert cursor_row.text.startswith("▸ ")
        assert marked_row.text.startswith(" ●")
        assert plain_row.text.startswith("  ")
        cursor_bg = plist.get_component_rich_style("paper-list--cursor").bgcolor
        marked_bg = plist.get_component_rich_style("paper-list--marked").bgcolor
        assert cursor_bg is not None and marked_bg is not None
        assert all(seg.style and seg.style.bgcolor == cursor_bg for seg in cursor_row)
        assert all(seg.style and seg.style.bgcolor == marked_bg for seg in marked_row)
        assert not any(
            seg.style and seg.style.bgcolor in (cursor_bg, marked_bg) for seg in plain_row
        )


async def test_hostile_titles_show_literally_in_the_list_widget() -> None:
    papers = {
        str(i): Paper(id=str(i), title=title, authors=["[b]Eve[/b]"], listed_on="2026-01-01")
        for i, title in enumerate((HOSTILE_MARKUP, HOSTILE_LINK, HOSTILE_ESCAPE))
    }
    app = ListApp(papers, {"0": State(tags=["[red]t[/red]"])})
    async with app.run_test(size=(160, 10)):
        plist = app.query_one(PaperList)
        lines = [plist.render_line(y) for y in range(3)]
        texts = [line.text for line in lines]
        assert "[bold red]x[/] is not bold" in texts[0]
        assert "#[red]t[/red]" in texts[0]
        assert "[link=file:///etc/passwd]y[/] is not a link" in texts[1]
        assert "Clear  [2J the screen  please" in texts[2]
        for line in lines:
            assert "\x1b" not in line.text and "\x07" not in line.text
            assert all(seg.style is None or seg.style.link is None for seg in line)


async def test_hostile_text_through_the_store_and_every_pane(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("G")  # the escape-sequence paper
        await settle(pilot)
        plist = app.triage.paper_list
        visible = [plist.render_line(y).text for y in range(len(plist.rows))]
        assert any(HOSTILE_MARKUP in text for text in visible)
        assert any(HOSTILE_LINK in text for text in visible)
        assert not any("\x1b" in text for text in visible)
        paper = app.triage.snapshot.papers[plist.current_id]  # type: ignore[index,union-attr]
        shown = describe_paper(paper, None)
        assert "\x1b" not in shown.plain and "\x07" not in shown.plain
        assert "[i]Mallory[/i]" in shown.plain and "[b]bold?[/b]" in shown.plain
        assert all(span.style != "link" for span in shown.spans)
        assert "\x1b" not in app.export_screenshot()


def test_abstract_pane_lists_every_field() -> None:
    paper = sample_papers()[0]
    paper.ai_summary = "A fast sampler."
    paper.project_page = "https://example.org/dpm"
    paper.comments = 4
    text = describe_paper(
        paper, State(status="later", starred=True, tags=["ode"], note="ch. 3")
    ).plain
    for expected in (
        "DPM-Solver",
        "Cheng Lu, Yuhao Zhou",
        "arXiv:2206.00927v1",
        "published 2026-11-20",
        "▲ 81",
        "4 comments",
        "code https://github.com/LuChengTHU/dpm-solver",
        "project https://example.org/dpm",
        "status: later  ★ starred",
        "tags: ode",
        "note: ch. 3",
        "Diffusion probabilistic models",
        "AI summary A fast sampler.",
    ):
        assert expected in text, expected


def test_views_know_their_query_and_members() -> None:
    assert View("smart", "inbox").query == "is:inbox"
    assert View("smart", "all").query == ""
    assert View("tag", "ml").query == "tag:ml"
    assert View("smart", "starred").holds(State(starred=True))
    assert not View("tag", "ml").holds(State(tags=["rl"]))


async def test_narrow_terminal_stacks_the_panes(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        screen = app.triage
        assert screen.has_class("-narrow")
        assert not screen.sidebar.display  # hidden until b
        plist, abstract = screen.paper_list.region, screen.abstract.region
        assert abstract.y >= plist.bottom  # below the list, not beside it
        assert plist.width >= 78 and abstract.width >= 78
        await pilot.press("b")
        assert screen.sidebar.display
