"""One-shot queries for `list`, `export` and `similar`: read only what the query needs.

A command runs one query and exits, so nothing is indexed: the query scans. Abstracts are most
of a library's bytes (a second to read and normalise at 100k papers), so they are read only when
the output or the query needs them — and a query that looks in them is first answered from
titles and authors alone when that provably gives the same first rows (`titles_first`): the
common `paperdeck list diffusion --limit 20` never reads an abstract. While the scan cache is
current it does not decode the catalog either, only the records it prints
(`tui.cli_commands.scan_words`), and the user's states are read only if the query asks for
them (`LazyStates`).
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, Sequence, ValuesView
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tui.cli_commands.scan_words import WordCache, from_records
from tui.models import Paper, State
from tui.paths import config_file
from tui.store import Library

FEW_PAPERS = 512
"""Up to this many papers exported, their states are read from their own shards."""

if TYPE_CHECKING:
    from tui.query import QueryContext, Searcher
    from tui.query.nodes import Query


def search(
    lib: Library,
    words: Sequence[str],
    limit: int | None = None,
    *,
    texts: bool = True,
    home: str | None = None,
) -> list[Paper]:
    """The papers matching the query, in its order; abstracts are read only if `texts` or the
    query needs them (or a ranking term needs its matrix built). `home` is `--home`, to find
    config.toml."""
    from tui.query import QueryContext, Searcher, parse
    from tui.query.pages import new_marker, run_query

    query = parse(" ".join(words))
    states, new_since, version = LazyStates(lib), lib.get_meta("new_since"), lib.states_version
    searcher: Searcher | None = None
    cache: WordCache | None = None
    if query.needs_texts and not lib.texts_loaded:
        context = QueryContext(
            states=states,
            now=datetime.now(UTC),
            new_since=new_marker(new_since),
            states_version=version,
        )
        if not texts and not lib.catalog_loaded:
            found = from_records(lib, context, query, limit)
            if found is not None:
                return found
        papers = lib.papers(texts=False)
        searcher = Searcher(papers.values())
        cache = WordCache(lib, papers, searcher)
        rows = titles_first(searcher, context, query, limit)
        if rows is not None:
            cache.save()
            if texts:
                lib.load_texts()
            return [papers[paper_id] for paper_id in rows]
    loaded = lib.papers(texts=texts or query.needs_texts)
    if searcher is not None and cache is not None and loaded is cache.papers:
        searcher.texts_filled()  # the same papers, their abstracts filled in place
    else:
        searcher = Searcher(loaded.values())
        cache = WordCache(lib, loaded, searcher)
    result = run_query(
        searcher,
        states,
        query,
        limit=limit,
        new_since=new_since,
        states_version=version,
        ranker=ranker(lib, home) if query.rank is not None else None,
    )
    cache.save()
    return [loaded[paper_id] for paper_id in result.rows]


class LazyStates(Mapping[str, State]):
    """The library's states, read (all 64 shards: a fifth of a second at 100k papers) only if
    the query asks for them: `is:`, `tag:`, `has:note`, a ranking term. Any other query never
    touches them, and the rows printed read their own shards alone (`Library.state`)."""

    def __init__(self, lib: Library) -> None:
        self._lib = lib

    def __getitem__(self, key: str) -> State:
        return self._lib.states()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._lib.states())

    def __len__(self) -> int:
        return len(self._lib.states())

    def get(self, key: str, default: Any = None) -> Any:
        return self._lib.states().get(key, default)

    def items(self) -> ItemsView[str, State]:
        return self._lib.states().items()

    def keys(self) -> KeysView[str]:
        return self._lib.states().keys()

    def values(self) -> ValuesView[State]:
        return self._lib.states().values()


def states_of(lib: Library, papers: Sequence[Paper]) -> Mapping[str, State]:
    """The states of `papers` (an export's): read from their shards alone when they are few,
    else every shard."""
    if len(papers) > FEW_PAPERS:
        return lib.states()
    return {paper.id: lib.state(paper.id) for paper in papers}


def titles_first(
    searcher: Searcher, context: QueryContext, query: Query, limit: int | None
) -> list[str] | None:
    """The first `limit` ids of `query` (relevance order), answered without abstracts when that
    gives exactly the ids the whole query would; None when it cannot be shown to.

    Why it holds: a query word scores by where it matched best (`tui.query.text.WEIGHTS`). A
    word matched only through an abstract or a typo scores at most `loose` (6), any word at most
    `best` (12), so a paper with one such word scores at most `bound` = best * (n - 1) + loose.
    A paper scoring above `bound` has every word matched, not by typo, in its title or authors:
    abstracts (and the typo budget, which abstracts can only turn off) change neither whether
    it matches nor its score. So when the `limit`-th hit without abstracts scores above
    `bound`, every paper above it would be the same with abstracts, in the same order (newest
    first within a score). Negations and phrases are left to the full query: an abstract can
    make a paper fail `-word`, or match a phrase no title holds.
    """
    from tui.query.nodes import Not, Phrase
    from tui.query.text import TYPO, WEIGHTS

    if not limit or query.rank is not None or query.effective_sort != "relevance":
        return None
    if any(isinstance(node, Not | Phrase) for node in query.root.walk()):
        return None
    quick = query.without_field("abstract")
    if quick is None or quick.needs_texts:
        return None
    best = max(WEIGHTS.values())
    loose = max(w for (name, kind), w in WEIGHTS.items() if name == "abstract" or kind == TYPO)
    bound = best * (len(query.words) - 1) + loose
    hits = searcher.search(quick, context, limit=limit).hits
    if len(hits) < limit or hits[-1].score <= bound:
        return None
    return [hit.id for hit in hits]


def ranker(lib: Library, home: str | None) -> Any:
    """The library's ranking engine, ready (imports numpy: only for ranking terms)."""
    from tui.config import load_config
    from tui.rank import Ranker

    engine = Ranker(lib, interests=load_config(config_file(home)).interests)
    engine.prepare()
    return engine
