"""The library: the catalog of papers, the user's triage state, the undo journal and metadata.

Files in the home folder (each a TinyDB file written atomically, see `tui.store.db`):

- `catalog.json`  papers without their long texts, keyed by paper id (written by import/sync);
- `texts/NN.json`  abstracts and AI summaries in shards, kept apart so the list can load
                  without them (and parsed a shard at a time, which keeps memory low);
- `state/NN.json` the user's per-paper state in shards by id (`tui.store.states`), so one
                  keystroke rewrites one small file whose size does not grow with the library;
- `journal.json`  the index of the last actions, for undo/redo across restarts; each action's
                  old and new states sit in `journal/<seq>.json` (`tui.store.journal`);
- `meta.json`     small settings: last sync times, `new_since`, id aliases, and the shard counts
                  (recorded when the library is created: a paper's shard depends on them;
                  `tui.store.meta`);
- `.lock`         the write lock (see `tui.store.lock`).

Every write is a read-modify-write under the lock: changes another process made are re-read
first, so nobody overwrites anybody. A file that does not parse is moved aside and reported.
This class is the façade over the store's modules: the catalog's merge rules are in
`tui.store.merge` and an import's write in `tui.store.upsert`; the triage actions in
`tui.actions`, their journalled writes and undo/redo steps in `tui.store.steps` (a run of
them at once: `run_steps`, how the app writes the keys queued behind each other); noticing
another process's writes in `tui.store.watch`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.actions import (
    Action,
    EditTags,
    RenameTag,
    SetNote,
    SetStar,
    SetStatus,
    ToggleStar,
)
from tui.errors import LockTimeoutError, PaperdeckError, StoreError, UnknownPaperError
from tui.models import State
from tui.paths import data_home
from tui.store import counts
from tui.store.catalog import DEFAULT_TEXT_SHARDS, Catalog, UpsertResult
from tui.store.db import (
    CorruptFileError,
    KeyedDB,
    Migration,
    open_db,
    set_aside,
)
from tui.store.ids import CatalogIds
from tui.store.journal import Journal, JournalEntry
from tui.store.lock import LibraryLock, timeout_from_env
from tui.store.meta import Meta
from tui.store.states import DEFAULT_STATE_SHARDS, StateShards, shard_index
from tui.store.steps import ActionStep, Batch, Step, StepOutcome, UndoStep
from tui.store.watch import any_changed, fingerprint, read_files, take_changes, view_files

if TYPE_CHECKING:
    from tui.models import Paper

SCHEMA_VERSION = 1
MIGRATIONS: dict[str, dict[int, Migration]] = {}
"""Per file kind, `{n: function turning a version-n file's data into version n + 1}`."""


class Library:
    """A paperdeck home: read papers and state, import, triage, undo. Thread-safe."""

    def __init__(
        self,
        home: Path,
        *,
        lock_timeout: float | None = None,
        state_shards: int = DEFAULT_STATE_SHARDS,
        text_shards: int = DEFAULT_TEXT_SHARDS,
    ) -> None:
        """`state_shards` and `text_shards` apply to a new library only: an existing one keeps
        the counts recorded in its meta (or, made before they were recorded, the defaults)."""
        self.home = home
        if lock_timeout is None:
            lock_timeout = timeout_from_env()
        try:
            home.mkdir(mode=0o700, parents=True, exist_ok=True)
            (home / "state").mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create library folder {home}: {exc.strerror}") from None
        self._lock = LibraryLock(home / ".lock", timeout=lock_timeout)
        self._mutex = threading.RLock()
        new = not any((home / name).exists() for name in ("catalog.json", "meta.json"))
        new = new and not any((home / "state").glob("*.json"))
        self._meta = Meta(self._open("meta.json", "meta"))
        counts = self._meta.shard_counts(
            self._write, new=new, state_shards=state_shards, text_shards=text_shards
        )
        # The two big files are read when the papers are first asked for, not here.
        (home / "texts").mkdir(mode=0o700, exist_ok=True)
        self._catalog = Catalog(
            self._open("catalog.json", "catalog", eager=False),
            [
                self._open(f"texts/{n:02d}.json", "texts", eager=False)
                for n in range(counts["texts"])
            ],
            self._read_table,
        )
        self._ids = CatalogIds(home, self._catalog)
        self._journal = Journal(
            home / "journal",
            self._open("journal.json", "journal"),
            self._entry_db,
            self._read_table,
        )
        # Read when first needed: a write reads one shard, the app all of them in its loader.
        self._states = StateShards(
            [
                self._open(f"state/{n:02d}.json", "state", eager=False)
                for n in range(counts["state"])
            ],
            self._read_table,
        )

    @property
    def shard_counts(self) -> dict[str, int]:
        """`{"state": N, "texts": M}`: how many state and texts shard files this library has."""
        return {"state": len(self._states.files), "texts": len(self._catalog.texts)}

    def state_shard(self, paper_id: str) -> int:
        """The number of the state shard file (`state/NN.json`) holding a paper's state."""
        return shard_index(paper_id, len(self._states.files))

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, home: str | Path | None = None, *, lock_timeout: float | None = None) -> Library:
        """Open the library at `home` (default: `tui.paths.data_home()`), creating it if new.

        `lock_timeout` is how long a write waits for another process's lock (default 5 s, or
        `$PAPERDECK_LOCK_TIMEOUT`).
        """
        return cls(data_home(home), lock_timeout=lock_timeout)

    def close(self) -> None:
        """Release file handles (the library holds no lock between writes)."""
        self._catalog.close()
        self._meta.close()
        for db in (self._journal.index, *self._states.files):
            db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open(self, name: str, kind: str, *, eager: bool = True) -> KeyedDB:
        path = self.home / name
        try:
            return open_db(
                path,
                kind=kind,
                version=SCHEMA_VERSION,
                migrations=MIGRATIONS.get(kind),
                guard=self._check_locked,
                write_lock=self._write,
                eager=eager,
            )
        except CorruptFileError as exc:
            raise set_aside(exc) from None

    def _entry_db(self, name: str) -> KeyedDB:
        return self._open(name, "journal-entry")

    def _check_locked(self) -> None:
        if not self._lock.held:
            raise StoreError("internal error: a store write outside the library lock")

    @contextmanager
    def _write(self, timeout: float | None = None) -> Iterator[None]:
        """Hold this object's mutex and the cross-process lock for one read-modify-write;
        `timeout` bounds both waits (default: the mutex without limit, the lock's own timeout)."""
        if not self._mutex.acquire(timeout=-1 if timeout is None else timeout):
            raise LockTimeoutError(f"library {self.home} is busy in this process")
        try:
            with self._lock.hold(timeout):
                yield
        finally:
            self._mutex.release()

    # ------------------------------------------------------------------ loading

    def _read_table(self, db: KeyedDB, table: str) -> Mapping[str, dict[str, Any]]:
        try:
            return db.keyed(table).raw()
        except CorruptFileError as exc:
            raise set_aside(exc) from None

    def hold(self, timeout: float | None = None) -> AbstractContextManager[None]:
        """Keep every other process (and thread) from writing while the block runs; `timeout`
        bounds the wait (default: the library's lock timeout), then LockTimeoutError."""
        return self._write(timeout)

    def _view_files(self) -> list[KeyedDB]:
        return view_files(self._catalog, self._states)

    def in_step_with_disk(self) -> bool:
        """True when the papers and states in memory are exactly what the files hold: the
        catalog loaded, and no other process changed a file since (stat calls only, once the
        state shards are read: any not read yet are read now). The texts count where they are
        loaded, or where this process read or wrote a shard: papers whose texts were not read
        hold none (`fill_texts_of` reads a few from the files as they are)."""
        if not self.catalog_loaded:
            return False
        with self._mutex:
            self._states.load()
        texts = self._catalog.texts if self.texts_loaded else self._catalog.texts_read
        return not any_changed([self._catalog.db, *texts, *self._states.files])

    def fill_texts_of(self, ids: Iterable[str]) -> None:
        """Read the abstracts and AI summaries of these papers alone (no-op for those filled)."""
        with self._mutex:
            self._catalog.fill_texts_of(ids)

    def changes_from_others(self) -> tuple[bool, dict[str, State]]:
        """Take in what another process (a CLI command, a cron sync, an import) wrote since we
        read the files: stat calls only when nothing changed, so it is cheap to poll.

        Returns whether the catalog or texts changed (the papers are re-read now, with their
        texts if they were loaded: `papers()` gives the new objects) and the states that
        changed, by id (the default state where one was removed)."""
        if not any_changed(read_files(self._catalog, self._states)):
            return False, {}
        with self._mutex:
            return take_changes(self._catalog, self._states)

    def fingerprint(self) -> list[list[int] | None]:
        """The catalog, text and state files as they are on disk now (mtime, size, inode each):
        two equal fingerprints mean nothing any view shows has changed in between."""
        return fingerprint(self._view_files())

    def catalog_fingerprint(self) -> list[list[int] | None]:
        """The catalog and text files alone as they are on disk now: what an index derived from
        the papers' titles and abstracts (not the user's state) must be rebuilt after."""
        return fingerprint(self._catalog.files)

    # ------------------------------------------------------------------ reading

    def papers(self, *, texts: bool = True) -> dict[str, Paper]:
        """Every paper by id. Loaded on first use; treat the objects as read-only.

        With `texts=False` abstracts and AI summaries may still be empty (they live in a file of
        their own, most of the library's bytes): the app paints its list from that and calls
        `load_texts()` in the background.
        """
        with self._mutex:
            return self._catalog.papers(texts=texts)

    def load_texts(self) -> None:
        """Fill in every paper's abstract and AI summary (no-op when already loaded)."""
        self.papers(texts=True)

    @property
    def catalog_signature(self) -> tuple[int, int, int] | None:
        """The decoded `catalog.json`'s signature, for a file derived from it (`scan_cache`)."""
        return self._catalog.decoded_signature

    @property
    def catalog_loaded(self) -> bool:
        """True once the papers were read from `catalog.json` (resolving an id does not)."""
        return self._catalog.loaded

    @property
    def texts_loaded(self) -> bool:
        """True once abstracts and AI summaries are in the `Paper` objects."""
        return self._catalog.texts_loaded

    def __len__(self) -> int:
        return len(self.papers(texts=False))

    def is_empty(self) -> bool:
        """True when the catalog holds no paper."""
        return self._catalog.is_empty(self.home / "catalog.json")

    def get(self, paper_id: str) -> Paper | None:
        """The paper with this catalog id, or None."""
        return self.papers(texts=False).get(paper_id)

    def resolve(self, text: str) -> str:
        """Turn any id form the user may type into a catalog id, or raise UnknownPaperError.

        Accepts catalog ids, `2206.00927`, `2206.00927v2`, `arXiv:2206.00927`, arXiv and
        Hugging Face paper URLs, and ids of papers that were later re-keyed (aliases). Answered
        from the id lookup (`tui.store.ids`) while the catalog is not loaded.
        """
        return self._ids.resolve(text, self._meta.aliases)

    def locate(self, paper: Paper, *, by_title: bool = True) -> str | None:
        """The catalog id of the paper this record is, or None: by its id (or an alias of it,
        or the arXiv id in it), then by arXiv id, then (with `by_title`) by title, as an import
        would match it (`tui.store.merge.match`)."""
        papers = self.papers(texts=False)
        if paper.id in papers:
            return paper.id
        for text in (paper.id, paper.arxiv_id):
            if text:
                try:
                    return self.resolve(text)
                except UnknownPaperError:
                    pass
        from tui.store.merge import match  # here: msgspec, which a triage command does not need

        titles = self._catalog.titles() if by_title else {}
        return match(paper, self._catalog.arxiv_ids(), titles, papers)

    def state(self, paper_id: str) -> State:
        """A copy of the user's state for a paper (the default state if untouched)."""
        return self._states.get(paper_id)

    @property
    def states_version(self) -> int:
        """A number that changes whenever any state changes (lets the query engine cache)."""
        return self._states.version

    def states(self) -> dict[str, State]:
        """States of papers the user touched, by id. A live view: do not modify."""
        return self._states.states

    def status_counts(self) -> dict[str, int]:
        """Counts for the smart views: inbox, later, done, skipped, starred, all."""
        return counts.status_counts(self._states.states, self.papers(texts=False))

    def tag_counts(self) -> dict[str, int]:
        """Every tag in use with the number of papers carrying it, most used first."""
        return counts.tag_counts(self._states.states, self.papers(texts=False))

    def get_meta(self, key: str, default: Any = None) -> Any:
        """A value from meta.json."""
        return self._meta.get(key, default)

    def set_meta(self, key: str, value: Any) -> None:
        """Store a small JSON value in meta.json."""
        self.set_metas({key: value})

    def set_metas(self, values: Mapping[str, Any]) -> None:
        """Store several small JSON values in meta.json with one write of the file."""
        with self._write():
            self._meta.put_many(values)

    # ------------------------------------------------------------------ catalog writes

    def upsert_papers(
        self, incoming: Iterable[Paper], *, source: str, dry_run: bool = False
    ) -> UpsertResult:
        """Merge papers into the catalog: by arXiv id first, else by normalised title.

        New papers are added with `first_seen` now; known ones gain fields they lacked and take
        refreshed values (upvotes, comments, code links, summaries). A paper first known only by
        its title is re-keyed to `arxiv:<id>` when an import brings the id; its state moves with
        it. User state is otherwise never touched. One atomic write per file.
        """
        from tui.store.upsert import upsert  # here: msgspec, which a triage command does not need

        with self._write():
            result = upsert(
                self._catalog, self._states, self._meta, incoming, source=source, dry_run=dry_run
            )
            if not dry_run and (result.added or result.updated):
                self._ids.remember()  # the next `paperdeck star` need not load the catalog
            return result

    # ------------------------------------------------------------------ triage

    def _check_ids(self, ids: Iterable[str]) -> list[str]:
        out = list(dict.fromkeys(ids))
        for pid in out:
            if self._ids.find(pid) != pid:
                raise UnknownPaperError(f"no paper with id {pid!r} in the library at {self.home}")
        return out

    def run(
        self, action: Action, ids: Iterable[str] | None = None, *, session: str = ""
    ) -> JournalEntry:
        """Run a triage action (`tui.actions`) on papers as one journalled, undoable step.

        Without `ids` the action picks its papers itself (renaming a tag). The action is settled
        and applied under the write lock, on the states as they are on disk, so a change another
        process made meanwhile is kept. Returns the entry (with no changes when nothing changed;
        such an entry is not journalled). `session` tags the entry for a session's own undo.
        """
        step = ActionStep(action, None if ids is None else tuple(ids), session)
        entry = self._one(step)
        assert entry is not None  # an action always has its entry
        return entry

    def run_steps(self, steps: Sequence[Step]) -> list[StepOutcome]:
        """Run triage actions and undo/redo steps in order under one lock, each on the states
        as the steps before it left them, and write them all at once (`tui.store.steps.Batch`):
        one write per state shard touched, one journal file per new entry, the index once.

        A step that cannot run (an unknown paper, a tag to rename that nothing has) gets its
        error in its outcome and the others still run; a failed write raises for them all
        (StoreError, or PartialWriteError saying what the disk kept).
        """
        checked: list[list[str] | PaperdeckError | None] = []
        for step in steps:
            try:
                ids = step.ids if isinstance(step, ActionStep) else None
                checked.append(None if ids is None else self._check_ids(ids))
            except PaperdeckError as exc:
                checked.append(exc)
        outcomes: list[StepOutcome] = []
        with self._write():
            self._states.refresh()
            batch = Batch(self._states, self._journal, self._meta)
            for step, wanted in zip(steps, checked, strict=True):
                if isinstance(wanted, PaperdeckError):
                    outcomes.append(StepOutcome(None, wanted))
                    continue
                try:
                    outcomes.append(StepOutcome(batch.take(step, wanted)))
                except PaperdeckError as exc:
                    outcomes.append(StepOutcome(None, exc))
            batch.commit()
        return outcomes

    def _one(self, step: Step) -> JournalEntry | None:
        outcome = self.run_steps([step])[0]
        if outcome.error is not None:
            raise outcome.error
        return outcome.entry

    def set_status(self, ids: Iterable[str], status: str) -> JournalEntry:
        """Move papers to `inbox`, `later`, `done` or `skipped`."""
        return self.run(SetStatus(status), ids)

    def set_starred(self, ids: Iterable[str], starred: bool) -> JournalEntry:
        """Star or unstar papers."""
        return self.run(SetStar(starred), ids)

    def toggle_star(self, ids: Iterable[str]) -> JournalEntry:
        """Star all the papers if any of them is unstarred, else unstar them all."""
        return self.run(ToggleStar(), ids)

    def edit_tags(
        self, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> JournalEntry:
        """Add and remove tags (normalised: lower case, spaces as hyphens)."""
        return self.run(EditTags(tuple(add), tuple(remove)), ids)

    def set_note(self, ids: Iterable[str], note: str) -> JournalEntry:
        """Set (or, with an empty string, clear) the note on papers."""
        return self.run(SetNote(note), ids)

    def rename_tag(self, old: str, new: str) -> JournalEntry:
        """Rename a tag across the library; if `new` exists already the two merge."""
        return self.run(RenameTag(old, new))

    def apply_states(
        self,
        states: Mapping[str, State],
        label: str,
        *,
        merge: Callable[[State, State], State] | None = None,
    ) -> JournalEntry | None:
        """Write whole states (reading-list sync) as one undoable action.

        With `merge`, each paper's new state is `merge(current, given)`, computed under the
        write lock from the state on disk, so a keystroke made meanwhile (here or in another
        process) is merged rather than overwritten.
        """
        if not states:
            return None

        def change(pid: str, current: State, now: float) -> State:
            return merge(current, states[pid]) if merge else states[pid].copy()

        with self._write():
            self._states.refresh()
            batch = Batch(self._states, self._journal, self._meta)
            entry = batch.change(list(states), label, change, journal=True)
            batch.commit()
        return entry if entry.changes else None

    # ------------------------------------------------------------------ journal

    def history(self) -> list[JournalEntry]:
        """The journal, oldest first, without the per-paper changes (undone = redo stack)."""
        return self._journal.history()

    def undo(self, session: str | None = None) -> JournalEntry | None:
        """Undo the latest action not yet undone (with `session`, that session's latest first,
        see `JournalBatch.next_step`); returns it, or None when there is none."""
        return self._one(UndoStep(True, session))

    def redo(self, session: str | None = None) -> JournalEntry | None:
        """Redo the action undone most recently; returns it, or None when there is none."""
        return self._one(UndoStep(False, session))
