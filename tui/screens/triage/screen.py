"""The triage screen: sidebar, filter bar, paper list and abstract pane, driven by the keyboard.

It draws first and loads after: the panes appear with a loading indicator, then the
`LibraryLoader` opens the library in thread workers (the start-up cache's page first). It owns
the conversation with the core — search in an exclusive thread worker, writes through the
`StoreWriter`, sync through the `SyncRunner` — and hands models to its widgets. A triage key
changes the in-memory snapshot at once (the row repaints in the same frame) and the store's
answer, when it arrives, replaces the guess.

Its jobs live beside it: the search in `searching`, decisions, marks and the keys that leave
the app in `triaging`, the footer's state in `footer`, the library's arrival in `arrival`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.actions import SetStatus, ToggleStar
from tui.messages import (
    LibraryFailed,
    LibraryLoaded,
    OthersChanged,
    PreviewLoaded,
    RankerReady,
    RowsCompleted,
    SearchFailed,
    SearchFinished,
    StatesChanged,
    StoreFailed,
    SyncFinished,
    SyncProgressed,
    TextsLoaded,
    TitlesHighlighted,
    WhyFound,
)
from tui.models import Paper, State
from tui.screens.line_compositor import LineCompositor
from tui.screens.triage.arrival import show_failure, show_preview, take_library
from tui.screens.triage.bindings import TRIAGE_BINDINGS
from tui.screens.triage.footer import action_available, in_declared_order, refresh_footer
from tui.screens.triage.loader import LibraryLoader
from tui.screens.triage.ranking import ScreenRanking
from tui.screens.triage.searching import ListSearch
from tui.screens.triage.sync_runner import SyncRunner
from tui.screens.triage.triaging import ListTriage
from tui.screens.triage.watch import LibraryWatch
from tui.screens.triage.writer import StoreWriter
from tui.snapshot import LibrarySnapshot
from tui.triage_session import TriageSession
from tui.views import INBOX, View
from tui.widgets import (
    AbstractPane,
    FilterBar,
    KeyFooter,
    PaperList,
    StatusHeader,
    SyncIndicator,
    ViewSidebar,
)

if TYPE_CHECKING:
    from tui.config import Config
    from tui.query import Searcher
    from tui.store import Library


class TriageScreen(Screen[None]):
    """The main screen of paperdeck."""

    AUTO_FOCUS = "#paper-list"
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Screen declares it as a plain attribute)
        (0, "-narrow"),
        (110, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012 (Screen declares it as a plain attribute)
        (0, "-short"),
        (20, "-tall"),
    ]

    BINDINGS = TRIAGE_BINDINGS

    # What the footer shows depends on these: each refreshes the bindings when it changes.
    loaded = var(False, bindings=True)
    """The library (or the start-up cache's page of it) is in."""
    partial = var(False, bindings=True)
    """The list shows a quick answer that has not looked in abstracts yet."""
    has_current = var(False, bindings=True)
    has_marks = var(False, bindings=True)
    syncing = var(False, bindings=True)

    def __init__(self, home: Path, config: Config | None = None) -> None:
        super().__init__(id="triage")
        self._compositor = LineCompositor()  # partial updates render only the changed lines
        self.home = home
        self.config = config
        self.library: Library | None = None
        self.triage = TriageSession()
        """Marks, targets and the optimistic snapshot (see `tui.triage_session`)."""
        self.searcher: Searcher | None = None
        self.writer: StoreWriter | None = None
        self.view: View = INBOX
        self.searching = ListSearch(self)
        self.triaging = ListTriage(self)
        self.new_since: str | None = None
        """Papers first seen after this time are `is:new` (from the library's meta)."""
        self.sync_runner = SyncRunner(self)
        self.results_ready = False
        """True once the list first showed results (from the start-up cache or a search)."""
        self.preview = False
        """True while the list shows the start-up cache's page and the catalog still loads."""
        self.loader = LibraryLoader(self, home, INBOX.query)
        self.watch_library = LibraryWatch(self)
        self.ranking = ScreenRanking(self)

    @property
    def snapshot(self) -> LibrarySnapshot | None:
        """The in-memory copy of the library the screen shows (None until it is loaded)."""
        return self.triage.snapshot

    @snapshot.setter
    def snapshot(self, snapshot: LibrarySnapshot | None) -> None:
        self.triage.snapshot = snapshot

    @property
    def marked(self) -> set[str]:
        """The marked papers (a bulk action's targets)."""
        return self.triage.marked

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's active bindings in the order they are declared: a key remapped in
        `[keymap]` keeps its place in the footer and help (Textual moves it to the end)."""
        return in_declared_order(super().active_bindings)

    @property
    def workers_busy(self) -> bool:
        """True while a store write, search, load, sync or export has not finished."""
        if self.loader.index_queued or (self.writer is not None and self.writer.busy):
            return True
        groups = ("load", "search", "sync", "export", "index", "watch", "rank", "why")
        return any(w.group in groups and not w.is_finished for w in self.workers)

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="header")
        with Horizontal(id="panes"):
            yield ViewSidebar(id="sidebar")
            with Vertical(id="centre"):
                yield FilterBar(id="filter-bar")
                yield PaperList(id="paper-list")
            yield AbstractPane(id="abstract")
        yield SyncIndicator(id="sync-indicator")
        yield KeyFooter(id="footer")

    @cached_property
    def paper_list(self) -> PaperList:
        return self.query_one("#paper-list", PaperList)

    @cached_property
    def abstract(self) -> AbstractPane:
        return self.query_one("#abstract", AbstractPane)

    @cached_property
    def sidebar(self) -> ViewSidebar:
        return self.query_one("#sidebar", ViewSidebar)

    @cached_property
    def filter_bar(self) -> FilterBar:
        return self.query_one("#filter-bar", FilterBar)

    @cached_property
    def header(self) -> StatusHeader:
        return self.query_one("#header", StatusHeader)

    def on_mount(self) -> None:
        self.paper_list.busy = True
        self.header.set_view(self.view.label, None, 0)
        # The abstract follows the cursor in the same frame as the list: a CursorMoved message
        # bubbling up arrives after the list has already repainted, a frame later.
        self.watch(self.paper_list, "cursor", self._cursor_changed, init=False)
        # Draw first, load after: the loader thread would compete with the first paint.
        self.call_after_refresh(self.reload_library)

    def reload_library(self) -> None:
        """Load the catalog (again, after a sync or another process's import: the view, the
        filter and the paper under the cursor stay)."""
        shown = self.snapshot.papers if self.snapshot is not None else ()
        self.loader.load(self.library, self.searcher, shown, preview=self.snapshot is None)

    # -- loading ------------------------------------------------------------------------------

    def on_texts_loaded(self, message: TextsLoaded) -> None:
        self.show_current()
        if self.filter_bar.text:
            self.searching.run()  # a filter answered before could not look in abstracts: now it can

    def on_library_failed(self, message: LibraryFailed) -> None:
        show_failure(self, message)

    def on_preview_loaded(self, message: PreviewLoaded) -> None:
        show_preview(self, message)

    def on_library_loaded(self, message: LibraryLoaded) -> None:
        take_library(self, message)

    # -- searching (the list's search lives in ListSearch) ------------------------------------

    def on_search_finished(self, message: SearchFinished) -> None:
        self.searching.finished(message)

    def on_rows_completed(self, message: RowsCompleted) -> None:
        self.searching.rows_completed(message)

    def on_titles_highlighted(self, message: TitlesHighlighted) -> None:
        self.searching.titles_highlighted(message)

    def on_search_failed(self, message: SearchFailed) -> None:
        self.searching.failed(message.message, message.position)

    def on_filter_bar_changed(self, message: FilterBar.Changed) -> None:
        self.searching.run()

    def on_filter_bar_done(self, message: FilterBar.Done) -> None:
        self.paper_list.focus()

    def on_view_sidebar_view_chosen(self, message: ViewSidebar.ViewChosen) -> None:
        self.view = message.view
        self.searching.run()
        self.paper_list.focus()

    def go_to_view(self, view: View) -> None:
        """Show a smart view or tag (the command palette's "go to tag", the keys 1-6)."""
        self.sidebar.choose(view)

    def action_show_view(self, key: str) -> None:
        self.go_to_view(View("smart", key))

    def action_refresh(self) -> None:
        """Search the view again: papers decided since leave it (the cursor moves on)."""
        self.searching.refresh()

    # -- cursor and panes ---------------------------------------------------------------------

    def _cursor_changed(self) -> None:
        if self.abstract.paper_id != self.paper_list.current_id:
            self.show_current()

    def on_paper_list_cursor_moved(self, message: PaperList.CursorMoved) -> None:
        if self.abstract.paper_id != message.paper_id:  # rows changed under the cursor
            self.show_current()
        self.refresh_availability()

    def on_paper_list_activated(self, message: PaperList.Activated) -> None:
        self.add_class("-reading")  # a short terminal shows the abstract in the list's place
        self.abstract.focus()

    def show_current(self) -> None:
        paper, state = self.current()
        self.abstract.show(paper, state)
        self.ranking.explain(paper.id if paper else None)
        self.call_after_refresh(self._prepare_next)

    def _prepare_next(self) -> None:
        """Wrap the next row's abstract while idle: `j` (and every decision key) then shows it
        without wrapping on the way to the screen."""
        rows, index = self.paper_list.rows, self.paper_list.cursor + 1
        if self.snapshot is not None and index < len(rows):
            # The frame just made is on its way to the terminal in Textual's writer thread,
            # which needs the GIL to write it: let it have it before the ~10 ms of Python
            # below (it waited up to a switch interval, 5 ms, for it).
            time.sleep(0)
            paper = self.snapshot.papers.get(rows[index])
            if paper is not None:
                self.abstract.prepare(paper, self.snapshot.state(paper.id))

    def current(self) -> tuple[Paper | None, State | None]:
        paper_id = self.paper_list.current_id
        if self.snapshot is None or paper_id is None:
            return None, None
        return self.snapshot.papers.get(paper_id), self.snapshot.state(paper_id)

    def show_panes(self) -> None:
        """The abstract, the counts, the header's view line and the footer, all up to date."""
        self.show_current()
        self.show_counts()
        self.show_view_counts()
        self.refresh_availability()

    def show_counts(self) -> None:
        if self.snapshot is None:
            return
        counts = self.snapshot.status_counts()
        self.header.set_counts(counts)
        self.sidebar.update_counts(counts, self.snapshot.tag_counts())

    def show_view_counts(self) -> None:
        self.header.set_view(
            self.view.label, self.paper_list.total, len(self.marked), partial=self.partial
        )

    def refresh_availability(self) -> None:
        """Bring the footer's reactives up to date (see `footer.refresh_footer`)."""
        refresh_footer(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action_available(self, action)

    # -- triage (the decisions and marks live in ListTriage) ---------------------------------

    def apply_states(self, states: Mapping[str, State]) -> None:
        """Put the store's states in (the writer's answers, other processes' changes)."""
        self.triaging.apply_states(states)

    def rename_tag(self, old: str, new: str) -> None:
        """Rename tag `old` everywhere (the palette asks for the name); follows it if shown."""
        self.triaging.rename_tag(old, new)

    def on_states_changed(self, message: StatesChanged) -> None:
        self.triaging.states_changed(message)

    def on_store_failed(self, message: StoreFailed) -> None:
        self.apply_states(message.states)
        self.app.notify(message.message, title="Not saved", severity="error", markup=False)

    def on_ranker_ready(self, message: RankerReady) -> None:
        self.ranking.ready(message)

    def on_why_found(self, message: WhyFound) -> None:
        self.abstract.show_why(message.paper_id, message.line)

    def on_others_changed(self, message: OthersChanged) -> None:
        self.watch_library.changed(message)

    def action_star(self) -> None:
        self.triaging.act(ToggleStar())

    def action_later(self) -> None:
        self.triaging.act(SetStatus("later"), advance=True)

    def action_done(self) -> None:
        self.triaging.act(SetStatus("done"), advance=True)

    def action_skip(self) -> None:
        self.triaging.act(SetStatus("skipped"), advance=True)

    def action_inbox(self) -> None:
        self.triaging.act(SetStatus("inbox"), advance=True)

    def action_tag(self) -> None:
        self.triaging.ask_tags()

    def action_note(self) -> None:
        self.triaging.ask_note()

    def action_mark(self) -> None:
        self.triaging.mark()

    def action_mark_all(self) -> None:
        self.triaging.mark_all()

    def action_clear_marks(self) -> None:
        self.triaging.clear_marks()

    def action_undo(self) -> None:
        self.triage.step("undo")

    def action_redo(self) -> None:
        self.triage.step("redo")

    # -- leaving the list ---------------------------------------------------------------------

    def action_open(self) -> None:
        self.triaging.open(pdf=False)

    def action_open_pdf(self) -> None:
        self.triaging.open(pdf=True)

    def action_copy_link(self) -> None:
        self.triaging.copy_links()

    def action_copy_bibtex(self) -> None:
        self.triaging.copy_bibtex()

    def action_like(self) -> None:
        self.triaging.like()

    def action_filter(self) -> None:
        # `/` is a priority binding (see `bindings`): it runs as the app reads it, and focus
        # moves now (`Widget.focus` would defer it), so the keys right behind it type "lora".
        field = self.filter_bar.input
        if self.focused is field:  # a priority binding sees `/` in the filter too: there it is text
            field.replace("/", *field.selection)
            return
        self.set_focus(field)

    def action_leave_filter(self, clear: bool) -> None:
        """enter / esc in the filter (its priority bindings, `widgets.filter_bar`)."""
        if clear:  # behind the keys already queued for the filter (they are typed, then gone)
            self.filter_bar.input.call_later(self.filter_bar.set_text, "")
        self.set_focus(self.paper_list)  # now, not deferred: the next key is the list's

    def action_back(self) -> None:
        if self.abstract.has_focus_within:
            self.remove_class("-reading")
            self.paper_list.focus()
        elif self.marked:
            self.action_clear_marks()
        elif self.filter_bar.text:
            self.filter_bar.set_text("")
            self.paper_list.focus()

    def action_toggle_sidebar(self) -> None:
        narrow = self.has_class("-narrow")
        self.toggle_class("-sidebar-on" if narrow else "-sidebar-off")
        if not self.sidebar.display and self.sidebar.has_focus:
            self.paper_list.focus()

    # -- sync ---------------------------------------------------------------------------------

    def action_sync(self) -> None:
        from tui.config import Config

        if self.library is not None and self.sync_runner.start(
            self.library, self.config or Config()
        ):
            self.refresh_availability()

    def on_sync_progressed(self, message: SyncProgressed) -> None:
        self.sync_runner.progressed(message.text)

    def on_sync_finished(self, message: SyncFinished) -> None:
        if self.sync_runner.finished(message) and self.library is not None:
            self.reload_library()
        self.refresh_availability()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that died of an unexpected error says so (instead of failing silently)."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.app.notify(
                f"{event.worker.group or event.worker.name} failed: {error!r}",
                title="Internal error",
                severity="error",
                markup=False,
            )

    def on_unmount(self) -> None:
        self.sync_runner.cancel()
        if self.writer is not None:
            self.writer.stop()

    async def shutdown(self) -> None:
        """Stop sync and finish every queued write: called before the app exits."""
        self.sync_runner.cancel()
        if self.writer is not None:
            await self.writer.drain()
        library = self.library
        if library is not None and library.texts_loaded:
            await asyncio.to_thread(
                partial(self.loader.save_startup_page, library, unless_current=True)
            )
        await asyncio.to_thread(self.ranking.save)
