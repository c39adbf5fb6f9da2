"""The start-up cache: the default view's first page as it last stood, so the next start can
paint it before the catalog is read.

Reading a 100k-paper catalog takes most of a second; the first page of the Inbox is a few
hundred kilobytes. The cache (`<home>/cache/first-screen.json`) holds that page (its papers with
their abstracts), the view's total and the sidebar counts, and the fingerprint of every
catalog, text and state file it was computed from. It is used only while that fingerprint
still matches the files on disk, so it can never show something the store does not hold: any
import, sync or triage — by this process or another — changes a file and retires it. A missing,
unreadable or stale cache only means an ordinary start. Plain Python, no Textual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from tui.atomic import atomic_write_bytes
from tui.errors import PaperdeckError
from tui.models import Paper
from tui.screens.search import search_view, view_query

if TYPE_CHECKING:
    from tui.query import Searcher
    from tui.store import Library

FORMAT = 1
"""Bumped whenever the file's layout or meaning changes (an older file is then ignored)."""


def cache_path(home: Path) -> Path:
    """Where a library's start-up cache lives (inside the library's own folder)."""
    return home / "cache" / "first-screen.json"


@dataclass(slots=True)
class FirstScreen:
    """The default view's first rows with their papers, its total, and the sidebar counts."""

    rows: list[str]
    total: int
    papers: dict[str, Paper]
    status_counts: dict[str, int]
    tag_counts: dict[str, int]


def save_first_screen(
    library: Library, searcher: Searcher, view_terms: str, *, new_since: str | None = None
) -> bool:
    """Record the first page of the view `view_terms` (no filter); False when nothing was saved.

    Runs under the library's lock, and only when the papers, texts and states in memory are
    exactly the files on disk (a change by another process since means our view is stale).
    """
    try:
        with library.hold():
            if not library.in_step_with_disk():
                return False
            states = library.states()
            result = search_view(searcher, states, view_query(view_terms, ""), new_since=new_since)
            papers = [library.get(pid) for pid in result.rows]
            doc: dict[str, Any] = {
                "format": FORMAT,
                "view": view_terms,
                "new_since": new_since,
                "fingerprint": library.fingerprint(),
                "rows": result.rows,
                "total": result.total,
                "papers": [paper.to_dict() for paper in papers if paper is not None],
                "status_counts": library.status_counts(),
                "tag_counts": library.tag_counts(),
            }
        path = cache_path(library.home)
        path.parent.mkdir(exist_ok=True)
        atomic_write_bytes(path, orjson.dumps(doc), what="start-up cache")
    except (PaperdeckError, OSError):
        return False  # a cache: the next start is an ordinary one
    return True


def load_first_screen(
    library: Library, view_terms: str, *, new_since: str | None = None
) -> FirstScreen | None:
    """The cached first page of `view_terms` if it still matches the library's files, else None."""
    try:
        doc = orjson.loads(cache_path(library.home).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return None
    if doc.get("view") != view_terms or doc.get("new_since") != new_since:
        return None
    if doc.get("fingerprint") != library.fingerprint():
        return None
    try:
        papers = {paper.id: paper for paper in map(Paper.from_dict, doc["papers"])}
        rows = [str(pid) for pid in doc["rows"] if pid in papers]
        return FirstScreen(
            rows=rows,
            total=int(doc["total"]),
            papers=papers,
            status_counts=_counts(doc["status_counts"]),
            tag_counts=_counts(doc["tag_counts"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _counts(value: object) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise TypeError("counts must be an object")
    return {str(key): int(count) for key, count in value.items()}
