"""The triage screen's list search: turn the view and the filter into a search in an exclusive
thread worker, and each answer into rows on screen.

The conversation itself (generations, partial answers, the rest of the rows after a pause) is
the Textual-free `tui.search_session.SearchSession`; this class is its interface half: it
reads the screen's widgets, starts the worker, and applies `SearchFinished` / `RowsCompleted`
/ `TitlesHighlighted` / `SearchFailed` to the list, the filter bar and the header. The
screen's handlers call it in one line each.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from tui.errors import PaperdeckError
from tui.messages import RowsCompleted, SearchFailed, SearchFinished, TitlesHighlighted
from tui.screens.triage.threads import run_in_thread
from tui.search_session import MoreRows, SearchAnswer, SearchSession

if TYPE_CHECKING:
    from tui.query import Searcher
    from tui.query.nodes import Rank
    from tui.screens.triage.screen import TriageScreen
    from tui.search_session import Reported, SearchRequest


class ListSearch:
    """Searches for `screen`'s list; `session` holds which answer is current."""

    def __init__(self, screen: TriageScreen) -> None:
        self.screen = screen
        self.session = SearchSession()
        self.keep: str | None = None
        """The paper the cursor should land on when the next answer comes (refresh)."""
        self.rank: Rank | None = None
        """The ranking term (`sort:for-you`, `like:`) of the answer shown, if any."""

    def run(self) -> None:
        """Search the current view with the current filter (a newer search cancels this one)."""
        screen = self.screen
        if screen.preview and screen.searcher is None:
            # Another view or a filter before the catalog is in: show it loading, not the
            # preview's Inbox page under another name (the search runs once it is in).
            screen.paper_list.busy = True
            screen.paper_list.set_rows([])
            return
        if screen.snapshot is None or screen.searcher is None:
            return
        request = self.request()
        if request is None:
            return
        run_in_thread(screen, partial(self._search, screen.searcher, request), "search")

    def request(self, *, replace: bool = True) -> SearchRequest | None:
        """A search of the view and filter as they are now (None: the filter is wrong, and the
        filter bar says where); `replace`: it replaces the search the list shows."""
        from tui.query import QuerySyntaxError

        screen = self.screen
        snapshot = screen.snapshot
        if snapshot is None:
            return None
        try:
            request = self.session.request(
                screen.view.query,
                screen.filter_bar.text,
                states=snapshot.frozen_states(),
                states_version=snapshot.version,  # with the states: the searcher caches on both
                texts_loaded=screen.library is not None and screen.library.texts_loaded,
                new_since=screen.new_since,
                replace=replace,
                ranker=screen.ranking.ranker,
            )
        except QuerySyntaxError as exc:
            self.failed(exc.message, exc.position)
            return None
        screen.filter_bar.clear_error()
        return request

    def every_match(self) -> list[str] | None:
        """Every paper matching the view and filter now (for `*`); None when there is no
        searcher yet or the filter is wrong."""
        searcher = self.screen.searcher
        request = self.request(replace=False) if searcher is not None else None
        if request is None or searcher is None:
            return None
        return self.session.every_match(searcher, request)

    def refresh(self) -> None:
        """Search again so papers decided since leave the view; the cursor stays on its paper
        or moves to the next one still in the view."""
        screen = self.screen
        snapshot = screen.snapshot
        if snapshot is None:
            return
        rows = screen.paper_list.rows
        view = screen.view
        self.keep = next(
            (pid for pid in rows[screen.paper_list.cursor :] if view.holds(snapshot.state(pid))),
            None,
        )
        self.run()

    def bring_back(self, ids: list[str]) -> None:
        """After an undo or redo: put the cursor on the first of `ids` the list shows; when it
        shows none (the list was searched since they left the view), search again so the
        first that belongs to the view comes back where the view says, the cursor on it."""
        screen = self.screen
        plist = screen.paper_list
        wanted = set(ids)
        index = next((i for i, pid in enumerate(plist.rows) if pid in wanted), None)
        if index is not None:
            plist.move_to(index)
            return
        snapshot = screen.snapshot
        if snapshot is None:
            return
        back = [pid for pid in ids if screen.view.holds(snapshot.state(pid))]
        if back:
            self.keep = back[0]
            self.run()

    def _search(self, searcher: Searcher, request: SearchRequest) -> None:
        """(In the worker.) Run the steps, posting each answer, the rest of the rows and the
        highlights to the screen."""
        screen = self.screen
        worker = get_current_worker()

        def report(found: Reported) -> None:
            if isinstance(found, SearchAnswer):
                screen.post_message(SearchFinished(found))
            elif isinstance(found, MoreRows):
                screen.post_message(RowsCompleted(found.rows, request))
            else:
                screen.post_message(TitlesHighlighted(found.title_spans, request))

        try:
            self.session.run(searcher, request, report=report, stopped=lambda: worker.is_cancelled)
        except PaperdeckError as exc:
            screen.post_message(SearchFailed(request.query.text, exc.message, None))

    def finished(self, message: SearchFinished) -> None:
        """Show an answer (unless it is stale: a newer search is on its way), then the header's
        count and the footer; the first answer on screen starts the index build."""
        answer = message.answer
        if not self.session.accept(answer):
            return
        screen = self.screen
        plist = screen.paper_list
        keep = self.keep or plist.current_id
        if not answer.partial:
            self.keep = None
        plist.busy = False
        plist.empty_message = self.empty_message()
        self.rank = answer.request.query.rank
        plist.set_rows(answer.rows, answer.title_spans, keep=keep, total=answer.total)
        screen.filter_bar.release_echo()  # the typed text and its results in the same frame
        # The rows, the paper under the cursor, the view's highlight: all in one frame (the
        # list's CursorMoved message would arrive after the frame the rows go out in).
        if screen.abstract.paper_id != plist.current_id:
            screen.show_current()
        screen.sidebar.release_repaint()
        screen.partial = answer.partial
        screen.show_view_counts()
        if screen.library is not None and screen.searcher is not None:
            screen.loader.start_index(screen.library, screen.searcher)  # once the list is shown
        screen.results_ready = True
        screen.refresh_availability()

    def rows_completed(self, message: RowsCompleted) -> None:
        if self.session.is_current(message.request.generation):
            self.screen.paper_list.complete_rows(message.rows)

    def titles_highlighted(self, message: TitlesHighlighted) -> None:
        if self.session.is_current(message.request.generation):
            self.screen.paper_list.add_title_spans(message.title_spans)

    def failed(self, message: str, position: int | None) -> None:
        """Keep the last good rows and say what is wrong; with no rows yet (a bad filter typed
        while the library loaded) stop saying "loading" and read abstracts and index anyway."""
        screen = self.screen
        screen.filter_bar.show_error(message, position)
        if screen.library is not None and screen.searcher is not None:
            screen.paper_list.busy = False
            if not screen.paper_list.rows:
                screen.paper_list.set_rows([])
            screen.loader.start_index(screen.library, screen.searcher)

    def empty_message(self) -> str:
        screen = self.screen
        if screen.filter_bar.text:
            return "No papers match the filter. esc clears it."
        if screen.view.kind == "smart" and screen.view.key == "inbox":
            return "Inbox zero: every paper is decided. S syncs new ones; 6 shows all."
        return f"Nothing in {screen.view.label} yet."
