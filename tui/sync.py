"""The whole sync, the one use case `paperdeck sync` and the app's `S` both run: `run_sync`.

First the feeds (pulling papers into the library), then the reading list (merging the user's
decisions with the shared file, see `tui.readinglist`) when one is configured or given. This
module owns the order of a sync and its guarantees:
- each feed fetches ALL its pages first and only then merges them with one
  `lib.upsert_papers(...)`, so a failure half way leaves the catalog exactly as it was before
  that feed (all-or-nothing per feed); the other feeds still run, whatever the failure (an
  unexpected exception is a failed feed with a one-line reason, not a crashed sync);
- weekends (`[]`) and empty results are not errors, just `+0 new`;
- the user's state is never touched by a feed (the store's merge guarantees it); new papers
  have no state, so they are in the inbox;
- meta written after a feed succeeds, in one write of meta.json: `last_sync:<feed name>` and
  `last_sync` (ISO UTC times; hf-daily continues from the day of its own last success) and, with
  the first feed that added anything, `new_since` = the time the sync started, so `is:new`
  (first_seen >= new_since) finds exactly the papers the latest sync brought;
- the reading list runs after the feeds, so papers they just brought can carry its decisions;
  it does not run when the sync was cancelled, and a reading list that cannot be read or
  written (or Ctrl-C during its merge) is one error line in the report, the feeds' work staying
  merged;
- `cancel` (a threading.Event) is checked before every request and wakes any retry wait; Ctrl-C
  (KeyboardInterrupt) stops the same way. The feed in flight is not merged and the report says
  `cancelled`. Nothing here prints: `progress(step_name, done, total_or_None, message)` is
  called as work advances (the step is a feed's name, or READING_LIST), and the CLI or the app
  renders it; both show the report's `lines()`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui.config import Config, FeedConfig
from tui.errors import PaperdeckError, UsageError
from tui.models import Paper, clean_text, utc_stamp
from tui.readinglist import ReadingListResult, sync_reading_list

if TYPE_CHECKING:
    import httpx

    from tui.store import Library

ProgressCallback = Callable[[str, int, int | None, str], None]
"""`progress(step_name, done, total_or_None, message)`; units are the feed's own (see Page)."""

READING_LIST = "reading list"
"""The step name progress reports for the reading-list merge (feeds report their own names)."""

NOTHING_TO_SYNC = "nothing to sync: no feeds or reading list configured"


@dataclass(slots=True)
class FeedResult:
    """What one feed did. The id lists come from the store's merge (empty when it failed).

    `fetched` counts distinct papers received, `rejected` the records the importer could not
    use, `steps` the progress units the feed's last page reported (for a finished progress bar).
    """

    name: str
    source: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    error: str | None = None
    cancelled: bool = False
    fetched: int = 0
    steps: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.cancelled

    @property
    def summary(self) -> str:
        """One line: `+23 new, 41 updated from hf-daily`, or what went wrong."""
        if self.error is not None:
            return self.error
        if self.cancelled:
            return f"{self.name}: cancelled, nothing merged"
        return f"+{len(self.added)} new, {len(self.updated)} updated from {self.name}"


@dataclass(frozen=True, slots=True)
class SummaryLine:
    """One line of a sync's report; `error` lines are failures (the CLI prints them on stderr)."""

    text: str
    error: bool = False


