"""Pulling papers from the configured feeds into the library: `run_sync(lib, config)`.

This module owns the order of a sync and its guarantees:
- each feed fetches ALL its pages first and only then merges them with one
  `lib.upsert_papers(...)`, so a failure half way leaves the catalog exactly as it was before
  that feed (all-or-nothing per feed); the other feeds still run;
- weekends (`[]`) and empty results are not errors, just `+0 new`;
- the user's state is never touched (the store's merge guarantees it); new papers have no state,
  so they are in the inbox;
- meta written after a feed succeeds: `last_sync:<feed name>` and `last_sync` (ISO UTC times;
  hf-daily continues from the day of its own last success) and, once per sync that added
  anything, `new_since` = the time the sync started, so `is:new` (first_seen >= new_since) finds
  exactly the papers the latest sync brought;
- `cancel` (a threading.Event) is checked before every request and wakes any retry wait; Ctrl-C
  (KeyboardInterrupt) stops the same way. The feed in flight is not merged and the report says
  `cancelled`. Nothing here prints: `progress(feed_name, done, total_or_None, message)` is called
  as work advances, and the CLI or the app renders it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from tui.config import Config, FeedConfig
from tui.errors import PaperdeckError, UsageError
from tui.models import Paper, utc_stamp

if TYPE_CHECKING:
    import httpx

    from tui.store import Library

ProgressCallback = Callable[[str, int, int | None, str], None]
"""`progress(feed_name, done, total_or_None, message)`; units are the feed's own (see Page)."""


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


@dataclass(slots=True)
class SyncReport:
    """Every feed's result, in the order they ran."""

    started_at: str
    dry_run: bool = False
    feeds: list[FeedResult] = field(default_factory=list)
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        """True when every feed that ran succeeded and the sync was not cancelled."""
        return not self.cancelled and all(f.ok for f in self.feeds)

    @property
    def failed(self) -> list[FeedResult]:
        return [f for f in self.feeds if f.error is not None]

    @property
    def added(self) -> int:
        return sum(len(f.added) for f in self.feeds)

    @property
    def updated(self) -> int:
        return sum(len(f.updated) for f in self.feeds)

    def summary_lines(self) -> list[str]:
        """One line per feed (prefixed `would` in a dry run), then `cancelled` if it was."""
        lines = []
        for feed in self.feeds:
            line = feed.summary
            if self.dry_run and feed.ok:
                line = f"would add {len(feed.added)}, update {len(feed.updated)} from {feed.name}"
            lines.append(line)
        if self.cancelled:
            lines.append("sync cancelled; feeds not listed above were not fetched")
        return lines


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
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    today: date | None = None,
    transport: httpx.BaseTransport | None = None,
) -> SyncReport:
    """Pull each feed and merge it into `lib`; never raises for a feed's failure (see report).

    `feeds` picks feeds by name (default: all configured). `dry_run` fetches and computes what
    would change without writing anything. `today` (UTC date) is for tests of hf-daily's date
    range; `transport` replaces the network under the retry layer (tests use a real server).
    """
    # Imported here, not at the top: importing httpx also imports Rich (httpx's own CLI module),
    # and commands that never sync should not pay for either.
    from tui.sources import SyncCancelled, make_client

    selected = select_feeds(config, feeds)
    report = SyncReport(started_at=utc_stamp(), dry_run=dry_run)
    notify: ProgressCallback = progress or _no_progress
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
                merged = lib.upsert_papers(papers, source=feed.source, dry_run=dry_run)
            except (SyncCancelled, KeyboardInterrupt):
                result.cancelled = True
                report.cancelled = True
                notify(feed.name, result.steps, result.steps, result.summary)
                break
            except PaperdeckError as exc:  # NetworkError, or StoreError from the merge
                result.error = exc.message
                notify(feed.name, result.steps, result.steps, result.summary)
                continue
            result.added = list(merged.added)
            result.updated = list(merged.updated)
            result.unchanged = list(merged.unchanged)
            if not dry_run:
                # Set after the merge (the value is the sync's start, so the order does not
                # matter for `is:new`) because only now do we know something was added.
                if result.added and not marked_new:
                    lib.set_meta("new_since", report.started_at)
                    marked_new = True
                finished = utc_stamp()
                lib.set_meta(f"last_sync:{feed.name}", finished)
                lib.set_meta("last_sync", finished)
            notify(feed.name, result.steps, result.steps, result.summary)
    return report


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
