"""The start-up cache: the default view's first page as it last stood, so the next start can
paint it before the catalog is read.

Reading a 100k-paper catalog takes most of a second; the first page of the Inbox is a few
hundred kilobytes. The cache (`<home>/cache/first-screen.json`) holds that page (its papers with
their abstracts and their states), the view's total and the sidebar counts, and the fingerprint of every
catalog, text and state file it was computed from. It is used only while that fingerprint
still matches the files on disk, so it can never show something the store does not hold: any
import, sync or triage — by this process or another — changes a file and retires it, except
a command-line triage write that cannot change the page's rows, which patches it in place
(`tui.store.startup_patch`). An
import or a sync from the command line saves it anew as it ends (`renew_startup_page`), so the
app's next start after a cron sync paints at once too. The page's
states are in the cache so that a start from it reads no state shard at all (at 100k papers the
64 shards are a tenth of a second or more on the way to the first painted list). A missing,
unreadable or stale cache only means an ordinary start. Plain Python, no Textual.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tui
from tui.atomic import atomic_write_bytes
from tui.errors import PaperdeckError
from tui.models import State
from tui.records import Record
from tui.store import jsonbytes
from tui.store.validate import state_problem

if TYPE_CHECKING:
    from tui.models import Paper
    from tui.store import Library

FORMAT = 2
"""Bumped whenever the file's layout or meaning changes (an older file is then ignored)."""

LOCK_WAIT = 0.25
"""Longest a save waits for the library's lock (another process writing means the page is
about to be stale anyway; quitting must not wait for it)."""


def cache_path(home: Path) -> Path:
    """Where a library's start-up cache lives (inside the library's own folder)."""
    return home / "cache" / "first-screen.json"


class StartupPage(Record):
    """The default view's first rows with their papers and states (the non-default ones), its
    total, and the sidebar counts."""

    __slots__ = ("papers", "rows", "states", "status_counts", "tag_counts", "total")

    def __init__(
        self,
        rows: list[str],
        total: int,
        papers: dict[str, Paper],
        states: dict[str, State],
        status_counts: dict[str, int],
        tag_counts: dict[str, int],
    ) -> None:
        self.rows = rows
        self.total = total
        self.papers = papers
        self.states = states
        self.status_counts = status_counts
        self.tag_counts = tag_counts


def save_startup_page(library: Library, view_terms: str, *, new_since: str | None = None) -> bool:
    """Record the first page of the view `view_terms` (no filter); False when nothing was saved.

    Runs under the library's lock, and only when the papers, texts and states in memory are
    exactly the files on disk (a change by another process since means our view is stale). The
    page is searched afresh from the library itself (about 0.1 s at 100k papers), not taken from
    a screen or a searcher that may not have caught up with it yet.
    """
    from tui.query import Searcher
    from tui.query.pages import run_query, view_query

    try:
        with library.hold(LOCK_WAIT):
            if not library.in_step_with_disk():
                return False
            states = library.states()
            query = view_query(view_terms, "")
            searcher = Searcher(library.papers(texts=query.needs_texts))
            result = run_query(searcher, states, query, new_since=new_since)
            library.fill_texts_of(result.rows)  # the page's alone, from the files as they are
            papers = [library.get(pid) for pid in result.rows]
            doc: dict[str, Any] = {
                "format": FORMAT,
                "version": tui.__version__,
                "view": view_terms,
                "new_since": new_since,
                "fingerprint": library.fingerprint(),
                "rows": result.rows,
                "total": result.total,
                "papers": [paper.to_dict() for paper in papers if paper is not None],
                "states": {pid: states[pid].to_dict() for pid in result.rows if pid in states},
                "status_counts": library.status_counts(),
                "tag_counts": library.tag_counts(),
            }
        path = cache_path(library.home)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        atomic_write_bytes(path, jsonbytes.dumps(doc), what="start-up cache")
    except (PaperdeckError, OSError):
        return False  # a cache: the next start is an ordinary one
    return True


def renew_startup_page(library: Library, view_terms: str, *, new_since: str | None = None) -> bool:
    """Save the page anew unless the cache on disk still matches the library; False when
    nothing needed or could be saved. For a command that has the catalog in memory already (an
    import, a sync): the app's next start then paints at once instead of reading the whole
    catalog first."""
    if not library.catalog_loaded:
        return False  # reading the catalog only for this would double a command's time
    if load_startup_page(library, view_terms, new_since=new_since) is not None:
        return False
    return save_startup_page(library, view_terms, new_since=new_since)


def load_startup_page(
    library: Library, view_terms: str, *, new_since: str | None = None
) -> StartupPage | None:
    """The cached first page of `view_terms` if it still matches the library's files, else None.

    Never raises: a file that cannot be read or makes no sense is removed (it is only a cache).
    """
    path = cache_path(library.home)
    try:
        doc = jsonbytes.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, jsonbytes.DecodeError):
        _discard(path)
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        _discard(path)
        return None
    if doc.get("version") != tui.__version__ or doc.get("view") != view_terms:
        return None
    if doc.get("new_since") != new_since or doc.get("fingerprint") != library.fingerprint():
        return None
    try:
        papers = {paper.id: paper for paper in map(_paper, doc["papers"])}
        rows = list(doc["rows"])
        if not all(isinstance(pid, str) and pid in papers for pid in rows):
            raise ValueError("every row must be one of the cached papers")
        return StartupPage(
            rows=rows,
            total=int(doc["total"]),
            papers=papers,
            states=_states(doc["states"], papers),
            status_counts=_counts(doc["status_counts"]),
            tag_counts=_counts(doc["tag_counts"]),
        )
    except Exception:  # any shape at all: an ordinary start, never a failed one
        _discard(path)
        return None


def _paper(value: object) -> Paper:
    from tui.models import Paper

    if not isinstance(value, dict):
        raise TypeError("a paper must be an object")
    paper = Paper.from_dict(value)
    if not isinstance(paper.id, str) or not isinstance(paper.title, str):
        raise TypeError("a paper needs a text id and title")
    return paper


def _states(value: object, papers: Mapping[str, Paper]) -> dict[str, State]:
    if not isinstance(value, dict):
        raise TypeError("states must be an object")
    for pid, doc in value.items():
        if pid not in papers:
            raise ValueError("a state must be of one of the cached papers")
        found = state_problem(doc)
        if found:
            raise TypeError(found)
    return {pid: State.from_dict(doc) for pid, doc in value.items()}


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _counts(value: object) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise TypeError("counts must be an object")
    return {str(key): int(count) for key, count in value.items()}
