"""Journalled steps: triage changes written with the journal entries that undo them, and undo
and redo stepping back and forth through those entries — one step, or a run of them at once.

A `Batch` runs steps under the library's write lock, each on the states and journal as the
steps before it left them (in memory: an undo right after a star undoes that star), then
`commit` writes them all: the states first (one write per shard file touched), then the
journal (one file per new entry, the index once). A run of five keys costs about as many file
writes as one bulk key, not five times one key's — what makes the app's queued keys reach the
disk soon after they are painted.

Both or neither: when the journal cannot be written (a full disk, an EIO at fsync, a read-only
folder) the states are put back as they were, so "nothing was changed" is true; if even that
fails, `PartialWriteError` says exactly what was kept on disk (the changes, without their undo
steps) and carries those states, so the app shows them rather than rolling rows back to states
the disk no longer holds. An undo or redo puts back only the fields the entry changed
(`revert_fields`), on the states as they are, following the aliases of papers re-keyed since.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import NoReturn

from tui.actions import Action
from tui.errors import PaperdeckError, PartialWriteError, StoreError
from tui.models import State, now_ts
from tui.records import Frozen, Record
from tui.store.journal import Journal, JournalBatch, JournalEntry, revert_fields
from tui.store.meta import Meta
from tui.store.states import StateShards


class ActionStep(Frozen):
    """Run `action` on `ids` (None: the papers the action selects), journalled for `session`."""

    __slots__ = ("action", "ids", "session")
    action: Action
    ids: tuple[str, ...] | None
    session: str

    def __init__(
        self, action: Action, ids: tuple[str, ...] | None = None, session: str = ""
    ) -> None:
        super().__init__(action=action, ids=ids, session=session)


class UndoStep(Frozen):
    """Undo (or, with `undo=False`, redo) the next entry, `session`'s own first."""

    __slots__ = ("session", "undo")
    undo: bool
    session: str | None

    def __init__(self, undo: bool = True, session: str | None = None) -> None:
        super().__init__(undo=undo, session=session)


Step = ActionStep | UndoStep


class StepOutcome(Record):
    """What one step of a run did: its entry (None for an undo with nothing to undo), or the
    error that kept it from running (the other steps ran)."""

    __slots__ = ("entry", "error")

    def __init__(self, entry: JournalEntry | None, error: PaperdeckError | None = None) -> None:
        self.entry = entry
        self.error = error