@dataclass(slots=True)
class SyncReport:
    """What a sync did: every feed's result in the order they ran, then the reading list's."""

    started_at: str
    dry_run: bool = False
    feeds: list[FeedResult] = field(default_factory=list)
    cancelled: bool = False
    reading_list: ReadingListResult | None = None
    """The reading-list merge, when one ran and succeeded."""
    reading_list_error: PaperdeckError | None = None
    """Why the reading list could not be merged (unreadable file, unwritable folder...)."""
    list_skipped: bool = False
    """A reading list was to be merged, but the sync was cancelled first."""
    list_interrupted: bool = False
    """Ctrl-C came while the reading list was being merged (see `reading_list_error`)."""

    @property
    def ok(self) -> bool:
        """True when every step that ran succeeded and the sync was not cancelled."""
        return (
            not self.cancelled and all(f.ok for f in self.feeds) and self.reading_list_error is None
        )

    @property
    def failed(self) -> list[FeedResult]:
        return [f for f in self.feeds if f.error is not None]

    @property
    def added(self) -> int:
        return sum(len(f.added) for f in self.feeds)

    @property
    def updated(self) -> int:
        return sum(len(f.updated) for f in self.feeds)

    @property
    def changed(self) -> bool:
        """True when the library now holds other papers or states than before the sync."""
        if self.dry_run:
            return False
        listed = self.reading_list
        from_list = listed is not None and bool(listed.states_changed or listed.papers_added)
        return bool(self.added or self.updated or from_list)

    def lines(self) -> list[SummaryLine]:
        """One line per feed (`would ...` in a dry run), `cancelled` if it was, then the list's."""
        lines = []
        for feed in self.feeds:
            text = feed.summary
            if self.dry_run and feed.ok:
                text = f"would add {len(feed.added)}, update {len(feed.updated)} from {feed.name}"
            lines.append(SummaryLine(text, error=feed.error is not None))
        if self.cancelled and not self.list_interrupted:
            text = "sync cancelled; feeds not listed above were not fetched"
            if self.list_skipped:
                text += " and the reading list was not merged"
            lines.append(SummaryLine(text, error=True))
        if self.reading_list is not None:
            lines.append(SummaryLine(self.reading_list.summary()))
        if self.reading_list_error is not None:
            lines.append(SummaryLine(self.reading_list_error.message, error=True))
        return lines

    def summary_lines(self) -> list[str]:
        """The text of `lines()`."""
        return [line.text for line in self.lines()]

    @property
    def summary(self) -> str:
        """The whole report as one text (a notification), or why there was nothing to do."""
        return "\n".join(self.summary_lines()) or NOTHING_TO_SYNC


def select_feeds(config: Config, names: Iterable[str | FeedConfig] | None) -> list[FeedConfig]:
    """The configured feeds by name (all when `names` is None); an unknown name is a UsageError."""
    if names is None:
        return list(config.feeds)
    chosen: list[FeedConfig] = []
    for item in names:
        if isinstance(item, FeedConfig):
            chosen.append(item)
            continue
        feed = config.feed(item)
        if feed is None:
            known = ", ".join(f.name for f in config.feeds) or "none configured"
            raise UsageError(f"no feed named {item!r} (feeds: {known})")
        chosen.append(feed)
    return chosen


def run_sync(
    lib: Library,
    config: Config,
    *,
    feeds: Iterable[str | FeedConfig] | None = None,
    reading_list: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    today: date | None = None,
    transport: httpx.BaseTransport | None = None,
) -> SyncReport:
    """The whole sync: pull each feed into `lib`, then merge the reading list; never raises for
    a feed's or the reading list's failure (see the report).

    `feeds` picks feeds by name (default: all configured; `[]`: none). `reading_list` is the
    file to merge (default: the configured one, if any). `dry_run` fetches and computes what
    would change without writing anything. `today` (UTC date) is for tests of hf-daily's date
    range; `transport` replaces the network under the retry layer (tests use a real server).
    """
    selected = select_feeds(config, feeds)
    given = Path(reading_list).expanduser() if reading_list is not None else None
    list_path = given or config.reading_list
    report = SyncReport(started_at=utc_stamp(), dry_run=dry_run)
    notify: ProgressCallback = progress or _no_progress
    if selected:
        _sync_feeds(lib, config, selected, report, notify, cancel, today, transport)
    if list_path is None:
        return report
    if report.cancelled or (cancel is not None and cancel.is_set()):
        report.cancelled = report.list_skipped = True
        return report
    try:
        notify(READING_LIST, 0, None, f"merging {list_path}")
        report.reading_list = sync_reading_list(lib, list_path, dry_run=dry_run)
    except PaperdeckError as exc:
        report.reading_list_error = exc
    except KeyboardInterrupt:
        # The merge is one undoable action and the file is written atomically after it, so
        # either may be missing; merging is idempotent, so the next sync finishes the job.
        report.cancelled = report.list_interrupted = True
        report.reading_list_error = PaperdeckError(
            f"reading list {list_path}: interrupted; sync again to finish merging it"
        )
        return report
    notify(READING_LIST, 1, 1, report.lines()[-1].text)
    return report


