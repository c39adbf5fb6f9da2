"""One journalled write: the states and the journal entry that undoes them, both or neither.

The states are written first (one small shard file each), then the journal. When the journal
cannot be written (a full disk, an EIO at fsync, a read-only folder) the states are put back
as they were, so "nothing was changed" is true; if even that fails, `PartialWriteError` says
exactly what was kept on disk (the change, without its undo step) and carries those states,
so the app shows them rather than rolling the row back to a state the disk no longer holds.
"""

from __future__ import annotations

from tui.errors import PartialWriteError, StoreError
from tui.store.journal import Journal, JournalEntry
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
