"""The search engine's face: `Searcher` answers queries over a set of papers (filter, rank,
highlight) and keeps them current; `QueryContext`, `Hit` and `SearchResult` are re-exported from
`tui.query.results`.

The work is done elsewhere, one job per module: `tui.query.corpus` holds the numbered papers,
their live scans and change logs; `tui.query.build` builds the word index in stages;
`tui.query.evaluate` evaluates a query (how it stays fast at 100k papers is told there);
`tui.query.orders` sorts and keeps the catalog columns. Answers - ids, order, scores, spans -
never depend on how far the build has come, which makes three ways to use a Searcher:

* one-shot (the CLI): `Searcher(papers).search(query, ctx, limit=...)` and exit - no build, the
  query scans (under a second for two words at 100k papers on a slow 2-core box, most of it
  normalising the abstracts once), and the first `limit` hits are picked without sorting the
  whole library;
* the app: `start_build()` (or `build()` in a worker). Stage 1 indexes titles and authors, warms
  the date and upvote orders and flips `ready` (about a second at 100k); stage 2 indexes
  abstracts and flips `abstracts_ready` (several seconds). Both are cooperative, so a UI thread
  keeps drawing. Searches never wait for either stage; until stage 2 ends, each new word costs
  one scan of the abstracts;
* tests and scripts: `build()` and then search.

All public methods are thread-safe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from functools import partial

from tui.models import Paper
from tui.query.build import StagedBuild
from tui.query.corpus import Corpus
from tui.query.evaluate import Evaluation, Highlighter
from tui.query.nodes import Query
from tui.query.parser import parse
from tui.query.results import (
    SPAN_FIELDS,
    Hit,
    LazySpans,
    PaperIds,
    QueryContext,
    SearchResult,
    SpanMap,
    paper_ids,
)
from tui.query.scan import WordChunks

__all__ = ["SPAN_FIELDS", "Hit", "LazySpans", "QueryContext", "SearchResult", "Searcher", "SpanMap"]


class Searcher:
    """Answers queries over a set of papers; keep it current with add_or_update / remove."""

    def __init__(
        self,
        papers: Iterable[Paper] | Mapping[str, Paper] = (),
        *,
        on_snapshot: Callable[[str], None] | None = None,
    ) -> None:
        """`on_snapshot(field)` (a test hook) is called when the build has taken a field's
        snapshot and before it indexes it: a test changes the papers there."""
        self._corpus = Corpus(papers)
        self._builder = StagedBuild(self._corpus)
        self._builder.on_snapshot = on_snapshot

    @classmethod
    def over_records(
        cls,
        papers: Sequence[Paper],
        ids: list[str],
        days: list[str],
        upvotes: list[int | None] | None = None,
    ) -> Searcher:
        """A read-only searcher over `papers`, whose ids, sort days (`tui.query.orders.day`) and
        upvotes are given, for a one-shot query over papers decoded on demand
        (`tui.store.catalog_records`): a paper is read only where the query needs more of it
        than its id and day - seed its word forms first (`seed_words`) or every paper is read
        to build them. It takes no changes."""
        searcher = cls.__new__(cls)
        searcher._corpus = Corpus(papers, ids=ids)
        searcher._corpus.columns.seed(ids=searcher._corpus.ids, days=days, upvotes=upvotes)
        searcher._builder = StagedBuild(searcher._corpus)
        return searcher

    # -- the library ------------------------------------------------------------------------------

    def __len__(self) -> int:
        with self._corpus.lock:
            return len(self._corpus.numbers)

    @property
    def ready(self) -> bool:
        """True once stage 1 of the build is done: titles and authors are indexed, sort orders
        and columns are warm. Results are the same before and after; only speed changes."""
        return self._builder.ready

    @property
    def abstracts_ready(self) -> bool:
        """True once stage 2 is done and abstracts are indexed too. Until then a word is looked
        for in abstracts by a C-speed scan (about 0.1 s per word at 100k papers): every result is
        complete and correct, a keystroke is just slower."""
        return self._builder.abstracts_ready

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait for stage 1 of a running build; True when the index is ready."""
        self._builder.titles_done.wait(timeout)
        return self.ready

    def wait_abstracts_ready(self, timeout: float | None = None) -> bool:
        """Wait for stage 2 of a running build; True when abstracts are indexed."""
        self._builder.abstracts_done.wait(timeout)
        return self.abstracts_ready

    def paper(self, paper_id: str) -> Paper:
        """The paper with this id (KeyError when there is none)."""
        with self._corpus.lock:
            found = self._corpus.papers[self._corpus.numbers[paper_id]]
        if found is None:
            raise KeyError(paper_id)
        return found

    def add_or_update(self, papers: Iterable[Paper] | Mapping[str, Paper]) -> None:
        """Add new papers and replace changed ones (matched by id)."""
        self._corpus.add_or_update(papers.values() if isinstance(papers, Mapping) else papers)

    def texts_filled(self) -> None:
        """The papers' abstracts were filled in place (`Library.load_texts` after a start-up
        without them): forget everything derived from the empty ones.

        Call it before the abstract stage of `build()` runs; an index that already holds
        abstracts was built from the filled texts and needs nothing.
        """
        self._corpus.texts_filled()

    def remove(self, ids: Iterable[str]) -> None:
        """Forget papers by id (unknown ids are ignored)."""
        self._corpus.remove(ids)

    def forget_learned(self) -> None:
        """Forget what searches taught the index and caches (long prefixes, typo tables, leaf
        results), keeping the build: the next keystrokes cost what a fresh session's do."""
        with self._corpus.lock:
            index = self._corpus.index
            if index is not None:
                for field_index in index.fields.values():
                    field_index.forget_learned()
            self._corpus.leaf_cache.clear()

    def word_chunks(self, name: str) -> WordChunks | None:
        """The word form a search built of text field `name` (to save for another process),
        or None."""
        return self._corpus.word_chunks(name)

    def seed_words(self, name: str, chunks: WordChunks) -> bool:
        """Take `chunks` (`word_chunks(name)` of a searcher over equal papers in the same
        order, saved) as field `name`'s word form, so a search does not normalise the field
        again; False when they do not fit these papers (then nothing changes)."""
        return self._corpus.seed_words(name, chunks)

    # -- the index ----------------------------------------------------------------------------

    def build(self, *, abstracts: bool = True, cancelled: Callable[[], bool] | None = None) -> bool:
        """Build the word index in two stages, in the calling thread (a worker: searches and
        updates keep working meanwhile, and answer the same before, during and after).

        Stage 1 indexes titles and authors and warms the date and upvote orders, then flips
        `ready` (about a second at 100k papers) and, a step at a time, precomputes short
        prefixes and the common catalog columns. Stage 2 (unless `abstracts` is False) indexes
        abstracts, then flips `abstracts_ready` (several seconds). The calling thread gives up
        the interpreter every couple of milliseconds so a UI thread keeps drawing. Returns at
        once when the stages asked for are done or another thread is building.

        `cancelled()` is asked every few milliseconds; when it says True the build stops where
        it is (what was published stays, the rest is left for a later build) and returns False
        (an app quitting must not wait seconds for an index it will never use).
        """
        return self._builder.run(abstracts=abstracts, cancelled=cancelled)

    def start_build(self, *, abstracts: bool = True) -> threading.Thread:
        """Run `build()` in a daemon thread and return it."""
        thread = threading.Thread(
            target=partial(self.build, abstracts=abstracts), name="paperdeck-index", daemon=True
        )
        thread.start()
        return thread

    # -- searching --------------------------------------------------------------------------------

    def search(
        self, query: Query | str, ctx: QueryContext | None = None, limit: int | None = None
    ) -> SearchResult:
        """The papers matching `query`, best first, at most `limit` hits (all when None).

        Hits' spans are computed lazily, field by field, on first access. Raises
        QuerySyntaxError for a malformed query string.
        """
        parsed = parse(query) if isinstance(query, str) else query
        context = ctx if ctx is not None else QueryContext()
        if parsed.rank is not None and context.ranker is not None:
            return self._ranked(parsed, context, limit)
        corpus = self._corpus
        corpus.prepare_scans(parsed)
        with corpus.lock:
            run = Evaluation(corpus, context)
            matched = run.match(parsed)
            numbers, scores, total = run.execute(parsed, limit, matched)
            highlighter = run.highlighter(parsed)
            papers = corpus.papers
            hits = [
                Hit(
                    papers[n].id,  # type: ignore[union-attr]
                    scores[i],
                    LazySpans(partial(highlighter, papers[n])),  # type: ignore[arg-type]
                )
                for i, n in enumerate(numbers)
            ]
        title_spans = partial(_title_spans, corpus, highlighter)
        if limit is None:
            return SearchResult(hits, total, title_spans=title_spans)

        def all_ids() -> PaperIds:
            """Every match in order: the same matches as the first hits (no second evaluation
            of the query), ordered in full, as `PaperIds` (numbers no collection walks)."""
            corpus.prepare_scans(parsed)
            with corpus.lock:
                run = Evaluation(corpus, context)
                everything, _scores, _total = run.execute(parsed, None, matched)
                return paper_ids(everything, corpus.ids)

        return SearchResult(hits, total, all_ids, title_spans)

    def _ranked(self, query: Query, context: QueryContext, limit: int | None) -> SearchResult:
        """A query with a ranking term: the matching papers in their ordinary order (which
        breaks ties), then put in the ranking engine's order outside the corpus lock (scoring
        100k papers takes tens of milliseconds; other searches need not wait for it)."""
        assert query.rank is not None and context.ranker is not None
        plain = replace(query, rank=None)
        corpus = self._corpus
        corpus.prepare_scans(plain)
        with corpus.lock:
            run = Evaluation(corpus, context)
            numbers, scores, total = run.execute(plain, None)
            highlighter = run.highlighter(plain)
            papers: list[Paper] = [corpus.papers[n] for n in numbers]  # type: ignore[misc]
        ids = [paper.id for paper in papers]
        ranked = context.ranker.order(query.rank, ids, context.states, context.states_version)
        if ranked is not None:
            positions, scores = ranked
        else:
            positions = list(range(len(ids)))
        shown = positions if limit is None else positions[:limit]
        hits = [
            Hit(ids[i], scores[k], LazySpans(partial(highlighter, papers[i])))
            for k, i in enumerate(shown)
        ]
        return SearchResult(
            hits,
            total,
            lambda: paper_ids(map(numbers.__getitem__, positions), corpus.ids),
            partial(_title_spans, corpus, highlighter),
        )

    def spans(
        self, paper_id: str, query: Query | str, ctx: QueryContext | None = None
    ) -> dict[str, list[tuple[int, int]]]:
        """Highlight spans of `query` in one paper (empty dict for an unknown id)."""
        parsed = parse(query) if isinstance(query, str) else query
        corpus = self._corpus
        corpus.prepare_scans(parsed)
        with corpus.lock:
            number = corpus.numbers.get(paper_id)
            if number is None:
                return {}
            paper = corpus.papers[number]
            highlighter = Evaluation(corpus, ctx or QueryContext()).highlighter(parsed)
        assert paper is not None
        found = {name: highlighter(paper, name) for name in SPAN_FIELDS}
        return {name: spans for name, spans in found.items() if spans}


def _title_spans(
    corpus: Corpus, highlighter: Highlighter, ids: Iterable[str]
) -> dict[str, list[tuple[int, int]]]:
    """The title spans of the papers `ids` that have some (papers removed since are left out):
    the papers are read under the lock, their spans computed outside it."""
    with corpus.lock:
        numbers = [corpus.numbers.get(paper_id) for paper_id in ids]
        papers = [corpus.papers[n] for n in numbers if n is not None]
    found = {paper.id: highlighter(paper, "title") for paper in papers if paper is not None}
    return {paper_id: spans for paper_id, spans in found.items() if spans}
