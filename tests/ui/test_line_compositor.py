"""The line compositor's updates send only what the changed spans cover, cut between segments
(tui.screens.line_compositor); the whole-screen check is in test_repaints.py."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from textual.strip import Strip

from tui.screens.line_compositor import LineUpdate


def _update(spans: list[tuple[int, int, int]]) -> LineUpdate:
    # One line, two widgets: a border and padding segment, then text with a wide character
    # (cells 0-1 "▏ ", 2-3 "漢", 4-5 "字", 6-7 "ok"); a scrollbar cell at 8.
    pane = Strip([Segment("▏"), Segment(" "), Segment("漢字"), Segment("ok")])
    bar = Strip([Segment("#")])
    return LineUpdate([{0: pane, 8: bar}], spans, [[8, 9]])


def _drawn(update: LineUpdate) -> str:
    console = Console(width=20, color_system=None, force_terminal=True, legacy_windows=False)
    return update.render_segments(console)


def test_a_span_inside_a_widget_sends_from_the_segment_that_holds_its_start() -> None:
    # Only cells 3-7 changed: the border and padding segments are not sent; the segment that
    # holds cell 3 is sent whole from its start (cell 2), so no character is split.
    drawn = _drawn(_update([(0, 3, 8)]))
    assert drawn == "\x1b[1;3H漢字ok"


def test_a_span_over_the_whole_line_sends_every_widget() -> None:
    assert _drawn(_update([(0, 0, 9)])) == "\x1b[1;1H▏ 漢字ok\x1b[1;9H#"


def test_a_widget_starting_where_the_span_ends_is_not_sent() -> None:
    assert _drawn(_update([(0, 6, 8)])) == "\x1b[1;7Hok"
