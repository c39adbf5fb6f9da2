"""Running a view + filter through the core's query language, off the UI thread.

The view (Inbox, a tag, …) and the typed filter are parsed separately and joined with AND at
the tree level, so a filter such as `a OR b` cannot swallow the view's condition. The Searcher
returns every matching id in order plus the first hits; title highlights are computed lazily,
only for the rows the list actually draws. Plain Python, no Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tui.models import State
from tui.query import Hit, Query, QueryContext, Searcher, parse
from tui.query.nodes import And, MatchAll

SpanLookup = Callable[[str], Sequence[tuple[int, int]]]
"""paper id -> the (start, end) character ranges of its title to highlight."""

FIRST_HITS = 200
"""Hits materialised with the result (their spans are ready first); more rows use the lookup."""


@dataclass(slots=True)
class ViewResult:
    """Ids in display order and how to find the title highlights of any of them."""

    rows: list[str]
    title_spans: SpanLookup


def view_query(view_terms: str, text: str) -> Query:
    """The filter `text` restricted to the view. Raises QuerySyntaxError for a bad filter;
    positions in the error refer to `text` as typed."""
    typed = parse(text)
    view = parse(view_terms)
    if isinstance(view.root, MatchAll):
        return typed
    root = view.root if isinstance(typed.root, MatchAll) else And((view.root, typed.root))
    return Query(text=text, root=root, sort=typed.sort, reverse=typed.reverse)


def _no_spans(paper_id: str) -> Sequence[tuple[int, int]]:
    return ()


def search_view(
    searcher: Searcher,
    states: Mapping[str, State],
    query: Query,
    *,
    new_since: str | None = None,
    now: datetime | None = None,
) -> ViewResult:
    """Every paper matching `query`, in the query's order."""
    context = QueryContext(states=states, now=now or datetime.now(UTC), new_since=new_since)
    result = searcher.search(query, context, limit=FIRST_HITS)
    rows = result.all_ids()
    if not query.words and not query.phrases:
        return ViewResult(rows, _no_spans)
    first: dict[str, Hit] = {hit.id: hit for hit in result.hits}

    def title_spans(paper_id: str) -> Sequence[tuple[int, int]]:
        hit = first.get(paper_id)
        spans = hit.spans if hit is not None else searcher.spans(paper_id, query, context)
        return spans.get("title", ())

    return ViewResult(rows, title_spans)
