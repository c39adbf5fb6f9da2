"""Messages the interface's workers post when core work finishes (past tense: it happened).

Workers call the core in threads and report back with these; the screen updates widgets in
its handlers on the UI thread. Widget-level messages (cursor moved, view chosen, filter
changed) live with their widgets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from tui.models import Paper, State

if TYPE_CHECKING:
    from tui.query import Searcher
    from tui.query.pages import TitleSpans
    from tui.rank import Ranker
    from tui.search_session import SearchAnswer, SearchRequest
    from tui.store import Library
    from tui.store.startup_cache import StartupPage


class TextsLoaded(Message):
    """Abstracts and AI summaries were read into the papers (after the list first painted)."""


@dataclass
class PreviewLoaded(Message):
    """The store was opened and its start-up cache is current: paint that page while the
    catalog loads (LibraryLoaded follows)."""

    library: Library
    first: StartupPage
    states: Mapping[str, State]


@dataclass
class LibraryLoaded(Message):
    """The store was opened, the catalog read and a Searcher made (its index not built yet)."""

    library: Library
    papers: Mapping[str, Paper]
    states: Mapping[str, State]
    searcher: Searcher


@dataclass
class LibraryFailed(Message):
    """The store could not be opened (the message is the one-line PaperdeckError text)."""

    message: str


@dataclass
class SearchFinished(Message):
    """A search produced an answer: its first rows, how many match, whether it is partial."""

    answer: SearchAnswer


@dataclass
class RowsCompleted(Message):
    """Every row of the search that `request` asked for, in order (follows its SearchFinished)."""

    rows: Sequence[str]
    request: SearchRequest


@dataclass
class TitlesHighlighted(Message):
    """Title spans of more rows of the search `request` asked for (follows its SearchFinished):
    computed in the search's worker, so the list draws them as data."""

    title_spans: TitleSpans
    request: SearchRequest


@dataclass
class SearchFailed(Message):
    """The filter text does not parse: keep the last good rows and show where it is wrong."""

    text: str
    message: str
    position: int | None


@dataclass
class StatesChanged(Message):
    """The store wrote a triage action; these are the papers' states as now stored."""

    label: str
    states: Mapping[str, State]
    kind: str = "action"
    foreign: bool = False
    """An undo or redo that stepped over another session's action (this one had none left)."""


@dataclass
class OthersChanged(Message):
    """Another process (a CLI command, a cron sync, an import) changed the library: its papers
    (`papers`: reload them) and/or these states."""

    papers: bool
    states: Mapping[str, State]


@dataclass
class RankerReady(Message):
    """The learned order is ready for this library (its matrix loaded or built)."""

    ranker: Ranker


@dataclass
class WhyFound(Message):
    """Why `paper_id` ranks where it does: one line for the abstract pane."""

    paper_id: str
    line: str


@dataclass
class StoreFailed(Message):
    """A store write failed; the optimistic change is rolled back to `states`."""

    message: str
    states: Mapping[str, State]


@dataclass
class SyncProgressed(Message):
    """Sync progress text for the footer. Chatty: a newer one replaces an unhandled older one."""

    text: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncProgressed)


@dataclass
class SyncFinished(Message):
    """Sync ended (or failed: `ok` False); `summary` is the report for a notification (a line
    per feed, then the reading list's); `papers_changed`: the library must be read again."""

    summary: str
    ok: bool
    papers_changed: bool
