"""The abstract pane: everything known about the paper under the cursor, ready to read.

Title, authors, the facts `tui.facts` states (arXiv id and version, dates, upvotes, comments,
code link, project page, status, tags, note; the same lines `paperdeck show` prints), then the
abstract and the AI summary. The pane styles them; it receives a Paper and its State and builds
`Content` from plain strings (never markup), so hostile text shows literally. `enter` on the
list focuses it for scrolling; the screen sends focus back on `esc`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events
from textual._styles_cache import StylesCache
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.filter import LineFilter
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

from tui.facts import paper_facts
from tui.models import Paper, State
from tui.widgets.kept import Kept
from tui.widgets.scrolling import refresh_lines, set_scroll_height
from tui.widgets.text import safe_text


def describe_paper(paper: Paper | None, state: State | None, why: str | None = None) -> Content:
    """The pane's text for one paper (plain text + styles, control characters stripped);
    `why`: why a ranked paper is where it is (`★ for you: +diffusion −survey`)."""
    if paper is None:
        return Content.styled("No paper selected.", "$text-muted")
    state = state or State()
    parts: list[str | tuple[str, str] | Content] = [
        (safe_text(paper.title), "bold $text-primary"),
        "\n",
    ]
    if paper.authors:
        parts += [(safe_text(", ".join(paper.authors)), "$text-secondary"), "\n"]

    for label, value in paper_facts(paper, state, max_categories=4):
        parts += [*_styled_fact(label, value), "\n"]
    if why:
        parts += [("why ", "bold"), (safe_text(why), "$text-warning"), "\n"]

    parts.append("\n")
    parts.append(safe_text(paper.abstract, keep_newlines=True) or "(no abstract)")
    if paper.ai_summary:
        parts += ["\n\n", ("AI summary ", "bold"), (safe_text(paper.ai_summary), "$text-muted")]
    return Content.assemble(*parts)


_LABELS: dict[str, tuple[str, str]] = {
    "code": ("code ", ""),
    "project": ("project ", ""),
    "tags": ("tags: ", "$text-success"),
    "note": ("note: ", "italic"),
}
"""How the pane shows a labelled fact: the label's text (in bold), then the value's style."""


def _styled_fact(label: str, value: str) -> list[str | tuple[str, str]]:
    if label == "":
        return [(safe_text(value), "$text-muted")]
    if label == "status":
        return [(safe_text(f"status: {value}"), "$text-accent")]
    shown, style = _LABELS.get(label, (f"{label}: ", ""))
    text = safe_text(value, keep_newlines=label == "note")
    return [(shown, "bold"), (text, style) if style else text]


class AbstractPane(ScrollView, can_focus=True):
    """A scrollable view of one paper, drawn with the line API.

    Following the cursor must not re-layout the screen (a `Static.update` does, and then every
    pane repaints), and should repaint no more than changed:

    * the text is wrapped once per paper, state and width; the last few wrappings are kept, so
      going back to a paper (k after j, or the store confirming a key) wraps nothing, and the
      screen has the next row's paper wrapped ahead (`prepare`) once a move is on screen;
    * a paper shown again with the same text repaints nothing;
    * otherwise only the visible lines that differ from what is on screen are repainted (a star
      changes the status line; the blank lines under a short abstract stay as they are);
    * the prepared paper's lines are also put through Textual's style pipeline ahead (padding,
      border, background: Textual's `StylesCache`, which costs about as much as the wrapping,
      ~0.1 ms a line, and whose own cache holds only what is on screen): painting it, at the
      top of the pane, then takes its finished lines (`render_lines`). A few are kept.

    `esc` hands focus back to the list (the screen's `back` binding).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="abstract_down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="abstract_up"),
    ]

    WRAPPED_KEPT = 16
    """How many wrapped versions of papers are kept (a few keys back and forth, a star and unstar)."""

    FINISHED_KEPT = 4
    """How many papers' finished lines (styled, the whole pane) are kept."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.paper_id: str | None = None
        self._shown: tuple[Paper | None, State | None] = (None, None)
        self.content: Content = describe_paper(None, None)
        self._strips: list[Strip] = []
        self._blank = Strip.blank(0)
        self._wrapped_at = -1
        self._wrapped: Kept[tuple[str | None, int, str], tuple[Content, list[Strip]]] = Kept(
            self.WRAPPED_KEPT
        )
        """(paper id, width, plain text) -> (the content, its wrapped lines): a paper starred
        and unstarred again finds both versions."""
        self._finished: Kept[int, tuple[list[Strip], Region, list[Strip]]] = Kept(
            self.FINISHED_KEPT
        )
        """id(wrapped lines) -> (those lines, the pane's region size, the pane's finished lines
        showing them from the top, before the app's line filters)."""
        self._finishing = False
        self._finishing_cache = StylesCache()
        """The styles cache `_finish` renders through: one for the widget's life (Textual's
        `StylesCache.get_inner_outer` is an `lru_cache` keyed by the instance, so a fresh one per
        paper stayed alive there with all its lines: 1024 of them, tens of MB, after a while)."""

    def show(self, paper: Paper | None, state: State | None, why: str | None = None) -> None:
        """Show `paper` (scrolling back to the top when it is a different paper)."""
        new_id = paper.id if paper else None
        self._shown = (paper, state)
        self._show_content(new_id, describe_paper(paper, state, why))

    def prepare(self, paper: Paper, state: State | None) -> None:
        """Wrap `paper`'s text now, while nothing waits, so that showing it next is instant
        (the screen prepares the next row's paper once a move is on screen)."""
        width = self.scrollable_content_region.width
        content = describe_paper(paper, state)
        key = (paper.id, width, content.plain)
        kept = self._wrapped.get(key)
        if width > 0 and (kept is None or not kept[0].is_same(content)):
            kept = (content, self._wrapped_lines(content, width))
            self._wrapped[key] = kept
        if kept is not None:
            self._finish(kept[1])

    def show_why(self, paper_id: str, why: str) -> None:
        """Add the why line, if the pane still shows `paper_id`."""
        if paper_id == self.paper_id:
            paper, state = self._shown
            self._show_content(paper_id, describe_paper(paper, state, why))

    def _show_content(self, paper_id: str | None, content: Content) -> None:
        width = self.scrollable_content_region.width
        same_paper = paper_id == self.paper_id
        if same_paper and self._wrapped_at == width > 0 and content.is_same(self.content):
            return  # the same text: nothing on screen changes
        before, top = self._strips, round(self.scroll_y)
        if not same_paper:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.paper_id = paper_id
        self.content = content
        self._wrap()
        if round(self.scroll_y) != top or self._wrapped_at < 0:
            self.refresh()  # scrolled: every line moves anyway
            return
        self._refresh_changed(before, top)

    def _refresh_changed(self, before: list[Strip], top: int) -> None:
        """Repaint the visible lines that differ from `before` (the lines shown from `top`)."""
        after = self._strips
        height = self.scrollable_content_region.height
        changed = [
            y
            for y in range(height)
            if (before[top + y] if top + y < len(before) else None)
            != (after[top + y] if top + y < len(after) else None)
        ]
        refresh_lines(self, changed)

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            self._strips, self._wrapped_at = [], -1
            return
        key = (self.paper_id, width, self.content.plain)
        kept = self._wrapped.get(key)
        if kept is not None and kept[0].is_same(self.content):
            self._strips = kept[1]
        else:
            self._strips = self._wrapped_lines(self.content, width)
            self._wrapped[key] = (self.content, self._strips)
        if self._blank.cell_length != width:  # the style's blank line (reset on a restyle)
            self._blank = Strip.blank(width, self.rich_style)
        self._wrapped_at = width
        set_scroll_height(self, width, len(self._strips))

    def _wrapped_lines(self, content: Content, width: int) -> list[Strip]:
        base = self.rich_style
        return [
            strip.crop_extend(0, width, base).apply_style(base)
            for strip in Visual.to_strips(self, content, width, None, self.visual_style)
        ]

    def on_resize(self, event: events.Resize) -> None:
        self._wrapped.clear()
        self._finished.clear()
        self._wrap()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._wrapped.clear()
        self._finished.clear()
        self._wrapped_at = -1
        self._blank = Strip.blank(0)

    def _finish(self, strips: list[Strip]) -> None:
        """Put the whole pane showing `strips` (wrapped lines) from the top through Textual's
        style pipeline now, into a cache of its own, and keep the finished lines."""
        region = Region(0, 0, *self.region.size)
        kept = self._finished.get(id(strips))
        if not region or (kept is not None and kept[0] is strips and kept[1] == region):
            return
        shown, cache = self._strips, self._styles_cache
        finishing = self._finishing_cache
        finishing.clear()  # renders every line anew, as a fresh cache would
        self._strips, self._styles_cache, self._finishing = strips, finishing, True
        try:
            lines = Widget.render_lines(self, region)
        finally:
            self._strips, self._styles_cache, self._finishing = shown, cache, False
            finishing.clear()
        self._finished[id(strips)] = (strips, region, lines)
        # The app's line filters as they stand now, worked out ahead too: each line keeps its
        # filtered copy, which `render_lines` then finds instead of filtering at show time.
        filters = self.get_line_filters()
        if filters:
            background = self.background_colors[1]
            for line in lines:
                filtered = line
                for line_filter in filters:
                    filtered = filtered.apply_filter(line_filter, background)

    def get_line_filters(self) -> Sequence[LineFilter]:
        # Finished lines are kept before the app's filters, which can change (dimming when the
        # terminal loses focus): `render_lines` applies them as Textual would.
        return () if self._finishing else super().get_line_filters()

    def render_lines(self, crop: Region) -> list[Strip]:
        kept = self._finished.get(id(self._strips)) if round(self.scroll_y) == 0 else None
        if kept is None or kept[0] is not self._strips or kept[1].size != self.region.size:
            return super().render_lines(crop)
        lines = kept[2][crop.y : crop.bottom]
        filters = self.get_line_filters()
        if filters:
            background = self.background_colors[1]
            for line_filter in filters:
                lines = [line.apply_filter(line_filter, background) for line in lines]
        if crop.column_span != (0, kept[1].width):
            x1, x2 = crop.column_span
            lines = [line.crop(x1, x2) for line in lines]
        return lines

    def render_line(self, y: int) -> Strip:
        if self._finishing:  # see `_finish`: the lines it was given, from the top
            return self._strips[y] if y < len(self._strips) else self._blank
        if self._wrapped_at < 0 or self._wrapped_at != self.scrollable_content_region.width:
            self._wrap()
        index = round(self.scroll_y) + y
        if 0 <= index < len(self._strips):
            return self._strips[index]
        return self._blank
