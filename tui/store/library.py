"""The library: the catalog of papers, the user's triage state, the undo journal and metadata.

Files in the home folder (each a TinyDB file written atomically, see `tui.store.db`):

- `catalog.json`  papers without their long texts, keyed by paper id (written by import/sync);
- `texts/NN.json`  abstracts and AI summaries in 16 shards, kept apart so the list can load
                  without them (and parsed a shard at a time, which keeps memory low);
- `state/NN.json` the user's per-paper state, in 64 shards by id, so one keystroke rewrites one
                  small file whose size does not grow with the number of papers in the library;
- `journal.json`  the index of the last actions, for undo/redo across restarts; each action's
                  old and new states sit in `journal/<seq>.json`;
- `meta.json`     small settings: last sync times, `new_since`, id aliases;
- `.lock`         the write lock (see `tui.store.lock`).

Every write is a read-modify-write under the lock: changes another process made are re-read
first, so nobody overwrites anybody. A file that does not parse is moved aside and reported.
"""

from __future__ import annotations

import os
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tui.errors import LockTimeoutError, StoreError, UnknownPaperError, UsageError
from tui.models import (
    PAPER_FIELDS,
    STATUSES,
    Paper,
    State,
    clean_multiline,
    clean_text,
    normalise_tag,
    normalise_title,
    now_ts,
    paper_key,
    split_arxiv_id,
    utc_stamp,
)
from tui.paths import data_home
from tui.store.db import (
    CorruptFileError,
    KeyedDB,
    Migration,
    file_signature,
    open_db,
    paused_gc,
    quarantine,
)
from tui.store.lock import DEFAULT_TIMEOUT, LibraryLock

SCHEMA_VERSION = 1
STATE_SHARDS = 64
TEXT_SHARDS = 16
JOURNAL_LIMIT = 200
TEXT_FIELDS = ("abstract", "ai_summary")
# List fields: an empty list from a later import never erases the known value.
_LIST_FIELDS = {"authors", "categories", "ai_keywords"}
_STATE_FIELDS = ("status", "starred", "note", "opened_at")
_MERGED_FIELDS = tuple(
    sorted(PAPER_FIELDS - {"id", "first_seen", "last_synced", "sources", "links"})
)
_COMPARED_FIELDS = tuple(sorted(PAPER_FIELDS - {"last_synced"}))
MIGRATIONS: dict[str, dict[int, Migration]] = {}
"""Per file kind, `{n: function turning a version-n file's data into version n + 1}`."""


def _set_aside(exc: CorruptFileError) -> StoreError:
    """Move a damaged file aside and say so: the user's data is kept, never replaced."""
    moved = quarantine(exc.path)
    return StoreError(
        f"{exc.path}: could not be read ({exc.detail}); it was moved aside to {moved.name} "
        "and nothing was overwritten: restore it or remove it to continue"
    )


