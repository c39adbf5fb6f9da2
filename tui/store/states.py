"""The user's per-paper states on disk: `state/NN.json` shard files, and the copy in memory.

States are split by a hash of the paper id into a fixed number of shards (recorded in the
library's meta, see `Library`), so one keystroke rewrites one small file whose size does not
grow with the library. Shards are read when first needed — one for a paper's state, all for
the whole map — so a triage command on a 1M-paper library reads one small file, not 64. The
in-memory copy is re-read shard by shard when another process changed a file it read (stat
calls only when nothing did).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from tui.memory import paused_gc
from tui.models import DEFAULT_STATE, State
from tui.store.db import KeyedDB
from tui.store.parallel import write_all

DEFAULT_STATE_SHARDS = 64
"""The state shard count of a new library (and of every library made before counts were
recorded): enough that a shard of a 100k-paper library stays a few tens of kilobytes."""

ReadTable = Callable[[KeyedDB, str], Mapping[str, dict[str, Any]]]


def shard_index(paper_id: str, count: int) -> int:
    """The shard (of `count`) a paper's record lives in, stable across runs and machines."""
    return zlib.crc32(paper_id.encode("utf-8")) % count


def put_sharded(
    dbs: list[KeyedDB],
    table: str,
    docs: Mapping[str, dict[str, Any]],
    deleted: Iterable[str],
) -> None:
    """Write `docs` and delete `deleted` in the shards they belong to: one write per shard,
    the shards side by side (`tui.store.parallel`); raises after all of them were tried."""
    write_by_shard(
        dbs, docs, deleted, lambda db, put, gone: db.keyed(table).put_many(put, delete=gone)
    )


def write_by_shard(
    dbs: list[KeyedDB],
    docs: Mapping[str, dict[str, Any]],
    deleted: Iterable[str],
    write: Callable[[KeyedDB, dict[str, dict[str, Any]], list[str]], None],
) -> None:
    """`write(shard, its docs, its deleted ids)` for each shard of `dbs` that `docs` or
    `deleted` touch, the shards side by side (`tui.store.parallel`); raises after all of them
    were tried."""
    count = len(dbs)
    by_shard: dict[int, dict[str, dict[str, Any]]] = {}
    gone: dict[int, list[str]] = {}
    for pid, doc in docs.items():
        by_shard.setdefault(shard_index(pid, count), {})[pid] = doc
    for pid in deleted:
        gone.setdefault(shard_index(pid, count), []).append(pid)

    def one(n: int) -> Callable[[], None]:
        return lambda: write(dbs[n], by_shard.get(n, {}), gone.get(n, []))

    write_all([one(n) for n in sorted(set(by_shard) | set(gone))])


class StateShards:
    """The state shard files and the states they hold, by paper id (only touched papers)."""

    TABLE = "states"

    def __init__(self, dbs: list[KeyedDB], read_table: ReadTable) -> None:
        """`read_table(db, name)` reads one table (the library's, which sets damaged files
        aside); `dbs` are the shard files in order."""
        self.files = dbs
        self._read = read_table
        self._states: dict[str, State] = {}
        self._read_shards: set[int] = set()
        self.version = 0
        """Changes whenever any state changes."""

    @property
    def states(self) -> dict[str, State]:
        """The states by id, every shard read: a live dict, do not modify."""
        if len(self._read_shards) < len(self.files):
            self.load()
        return self._states

    @property
    def read_files(self) -> list[KeyedDB]:
        """The shard files read so far (what "changed since read" can be asked of)."""
        return [db for n, db in enumerate(self.files) if n in self._read_shards]

    def load(self) -> None:
        """Read every shard not read yet, the garbage collector paused: the states live as long
        as the process, and at a million papers (a hundred thousand states) its passes over
        them while they are built doubled the time."""
        with paused_gc(keep=True):
            for n in range(len(self.files)):
                self._shard(n)

    def reload(self) -> None:
        """Read every shard again, as the disk holds it now (after a write that failed part
        way, when memory no longer says what the disk kept)."""
        self._states.clear()  # in place: the live dict `states` gave out stays the one
        self._read_shards.clear()
        self.load()
        self.version += 1

    def _shard(self, n: int) -> None:
        """Read shard `n` unless it was read already (then `refresh` keeps it current)."""
        if n in self._read_shards:
            return
        for pid, doc in self._read(self.files[n], self.TABLE).items():
            self._states[pid] = State.from_dict(doc)
        self._read_shards.add(n)

    def refresh(self) -> bool:
        """Re-read the shards another process changed since they were read; True if any was.
        (A shard not read yet is read, as it is then, when first needed.)"""
        changed = {
            n: db
            for n, db in enumerate(self.files)
            if n in self._read_shards and db.file.changed_on_disk()
        }
        if not changed:
            return False
        count = len(self.files)
        tables = {n: self._read(db, self.TABLE) for n, db in changed.items()}
        for pid in [p for p in self._states if shard_index(p, count) in tables]:
            if pid not in tables[shard_index(pid, count)]:
                del self._states[pid]
        for table in tables.values():
            for pid, doc in table.items():
                self._states[pid] = State.from_dict(doc)
        self.version += 1
        return True

    def current(self, paper_id: str) -> State:
        """A paper's state as held (read-only use: not a copy); reads its shard only."""
        self._shard(shard_index(paper_id, len(self.files)))
        return self._states.get(paper_id) or DEFAULT_STATE

    def get(self, paper_id: str) -> State:
        """A copy of a paper's state (the default state if untouched); reads its shard only."""
        self._shard(shard_index(paper_id, len(self.files)))
        found = self._states.get(paper_id)
        return found.copy() if found else State()

    def write(self, states: Mapping[str, State], deleted: Iterable[str] = ()) -> None:
        """Store these states and drop `deleted` (under the library's write lock)."""
        gone = list(deleted)
        count = len(self.files)
        for n in {shard_index(pid, count) for pid in [*states, *gone]}:
            self._shard(n)  # what is in memory of a shard is all of it, or none
        docs = {pid: st.to_dict() for pid, st in states.items()}
        put_sharded(self.files, self.TABLE, docs, gone)
        for pid in gone:
            self._states.pop(pid, None)
        for pid, st in states.items():
            self._states[pid] = st.copy()
        self.version += 1
