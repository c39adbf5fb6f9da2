"""The list's search conversation: which answer is current, whether it is partial, and the
steps one keystroke's search takes in its worker. Plain Python, no Textual.

Each keystroke (or view change, or refresh) starts a new *generation*; answers from an older
one are dropped when they arrive, so a slow search never overwrites a newer one. One search
runs in steps (`run`): a quick answer when abstracts are not indexed yet, the real answer (with
the highlights of the first screen of rows), then — only once the typing has paused — every row
of the view in order and the other rows' highlights, which cost a large fraction of a second
of GIL at 100k papers and are not worth paying per keystroke.

The interface starts a search with `request` (on the UI thread: it parses the filter and
freezes what the search reads), runs `run` in a worker, and hands what the worker reports back
to `accept` / `is_current` on the UI thread. Answers, rows and highlights are plain data
computed in the worker: nothing the interface receives calls back into the query engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.models import State

if TYPE_CHECKING:
    # The query engine is imported where a search runs, not with the screen: the first frame
    # of the app does not wait for it.
    from tui.query.nodes import Query
    from tui.query.pages import TitleSpans, ViewResult
    from tui.query.results import Ranking
    from tui.query.searcher import Searcher

REST_DELAY = 0.15
"""Wait this long (seconds) after the first rows before computing the rest (typing pause)."""

HIGHLIGHT_CHUNK = 250
"""Rows whose title spans the worker computes in one go (a few milliseconds of GIL) before it
posts them and lets the UI thread run: a keystroke that cancels the search waits at most that."""

SCAN_DELAY = 0.12
"""While abstracts are not indexed yet, wait this long (seconds) after the quick answer
(titles and authors) before scanning them: a good part of a second of work at 100k papers,
only worth it once the typing pauses."""


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One search, with everything it reads frozen at the moment it was asked for."""

    query: Query
    generation: int
    states: Mapping[str, State]
    states_version: int
    texts_loaded: bool
    new_since: str | None
    ranker: Ranking | None = None
    """What orders `sort:for-you` / `like:` (None: those terms keep today's order)."""


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    """The first rows of a search (ids in display order) out of `total` matches.

    `partial`: a quick first answer that did not look in abstracts (they are still being
    indexed); the real one follows for the same generation. `title_spans`: the highlights of
    the first screen of rows (`MoreHighlights` bring the others; `MoreRows` the rows past
    these). Plain data: nothing in it calls back into the query engine."""

    request: SearchRequest
    rows: Sequence[str]
    total: int
    title_spans: TitleSpans
    partial: bool

    @property
    def generation(self) -> int:
        return self.request.generation


@dataclass(frozen=True, slots=True)
class MoreRows:
    """Every row of the search `request` asked for, in order (after its answer, and a pause)."""

    request: SearchRequest
    rows: Sequence[str]


@dataclass(frozen=True, slots=True)
class MoreHighlights:
    """Title spans of more rows of the search `request` asked for (after its answer)."""

    request: SearchRequest
    title_spans: TitleSpans


Reported = SearchAnswer | MoreRows | MoreHighlights
"""What a search's worker reports, in this order: answers, then maybe rows and highlights."""


class SearchSession:
    """Keeps track of the current search generation and what its answer was."""

    def __init__(self, *, scan_delay: float = SCAN_DELAY, rest_delay: float = REST_DELAY) -> None:
        self.scan_delay = scan_delay
        """See SCAN_DELAY (tests lengthen it to look at the quick answer)."""
        self.rest_delay = rest_delay
        self.generation = 0
        self.partial = False
        """True while the current answer has not looked in abstracts yet."""

    def request(
        self,
        view_terms: str,
        text: str,
        *,
        states: Mapping[str, State],
        states_version: int,
        texts_loaded: bool,
        new_since: str | None,
        replace: bool = True,
        ranker: Ranking | None = None,
    ) -> SearchRequest:
        """A new search; `replace`: it makes every older one stale (not for `every_match`,
        which leaves what the list shows alone). Raises QuerySyntaxError for a filter that
        does not parse, before anything changes."""
        from tui.query.pages import view_query

        query = view_query(view_terms, text)
        if replace:
            self.generation += 1
        return SearchRequest(
            query=query,
            generation=self.generation,
            states=states,
            states_version=states_version,
            texts_loaded=texts_loaded,
            new_since=new_since,
            ranker=ranker,
        )

    def run(
        self,
        searcher: Searcher,
        request: SearchRequest,
        *,
        report: Callable[[Reported], object],
        stopped: Callable[[], bool],
    ) -> None:
        """The worker's part: `report` gets each answer; then, once the typing has paused,
        every row of the final answer (when there are more than it showed) and the highlights
        of the rows past the first screen, a chunk at a time. Each step first asks `stopped()`
        (a newer search replaced this one: nothing more is reported). Raises PaperdeckError
        from the core."""
        from tui.query.pages import HIGHLIGHT_FIRST, paused, search_in_steps

        def answer(result: ViewResult, partial: bool) -> None:
            report(
                SearchAnswer(
                    request=request,
                    rows=result.rows,
                    total=result.total,
                    title_spans=result.title_spans,
                    partial=partial,
                )
            )

        result = search_in_steps(
            searcher,
            request.states,
            request.query,
            report=answer,
            stopped=stopped,
            scan_delay=self.scan_delay,
            texts_loaded=request.texts_loaded,
            new_since=request.new_since,
            states_version=request.states_version,
            ranker=request.ranker,
        )
        if result is None:
            return
        more_rows = result.total > len(result.rows)
        highlight = result.highlight
        unlit = highlight is not None and (more_rows or len(result.rows) > HIGHLIGHT_FIRST)
        # Both wait for a pause in the typing: each keystroke's paint must not share the GIL.
        if not (more_rows or unlit) or paused(self.rest_delay, stopped):
            return
        rows: Sequence[str] = result.rows
        if more_rows:
            rows = result.all_rows()
            if stopped():
                return
            report(MoreRows(request, rows))
        if highlight is None:
            return
        rest = rows[HIGHLIGHT_FIRST:]  # the answer has the first screen's
        for start in range(0, len(rest), HIGHLIGHT_CHUNK):
            if start and paused(0.01, stopped):  # let the UI thread draw between chunks
                return
            spans = highlight(rest[start : start + HIGHLIGHT_CHUNK])
            if stopped():
                return
            if spans:
                report(MoreHighlights(request, spans))

    def every_match(self, searcher: Searcher, request: SearchRequest) -> list[str]:
        """Every paper that matches `request` now, in order, at once (for `*`: the list may
        still show rows decided since it was searched; up to a few tenths of a second at 100k
        papers, paid once, when the user asks for every row)."""
        from tui.query.pages import run_query

        result = run_query(
            searcher,
            request.states,
            request.query,
            limit=None,
            new_since=request.new_since,
            states_version=request.states_version,
            ranker=request.ranker,
        )
        return list(result.rows)

    def is_current(self, generation: int) -> bool:
        return generation == self.generation

    def accept(self, answer: SearchAnswer) -> bool:
        """Take an answer that arrived on the UI thread; False when it is stale (drop it)."""
        if not self.is_current(answer.generation):
            return False
        self.partial = answer.partial
        return True
