"""Running a view + filter through the core's query language, off the UI thread.

The view (Inbox, a tag, …) and the typed filter are two separate queries, so a filter such as
`a OR b` cannot swallow the view's condition. The filter is searched with the core's Searcher,
then the hits are kept when the paper belongs to the view. Plain Python, no Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tui.models import DEFAULT_STATE, State
from tui.query import QueryContext, Searcher, parse


@dataclass(slots=True)
class ViewResult:
    """Ids in display order and, per id, the title spans to highlight."""

    rows: list[str]
    title_spans: dict[str, Sequence[tuple[int, int]]]


def check_filter(text: str) -> None:
    """Raise QuerySyntaxError (with `.position`) when `text` is not a valid query."""
    parse(text)


def search_view(
    searcher: Searcher,
    states: Mapping[str, State],
    holds: Callable[[State], bool],
    text: str,
    *,
    new_since: str | None = None,
    now: datetime | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> ViewResult | None:
    """The papers matching `text` that the view `holds`; None if cancelled on the way."""
    context = QueryContext(states=states, now=now or datetime.now(UTC), new_since=new_since)
    result = searcher.search(parse(text), context)
    if cancelled():
        return None
    rows: list[str] = []
    spans: dict[str, Sequence[tuple[int, int]]] = {}
    default = DEFAULT_STATE
    get_state = states.get
    for hit in result.hits:
        if holds(get_state(hit.id, default)):
            rows.append(hit.id)
            title = hit.spans.get("title")
            if title:
                spans[hit.id] = title
    return ViewResult(rows, spans)