def _env_timeout() -> float:
    raw = os.environ.get("PAPERDECK_LOCK_TIMEOUT", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


@dataclass(slots=True)
class UpsertResult:
    """What an import or sync did to the catalog (ids in each list)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self, source: str = "") -> str:
        """`+23 new, 41 updated` (plus `from SOURCE` when given)."""
        text = f"+{len(self.added)} new, {len(self.updated)} updated"
        return f"{text} from {source}" if source else text


@dataclass(slots=True)
class JournalEntry:
    """One user action: a label and, per paper, the state before and after."""

    seq: int
    label: str
    at: float
    changes: dict[str, tuple[State, State]]
    undone: bool = False

    @property
    def ids(self) -> list[str]:
        """The papers this action touched."""
        return list(self.changes)


def _plural(count: int) -> str:
    return "1 paper" if count == 1 else f"{count} papers"


def _compact(doc: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values so the catalog file parses fast; `Paper.from_dict` restores defaults."""
    return {
        k: v
        for k, v in doc.items()
        if k == "id"
        or k == "title"
        or (v is not None and (v or not isinstance(v, str | list | dict)))
    }


def text_shard_of(paper_id: str) -> int:
    """The texts shard holding a paper's abstract and AI summary."""
    return zlib.crc32(paper_id.encode("utf-8")) % TEXT_SHARDS


def shard_of(paper_id: str) -> int:
    """The state shard a paper's state lives in (stable across runs and machines)."""
    return zlib.crc32(paper_id.encode("utf-8")) % STATE_SHARDS


class Library:
    """A paperdeck home: read papers and state, import, triage, undo. Thread-safe."""

    def __init__(self, home: Path, *, lock_timeout: float | None = None) -> None:
        self.home = home
        if lock_timeout is None:
            lock_timeout = _env_timeout()
        try:
            home.mkdir(parents=True, exist_ok=True)
            (home / "state").mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create library folder {home}: {exc.strerror}") from None
        self._lock = LibraryLock(home / ".lock", timeout=lock_timeout)
        self._mutex = threading.RLock()
        # The two big files are read when the papers are first asked for, not here.
        self._catalog = self._open("catalog.json", "catalog", eager=False)
        (home / "texts").mkdir(exist_ok=True)
        self._texts: list[KeyedDB] = [
            self._open(f"texts/{n:02d}.json", "texts", eager=False) for n in range(TEXT_SHARDS)
        ]
        self._meta = self._open("meta.json", "meta")
        self._journal = self._open("journal.json", "journal")
        self._shards: list[KeyedDB] = [
            self._open(f"state/{n:02d}.json", "state") for n in range(STATE_SHARDS)
        ]
        self._papers: dict[str, Paper] | None = None
        self._texts_loaded = False
        # Built on first use (an import, an id to resolve), not at start-up: 50 ms at 100k.
        self._by_arxiv: dict[str, str] | None = None
        self._by_title: dict[str, str] | None = None
        self._states: dict[str, State] = {}
        self._states_version = 0
        self._load_states()
        self.listeners: list[Callable[[JournalEntry], None]] = []

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
        for db in (self._catalog, *self._texts, self._meta, self._journal, *self._shards):
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
            raise _set_aside(exc) from None

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
            raise _set_aside(exc) from None

    def _load_catalog(self, *, texts: bool) -> dict[str, Paper]:
        with paused_gc(keep=True):
            table = self._read_table(self._catalog, "papers")
            papers = {pid: Paper.from_dict(doc) for pid, doc in table.items()}
        # The parsed file stays cached in the storage otherwise: twice the memory for a file
        # that only import and sync write (they re-read it under the lock anyway).
        self._catalog.file.forget()
        self._by_arxiv = None
        self._by_title = None
        self._texts_loaded = False
        if texts:
            self._fill_texts(papers)
        return papers

    def _fill_texts(self, papers: Mapping[str, Paper]) -> None:
        for db in self._texts:
            with paused_gc(keep=True):
                for pid, text in self._read_table(db, "texts").items():
                    paper = papers.get(pid)
                    if paper is not None:
                        paper.abstract = text.get("abstract", "")
                        paper.ai_summary = text.get("ai_summary")
            db.file.forget()
        self._texts_loaded = True

    def _load_states(self) -> None:
        states: dict[str, State] = {}
        for db in self._shards:
            for pid, doc in self._read_table(db, "states").items():
                states[pid] = State.from_dict(doc)
        self._states = states

    def _refresh_states(self) -> bool:
        changed = {n: db for n, db in enumerate(self._shards) if db.file.changed_on_disk()}
        if not changed:
            return False
        tables = {n: self._read_table(db, "states") for n, db in changed.items()}
        for pid in [p for p in self._states if shard_of(p) in tables]:
            if pid not in tables[shard_of(pid)]:
                del self._states[pid]
        for table in tables.values():
            for pid, doc in table.items():
                self._states[pid] = State.from_dict(doc)
        self._states_version += 1
        return True

    def refresh(self) -> bool:
        """Re-read files another process changed; True if anything was reloaded."""
        with self._mutex:
            changed = self._refresh_states()
            catalog_changed = self._catalog.file.changed_on_disk() or (
                any(db.file.changed_on_disk() for db in self._texts)
            )
            if catalog_changed and self._papers is not None:
                self._papers = self._load_catalog(texts=self._texts_loaded)
                changed = True
            return changed

    def hold(self, timeout: float | None = None) -> AbstractContextManager[None]:
        """Keep every other process (and thread) from writing while the block runs; `timeout`
        bounds the wait (default: the library's lock timeout), then LockTimeoutError."""
        return self._write(timeout)

    def _view_files(self) -> list[KeyedDB]:
        return [self._catalog, *self._texts, *self._shards]

    def in_step_with_disk(self) -> bool:
        """True when the papers, texts and states in memory are exactly what the files hold: all
        loaded, and no other process changed a file since (stat calls only)."""
        return self.texts_loaded and not any(db.file.changed_on_disk() for db in self._view_files())

    def fingerprint(self) -> list[list[int] | None]:
        """The catalog, text and state files as they are on disk now (mtime, size, inode each):
        two equal fingerprints mean nothing any view shows has changed in between."""
        signatures = (file_signature(db.file.path) for db in self._view_files())
        return [list(sig) if sig else None for sig in signatures]

    def catalog_fingerprint(self) -> list[list[int] | None]:
        """The catalog and text files alone as they are on disk now: what an index derived from
        the papers' titles and abstracts (not the user's state) must be rebuilt after."""
        signatures = (file_signature(db.file.path) for db in (self._catalog, *self._texts))
        return [list(sig) if sig else None for sig in signatures]

    # ------------------------------------------------------------------ reading

    def papers(self, *, texts: bool = True) -> dict[str, Paper]:
        """Every paper by id. Loaded on first use; treat the objects as read-only.

        With `texts=False` abstracts and AI summaries may still be empty (they live in a file of
        their own, most of the library's bytes): the app paints its list from that and calls
        `load_texts()` in the background.
        """
        with self._mutex:
            if self._papers is None:
                self._papers = self._load_catalog(texts=texts)
            elif texts and not self._texts_loaded:
                self._fill_texts(self._papers)
            return self._papers

    def load_texts(self) -> None:
        """Fill in every paper's abstract and AI summary (no-op when already loaded)."""
        self.papers(texts=True)

    @property
    def texts_loaded(self) -> bool:
        """True once abstracts and AI summaries are in the `Paper` objects."""
        return self._papers is not None and self._texts_loaded

    def __len__(self) -> int:
        return len(self.papers(texts=False))

    def is_empty(self) -> bool:
        """True when the catalog holds no paper."""
        if self._papers is not None:
            return not self._papers
        path = self.home / "catalog.json"
        if not path.exists():
            return True
        if path.stat().st_size > 4096:
            return False  # an empty catalog is a few dozen bytes: no need to parse 50 MB here
        return not self._read_table(self._catalog, "papers")

    def get(self, paper_id: str) -> Paper | None:
        """The paper with this catalog id, or None."""
        return self.papers(texts=False).get(paper_id)

    def resolve(self, text: str) -> str:
        """Turn any id form the user may type into a catalog id, or raise UnknownPaperError.

        Accepts catalog ids, `2206.00927`, `2206.00927v2`, `arXiv:2206.00927`, arXiv and
        Hugging Face paper URLs, and ids of papers that were later re-keyed (aliases).
        """
        papers = self.papers(texts=False)
        raw = text.strip()
        if raw in papers:
            return raw
        aliases: dict[str, str] = self.get_meta("aliases", {}) or {}
        if raw in aliases and aliases[raw] in papers:
            return aliases[raw]
        split = split_arxiv_id(raw)
        if split:
            pid = self._arxiv_ids().get(split[0])
            if pid:
                return pid
        raise UnknownPaperError(f"no paper with id {raw!r} in the library at {self.home}")

    def state(self, paper_id: str) -> State:
        """A copy of the user's state for a paper (the default state if untouched)."""
        found = self._states.get(paper_id)
        return found.copy() if found else State()

    @property
    def states_version(self) -> int:
        """A number that changes whenever any state changes (lets the query engine cache)."""
        return self._states_version

    def states(self) -> dict[str, State]:
        """States of papers the user touched, by id. A live view: do not modify."""
        return self._states

    def status_counts(self) -> dict[str, int]:
        """Counts for the smart views: inbox, later, done, skipped, starred, all."""
        papers = self.papers(texts=False)
        counts = Counter({s: 0 for s in STATUSES})
        starred = 0
        touched = 0
        for pid, st in self._states.items():
            if pid not in papers:
                continue
            touched += 1
            counts[st.status] += 1
            starred += st.starred
        counts["inbox"] += len(papers) - touched
        return {**counts, "starred": starred, "all": len(papers)}

    def tag_counts(self) -> dict[str, int]:
        """Every tag in use with the number of papers carrying it, most used first."""
        papers = self.papers(texts=False)
        counts: Counter[str] = Counter()
        for pid, st in self._states.items():
            if pid in papers:
                counts.update(st.tags)
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def get_meta(self, key: str, default: Any = None) -> Any:
        """A value from meta.json."""
        doc = self._meta.keyed("meta").fetch(key)
        return doc["value"] if doc is not None else default

    def set_meta(self, key: str, value: Any) -> None:
        """Store a small JSON value in meta.json."""
        with self._write():
            self._meta.keyed("meta").put(key, {"value": value})

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
        with self._write(), paused_gc():
            if self._papers is not None and (
                self._catalog.file.changed_on_disk()
                or any(db.file.changed_on_disk() for db in self._texts)
            ):
                self._papers = None
            self._refresh_states()
            papers = self.papers()
            result = UpsertResult()
            now = utc_stamp()
            staged: dict[str, Paper] = {}
            rekeyed: dict[str, str] = {}
            staged_arxiv: dict[str, str] = {}
            staged_title: dict[str, str] = {}
            added: set[str] = set()
            for raw in incoming:
                paper = _sanitised(raw)
                target = self._match(paper, staged_arxiv, staged_title)
                if target is None:
                    fresh = Paper.from_dict(paper.to_dict())
                    fresh.id = paper_key(fresh.arxiv_id, fresh.title)
                    fresh.first_seen = fresh.first_seen or now
                    fresh.last_synced = now
                    if source and source not in fresh.sources:
                        fresh.sources.append(source)
                    staged[fresh.id] = fresh
                    result.added.append(fresh.id)
                    added.add(fresh.id)
                    if fresh.arxiv_id:
                        staged_arxiv[fresh.arxiv_id] = fresh.id
                    staged_title[normalise_title(fresh.title)] = fresh.id
                    continue
                current = staged.get(target) or papers[target]
                merged = _merge_paper(current, paper, source)
                if merged.arxiv_id and target.startswith("title:"):
                    new_id = paper_key(merged.arxiv_id, merged.title)
                    if new_id not in papers and new_id not in staged:
                        rekeyed[target] = new_id
                        merged.id = new_id
                        staged.pop(target, None)
                        target = new_id
                if _differs(current, merged) or target != current.id:
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
            if dry_run or not staged:
                return result
            self._commit_catalog(staged, rekeyed)
            return result

    def _match(
        self, paper: Paper, staged_arxiv: Mapping[str, str], staged_title: Mapping[str, str]
    ) -> str | None:
        papers = self._papers or {}
        if paper.arxiv_id:
            pid = staged_arxiv.get(paper.arxiv_id) or self._arxiv_ids().get(paper.arxiv_id)
            if pid:
                return pid
        norm = normalise_title(paper.title)
        pid = staged_title.get(norm) or self._titles().get(norm)
        if pid is None:
            return None
        existing = papers.get(pid)
        # Two different arXiv papers may share a title: merge only when the ids do not conflict.
        other_arxiv = existing.arxiv_id if existing else None
        if pid.startswith("arxiv:"):
            other_arxiv = pid.removeprefix("arxiv:")
        if other_arxiv and paper.arxiv_id and other_arxiv != paper.arxiv_id:
            return None
        return pid

    def _arxiv_ids(self) -> dict[str, str]:
        """arXiv id (without version) -> paper id."""
        if self._by_arxiv is None:
            papers = self.papers(texts=False)
            self._by_arxiv = {p.arxiv_id: pid for pid, p in papers.items() if p.arxiv_id}
        return self._by_arxiv

    def _titles(self) -> dict[str, str]:
        if self._by_title is None:
            self._by_title = {
                normalise_title(p.title): pid for pid, p in self.papers(texts=False).items()
            }
        return self._by_title

    def _commit_catalog(self, staged: dict[str, Paper], rekeyed: dict[str, str]) -> None:
        docs: dict[str, dict[str, Any]] = {}
        texts: dict[str, dict[str, Any]] = {}
        for pid, paper in staged.items():
            doc = paper.to_dict()
            texts[pid] = {k: doc.pop(k) for k in TEXT_FIELDS if doc.get(k)}
            docs[pid] = _compact(doc)
        # Texts first: a crash between the two writes leaves only unused texts behind.
        _put_sharded(self._texts, "texts", text_shard_of, texts, rekeyed)
        self._catalog.keyed("papers").put_many(docs, delete=rekeyed)
        if rekeyed:
            aliases = dict(self.get_meta("aliases", {}) or {})
            aliases.update(rekeyed)
            self._meta.keyed("meta").put("aliases", {"value": aliases})
            moved = {new: self._states[old] for old, new in rekeyed.items() if old in self._states}
            if moved:
                self._write_states(moved, deleted=[o for o in rekeyed if o in self._states])
        papers = self.papers(texts=False)
        for old in rekeyed:
            papers.pop(old, None)
        papers.update(staged)
        for pid, paper in staged.items():
            if paper.arxiv_id:
                self._arxiv_ids()[paper.arxiv_id] = pid
            self._titles()[normalise_title(paper.title)] = pid

    # ------------------------------------------------------------------ state writes

    def _write_states(self, states: Mapping[str, State], deleted: Iterable[str] = ()) -> None:
        docs = {pid: st.to_dict() for pid, st in states.items()}
        _put_sharded(self._shards, "states", shard_of, docs, deleted)
        for pid in deleted:
            self._states.pop(pid, None)
        for pid, st in states.items():
            self._states[pid] = st.copy()
        self._states_version += 1

    def _act(
        self,
        ids: Iterable[str],
        label: Callable[[int], str],
        change: Callable[[str, State, float], State | None],
        *,
        journal: bool = True,
    ) -> JournalEntry:
        """Apply `change` to each paper's state as one journalled, undoable action.

        `change(paper_id, state, now)` gets a copy of the current state (re-read under the
        lock) and either edits it in place (returning None) or returns the new state.
        """
        wanted = list(dict.fromkeys(ids))
        with self._write():
            self._refresh_states()
            now = now_ts()
            changes: dict[str, tuple[State, State]] = {}
            for pid in wanted:
                old = self.state(pid)
                new = old.copy()
                new = change(pid, new, now) or new
                if new.to_dict() != old.to_dict():
                    changes[pid] = (old, new)
            entry = JournalEntry(seq=0, label=label(len(wanted)), at=now, changes=changes)
            if changes:
                self._write_states({pid: new for pid, (_, new) in changes.items()})
                if journal:
                    self._journal_append(entry)
        for listener in list(self.listeners):
            listener(entry)
        return entry

    def _check_ids(self, ids: Iterable[str]) -> list[str]:
        papers = self.papers(texts=False)
        out = list(ids)
        for pid in out:
            if pid not in papers:
                raise UnknownPaperError(f"no paper with id {pid!r} in the library at {self.home}")
        return out

    def set_status(self, ids: Iterable[str], status: str) -> JournalEntry:
        """Move papers to `inbox`, `later`, `done` or `skipped`."""
        if status not in STATUSES:
            raise UsageError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        verbs = {
            "inbox": "back to inbox",
            "later": "reading list",
            "done": "done",
            "skipped": "skip",
        }

        def change(_pid: str, st: State, now: float) -> None:
            if st.status != status:
                st.status = status
                st.times["status"] = now

        return self._act(self._check_ids(ids), lambda n: f"{verbs[status]}: {_plural(n)}", change)

    def set_starred(self, ids: Iterable[str], starred: bool) -> JournalEntry:
        """Star or unstar papers."""

        def change(_pid: str, st: State, now: float) -> None:
            if st.starred != starred:
                st.starred = starred
                st.times["starred"] = now

        verb = "star" if starred else "unstar"
        return self._act(self._check_ids(ids), lambda n: f"{verb} {_plural(n)}", change)

    def toggle_star(self, ids: Iterable[str]) -> JournalEntry:
        """Star all the papers if any of them is unstarred, else unstar them all."""
        checked = self._check_ids(ids)
        return self.set_starred(checked, not all(self.state(p).starred for p in checked))

    def edit_tags(
        self, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> JournalEntry:
        """Add and remove tags (normalised: lower case, spaces as hyphens)."""
        plus = [t for t in (normalise_tag(x) for x in add) if t]
        minus = [t for t in (normalise_tag(x) for x in remove) if t]

        def change(_pid: str, st: State, now: float) -> None:
            tags = set(st.tags)
            for tag in plus:
                if tag not in tags:
                    tags.add(tag)
                    st.times[f"tag:{tag}"] = now
            for tag in minus:
                if tag in tags:
                    tags.discard(tag)
                    st.times[f"tag:{tag}"] = now
            st.tags = sorted(tags)

        words = [f"+{t}" for t in plus] + [f"-{t}" for t in minus]
        return self._act(
            self._check_ids(ids), lambda n: f"tag {' '.join(words)} on {_plural(n)}", change
        )

    def set_note(self, ids: Iterable[str], note: str) -> JournalEntry:
        """Set (or, with an empty string, clear) the note on papers."""
        text = clean_multiline(note)

        def change(_pid: str, st: State, now: float) -> None:
            if st.note != text:
                st.note = text
                st.times["note"] = now

        verb = "note on" if text else "clear note on"
        return self._act(self._check_ids(ids), lambda n: f"{verb} {_plural(n)}", change)

    def mark_opened(self, ids: Iterable[str]) -> JournalEntry | None:
        """Record that papers were opened (read); not an undo step of its own."""
        stamp = utc_stamp()

        def change(_pid: str, st: State, now: float) -> None:
            if st.opened_at is None:
                st.opened_at = stamp
                st.times["opened_at"] = now

        entry = self._act(self._check_ids(ids), lambda n: "opened", change, journal=False)
        return entry if entry.changes else None

    def rename_tag(self, old: str, new: str) -> JournalEntry:
        """Rename a tag across the library; if `new` exists already the two merge."""
        src, dst = normalise_tag(old), normalise_tag(new)
        if not src or not dst:
            raise UsageError("a tag name cannot be empty")
        ids = [pid for pid, st in self._states.items() if src in st.tags]
        if not ids:
            raise UsageError(f"no paper has the tag {src!r}")

        def change(_pid: str, st: State, now: float) -> None:
            if src in st.tags and src != dst:
                st.tags = sorted((set(st.tags) - {src}) | {dst})
                st.times[f"tag:{src}"] = now
                st.times[f"tag:{dst}"] = now

        return self._act(ids, lambda n: f"rename tag {src} → {dst} on {_plural(n)}", change)

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

        entry = self._act(states, lambda n: label, change)
        return entry if entry.changes else None

    # ------------------------------------------------------------------ journal

    def _journal_index(self) -> list[dict[str, Any]]:
        raw = self._read_table(self._journal, "entries")
        return [dict(raw[k]) for k in sorted(raw)]

    def _entry_db(self, seq: int) -> KeyedDB:
        return self._open(f"journal/{seq:012d}.json", "journal-entry")

    def _journal_append(self, entry: JournalEntry) -> None:
        """Add an entry: its changes go to a file of their own, so a bulk action never makes
        later single-paper actions slower; `journal.json` keeps only the small index."""
        index = self._journal_index()
        doomed = [row["seq"] for row in index if row["undone"]]
        kept = [row for row in index if not row["undone"]]
        doomed += [row["seq"] for row in kept[: max(0, len(kept) + 1 - JOURNAL_LIMIT)]]
        entry.seq = max((row["seq"] for row in index), default=0) + 1
        (self.home / "journal").mkdir(exist_ok=True)
        body = {
            pid: {"old": o.to_dict(), "new": n.to_dict()} for pid, (o, n) in entry.changes.items()
        }
        self._entry_db(entry.seq).keyed("changes").put_many(body)
        row = {"seq": entry.seq, "label": entry.label, "at": entry.at, "undone": False}
        self._journal.keyed("entries").put_many(
            {f"{entry.seq:012d}": row}, delete=[f"{seq:012d}" for seq in doomed]
        )
        for seq in doomed:
            (self.home / "journal" / f"{seq:012d}.json").unlink(missing_ok=True)

    def _load_entry(self, row: Mapping[str, Any]) -> JournalEntry:
        seq = int(row["seq"])
        raw = self._read_table(self._entry_db(seq), "changes")
        changes = {
            pid: (State.from_dict(pair["old"]), State.from_dict(pair["new"]))
            for pid, pair in raw.items()
        }
        return _entry_from_row(row, changes)

    def history(self) -> list[JournalEntry]:
        """The journal, oldest first, without the per-paper changes (undone = redo stack)."""
        return [_entry_from_row(row, {}) for row in self._journal_index()]

    def undo(self) -> JournalEntry | None:
        """Undo the latest action not yet undone; returns it, or None when there is none."""
        return self._step(undo=True)

    def redo(self) -> JournalEntry | None:
        """Redo the action undone most recently; returns it, or None when there is none."""
        return self._step(undo=False)

    def _step(self, *, undo: bool) -> JournalEntry | None:
        with self._write():
            self._refresh_states()
            index = self._journal_index()
            rows = [r for r in index if bool(r["undone"]) != undo]
            if not rows:
                return None
            entry = self._load_entry(rows[-1] if undo else rows[0])
            aliases: dict[str, str] = self.get_meta("aliases", {}) or {}
            now = now_ts()
            updated: dict[str, State] = {}
            for pid, (old, new) in entry.changes.items():
                target = aliases.get(pid, pid)
                source, goal = (new, old) if undo else (old, new)
                updated[target] = _revert_fields(self.state(target), source, goal, now)
            self._write_states(updated)
            entry.undone = undo
            row = {"seq": entry.seq, "label": entry.label, "at": entry.at, "undone": undo}
            self._journal.keyed("entries").put(f"{entry.seq:012d}", row)
        for listener in list(self.listeners):
            listener(entry)
        return entry


def _put_sharded(
    dbs: list[KeyedDB],
    table: str,
    shard: Callable[[str], int],
    docs: Mapping[str, dict[str, Any]],
    deleted: Iterable[str],
) -> None:
    """Write `docs` and delete `deleted` in the shards they belong to: one write per shard."""
    by_shard: dict[int, dict[str, dict[str, Any]]] = {}
    gone: dict[int, list[str]] = {}
    for pid, doc in docs.items():
        by_shard.setdefault(shard(pid), {})[pid] = doc
    for pid in deleted:
        gone.setdefault(shard(pid), []).append(pid)
    for n in sorted(set(by_shard) | set(gone)):
        dbs[n].keyed(table).put_many(by_shard.get(n, {}), delete=gone.get(n, ()))


def _entry_from_row(
    row: Mapping[str, Any], changes: dict[str, tuple[State, State]]
) -> JournalEntry:
    return JournalEntry(
        seq=int(row["seq"]),
        label=str(row.get("label", "")),
        at=float(row.get("at", 0.0)),
        changes=changes,
        undone=bool(row.get("undone", False)),
    )


def _revert_fields(current: State, source: State, goal: State, now: float) -> State:
    """Move `current` from `source` toward `goal` in the fields where the two differ.

    Only the fields the action changed are touched, so a later change to another field (made
    here or by another process) survives an undo.
    """
    out = current.copy()
    for name in _STATE_FIELDS:
        if getattr(source, name) != getattr(goal, name):
            setattr(out, name, getattr(goal, name))
            out.times[name] = now
    tags = set(out.tags)
    for tag in set(source.tags) - set(goal.tags):
        tags.discard(tag)
        out.times[f"tag:{tag}"] = now
    for tag in set(goal.tags) - set(source.tags):
        tags.add(tag)
        out.times[f"tag:{tag}"] = now
    out.tags = sorted(tags)
    return out


def _sanitised(paper: Paper) -> Paper:
    """The paper with whitespace collapsed and control characters removed from its texts.

    The importers do this already; the store does it again because it is the last gate before
    the terminal, and papers also arrive from reading-list files and other callers.
    """
    title = clean_text(paper.title)
    abstract = clean_text(paper.abstract)
    authors = [clean_text(a) for a in paper.authors]
    summary = clean_text(paper.ai_summary) if paper.ai_summary else paper.ai_summary
    if (title, abstract, authors, summary) == (
        paper.title,
        paper.abstract,
        paper.authors,
        paper.ai_summary,
    ):
        return paper
    return replace(paper, title=title, abstract=abstract, authors=authors, ai_summary=summary)


def _merge_paper(current: Paper, incoming: Paper, source: str) -> Paper:
    """The catalog record after `incoming` arrives: present values win, gaps are kept."""
    merged = replace(current, sources=list(current.sources))
    for name in _MERGED_FIELDS:
        value = getattr(incoming, name)
        if value is None or value == "" or (name in _LIST_FIELDS and not value):
            continue
        if name == "version" and merged.version and value < merged.version:
            continue
        if name == "listed_on" and merged.listed_on and value < merged.listed_on:
            continue  # keep the latest Daily Papers day a paper was listed
        setattr(merged, name, value)
    merged.links = {**current.links, **incoming.links}
    for src in [*incoming.sources, source]:
        if src and src not in merged.sources:
            merged.sources.append(src)
    return merged


def _differs(a: Paper, b: Paper) -> bool:
    return any(getattr(a, name) != getattr(b, name) for name in _COMPARED_FIELDS)
