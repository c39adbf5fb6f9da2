"""Holding a widget's repaint back for a moment, so that it lands in the same frame as the
change it belongs with.

Textual paints on a 60 Hz timer that, after an idle spell, paints the first change at once and
the next one 17–33 ms later. A small change made at the key (the typed character, the sidebar's
highlight moving to another view) would take that first frame and push the change the key is
for (the results, ready a few ms later in a worker) to the next one. A widget that holds its
repaint does not take the frame: it repaints when the screen says the results are in
(`release_repaint`) or after HOLD seconds, whichever comes first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from textual.geometry import Region
from textual.widget import Widget

if TYPE_CHECKING:
    _Mixin = Widget
else:
    # Not a Widget at run time: Textual follows a widget's first DOM base for its CSS, bindings
    # and component classes, so `class X(HeldRepaint, Input)` stays an Input in every way.
    _Mixin = object


class HeldRepaint(_Mixin):
    """Mixed into a widget (first among its bases), makes its repaints holdable (see the
    module docstring). Layouts and recomposes are never held; a held repaint redraws the whole
    widget when released."""

    HOLD = 0.025
    """Longest a repaint is held (seconds)."""

    _holding = False  # class defaults: Widget's __init__ may already refresh
    _held = False

    def hold_repaint(self) -> None:
        """Hold repaints from now until `release_repaint` or HOLD seconds."""
        if self.is_mounted and not self._holding:
            self._holding = True
            self.set_timer(self.HOLD, self.release_repaint)

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if self._holding and not layout and not recompose:
            self._held = True
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def release_repaint(self) -> None:
        """Repaint now what was held (nothing when nothing was)."""
        if not self._holding:
            return
        self._holding = False
        if self._held:
            self._held = False
            self.refresh()
