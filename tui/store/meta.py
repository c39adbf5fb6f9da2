"""`meta.json`: the library's small settings, and the shard counts recorded among them.

It holds last sync times, `new_since`, the aliases of papers an import re-keyed, and
`{"state": N, "texts": M}`, the shard counts recorded when the library is created: a paper's
shard depends on them, so a library keeps the counts it was made with for good. Writes run under
the library's write lock (`tui.store.library.Library` hands it in).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from tui.errors import StoreError
from tui.store.catalog import DEFAULT_TEXT_SHARDS
from tui.store.db import KeyedDB
from tui.store.states import DEFAULT_STATE_SHARDS

SHARDS_META = "shards"
"""The meta key recording `{"state": N, "texts": M}`, written when the library is created."""
ALIASES_META = "aliases"
"""The meta key recording `{old id: new id}` for papers an import re-keyed."""

WriteLock = Callable[[float | None], AbstractContextManager[None]]
"""The library's write lock: `write(timeout)` holds it for one read-modify-write."""


def _shard_count(value: object, default: int) -> int:
    return (
        value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default
    )


def _parsed_counts(recorded: Mapping[str, Any]) -> dict[str, int]:
    return {
        "state": _shard_count(recorded.get("state"), DEFAULT_STATE_SHARDS),
        "texts": _shard_count(recorded.get("texts"), DEFAULT_TEXT_SHARDS),
    }


class Meta:
    """The `meta` table of `meta.json`: small JSON values by key."""

    def __init__(self, db: KeyedDB) -> None:
        self._db = db

    def get(self, key: str, default: Any = None) -> Any:
        """A value from meta.json."""
        doc = self._db.keyed("meta").fetch(key)
        return doc["value"] if doc is not None else default

    def put_many(self, values: Mapping[str, Any]) -> None:
        """(Under the lock.) Store several small JSON values with one write of the file."""
        self._db.keyed("meta").put_many({key: {"value": v} for key, v in values.items()})

    def aliases(self) -> dict[str, str]:
        """`{old id: new id}` for the papers an import re-keyed."""
        aliases: dict[str, str] = self.get(ALIASES_META, {}) or {}
        return aliases

    def add_aliases(self, rekeyed: Mapping[str, str]) -> None:
        """(Under the lock.) Record more re-keyed ids."""
        aliases = dict(self.aliases())
        aliases.update(rekeyed)
        self._db.keyed("meta").put(ALIASES_META, {"value": aliases})

    def shard_counts(
        self, write: WriteLock, *, new: bool, state_shards: int, text_shards: int
    ) -> dict[str, int]:
        """The shard counts recorded in meta; recorded now if missing (the given ones for a new
        library, today's defaults for one made before counts were recorded)."""
        recorded = self.get(SHARDS_META)
        if isinstance(recorded, dict):
            return _parsed_counts(recorded)
        counts = (
            {"state": state_shards, "texts": text_shards}
            if new
            else {"state": DEFAULT_STATE_SHARDS, "texts": DEFAULT_TEXT_SHARDS}
        )
        defaults = {"state": DEFAULT_STATE_SHARDS, "texts": DEFAULT_TEXT_SHARDS}
        try:
            with write(None if counts != defaults else 1.0):
                recorded = self.get(SHARDS_META)  # again, under the lock
                if isinstance(recorded, dict):
                    return _parsed_counts(recorded)
                self._db.keyed("meta").put(SHARDS_META, {"value": counts})
        except (StoreError, OSError):
            if counts != defaults:
                raise  # unrecorded, other counts would be read as the defaults next time
            # A read-only or busy library: the defaults are what it uses; recorded next time.
        return counts

    def close(self) -> None:
        """Release the file handle."""
        self._db.close()
