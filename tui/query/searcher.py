"""Evaluating queries over the library: `Searcher` (filter, rank, highlight), `QueryContext`
(the user's states and the clock a query runs against), `Hit` and `SearchResult`.

How it stays fast at 100k papers:

* papers get small numbers and every set of papers is a bitmap, so AND / OR / NOT and counting
  run in C;
* fuzzy words go through the word index (`tui.query.index`): a prefix is a vocabulary range whose
  result is cached, typo tolerance asks rapidfuzz about the *vocabulary* (never the papers) and
  only when the exact prefix finds almost nothing;
* relevance is computed as score classes (one bitmap per distinct score, see tui.query.text
  WEIGHTS), so ranking needs no per-paper Python work; only the hits returned are materialised,
  in date order within a class, and their highlight spans are computed lazily on first access;
* state terms (`is:`, `tag:`, `has:note`) walk `ctx.states`, which holds only touched papers;
  catalog terms (numbers, dates, categories) use per-library columns cached until papers change.

A text field the index does not cover yet is searched through its `tui.query.scan.FieldScan`
(C-speed `bytes.find` over normalised text, jumping to the next paper after a hit), which finds
exactly the same papers with the same match kinds, so ids, order, scores and spans never depend
on how far the build has come. That makes three ways to use a Searcher:

* one-shot (the CLI): `Searcher(papers).search(query, ctx, limit=...)` and exit - no build, the
  query scans (under a second for two words at 100k papers on a slow 2-core box, most of it
  normalising the abstracts once), and the first `limit` hits are picked without sorting the
  whole library;
* the app: `start_build()` (or `build()` in a worker). Stage 1 indexes titles and authors, warms
  the date and upvote orders and flips `ready` (about a second at 100k); stage 2 indexes
  abstracts and flips `abstracts_ready` (several seconds). Both are cooperative - short C steps,
  a `sleep(0)` every couple of milliseconds, no sort of the whole library in one call, garbage
  collection paused and the index frozen after - so a UI thread keeps drawing. Searches never
  wait for either stage; until stage 2 ends, each new word costs one scan of the abstracts;
* tests and scripts: `build()` and then search.

Every structure built from a snapshot of the papers (a scan, an index stage in progress) has a
change log the searcher fills on every update, so nothing that changes meanwhile is lost: scans
read changed papers one by one, a finished stage replays its log before it is published.
All public methods are thread-safe.
"""

from __future__ import annotations

import gc
import heapq
import threading
import time
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from operator import attrgetter
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from tui.models import Paper, State
from tui.query import bitmaps, dates
from tui.query.index import FieldIndex, WordIndex
from tui.query.nodes import (
    TEXT_FIELDS,
    And,
    Attr,
    DateRange,
    Has,
    Is,
    MatchAll,
    Node,
    Not,
    NumberRange,
    Or,
    Phrase,
    Query,
    Word,
)
from tui.query.parser import parse
from tui.query.scan import FieldScan, field_text
from tui.query.text import (
    PREFIX,
    TYPO,
    TYPO_MIN_EXACT,
    WEIGHTS,
    WHOLE,
    best_kind,
    merge_spans,
    phrase_spans,
    typo_budget,
    typo_length,
    typo_prefix_lengths,
    word_set,
    word_spans,
    words_of,
)

_LEAF_CACHE_SIZE = 256
_KINDS = (WHOLE, PREFIX, TYPO)


@dataclass
class QueryContext:
    """What a query is evaluated against besides the papers.

    `states`: the user's states by paper id (only touched papers; others are inbox).
    `now`: the clock relative dates count from (its calendar date is "today").
    `new_since`: ISO time of the previous sync; `is:new` is `first_seen >= new_since`
    (every paper counts as new when it is None).
    `states_version`: optional token that changes whenever `states` changes (a counter the
    store bumps on each triage write, say). When given, state terms (`is:`, `tag:`,
    `has:note`) are cached per token instead of walking `states` on every keystroke.
    """

    states: Mapping[str, State] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    new_since: str | None = None
    states_version: object = None

    @property
    def today(self) -> date:
        return self.now.date()


SpanMap = Mapping[str, list[tuple[int, int]]]
SPAN_FIELDS: tuple[str, ...] = ("title", "authors", "abstract")


class LazySpans(Mapping[str, list[tuple[int, int]]]):
    """Highlight spans computed field by field on first access (a list pane reads only
    "title"; the abstract, the costly one, only for the paper on screen). Keys are the fields
    that have spans, like a plain dict of the non-empty ones."""

    __slots__ = ("_compute", "_done")

    def __init__(self, compute: Callable[[str], list[tuple[int, int]]]) -> None:
        self._compute = compute
        self._done: dict[str, list[tuple[int, int]]] = {}

    def _field(self, name: str) -> list[tuple[int, int]]:
        found = self._done.get(name)
        if found is None:
            found = self._done[name] = self._compute(name) if name in SPAN_FIELDS else []
        return found

    def __getitem__(self, name: str) -> list[tuple[int, int]]:
        found = self._field(name)
        if not found:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter([name for name in SPAN_FIELDS if self._field(name)])

    def __len__(self) -> int:
        return sum(1 for name in SPAN_FIELDS if self._field(name))

    def __repr__(self) -> str:
        return repr(dict(self))


