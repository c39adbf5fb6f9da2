"""Changing how far a line-API pane scrolls without re-laying out the screen.

Assigning `virtual_size` asks Textual for a layout, and a layout repaints every pane: ~20 ms at
160x48, on every cursor move (the abstract's length changes) and every filter keystroke (the
number of rows changes). These panes always show their vertical scrollbar (`overflow-y: scroll`
in styles/), so nothing around them moves when the scroll height changes: set the size without
the layout and tell the (public) scrollbar widget its new extent. The pane itself is not
repainted here: its owner repaints the lines that changed.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_scroll_height(view: ScrollView, width: int, height: int) -> None:
    """Make `view` scroll over `height` lines (the scrollbar repaints; the view does not)."""
    size = Size(width, height)
    if size == view.virtual_size:
        return
    if not view.is_mounted or not view.size.height:
        view.virtual_size = size  # not laid out yet: the first layout sets everything up
        return
    view.set_reactive(ScrollView.virtual_size, size)
    bar = view.vertical_scrollbar
    bar.window_virtual_size = height
    bar.window_size = view.scrollable_content_region.height
    if view.scroll_y > view.max_scroll_y:
        view.scroll_to(y=view.max_scroll_y, animate=False, immediate=True)
