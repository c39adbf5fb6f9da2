"""`Kept`: the panes' caches of drawn lines, a least-recently-used cache that makes no garbage
only the cyclic collector can free.

Textual's `LRUCache` links its entries in a ring (each entry a list pointing at its
neighbours). Its `clear()` drops the ring whole: a cycle, freed only by a full collection,
with every line the cache held. The list pane clears its 1024 lines on each focus move (its
rows change colour), so every `/` and `escape` left some fifteen thousand objects (each line a
`Strip` with seven small caches of its own) for the next full collection to find, and each full
collection walks everything alive: tenths of a second at 100k papers. It also ignores a write
to a key it holds (the old value stays), which had an abstract wrapped again each time it was
shown. This one is a plain dict in use order: dropping an entry frees it at once, and a write
replaces.
"""

from __future__ import annotations

from typing import Generic, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")
D = TypeVar("D")


class Kept(Generic[K, V]):
    """At most `maxsize` values by key; reading one makes it the last to go."""

    __slots__ = ("_items", "maxsize")

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: dict[K, V] = {}

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: D) -> V | D: ...
    def get(self, key: K, default: object = None) -> object:
        items = self._items
        try:
            value = items.pop(key)
        except KeyError:
            return default
        items[key] = value  # now the most recently used
        return value

    def __setitem__(self, key: K, value: V) -> None:
        items = self._items
        items.pop(key, None)
        items[key] = value
        if len(items) > self.maxsize:
            del items[next(iter(items))]

    def clear(self) -> None:
        self._items.clear()