class Hit:
    """One matching paper: its id, relevance score and highlight spans.

    `spans` maps "title" / "authors" / "abstract" to sorted, non-overlapping (start, end)
    character ranges into `paper.title`, `", ".join(paper.authors)` and `paper.abstract`; only
    fields with spans are keys. For search results it is a `LazySpans` (read-only mapping that
    computes each field on first access): use `hit.spans.get("title", [])`.
    """

    __slots__ = ("id", "score", "spans")

    def __init__(self, id: str, score: float, spans: SpanMap | None = None) -> None:
        self.id = id
        self.score = score
        self.spans: SpanMap = spans if spans is not None else {}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hit):
            return NotImplemented
        return (self.id, self.score, dict(self.spans)) == (other.id, other.score, dict(other.spans))

    def __hash__(self) -> int:
        return hash((self.id, self.score))

    def __repr__(self) -> str:
        return f"Hit(id={self.id!r}, score={self.score!r})"


class SearchResult:
    """The hits asked for (`limit`), in order, and how many papers matched in all (`total`)."""

    __slots__ = ("_all_ids", "hits", "total")

    def __init__(
        self, hits: list[Hit], total: int, all_ids: Callable[[], list[str]] | None = None
    ) -> None:
        self.hits = hits
        self.total = total
        self._all_ids = all_ids

    @property
    def ids(self) -> list[str]:
        """The ids of `hits`."""
        return [hit.id for hit in self.hits]

    def all_ids(self) -> list[str]:
        """Every matching id in order (a list view scrolling past `hits` wants these). Computed on
        demand against the library as it is now."""
        if self._all_ids is None or len(self.hits) == self.total:
            return self.ids
        return self._all_ids()

    def __repr__(self) -> str:
        return f"SearchResult(total={self.total}, hits={len(self.hits)})"


class _ChangeLog:
    """Paper numbers changed since some snapshot of the papers was taken (compared by identity)."""

    __slots__ = ("numbers",)

    def __init__(self, numbers: Iterable[int] = ()) -> None:
        self.numbers: set[int] = set(numbers)


@dataclass
class _LiveScan:
    """A FieldScan in use for searching, and the papers changed since its snapshot."""

    scan: FieldScan
    log: _ChangeLog


_DONE = object()


def _day(paper: Paper) -> str:
    """The date a paper sorts on (newest first): its listing day, else its arXiv date."""
    return (paper.listed_on or paper.published or "")[:10]


def _votes(paper: Paper) -> int:
    return paper.upvotes or 0


def _title(paper: Paper) -> str:
    return paper.title.casefold()


def _sort_key(key: str) -> Callable[[Paper], Any]:
    """The first criterion of each order: `title`, `upvotes`, else the date."""
    if key == "title":
        return _title
    return _votes if key == "upvotes" else _day


class _BuildCancelled(Exception):
    """The build's `cancelled()` said stop (raised from the pacer, caught by `build`)."""


class _Pacer:
    """The pause a build calls between small steps: every couple of milliseconds it sleeps(0),
    which releases the GIL so a UI thread waiting for it draws its frame now rather than after
    the interpreter's 5 ms switch interval. (A sleep costs ~0.1 ms here, so not every step.)
    It is also where a build notices it was cancelled."""

    def __init__(self, cancelled: Callable[[], bool] | None = None, every: float = 0.002) -> None:
        self.every = every
        self.cancelled = cancelled
        self.last = time.perf_counter()

    def __call__(self) -> None:
        now = time.perf_counter()
        if now - self.last >= self.every:
            if self.cancelled is not None and self.cancelled():
                raise _BuildCancelled
            time.sleep(0)
            self.last = time.perf_counter()


