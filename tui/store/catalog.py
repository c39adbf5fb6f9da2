"""The catalog on disk: `catalog.json` (papers without their long texts) and the texts shards.

The two are read when the papers are first asked for, not when the library opens, and the
texts (most of the bytes) may come later still: the list paints from the catalog alone. The
catalog is decoded straight into `Paper` structs (`tui.store.catalog_file`: types checked as
it parses, 0.6 s at 100k papers where parsing to dicts, checking them and building papers took
1.5 s); a file that decoder does not take is read the ordinary way, which names what is wrong. An
import stages its records against the papers in memory (`stage`, the rules in
`tui.store.merge`), reading the texts of only the papers its records are (`fill_texts_of`),
and writes them in one atomic write per file touched (`commit`): spliced into the files' bytes
(`tui.store.catalog_splice`), so an import of eight papers into a million costs a read and a
write of the catalog's bytes, not a parse and dump of every record; through TinyDB when a file
is not laid out as the store writes it. The indexes that find a record's paper (arXiv id,
title) are built on first use and kept up to date by commits.

The decoders, the merge rules and the splicing are imported when a catalog is first read,
staged or written: a library opened to triage (`paperdeck star ID`) reads neither file, and
msgspec, which they need, costs a whole-process command tens of milliseconds to import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from operator import attrgetter, methodcaller
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tui.memory import paused_gc, release_free_memory
from tui.models import normalise_title, normalise_titles, paper_key
from tui.records import Record
from tui.store.db import KeyedDB, Signature
from tui.store.states import ReadTable

if TYPE_CHECKING:
    from tui.models import Paper

DEFAULT_TEXT_SHARDS = 16
"""The texts shard count of a new library (and of every library made before counts were
recorded)."""
_GET_ABSTRACT = methodcaller("get", "abstract", "")
_GET_SUMMARY = methodcaller("get", "ai_summary")
_ID = attrgetter("id")


class UpsertResult(Record):
    """What an import or sync did to the catalog (ids in each list)."""

    __slots__ = ("added", "unchanged", "updated")

    def __init__(
        self,
        added: list[str] | None = None,
        updated: list[str] | None = None,
        unchanged: list[str] | None = None,
    ) -> None:
        self.added: list[str] = [] if added is None else added
        self.updated: list[str] = [] if updated is None else updated
        self.unchanged: list[str] = [] if unchanged is None else unchanged


class Staged(Record):
    """An import's records merged against the catalog, not yet written; `rekeyed` maps old id
    -> new id, for title-keyed papers that gained an arXiv id."""

    __slots__ = ("papers", "rekeyed", "result")

    def __init__(
        self, result: UpsertResult, papers: dict[str, Paper], rekeyed: dict[str, str]
    ) -> None:
        self.result = result
        self.papers = papers
        self.rekeyed = rekeyed


class Committed(Record):
    """The last commit of this process: the catalog's signature before and after, and what it
    wrote (for derived files updated rather than rebuilt: `tui.store.ids`)."""

    __slots__ = ("after", "before", "staged")

    def __init__(self, before: Signature | None, after: Signature | None, staged: Staged) -> None:
        self.before = before
        self.after = after
        self.staged = staged


class _Titles(Mapping[str, str]):
    """The catalog's title index, built only if a record is looked up by title (a re-import
    whose records all match by arXiv id never needs it: 0.3 s at 100k papers)."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def __getitem__(self, key: str) -> str:
        return self._catalog.titles()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._catalog.titles().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._catalog.titles())

    def __len__(self) -> int:
        return len(self._catalog.titles())


