"""arXiv: the search API (Atom, paged, newest first) and the per-category RSS announcement.

Owns which URLs an `arxiv` or `arxiv-rss` feed asks for. The API is paged with `start` /
`max_results` and sorted by submission date, newest first, until `opensearch:totalResults` or
the feed's `max_results` is reached. A bad query comes back as HTTP 400 with an Atom "Error"
entry, reported with arXiv's own message. arXiv's rule of one request per 3 seconds is enforced
by the client (`tui.sources.http`), not here. Bodies are parsed by `tui.importers`.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from tui.config import Config, FeedConfig
from tui.errors import NetworkError
from tui.importers import ArxivAPIError, ParseResult, parse_arxiv_atom, parse_arxiv_rss
from tui.sources.common import Page, failure, get, parse_body, reason


def api_pages(client: httpx.Client, config: Config, feed: FeedConfig) -> Iterator[Page]:
    """One Page per API request; `done`/`total` count papers (total once arXiv has said it)."""
    assert feed.query is not None
    url = config.arxiv_api_url
    start = 0
    wanted = feed.max_results
    total: int | None = None
    empty_retries = 0
    while start < wanted:
        params: dict[str, str | int] = {
            "search_query": feed.query,
            "start": start,
            "max_results": min(feed.page_size, wanted - start),
            "sortBy": "submittedDate",
            "sortOrder": "descending",
        }
        result = _atom(client, config, feed, url, params)
        if result.total_results is not None:
            total = min(wanted, result.total_results)
        received = len(result.papers) + len(result.rejected)
        if received == 0:
            if total is None or start >= total:
                yield Page([], done=start, total=total or start, message="no more papers")
                return
            # arXiv sometimes answers a page in the middle of a result set with no entries;
            # asking again usually works, and a feed must not be cut short silently.
            empty_retries += 1
            if empty_retries > config.http_retries:
                raise failure(
                    f"{feed.name}: arXiv returned an empty page at {start} of {total} papers"
                    f" ({url}); try again later"
                )
            continue
        empty_retries = 0
        start += received
        yield Page(
            papers=list(result.papers),
            done=min(start, total) if total is not None else start,
            total=total,
            message=f"{start} of {total if total is not None else '?'} papers",
            rejected=list(result.rejected),
        )
        if total is not None and start >= total:
            return


def rss_pages(client: httpx.Client, config: Config, feed: FeedConfig) -> Iterator[Page]:
    """The single request an `arxiv-rss` feed makes, keeping the configured announce types."""
    assert feed.category is not None
    url = f"{config.arxiv_rss_url}/{feed.category}"
    response = get(client, config, feed.name, url)
    result = parse_body(feed.name, response, parse_arxiv_rss, what="arXiv RSS")
    # A paper the importer gave no announce type is treated as new rather than dropped.
    kept = [
        p for p in result.papers if result.announce_types.get(p.id, "new") in feed.announce_types
    ]
    yield Page(
        papers=kept,
        done=len(kept),
        total=len(kept),
        message=f"{len(kept)} of {len(result.papers)} announced papers",
        rejected=list(result.rejected),
    )


def _atom(
    client: httpx.Client,
    config: Config,
    feed: FeedConfig,
    url: str,
    params: dict[str, str | int],
) -> ParseResult:
    response = get(client, config, feed.name, url, params, accept_statuses=(400,))
    try:
        result = parse_body(feed.name, response, parse_arxiv_atom, what="arXiv Atom")
    except NetworkError as exc:
        # arXiv explains a rejected query in an Atom "Error" entry; say what it said.
        if isinstance(exc.__cause__, ArxivAPIError):
            raise failure(
                f"{feed.name}: {reason(exc.__cause__)} ({response.request.url})"
            ) from exc.__cause__
        if response.status_code == 400:
            raise failure(f"{feed.name}: HTTP 400 Bad Request from {response.request.url}") from exc
        raise
    if response.status_code == 400:
        raise failure(f"{feed.name}: HTTP 400 Bad Request from {response.request.url}")
    return result
