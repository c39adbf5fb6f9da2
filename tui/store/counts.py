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
    return most_used_first(counts)


def most_used_first(counts: Mapping[str, int]) -> dict[str, int]:
    """Tag counts in the sidebar's order, most used first, then by name; unused tags left out."""
    return dict(
        sorted(((t, n) for t, n in counts.items() if n > 0), key=lambda kv: (-kv[1], kv[0]))
    )
