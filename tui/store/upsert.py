"""An import's write to the library: the catalog merge and what follows from re-keyed papers.

`Catalog.stage` merges the records against the papers in memory (`tui.store.merge`) and
`Catalog.commit` writes them; a paper first known only by its title and now brought with its
arXiv id is re-keyed to `arxiv:<id>`, so its old id becomes an alias (in meta) and its state
moves to the new id. User state is otherwise never touched. One atomic write per file, under the
library's write lock, on the catalog and states as they are on disk.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.memory import paused_gc
from tui.models import Paper, utc_stamp
from tui.store.catalog import Catalog, UpsertResult
from tui.store.meta import Meta
from tui.store.states import StateShards


def upsert(
    catalog: Catalog,
    states: StateShards,
    meta: Meta,
    incoming: Iterable[Paper],
    *,
    source: str,
    dry_run: bool,
) -> UpsertResult:
    """(Under the lock.) Merge `incoming` into the catalog (nothing written on a dry run)."""
    with paused_gc():
        catalog.forget_if_changed()
        states.refresh()
        staged = catalog.stage(incoming, source, utc_stamp())
        if dry_run or not staged.papers:
            return staged.result
        catalog.commit(staged)
        if staged.rekeyed:
            meta.add_aliases(staged.rekeyed)
            known = states.states
            moved = {new: known[old] for old, new in staged.rekeyed.items() if old in known}
            if moved:
                states.write(moved, deleted=[o for o in staged.rekeyed if o in known])
        return staged.result