class Searcher:
    """Answers queries over a set of papers; keep it current with add_or_update / remove."""

    def __init__(self, papers: Iterable[Paper] | Mapping[str, Paper] = ()) -> None:
        self._lock = threading.RLock()
        self._papers: list[Paper | None] = []
        self._numbers: dict[str, int] = {}
        self._alive = 0
        self._index: WordIndex | None = None
        self._building = False
        self._cancelled: Callable[[], bool] | None = None
        self._logs: list[_ChangeLog] = []
        self._scans: dict[str, _LiveScan] = {}
        self._scan_locks = {name: threading.Lock() for name in TEXT_FIELDS}
        self._titles_done = threading.Event()
        self._titles_done.set()
        self._abstracts_done = threading.Event()
        self._abstracts_done.set()
        self._on_snapshot: Callable[[str], None] | None = None
        self._version = 0
        self._caches: dict[Any, Any] = {}
        self._leaf_cache: dict[Any, int] = {}
        self._state_cache: dict[Any, int] = {}
        items = list(papers.values() if isinstance(papers, Mapping) else papers)
        self._numbers = dict(zip(map(attrgetter("id"), items), range(len(items)), strict=True))
        if len(self._numbers) == len(items):
            # Distinct ids (the usual case): no per-paper Python work.
            self._papers = items
            self._alive = (1 << len(items)) - 1
        else:
            self._numbers = {}
            self.add_or_update(items)

    # -- the library ------------------------------------------------------------------------------

    def __len__(self) -> int:
        with self._lock:
            return len(self._numbers)

    @property
    def ready(self) -> bool:
        """True once stage 1 of the build is done: titles and authors are indexed, sort orders
        and columns are warm. Results are the same before and after; only speed changes."""
        return self._index is not None

    @property
    def abstracts_ready(self) -> bool:
        """True once stage 2 is done and abstracts are indexed too. Until then a word is looked
        for in abstracts by a C-speed scan (about 0.1 s per word at 100k papers): every result is
        complete and correct, a keystroke is just slower."""
        index = self._index
        return index is not None and "abstract" in index.fields

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait for stage 1 of a running build; True when the index is ready."""
        self._titles_done.wait(timeout)
        return self.ready

    def wait_abstracts_ready(self, timeout: float | None = None) -> bool:
        """Wait for stage 2 of a running build; True when abstracts are indexed."""
        self._abstracts_done.wait(timeout)
        return self.abstracts_ready

    def add_or_update(self, papers: Iterable[Paper] | Mapping[str, Paper]) -> None:
        """Add new papers and replace changed ones (matched by id)."""
        items = papers.values() if isinstance(papers, Mapping) else papers
        with self._lock:
            before: dict[int, Paper | None] = {}
            added: list[int] = []
            for paper in items:
                number = self._numbers.get(paper.id)
                if number is None:
                    number = len(self._papers)
                    self._papers.append(paper)
                    self._numbers[paper.id] = number
                    added.append(number)
                    before[number] = None
                else:
                    old = self._papers[number]
                    if old == paper:
                        continue
                    before.setdefault(number, old)
                    self._papers[number] = paper
            if added:
                self._alive |= bitmaps.from_numbers(added, len(self._papers))
            self._note_changes(before)

    def texts_filled(self) -> None:
        """The papers' abstracts were filled in place (`Library.load_texts` after a start-up
        without them): forget everything derived from the empty ones.

        Call it before the abstract stage of `build()` runs; an index that already holds
        abstracts was built from the filled texts and needs nothing.
        """
        with self._lock:
            if self._index is not None and "abstract" in self._index.fields:
                return
            self._drop_scan("abstract")
            self._bump()

    def remove(self, ids: Iterable[str]) -> None:
        """Forget papers by id (unknown ids are ignored)."""
        with self._lock:
            before: dict[int, Paper | None] = {}
            for paper_id in ids:
                number = self._numbers.pop(paper_id, None)
                if number is None:
                    continue
                before[number] = self._papers[number]
                self._papers[number] = None
            if before:
                gone = bitmaps.from_numbers(before, len(self._papers))
                self._alive = bitmaps.without(self._alive, gone)
            self._note_changes(before)

    def _note_changes(self, before: dict[int, Paper | None]) -> None:
        """Papers `before` (number -> paper as it was) changed: update the index and caches."""
        if not before:
            return
        if self._index is not None:
            self._index.apply([(n, old, self._papers[n]) for n, old in before.items()])
        for log in self._logs:
            log.numbers.update(before)
        for name, live in list(self._scans.items()):
            # Changed papers are checked one by one; past a point a fresh scan is cheaper.
            if len(live.log.numbers) > max(256, live.scan.size // 16):
                self._drop_scan(name)
        self._bump()

    def _bump(self) -> None:
        self._version += 1
        self._caches.clear()
        self._leaf_cache.clear()
        self._state_cache.clear()

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
        with self._lock:
            if self._building or (self.ready and (self.abstracts_ready or not abstracts)):
                return True
            self._building = True
            self._cancelled = cancelled
            if not self.ready:
                self._titles_done.clear()
            if abstracts:
                self._abstracts_done.clear()
        # The build allocates millions of objects and frees few: collections would rescan the
        # whole library again and again for nothing, stalling every thread while they run. And
        # the index lives as long as the searcher: freezing it (and whatever else is alive, as the
        # app does after loading) keeps the first collection after the build from walking it all
        # - a 0.15 s pause at 100k papers.
        collecting = gc.isenabled()
        gc.disable()
        try:
            if not self.ready:
                self._build_titles()
            self._titles_done.set()
            if abstracts and not self.abstracts_ready:
                self._build_abstracts()
        except _BuildCancelled:
            return False
        finally:
            if collecting:
                gc.freeze()
                gc.enable()
            with self._lock:
                self._building = False
                self._cancelled = None
            self._titles_done.set()
            self._abstracts_done.set()
        return True

    def start_build(self, *, abstracts: bool = True) -> threading.Thread:
        """Run `build()` in a daemon thread and return it."""
        thread = threading.Thread(
            target=partial(self.build, abstracts=abstracts), name="paperdeck-index", daemon=True
        )
        thread.start()
        return thread

    def _build_titles(self) -> None:
        """Stage 1: index titles and authors, warm the orders every search needs, publish (flips
        `ready`); then, a step at a time under the lock, finish what only speeds things up."""
        built: list[tuple[str, tuple[FieldIndex, FieldScan, _ChangeLog]]] = []
        try:
            for name in ("title", "authors"):
                built.append(self._build_field(name, optimise=False))
        except BaseException:
            with self._lock:
                for _name, (_index, _scan, log) in built:
                    self._drop_log(log)
            raise
        with self._lock:
            fields = {name: self._catch_up(name, *parts) for name, parts in built}
            # Relevance breaks ties by date, and the default views sort by date or upvotes.
            self._order("date", False)
            self._order("upvotes", False)
            self._index = WordIndex(fields)
            for name in fields:
                self._drop_scan(name)
        self._titles_done.set()
        warmers: list[Iterator[None]] = [index.optimising() for index in fields.values()]
        warmers.append(self._warming())
        pace = _Pacer(self._cancelled)
        for steps in warmers:
            while True:
                with self._lock:
                    if next(steps, _DONE) is _DONE:
                        break
                pace()

    def _warming(self) -> Iterator[None]:
        """Compute the catalog columns the common filters use, one per step."""
        for column in ("date", "listed", "upvotes", "stars"):
            self._column(column)
            yield
        self._groups("cat")
        yield
        self._flag("code")

    def _build_abstracts(self) -> None:
        """Stage 2: index abstracts and publish them next to titles and authors."""
        name, parts = self._build_field("abstract", optimise=True)
        with self._lock:
            field_index = self._catch_up(name, *parts)
            assert self._index is not None
            self._index.fields[name] = field_index
            self._drop_scan(name)

    def _build_field(
        self, name: str, *, optimise: bool
    ) -> tuple[str, tuple[FieldIndex, FieldScan, _ChangeLog]]:
        """Index field `name` from a scan of it (the one searches use, or a new one), outside the
        lock; the result still has to catch up with the changes in the returned log."""
        pace = _Pacer(self._cancelled)
        while True:
            live = self._live_scan(name, words=True, pause=pace)
            with self._lock:
                # A scan dropped meanwhile (too many changes) no longer logs them: take another.
                if self._scans.get(name) is live:
                    log = _ChangeLog(live.log.numbers)
                    self._logs.append(log)
                    break
        try:
            if self._on_snapshot is not None:
                self._on_snapshot(name)
            field_index = FieldIndex.from_scan(live.scan, pause=pace, optimise=optimise)
        except BaseException:
            with self._lock:
                self._drop_log(log)
            raise
        return name, (field_index, live.scan, log)

    def _catch_up(
        self, name: str, field_index: FieldIndex, scan: FieldScan, log: _ChangeLog
    ) -> FieldIndex:
        """Apply to an index built from `scan` what changed since (call with the lock held)."""
        changes: list[tuple[int, set[str], set[str]]] = []
        for number in sorted(log.numbers):
            old = scan.papers[number] if number < scan.size else None
            new = self._papers[number]
            changes.append(
                (
                    number,
                    word_set(field_text(old, name)) if old is not None else set(),
                    word_set(field_text(new, name)) if new is not None else set(),
                )
            )
        if changes:
            field_index.apply(changes)
        field_index.size = max(field_index.size, len(self._papers))
        self._drop_log(log)
        return field_index

    # -- scans (text fields not indexed yet) -----------------------------------------------------

    def _live_scan(
        self,
        name: str,
        *,
        words: bool = False,
        phrases: bool = False,
        pause: Callable[[], None] | None = None,
    ) -> _LiveScan:
        """The scan of field `name` (taken from the papers as they are now if there is none),
        with its word and/or phrase form built. Never call with `_lock` held: it may wait for
        another thread building the same form."""
        with self._lock:
            live = self._scans.get(name)
            if live is not None and live.scan.has(words=words, phrases=phrases):
                return live
        with self._scan_locks[name]:
            with self._lock:
                live = self._scan_now(name)
            live.scan.prepare(words=words, phrases=phrases, pause=pause)
            return live

    def _scan_now(self, name: str) -> _LiveScan:
        """The scan of field `name`, snapshot now if there is none (call with `_lock` held: no
        change can slip in between the snapshot and its log). Forms not built yet are built on
        first use."""
        live = self._scans.get(name)
        if live is None:
            log = _ChangeLog()
            self._logs.append(log)
            live = self._scans[name] = _LiveScan(FieldScan(name, list(self._papers)), log)
        return live

    def _prepare_scans(self, query: Query) -> None:
        """Build (outside the lock) what `query` needs of the scans of fields not indexed yet."""
        index = self._index
        words: set[str] = set()
        phrases: set[str] = set()
        for node in query.root.walk():
            if isinstance(node, Word):
                words.update(node.fields)
            elif isinstance(node, Phrase):
                phrases.update(node.fields)
        for name in TEXT_FIELDS:
            if (name in words or name in phrases) and (index is None or name not in index.fields):
                self._live_scan(name, words=name in words, phrases=name in phrases)

    def _drop_scan(self, name: str) -> None:
        live = self._scans.pop(name, None)
        if live is not None:
            self._drop_log(live.log)

    def _drop_log(self, log: _ChangeLog) -> None:
        self._logs = [kept for kept in self._logs if kept is not log]

    # -- searching --------------------------------------------------------------------------------

    def search(
        self, query: Query | str, ctx: QueryContext | None = None, limit: int | None = None
    ) -> SearchResult:
        """The papers matching `query`, best first, at most `limit` hits (all when None).

        Raises QuerySyntaxError for a malformed query string.
        """
        parsed = parse(query) if isinstance(query, str) else query
        context = ctx if ctx is not None else QueryContext()
        self._prepare_scans(parsed)
        with self._lock:
            run = _Run(self, context)
            numbers, scores, total = run.execute(parsed, limit)
            highlighter = run.highlighter(parsed)
            papers = self._papers
            hits = [
                Hit(
                    papers[n].id,  # type: ignore[union-attr]
                    scores[i],
                    LazySpans(partial(highlighter, papers[n])),  # type: ignore[arg-type]
                )
                for i, n in enumerate(numbers)
            ]
        if limit is None:
            return SearchResult(hits, total)

        def all_ids() -> list[str]:
            self._prepare_scans(parsed)
            with self._lock:
                everything, _scores, _total = _Run(self, context).execute(parsed, None)
                return [self._papers[n].id for n in everything]  # type: ignore[union-attr]

        return SearchResult(hits, total, all_ids)

    def spans(
        self, paper_id: str, query: Query | str, ctx: QueryContext | None = None
    ) -> dict[str, list[tuple[int, int]]]:
        """Highlight spans of `query` in one paper (empty dict for an unknown id)."""
        parsed = parse(query) if isinstance(query, str) else query
        self._prepare_scans(parsed)
        with self._lock:
            number = self._numbers.get(paper_id)
            if number is None:
                return {}
            paper = self._papers[number]
            highlighter = _Run(self, ctx or QueryContext()).highlighter(parsed)
        assert paper is not None
        found = {name: highlighter(paper, name) for name in SPAN_FIELDS}
        return {name: spans for name, spans in found.items() if spans}

    # -- cached per-library data (dropped whenever papers change) --------------------------------

    def _cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        found = self._caches.get(key)
        if found is None:
            found = self._caches[key] = compute()
        return found

    def _take(self, bitmap: int, key: str, reverse: bool, want: int | None) -> list[int]:
        """The first `want` papers of `bitmap` (all when None) in the order `key` sorts them."""
        cached = self._caches.get(("order", key, reverse))
        if cached is None and want is not None and not reverse:
            # No order at hand (a one-shot search): picking a few papers costs one pass over
            # the matches, sorting the whole library costs far more.
            return self._first_in_order(bitmaps.to_numbers(bitmap), key, want)
        order, rank = self._order(key, reverse)
        return bitmaps.take_in_order(bitmap, order, rank, self._size, want)

    def _first_in_order(self, members: list[int], key: str, want: int) -> list[int]:
        """The `want` first of `members` in the order `_order(key, False)` gives, without it."""
        if want <= 0:
            return []
        papers: list[Paper] = self._papers  # type: ignore[assignment]  # members are alive
        key_of = _sort_key(key)
        primary: Callable[[int], Any] = {n: key_of(papers[n]) for n in members}.__getitem__
        edge: Any
        if len(members) > 4 * want:
            # Only papers at least as good on the first criterion as the want-th best can make
            # it; the ties at that edge are all kept for the finer criteria to sort out.
            if key == "title":
                edge = primary(heapq.nsmallest(want, members, key=primary)[-1])
                members = [n for n in members if primary(n) <= edge]
            else:
                edge = primary(heapq.nlargest(want, members, key=primary)[-1])
                members = [n for n in members if primary(n) >= edge]
        # The stable sorts of `_sorted_numbers` / `_order`, last criterion first.
        members.sort(key=lambda n: papers[n].id)
        if key == "title":
            members.sort(key=primary)
            return members[:want]
        members.sort(key=lambda n: _day(papers[n]), reverse=True)
        if key == "upvotes":
            members.sort(key=primary, reverse=True)
        return members[:want]

    def _order(self, key: str, reverse: bool) -> tuple[list[int], list[int]]:
        """Paper numbers in the order `key` sorts them, and each number's rank in it."""

        def compute() -> tuple[list[int], list[int]]:
            if reverse:
                forward, _rank = self._order(key, False)
                order = forward[::-1]
            elif key == "upvotes":
                # Most upvoted first, ties newest first: the date order bucketed by votes.
                by_date, _rank = self._order("date", False)
                votes = [_votes(p) if p is not None else 0 for p in self._papers]
                order = _bucketed(by_date, votes.__getitem__, reverse=True)
            else:
                order = self._sorted_numbers(key)
            rank = [0] * len(self._papers)
            set_rank = rank.__setitem__
            for start in range(0, len(order), 8192):
                part = order[start : start + 8192]
                deque(map(set_rank, part, range(start, start + len(part))), maxlen=0)
            return order, rank

        result: tuple[list[int], list[int]] = self._cached(("order", key, reverse), compute)
        return result

    def _sorted_numbers(self, key: str) -> list[int]:
        # Sort on precomputed key lists (no per-comparison attribute access): newest first, ties
        # by id, via stable sorts from the last criterion to the first.
        papers = self._papers
        if self._alive.bit_count() == len(papers):
            live = list(range(len(papers)))
            ids = list(map(attrgetter("id"), papers))
        else:
            live = [n for n, p in enumerate(papers) if p is not None]
            ids = [p.id if p is not None else "" for p in papers]
        if key == "title":
            live.sort(key=ids.__getitem__)
            titles = [_title(p) if p is not None else "" for p in papers]
            live.sort(key=titles.__getitem__)
            return live
        days = [_day(p) if p is not None else "" for p in papers]
        return _bucketed(live, days.__getitem__, reverse=True, then=ids.__getitem__)

    def _column(self, name: str) -> tuple[list[Any], list[int], int]:
        """Sorted (values, paper numbers) of a catalog attribute, and the bitmap of papers having
        it, for range lookups by bisect."""

        def compute() -> tuple[list[Any], list[int], int]:
            getter = _COLUMN_GETTERS[name]
            column = [getter(p) if p is not None else None for p in self._papers]
            numbers = [n for n, value in enumerate(column) if value is not None]
            numbers = _bucketed(numbers, column.__getitem__)
            values = [column[n] for n in numbers]
            return values, numbers, bitmaps.from_numbers(numbers, self._size)

        result: tuple[list[Any], list[int], int] = self._cached(("column", name), compute)
        return result

    def _groups(self, name: str) -> dict[str, int]:
        """Distinct lower-cased categories / sources -> bitmap of papers having them."""

        def compute() -> dict[str, int]:
            members: dict[str, list[int]] = {}
            for n, p in enumerate(self._papers):
                if p is None:
                    continue
                values = p.categories if name == "cat" else p.sources
                for value in {v.lower() for v in values}:
                    members.setdefault(value, []).append(n)
            return {v: bitmaps.from_numbers(ns, self._size) for v, ns in members.items()}

        result: dict[str, int] = self._cached(("groups", name), compute)
        return result

    def _flag(self, name: str) -> int:
        """Papers with a catalog flag: code (a GitHub repo), summary (an AI summary), pdf."""

        def compute() -> int:
            test = _FLAG_TESTS[name]
            return bitmaps.from_numbers(
                (n for n, p in enumerate(self._papers) if p is not None and test(p)), self._size
            )

        result: int = self._cached(("flag", name), compute)
        return result

    @property
    def _size(self) -> int:
        return len(self._papers)


