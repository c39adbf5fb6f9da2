"""Messages the interface's workers post when core work finishes (past tense: it happened).

Workers call the core in threads and report back with these; the screen updates widgets in
its handlers on the UI thread. Widget-level messages (cursor moved, view chosen, filter
changed) live with their widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from textual.message import Message

from tui.models import Paper, State

if TYPE_CHECKING:
    from tui.query import Searcher
    from tui.store import Library
    from tui.store.startup_cache import StartupPage


class TextsLoaded(Message):
    """Abstracts and AI summaries were read into the papers (after the list first painted)."""


class PreviewLoaded(Message):
    """The store was opened and its start-up cache is current: paint that page while the
    catalog loads (LibraryLoaded follows)."""

    def __init__(self, library: Library, first: StartupPage, states: Mapping[str, State]) -> None:
        super().__init__()
        self.library = library
        self.first = first
        self.states = states


class LibraryLoaded(Message):
    """The store was opened, the catalog read and a Searcher made (its index not built yet)."""

    def __init__(
        self,
        library: Library,
        papers: Mapping[str, Paper],
        states: Mapping[str, State],
        searcher: Searcher,
    ) -> None:
        super().__init__()
        self.library = library
        self.papers = papers
        self.states = states
        self.searcher = searcher


class LibraryFailed(Message):
    """The store could not be opened (the message is the one-line PaperdeckError text)."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class SearchFinished(Message):
    """A search produced its first rows (ids in order) out of `total` matches.

    `partial`: a quick first answer that did not look in abstracts (they are still being
    indexed); the real one follows for the same generation."""

    def __init__(
        self,
        text: str,
        rows: Sequence[str],
        total: int,
        title_spans: Callable[[str], Sequence[tuple[int, int]]] | None,
        generation: int,
        all_rows: Callable[[], list[str]],
        *,
        partial: bool = False,
    ) -> None:
        super().__init__()
        self.partial = partial
        self.text = text
        self.rows = rows
        self.total = total
        self.title_spans = title_spans
        self.generation = generation
        self.all_rows = all_rows


class RowsCompleted(Message):
    """Every row of search `generation`, in order (follows its SearchFinished)."""

    def __init__(self, rows: list[str], generation: int) -> None:
        super().__init__()
        self.rows = rows
        self.generation = generation


class SearchFailed(Message):
    """The filter text does not parse: keep the last good rows and show where it is wrong."""

    def __init__(self, text: str, message: str, position: int | None) -> None:
        super().__init__()
        self.text = text
        self.message = message
        self.position = position


class StatesChanged(Message):
    """The store wrote a triage action; these are the papers' states as now stored."""

    def __init__(self, label: str, states: Mapping[str, State], kind: str = "action") -> None:
        super().__init__()
        self.label = label
        self.states = states
        self.kind = kind


class StoreFailed(Message):
    """A store write failed; the optimistic change is rolled back to `states`."""

    def __init__(self, message: str, states: Mapping[str, State]) -> None:
        super().__init__()
        self.message = message
        self.states = states


class SyncProgressed(Message):
    """Sync progress text for the footer. Chatty: a newer one replaces an unhandled older one."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncProgressed)


class SyncFinished(Message):
    """Sync ended (or failed: `ok` False); `summary` is a one-line report for a notification."""

    def __init__(self, summary: str, ok: bool, papers_changed: bool) -> None:
        super().__init__()
        self.summary = summary
        self.ok = ok
        self.papers_changed = papers_changed
