"""The library's counts: papers per status (the smart views) and per tag, from the states and
the catalog. Pure functions over what the library holds; a state of a paper the catalog no
longer has counts for nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping

from tui.models import STATUSES, State


def status_counts(states: Mapping[str, State], papers: Collection[str]) -> dict[str, int]:
    """Counts for the smart views: inbox, later, done, skipped, starred, all. `papers`: the
    catalog's ids (its dict of papers will do)."""
    counts = Counter({s: 0 for s in STATUSES})
    starred = 0
    touched = 0
    for pid, st in states.items():
        if pid not in papers:
            continue
        touched += 1
        counts[st.status] += 1
        starred += st.starred
    counts["inbox"] += len(papers) - touched
    return {**counts, "starred": starred, "all": len(papers)}


def tag_counts(states: Mapping[str, State], papers: Collection[str]) -> dict[str, int]:
    """Every tag in use with the number of papers carrying it, most used first."""
    counts: Counter[str] = Counter()
    for pid, st in states.items():
        if pid in papers:
            counts.update(st.tags)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