def _bucketed(
    numbers: Iterable[int],
    key: Callable[[int], Any],
    *,
    reverse: bool = False,
    then: Callable[[int], Any] | None = None,
) -> list[int]:
    """`numbers` sorted by `key` (stable; ties sorted by `then` when given).

    Groups by key in a Python loop, then sorts the distinct keys and each group: the same result
    as one `sort`, but never a single long C call - a 100k-item sort keeps every other thread
    (the UI's) waiting for 50 ms - and quicker when keys repeat, as dates and votes do.
    """
    groups: dict[Any, list[int]] = {}
    for number in numbers:
        found = groups.get(key(number))
        if found is None:
            groups[key(number)] = [number]
        else:
            found.append(number)
    out: list[int] = []
    for value in sorted(groups, reverse=reverse):
        group = groups[value]
        if then is not None:
            group.sort(key=then)
        out += group
    return out


_COLUMN_GETTERS: dict[str, Callable[[Paper], Any]] = {
    "upvotes": lambda p: p.upvotes,
    "stars": lambda p: p.github_stars,
    "comments": lambda p: p.comments,
    "date": lambda p: p.date[:10] if p.date else None,
    "listed": lambda p: p.listed_on[:10] if p.listed_on else None,
    "first_seen": lambda p: p.first_seen,
}
_FLAG_TESTS: dict[str, Callable[[Paper], bool]] = {
    "code": lambda p: bool(p.github_repo),
    "summary": lambda p: bool(p.ai_summary),
    "pdf": lambda p: p.pdf_url is not None,
}


