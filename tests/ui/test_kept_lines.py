"""`Kept`, the panes' line caches: least-recently-used as a reference model says, a write
replaces, and nothing it lets go of waits for the cyclic collector (Textual's `LRUCache.clear`
left its ring of entries, and every line in it, for a full collection)."""

from __future__ import annotations

import gc
import weakref
from collections import OrderedDict

from hypothesis import given
from hypothesis import strategies as st

from tui.widgets.kept import Kept

OPS = st.lists(
    st.tuples(st.sampled_from(["get", "set", "clear"]), st.integers(0, 6), st.integers()),
    max_size=60,
)


@given(maxsize=st.integers(1, 5), ops=OPS)
def test_it_keeps_what_a_least_recently_used_cache_keeps(
    maxsize: int, ops: list[tuple[str, int, int]]
) -> None:
    kept: Kept[int, int] = Kept(maxsize)
    model: OrderedDict[int, int] = OrderedDict()
    for op, key, value in ops:
        if op == "get":
            expected = model.get(key)
            if key in model:
                model.move_to_end(key)
            assert kept.get(key) == expected
        elif op == "set":
            model[key] = value
            model.move_to_end(key)
            if len(model) > maxsize:
                model.popitem(last=False)
            kept[key] = value
        else:
            model.clear()
            kept.clear()
        assert len(kept) == len(model)
        assert all((k in kept) == (k in model) for k in range(7))


class Line:
    """Stands for a drawn line (a `Strip` takes no weak references)."""


def test_what_it_lets_go_of_is_freed_at_once_with_no_collection() -> None:
    kept: Kept[int, Line] = Kept(3)
    refs = []
    gc.disable()
    try:
        for key in range(6):
            line = Line()
            refs.append(weakref.ref(line))
            kept[key] = line
        del line
        assert [ref() is None for ref in refs] == [True] * 3 + [False] * 3  # evicted: freed
        kept[5] = Line()  # replaced: the old value is freed
        assert refs[5]() is None
        kept.clear()
        assert all(ref() is None for ref in refs)
    finally:
        gc.enable()