def _sync_feeds(
    lib: Library,
    config: Config,
    selected: list[FeedConfig],
    report: SyncReport,
    notify: ProgressCallback,
    cancel: threading.Event | None,
    today: date | None,
    transport: httpx.BaseTransport | None,
) -> None:
    """Each feed in turn, fetched whole then merged, its result appended to `report`."""
    # Imported here, not at the top: importing httpx also imports Rich (httpx's own CLI module),
    # and commands that never sync should not pay for either.
    from tui.sources import SyncCancelled, make_client

    day = today or datetime.now(UTC).date()
    marked_new = False
    with make_client(config, cancel=cancel, transport=transport) as client:
        for feed in selected:
            if cancel is not None and cancel.is_set():
                report.cancelled = True
                break
            result = FeedResult(name=feed.name, source=feed.source)
            report.feeds.append(result)
            try:
                papers = _fetch_all(client, config, feed, lib, day, notify, result)
                merged = lib.upsert_papers(papers, source=feed.source, dry_run=report.dry_run)
            except (SyncCancelled, KeyboardInterrupt):
                result.cancelled = True
                report.cancelled = True
                notify(feed.name, result.steps, result.steps, result.summary)
                break
            except PaperdeckError as exc:  # NetworkError, or StoreError from the merge
                result.error = exc.message
                notify(feed.name, result.steps, result.steps, result.summary)
                continue
            except Exception as exc:  # a hostile value we did not foresee: this feed fails
                detail = clean_text(str(exc))[:200] or "no detail"
                result.error = f"{feed.name}: unexpected {type(exc).__name__}: {detail}"
                notify(feed.name, result.steps, result.steps, result.summary)
                continue
            result.added = list(merged.added)
            result.updated = list(merged.updated)
            result.unchanged = list(merged.unchanged)
            if not report.dry_run:
                finished = utc_stamp()
                meta = {f"last_sync:{feed.name}": finished, "last_sync": finished}
                # The value is the sync's start, so writing it after the merge does not matter
                # for `is:new`; only now do we know something was added.
                if result.added and not marked_new:
                    meta["new_since"] = report.started_at
                    marked_new = True
                lib.set_metas(meta)
            notify(feed.name, result.steps, result.steps, result.summary)


def _fetch_all(
    client: httpx.Client,
    config: Config,
    feed: FeedConfig,
    lib: Library,
    today: date,
    notify: ProgressCallback,
    result: FeedResult,
) -> list[Paper]:
    """Every page of one feed, deduplicated by id (a later page's copy wins: it is fresher)."""
    from tui.sources import feed_pages

    notify(feed.name, 0, None, f"fetching {feed.source}")
    since = _day_of(lib.get_meta(f"last_sync:{feed.name}"))
    papers: dict[str, Paper] = {}
    for page in feed_pages(client, config, feed, since=since, today=today):
        for paper in page.papers:
            papers[paper.id] = paper
        result.rejected.extend(page.rejected)
        result.fetched = len(papers)
        result.steps = page.total if page.total is not None else page.done
        notify(feed.name, page.done, page.total, page.message)
    return list(papers.values())


def _day_of(value: object) -> date | None:
    """The UTC day of a stored ISO time; None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).date()
    except ValueError:
        return None


def _no_progress(feed_name: str, done: int, total: int | None, message: str) -> None:
    return None