Highlighter = Callable[[Paper, str], list[tuple[int, int]]]


class _Run:
    """One evaluation of one query: bitmaps per node, word levels, scores, order."""

    def __init__(self, searcher: Searcher, ctx: QueryContext) -> None:
        self.searcher = searcher
        self.ctx = ctx
        self.size = searcher._size
        self.alive = searcher._alive
        self.index = searcher._index
        self._levels: dict[Word, list[tuple[int, int]]] = {}
        self.budgets: dict[Word, int] = {}

    # -- top level ----------------------------------------------------------------------------

    def execute(self, query: Query, limit: int | None) -> tuple[list[int], list[float], int]:
        matched = self.bitmap(query.root) & self.alive
        total = matched.bit_count()
        words = query.words
        sort = query.effective_sort
        if sort == "relevance":
            classes = self.score_classes(words, matched)
            numbers: list[int] = []
            scores: list[float] = []
            for score, members in classes:
                want = None if limit is None else limit - len(numbers)
                if want is not None and want <= 0:
                    break
                taken = self.searcher._take(members, "date", False, want)
                numbers.extend(taken)
                scores.extend([float(score)] * len(taken))
            return numbers, scores, total
        numbers = self.searcher._take(matched, sort, query.reverse, limit)
        if not words or not numbers:
            return numbers, [0.0] * len(numbers), total
        classes = self.score_classes(words, matched)
        lookups = [(score, bitmaps.Membership(members, self.size)) for score, members in classes]
        scores = []
        for number in numbers:
            scores.append(next((float(s) for s, m in lookups if number in m), 0.0))
        return numbers, scores, total

    def score_classes(self, words: Sequence[Word], matched: int) -> list[tuple[int, int]]:
        """(score, papers with exactly that score) for the papers in `matched`, best first."""
        classes: dict[int, int] = {0: matched} if matched else {}
        for word in words:
            levels = self.levels(word)
            regrouped: dict[int, int] = {}
            for score, members in classes.items():
                rest = members
                for weight, level in levels:
                    part = members & level
                    if part:
                        key = score + weight
                        regrouped[key] = regrouped.get(key, 0) | part
                        rest = bitmaps.without(rest, part)
                if rest:
                    regrouped[score] = regrouped.get(score, 0) | rest
            classes = regrouped
        return sorted(classes.items(), reverse=True)

    def highlighter(self, query: Query) -> Highlighter:
        """A function giving the spans of `query` in a paper (typo budgets fixed now)."""
        words = [(word, self.budget(word)) for word in query.words]
        phrases = query.phrases

        def spans(paper: Paper, name: str) -> list[tuple[int, int]]:
            text = field_text(paper, name)
            found: list[tuple[int, int]] = []
            for word, budget in words:
                if name in word.fields:
                    found.extend(word_spans(text, word.text, budget))
            for phrase in phrases:
                if name in phrase.fields:
                    found.extend(phrase_spans(text, phrase.text))
            return merge_spans(found)

        return spans

    # -- node evaluation ----------------------------------------------------------------------

    def bitmap(self, node: Node) -> int:
        if isinstance(node, And):
            positives = [item for item in node.items if not isinstance(item, Not)]
            negatives = [item.item for item in node.items if isinstance(item, Not)]
            result = self.alive
            for item in positives:
                result &= self.bitmap(item)
                if not result:
                    return 0
            for item in negatives:
                result = bitmaps.without(result, self.bitmap(item))
            return result
        if isinstance(node, Or):
            result = 0
            for item in node.items:
                result |= self.bitmap(item)
            return result
        if isinstance(node, Not):
            return bitmaps.without(self.alive, self.bitmap(node.item))
        if isinstance(node, MatchAll):
            return self.alive
        if isinstance(node, Word):
            result = 0
            for _weight, level in self.levels(node):
                result |= level
            return result
        if isinstance(node, Phrase):
            return self._phrase(node)
        if isinstance(node, Attr):
            return self._attr(node)
        if isinstance(node, Is):
            return self._is(node.value)
        if isinstance(node, Has):
            return self._has(node.value)
        if isinstance(node, NumberRange):
            return self._cached_leaf(node, lambda: self._range(node.name, node.low, node.high))
        if isinstance(node, DateRange):
            bounds = dates.resolve(node.op, node.spec, self.ctx.today)
            return self._cached_leaf(
                (node.name, bounds), lambda: self._range(node.name, bounds.low, bounds.high, True)
            )
        raise TypeError(f"unknown query node {node!r}")  # pragma: no cover

    def _cached_leaf(self, key: Any, compute: Callable[[], int]) -> int:
        cache = self.searcher._leaf_cache
        found = cache.get(key)
        if found is None:
            if len(cache) >= _LEAF_CACHE_SIZE:
                cache.clear()
            found = cache[key] = compute()
        return found

    # -- fuzzy words ------------------------------------------------------------------------------

    def budget(self, word: Word) -> int:
        """The typo budget of `word` in this library (0 when its exact prefix finds enough)."""
        if word not in self.budgets:
            self.levels(word)
        return self.budgets[word]

    def levels(self, word: Word) -> list[tuple[int, int]]:
        """Disjoint (weight, papers) for the best way `word` matches each paper, best first."""
        found = self._levels.get(word)
        if found is not None:
            return found
        by_kind = self._kinds(word)
        ranked = sorted(
            ((WEIGHTS[(name, kind)], members) for (name, kind), members in by_kind.items()),
            key=lambda pair: -pair[0],
        )
        levels: list[tuple[int, int]] = []
        seen = 0
        for weight, members in ranked:
            part = bitmaps.without(members, seen)
            if part:
                if levels and levels[-1][0] == weight:
                    levels[-1] = (weight, levels[-1][1] | part)
                else:
                    levels.append((weight, part))
                seen |= members
        self._levels[word] = levels
        return levels

    def _kinds(self, word: Word) -> dict[tuple[str, str], int]:
        """(field, WHOLE / PREFIX / TYPO) -> papers, from the index where a field is indexed and
        from its scan where not; both give the same sets."""
        text = word.text
        kinds: dict[tuple[str, str], int] = {}
        exact = 0
        for name in word.fields:
            field_index = self._field_index(name)
            if field_index is not None:
                prefix = field_index.prefix_bitmap(text)
                whole = field_index.word_bitmap(text)
            else:
                prefix, whole = self._scan_word(name, text)
            kinds[(name, WHOLE)] = whole
            kinds[(name, PREFIX)] = prefix
            exact |= prefix
        budget = self._typo_budget(word, exact)
        if budget:
            for name in word.fields:
                field_index = self._field_index(name)
                if field_index is not None:
                    kinds[(name, TYPO)] = field_index.typo_bitmap(text, budget)
                else:
                    kinds[(name, TYPO)] = self._scan_typo(name, text, budget)
        return kinds

    def _field_index(self, name: str) -> FieldIndex | None:
        return self.index.fields.get(name) if self.index is not None else None

    def _typo_budget(self, word: Word, exact: int) -> int:
        budget = typo_budget(word.text)
        if budget and (exact & self.alive).bit_count() >= TYPO_MIN_EXACT:
            budget = 0
        self.budgets[word] = budget
        return budget

    def _scan_word(self, name: str, text: str) -> tuple[int, int]:
        """(papers with a word starting with `text`, papers with `text` as a word) in field
        `name`, by its scan; papers changed since the scan's snapshot are read one by one."""
        live = self.searcher._scan_now(name)
        prefixed, exact = live.scan.word_numbers(text)
        prefix = bitmaps.from_numbers(prefixed, self.size)
        whole = bitmaps.from_numbers(exact, self.size)
        changed = live.log.numbers
        if not changed:
            return prefix, whole
        stale = bitmaps.from_numbers(list(changed), self.size)
        prefixed, exact = [], []
        papers = self.searcher._papers
        for number in changed:
            paper = papers[number]
            if paper is None:
                continue
            kind = best_kind(text, word_set(field_text(paper, name)), 0)
            if kind is not None:
                prefixed.append(number)
                if kind == WHOLE:
                    exact.append(number)
        prefix = bitmaps.without(prefix, stale) | bitmaps.from_numbers(prefixed, self.size)
        whole = bitmaps.without(whole, stale) | bitmaps.from_numbers(exact, self.size)
        return prefix, whole

    def _scan_typo(self, name: str, text: str, budget: int) -> int:
        """Papers with a typo of `text` in field `name`, by its scan (the rule of
        FieldIndex.typo_bitmap: a word within `budget` edits, or a word whose first L-1, L or L+1
        characters are)."""
        live = self.searcher._scan_now(name)
        bucket = sorted(live.scan.words_starting_with(text[0]))
        whole = [
            choice
            for choice, _distance, _where in process.extract(
                text, bucket, scorer=Levenshtein.distance, score_cutoff=budget, limit=None
            )
        ]
        prefixes: set[str] = set()
        for size in typo_prefix_lengths(text):
            if size < 1:
                continue
            truncated = sorted({w[:size] for w in bucket if len(w) >= size})
            prefixes.update(
                choice
                for choice, _distance, _where in process.extract(
                    text, truncated, scorer=Levenshtein.distance, score_cutoff=budget, limit=None
                )
            )
        # Fewer needles, fewer passes: a prefix covers every longer prefix and word it starts.
        kept: list[str] = []
        for prefix in sorted(prefixes):
            if not kept or not prefix.startswith(kept[-1]):
                kept.append(prefix)
        covered = tuple(kept)
        words = [w for w in whole if not w.startswith(covered)] if covered else whole
        found = bitmaps.from_numbers(live.scan.whole_word_numbers(words, kept), self.size)
        changed = live.log.numbers
        if not changed:
            return found
        stale = bitmaps.from_numbers(list(changed), self.size)
        papers = self.searcher._papers
        typos = [
            number
            for number in changed
            if (paper := papers[number]) is not None
            and any(
                typo_length(text, candidate, budget)
                for candidate in word_set(field_text(paper, name))
            )
        ]
        return bitmaps.without(found, stale) | bitmaps.from_numbers(typos, self.size)

    # -- phrases ----------------------------------------------------------------------------------

    def _phrase(self, node: Phrase) -> int:
        result = 0
        for name in node.fields:
            result |= self._phrase_in_field(name, node.text)
        return result

    def _phrase_in_field(self, name: str, text: str) -> int:
        """Papers whose field `name`, lower-cased, contains `text`."""
        papers = self.searcher._papers
        field_index = self._field_index(name)
        if field_index is not None:
            candidates = self._phrase_candidates(field_index, text)
            return bitmaps.from_numbers(
                [
                    number
                    for number in bitmaps.to_numbers(candidates)
                    if (paper := papers[number]) is not None
                    and text in field_text(paper, name).lower()
                ],
                self.size,
            )
        live = self.searcher._scan_now(name)
        found = bitmaps.from_numbers(live.scan.phrase_numbers(text), self.size)
        changed = live.log.numbers
        if not changed:
            return found
        stale = bitmaps.from_numbers(list(changed), self.size)
        matching = [
            number
            for number in changed
            if (paper := papers[number]) is not None and text in field_text(paper, name).lower()
        ]
        return bitmaps.without(found, stale) | bitmaps.from_numbers(matching, self.size)

    def _phrase_candidates(self, field_index: FieldIndex, phrase: str) -> int:
        """Papers that may hold `phrase` in the field of `field_index`, narrowed with it."""
        parts = words_of(phrase)
        if not parts:
            return self.alive
        if len(parts) == 1:
            return field_index.substring_bitmap(parts[0])
        # Inner words are whole words; the last may be cut short; the first may be a word's tail.
        result = field_index.prefix_bitmap(parts[-1])
        for part in parts[1:-1]:
            result &= field_index.word_bitmap(part)
        return result

    # -- attributes and states --------------------------------------------------------------------

    def _state_numbers(self, kind: str, value: str = "") -> int:
        """Papers whose state says `kind` (starred, status=value, tag=value, note, tags, opened).

        Walks `ctx.states`, which holds only the papers the user touched, with one inlined
        comprehension per kind: this runs on every keystroke of a structured query.
        """
        version = self.ctx.states_version
        if version is not None:
            key = (kind, value, version, id(self.ctx.states))
            cache = self.searcher._state_cache
            found = cache.get(key)
            if found is None:
                if len(cache) >= _LEAF_CACHE_SIZE:
                    cache.clear()
                found = cache[key] = self._scan_states(kind, value)
            return found
        return self._scan_states(kind, value)

    def _scan_states(self, kind: str, value: str) -> int:
        states = self.ctx.states
        get = self.searcher._numbers.get
        if kind == "starred":
            found = [get(pid) for pid, st in states.items() if st.starred]
        elif kind == "status":
            found = [get(pid) for pid, st in states.items() if st.status == value]
        elif kind == "not-inbox":
            found = [get(pid) for pid, st in states.items() if st.status != "inbox"]
        elif kind == "tag":
            found = [get(pid) for pid, st in states.items() if value in st.tags]
        elif kind == "note":
            found = [get(pid) for pid, st in states.items() if st.note]
        elif kind == "tags":
            found = [get(pid) for pid, st in states.items() if st.tags]
        else:  # "read": opened or done
            found = [
                get(pid)
                for pid, st in states.items()
                if st.opened_at is not None or st.status == "done"
            ]
        if None in found:
            found = [n for n in found if n is not None]
        return bitmaps.from_numbers(found, self.size)  # type: ignore[arg-type]

    def _attr(self, node: Attr) -> int:
        value = node.value
        if node.name == "tag":
            return self._state_numbers("tag", value)
        if node.name in ("cat", "source"):
            groups = self.searcher._groups(node.name)
            result = 0
            for key, members in groups.items():
                if value in key:
                    result |= members
            return result

        def ids() -> int:
            return bitmaps.from_numbers(
                (
                    n
                    for n, p in enumerate(self.searcher._papers)
                    if p is not None
                    and (value in p.id.lower() or (p.arxiv_id and value in p.arxiv_id.lower()))
                ),
                self.size,
            )

        return self._cached_leaf(("id", value), ids)

    def _is(self, value: str) -> int:
        if value == "starred":
            return self._state_numbers("starred")
        if value == "inbox":
            return bitmaps.without(self.alive, self._state_numbers("not-inbox"))
        if value in ("later", "done", "skipped"):
            return self._state_numbers("status", value)
        if value == "unread":
            return bitmaps.without(self.alive, self._state_numbers("read"))
        # new
        since = self.ctx.new_since
        if since is None:
            return self.alive
        values, numbers, _having = self.searcher._column("first_seen")
        return bitmaps.from_numbers(numbers[bisect_left(values, since) :], self.size)

    def _has(self, value: str) -> int:
        if value in ("note", "tags"):
            return self._state_numbers(value)
        return self.searcher._flag(value)

    def _range(self, name: str, low: Any, high: Any, half_open: bool = False) -> int:
        """Papers whose `name` lies in [low, high] ([low, high) when half_open); None = open."""
        values, numbers, having = self.searcher._column(name)
        start = 0 if low is None else bisect_left(values, low)
        if high is None:
            end = len(values)
        else:
            end = bisect_left(values, high) if half_open else bisect_right(values, high)
        if end <= start:
            return 0
        if end - start > len(values) // 2:
            # Cheaper to build the papers outside the range and take them away.
            outside = numbers[:start] + numbers[end:]
            return bitmaps.without(having, bitmaps.from_numbers(outside, self.size))
        return bitmaps.from_numbers(numbers[start:end], self.size)
