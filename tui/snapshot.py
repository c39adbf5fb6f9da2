"""The interface's in-memory copy of the library: papers, the user's states, and live counts.

The triage screen reads this on the UI thread and never waits on the store: it applies a
triage action here first (so the row repaints at once), then the store writes it in a thread
and the authoritative states it returns replace the guesses. Counts for the sidebar are kept
incrementally, so a keystroke costs O(papers changed), not O(library). Plain Python, no Textual.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from tui.models import DEFAULT_STATE, STATUSES, Paper, State, now_ts

if TYPE_CHECKING:
    from tui.actions import Action


class LibrarySnapshot:
    """Papers by id, states by id (only non-default ones), and the counts the sidebar shows."""

    def __init__(
        self,
        papers: Mapping[str, Paper],
        states: Mapping[str, State],
        *,
        counts: tuple[Mapping[str, int], Mapping[str, int]] | None = None,
    ) -> None:
        """`counts` (status counts, tag counts) are the whole library's when `papers` is only a
        part of it (the start-up cache's page); they are then kept up to date incrementally."""
        self.papers: Mapping[str, Paper] = papers
        self.states: dict[str, State] = {pid: st for pid, st in states.items() if pid in papers}
        self._status: Counter[str] = Counter({s: 0 for s in STATUSES})
        self._starred = 0
        self._tags: Counter[str] = Counter()
        self._all = len(papers)
        if counts is not None:
            status, tags = counts
            self._status.update({s: status.get(s, 0) for s in STATUSES})
            self._starred = status.get("starred", 0)
            self._all = status.get("all", len(papers))
            self._tags.update(tags)
        else:
            for state in self.states.values():
                self._count(state, +1)
            self._status["inbox"] += len(papers) - len(self.states)
        self.version = 0
        """Bumped whenever a state changes (the searcher caches state terms per version)."""
        self._frozen: tuple[int, dict[str, State]] | None = None

    def _count(self, state: State, sign: int) -> None:
        self._status[state.status] += sign
        self._starred += sign * state.starred
        for tag in state.tags:
            self._tags[tag] += sign

    def frozen_states(self) -> dict[str, State]:
        """A copy of the states for a search thread, made once per version (the UI thread keeps
        changing `states`; the copy never changes, so the searcher may cache on it)."""
        if self._frozen is None or self._frozen[0] != self.version:
            self._frozen = (self.version, dict(self.states))
        return self._frozen[1]

    def state(self, paper_id: str) -> State:
        """The state of one paper (the shared default when untouched: do not mutate it)."""
        return self.states.get(paper_id, DEFAULT_STATE)

    def status_counts(self) -> dict[str, int]:
        """inbox later done skipped starred all, like Library.status_counts()."""
        return {**self._status, "starred": self._starred, "all": self._all}

    def tag_counts(self) -> dict[str, int]:
        """Tags in use with their counts."""
        return {tag: n for tag, n in self._tags.items() if n > 0}

    def take_over(self, preview: LibrarySnapshot, changes: Mapping[str, State]) -> None:
        """Become the whole library after `preview` (the start-up cache's page) was shown.

        Keys pressed on the preview went to the store through the writer, and the loader may
        have read the states before some of them landed. Until now only the screen could change
        the preview's papers, so its states are the newest (they include the store's answers
        and later guesses); the store's answers for papers off the page (`changes`: an undo may
        reach them) are newer than what the loader read."""
        self.replace(changes)
        self.replace({pid: preview.state(pid) for pid in preview.papers})

    def replace(self, states: Mapping[str, State]) -> list[str]:
        """Put these states in (from the store); returns the ids whose decisions changed.

        A state that differs only in its times (the store's answer to a key, stamped a few
        milliseconds after the screen's guess) is put in but not returned: nothing shown or
        counted differs, so nothing is repainted for it."""
        changed: list[str] = []
        restamped = False
        for pid, new in states.items():
            if pid not in self.papers:
                continue
            old = self.state(pid)
            before, after = old.to_dict(), new.to_dict()
            if before == after:
                continue
            if before.pop("times") != after.pop("times") and before == after:
                restamped = True
            else:
                self._count(old, -1)
                self._count(new, +1)
                changed.append(pid)
            if new.is_default:
                self.states.pop(pid, None)
            else:
                self.states[pid] = new
        if changed or restamped:
            self.version += 1
        return changed

    # -- optimistic guesses (the store's answer overrides them) ---------------------------------

    def guess(self, ids: Iterable[str], action: Action) -> dict[str, State]:
        """The states `ids` will have after `action`: the very call the store makes
        (`Library.run`), on the states as this copy has them."""
        wanted = [pid for pid in dict.fromkeys(ids) if pid in self.papers]
        settled = action.settle(self.state(pid) for pid in wanted)
        now = now_ts()
        return {pid: settled.apply(self.state(pid), now) for pid in wanted}
