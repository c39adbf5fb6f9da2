"""The query language and search engine: parse the filter box, match and rank papers fast.

    q = parse("diffusion tag:to-read upvotes:>20")
    ctx = QueryContext(states=lib.states(), now=datetime.now(UTC), new_since=lib.get_meta("new_since"))
    searcher = Searcher(lib.papers())        # usable at once: searches scan the text
    searcher.start_build()                   # the app: index in the background (ready, then
                                             # abstracts_ready); answers are the same throughout
    result = searcher.search(q, ctx, limit=200)   # -> SearchResult(hits=[Hit(id, score, spans)], total)

The language is DESIGN.md section 4 (details in `tui.query.parser`, `tui.query.dates` and
`tui.query.text`); the engine's face in `tui.query.searcher`, evaluation and its speed in
`tui.query.evaluate`, the index in `tui.query.index` (built by `tui.query.build`), index-free
search in `tui.query.scan`.
"""

from tui.query.nodes import Query
from tui.query.parser import QuerySyntaxError, parse
from tui.query.searcher import Hit, QueryContext, Searcher, SearchResult

__all__ = ["Hit", "Query", "QueryContext", "QuerySyntaxError", "SearchResult", "Searcher", "parse"]
