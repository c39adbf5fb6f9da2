"""Hugging Face Papers: the Daily Papers listing (`/api/daily_papers`) and search.

Owns which URLs a `hf-daily` or `hf-search` feed asks for and in what order. Daily Papers is asked
per day (`date=`), ISO week (`week=2026-W33`) or month (`month=2026-08`), each paged with
`p`/`limit` until a page comes back short. Bodies are parsed by `tui.importers.parse_hf_json`.
A weekend or holiday answers `[]`, which is simply no papers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import httpx

from tui.config import Config, FeedConfig
from tui.importers import parse_hf_json
from tui.sources.common import Page, get, parse_body, plural

MAX_CATCH_UP_DAYS = 62
"""However long ago the last sync was, hf-daily looks back at most this far (about two months)."""

MAX_PAGES_PER_PERIOD = 100
"""A guard against a server that ignores `p` and repeats a full page forever."""


def daily_periods(feed: FeedConfig, since: date | None, today: date) -> list[tuple[str, str]]:
    """The (parameter, value) pairs to ask for, oldest first.

    First sync: the last `feed.days` days. Later: from the day of the last successful sync (and
    never less than yesterday, since a day's list keeps growing after midnight UTC), but no
    further back than `MAX_CATCH_UP_DAYS`.
    """
    if since is None:
        start = today - timedelta(days=feed.days - 1)
    else:
        start = min(since, today - timedelta(days=1))
    start = max(start, today - timedelta(days=MAX_CATCH_UP_DAYS))
    days = [start + timedelta(days=n) for n in range((today - start).days + 1)]
    periods: list[tuple[str, str]] = []
    for day in days:
        if feed.period == "day":
            pair = ("date", day.isoformat())
        elif feed.period == "week":
            year, week, _ = day.isocalendar()
            pair = ("week", f"{year}-W{week:02d}")
        else:
            pair = ("month", f"{day.year}-{day.month:02d}")
        if pair not in periods:
            periods.append(pair)
    return periods


def daily_pages(
    client: httpx.Client,
    config: Config,
    feed: FeedConfig,
    *,
    since: date | None,
    today: date,
) -> Iterator[Page]:
    """One Page per request to `/api/daily_papers`; `done`/`total` count periods."""
    url = f"{config.hf_base_url}/api/daily_papers"
    periods = daily_periods(feed, since, today)
    for index, (key, value) in enumerate(periods):
        seen: set[str] = set()
        for page_number in range(MAX_PAGES_PER_PERIOD):
            params: dict[str, str | int] = {key: value, "p": page_number, "limit": feed.limit}
            response = get(client, config, feed.name, url, params)
            result = parse_body(feed.name, response, parse_hf_json, what="Daily Papers JSON")
            fresh = [paper for paper in result.papers if paper.id not in seen]
            seen.update(paper.id for paper in fresh)
            received = len(result.papers) + len(result.rejected)
            last_page = received < feed.limit or not fresh
            yield Page(
                papers=fresh,
                done=index + 1 if last_page else index,
                total=len(periods),
                message=f"{value}: {plural(len(seen), 'paper')}",
                rejected=list(result.rejected),
            )
            if last_page:
                break


def search_pages(client: httpx.Client, config: Config, feed: FeedConfig) -> Iterator[Page]:
    """The one request a `hf-search` feed makes; `done`/`total` count papers."""
    url = f"{config.hf_base_url}/api/papers/search"
    assert feed.query is not None
    params: dict[str, str | int] = {"q": feed.query, "limit": feed.max_results}
    response = get(client, config, feed.name, url, params)
    result = parse_body(feed.name, response, parse_hf_json, what="search results JSON")
    papers = result.papers[: feed.max_results]
    yield Page(
        papers=papers,
        done=len(papers),
        total=len(papers),
        message=f"{plural(len(papers), 'paper')} for {feed.query!r}",
        rejected=list(result.rejected),
    )
