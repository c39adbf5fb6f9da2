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
The cut falls between segments, never inside a character, and the cut pieces are sent in
as few styled runs as they look (`tui.widgets.segments`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise

from rich.cells import cell_len
from rich.color import ColorSystem
from rich.console import Console, ConsoleOptions, RenderResult
from rich.control import Control
from rich.segment import Segment
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip

from tui.widgets.segments import merge_alike


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
        update = LineUpdate([], spans, [cut_set[1:] for cut_set in self.cuts])
        update.chops = self._render_span_chops(spans)
        return update

    def _render_span_chops(
        self, spans: Sequence[tuple[int, int, int]]
    ) -> list[dict[int, Line | None]]:
        """What fills each cut of `spans`' lines: Textual's `_render_chops`, with each widget
        asked only for the lines of it that a span crosses, and each line kept whole with the
        column it starts at (the pieces sent are cut from it when the update is written)."""
        cuts = self.cuts
        chops: list[dict[int, Line | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
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
                    line = (left, strip)
                    for cut in cuts[y]:
                        if left <= cut < right and chops_line.get(cut, line) is None:
                            chops_line[cut] = line  # a widget in front filled it first
        return chops


Line = tuple[int, Strip]
"""A widget's line and the screen column it starts at."""


class LineUpdate(ChopsUpdate):
    """A partial update that sends, of each widget's line, only the segments the changed
    spans cover (Textual's `ChopsUpdate` sends them from the widget's left edge).

    Its chops hold each cut's whole widget line and where it starts (`Line`), not a piece
    divided from it: only the pieces sent are cut, and a piece that is the whole line is sent
    from the line's own rendered text, which Textual keeps with it."""

    chops: list[dict[int, Line | None]]  # type: ignore[assignment]

    def _pieces(self) -> Iterator[tuple[int, int, Strip | list[Segment] | None]]:
        """(y, x, what to draw there) for each piece, and (y, -1, None) to end a span's line."""
        last_y = self.spans[-1][0]
        for y, x1, x2 in self.spans:
            for end, (cut, line) in zip(self.chop_ends[y], self.chops[y].items(), strict=False):
                if line is None or cut >= x2 or end <= x1:
                    continue
                x, strip = line
                start, stop = max(cut, x1), min(end, x2)
                if start == x and stop == x + strip.cell_length:
                    yield y, x, strip
                else:
                    yield y, *_segments_between(strip, x, cut, start, stop)
            if y != last_y:
                yield y, -1, None

    def render_segments(self, console: Console) -> str:
        out: list[str] = []
        color_system = console._color_system or ColorSystem.TRUECOLOR
        render_style = Strip.render_style
        for y, x, piece in self._pieces():
            if piece is None:
                out.append("\n")
                continue
            out.append(Control.move_to(x, y).segment.text)
            if isinstance(piece, Strip):
                out.append(piece.render(console))
            else:
                out.extend(
                    text if style is None else render_style(style, text, color_system=color_system)
                    for text, style, _ in merge_alike(piece, color_system)
                )
        return "".join(out)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for y, x, piece in self._pieces():
            if piece is None:
                yield Segment.line()
            else:
                yield Control.move_to(x, y).segment
                yield from (
                    piece
                    if isinstance(piece, Strip)
                    else merge_alike(piece, console._color_system or ColorSystem.TRUECOLOR)
                )


def _segments_between(
    strip: Strip, x: int, cut: int, start: int, stop: int
) -> tuple[int, list[Segment]]:
    """The segments of `strip` (drawn from column `x`) that cover columns `start` to `stop`
    of the piece beginning at `cut`, and the column they begin at. They begin with the
    segment holding `start` when it lies wholly inside the piece (its cells before `start`
    show what they already show: a character is never split there), else at `cut`, split
    as Textual divides a line; the last is split at `stop` as Textual crops."""
    out: list[Segment] = []
    pos = x
    begin = None
    for segment in strip:
        width = cell_len(segment.text)
        after = pos + width
        if after <= start:
            pos = after
            continue
        if pos >= stop:
            break
        if begin is None:
            if pos < cut:
                segment = segment.split_cells(cut - pos)[1]
                pos = cut
            begin = pos
        if after > stop:
            segment = segment.split_cells(stop - pos)[0]
        out.append(segment)
        pos = after
    return (begin if begin is not None else start), out


def _runs(lines: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted line numbers as (first, count) runs of consecutive lines."""
    runs: list[tuple[int, int]] = []
    for y in lines:
        if runs and runs[-1][0] + runs[-1][1] == y:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((y, 1))
    return runs
