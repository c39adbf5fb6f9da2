"""The network sources sync pulls papers from: Hugging Face Papers and arXiv.

`make_client(config)` is the one HTTP client factory (see `tui.sources.http`). `feed_pages`
yields a feed's papers request by request, so the caller can show progress, stop between
requests, and commit only once every page has arrived. Each source module (`hf`, `arxiv`) owns
its URLs; the importers own the parsing. Every failure is a one-line `NetworkError` naming the
feed and the URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx

from tui.config import Config, FeedConfig
from tui.sources import arxiv, hf
from tui.sources.common import Page
from tui.sources.http import USER_AGENT, SyncCancelled, make_client, server_wait

__all__ = [
    "USER_AGENT",
    "Page",
    "SyncCancelled",
    "feed_pages",
    "make_client",
    "server_wait",
]


def feed_pages(
    client: httpx.Client,
    config: Config,
    feed: FeedConfig,
    *,
    since: date | None = None,
    today: date,
) -> Iterator[Page]:
    """The pages of one feed, in request order. `since` is the day of its last successful sync."""
    if feed.source == "hf-daily":
        return hf.daily_pages(client, config, feed, since=since, today=today)
    if feed.source == "hf-search":
        return hf.search_pages(client, config, feed)
    if feed.source == "arxiv":
        return arxiv.api_pages(client, config, feed)
    if feed.source == "arxiv-rss":
        return arxiv.rss_pages(client, config, feed)
    raise ValueError(f"unknown feed source {feed.source!r}")
