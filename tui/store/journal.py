"""The undo journal: the last actions, each with every paper's state before and after.

`journal.json` is a small index (sequence number, label, time, undone flag); each action's
changes sit in `journal/<seq>.json` of their own, so a bulk action on 100k papers never makes
later single-paper actions slower. The undone entries are the redo stack; a new action drops
them. Only the last `JOURNAL_LIMIT` actions are kept. Every method runs under the library's lock.

Each entry records the session that made it (the app passes an id of its own, the CLI none):
an undo in a session steps back over that session's actions first, so `u` in the app never
undoes a tag another process added a second ago while the user's own key stays done.

A run of steps under one lock (the app's queued keys) goes through a `JournalBatch`: the steps
see each other's entries in memory and the files are written once at the end, one file per new
entry and the index once, instead of the index once per step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from tui.actions import stamp
from tui.errors import StoreError
from tui.models import State
from tui.records import Record
from tui.store.db import KeyedDB
from tui.store.parallel import write_all
from tui.store.states import ReadTable

JOURNAL_LIMIT = 200
_STATE_FIELDS = ("status", "starred", "note", "opened_at")


class JournalEntry(Record):
    """One user action: a label and, per paper, the state before and after.

    `foreign` is set by an undo or redo in a session that had none of its own left: this entry
    is from another session (or process)."""

    __slots__ = ("at", "changes", "foreign", "label", "seq", "session", "undone")

    def __init__(
        self,
        seq: int,
        label: str,
        at: float,
        changes: dict[str, tuple[State, State]],
        undone: bool = False,
        session: str = "",
        foreign: bool = False,
    ) -> None:
        self.seq = seq
        self.label = label
        self.at = at
        self.changes = changes
        self.undone = undone
        self.session = session
        self.foreign = foreign

    @property
    def ids(self) -> list[str]:
        """The papers this action touched."""
        return list(self.changes)


def _entry_from_row(
    row: Mapping[str, Any], changes: dict[str, tuple[State, State]]
) -> JournalEntry:
    return JournalEntry(
        seq=int(row["seq"]),
        label=str(row.get("label", "")),
        at=float(row.get("at", 0.0)),
        changes=changes,
        undone=bool(row.get("undone", False)),
        session=str(row.get("session", "")),
    )


def _key(seq: int) -> str:
    return f"{seq:012d}"


class Journal:
    """The journal files of one library."""

    def __init__(
        self,
        folder: Path,
        index: KeyedDB,
        open_entry: Callable[[str], KeyedDB],
        read_table: ReadTable,
    ) -> None:
        """`folder` holds the per-entry files, opened with `open_entry(relative name)`."""
        self._folder = folder
        self.index = index
        self._open_entry = open_entry
        self._read = read_table

    def _entry_db(self, seq: int) -> KeyedDB:
        return self._open_entry(f"{self._folder.name}/{_key(seq)}.json")

    def batch(self) -> JournalBatch:
        """The journal as one or more steps under one lock see it (adding entries, stepping
        back and forth); what they change is written by its `flush`."""
        return JournalBatch(self)

    def rows(self) -> list[dict[str, Any]]:
        """The index rows, oldest first (copies)."""
        raw = self._read(self.index, "entries")
        return [dict(raw[k]) for k in sorted(raw)]

    def history(self) -> list[JournalEntry]:
        """The entries, oldest first, without their per-paper changes."""
        return [_entry_from_row(row, {}) for row in self.rows()]

    def read_changes(self, row: Mapping[str, Any], verb: str) -> dict[str, tuple[State, State]]:
        """The per-paper changes of the entry `row` names, from its own file; StoreError when
        that file is missing (set aside as damaged, say)."""
        path = self._folder / f"{_key(int(row['seq']))}.json"
        if not path.exists():
            raise StoreError(
                f"cannot {verb} {row.get('label', '')!r}: its changes file {path} is missing "
                "(set aside as damaged?); run `paperdeck doctor`"
            )
        raw = self._read(self._entry_db(int(row["seq"])), "changes")
        return {
            pid: (State.from_dict(pair["old"]), State.from_dict(pair["new"]))
            for pid, pair in raw.items()
        }

    def write(
        self,
        entries: Mapping[int, JournalEntry],
        rows: Mapping[int, Mapping[str, Any]],
        doomed: Iterable[int],
    ) -> None:
        """Write new `entries` (one file each, side by side: `tui.store.parallel`), then the
        index once: `rows` put, `doomed` rows dropped (and their files removed). On failure no
        new entry file is left behind."""
        doomed = list(doomed)
        try:
            self._folder.mkdir(mode=0o700, exist_ok=True)
            for seq in entries:  # a leftover of a failed write: not this entry's
                (self._folder / f"{_key(seq)}.json").unlink(missing_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot write journal {self._folder}: {exc.strerror or exc}; nothing was changed"
            ) from None
        written = [self._folder / f"{_key(seq)}.json" for seq in entries]
        try:
            write_all([self._entry_writer(seq, entry) for seq, entry in entries.items()])
            self.index.keyed("entries").put_many(
                {_key(seq): dict(row) for seq, row in rows.items()},
                delete=[_key(seq) for seq in doomed],
            )
        except StoreError:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        for seq in doomed:
            (self._folder / f"{_key(seq)}.json").unlink(missing_ok=True)

    def _entry_writer(self, seq: int, entry: JournalEntry) -> Callable[[], None]:
        body = {
            pid: {"old": old.to_dict(), "new": new.to_dict()}
            for pid, (old, new) in entry.changes.items()
        }
        return lambda: self._entry_db(seq).keyed("changes").put_many(body)


def _row(entry: JournalEntry) -> dict[str, Any]:
    row: dict[str, Any] = {
        "seq": entry.seq,
        "label": entry.label,
        "at": entry.at,
        "undone": entry.undone,
    }
    if entry.session:
        row["session"] = entry.session
    return row


class JournalBatch:
    """The journal during a run of steps under one lock: the index read once (on first use),
    new entries and undone flags kept in memory, so each step sees what the steps before it did
    (an undo right after a star undoes that star), and `flush` writes them all: one file per
    new entry, then the index once. An entry both made and dropped in the run is never
    written."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._rows: list[dict[str, Any]] | None = None
        self._top = 0
        self._new: dict[int, JournalEntry] = {}
        self._dirty: set[int] = set()
        self._doomed: set[int] = set()

    @property
    def pending(self) -> bool:
        """True when there is something for `flush` to write."""
        return bool(self._dirty or self._doomed)

    def _index(self) -> list[dict[str, Any]]:
        if self._rows is None:
            self._rows = self._journal.rows()
            self._top = max((int(row["seq"]) for row in self._rows), default=0)
        return self._rows

    def append(self, entry: JournalEntry) -> None:
        """Add an entry (setting its `seq`), dropping the redo stack and the oldest entries."""
        index = self._index()
        doomed = {row["seq"] for row in index if row["undone"]}
        kept = [row for row in index if not row["undone"]]
        doomed.update(row["seq"] for row in kept[: max(0, len(kept) + 1 - JOURNAL_LIMIT)])
        self._top += 1
        entry.seq = self._top
        self._rows = [row for row in index if row["seq"] not in doomed] + [_row(entry)]
        for seq in doomed:
            self._dirty.discard(seq)
            if self._new.pop(seq, None) is None:
                self._doomed.add(seq)
        self._new[entry.seq] = entry
        self._dirty.add(entry.seq)

    def next_step(self, *, undo: bool, session: str | None = None) -> JournalEntry | None:
        """The entry an undo (or a redo) would step over, with its changes; None if none.

        With `session`, that session's latest action (or its undo most recently made) comes
        first; only when it has none left is another session's taken (marked `foreign`).
        """
        rows = [r for r in self._index() if bool(r["undone"]) != undo]
        if not rows:
            return None
        mine = [r for r in rows if r.get("session", "") == session] if session else rows
        foreign = not mine
        rows = mine or rows
        row = rows[-1] if undo else rows[0]
        made = self._new.get(int(row["seq"]))
        if made is not None:
            changes = made.changes
        else:
            changes = self._journal.read_changes(row, "undo" if undo else "redo")
        entry = _entry_from_row(row, changes)
        entry.foreign = foreign
        return entry

    def set_undone(self, entry: JournalEntry, undone: bool) -> None:
        """Record that `entry` is now undone (or redone)."""
        entry.undone = undone
        for row in self._index():
            if row["seq"] == entry.seq:
                row["undone"] = undone
        self._dirty.add(entry.seq)

    def flush(self) -> None:
        """Write what the run changed (`Journal.write`); a no-op when nothing did."""
        if not self.pending:
            return
        rows = {int(row["seq"]): row for row in self._index() if row["seq"] in self._dirty}
        new = {seq: entry for seq, entry in self._new.items() if seq in rows}
        self._journal.write(new, rows, sorted(self._doomed))
        self._new.clear()
        self._dirty.clear()
        self._doomed.clear()


def revert_fields(current: State, source: State, goal: State, now: float) -> State:
    """Move `current` from `source` toward `goal` in the fields where the two differ.

    Only the fields the action changed are touched, so a later change to another field (made
    here or by another process) survives an undo.
    """
    out = current.copy()
    for name in _STATE_FIELDS:
        if getattr(source, name) != getattr(goal, name):
            setattr(out, name, getattr(goal, name))
            out.times[name] = stamp(now, out.times.get(name))
    tags = set(out.tags)
    for tag in set(source.tags) - set(goal.tags):
        tags.discard(tag)
        out.times[f"tag:{tag}"] = stamp(now, out.times.get(f"tag:{tag}"))
    for tag in set(goal.tags) - set(source.tags):
        tags.add(tag)
        out.times[f"tag:{tag}"] = stamp(now, out.times.get(f"tag:{tag}"))
    out.tags = sorted(tags)
    return out
