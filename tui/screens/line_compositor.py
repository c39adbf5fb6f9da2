"""A compositor whose partial updates render only the screen lines that changed.

Textual's compositor answers a partial update (a few widgets' lines marked dirty) by taking the
rectangle around every dirty region and asking each widget it overlaps for all of that
widget's lines, then keeping only the lines of the changed spans. Most of those lines come
from the widgets' line caches, but each still goes through the line filters, and every kept
line is cut at every widget edge. A star at 100k papers dirties the header, one row, one
sidebar count and one abstract line: the rectangle spans all three panes, so 140 cached lines
were fetched and cut to repaint four (5 ms of a 12 ms key, 160x48). A cursor move repaints
the abstract pane whole, and the list and sidebar beside it were fetched too.

`LineCompositor` asks each widget only for its lines that a changed span crosses. Which widget
shows in each cell is decided exactly as Textual decides it (front to back, the first widget to
fill a cut keeps it), so what is painted is what the whole-screen render would paint; only the
work for cells nobody repaints is left out. Full updates (layout, resize) are Textual's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from typing import cast

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip


class LineCompositor(Compositor):
    """`Compositor` with partial updates that render only the lines that changed."""

    def render_partial_update(self) -> ChopsUpdate | None:
        update_regions = self._dirty_regions.copy()
        self._dirty_regions.clear()
        if not update_regions:
            return None
        screen = self.size.region
        spans = [
            (y, x1, x2)
            for y, x1, x2 in self._regions_to_spans(update_regions)
            if 0 <= y < screen.height
        ]
        if not spans:
            return None
        chops = self._render_span_chops(spans)
        chop_ends = [cut_set[1:] for cut_set in self.cuts]
        return ChopsUpdate(chops, spans, chop_ends)

    def _render_span_chops(
        self, spans: Sequence[tuple[int, int, int]]
    ) -> Sequence[Mapping[int, Strip]]:
        """The chops of `spans`' lines: Textual's `_render_chops`, with each widget asked only
        for the lines of it that a span crosses."""
        cuts = self.cuts
        fromkeys = cast("Callable[[list[int]], dict[int, Strip | None]]", dict.fromkeys)
        chops: list[dict[int, Strip | None]] = [fromkeys(cut_set[:-1]) for cut_set in cuts]
        wanted: dict[int, list[int]] = {}  # line -> the cuts whose piece a span covers
        for y, x1, x2 in spans:
            line_cuts = cuts[y]
            wanted.setdefault(y, []).extend(
                cut for cut, end in pairwise(line_cuts) if cut < x2 and end > x1
            )
        crop = Region.from_union([Region(x1, y, x2 - x1, 1) for y, x1, x2 in spans])
        for widget, (region, clip) in self.visible_widgets.items():  # front to back
            shown = region.intersection(clip)
            if not shown or not shown.overlaps(crop):
                continue
            left, right = shown.column_span  # widget (or clip) edges: cuts of every line
            top, bottom = max(shown.y, crop.y), min(shown.bottom, crop.bottom)
            lines = [
                y
                for y in range(top, bottom)
                if any(left <= cut < right and chops[y][cut] is None for cut in wanted.get(y, ()))
            ]
            for first, count in _runs(lines):
                strips = widget.render_lines(
                    Region(left - region.x, first - region.y, right - left, count)
                )
                for y, strip in zip(range(first, first + count), strips, strict=False):
                    chops_line = chops[y]
                    final_cuts = [cut for cut in cuts[y] if right >= cut >= left]
                    pieces = strip.divide([cut - left for cut in final_cuts[1:]])
                    for cut, piece in zip(final_cuts, pieces, strict=False):
                        if chops_line.get(cut) is None:  # a widget in front filled it first
                            chops_line[cut] = piece
        return cast("Sequence[Mapping[int, Strip]]", chops)


def _runs(lines: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted line numbers as (first, count) runs of consecutive lines."""
    runs: list[tuple[int, int]] = []
    for y in lines:
        if runs and runs[-1][0] + runs[-1][1] == y:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((y, 1))
    return runs
