"""The user's per-paper states on disk: `state/NN.json` shard files, and the copy in memory.

States are split by a hash of the paper id into a fixed number of shards (recorded in the
library's meta, see `Library`), so one keystroke rewrites one small file whose size does not
grow with the library. The in-memory copy is re-read shard by shard when another process
changed a file (stat calls only when nothing did).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from tui.models import State
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
    count = len(dbs)
    by_shard: dict[int, dict[str, dict[str, Any]]] = {}
    gone: dict[int, list[str]] = {}
    for pid, doc in docs.items():
        by_shard.setdefault(shard_index(pid, count), {})[pid] = doc
    for pid in deleted:
        gone.setdefault(shard_index(pid, count), []).append(pid)

    def write(n: int) -> Callable[[], None]:
        return lambda: dbs[n].keyed(table).put_many(by_shard.get(n, {}), delete=gone.get(n, ()))

    write_all([write(n) for n in sorted(set(by_shard) | set(gone))])


class StateShards:
    """The state shard files and the states they hold, by paper id (only touched papers)."""

    TABLE = "states"

    def __init__(self, dbs: list[KeyedDB], read_table: ReadTable) -> None:
        """`read_table(db, name)` reads one table (the library's, which sets damaged files
        aside); `dbs` are the shard files in order."""
        self.files = dbs
        self._read = read_table
        self.states: dict[str, State] = {}
        """The states by id: a live dict, do not modify."""
        self.version = 0
        """Changes whenever any state changes."""
        self.load()

    def load(self) -> None:
        """Read every shard."""
        states: dict[str, State] = {}
        for db in self.files:
            for pid, doc in self._read(db, self.TABLE).items():
                states[pid] = State.from_dict(doc)
        self.states = states

    def refresh(self) -> bool:
        """Re-read the shards another process changed; True if any was."""
        changed = {n: db for n, db in enumerate(self.files) if db.file.changed_on_disk()}
        if not changed:
            return False
        count = len(self.files)
        tables = {n: self._read(db, self.TABLE) for n, db in changed.items()}
        for pid in [p for p in self.states if shard_index(p, count) in tables]:
            if pid not in tables[shard_index(pid, count)]:
                del self.states[pid]
        for table in tables.values():
            for pid, doc in table.items():
                self.states[pid] = State.from_dict(doc)
        self.version += 1
        return True

    def get(self, paper_id: str) -> State:
        """A copy of a paper's state (the default state if untouched)."""
        found = self.states.get(paper_id)
        return found.copy() if found else State()

    def write(self, states: Mapping[str, State], deleted: Iterable[str] = ()) -> None:
        """Store these states and drop `deleted` (under the library's write lock)."""
        gone = list(deleted)
        docs = {pid: st.to_dict() for pid, st in states.items()}
        put_sharded(self.files, self.TABLE, docs, gone)
        for pid in gone:
            self.states.pop(pid, None)
        for pid, st in states.items():
            self.states[pid] = st.copy()
        self.version += 1
