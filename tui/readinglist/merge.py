"""The reading list's types and its pure merge: field by field, newer time wins.

Merging (`merge`, `merge_state`) is field by field: the value with the newer time wins; a field
without a time counts as older than any timed one; at equal times a non-default value beats a
default one (a tag present beats absent), then the greater canonical JSON value wins. That makes
the merge commutative, associative and idempotent, so machines may sync in any order, any number
of times, and agree. No I/O here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from tui.models import Paper, State

SCALAR_FIELDS: tuple[str, ...] = ("status", "starred", "note", "opened_at")
"""The state fields with one value and one time each (tags have a time per tag)."""
_DEFAULTS: dict[str, Any] = {"status": "inbox", "starred": False, "note": "", "opened_at": None}


@dataclass(slots=True)
class ReadingListEntry:
    """One paper in the reading list: slim metadata (see `slim_paper`) and the user's state."""

    paper: Paper
    state: State


@dataclass(slots=True)
class ReadingList:
    """Papers with user state, by id."""

    entries: dict[str, ReadingListEntry] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)


def canonical(value: object) -> str:
    """The canonical JSON of a value: what ties are broken on."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _newer(
    a: tuple[Any, float | None], b: tuple[Any, float | None], default: Any
) -> tuple[Any, float | None]:
    """Of two (value, time) versions of one field, the one a merge keeps.

    Newer time first (no time is oldest); at equal times a non-default value beats the default,
    then the greater canonical JSON wins: a total order, so the merge is commutative.
    """
    time_a = -math.inf if a[1] is None else a[1]
    time_b = -math.inf if b[1] is None else b[1]
    if time_a != time_b:
        return a if time_a > time_b else b
    if a[0] == b[0]:
        return a
    if (a[0] == default) != (b[0] == default):
        return b if a[0] == default else a
    return a if canonical(a[0]) > canonical(b[0]) else b


def _tag_names(state: State) -> set[str]:
    return set(state.tags) | {key[4:] for key in state.times if key.startswith("tag:")}


def merge_state(a: State, b: State) -> State:
    """The state that keeps, field by field, the newer change of `a` and `b` (pure)."""
    merged = State()
    times: dict[str, float] = {}
    for name in SCALAR_FIELDS:
        value, time = _newer(
            (getattr(a, name), a.times.get(name)),
            (getattr(b, name), b.times.get(name)),
            _DEFAULTS[name],
        )
        setattr(merged, name, value)
        if time is not None:
            times[name] = time + 0.0  # + 0.0 turns -0.0 into 0.0 so equal times print alike
    tags: list[str] = []
    for tag in sorted(_tag_names(a) | _tag_names(b)):
        key = f"tag:{tag}"
        present, time = _newer(
            (tag in a.tags, a.times.get(key)), (tag in b.tags, b.times.get(key)), False
        )
        if present:
            tags.append(tag)
        if time is not None:
            times[key] = time + 0.0
    merged.tags = tags
    merged.times = dict(sorted(times.items()))
    return merged


def slim_paper(paper: Paper) -> Paper:
    """The metadata a reading list carries: id, title, authors, arXiv id, date and link."""
    url = paper.abs_url
    links = {"abs": url} if url and not paper.arxiv_id else {}
    return Paper(
        id=paper.id,
        title=paper.title,
        arxiv_id=paper.arxiv_id,
        authors=list(paper.authors),
        published=paper.published,
        links=links,
    )


def paper_record(paper: Paper) -> dict[str, Any]:
    """A paper's metadata as the file writes it."""
    return {
        "arxiv_id": paper.arxiv_id,
        "authors": list(paper.authors),
        "id": paper.id,
        "published": paper.published,
        "title": paper.title,
        "url": paper.abs_url,
    }


def merge(a: ReadingList, b: ReadingList) -> ReadingList:
    """Both lists' papers, each state merged with `merge_state` (pure).

    For a paper in both, the metadata kept is the greater in canonical JSON order: arbitrary
    but the same whichever side is which (sync refreshes it from the catalog afterwards).
    """
    out = ReadingList()
    for pid in sorted(a.entries.keys() | b.entries.keys()):
        left, right = a.entries.get(pid), b.entries.get(pid)
        if left is None or right is None:
            only = left or right
            assert only is not None
            out.entries[pid] = ReadingListEntry(
                slim_paper(only.paper), merge_state(only.state, State())
            )
            continue
        paper = left.paper
        record_left, record_right = paper_record(left.paper), paper_record(right.paper)
        if record_left != record_right and canonical(record_right) > canonical(record_left):
            paper = right.paper
        out.entries[pid] = ReadingListEntry(slim_paper(paper), merge_state(left.state, right.state))
    return out
