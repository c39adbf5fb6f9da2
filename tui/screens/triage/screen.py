"""The triage screen: sidebar, filter bar, paper list and abstract pane, driven by the keyboard.

It draws first and loads after: the panes appear with a loading indicator, then the
`LibraryLoader` opens the library in thread workers (the start-up cache's page first). It owns
the conversation with the core — search in an exclusive thread worker, writes through the
`StoreWriter`, sync through the `SyncRunner` — and hands models to its widgets. A triage key
changes the in-memory snapshot at once (the row repaints in the same frame) and the store's
answer, when it arrives, replaces the guess.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState, get_current_worker

from tui.actions import Action, EditTags, RenameTag, SetNote, SetStatus, ToggleStar
from tui.errors import PaperdeckError
from tui.memory import freeze_long_lived
from tui.messages import (
    LibraryFailed,
    LibraryLoaded,
    PreviewLoaded,
    RowsCompleted,
    SearchFailed,
    SearchFinished,
    StatesChanged,
    StoreFailed,
    SyncFinished,
    SyncProgressed,
    TextsLoaded,
)
from tui.models import Paper, State
from tui.screens.note_editor import NoteEditor
from tui.screens.tag_editor import TagEdit, TagEditor
from tui.screens.triage.bindings import PAPER_ACTIONS, TRIAGE_BINDINGS
from tui.screens.triage.loader import LibraryLoader
from tui.screens.triage.sync_runner import SyncRunner
from tui.screens.triage.threads import run_in_thread
from tui.screens.triage.writer import StoreWriter
from tui.search_session import SearchSession
from tui.snapshot import LibrarySnapshot
from tui.triage_session import TriageSession
from tui.views import INBOX, View
from tui.widgets import (
    AbstractPane,
    FilterBar,
    PaperList,
    StatusHeader,
    SyncIndicator,
    ViewSidebar,
)

if TYPE_CHECKING:
    from tui.config import Config
    from tui.query import Searcher
    from tui.search_session import SearchRequest
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
        self.home = home
        self.config = config
        self.library: Library | None = None
        self.triage = TriageSession()
        """Marks, targets and the optimistic snapshot (see `tui.triage_session`)."""
        self.searcher: Searcher | None = None
        self.writer: StoreWriter | None = None
        self.view: View = INBOX
        self.search = SearchSession()
        self._keep: str | None = None
        """The paper the cursor should land on when the next answer comes (refresh)."""
        self._new_since: str | None = None
        self.sync_runner = SyncRunner(self)
        self.results_ready = False
        """True once the list first showed results (from the start-up cache or a search)."""
        self.preview = False
        """True while the list shows the start-up cache's page and the catalog still loads."""
        self.loader = LibraryLoader(self, home, INBOX.query)

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
    def workers_busy(self) -> bool:
        """True while a store write, search, load, sync or export has not finished."""
        if self.loader.index_queued or (self.writer is not None and self.writer.busy):
            return True
        groups = ("load", "search", "sync", "export", "index")
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
        yield Footer(id="footer")

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
        self.call_after_refresh(self._load_library)

    def _load_library(self) -> None:
        shown = self.snapshot.papers if self.snapshot is not None else ()
        self.loader.load(self.library, self.searcher, shown, preview=self.snapshot is None)

    # -- loading ------------------------------------------------------------------------------

    def on_texts_loaded(self, message: TextsLoaded) -> None:
        self._show_current()
        if self.filter_bar.text:
            self._run_search()  # a filter answered before could not look in abstracts: now it can

    def on_library_failed(self, message: LibraryFailed) -> None:
        self.paper_list.busy = False
        self.paper_list.empty_message = message.message
        self.paper_list.set_rows([])
        self.app.notify(
            message.message, title="Cannot open the library", severity="error", markup=False
        )

    def _start_library(self, library: Library) -> None:
        self.library = library
        if self.writer is None:
            self.writer = StoreWriter(self, library)
            self.writer.start()
            self.triage.submit = self.writer.submit
        self._new_since = library.get_meta("new_since")
        last_sync = library.get_meta("last_sync")
        self.header.set_sync(f"synced {_short_time(last_sync)}" if last_sync else "never synced")

    def on_preview_loaded(self, message: PreviewLoaded) -> None:
        if self.snapshot is not None:
            return  # the whole library is already in
        first = message.first
        self._start_library(message.library)
        self.snapshot = LibrarySnapshot(
            first.papers, message.states, counts=(first.status_counts, first.tag_counts)
        )
        self.preview = True
        self.paper_list.busy = False
        self.paper_list.set_papers(self.snapshot.papers, self.snapshot.states)
        self.paper_list.set_rows(first.rows, total=first.total)
        self._show_current()  # the abstract in the same frame as the list
        self._show_counts()
        self._show_view_counts()
        self.results_ready = True
        self._refresh_availability()

    def on_library_loaded(self, message: LibraryLoaded) -> None:
        library = message.library
        preview = self.snapshot if self.preview else None
        self.preview = False
        self.snapshot = LibrarySnapshot(message.papers, message.states)
        if preview is not None:
            # Keys pressed on the preview went to the store through the writer; the loader may
            # have read the states before some of them landed. Until now only this screen could
            # change the preview's papers, so its states are the newest (they include the store's
            # answers and later guesses); the store's answers for papers off the page (an undo
            # may reach them) are newer than what the loader read.
            self.snapshot.replace(self.triage.take_preview_changes())
            self.snapshot.replace({pid: preview.state(pid) for pid in preview.papers})
        # A full collection over a large library pauses the UI for a good part of a second;
        # the papers live as long as the app, so move them out of the collector's sight.
        freeze_long_lived()
        if self.searcher is None:
            self.searcher = message.searcher
        self._start_library(library)
        self.paper_list.set_papers(self.snapshot.papers, self.snapshot.states)
        self._show_counts()
        self._run_search()

    # -- searching ----------------------------------------------------------------------------

    def _run_search(self) -> None:
        """Search the current view with the current filter (a newer search cancels this one)."""
        if self.preview and self.searcher is None:
            # Another view or a filter before the catalog is in: show it loading, not the
            # preview's Inbox page under another name (the search runs once it is in).
            self.paper_list.busy = True
            self.paper_list.set_rows([])
            return
        if self.snapshot is None or self.searcher is None:
            return
        request = self._search_request()
        if request is None:
            return
        run_in_thread(self, partial(self._search, self.searcher, request), "search")

    def _search_request(self, *, replace: bool = True) -> SearchRequest | None:
        """A search of the view and filter as they are now (None: the filter is wrong, and the
        filter bar says where); `replace`: it replaces the search the list shows."""
        from tui.query import QuerySyntaxError

        if self.snapshot is None:
            return None
        snapshot = self.snapshot
        try:
            request = self.search.request(
                self.view.query,
                self.filter_bar.text,
                states=snapshot.frozen_states(),
                states_version=snapshot.version,  # with the states: the searcher caches on both
                texts_loaded=self.library is not None and self.library.texts_loaded,
                new_since=self._new_since,
                replace=replace,
            )
        except QuerySyntaxError as exc:
            self._search_failed(exc.message, exc.position)
            return None
        self.filter_bar.clear_error()
        return request

    def _search(self, searcher: Searcher, request: SearchRequest) -> None:
        worker = get_current_worker()
        try:
            rows = self.search.run(
                searcher,
                request,
                report=lambda answer: self.post_message(SearchFinished(answer)),
                stopped=lambda: worker.is_cancelled,
            )
        except PaperdeckError as exc:
            self.post_message(SearchFailed(request.query.text, exc.message, None))
            return
        if rows is not None:
            self.post_message(RowsCompleted(rows, request))

    def on_search_finished(self, message: SearchFinished) -> None:
        answer = message.answer
        if not self.search.accept(answer):
            return  # a newer search is on its way
        keep = self._keep or self.paper_list.current_id
        if not answer.partial:
            self._keep = None
        self.paper_list.busy = False
        self.paper_list.empty_message = self._empty_message()
        self.paper_list.set_rows(answer.rows, answer.title_spans, keep=keep, total=answer.total)
        self.filter_bar.release_echo()  # the typed text and its results in the same frame
        self.partial = answer.partial
        self._show_view_counts()
        if self.library is not None and self.searcher is not None:
            self.loader.start_index(self.library, self.searcher)  # once the list is on screen
        self.results_ready = True
        self._refresh_availability()

    def _empty_message(self) -> str:
        if self.filter_bar.text:
            return "No papers match the filter. esc clears it."
        if self.view.key == "inbox" and self.view.kind == "smart":
            return "Inbox zero: every paper is decided. S syncs new ones; 6 shows all."
        return f"Nothing in {self.view.label} yet."

    def on_rows_completed(self, message: RowsCompleted) -> None:
        if not self.search.is_current(message.request.generation):
            return
        self.paper_list.complete_rows(message.rows)

    def on_search_failed(self, message: SearchFailed) -> None:
        self._search_failed(message.message, message.position)

    def _search_failed(self, message: str, position: int | None) -> None:
        """Keep the last good rows and say what is wrong; with no rows yet (a bad filter typed
        while the library loaded) stop saying "loading" and read abstracts and index anyway."""
        self.filter_bar.show_error(message, position)
        if self.library is not None and self.searcher is not None:
            self.paper_list.busy = False
            if not self.paper_list.rows:
                self.paper_list.set_rows([])
            self.loader.start_index(self.library, self.searcher)

    def on_filter_bar_changed(self, message: FilterBar.Changed) -> None:
        self._run_search()

    def on_filter_bar_done(self, message: FilterBar.Done) -> None:
        self.paper_list.focus()

    def on_view_sidebar_view_chosen(self, message: ViewSidebar.ViewChosen) -> None:
        self.view = message.view
        self._run_search()
        self.paper_list.focus()

    def go_to_view(self, view: View) -> None:
        """Show a smart view or tag (the command palette's "go to tag", the keys 1-6)."""
        self.sidebar.choose(view)

    def action_show_view(self, key: str) -> None:
        self.go_to_view(View("smart", key))

    def action_refresh(self) -> None:
        """Search the view again, so papers decided since leave it; the cursor stays on its
        paper, or moves to the next one still in the view."""
        if self.snapshot is None:
            return
        rows = self.paper_list.rows
        cursor = self.paper_list.cursor
        snapshot = self.snapshot
        self._keep = next(
            (pid for pid in rows[cursor:] if self.view.holds(snapshot.state(pid))), None
        )
        self._run_search()

    # -- cursor and panes ---------------------------------------------------------------------

    def _cursor_changed(self) -> None:
        if self.abstract.paper_id != self.paper_list.current_id:
            self._show_current()

    def on_paper_list_cursor_moved(self, message: PaperList.CursorMoved) -> None:
        if self.abstract.paper_id != message.paper_id:  # rows changed under the cursor
            self._show_current()
        self._refresh_availability()

    def on_paper_list_activated(self, message: PaperList.Activated) -> None:
        self.add_class("-reading")  # a short terminal shows the abstract in the list's place
        self.abstract.focus()

    def _show_current(self) -> None:
        paper, state = self._current()
        self.abstract.show(paper, state)

    def _current(self) -> tuple[Paper | None, State | None]:
        paper_id = self.paper_list.current_id
        if self.snapshot is None or paper_id is None:
            return None, None
        return self.snapshot.papers.get(paper_id), self.snapshot.state(paper_id)

    def _show_counts(self) -> None:
        if self.snapshot is None:
            return
        counts = self.snapshot.status_counts()
        self.header.set_counts(counts)
        self.sidebar.update_counts(counts, self.snapshot.tag_counts())

    def _show_view_counts(self) -> None:
        self.header.set_view(
            self.view.label, self.paper_list.total, len(self.marked), partial=self.partial
        )

    def _refresh_availability(self) -> None:
        """Bring the footer's reactives up to date, refreshing the footer once when any of
        them changed (each refresh recomposes the footer; setting them one by one would do it
        once per change)."""
        wanted = {
            "loaded": self.snapshot is not None,
            "has_current": self.paper_list.current_id is not None,
            "has_marks": bool(self.marked),
            "syncing": self.sync_runner.running,
        }
        changed = {name: value for name, value in wanted.items() if getattr(self, name) != value}
        if not changed:
            return
        for name, value in changed.items():
            self.set_reactive(getattr(TriageScreen, name), value)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        loaded = self.snapshot is not None
        if action in PAPER_ACTIONS:
            return True if loaded and (self.marked or self.paper_list.current_id) else None
        if action in ("open", "open_pdf"):
            return True if loaded and self.paper_list.current_id else None
        if action == "mark_all":  # needs every row of the view: not a preview or quick answer
            ready = self.searcher is not None and not self.partial
            return True if ready and self.paper_list.rows else None
        if action == "clear_marks":
            return True if self.marked else None
        if action in ("undo", "redo"):
            return True if loaded else None
        if action == "sync":
            return True if loaded and not self.sync_runner.running else None
        return True

    # -- triage -------------------------------------------------------------------------------

    def _targets(self) -> list[str]:
        return self.triage.targets(self.paper_list.rows, self.paper_list.current_id)

    def _act(self, action: Action, *, advance: bool = False) -> None:
        """Apply an action to the targets now (the store writes it), then advance if asked."""
        applied = self.triage.act(action, self.paper_list.rows, self.paper_list.current_id)
        if applied is None:
            return
        self._show_changed(applied.changed)
        if applied.bulk:
            self._show_marks()  # a bulk action clears the marks
        elif advance:
            self.paper_list.advance()

    def _show_changed(self, changed: list[str]) -> None:
        if not changed:
            return
        self.paper_list.refresh_papers(changed)
        self._show_counts()
        if self.paper_list.current_id in changed:
            self._show_current()

    def _apply_states(self, states: Mapping[str, State]) -> None:
        self._show_changed(self.triage.stored(states, preview=self.preview))

    def on_states_changed(self, message: StatesChanged) -> None:
        self._apply_states(message.states)
        if message.kind in ("undo", "redo"):
            verb = "Undone" if message.kind == "undo" else "Redone"
            text = f"{verb}: {message.label}" if message.label else f"Nothing to {message.kind}"
            self.app.notify(text, markup=False, timeout=3)

    def on_store_failed(self, message: StoreFailed) -> None:
        self._apply_states(message.states)
        self.app.notify(message.message, title="Not saved", severity="error", markup=False)

    def action_star(self) -> None:
        self._act(ToggleStar())

    def action_later(self) -> None:
        self._act(SetStatus("later"), advance=True)

    def action_done(self) -> None:
        self._act(SetStatus("done"), advance=True)

    def action_skip(self) -> None:
        self._act(SetStatus("skipped"), advance=True)

    def action_inbox(self) -> None:
        self._act(SetStatus("inbox"), advance=True)

    def action_tag(self) -> None:
        ids = self._targets()
        if self.snapshot is None or not ids:
            return
        current = Counter(tag for pid in ids for tag in self.snapshot.state(pid).tags)
        known = sorted(self.snapshot.tag_counts())

        def done(edit: TagEdit | None) -> None:
            if edit is not None:
                self._act(EditTags(tuple(edit.add), tuple(edit.remove)))

        editor = TagEditor(self._describe_targets(ids), current, known, papers=len(ids))
        self.app.push_screen(editor, done)

    def action_note(self) -> None:
        ids = self._targets()
        if self.snapshot is None or not ids:
            return
        note = self.snapshot.state(ids[0]).note if len(ids) == 1 else ""

        def done(text: str | None) -> None:
            if text is not None:
                self._act(SetNote(text))

        self.app.push_screen(NoteEditor(self._describe_targets(ids), note), done)

    def rename_tag(self, old: str, new: str) -> None:
        """Rename tag `old` everywhere (the palette asks for the name); follows it if shown."""
        try:
            action = RenameTag(old, new)
        except PaperdeckError as exc:
            self.app.notify(exc.message, title="Not renamed", severity="error", markup=False)
            return
        self._show_changed(self.triage.act_everywhere(action))
        if self.view == View("tag", action.old):
            self.go_to_view(View("tag", action.new))

    def _describe_targets(self, ids: Collection[str]) -> str:
        if len(ids) != 1 or self.snapshot is None:
            return f"{len(ids)} marked papers"
        paper = self.snapshot.papers.get(next(iter(ids)))
        return paper.title if paper else "this paper"

    def action_mark(self) -> None:
        current = self.paper_list.current_id
        if current is None:
            return
        self.triage.toggle_mark(current)
        self._show_marks()
        self.paper_list.advance()

    def action_mark_all(self) -> None:
        """Mark exactly the papers that match the view and the filter now (the list may still
        show rows decided since it was searched)."""
        request = self._search_request(replace=False) if self.searcher is not None else None
        if request is None or self.searcher is None:
            return
        self.triage.set_marked(self.search.every_match(self.searcher, request))
        self._show_marks()

    def action_clear_marks(self) -> None:
        self.triage.set_marked(())
        self._show_marks()

    def _show_marks(self) -> None:
        self.paper_list.set_marked(self.marked)
        self._show_view_counts()
        self._refresh_availability()

    def action_undo(self) -> None:
        self.triage.step("undo")

    def action_redo(self) -> None:
        self.triage.step("redo")

    # -- leaving the list ---------------------------------------------------------------------

    def _open(self, pdf: bool) -> None:
        paper, _state = self._current()
        if paper is None or not self.triage.ready:
            return
        url = paper.pdf_url if pdf else paper.abs_url
        opener = getattr(self.app, "open_web_link", None)
        if url is None or opener is None or not opener(url):
            self.app.notify("This paper has no web link to open.", severity="warning")
            return
        self.triage.opened(paper.id)

    def action_open(self) -> None:
        self._open(pdf=False)

    def action_open_pdf(self) -> None:
        self._open(pdf=True)

    def _target_papers(self) -> list[Paper]:
        if self.snapshot is None:
            return []
        return [p for p in (self.snapshot.papers.get(pid) for pid in self._targets()) if p]

    def action_copy_link(self) -> None:
        links = [url for url in (p.abs_url for p in self._target_papers()) if url]
        if not links:
            self.app.notify("No link to copy.", severity="warning")
            return
        self.app.copy_to_clipboard("\n".join(links))
        self.app.notify(f"Copied {len(links)} link{'s' if len(links) > 1 else ''}.", timeout=2)

    def action_copy_bibtex(self) -> None:
        from tui.export import bibtex_entry

        papers = self._target_papers()
        if not papers:
            return
        self.app.copy_to_clipboard("\n".join(bibtex_entry(p) for p in papers))
        self.app.notify(
            f"Copied BibTeX for {len(papers)} paper{'s' if len(papers) > 1 else ''}.", timeout=2
        )

    def action_filter(self) -> None:
        self.filter_bar.input.focus()

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

        if self.library is None or not self.sync_runner.start(
            self.library, self.config or Config()
        ):
            return
        self.query_one(SyncIndicator).show_progress("starting…")
        self.header.set_sync("syncing…")
        self._refresh_availability()

    def on_sync_progressed(self, message: SyncProgressed) -> None:
        self.query_one(SyncIndicator).show_progress(message.text)

    def on_sync_finished(self, message: SyncFinished) -> None:
        self.sync_runner.finished()
        self.query_one(SyncIndicator).finish()
        self.app.notify(
            message.summary,
            title="Sync",
            severity="information" if message.ok else "warning",
            markup=False,
            timeout=6,
        )
        library = self.library
        if library is not None:
            last_sync = library.get_meta("last_sync")
            self.header.set_sync(
                f"synced {_short_time(last_sync)}" if last_sync else "never synced"
            )
            if message.papers_changed:
                self._load_library()
        self._refresh_availability()

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
            await asyncio.to_thread(self.loader.save_startup_page, library)


def _short_time(value: object) -> str:
    """`2026-11-20T09:14:03Z` -> `2026-11-20 09:14` (local time is not guessed)."""
    text = str(value)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text[:16]
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
