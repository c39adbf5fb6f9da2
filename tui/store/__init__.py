"""The local store: TinyDB files for the catalog, the user's state and the undo journal."""

from tui.store.library import JournalEntry, Library, UpsertResult, shard_of

__all__ = ["JournalEntry", "Library", "UpsertResult", "shard_of"]
