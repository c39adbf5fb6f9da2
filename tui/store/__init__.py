"""The local store: TinyDB files for the catalog, the user's state and the undo journal."""

from tui.store.catalog import UpsertResult
from tui.store.journal import JournalEntry
from tui.store.library import Library
from tui.store.steps import ActionStep, Step, StepOutcome, UndoStep

__all__ = [
    "ActionStep",
    "JournalEntry",
    "Library",
    "Step",
    "StepOutcome",
    "UndoStep",
    "UpsertResult",
]
