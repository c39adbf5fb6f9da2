"""The local store: TinyDB files for the catalog, the user's state and the undo journal.

The names below are handed out on first use, so that importing one module of the store (the
library, for a triage command) does not import every other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.lazy import lazy_names

if TYPE_CHECKING:
    from tui.store.catalog import UpsertResult
    from tui.store.journal import JournalEntry
    from tui.store.library import Library
    from tui.store.steps import ActionStep, Step, StepOutcome, UndoStep

_HOMES = {
    "ActionStep": "tui.store.steps",
    "JournalEntry": "tui.store.journal",
    "Library": "tui.store.library",
    "Step": "tui.store.steps",
    "StepOutcome": "tui.store.steps",
    "UndoStep": "tui.store.steps",
    "UpsertResult": "tui.store.catalog",
}

__all__ = [
    "ActionStep",
    "JournalEntry",
    "Library",
    "Step",
    "StepOutcome",
    "UndoStep",
    "UpsertResult",
]


__getattr__ = lazy_names(__name__, globals(), _HOMES)
