"""The library as a searcher holds it: `Corpus`, the numbered papers and everything derived from
them, kept consistent under one lock while papers change.

Papers get small numbers (their position in `papers`; a removed paper leaves None) so every set
of papers is a bitmap. Besides the word index (once built) the corpus keeps, per text field not
indexed yet, a live `tui.query.scan.FieldScan` taken from a snapshot of the papers, and for every
snapshot in use (a scan, an index stage being built) a `ChangeLog` it fills on every update:
nothing that changes meanwhile is lost - a scan reads changed papers one by one, a finished
stage replays its log before it is published. Caches of per-library data (`Columns`, leaf and
state results) are dropped on every change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Protocol

from tui.models import Paper
from tui.query import bitmaps
from tui.query.index import WordIndex
from tui.query.nodes import TEXT_FIELDS, Phrase, Query, Word
from tui.query.orders import Columns
from tui.query.scan import FieldScan, WordChunks


class CorpusView(Protocol):
    """What an evaluation reads of the library (`tui.query.corpus.Corpus` is the one in use).

    `papers[n]` is paper number n (None once removed), `numbers` maps ids to numbers, `alive` is
    the bitmap of numbers in use, `index` the word index once stage 1 is built; `columns` the
    cached orders and columns; `leaf_cache` / `state_cache` keep leaf and state-term bitmaps until
    papers change; `scan_now(field)` is the live scan of a field the index does not cover yet.
    """

    @property
    def papers(self) -> Sequence[Paper | None]: ...
    @property
    def numbers(self) -> Mapping[str, int]: ...
    @property
    def alive(self) -> int: ...
    @property
    def size(self) -> int: ...
    @property
    def index(self) -> WordIndex | None: ...
    @property
    def columns(self) -> Columns: ...
    @property
    def leaf_cache(self) -> dict[Any, int]: ...
    @property
    def state_cache(self) -> dict[Any, int]: ...
    def scan_now(self, name: str) -> LiveScan: ...


class ChangeLog:
    """Paper numbers changed since some snapshot of the papers was taken (compared by identity)."""

    __slots__ = ("numbers",)

    def __init__(self, numbers: Iterable[int] = ()) -> None:
        self.numbers: set[int] = set(numbers)


@dataclass
class LiveScan:
    """A FieldScan in use for searching, and the papers changed since its snapshot."""

    scan: FieldScan
    log: ChangeLog


class Corpus:
    """Numbered papers, the word index, live scans and change logs, and the caches built on them.

    Hold `lock` to read or change any of it (it is re-entrant); `live_scan` and `prepare_scans`
    are the exception - they must be called without it, as they may wait for another thread
    building the same scan form.
    """

    def __init__(
        self,
        papers: Iterable[Paper] | Mapping[str, Paper] = (),
        *,
        ids: Sequence[str] | None = None,
    ) -> None:
        """`ids` (paper n's id, distinct) makes a read-only corpus over the sequence `papers`,
        read in place and only where a query needs a paper (a one-shot query over records
        decoded on demand: `Searcher.over_records`); it takes no changes."""
        self.read_only = ids is not None
        self.lock = threading.RLock()
        self.papers: list[Paper | None] = []
        self.numbers: dict[str, int] = {}
        self.ids: list[str] = []
        """Paper number -> id, removed papers included (append-only: numbers are never reused),
        so ids held as numbers (`tui.query.results.PaperIds`) keep meaning what they meant."""
        self.alive = 0
        self.index: WordIndex | None = None
        self.columns = Columns(self.papers)
        self.leaf_cache: dict[Any, int] = {}
        self.state_cache: dict[Any, int] = {}
        self._logs: list[ChangeLog] = []
        self._scans: dict[str, LiveScan] = {}
        self._scan_locks = {name: threading.Lock() for name in TEXT_FIELDS}
        if ids is not None:
            assert isinstance(papers, Sequence) and len(papers) == len(ids)
            self.numbers = dict(zip(ids, range(len(ids)), strict=True))
            if len(self.numbers) != len(ids):
                raise ValueError("a read-only corpus needs distinct ids")
            self.ids = list(ids)
            self.papers = papers  # type: ignore[assignment]  # read in place, never changed
            self.alive = (1 << len(ids)) - 1
            self.columns = Columns(self.papers, self.alive)
            return
        items = list(papers.values() if isinstance(papers, Mapping) else papers)
        numbers = dict(zip(map(attrgetter("id"), items), range(len(items)), strict=True))
        if len(numbers) == len(items):
            # Distinct ids (the usual case): no per-paper Python work.
            self.numbers = numbers
            self.ids = list(numbers)
            self.papers = items
            self.alive = (1 << len(items)) - 1
            self.columns = Columns(self.papers, self.alive)
        else:
            self.add_or_update(items)

    @property
    def size(self) -> int:
        """How many paper numbers are in use (removed ones included): every bitmap's width."""
        return len(self.papers)

    # -- changes ----------------------------------------------------------------------------------

    def add_or_update(self, papers: Iterable[Paper]) -> None:
        """Add new papers and replace changed ones (matched by id)."""
        if self.read_only:
            raise TypeError("a read-only corpus takes no changes")
        with self.lock:
            before: dict[int, Paper | None] = {}
            added: list[int] = []
            for paper in papers:
                number = self.numbers.get(paper.id)
                if number is None:
                    number = len(self.papers)
                    self.papers.append(paper)
                    self.ids.append(paper.id)
                    self.numbers[paper.id] = number
                    added.append(number)
                    before[number] = None
                else:
                    old = self.papers[number]
                    if old == paper:
                        continue
                    before.setdefault(number, old)
                    self.papers[number] = paper
            if added:
                self.alive |= bitmaps.from_numbers(added, len(self.papers))
            self._note_changes(before)

    def remove(self, ids: Iterable[str]) -> None:
        """Forget papers by id (unknown ids are ignored)."""
        if self.read_only:
            raise TypeError("a read-only corpus takes no changes")
        with self.lock:
            before: dict[int, Paper | None] = {}
            for paper_id in ids:
                number = self.numbers.pop(paper_id, None)
                if number is None:
                    continue
                before[number] = self.papers[number]
                self.papers[number] = None
            if before:
                gone = bitmaps.from_numbers(before, len(self.papers))
                self.alive = bitmaps.without(self.alive, gone)
            self._note_changes(before)

    def texts_filled(self) -> None:
        """The papers' abstracts were filled in place: forget what was derived from the empty
        ones (nothing, when the index already holds abstracts: it was built from the filled
        texts)."""
        with self.lock:
            if self.index is not None and "abstract" in self.index.fields:
                return
            self.drop_scan("abstract")
            self._bump()

    def _note_changes(self, before: dict[int, Paper | None]) -> None:
        """Papers `before` (number -> paper as it was) changed: update the index and caches."""
        if not before:
            return
        if self.index is not None:
            self.index.apply([(n, old, self.papers[n]) for n, old in before.items()])
        for log in self._logs:
            log.numbers.update(before)
        for name, live in list(self._scans.items()):
            # Changed papers are checked one by one; past a point a fresh scan is cheaper.
            if len(live.log.numbers) > max(256, live.scan.size // 16):
                self.drop_scan(name)
        self._bump()

    def _bump(self) -> None:
        self.columns.reset(self.alive)
        self.leaf_cache.clear()
        self.state_cache.clear()

    # -- change logs ------------------------------------------------------------------------------

    def follow(self, name: str, live: LiveScan) -> ChangeLog | None:
        """A new log of the changes since the snapshot of `live`, if it is still the scan of field
        `name` (None when it was dropped meanwhile, and so stopped logging: take another)."""
        with self.lock:
            if self._scans.get(name) is not live:
                return None
            log = ChangeLog(live.log.numbers)
            self._logs.append(log)
            return log

    def drop_log(self, log: ChangeLog) -> None:
        """Stop filling `log` (its snapshot is published or given up)."""
        with self.lock:
            self._logs = [kept for kept in self._logs if kept is not log]

    # -- scans (text fields not indexed yet) -----------------------------------------------------

    def live_scan(
        self,
        name: str,
        *,
        words: bool = False,
        phrases: bool = False,
        pause: Callable[[], None] | None = None,
    ) -> LiveScan:
        """The scan of field `name` (taken from the papers as they are now if there is none),
        with its word and/or phrase form built. Never call with `lock` held: it may wait for
        another thread building the same form."""
        with self.lock:
            live = self._scans.get(name)
            if live is not None and live.scan.has(words=words, phrases=phrases):
                return live
        with self._scan_locks[name]:
            with self.lock:
                live = self.scan_now(name)
            live.scan.prepare(words=words, phrases=phrases, pause=pause)
            return live

    def scan_now(self, name: str) -> LiveScan:
        """The scan of field `name`, snapshot now if there is none (call with `lock` held: no
        change can slip in between the snapshot and its log). Forms not built yet are built on
        first use."""
        live = self._scans.get(name)
        if live is None:
            log = ChangeLog()
            self._logs.append(log)
            # A read-only corpus's papers never change: they are their own snapshot.
            snapshot = self.papers if self.read_only else list(self.papers)
            live = self._scans[name] = LiveScan(FieldScan(name, snapshot), log)
        return live

    def prepare_scans(self, query: Query) -> None:
        """Build (outside the lock) what `query` needs of the scans of fields not indexed yet."""
        index = self.index
        words: set[str] = set()
        phrases: set[str] = set()
        for node in query.root.walk():
            if isinstance(node, Word):
                words.update(node.fields)
            elif isinstance(node, Phrase):
                phrases.update(node.fields)
        for name in TEXT_FIELDS:
            if (name in words or name in phrases) and (index is None or name not in index.fields):
                self.live_scan(name, words=name in words, phrases=name in phrases)

    def word_chunks(self, name: str) -> WordChunks | None:
        """The word form of field `name`'s scan, if one was built (None when the field is
        indexed: then no scan serves it)."""
        with self.lock:
            live = self._scans.get(name)
            return None if live is None else live.scan.word_chunks

    def seed_words(self, name: str, chunks: WordChunks) -> bool:
        """Take `chunks` as the word form of field `name`'s scan (a saved copy of what a scan
        of these very papers built: `tui.store.scan_cache`); False when no scan was taken yet
        for the field and they do not fit the papers, or a scan already exists."""
        with self.lock:
            if name in self._scans or self.index is not None:
                return False
            live = self.scan_now(name)
            if live.scan.seed_words(chunks):
                return True
            self.drop_scan(name)
            return False

    def drop_scan(self, name: str) -> None:
        """Forget the scan of field `name` (indexed now, or too far behind the papers)."""
        with self.lock:
            live = self._scans.pop(name, None)
            if live is not None:
                self.drop_log(live.log)
