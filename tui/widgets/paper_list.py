"""The list pane: a virtual list of papers drawn one line at a time (Textual's line API).

`ListView`, `DataTable` and `OptionList` build an object per row and take seconds to fill at
100k papers; this widget keeps only a list of ids and renders the handful of visible rows on
demand, so filling 100k rows costs no more than filling 100. It knows models (Paper, State)
and never the store: the screen sets rows, papers, states and marks; the widget posts
`CursorMoved` when the paper under the cursor changes.

Only the lines that changed are repainted: the widget remembers what each visible line last
drew (its key: paper, revision, highlights, cursor, mark) and, when rows, marks, states or the
cursor change, asks Textual to repaint just the lines whose key differs. A cursor move repaints
two lines; a new page of results every line; the rest of a long result arriving, none.

Every piece of paper text becomes a `Segment` of plain text with a style, never markup, so a
title such as `[bold]x[/]` is shown as typed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import ClassVar, Self

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.facts import first_authors
from tui.models import DEFAULT_STATE, Paper, State
from tui.widgets.kept import Kept
from tui.widgets.scrolling import refresh_lines, set_scroll_height
from tui.widgets.segments import merge_alike
from tui.widgets.text import safe_text

TitleSpans = Mapping[str, Sequence[tuple[int, int]]]
"""paper id -> (start, end) ranges of its title to highlight: data the screen hands down (the
search computes it in its worker), read as rows are drawn."""


STATUS_GLYPHS: Mapping[str, str] = {"inbox": " ", "later": "◆", "done": "✓", "skipped": "✗"}
"""One cell per status, shown after the star so a decision is visible in the row."""


NOTE_GLYPH = "✎"
"""Shown before a row's tags when the paper has a note."""


def _fit(segments: list[Segment], width: int, pad_style: Style | None = None) -> Strip:
    """Crop or pad a run of segments to exactly `width` cells (an ellipsis marks a cut)."""
    strip = Strip(segments)
    if strip.cell_length > width >= 1:
        strip = Strip.join([strip.crop(0, width - 1), Strip([Segment("…", pad_style)])])
    return strip.adjust_cell_length(width, pad_style)