class Batch:
    """Steps under one lock, seeing each other in memory, written together by `commit`."""

    def __init__(self, states: StateShards, journal: Journal, meta: Meta) -> None:
        self._states = states
        self._journal = journal
        self._meta = meta
        self._log: JournalBatch | None = None
        self._before: dict[str, State] = {}
        self._after: dict[str, State] = {}
        self._labels: list[str] = []

    def get(self, paper_id: str) -> State:
        """A copy of a paper's state as the steps so far left it."""
        found = self._after.get(paper_id)
        return found.copy() if found is not None else self._states.get(paper_id)

    def states(self) -> Mapping[str, State]:
        """Every touched paper's state as the steps so far left it (read-only)."""
        return {**self._states.states, **self._after} if self._after else self._states.states

    @property
    def log(self) -> JournalBatch:
        """The journal as the steps so far left it (read on first use)."""
        if self._log is None:
            self._log = self._journal.batch()
        return self._log

    def _put(self, updated: Mapping[str, State]) -> None:
        for pid, state in updated.items():
            if pid not in self._before:
                self._before[pid] = self._states.get(pid)
            self._after[pid] = state

    def take(self, step: Step, ids: list[str] | None = None) -> JournalEntry | None:
        """Run one step; `ids` are an action step's papers, checked (None: it picks them)."""
        if isinstance(step, UndoStep):
            return self.step(undo=step.undo, session=step.session)
        action = step.action
        wanted = action.select(self.states()) if ids is None else ids
        settled = action.settle(self.get(pid) for pid in wanted)
        return self.change(
            wanted,
            settled.describe(len(wanted)),
            lambda _pid, old, now: settled.apply(old, now),
            journal=settled.journal,
            session=step.session,
        )

    def change(
        self,
        wanted: Iterable[str],
        label: str,
        change: Callable[[str, State, float], State],
        *,
        journal: bool,
        session: str = "",
    ) -> JournalEntry:
        """Change each paper to `change(paper_id, state, now)`, journalled when `journal`.
        Returns the entry (with no changes when nothing changed; such an entry is not kept)."""
        now = now_ts()
        changes: dict[str, tuple[State, State]] = {}
        for pid in wanted:
            old = self.get(pid)
            new = change(pid, old, now)
            if new.to_dict() != old.to_dict():
                changes[pid] = (old, new)
        entry = JournalEntry(seq=0, label=label, at=now, changes=changes, session=session)
        if changes:
            if journal:
                self.log.append(entry)
                self._labels.append(label)
            self._put({pid: new for pid, (_, new) in changes.items()})
        return entry

    def step(self, *, undo: bool, session: str | None) -> JournalEntry | None:
        """Undo (or redo) the next entry (`JournalBatch.next_step`); returns it, or None when
        there is none."""
        entry = self.log.next_step(undo=undo, session=session)
        if entry is None:
            return None
        aliases = self._meta.aliases()
        now = now_ts()
        updated: dict[str, State] = {}
        for pid, (old, new) in entry.changes.items():
            target = aliases.get(pid, pid)
            source, goal = (new, old) if undo else (old, new)
            updated[target] = revert_fields(self.get(target), source, goal, now)
        self.log.set_undone(entry, undo)
        self._labels.append(f"{'undo' if undo else 'redo'} of {entry.label}")
        self._put(updated)
        return entry

    def commit(self) -> None:
        """Write the states, then the journal: both or neither (see the module docstring)."""
        if self._after:
            try:
                self._states.write(self._after)
            except StoreError as exc:  # some shards may have been written before one failed
                self._put_back(exc, self._on_disk(), partial=True)
        if self._log is None or not self._log.pending:
            return
        try:
            self._log.flush()
        except StoreError as exc:
            if not self._after:
                raise
            self._put_back(exc, dict(self._after), partial=False)

    def _put_back(self, exc: StoreError, kept: dict[str, State], *, partial: bool) -> NoReturn:
        """Put the `kept` papers back as they were before the batch and raise `exc` (nothing
        was changed after all); when that fails too, PartialWriteError with what the disk
        holds now."""
        if kept:
            try:
                self._states.write({pid: self._before[pid] for pid in kept})
            except StoreError as again:
                kept = self._on_disk()
                if partial:
                    saved = f"was saved only for {_papers(kept)} ({_cause(exc)}) and not journalled"
                else:
                    saved = (
                        f"was saved for {_papers(kept)} but could not be journalled ({_cause(exc)})"
                    )
                raise PartialWriteError(
                    f"{_what(self._labels)} {saved}, so it cannot be undone; putting it back "
                    f"failed too ({_cause(again)})",
                    kept,
                ) from None
        raise exc

    def _on_disk(self) -> dict[str, State]:
        """After a failed write (which may have written some shards, not others): the batch's
        new states the disk holds, by id."""
        try:
            self._states.reload()
        except StoreError:
            return dict(self._after)
        return {
            pid: state
            for pid, state in self._after.items()
            if self._states.get(pid).to_dict() == state.to_dict()
        }


def _cause(exc: StoreError) -> str:
    """A failed file write's message without its "nothing was changed": here something was."""
    return exc.message.removesuffix("; nothing was changed")


def _what(labels: list[str]) -> str:
    if not labels:
        return "the change"
    if len(labels) <= 3:
        return "; ".join(repr(label) for label in labels)
    return f"{labels[0]!r} and {len(labels) - 1} more actions"


def _papers(states: Mapping[str, State]) -> str:
    ids = sorted(states)
    if len(ids) <= 3:
        return ", ".join(ids)
    return f"{len(ids)} papers ({', '.join(ids[:3])}, …)"
