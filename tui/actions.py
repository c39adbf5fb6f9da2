"""The triage actions: what each key (and CLI command, and palette command) does to a paper's state.

Each action is one small typed object that knows how to apply itself to a `State` and how to
describe itself for the journal and the undo toast ("skip: 43 papers"). The store runs an action
under its write lock and journals it (`Library.run`); the interface applies the very same object
to its in-memory snapshot first, as the optimistic guess the store's answer then replaces. One
definition, so the guess cannot drift from what is written. Plain Python, no Textual.

`apply` never mutates its argument: it returns a new state, with the update time of every field
it changed set to `now` (the per-field times reading lists merge on), or just after the time it
replaces when that is later (`stamp`): a local change must beat the value it overrides, even one
stamped by a machine whose clock runs ahead, or the next sync would bring the old value back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import ClassVar

from tui.errors import UsageError
from tui.models import STATUSES, State, clean_multiline, normalise_tag, utc_stamp
from tui.records import Frozen

STATUS_VERBS = {
    "inbox": "back to inbox",
    "later": "reading list",
    "done": "done",
    "skipped": "skip",
}
"""The journal's word for each status (`skip: 3 papers`)."""


def plural(count: int) -> str:
    """`1 paper`, `43 papers`."""
    return "1 paper" if count == 1 else f"{count} papers"


class Action(Frozen):
    """One triage action on a set of papers. Subclasses are frozen records (`tui.records`): an
    action is a value, equal to another with the same fields."""

    __slots__ = ()

    journal: ClassVar[bool] = True
    """False for bookkeeping that is not an undo step of its own (marking a paper opened)."""

    def settle(self, states: Iterable[State]) -> Action:
        """The action to run once the targets' current states are known (they are read under the
        store's lock). Most actions are already settled; a toggle becomes a plain set."""
        return self

    def select(self, states: Mapping[str, State]) -> list[str]:
        """The papers this action aims at when the caller names none (renaming a tag)."""
        raise UsageError(f"{type(self).__name__} needs the papers to act on")

    def apply(self, state: State, now: float) -> State:
        """The state after this action (a new object; `state` is left alone)."""
        raise NotImplementedError

    def describe(self, count: int) -> str:
        """The journal label for this action on `count` papers."""
        raise NotImplementedError


STAMP_STEP = 0.001
"""How far past a stored time a change is stamped when the clock says earlier than that time."""


def stamp(now: float, previous: float | None) -> float:
    """The time to stamp a change with: `now`, or just after `previous` when that is later."""
    if previous is None or now > previous:
        return now
    later = previous + STAMP_STEP
    return later if later > previous else math.nextafter(previous, math.inf)


def _changed(state: State, name: str, value: object, now: float) -> State:
    out = state.copy()
    if getattr(out, name) != value:
        setattr(out, name, value)
        out.times[name] = stamp(now, out.times.get(name))
    return out


class SetStatus(Action):
    """Move papers to `inbox`, `later`, `done` or `skipped`."""

    __slots__ = ("status",)
    status: str

    def __init__(self, status: str) -> None:
        if status not in STATUSES:
            raise UsageError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        super().__init__(status=status)

    def apply(self, state: State, now: float) -> State:
        return _changed(state, "status", self.status, now)

    def describe(self, count: int) -> str:
        return f"{STATUS_VERBS[self.status]}: {plural(count)}"


class SetStar(Action):
    """Star (or unstar) papers."""

    __slots__ = ("starred",)
    starred: bool

    def __init__(self, starred: bool) -> None:
        super().__init__(starred=starred)

    def apply(self, state: State, now: float) -> State:
        return _changed(state, "starred", self.starred, now)

    def describe(self, count: int) -> str:
        return f"{'star' if self.starred else 'unstar'} {plural(count)}"


class ToggleStar(Action):
    """Star all the targets if any of them is unstarred, else unstar them all (the `s` key)."""

    __slots__ = ()

    def settle(self, states: Iterable[State]) -> Action:
        return SetStar(not all(st.starred for st in states))

    def apply(self, state: State, now: float) -> State:
        raise TypeError("ToggleStar must be settled against the targets' states first")

    def describe(self, count: int) -> str:
        return f"toggle star on {plural(count)}"


def _tags(raw: Iterable[str]) -> tuple[str, ...]:
    return tuple(t for t in (normalise_tag(x) for x in raw) if t)


class EditTags(Action):
    """Add and remove tags (normalised: lower case, spaces as hyphens)."""

    __slots__ = ("add", "remove")
    add: tuple[str, ...]
    remove: tuple[str, ...]

    def __init__(self, add: tuple[str, ...] = (), remove: tuple[str, ...] = ()) -> None:
        super().__init__(add=_tags(add), remove=_tags(remove))

    def apply(self, state: State, now: float) -> State:
        out = state.copy()
        tags = set(out.tags)
        for tag in self.add:
            if tag not in tags:
                tags.add(tag)
                out.times[f"tag:{tag}"] = stamp(now, out.times.get(f"tag:{tag}"))
        for tag in self.remove:
            if tag in tags:
                tags.discard(tag)
                out.times[f"tag:{tag}"] = stamp(now, out.times.get(f"tag:{tag}"))
        out.tags = sorted(tags)
        return out

    def describe(self, count: int) -> str:
        words = [f"+{t}" for t in self.add] + [f"-{t}" for t in self.remove]
        return f"tag {' '.join(words)} on {plural(count)}"


class SetNote(Action):
    """Set (or, with an empty text, clear) the note on papers."""

    __slots__ = ("note",)
    note: str

    def __init__(self, note: str) -> None:
        super().__init__(note=clean_multiline(note))

    def apply(self, state: State, now: float) -> State:
        return _changed(state, "note", self.note, now)

    def describe(self, count: int) -> str:
        return f"{'note on' if self.note else 'clear note on'} {plural(count)}"


class MarkOpened(Action):
    """Record that papers were opened (read) now; the first opening is the one kept."""

    __slots__ = ("stamp",)
    journal: ClassVar[bool] = False
    stamp: str

    def __init__(self, stamp: str | None = None) -> None:
        super().__init__(stamp=utc_stamp() if stamp is None else stamp)

    def apply(self, state: State, now: float) -> State:
        if state.opened_at is not None:
            return state.copy()
        return _changed(state, "opened_at", self.stamp, now)

    def describe(self, count: int) -> str:
        return "opened"


class RenameTag(Action):
    """Rename a tag on every paper carrying it; if the new name exists already the two merge."""

    __slots__ = ("new", "old")
    old: str
    new: str

    def __init__(self, old: str, new: str) -> None:
        src, dst = normalise_tag(old), normalise_tag(new)
        if not src or not dst:
            raise UsageError("a tag name cannot be empty")
        super().__init__(old=src, new=dst)

    def select(self, states: Mapping[str, State]) -> list[str]:
        ids = [pid for pid, st in states.items() if self.old in st.tags]
        if not ids:
            raise UsageError(f"no paper has the tag {self.old!r}")
        return ids

    def apply(self, state: State, now: float) -> State:
        out = state.copy()
        if self.old in out.tags and self.old != self.new:
            out.tags = sorted((set(out.tags) - {self.old}) | {self.new})
            for key in (f"tag:{self.old}", f"tag:{self.new}"):
                out.times[key] = stamp(now, out.times.get(key))
        return out

    def describe(self, count: int) -> str:
        return f"rename tag {self.old} → {self.new} on {plural(count)}"