class Catalog:
    """The catalog and texts files, and the papers loaded from them. Not locked: the library
    calls it under its mutex (reads) or its write lock (writes)."""

    def __init__(self, catalog: KeyedDB, texts: list[KeyedDB], read_table: ReadTable) -> None:
        self.db = catalog
        self.texts = texts
        self._read = read_table
        self._papers: dict[str, Paper] | None = None
        self._texts_loaded = False
        # Built on first use (an import, an id to resolve), not at start-up: 50 ms at 100k.
        self._by_arxiv: dict[str, str] | None = None
        self._by_title: dict[str, str] | None = None
        # The signature of the catalog.json the papers were decoded from byte for byte (None:
        # read the ordinary way, or not yet): what a commit may splice (`write_catalog`).
        self._decoded: Signature | None = None
        self._texts_filled: set[str] = set()
        self.last_commit: Committed | None = None
        """Papers whose texts were read alone (`fill_texts_of`) while the rest are not loaded."""

    @property
    def files(self) -> list[KeyedDB]:
        return [self.db, *self.texts]

    @property
    def texts_read(self) -> list[KeyedDB]:
        """The texts shards this process has read or written (as their signatures say)."""
        return [db for db in self.texts if db.file.signature is not None]

    @property
    def signature(self) -> Signature | None:
        """`catalog.json`'s signature as last read or written: what the papers in memory are."""
        return self.db.file.signature

    @property
    def decoded_signature(self) -> Signature | None:
        """The signature of the `catalog.json` the papers were decoded from byte for byte (None:
        not loaded, or read the ordinary way)."""
        return self._decoded if self._papers is not None else None

    @property
    def loaded(self) -> bool:
        return self._papers is not None

    @property
    def texts_loaded(self) -> bool:
        return self._papers is not None and self._texts_loaded

    def papers(self, *, texts: bool) -> dict[str, Paper]:
        """Every paper by id, loaded on first use (with their texts if asked)."""
        if self._papers is None:
            self._papers = self._load(texts=texts)
            release_free_memory()  # the parsed files are gone: ~100 MB of heap at 100k papers
        elif texts and not self._texts_loaded:
            self._fill_texts(self._papers)
            release_free_memory()
        return self._papers

    def _load(self, *, texts: bool) -> dict[str, Paper]:
        from tui.models import Paper
        from tui.store.catalog_file import decode_catalog

        with paused_gc(keep=True):
            decoded = self.db.file.read_typed(decode_catalog)
            self._decoded = None
            if decoded is not None:
                keys, loaded = decoded.keys, decoded.papers
                self._decoded = self.db.file.signature
            else:  # an older schema, or a record of the wrong type: migrated or named there
                table = self._read(self.db, "papers")
                keys, loaded = list(table), list(map(Paper.from_dict, table.values()))
            ids = list(map(_ID, loaded))
            # Keyed by each paper's own id string when the file's keys are the same ids (as the
            # store writes them): the keys parsed are dropped, not kept beside (6 MB at 100k).
            papers = dict(zip(ids if ids == keys else keys, loaded, strict=True))
        # The parsed file stays cached in the storage otherwise: twice the memory for a file
        # that only import and sync write (they re-read it under the lock anyway).
        self.db.file.forget()
        self._by_arxiv = None
        self._by_title = None
        self._texts_loaded = False
        self._texts_filled = set()
        if texts:
            self._fill_texts(papers)
        return papers

    def _fill_texts(self, papers: Mapping[str, Paper]) -> None:
        """Fill the papers' texts from the shards, each a slice at a time (`decode_texts`);
        abstracts stay in the files (`tui.store.texts`) and are read back when asked for,
        unless a shard's bytes cannot be matched."""
        from tui.models import fill_texts
        from tui.store.texts import TABLE as TEXTS_TABLE
        from tui.store.texts import decode_texts

        for db in self.texts:
            with paused_gc(keep=True):
                decoded = db.file.read_typed(decode_texts)
                if decoded is not None:
                    keys, abstracts, summaries = decoded.keys, decoded.abstracts, decoded.summaries
                else:  # not as the store writes it, or damaged: the ordinary read names it
                    table = self._read(db, TEXTS_TABLE)
                    docs = list(table.values())
                    keys = list(table)
                    abstracts = list(map(_GET_ABSTRACT, docs))
                    summaries = list(map(_GET_SUMMARY, docs))
                found = list(map(papers.get, keys))
                if not all(found):  # texts of papers the catalog does not hold: skipped
                    kept = [n for n, paper in enumerate(found) if paper is not None]
                    found = [found[n] for n in kept]
                    abstracts = [abstracts[n] for n in kept]
                    summaries = [summaries[n] for n in kept]
                fill_texts(cast("list[Paper]", found), abstracts, summaries)
            db.file.forget()
        self._texts_loaded = True

    def fill_texts_of(self, ids: Iterable[str]) -> None:
        """Fill the texts of these papers (those not filled yet) from their shards alone, the
        other papers' left on disk; every paper's the ordinary way when a shard is not laid out
        as the store writes it."""
        from tui.models import fill_texts
        from tui.store.catalog_splice import texts_of
        from tui.store.texts import TABLE as TEXTS_TABLE

        if self._texts_loaded:
            return
        papers = self.papers(texts=False)
        wanted = [p for p in dict.fromkeys(ids) if p in papers and p not in self._texts_filled]
        if not wanted:
            return
        found = texts_of(self.texts, TEXTS_TABLE, wanted)
        if found is None:
            self.papers(texts=True)
            return
        fill_texts(
            [papers[pid] for pid in wanted],
            [found[pid][0] for pid in wanted],
            [found[pid][1] for pid in wanted],
        )
        self._texts_filled.update(wanted)

    def is_empty(self, path: Path) -> bool:
        """True when the catalog (at `path`) holds no paper."""
        if self._papers is not None:
            return not self._papers
        if not path.exists():
            return True
        if path.stat().st_size > 4096:
            return False  # an empty catalog is a few dozen bytes: no need to parse 50 MB here
        return not self._read(self.db, "papers")

    def forget_if_changed(self) -> None:
        """Drop the papers in memory if another process rewrote the files since they were read."""
        if self._papers is not None and any(db.file.changed_on_disk() for db in self.files):
            self._papers = None

    def arxiv_ids(self) -> dict[str, str]:
        """arXiv id (without version) -> paper id."""
        if self._by_arxiv is None:
            papers = self.papers(texts=False)
            self._by_arxiv = {p.arxiv_id: pid for pid, p in papers.items() if p.arxiv_id}
        return self._by_arxiv

    def titles(self) -> dict[str, str]:
        """Normalised title -> paper id."""
        if self._by_title is None:
            papers = self.papers(texts=False)
            titles = normalise_titles([p.title for p in papers.values()])
            self._by_title = dict(zip(titles, papers, strict=True))
        return self._by_title

    def stage(self, incoming: Iterable[Paper], source: str, now: str) -> Staged:
        """Merge records into the catalog in memory only: by arXiv id first, else by title.

        New papers get `first_seen` now; known ones gain fields they lacked and take refreshed
        values. A paper first known only by its title is re-keyed to `arxiv:<id>` when a record
        brings the id.
        """
        from tui.models import Paper
        from tui.store.merge import Layered, differs, match, merge_paper, sanitised

        papers = self.papers(texts=False)
        records = list(map(sanitised, incoming))
        # The texts of the papers the records are (to merge with) are read from their shards
        # alone; the other papers' stay on disk.
        self.fill_texts_of(
            pid
            for pid in (match(p, self.arxiv_ids(), _Titles(self), papers) for p in records)
            if pid is not None
        )
        result = UpsertResult()
        staged: dict[str, Paper] = {}
        rekeyed: dict[str, str] = {}
        staged_arxiv: dict[str, str] = {}
        staged_title: dict[str, str] = {}
        added: set[str] = set()
        by_arxiv = Layered(staged_arxiv, self.arxiv_ids())
        by_title = Layered(staged_title, _Titles(self))
        for paper in records:
            target = match(paper, by_arxiv, by_title, papers)
            if target is None:
                fresh = Paper.from_dict(paper.to_dict())
                fresh.id = paper_key(fresh.arxiv_id, fresh.title)
                fresh.first_seen = fresh.first_seen or now
                fresh.last_synced = fresh.last_synced or now  # kept from an own export
                if source and source not in fresh.sources:
                    fresh.sources.append(source)
                staged[fresh.id] = fresh
                result.added.append(fresh.id)
                added.add(fresh.id)
                if fresh.arxiv_id:
                    staged_arxiv[fresh.arxiv_id] = fresh.id
                staged_title[normalise_title(fresh.title)] = fresh.id
                continue
            if target not in staged:
                self.fill_texts_of([target])
            current = staged.get(target) or papers[target]
            merged = merge_paper(current, paper, source)
            if merged.arxiv_id and target.startswith("title:"):
                new_id = paper_key(merged.arxiv_id, merged.title)
                if new_id not in papers and new_id not in staged:
                    rekeyed[target] = new_id
                    merged.id = new_id
                    staged.pop(target, None)
                    target = new_id
            if differs(current, merged) or target != current.id:
                merged.last_synced = now
                staged[target] = merged
                if merged.arxiv_id:
                    staged_arxiv[merged.arxiv_id] = target
                staged_title[normalise_title(merged.title)] = target
                if current.id not in added and target not in added:
                    result.updated.append(target)
            elif target not in staged:
                result.unchanged.append(target)
        result.updated = [pid for pid in dict.fromkeys(result.updated) if pid not in added]
        return Staged(result, staged, rekeyed)

    def commit(self, staged: Staged) -> None:
        """Write staged records (under the library's write lock) and take them in memory."""
        from tui.store.catalog_splice import TEXT_FIELDS, write_catalog, write_texts
        from tui.store.merge import compact
        from tui.store.texts import TABLE as TEXTS_TABLE

        docs: dict[str, dict[str, Any]] = {}
        texts: dict[str, dict[str, Any]] = {}
        for pid, paper in staged.papers.items():
            doc = paper.to_dict()
            texts[pid] = {k: doc.pop(k) for k in TEXT_FIELDS if doc.get(k)}
            docs[pid] = compact(doc)
        papers = self.papers(texts=False)
        before = self.signature
        gone = list(staged.rekeyed)
        # Texts first: a crash between the two writes leaves only unused texts behind.
        write_texts(self.texts, TEXTS_TABLE, texts, gone, papers)
        if not write_catalog(self.db, papers, self._decoded, docs, gone):
            self.db.keyed("papers").put_many(docs, delete=gone)
            self._decoded = None  # TinyDB's bytes now, and its parsed copy is cached
        else:
            self._decoded = self.db.file.signature
        self._texts_filled.update(staged.papers)
        for old in staged.rekeyed:
            papers.pop(old, None)
        papers.update(staged.papers)
        for pid, paper in staged.papers.items():
            if paper.arxiv_id:
                self.arxiv_ids()[paper.arxiv_id] = pid
            if self._by_title is not None:  # else built when first asked for, with these
                self._by_title[normalise_title(paper.title)] = pid
        self.last_commit = Committed(before, self.signature, staged)

    def close(self) -> None:
        for db in self.files:
            db.close()
