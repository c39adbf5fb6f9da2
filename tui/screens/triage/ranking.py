"""The learned order in the triage screen: keep a `tui.rank.Ranker` ready for the library, hand
it to every search (so `sort:for-you`, the For you view and `like:` order by it), and say in
the abstract pane why a ranked paper is where it is.

The ranker is prepared in a thread worker once the library is in (loading or building the
TF-IDF matrix: numpy is imported there, never before the first paint). Until it is ready, a
ranking term keeps today's order; the list is searched again when it is. "Why" lines are
computed in a worker too (a decision may retrain the model) and drawn when they arrive, if the
cursor is still on that paper.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from tui.errors import PaperdeckError
from tui.messages import RankerReady, WhyFound
from tui.screens.triage.threads import run_in_thread

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tui.models import Paper, State
    from tui.query.nodes import Rank
    from tui.rank import Ranker
    from tui.screens.triage.screen import TriageScreen
    from tui.store import Library


class ScreenRanking:
    """The ranker of `screen`'s library, and the "why" of the paper under the cursor."""

    def __init__(self, screen: TriageScreen) -> None:
        self.screen = screen
        self.ranker: Ranker | None = None
        self._started = False

    def start(self, library: Library, papers: Iterable[Paper]) -> None:
        """The library is in (first load or a reload after sync/import)."""
        if not self._started:
            self._started = True
            run_in_thread(self.screen, partial(self._prepare, library), "rank")
        elif self.ranker is not None:
            ranker, changed = self.ranker, list(papers)
            run_in_thread(self.screen, lambda: ranker.papers_changed(changed), "rank")

    def _prepare(self, library: Library) -> None:
        """(In the worker.)"""
        from tui.rank import Ranker

        worker = get_current_worker()
        config = self.screen.config
        interests = tuple(config.interests) if config is not None else ()
        try:
            ranker = Ranker(library, interests=interests)
            ready = ranker.prepare(cancelled=lambda: worker.is_cancelled)
        except PaperdeckError:
            return  # the learned order is a derived extra: the list keeps today's order
        if ready and not worker.is_cancelled:
            self.screen.post_message(RankerReady(ranker))

    def ready(self, message: RankerReady) -> None:
        self.ranker = message.ranker
        if self.screen.searching.rank is not None:
            self.screen.searching.run()  # the ranked view can now be in its real order

    def explain(self, paper_id: str | None) -> None:
        """Find the why line of `paper_id` under the list's ranking term, if it has one."""
        screen = self.screen
        term = screen.searching.rank
        snapshot = screen.snapshot
        if paper_id is None or term is None or self.ranker is None or snapshot is None:
            return
        states, version = snapshot.frozen_states(), snapshot.version
        work = partial(self._explain, self.ranker, term, paper_id, states, version)
        run_in_thread(screen, work, "why")

    def _explain(
        self,
        ranker: Ranker,
        term: Rank,
        paper_id: str,
        states: Mapping[str, State],
        version: int,
    ) -> None:
        """(In the worker.)"""
        try:
            why = ranker.explain(term, paper_id, states, version)
        except PaperdeckError:
            return
        if why is not None and not get_current_worker().is_cancelled:
            self.screen.post_message(WhyFound(paper_id, why.line()))

    def save(self) -> None:
        """(At quit, in a thread.) Keep the matrix with what sync added for the next start."""
        if self.ranker is not None:
            self.ranker.save()
