"""Running a query over the library: `run_query` is the one way the screen (a view + filter,
off the UI thread), the start-up cache and the CLI search, so they build the query's context
and read its answer alike.

The view (Inbox, a tag, …) and the typed filter are parsed separately and joined with AND at
the tree level, so a filter such as `a OR b` cannot swallow the view's condition.

Per-keystroke work is bounded: a search asks only for the first FIRST_HITS ids (about a
millisecond at 100k papers) and the total; the full ordered id list (~0.1 s of Python at 100k,
holding the GIL) is a separate step the caller runs afterwards, and only when the user has
stopped typing. While abstracts are not indexed yet (the first seconds at 100k papers), a
scan of them costs 0.15-0.5 s: `search_in_steps` answers from titles and authors first and
scans abstracts only once the typing pauses. Title highlights are data computed here, off
the UI thread: the result carries those of the first screen of rows, and `highlight` gives
the others' (the interface asks for them in its worker, never while it draws).
Plain Python, no Textual.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tui.models import State
from tui.query.nodes import And, MatchAll, Query
from tui.query.parser import parse
from tui.query.results import Ranking
from tui.query.searcher import QueryContext, Searcher

TitleSpans = Mapping[str, tuple[tuple[int, int], ...]]
"""paper id -> the (start, end) character ranges of its title to highlight (papers without any
are left out). Plain data: it crosses from the search worker to the list widget as it is."""

FIRST_HITS = 200
"""Hits materialised with the result; the rest of the rows come with `ViewResult.all_rows`."""

HIGHLIGHT_FIRST = 64
"""Rows whose title spans come with the result (a tall terminal's screen of them: well under a
millisecond of work); `ViewResult.highlight` computes the others, in the worker."""

NOTHING_NEW = "\U0010ffff"
"""A `new_since` that no `first_seen` time reaches (it sorts after every string of text)."""


def new_marker(new_since: str | None) -> str:
    """The library's `meta.new_since` as `QueryContext.new_since`. A library that never synced
    has none, and then nothing is new (a context without a marker would count every paper)."""
    return NOTHING_NEW if new_since is None else new_since


@dataclass(slots=True)
class ViewResult:
    """The first ids in display order, how many match in all, the title spans of the first
    rows, and how to get the rest (both slow at 100k: call them off the UI thread)."""

    rows: list[str]
    total: int
    title_spans: TitleSpans
    """The spans of the first HIGHLIGHT_FIRST rows (empty when the query highlights nothing)."""
    all_rows: Callable[[], Sequence[str]]
    highlight: Callable[[Sequence[str]], TitleSpans] | None
    """The title spans of other rows (None: the query highlights nothing)."""


def view_query(view_terms: str, text: str) -> Query:
    """The filter `text` restricted to the view. Raises QuerySyntaxError for a bad filter;
    positions in the error refer to `text` as typed."""
    typed = parse(text)
    view = parse(view_terms)
    # The view's order (For you is `is:inbox sort:for-you`) holds unless the filter names one.
    rank = typed.rank if typed.rank is not None or typed.sort is not None else view.rank
    if isinstance(view.root, MatchAll) and rank is typed.rank:
        return typed
    root = view.root if isinstance(typed.root, MatchAll) else And((view.root, typed.root))
    if isinstance(view.root, MatchAll):
        root = typed.root
    return Query(text=text, root=root, sort=typed.sort, reverse=typed.reverse, rank=rank)


def run_query(
    searcher: Searcher,
    states: Mapping[str, State],
    query: Query,
    *,
    limit: int | None = FIRST_HITS,
    new_since: str | None = None,
    states_version: object = None,
    now: datetime | None = None,
    ranker: Ranking | None = None,
) -> ViewResult:
    """Run `query` over the library `searcher` holds, as the user's `states` and the clock (`now`,
    else the current time) see it: the papers matching, in the query's order, the first `limit`
    of them (all when None). The one place a query meets the library - the screen's keystrokes,
    the start-up cache and the CLI all come here.

    `new_since` is the library's marker as stored: None (never synced) means nothing is new.

    `states_version` must change whenever `states` does; with it the searcher caches state
    terms such as the view's `is:inbox` across keystrokes. `ranker` (a `tui.rank.Ranker`)
    orders a query with a ranking term (`sort:for-you`, `like:`); it is never called otherwise."""
    context = QueryContext(
        states=states,
        now=now or datetime.now(UTC),
        new_since=new_marker(new_since),
        states_version=states_version,
        ranker=ranker,
    )
    result = searcher.search(query, context, limit=limit)
    rows = result.ids
    if not query.words and not query.phrases:
        return ViewResult(rows, result.total, {}, result.all_ids, None)
    first = {
        hit.id: tuple(spans)
        for hit in result.hits[:HIGHLIGHT_FIRST]
        if (spans := hit.spans.get("title", []))
    }

    def highlight(ids: Sequence[str]) -> TitleSpans:
        return {pid: tuple(spans) for pid, spans in result.title_spans(ids).items()}

    return ViewResult(rows, result.total, first, result.all_ids, highlight)


def paused(seconds: float, stopped: Callable[[], bool]) -> bool:
    """Sleep `seconds` in 10 ms steps (in a worker thread); True as soon as `stopped()` is."""
    for _ in range(round(seconds / 0.01)):
        time.sleep(0.01)
        if stopped():
            return True
    return stopped()


def search_in_steps(
    searcher: Searcher,
    states: Mapping[str, State],
    query: Query,
    *,
    report: Callable[[ViewResult, bool], None],
    stopped: Callable[[], bool],
    scan_delay: float,
    texts_loaded: bool = True,
    new_since: str | None = None,
    states_version: object = None,
    ranker: Ranking | None = None,
) -> ViewResult | None:
    """Run `query` for a keystroke: `report(result, partial)` gets each answer, and the final
    one is returned (None when `stopped()` said a newer search replaced this one, or when
    there can be no final answer yet).

    * Abstracts not read yet (`texts_loaded` False, the first second or so at 100k papers) and
      the query needs them: one answer without them, partial; search again once they are in.
    * Titles indexed but abstracts not yet: the first answer leaves abstracts out (partial, at
      once); abstracts are scanned after `scan_delay` seconds without a newer keystroke.
    * Otherwise one answer.
    """

    def answer(q: Query, partial: bool) -> ViewResult | None:
        result = run_query(
            searcher, states, q, new_since=new_since, states_version=states_version, ranker=ranker
        )
        if stopped():
            return None
        report(result, partial)
        return result

    quick = query.without_field("abstract")
    if not texts_loaded and query.needs_texts:
        answer(quick or query, True)
        return None
    if quick is not None and searcher.ready and not searcher.abstracts_ready:
        first = answer(quick, True)
        if first is None or paused(scan_delay, stopped):
            return None
    return answer(query, False)
