"""The line compositor's updates send only what the changed spans cover, cut between segments
(tui.screens.line_compositor); the whole-screen check is in test_repaints.py."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from textual.strip import Strip

from tui.screens.line_compositor import LineUpdate

# A pane's line: cells 0-1 "▏ " (border and padding), 2-3 "漢", 4-5 "字", 6-7 "ok".
PANE = Strip([Segment("▏"), Segment(" "), Segment("漢字"), Segment("ok")])


def _drawn(update: LineUpdate) -> str:
    console = Console(width=20, color_system=None, force_terminal=True, legacy_windows=False)
    return update.render_segments(console)


def _beside_a_bar(*spans: tuple[int, int, int]) -> LineUpdate:
    """The pane, then a scrollbar cell at 8."""
    update = LineUpdate([], list(spans), [[8, 9]])
    update.chops = [{0: (0, PANE), 8: (8, Strip([Segment("#")]))}]
    return update


def _under_a_popup(*spans: tuple[int, int, int]) -> LineUpdate:
    """The pane with a widget in front of it over cells 4-5: the pane fills cuts 0 and 6."""
    update = LineUpdate([], list(spans), [[4, 6, 8]])
    update.chops = [{0: (0, PANE), 4: (4, Strip([Segment("@@")])), 6: (0, PANE)}]
    return update


def test_a_span_inside_a_widget_sends_from_the_segment_that_holds_its_start() -> None:
    # Only cells 3-7 changed: the border and padding segments are not sent; the segment that
    # holds cell 3 is sent whole from its start (cell 2), so no character is split.
    assert _drawn(_beside_a_bar((0, 3, 8))) == "\x1b[1;3H漢字ok"


def test_a_span_over_the_whole_line_sends_every_widget_whole() -> None:
    assert _drawn(_beside_a_bar((0, 0, 9))) == "\x1b[1;1H▏ 漢字ok\x1b[1;9H#"


def test_a_widget_starting_where_the_span_ends_is_not_sent() -> None:
    assert _drawn(_beside_a_bar((0, 6, 8))) == "\x1b[1;7Hok"


def test_what_a_widget_in_front_covers_is_not_sent_from_the_one_behind() -> None:
    assert _drawn(_under_a_popup((0, 0, 8))) == "\x1b[1;1H▏ 漢\x1b[1;5H@@\x1b[1;7Hok"
    # From cell 5: the front widget's segment from its start; the pane resumes at its cut.
    assert _drawn(_under_a_popup((0, 5, 8))) == "\x1b[1;5H@@\x1b[1;7Hok"
    # A segment of the pane that starts under the front widget is split at the cut after it.
    wide = Strip([Segment("▏ "), Segment("abcdef")])
    update = LineUpdate([], [(0, 6, 8)], [[4, 6, 8]])
    update.chops = [{0: (0, wide), 4: (4, Strip([Segment("@@")])), 6: (0, wide)}]
    assert _drawn(update) == "\x1b[1;7Hef"
