"""The triage half of the main screen, without Textual: targets, marks, optimistic apply, rollback.

A triage key aims at the marked papers (or, with none marked, the one under the cursor). The
session applies the action to the in-memory snapshot at once — the screen repaints the rows in
the same frame — and hands the store write to the writer as a `WriteJob` carrying the states to
roll back to if the write fails. The store's answer (or the rollback) comes back through
`stored`, and replaces the guess. The screen only draws what the session reports changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.actions import Action, MarkOpened
from tui.errors import UsageError
from tui.models import State
from tui.store import ActionStep, Step, UndoStep

if TYPE_CHECKING:
    from tui.snapshot import LibrarySnapshot
    from tui.store import JournalEntry, Library


@dataclass(slots=True)
class WriteJob:
    """One store write: the step to run, which papers it aims at, how to roll back, how to
    report. A step is data, not a callable, so the writer can run the jobs queued behind it in
    the same store write (`Library.run_steps`)."""

    step: Step
    ids: Collection[str]
    rollback: Mapping[str, State]
    kind: str = "action"  # "action" | "undo" | "redo"

    def run(self, library: Library) -> JournalEntry | None:
        """Run this job alone (its error raised)."""
        outcome = library.run_steps([self.step])[0]
        if outcome.error is not None:
            raise outcome.error
        return outcome.entry


def action_job(
    action: Action, ids: Sequence[str] | None, rollback: Mapping[str, State], session: str = ""
) -> WriteJob:
    """The job that runs `action` on `ids` (None: the papers the action selects) in the store,
    journalled as made by `session` (so the session's own undo finds it first)."""
    step = ActionStep(action, None if ids is None else tuple(ids), session)
    return WriteJob(step, ids or (), rollback)


@dataclass(slots=True)
class Applied:
    """What a triage action did on screen: the papers it aimed at, those whose state changed,
    and whether it was a bulk action (which clears the marks instead of advancing)."""

    ids: list[str]
    changed: list[str]
    bulk: bool


@dataclass(slots=True)
class TriageSession:
    """Marks, targets and the optimistic snapshot of one triage screen."""

    snapshot: LibrarySnapshot | None = None
    submit: Callable[[WriteJob], None] | None = None
    """Queues a job on the store writer (None until the library is open)."""
    marked: set[str] = field(default_factory=set)
    session_id: str = field(default_factory=lambda: f"app-{uuid.uuid4().hex}")
    """Tags this session's journal entries: its undo steps back over its own actions first."""
    _preview_changes: dict[str, State] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        """True once there is a snapshot to change and a writer to save the changes."""
        return self.snapshot is not None and self.submit is not None

    # -- marks --------------------------------------------------------------------------------

    def targets(self, rows: Sequence[str], current: str | None) -> list[str]:
        """The papers a key aims at: the marked ones (those shown first, in row order, then
        those filtered out of view), else the one under the cursor."""
        if self.marked:
            shown = [pid for pid in rows if pid in self.marked]
            hidden = self.marked.difference(shown)
            return shown + sorted(hidden)
        return [current] if current else []

    def toggle_mark(self, paper_id: str) -> None:
        """Mark the paper, or unmark it if it was marked."""
        self.marked = self.marked ^ {paper_id}

    def set_marked(self, ids: Iterable[str]) -> None:
        """Mark exactly these papers."""
        self.marked = set(ids)

    # -- actions ------------------------------------------------------------------------------

    def act(self, action: Action, rows: Sequence[str], current: str | None) -> Applied | None:
        """Apply `action` to the targets in the snapshot now and queue the store write; clears
        the marks after a bulk action. None when there is nothing to act on."""
        if self.snapshot is None or self.submit is None:
            return None
        ids = self.targets(rows, current)
        if not ids:
            return None
        bulk = bool(self.marked)
        rollback = {pid: self.snapshot.state(pid) for pid in ids}
        changed = self.snapshot.replace(self.snapshot.guess(ids, action))
        self.submit(action_job(action, ids, rollback, self.session_id))
        if bulk:
            self.marked = set()
        return Applied(ids, changed, bulk)

    def act_everywhere(self, action: Action) -> list[str]:
        """Apply an action that picks its own papers (renaming a tag) to those the snapshot
        holds and queue the store write, which picks them in the whole library; returns the
        ids whose state changed here."""
        if self.snapshot is None or self.submit is None:
            return []
        try:
            ids = action.select(self.snapshot.states)
        except UsageError:  # nothing here to guess on: the store will say what is wrong
            ids = []
        rollback = {pid: self.snapshot.state(pid) for pid in ids}
        changed = self.snapshot.replace(self.snapshot.guess(ids, action))
        self.submit(action_job(action, None, rollback, self.session_id))
        return changed

    def opened(self, paper_id: str) -> None:
        """Queue the record that this paper was opened (the store's answer repaints it)."""
        if self.snapshot is None or self.submit is None:
            return
        rollback = {paper_id: self.snapshot.state(paper_id)}
        self.submit(action_job(MarkOpened(), [paper_id], rollback, self.session_id))

    def step(self, kind: str) -> None:
        """Queue an undo (`kind="undo"`) or a redo (`"redo"`): this session's actions first."""
        if self.submit is None:
            return
        self.submit(WriteJob(UndoStep(kind == "undo", self.session_id), (), {}, kind=kind))

    # -- the store's answers ------------------------------------------------------------------

    def stored(self, states: Mapping[str, State], *, preview: bool = False) -> list[str]:
        """Put in the states the store answered (or those to roll back to); returns the ids
        whose state changed. While the screen shows the start-up preview they are also kept,
        to be replayed on the full library (`take_preview_changes`)."""
        if preview:
            self._preview_changes.update(states)
        if self.snapshot is None:
            return []
        return self.snapshot.replace(states)

    def take_preview_changes(self) -> dict[str, State]:
        """The states the store answered while the preview was shown (and forget them)."""
        changes, self._preview_changes = self._preview_changes, {}
        return changes