class PaperList(ScrollView, can_focus=True):
    """One row per paper: cursor, mark, star, status, title (matches highlighted), authors, date,
    upvotes, tags."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="up"),
        Binding("g,home", "cursor_first", "First", show=False, id="first"),
        Binding("G,end", "cursor_last", "Last", show=False, id="last"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding(
            "enter",
            "activate",
            "Read",
            tooltip="Read the abstract (esc back)",
            id="read",
            show=False,
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paper-list--cursor",
        "paper-list--cursor-blurred",
        "paper-list--marked",
        "paper-list--match",
        "paper-list--star",
        "paper-list--status",
        "paper-list--settled",
        "paper-list--meta",
        "paper-list--upvotes",
        "paper-list--tags",
        "paper-list--empty",
    }

    cursor: reactive[int] = reactive(0, repaint=False, init=False)
    busy: reactive[bool] = reactive(False)
    """True while the library loads: the list says so on its first line. (Drawn by the list
    itself rather than Textual's `loading` overlay, whose indicator could outlive a load that
    finished within a frame.)"""
    """Index of the cursor row in `rows`."""

    class CursorMoved(Message):
        """The paper under the cursor changed (None when the list is empty)."""

        def __init__(self, paper_list: PaperList, paper_id: str | None) -> None:
            super().__init__()
            self.paper_list = paper_list
            self.paper_id = paper_id

        @property
        def control(self) -> PaperList:
            return self.paper_list

    class Activated(Message):
        """Enter was pressed on a row (the screen focuses the abstract pane)."""

        def __init__(self, paper_id: str) -> None:
            super().__init__()
            self.paper_id = paper_id

    def __init__(
        self,
        *,
        empty_message: str = "No papers match.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.empty_message = empty_message
        self._rows: Sequence[str] = ()
        # A tuple of strings: the collector stops tracking it at its first pass; a list of 100k
        # ids would be walked by every full collection.
        self._total = 0
        self._spans_generation = 0
        self._papers: Mapping[str, Paper] = {}
        self._states: Mapping[str, State] = {}
        self._title_spans: dict[str, Sequence[tuple[int, int]]] = {}
        self._marked: set[str] = set()
        self._revisions: dict[str, int] = {}
        self._line_cache: Kept[tuple[object, ...], Strip] = Kept(1024)
        self._drawn: dict[int, tuple[object, ...]] = {}
        """line y -> the key of what it last drew (with the scroll offset then)."""
        self._styles: dict[str, Style] = {}
        self._last_posted: str | None = None

    # -- data in ------------------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[str]:
        """The ids shown, in order."""
        return self._rows

    @property
    def marked(self) -> frozenset[str]:
        """The marked ids (marks survive re-filtering)."""
        return frozenset(self._marked)

    @property
    def current_id(self) -> str | None:
        """The id under the cursor, or None when the list is empty."""
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor]
        return None

    def set_papers(self, papers: Mapping[str, Paper], states: Mapping[str, State]) -> None:
        """Give the catalog and the user's states (read only; the screen owns them)."""
        self._papers = papers
        self._states = states
        self._line_cache.clear()
        self.refresh()

    @property
    def total(self) -> int:
        """How many rows the list has (some may not be loaded yet, see `complete`)."""
        return max(self._total, len(self._rows))

    @property
    def complete(self) -> bool:
        """True when every row's id is known."""
        return len(self._rows) >= self._total

    def set_rows(
        self,
        rows: Sequence[str],
        title_spans: TitleSpans | None = None,
        *,
        keep: str | None = None,
        total: int | None = None,
    ) -> None:
        """Show `rows` (the first `total` rows, when more are coming: see `complete_rows`),
        titles highlighted by `title_spans` (more may follow: `add_title_spans`); keep the
        cursor on `keep` (an id) when it is still there, else on row 0."""
        self._rows = _held(rows)
        self._total = len(self._rows) if total is None else total
        if title_spans or self._title_spans:
            self._spans_generation += 1  # highlights changed: cached lines are stale
        self._title_spans = dict(title_spans or {})
        index = 0
        if keep is not None:
            try:
                index = self._rows.index(keep)
            except ValueError:
                index = 0
        set_scroll_height(self, self.size.width, self.total)
        self.set_reactive(PaperList.cursor, index)
        self._scroll_cursor_into_view(center=True)
        self._refresh_changed()
        self._post_cursor(force=True)

    def complete_rows(self, rows: Sequence[str]) -> None:
        """The full list whose first rows `set_rows` showed (same order, so the cursor stays)."""
        self._rows = _held(rows)
        self._total = len(self._rows)
        set_scroll_height(self, self.size.width, self._total)
        self._refresh_changed()  # only lines that said "…" change
        self._post_cursor()

    @property
    def title_spans(self) -> TitleSpans:
        """The highlights the list has been given for the rows it shows (read only)."""
        return self._title_spans

    def add_title_spans(self, title_spans: TitleSpans) -> None:
        """More highlights for the rows `set_rows` showed (their search computed them since)."""
        if not title_spans:
            return
        self._title_spans.update(title_spans)
        self._spans_generation += 1  # cached lines drawn without them are stale
        top = round(self.scroll_y)
        if any(pid in title_spans for pid in self._rows[top : top + self.size.height]):
            self.refresh()

    def set_marked(self, ids: Collection[str]) -> None:
        """Replace the set of marked ids."""
        self._marked = set(ids)
        self._refresh_changed()  # the mark is part of each line's key

    def refresh_papers(self, ids: Collection[str]) -> None:
        """Redraw the rows of these papers (their state changed)."""
        for paper_id in ids:
            self._revisions[paper_id] = self._revisions.get(paper_id, 0) + 1
        self._refresh_changed()

    # -- movement -----------------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        """Put the cursor on row `index` (clamped)."""
        if not self.total:
            return
        self.cursor = max(0, min(index, self.total - 1))

    def advance(self) -> None:
        """Move to the next row (a decision key acts then advances)."""
        self.move_to(self.cursor + 1)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_cursor_first(self) -> None:
        self.move_to(0)

    def action_cursor_last(self) -> None:
        self.move_to(self.total - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.size.height - 1))

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(1, self.size.height - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self._refresh_changed()
        self._post_cursor()

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        height = self.size.height
        if height <= 0:
            return
        top = round(self.scroll_y)
        if self.cursor < top or self.cursor >= top + height:
            target = self.cursor - height // 2 if center else self.cursor
            if not center and self.cursor >= top + height:
                target = self.cursor - height + 1
            self.scroll_to(y=max(0, target), animate=False, immediate=True)

    def _post_cursor(self, force: bool = False) -> None:
        current = self.current_id
        if force or current != self._last_posted:
            self._last_posted = current
            self.post_message(self.CursorMoved(self, current))

    def _refresh_changed(self) -> None:
        """Repaint the visible lines whose key differs from what they last drew."""
        height = self.size.height
        changed = [y for y in range(height) if self._drawn.get(y) != self._line_key(y)]
        refresh_lines(self, changed)

    def focus(self, scroll_visible: bool = True) -> Self:
        # Textual's focus() repaints the whole widget even when it has focus already (the
        # screen focuses the list after every view switch).
        if self.has_focus:
            return self
        return super().focus(scroll_visible)

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_y) + event.y
        if 0 <= index < self.total:
            self.focus()
            self.move_to(index)
            if event.chain == 2 and self.current_id is not None:
                self.post_message(self.Activated(self.current_id))

    def action_activate(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Activated(self.current_id))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self.total)
        self._line_cache.clear()
        self._drawn.clear()
        self._scroll_cursor_into_view()

    def on_focus(self) -> None:
        self._refresh_changed()

    def on_blur(self) -> None:
        self._refresh_changed()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._line_cache.clear()
        self._drawn.clear()

    # -- drawing ------------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"paper-list--{name}", partial=True)
            self._styles[name] = style
        return style

    def _row_style(self, name: str) -> Style:
        """A whole-row style (cursor, marked), its translucent background blended in."""
        key = f"row:{name}"
        found = self._styles.get(key)
        if found is None:
            found = self._styles[key] = self.get_component_rich_style(f"paper-list--{name}")
        return found

    def _line_key(self, y: int) -> tuple[object, ...]:
        """What line `y` of the pane shows now (equal keys draw equal lines at one width)."""
        top = round(self.scroll_y)
        index = top + y
        if not self._rows:
            if y == 0:
                return (top, "empty", self.busy, self.empty_message)
            return (top, "blank")
        if index >= len(self._rows):
            return (top, "more" if index < self._total else "blank")
        paper_id = self._rows[index]
        is_cursor = index == self.cursor
        return (
            top,
            "row",
            paper_id,
            self._revisions.get(paper_id, 0),
            self._spans_generation,
            is_cursor,
            is_cursor and self.has_focus,
            paper_id in self._marked,
        )

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self._styles.get("")
        if base is None:  # the widget's own style, looked up once per style change
            base = self._styles[""] = self.rich_style
        key = self._line_key(y)
        self._drawn[y] = key
        kind = key[1]
        if kind == "empty":
            text = "Loading the library…" if self.busy else safe_text(self.empty_message)
            return _fit([Segment(" " + text, self._style("empty"))], width, None).apply_style(base)
        if kind == "blank":
            return Strip.blank(width, base)
        if kind == "more":  # the rest of a long result is on its way
            return _fit([Segment("      …", self._style("meta"))], width).apply_style(base)
        cache_key = (*key[2:], width)
        strip = self._line_cache.get(cache_key)
        if strip is None:
            strip = self._render_row(str(key[2]), width, bool(key[5]), base)
            self._line_cache[cache_key] = strip
        return strip

    def _render_row(self, paper_id: str, width: int, is_cursor: bool, base: Style) -> Strip:
        """One row as a single Strip, built from plain-text segments (called per drawn row)."""
        paper = self._papers.get(paper_id)
        if paper is None:
            return Strip.blank(width, base)
        state = self._states.get(paper_id, DEFAULT_STATE)
        marked = paper_id in self._marked
        style = self._style
        row = base
        if marked:
            row = row + self._row_style("marked")
        if is_cursor:
            row = row + self._row_style("cursor" if self.has_focus else "cursor-blurred")
        settled = state.status in ("done", "skipped")
        title_style = row + style("settled") if settled else row
        meta = row + style("meta")

        date_w, votes_w = 11, 6
        rest = width - 6 - date_w - votes_w
        # Authors show from a ~47-column list (a 120-column terminal); the title gives way first.
        authors_w = min(24, max(12, rest // 4)) if rest >= 30 else 0
        main_w = max(8, rest - authors_w)
        # Tags follow the title inside its column, so they only take room where there are some.
        tags = safe_text(" ".join(f"#{t}" for t in state.tags))
        if state.note:
            tags = f"{NOTE_GLYPH} {tags}".rstrip()
        tags_w = min(cell_len(tags) + 1, main_w * 2 // 5) if tags else 0

        segments = [
            Segment("▸" if is_cursor else " ", row),
            Segment("●" if marked else " ", row),
            Segment("★ " if state.starred else "  ", row + style("star")),
            Segment(STATUS_GLYPHS.get(state.status, " ") + " ", row + style("status")),
        ]
        segments += self._title_segments(paper, main_w - tags_w, title_style, style("match"))
        if tags_w:
            segments.append(Segment(_cells(" " + tags, tags_w), row + style("tags")))
        if authors_w:
            segments.append(
                Segment(_cells(" " + safe_text(first_authors(paper.authors)), authors_w), meta)
            )
        date = safe_text(paper.date or "")[:10]
        segments.append(Segment(" " + date.rjust(10), meta))
        votes = f"▲{paper.upvotes}" if paper.upvotes is not None else ""
        segments.append(
            Segment(votes.rjust(votes_w - 1)[-(votes_w - 1) :] + " ", row + style("upvotes"))
        )
        return Strip(merge_alike(segments)).adjust_cell_length(width, row)

    def _title_segments(
        self, paper: Paper, width: int, style: Style, match_style: Style
    ) -> list[Segment]:
        """The title cut or padded to `width` cells, matched characters in `match_style`."""
        title = safe_text(paper.title)
        if cell_len(title) > width:
            shown = set_cell_size(title, max(0, width - 1))
            tail = "…"
        else:
            shown, tail = title, ""
        limit = min(len(shown), len(title))
        match = style + match_style
        segments: list[Segment] = []
        position = 0
        for start, end in sorted(self._title_spans.get(paper.id, ())):
            start, end = max(start, position), min(end, limit)
            if start >= end:
                continue
            if start > position:
                segments.append(Segment(shown[position:start], style))
            segments.append(Segment(shown[start:end], match))
            position = end
        segments.append(Segment(shown[position:] + tail, style))
        used = cell_len(shown) + len(tail)
        if used < width:
            segments.append(Segment(" " * (width - used), style))
        return segments


def _held(rows: Sequence[str]) -> Sequence[str]:
    """Rows as the list keeps them: a list copied to a tuple (its owner may change it), any other
    sequence as it is. A search's every row comes as `tui.query.results.PaperIds` (numbers in an
    array, which no garbage collection walks); a tuple of 100k ids would cost every young
    collection it is in 10-20 ms."""
    return tuple(rows) if isinstance(rows, list) else rows


def _cells(text: str, width: int) -> str:
    """`text` cut (with an ellipsis) or padded to exactly `width` cells."""
    if cell_len(text) > width:
        return set_cell_size(text, max(0, width - 1)) + "…" if width else ""
    return set_cell_size(text, width)
