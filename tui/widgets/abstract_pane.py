"""The abstract pane: everything known about the paper under the cursor, ready to read.

Title, authors, the facts `tui.facts` states (arXiv id and version, dates, upvotes, comments,
code link, project page, status, tags, note; the same lines `paperdeck show` prints), then the
abstract and the AI summary. The pane styles them; it receives a Paper and its State and builds
`Content` from plain strings (never markup), so hostile text shows literally. `enter` on the
list focuses it for scrolling; the screen sends focus back on `esc`.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from tui.facts import paper_facts
from tui.models import Paper, State
from tui.widgets.scrolling import set_scroll_height
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
      changes the status line; the blank lines under a short abstract stay as they are).

    `esc` hands focus back to the list (the screen's `back` binding).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="abstract_down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="abstract_up"),
    ]

    WRAPPED_KEPT = 16
    """How many papers' wrapped lines are kept (a few keys back and forth)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.paper_id: str | None = None
        self._shown: tuple[Paper | None, State | None] = (None, None)
        self.content: Content = describe_paper(None, None)
        self._strips: list[Strip] = []
        self._blank = Strip.blank(0)
        self._wrapped_at = -1
        self._wrapped: LRUCache[tuple[str | None, int], tuple[Content, list[Strip]]] = LRUCache(
            self.WRAPPED_KEPT
        )

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
        kept = self._wrapped.get((paper.id, width))
        if width > 0 and (kept is None or not kept[0].is_same(content)):
            self._wrapped[(paper.id, width)] = (content, self._wrapped_lines(content, width))

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
        if len(changed) == height:
            self.refresh()  # one region, not a region per line
            return
        for y in changed:
            self.refresh(Region(0, y, self.size.width, 1))  # content coordinates

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            self._strips, self._wrapped_at = [], -1
            return
        key = (self.paper_id, width)
        kept = self._wrapped.get(key)
        if kept is not None and kept[0].is_same(self.content):
            self._strips = kept[1]
        else:
            self._strips = self._wrapped_lines(self.content, width)
            self._wrapped[key] = (self.content, self._strips)
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
        self._wrap()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._wrapped.clear()
        self._wrapped_at = -1

    def render_line(self, y: int) -> Strip:
        if self._wrapped_at < 0 or self._wrapped_at != self.scrollable_content_region.width:
            self._wrap()
        index = round(self.scroll_y) + y
        if 0 <= index < len(self._strips):
            return self._strips[index]
        return self._blank
