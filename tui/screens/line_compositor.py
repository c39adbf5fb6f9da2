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

What it sends is cut to the changed spans on the left too (`LineUpdate`): Textual sends a
widget's line from the widget's left edge even when only its content changed, so every line of
a cursor move carried the abstract pane's border and padding again (a fifth of its bytes).
The cut falls between segments, never inside a character.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import pairwise
from typing import cast

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.control import Control
from rich.segment import Segment
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
        return LineUpdate(chops, spans, chop_ends)

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


class LineUpdate(ChopsUpdate):
    """A partial update that sends, of each widget's line, only the segments the changed
    spans cover (Textual's `ChopsUpdate` sends them from the widget's left edge)."""

    def _pieces(self) -> Iterator[tuple[int, int, Strip | None]]:
        """(y, x, strip) for each piece to draw, and (y, -1, None) to end a span's line."""
        last_y = self.spans[-1][0]
        for y, x1, x2 in self.spans:
            for end, (x, strip) in zip(self.chop_ends[y], self.chops[y].items(), strict=False):
                if strip is None or x >= x2 or end <= x1:
                    continue
                if x < x1:
                    x, strip = _from_segment_at(strip, x, x1)
                if end > x2:
                    strip = strip.crop(0, x2 - x)
                yield y, x, strip
            if y != last_y:
                yield y, -1, None

    def render_segments(self, console: Console) -> str:
        out: list[str] = []
        for y, x, strip in self._pieces():
            if strip is None:
                out.append("\n")
            else:
                out.append(Control.move_to(x, y).segment.text)
                out.append(strip.render(console))
        return "".join(out)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for y, x, strip in self._pieces():
            if strip is None:
                yield Segment.line()
            else:
                yield Control.move_to(x, y).segment
                yield from strip


def _from_segment_at(strip: Strip, x: int, at: int) -> tuple[int, Strip]:
    """`strip` (drawn from column `x`) from the segment that holds column `at` on, and where
    that segment starts."""
    segments = list(strip)
    for index, segment in enumerate(segments):
        width = cell_len(segment.text)
        if x + width > at:
            return x, Strip(segments[index:])
        x += width
    return x, Strip([])


def _runs(lines: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted line numbers as (first, count) runs of consecutive lines."""
    runs: list[tuple[int, int]] = []
    for y in lines:
        if runs and runs[-1][0] + runs[-1][1] == y:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((y, 1))
    return runs
