"""Only what changed is repainted, and what is painted is right.

A key's latency in a real terminal grows with the lines Textual re-renders and writes, and with
the frames it takes: these tests watch the lines each pane draws (a spy around the widget's own
`render_line`, which still draws) and what reaches the terminal (`Terminal`: the updates the app
writes, applied to a grid of cells), in the real app on a real library.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.color import ColorSystem
from rich.segment import ControlType, Segment
from rich.style import Style
from textual._compositor import CompositorUpdate
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from ui_helpers import fill_library, make_app, sample_papers, settle, wait_ready

from tui.app import PaperdeckApp, stylesheets
from tui.models import State
from tui.screens.line_compositor import LineCompositor
from tui.screens.triage.screen import TriageScreen
from tui.views import View
from tui.widgets import AbstractPane

WIDE = (140, 36)


class PaintSpy:
    """Counts the lines `widget` draws and keeps the text each line `y` last drew."""

    def __init__(self, widget: Widget) -> None:
        self.drawn = 0
        self.lines: dict[int, str] = {}
        self.before_line: list[object] = []
        """What `check()` returned each time a line was drawn (set `check` to use it)."""
        self.check: object = None
        render_line = widget.render_line

        def spied(y: int) -> Strip:
            strip = render_line(y)
            self.drawn += 1
            self.lines[y] = strip.text
            if callable(self.check):
                self.before_line.append(self.check())
            return strip

        widget.render_line = spied  # type: ignore[method-assign]

    def reset(self) -> None:
        self.drawn = 0
        self.before_line.clear()


class Terminal:
    """What the terminal shows: every update `app` writes (full or partial), applied to a grid
    of cells (text and style), as a terminal would apply it. Headless, the app still makes the
    updates; only the writing is skipped."""

    def __init__(self, app: App[object]) -> None:
        width, height = app.size
        self.cells: list[list[tuple[str, Style | None]]] = [
            [(" ", None)] * width for _ in range(height)
        ]
        self.painting = False
        """True while the app makes an update (a frame), for spies that ask."""
        display = app._display
        compositor_refresh = type(app.screen)._compositor_refresh

        def spied(screen: object, renderable: object) -> None:
            if isinstance(renderable, CompositorUpdate):
                self._apply(app, renderable)
            display(screen, renderable)  # type: ignore[arg-type]

        def painting(screen: object) -> None:
            self.painting = True
            try:
                compositor_refresh(screen)  # type: ignore[arg-type]
            finally:
                self.painting = False

        app._display = spied  # type: ignore[method-assign]
        app.screen._compositor_refresh = lambda: painting(app.screen)  # type: ignore[method-assign]

    def _apply(self, app: App[object], update: CompositorUpdate) -> None:
        x = y = 0
        for segment in update.__rich_console__(app.console, app.console.options):
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = int(code[1]), int(code[2])
                continue
            if segment.text == "\n":
                continue
            for char in segment.text:
                if 0 <= y < len(self.cells) and 0 <= x < len(self.cells[y]):
                    self.cells[y][x] = (char, segment.style)
                x += cell_len(char)

    def text(self, region: Region) -> list[str]:
        """The text shown in `region` (screen coordinates), a line per row."""
        return [
            "".join(char for char, _ in self.cells[y][region.x : region.right])
            for y in range(region.y, region.bottom)
        ]


async def _painted(pilot: Pilot[object]) -> None:
    """Let the screen paint what is pending (Textual paints on a 60 Hz timer)."""
    await pilot.pause(0.1)


async def _ready(pilot: Pilot[object]) -> TriageScreen:
    await wait_ready(pilot)
    await settle(pilot)
    await _painted(pilot)
    app = pilot.app
    assert isinstance(app, PaperdeckApp)
    return app.triage


def _abstract_strips(screen: TriageScreen) -> list[Strip]:
    """What the abstract pane should show now (its class's render_line: not through a spy)."""
    pane = screen.abstract
    height = pane.scrollable_content_region.height
    return [type(pane).render_line(pane, y) for y in range(height)]


def _expected_abstract_lines(screen: TriageScreen) -> list[str]:
    return [strip.text for strip in _abstract_strips(screen)]


def _spies(screen: TriageScreen, *names: str) -> dict[str, PaintSpy]:
    """A paint spy on each named pane ("list" is the paper list)."""
    panes = {
        "list": screen.paper_list,
        "abstract": screen.abstract,
        "sidebar": screen.sidebar,
        "header": screen.header,
    }
    return {name: PaintSpy(panes[name]) for name in names}


def _lines_differing(before: list[Strip], after: list[Strip]) -> int:
    return sum(1 for old, new in zip(before, after, strict=True) if old != new)


def _pane_text(screen: TriageScreen) -> list[str]:
    """The abstract pane's content region (inside its border and padding) as it should read."""
    return [
        line.ljust(screen.abstract.content_region.width)
        for line in _expected_abstract_lines(screen)
    ]


async def test_cursor_move_repaints_two_rows_and_only_the_abstract_lines_that_differ(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _ready(pilot)
        spies = _spies(screen, "list", "abstract", "sidebar", "header")
        terminal = Terminal(app)
        spies["abstract"].check = lambda: terminal.painting
        before = _abstract_strips(screen)
        await pilot.press("j")
        await _painted(pilot)
        after = _abstract_strips(screen)
        differing = _lines_differing(before, after)
        assert 0 < differing < len(after) // 2  # the short abstracts leave blank lines alike
        assert spies["list"].drawn == 2  # the row left and the row reached
        # The paper reached was prepared (wrapped and styled) after the last frame: its frame
        # draws none of its lines, and the terminal shows them.
        assert not any(spies["abstract"].before_line)
        assert terminal.text(screen.abstract.content_region) == _pane_text(screen)
        assert spies["sidebar"].drawn == 0
        assert spies["header"].drawn == 0


async def test_a_move_to_a_paper_not_prepared_draws_only_the_abstract_lines_that_differ(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _ready(pilot)
        spy = PaintSpy(screen.abstract)
        terminal = Terminal(app)
        spy.check = lambda: terminal.painting
        before = _abstract_strips(screen)
        screen.paper_list.move_to(2)  # two rows on: the next row's paper is the one prepared
        await _painted(pilot)
        after = _abstract_strips(screen)
        differing = _lines_differing(before, after)
        assert 0 < differing < len(after) // 2
        assert spy.before_line.count(True) == differing
        assert terminal.text(screen.abstract.content_region) == _pane_text(screen)


@pytest.mark.parametrize("no_color", [False, True])
async def test_finished_lines_are_textuals_own_after_focus_and_theme_changes(
    library_home: Path, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    """The lines kept for a prepared paper are the ones Textual's pipeline makes now: after the
    pane's border changed colour (focus), the theme changed, the terminal lost focus; with
    NO_COLOR, through the app's line filter that takes the colours out."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(library_home)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _ready(pilot)
        pane = screen.abstract
        whole = Region(0, 0, *pane.region.size)
        spy = PaintSpy(pane)
        terminal = Terminal(app)
        spy.check = lambda: terminal.painting
        for step in ("focus", "theme", "blur"):
            if step == "focus":
                await pilot.press("enter", "escape")  # the border's colour changes twice
            elif step == "theme":
                app.theme = "textual-light" if app.theme != "textual-light" else "nord"
            else:
                app.app_focus = False
            await _painted(pilot)
            # The paper prepared before the change, then the one prepared after it (from its
            # finished lines: the frame draws none of them).
            for prepared in ("before", "after"):
                spy.reset()
                await pilot.press("j")
                await _painted(pilot)
                assert prepared == "before" or not any(spy.before_line), step
                handed = pane.render_lines(whole)  # what the compositor is given
                pane.refresh()  # Textual's cache cleared: its pipeline renders every line again
                assert handed == Widget.render_lines(pane, whole), (step, prepared)


async def test_the_stores_answer_to_a_star_repaints_nothing_already_shown(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _ready(pilot)
        spies = _spies(screen, "list", "abstract", "sidebar", "header")
        starred = screen.sidebar.get_option_index("smart:starred")
        await pilot.press("s")
        await _painted(pilot)  # the key's own frame: the row, the counts, the status line
        assert spies["header"].drawn == 1
        assert 0 < spies["abstract"].drawn <= 2
        assert spies["list"].drawn == 1  # the starred row (the cursor stays on it)
        # The Starred count changed, and only its line is drawn: the other options' lines
        # are not rendered again.
        assert set(spies["sidebar"].lines) == {screen.sidebar._index_to_line[starred]}
        assert spies["sidebar"].drawn == 1
        for spy in spies.values():
            spy.reset()
        await settle(pilot)  # the writer's answer arrives: the same state, stored
        await _painted(pilot)
        assert screen.writer is not None and not screen.writer.busy
        assert {name: spy.drawn for name, spy in spies.items()} == {
            "list": 0,
            "abstract": 0,
            "sidebar": 0,
            "header": 0,
        }


async def test_view_switch_paints_the_highlight_rows_and_abstract_in_one_frame(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _ready(pilot)
        sidebar, plist, abstract = screen.sidebar, screen.paper_list, screen.abstract
        done = plist.current_id
        await pilot.press("d")  # done: the cursor moves on, the Done view holds this one paper
        await settle(pilot)
        await _painted(pilot)
        assert done is not None and plist.current_id != done
        sidebar_spy, list_spy = PaintSpy(sidebar), PaintSpy(plist)
        # Whenever the sidebar draws, the list already holds the view's rows; whenever the list
        # draws, the abstract already shows the paper under its cursor.
        sidebar_spy.check = lambda: list(plist.rows) == [done]
        list_spy.check = lambda: abstract.paper_id == plist.current_id
        await pilot.press("3")
        await settle(pilot)
        await _painted(pilot)
        assert screen.view == View("smart", "done")
        assert list(plist.rows) == [done] and abstract.paper_id == done
        assert sidebar_spy.before_line and all(sidebar_spy.before_line)
        assert list_spy.before_line and all(list_spy.before_line)


async def test_painted_abstract_lines_match_the_paper_in_every_layout(
    library_home: Path,
) -> None:
    for size in (WIDE, (80, 24)):  # side by side; stacked under the list (a border above it)
        app = make_app(library_home)
        async with app.run_test(size=size) as pilot:
            screen = await _ready(pilot)
            terminal = Terminal(app)
            screen.abstract.refresh()
            await _painted(pilot)
            for keys in (("j",), ("s",), ("j", "k"), ("s",), ("G",), ("k", "k", "j")):
                await pilot.press(*keys)
                await settle(pilot)
                await _painted(pilot)
                painted = terminal.text(screen.abstract.content_region)
                assert painted == _pane_text(screen), (size, keys)
                assert any("starred" in line for line in painted) == (
                    screen.snapshot is not None
                    and screen.snapshot.state(screen.abstract.paper_id or "").starred
                )


def test_paint_spy_sees_the_text_drawn() -> None:
    """The spy reports the drawn text (a check on the instrument itself)."""

    class Lines(Widget):
        def render_line(self, y: int) -> Strip:
            return Strip([Segment(f"line {y}")])

    widget = Lines()
    spy = PaintSpy(widget)
    assert widget.render_line(3).text == "line 3"
    assert spy.lines == {3: "line 3"} and spy.drawn == 1


class PaneApp(App[None]):
    """The abstract pane alone (with paperdeck's stylesheets)."""

    CSS_PATH = [str(path) for path in stylesheets()]  # noqa: RUF012

    def compose(self) -> ComposeResult:
        yield AbstractPane(id="abstract")


async def test_a_prepared_paper_shows_its_state_at_show_time_not_at_prepare_time() -> None:
    paper = sample_papers()[0]
    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(AbstractPane)
        pane.show(None, None)
        await _painted(pilot)
        pane.prepare(paper, State())
        assert pane.paper_id is None  # prepared, not shown
        starred = State(starred=True, tags=["diffusion"])
        pane.show(paper, starred)
        await _painted(pilot)
        shown = [pane.render_line(y).text for y in range(pane.size.height)]
        assert any("★ starred" in line for line in shown)
        assert any("diffusion" in line for line in shown if line.startswith("tags"))
        fresh = PaneApp()
        async with fresh.run_test(size=(100, 30)) as fresh_pilot:
            other = fresh.query_one(AbstractPane)
            other.show(paper, starred)
            await _painted(fresh_pilot)
            assert shown == [other.render_line(y).text for y in range(other.size.height)]


async def test_scrollbars_show_the_thumb_textual_draws_after_every_move(home: Path) -> None:
    """The scrollbars are told their new extent quietly and repaint only the cells that change
    (`tui.widgets.scrolling`): what the terminal shows in them is what Textual draws afresh."""
    papers = sample_papers()
    for n, paper in enumerate(papers[:6]):  # abstracts of many lengths, some too long to fit
        paper.abstract = " ".join([paper.abstract] * (1 + 4 * n))
    fill_library(home, papers)
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:  # stacked: the abstract pane is short
        screen = await _ready(pilot)
        terminal = Terminal(app)
        app.screen.refresh()
        await _painted(pilot)
        thumbs = 0
        for key in ["j"] * 9 + ["k"] * 3 + ["G", "g"]:
            await pilot.press(key)
            await settle(pilot)
            await _painted(pilot)
            for pane in (screen.abstract, screen.paper_list):
                bar = pane.vertical_scrollbar
                region = bar.region
                fresh = Widget.render_lines(bar.refresh(), Region(0, 0, *region.size))
                drawn = [
                    row[region.x : region.right] for row in terminal.cells[region.y : region.bottom]
                ]
                expected = [[(seg.text, seg.style) for seg in strip] for strip in fresh]
                assert [[(c, s.bgcolor if s else None) for c, s in row] for row in drawn] == [
                    [(text, style.bgcolor if style else None) for text, style in row]
                    for row in expected
                ], (key, pane.id)
                thumbs += bar.window_size < bar.window_virtual_size
        assert thumbs  # some abstract did not fit: a thumb was drawn and moved


async def test_preparing_papers_keeps_nothing_alive_past_the_kept_lines(library_home: Path) -> None:
    """Each move prepares the next paper's finished lines; what that leaves alive is bounded by
    the pane's own caches. (A fresh `StylesCache` per paper stayed alive in Textual's
    `get_inner_outer` lru_cache, keyed by the instance, with all its lines: the live objects of
    a 100k session grew by a hundred thousand every half minute.)"""
    from textual._styles_cache import StylesCache

    def caches() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if type(o) is StylesCache)

    app = make_app(library_home)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _ready(pilot)
        await pilot.press("j", "k")
        await _painted(pilot)
        before = caches()
        for key in "jjjjjjjjkkkkkkkkjjjjjjjj":
            await pilot.press(key)
            await _painted(pilot)
        assert screen.abstract.paper_id is not None
        assert caches() == before


def _look(char: str, style: Style | None) -> tuple[object, ...] | None:
    """What a cell looks like: its character, background and what shows on a blank (meta such
    as click actions aside; a blank's colour, weight and slant do not show)."""
    if style is None:
        return (char,)
    shown = (char, style.bgcolor, style.underline, style.strike, style.reverse, style.link)
    return shown if char == " " else (*shown, style.color, style.bold, style.dim, style.italic)


async def test_the_terminal_shows_the_whole_screen_as_drawn_afresh_after_every_change(
    library_home: Path,
) -> None:
    """The triage screen's partial updates render only the lines that changed
    (`tui.screens.line_compositor`): after each kind of change — a cursor move, a triage key,
    a view switch, typing a filter, the sidebar hidden and shown, a toast over the list —
    every cell the terminal shows is the cell a whole-screen render draws."""
    app = make_app(library_home)
    # As a truecolor terminal (headless, the console has 16 colours, in which many of the
    # theme's colours look alike and would be sent as one): the strictest comparison.
    app.console._color_system = ColorSystem.TRUECOLOR
    async with app.run_test(size=WIDE) as pilot:
        screen = await _ready(pilot)
        assert isinstance(screen._compositor, LineCompositor)
        terminal = Terminal(app)
        app.screen.refresh()
        await _painted(pilot)
        steps = [
            ("j",), ("s",), ("j", "j"), ("a",), ("k",), ("u",), ("4",), ("1",),
            ("/", "d", "i", "f"), ("backspace",), ("escape",), ("b",), ("j",), ("b",),
            ("G",), ("x",), ("g",),
        ]  # fmt: skip
        for keys in steps:
            await pilot.press(*keys)
            await settle(pilot)
            await _painted(pilot)
            afresh = [
                [_look(char, seg.style) for seg in strip if not seg.control for char in seg.text]
                for strip in screen._compositor.render_strips()
            ]
            shown = [[_look(char, style) for char, style in row] for row in terminal.cells]
            differing = [
                (y, x, cell, fresh)
                for y, (row, fresh_row) in enumerate(zip(shown, afresh, strict=True))
                for x, (cell, fresh) in enumerate(zip(row, fresh_row, strict=True))
                if cell != fresh
            ]
            assert not differing, (keys, differing[:2])  # (line, column, shown, afresh)
