"""The scan cache in a one-shot query: `WordCache` seeds and saves it, `from_records` answers a
query from it without decoding the catalog.

`paperdeck list diffusion --limit 20` at 100k papers spent most of its time on two things the
last run had already done: decoding all of `catalog.json` (0.75 s) and normalising every title
and author name for the scan (0.43 s). The scan cache (`tui.store.scan_cache`) keeps the word
forms, the ids, the days papers sort on and where each record is in `catalog.json`; a query
the titles-first rule answers (`tui.cli_commands.oneshot.titles_first`) and that reads nothing
else of a paper (fuzzy words, `AND`/`OR`, state terms, `date:`, `upvotes:`) then decodes only the records it prints
(`tui.store.catalog_records`). Any other query, or a stale or damaged cache, takes the ordinary
path, which seeds the word forms when the cache fits the papers it decoded and saves a fresh
cache when it did not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tui.models import Paper
from tui.store import Library

if TYPE_CHECKING:
    from tui.query import QueryContext, Searcher
    from tui.query.nodes import Node, Query
    from tui.store.scan_cache import ScanCache

FIELDS = ("title", "authors")
"""The fields whose word forms are cached (abstracts would be most of the library's bytes)."""


class WordCache:
    """The scan cache of a one-shot search over the decoded papers `papers`: word forms seeded
    into `searcher` when the cache was derived from exactly these papers, and a fresh cache
    saved after the search when it was not (or lacked something) and the search built them."""

    def __init__(self, lib: Library, papers: Mapping[str, Paper], searcher: Searcher) -> None:
        from tui.query.scan import CHUNK_PAPERS, WORDS_FORMAT
        from tui.store.scan_cache import cache_path, load_words, papers_key

        self.papers = papers
        self._lib = lib
        self._searcher = searcher
        self._path = cache_path(lib.home)
        self._signature = lib.catalog_signature
        self._key = (
            None
            if self._signature is None
            else papers_key(self._signature, list(papers), WORDS_FORMAT, CHUNK_PAPERS)
        )
        self._seeded: set[str] = set()
        self._complete = False
        if self._key is not None:
            found = load_words(self._path, self._key)
            if found is not None:
                self._seeded = {
                    name
                    for name in FIELDS
                    if name in found.words and searcher.seed_words(name, found.words[name])
                }
                self._complete = self._seeded.issuperset(FIELDS) and _has_columns(found)

    def save(self) -> None:
        """Save the word forms the search built (with those seeded) and the columns, unless the
        cache was complete and current (best effort: an unwritable folder only means the next
        run scans again)."""
        from tui.query.orders import day
        from tui.store.catalog_records import read_catalog, record_offsets
        from tui.store.scan_cache import ScanCache, save_words

        if self._key is None or self._signature is None or self._complete:
            return
        built = {name: self._searcher.word_chunks(name) for name in FIELDS}
        words = {name: chunks for name, chunks in built.items() if chunks is not None}
        if not words:
            return
        ids = list(self.papers)
        raw = read_catalog(self._lib.home / "catalog.json", self._signature)
        # None: this catalog is not laid out for reading by offset; saved as none, so the
        # cache still counts as complete and later runs do not look for them again.
        records = (record_offsets(raw, ids) if raw is not None else None) or []
        days = list(map(day, self.papers.values()))
        upvotes = [paper.upvotes for paper in self.papers.values()]
        save_words(self._path, ScanCache(self._key, words, ids, days, records, upvotes))
        self._complete = True


def _has_columns(cache: ScanCache) -> bool:
    columns = (cache.ids, cache.days, cache.records, cache.upvotes)
    return all(column is not None for column in columns)


def answers_from_records(query: Query) -> bool:
    """True when the titles-first answer of `query` reads no paper beyond its id, day,
    upvotes, title and authors: fuzzy words, `AND`/`OR`, state terms, `date:` and `upvotes:`
    only (the quick query's nodes)."""
    from tui.query.nodes import And, Attr, DateRange, Has, Is, MatchAll, NumberRange, Or, Word

    quick = query.without_field("abstract")
    if quick is None:
        return False

    def plain(node: Node) -> bool:
        if isinstance(node, Word):
            return set(node.fields) <= set(FIELDS)
        if isinstance(node, And | Or):
            return all(plain(item) for item in node.items)
        if isinstance(node, Is):
            return node.value != "new"  # is:new reads first_seen
        if isinstance(node, Has):
            return node.value in ("note", "tags")
        if isinstance(node, Attr):
            return node.name == "tag"
        if isinstance(node, DateRange):
            return node.name == "date"  # the day the cache holds; `listed:` is another date
        if isinstance(node, NumberRange):
            return node.name == "upvotes"
        return isinstance(node, MatchAll)

    return plain(quick.root)


def from_records(
    lib: Library, context: QueryContext, query: Query, limit: int | None
) -> list[Paper] | None:
    """The papers `titles_first` gives for `query`, answered from the scan cache and the few
    records it prints, without decoding the catalog; None when the cache is missing, stale or
    damaged, the query reads more of a paper (`answers_from_records`), or titles-first cannot
    answer it: then answer the ordinary way."""
    from tui.cli_commands.oneshot import titles_first
    from tui.query import Searcher
    from tui.query.scan import CHUNK_PAPERS, WORDS_FORMAT
    from tui.store.catalog_records import CatalogRecords, StaleRecords
    from tui.store.db import file_signature
    from tui.store.scan_cache import cache_path, discard, load_words, papers_key

    if not limit or not answers_from_records(query):
        return None
    cache = load_words(cache_path(lib.home))
    if cache is None or not _has_columns(cache):
        return None
    assert cache.ids is not None and cache.days is not None and cache.records is not None
    if len(cache.records) != len(cache.ids) + 1:
        return None  # saved without offsets
    path = lib.home / "catalog.json"
    signature = file_signature(path)
    if signature is None or cache.key != papers_key(
        signature, cache.ids, WORDS_FORMAT, CHUNK_PAPERS
    ):
        return None
    records = CatalogRecords(path, signature, cache.ids, cache.records)
    try:
        searcher = Searcher.over_records(records, cache.ids, cache.days, cache.upvotes)
        if not all(searcher.seed_words(name, cache.words.get(name, [])) for name in FIELDS):
            return None
        rows = titles_first(searcher, context, query, limit)
        if rows is None:
            return None
        return [searcher.paper(paper_id) for paper_id in rows]
    except StaleRecords:  # the catalog changed meanwhile, or the cache is wrong: gone either way
        discard(cache_path(lib.home))
        return None
    finally:
        records.close()
