"""Journalled steps: one triage change written with the journal entry that undoes it, and undo
and redo stepping back and forth through those entries.

The states are written first (one small shard file each), then the journal. When the journal
cannot be written (a full disk, an EIO at fsync, a read-only folder) the states are put back
as they were, so "nothing was changed" is true; if even that fails, `PartialWriteError` says
exactly what was kept on disk (the change, without its undo step) and carries those states,
so the app shows them rather than rolling the row back to a state the disk no longer holds.
An undo or redo puts back only the fields the entry changed (`revert_fields`), on the states as
they are on disk, following the aliases of papers re-keyed since. Everything here runs under
the library's write lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tui.errors import PartialWriteError, StoreError
from tui.models import State, now_ts
from tui.store.journal import Journal, JournalEntry, revert_fields
from tui.store.meta import Meta
from tui.store.states import StateShards


def write_journalled(states: StateShards, journal: Journal | None, entry: JournalEntry) -> None:
    """(Under the library's write lock.) Write `entry`'s new states and journal it."""
    new = {pid: after for pid, (_, after) in entry.changes.items()}
    states.write(new)
    if journal is None:
        return
    try:
        journal.append(entry)
    except StoreError as exc:
        try:
            states.write({pid: before for pid, (before, _) in entry.changes.items()})
        except StoreError as again:
            count = len(new)
            raise PartialWriteError(
                f"{entry.label} was saved for {count} paper(s) but could not be journalled "
                f"({exc.message}), so it cannot be undone; putting it back failed too "
                f"({again.message})",
                new,
            ) from None
        raise


def write_change(
    states: StateShards,
    journal: Journal | None,
    wanted: Iterable[str],
    label: str,
    change: Callable[[str, State, float], State],
    *,
    session: str = "",
) -> JournalEntry:
    """(Under the lock.) Write `change(paper_id, state, now)` for each paper, journalled unless
    `journal` is None: both or neither (`write_journalled`). Returns the entry (with no changes
    when nothing changed; such an entry is not written)."""
    now = now_ts()
    changes: dict[str, tuple[State, State]] = {}
    for pid in wanted:
        old = states.get(pid)
        new = change(pid, old, now)
        if new.to_dict() != old.to_dict():
            changes[pid] = (old, new)
    entry = JournalEntry(seq=0, label=label, at=now, changes=changes, session=session)
    if changes:
        write_journalled(states, journal, entry)
    return entry


def take_step(
    states: StateShards, journal: Journal, meta: Meta, *, undo: bool, session: str | None
) -> JournalEntry | None:
    """(Under the lock, states refreshed.) Undo (or redo) the next entry (`Journal.next_step`);
    returns it, or None when there is none."""
    entry = journal.next_step(undo=undo, session=session)
    if entry is None:
        return None
    aliases = meta.aliases()
    now = now_ts()
    updated: dict[str, State] = {}
    for pid, (old, new) in entry.changes.items():
        target = aliases.get(pid, pid)
        source, goal = (new, old) if undo else (old, new)
        updated[target] = revert_fields(states.get(target), source, goal, now)
    states.write(updated)
    journal.set_undone(entry, undo)
    return entry
