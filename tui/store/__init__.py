"""The local store: TinyDB files for the catalog, the user's state and the undo journal.

The names below are handed out on first use, so that importing one module of the store (the
library, for a triage command) does not import every other.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
