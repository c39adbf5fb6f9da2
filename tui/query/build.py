"""The staged, cooperative build of a corpus's word index: `StagedBuild`.

Stage 1 indexes titles and authors, warms the date and upvote orders and publishes the index
(`ready`, about a second at 100k papers); stage 2 indexes abstracts (`abstracts_ready`, several
seconds). Both run in a worker while searches and updates go on: each field is indexed from a
snapshot scan outside the lock, then catches up with the changes logged meanwhile before it is
published, so answers never depend on how far the build has come.

It is cooperative so a UI thread keeps drawing: short C steps with a `sleep(0)` every couple of
milliseconds (`Pacer`), no sort of the whole library in one call, garbage collection paused and
the index frozen after.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

from tui.memory import paused_gc, release_free_memory
from tui.query.corpus import ChangeLog, Corpus
from tui.query.index import FieldIndex, WordIndex
from tui.query.scan import FieldScan, field_text
from tui.query.text import word_set

_DONE = object()


class BuildCancelled(Exception):
    """The build's `cancelled()` said stop (raised from the pacer, caught by `run`)."""


class Pacer:
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
                raise BuildCancelled
            time.sleep(0)
            self.last = time.perf_counter()


class StagedBuild:
    """Builds the index of `corpus` in two stages; at most one thread builds at a time.

    `on_snapshot(field)` (a test hook) is called once a field's snapshot is taken, before it is
    indexed.
    """

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.on_snapshot: Callable[[str], None] | None = None
        self.titles_done = threading.Event()
        self.titles_done.set()
        self.abstracts_done = threading.Event()
        self.abstracts_done.set()
        self._building = False
        self._cancelled: Callable[[], bool] | None = None

    @property
    def ready(self) -> bool:
        """Stage 1 is done: titles and authors are indexed."""
        return self.corpus.index is not None

    @property
    def abstracts_ready(self) -> bool:
        """Stage 2 is done: abstracts are indexed too."""
        index = self.corpus.index
        return index is not None and "abstract" in index.fields

    def run(self, *, abstracts: bool = True, cancelled: Callable[[], bool] | None = None) -> bool:
        """Build in the calling thread (see `Searcher.build`); False when `cancelled()` stopped it."""
        corpus = self.corpus
        with corpus.lock:
            if self._building or (self.ready and (self.abstracts_ready or not abstracts)):
                return True
            self._building = True
            self._cancelled = cancelled
            if not self.ready:
                self.titles_done.clear()
            if abstracts:
                self.abstracts_done.clear()
        # The build allocates millions of objects and frees few: collections would rescan the
        # whole library again and again for nothing, stalling every thread while they run. And
        # the index lives as long as the searcher: freezing it (and whatever else is alive, as the
        # app does after loading) keeps the first collection after the build from walking it all
        # - a pause of a tenth of a second at 100k papers.
        try:
            with paused_gc(keep=True):
                if not self.ready:
                    self._build_titles()
                self.titles_done.set()
                if abstracts and not self.abstracts_ready:
                    self._build_abstracts()
        except BuildCancelled:
            return False
        finally:
            with corpus.lock:
                self._building = False
                self._cancelled = None
            self.titles_done.set()
            self.abstracts_done.set()
        # The scans and word lists the index was built from are freed: a few hundred MB of
        # heap at 100k papers that would otherwise stay in the process's resident size.
        release_free_memory()
        return True

    def _build_titles(self) -> None:
        """Stage 1: index titles and authors, warm the orders every search needs, publish (flips
        `ready`); then, a step at a time under the lock, finish what only speeds things up."""
        corpus = self.corpus
        built: list[tuple[str, tuple[FieldIndex, FieldScan, ChangeLog]]] = []
        try:
            for name in ("title", "authors"):
                built.append(self._build_field(name, optimise=False))
        except BaseException:
            with corpus.lock:
                for _name, (_index, _scan, log) in built:
                    corpus.drop_log(log)
            raise
        with corpus.lock:
            fields = {name: self._catch_up(name, *parts) for name, parts in built}
            # Relevance breaks ties by date, and the default views sort by date or upvotes.
            corpus.columns.order("date", False)
            corpus.columns.order("upvotes", False)
            corpus.index = WordIndex(fields)
            for name in fields:
                corpus.drop_scan(name)
        self.titles_done.set()
        warmers: list[Iterator[None]] = [index.optimising() for index in fields.values()]
        warmers.append(self._warming())
        pace = Pacer(self._cancelled)
        for steps in warmers:
            while True:
                with corpus.lock:
                    if next(steps, _DONE) is _DONE:
                        break
                pace()

    def _warming(self) -> Iterator[None]:
        """Compute the catalog columns the common filters use, one per step."""
        columns = self.corpus.columns
        for column in ("date", "listed", "upvotes", "stars"):
            columns.column(column)
            yield
        columns.groups("cat")
        yield
        columns.flag("code")

    def _build_abstracts(self) -> None:
        """Stage 2: index abstracts and publish them next to titles and authors."""
        corpus = self.corpus
        name, parts = self._build_field("abstract", optimise=True)
        with corpus.lock:
            field_index = self._catch_up(name, *parts)
            assert corpus.index is not None
            corpus.index.fields[name] = field_index
            corpus.drop_scan(name)

    def _build_field(
        self, name: str, *, optimise: bool
    ) -> tuple[str, tuple[FieldIndex, FieldScan, ChangeLog]]:
        """Index field `name` from a scan of it (the one searches use, or a new one), outside the
        lock; the result still has to catch up with the changes in the returned log."""
        corpus = self.corpus
        pace = Pacer(self._cancelled)
        while True:
            # The snapshot alone: the index reads the words chunk by chunk (`segments`), so no
            # whole word form of the field is built just for the build (a search builds its own).
            live = corpus.live_scan(name)
            # A scan dropped meanwhile (too many changes) no longer logs them: take another.
            log = corpus.follow(name, live)
            if log is not None:
                break
        try:
            if self.on_snapshot is not None:
                self.on_snapshot(name)
            field_index = FieldIndex.from_scan(live.scan, pause=pace, optimise=optimise)
        except BaseException:
            corpus.drop_log(log)
            raise
        return name, (field_index, live.scan, log)

    def _catch_up(
        self, name: str, field_index: FieldIndex, scan: FieldScan, log: ChangeLog
    ) -> FieldIndex:
        """Apply to an index built from `scan` what changed since (call with the lock held)."""
        papers = self.corpus.papers
        changes: list[tuple[int, set[str], set[str]]] = []
        for number in sorted(log.numbers):
            old = scan.papers[number] if number < scan.size else None
            new = papers[number]
            changes.append(
                (
                    number,
                    word_set(field_text(old, name)) if old is not None else set(),
                    word_set(field_text(new, name)) if new is not None else set(),
                )
            )
        if changes:
            field_index.apply(changes)
        field_index.size = max(field_index.size, len(papers))
        self.corpus.drop_log(log)
        return field_index
