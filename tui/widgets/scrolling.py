"""Changing how far a line-API pane scrolls without re-laying out the screen, and repainting
only the cells of its scrollbar that change.

Assigning `virtual_size` asks Textual for a layout, and a layout repaints every pane: ~20 ms at
160x48, on every cursor move (the abstract's length changes) and every filter keystroke (the
number of rows changes). These panes always show their vertical scrollbar (`overflow-y: scroll`
in styles/), so nothing around them moves when the scroll height changes: set the size without
the layout and give the (public) scrollbar widget its new extent. The pane itself is not
repainted here: its owner repaints the lines that changed.

Textual repaints a scrollbar whole whenever one of its numbers changes: every line of it goes
through the widget's style pipeline, ~5 ms a cursor move at 160x48 on a loaded machine, even when
the bar looks the same (an abstract that fits shows no thumb, whatever its length). So the new
extent is given to the bar silently, and only the cells whose glyph or style differ (the ends of
a thumb that grew or moved) are repainted.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import zip_longest
from math import ceil

from rich.segment import Segment
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.widget import Widget


def set_scroll_height(view: ScrollView, width: int, height: int) -> None:
    """Make `view` scroll over `height` lines (the scrollbar repaints what changed; the view
    does not)."""
    size = Size(width, height)
    if size == view.virtual_size:
        return
    if not view.is_mounted or not view.size.height:
        view.virtual_size = size  # not laid out yet: the first layout sets everything up
        return
    view.set_reactive(ScrollView.virtual_size, size)
    _set_bar_extent(view.vertical_scrollbar, height, view.scrollable_content_region.height)
    if view.scroll_y > view.max_scroll_y:
        view.scroll_to(y=view.max_scroll_y, animate=False, immediate=True)


def refresh_lines(widget: Widget, lines: Sequence[int]) -> None:
    """Repaint these lines of `widget` (content coordinates), in one call with a region per
    line (each call works out the widget's geometry again). Only the content's cells are
    repainted, even when every line changed: the border, padding and scrollbar beside them
    did not, and sending them again was a third of a cursor move's bytes to the terminal."""
    if lines:
        width = widget.scrollable_content_region.width
        widget.refresh(*[Region(0, y, width, 1) for y in lines])


def _set_bar_extent(bar: ScrollBar, virtual: int, window: int) -> None:
    """Give `bar` its new extent, repainting only the cells that look different."""
    before = bar_cells(bar)
    bar.set_reactive(ScrollBar.window_virtual_size, virtual)
    bar.set_reactive(ScrollBar.window_size, window)
    after = bar_cells(bar)
    width = bar.size.width
    changed = [
        Region(0, y, width, 1)
        for y, (old, new) in enumerate(zip_longest(before, after))
        if old != new
    ]
    if changed:
        bar.refresh(*changed)


def bar_cells(bar: ScrollBar) -> list[Segment]:
    """What each line of a vertical scrollbar shows, as its renderer draws it (default colours:
    only the thumb's place matters, the colours are the same before and after)."""
    virtual = bar.window_virtual_size
    window = bar.window_size if bar.window_size < virtual else 0
    bars = bar.renderer.render_bar(
        size=bar.size.height,
        virtual_size=ceil(virtual),
        window_size=ceil(window),
        position=bar.position,
        thickness=bar.thickness,
        vertical=True,
    )
    return list(bars.segments)
