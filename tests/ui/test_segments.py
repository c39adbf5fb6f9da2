"""Lines are sent in as few styled runs as they look (tui.widgets.segments)."""

from __future__ import annotations

from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style

from tui.widgets.segments import merge_alike

ROW = Style(color="#e0e0e0", bgcolor="#121212")
STAR = Style(color="#ffa62b", bgcolor="#121212")


def _runs(segments: list[Segment]) -> list[tuple[str, Style | None]]:
    return [(segment.text, segment.style) for segment in segments]


def test_blanks_in_another_colour_join_the_run_before_them_and_same_styles_join() -> None:
    row = [Segment("▸", ROW), Segment(" ", ROW), Segment("  ", STAR), Segment("Title", ROW)]
    assert _runs(merge_alike(row)) == [("▸   Title", ROW)]
    # Text in another colour is its own run; a star is not a blank.
    assert _runs(merge_alike([Segment(" ", ROW), Segment("★ ", STAR), Segment("x", ROW)])) == [
        (" ", ROW),
        ("★ ", STAR),
        ("x", ROW),
    ]


def test_blanks_that_would_look_different_stay_apart() -> None:
    for blank in (
        Style(color="#e0e0e0", bgcolor="#0178d4"),  # another background
        Style(bgcolor="#121212", underline=True),  # an underline shows under blanks
        Style(bgcolor="#121212", reverse=True),
        Style(bgcolor="#121212", link="https://arxiv.org"),
        Style(bgcolor="#121212", meta={"@click": "app.bell"}),  # a click on them does something
    ):
        merged = merge_alike([Segment("text", ROW), Segment("   ", blank)])
        assert _runs(merged) == [("text", ROW), ("   ", blank)], blank
    assert _runs(merge_alike([Segment("a", None), Segment(" ", ROW)])) == [("a", None), (" ", ROW)]


def test_for_the_terminal_styles_that_send_the_same_codes_join() -> None:
    # Two shades one 256-colour code apart on this terminal, and a selection offset (meta,
    # which is not sent): one run when sent to a 256-colour terminal, two otherwise.
    text = Style(color="#e0e0e0", bgcolor="#1e1e1e", meta={"offset": (3, 9)})
    fill = Style(color="#e1e1e1", bgcolor="#1e1e1e")
    line = [Segment("abstract words", text), Segment("x", fill), Segment("   ", fill)]
    assert len(merge_alike(line)) == 2
    sent = merge_alike(line, ColorSystem.EIGHT_BIT)
    assert _runs(sent) == [("abstract wordsx   ", text)]
    assert len(merge_alike(line, ColorSystem.TRUECOLOR)) == 2  # #e0e0e0 and #e1e1e1 differ


def test_control_segments_are_kept_in_place() -> None:
    control = Segment("", None, [(1,)])
    merged = merge_alike([Segment("a", ROW), control, Segment("b", ROW)])
    assert _runs(merged) == [("a", ROW), ("", None), ("b", ROW)]
