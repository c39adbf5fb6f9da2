"""The sources against a real local server: URLs and paging they ask for, what they parse, and
the one-line error a user sees for each bad answer."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from fixture_server import FIXTURES, FixtureServer, RecordedRequest, Reply, local_config

from tui.config import Config, FeedConfig
from tui.errors import NetworkError
from tui.models import Paper
from tui.sources import feed_pages, make_client
from tui.sources.hf import daily_periods

TODAY = date(2026, 8, 13)  # a Thursday
HF_DAILY = FeedConfig(source="hf-daily", name="hf-daily", days=1)


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


def fetch(config: Config, feed: FeedConfig, since: date | None = None) -> list[Paper]:
    with make_client(config) as client:
        pages = list(feed_pages(client, config, feed, since=since, today=TODAY))
    return [paper for page in pages for paper in page.papers]


def daily_items() -> list[dict[str, object]]:
    data: list[dict[str, object]] = json.loads(
        (FIXTURES / "hf_daily_papers_sample.json").read_text(encoding="utf-8")
    )
    return data


def paged_daily(request: RecordedRequest) -> Reply:
    """A Daily Papers server that honours p and limit over the 8 fixture items."""
    page, limit = int(request.param("p", "0") or 0), int(request.param("limit", "100") or 100)
    return Reply.json(daily_items()[page * limit : (page + 1) * limit])


ATOM = (FIXTURES / "arxiv_query_sample.atom").read_text(encoding="utf-8")
ENTRIES = re.findall(r"  <entry>.*?</entry>\n", ATOM, flags=re.DOTALL)
ATOM_HEAD = ATOM[: ATOM.index("  <entry>")]


def atom_page(start: int, count: int, total: int | None = None) -> Reply:
    """A real Atom document holding entries [start, start+count) of the 5-entry sample."""
    head = re.sub(
        r"<opensearch:totalResults>\d+<",
        f"<opensearch:totalResults>{total if total is not None else len(ENTRIES)}<",
        ATOM_HEAD,
    )
    head = re.sub(r"<opensearch:startIndex>\d+<", f"<opensearch:startIndex>{start}<", head)
    body = head + "".join(ENTRIES[start : start + count]) + "</feed>\n"
    return Reply(body=body.encode(), headers={"Content-Type": "application/atom+xml"})


def paged_atom(request: RecordedRequest) -> Reply:
    return atom_page(int(request.param("start") or 0), int(request.param("max_results") or 10))


# -- Hugging Face Daily Papers -------------------------------------------------------------------


def test_daily_fixture_is_parsed_with_hf_fields(server: FixtureServer) -> None:
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
    papers = fetch(local_config(server), HF_DAILY)
    assert len(papers) == 8
    first = papers[0]
    assert first.id == "arxiv:2608.09888" and first.upvotes is not None
    assert first.github_repo and first.ai_summary
    (request,) = server.requests_for("/api/daily_papers")
    assert request.query == {"date": ["2026-08-13"], "p": ["0"], "limit": ["100"]}


def test_daily_pages_until_a_short_page(server: FixtureServer) -> None:
    server.route("/api/daily_papers", paged_daily)
    papers = fetch(local_config(server), replace(HF_DAILY, limit=3))
    assert [p.arxiv_id for p in papers] == [item["paper"]["id"] for item in daily_items()]  # type: ignore[index]
    asked = [(r.param("p"), r.param("limit")) for r in server.requests_for("/api/daily_papers")]
    assert asked == [("0", "3"), ("1", "3"), ("2", "3")]  # 3 + 3 + 2: the short page ends it


def test_daily_page_exactly_full_asks_once_more(server: FixtureServer) -> None:
    server.route("/api/daily_papers", paged_daily)
    papers = fetch(local_config(server), replace(HF_DAILY, limit=4))
    assert len(papers) == 8
    assert [r.param("p") for r in server.requests_for("/api/daily_papers")] == ["0", "1", "2"]


def test_daily_stops_when_the_server_ignores_paging(server: FixtureServer) -> None:
    server.route("/api/daily_papers", Reply.json(daily_items()[:4]))
    papers = fetch(local_config(server), replace(HF_DAILY, limit=4))
    assert len(papers) == 4
    assert len(server.requests_for("/api/daily_papers")) == 2  # the repeat is noticed


def test_weekend_empty_list_is_no_papers(server: FixtureServer) -> None:
    server.route("/api/daily_papers", Reply.json([]))
    assert fetch(local_config(server), replace(HF_DAILY, days=3)) == []
    dates = [r.param("date") for r in server.requests_for("/api/daily_papers")]
    assert dates == ["2026-08-11", "2026-08-12", "2026-08-13"]


def test_daily_periods_by_day_week_month() -> None:
    week = replace(HF_DAILY, period="week", days=10)
    month = replace(HF_DAILY, period="month", days=20)
    assert daily_periods(week, None, TODAY) == [("week", "2026-W32"), ("week", "2026-W33")]
    assert daily_periods(month, None, TODAY) == [("month", "2026-07"), ("month", "2026-08")]
    assert daily_periods(HF_DAILY, None, TODAY) == [("date", "2026-08-13")]


def test_daily_continues_from_the_last_sync_with_a_floor_and_a_cap() -> None:
    since = date(2026, 8, 9)
    assert [v for _, v in daily_periods(HF_DAILY, since, TODAY)] == [
        "2026-08-09",
        "2026-08-10",
        "2026-08-11",
        "2026-08-12",
        "2026-08-13",
    ]
    # Synced earlier today: yesterday is asked again, its list may have grown since.
    assert len(daily_periods(HF_DAILY, TODAY, TODAY)) == 2
    # Years away: at most about two months.
    assert len(daily_periods(HF_DAILY, date(2020, 1, 1), TODAY)) == 63


def test_hf_search_sends_the_query(server: FixtureServer) -> None:
    server.route("/api/papers/search", Reply.file("hf_papers_search_sample.json"))
    feed = FeedConfig(source="hf-search", name="search", query="diffusion", max_results=20)
    papers = fetch(local_config(server), feed)
    assert len(papers) == 1 and papers[0].arxiv_id
    (request,) = server.requests_for("/api/papers/search")
    assert request.query == {"q": ["diffusion"], "limit": ["20"]}


def test_hf_400_error_body_is_shown(server: FixtureServer) -> None:
    error = {"error": "✖ Too big: expected number to be <=100\n  → at limit"}
    server.route("/api/daily_papers", Reply.json(error, status=400))
    with pytest.raises(NetworkError) as info:
        fetch(local_config(server), HF_DAILY)
    message = str(info.value)
    assert message.startswith("hf-daily: HTTP 400 Bad Request from http://127.0.0.1:")
    assert message.endswith("Too big: expected number to be <=100 → at limit")
    assert len(server.requests_for("/api/daily_papers")) == 1


# -- arXiv API ---------------------------------------------------------------------------------

ARXIV = FeedConfig(source="arxiv", name="arxiv", query="cat:cs.CL", max_results=100)


def test_arxiv_fixture_and_query_parameters(server: FixtureServer) -> None:
    server.route("/api/query", Reply.file("arxiv_query_sample.atom"))
    papers = fetch(local_config(server), ARXIV)
    assert [p.arxiv_id for p in papers] == [
        "2608.11232",
        "1706.03762",
        "hep-th/9711200",
        "astro-ph/0601001",
        "2104.12255",
    ]
    (request,) = server.requests_for("/api/query")
    assert request.query == {
        "search_query": ["cat:cs.CL"],
        "start": ["0"],
        "max_results": ["100"],
        "sortBy": ["submittedDate"],
        "sortOrder": ["descending"],
    }


def test_arxiv_pages_with_start_until_total_results(server: FixtureServer) -> None:
    server.route("/api/query", paged_atom)
    papers = fetch(local_config(server), replace(ARXIV, page_size=2))
    assert len(papers) == 5
    asked = [(r.param("start"), r.param("max_results")) for r in server.requests_for("/api/query")]
    assert asked == [("0", "2"), ("2", "2"), ("4", "2")]


def test_arxiv_stops_at_max_results(server: FixtureServer) -> None:
    server.route("/api/query", paged_atom)
    papers = fetch(local_config(server), replace(ARXIV, page_size=2, max_results=3))
    assert len(papers) == 3
    asked = [(r.param("start"), r.param("max_results")) for r in server.requests_for("/api/query")]
    assert asked == [("0", "2"), ("2", "1")]


def test_arxiv_empty_result_is_no_papers(server: FixtureServer) -> None:
    server.route("/api/query", Reply.file("arxiv_query_empty.atom"))
    assert fetch(local_config(server), ARXIV) == []
    assert len(server.requests_for("/api/query")) == 1


def test_arxiv_error_entry_with_400_shows_arxivs_message(server: FixtureServer) -> None:
    server.route("/api/query", Reply.file("arxiv_query_error_400.atom", status=400))
    with pytest.raises(NetworkError) as info:
        fetch(local_config(server), ARXIV)
    message = str(info.value)
    assert message.startswith("arxiv: arXiv API error: start must be an integer (http://127.0.0.1")
    assert "\n" not in message
    assert len(server.requests_for("/api/query")) == 1  # a 400 is not retried


def test_arxiv_unexpected_empty_page_is_asked_again(server: FixtureServer) -> None:
    answers = iter([atom_page(0, 2), atom_page(2, 0, total=5)])

    def flaky(request: RecordedRequest) -> Reply:
        return next(answers, None) or paged_atom(request)

    server.route("/api/query", flaky)
    papers = fetch(local_config(server), replace(ARXIV, page_size=2))
    assert len(papers) == 5
    starts = [r.param("start") for r in server.requests_for("/api/query")]
    assert starts == ["0", "2", "2", "4"]


def test_arxiv_persistently_empty_page_is_an_error(server: FixtureServer) -> None:
    server.route("/api/query", atom_page(0, 2), atom_page(2, 0, total=5))
    with pytest.raises(NetworkError, match=r"arxiv: arXiv returned an empty page at 2 of 5"):
        fetch(local_config(server, http_retries=2), replace(ARXIV, page_size=2))
    assert len(server.requests_for("/api/query")) == 1 + 3


# -- arXiv RSS ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (("new", "cross"), 5),
        (("new",), 4),
        (("new", "cross", "replace"), 6),
        (("new", "cross", "replace", "replace-cross"), 7),
    ],
)
def test_rss_keeps_the_configured_announce_types(
    server: FixtureServer, types: tuple[str, ...], expected: int
) -> None:
    server.route("/rss/cs.CL", Reply.file("arxiv_rss_sample.xml"))
    feed = FeedConfig(source="arxiv-rss", name="cl", category="cs.CL", announce_types=types)
    papers = fetch(local_config(server), feed)
    assert len(papers) == expected
    ids = {p.id for p in papers}
    assert ("arxiv:2502.00837" in ids) == ("replace" in types)
    assert ("arxiv:2608.08514" in ids) == ("cross" in types)


# -- what the user sees for bad answers ------------------------------------------------------

FAULTS = {
    "truncated json": (
        Reply.file("hf_daily_papers_sample.json", truncate=500),
        1,
        r"^hf-daily: unreadable Daily Papers JSON from http://127\.0\.0\.1:\d+/api/daily_papers"
        r"\?date=2026-08-13&p=0&limit=100: ",
    ),
    "html error page": (
        Reply.html_error(status=200),
        1,
        r"^hf-daily: got an HTML page instead of Daily Papers JSON from http://127\.0\.0\.1:\d+/",
    ),
    "html 502 page": (
        Reply.html_error(status=502),
        3,
        r"^hf-daily: HTTP 502 Bad Gateway from http://127\.0\.0\.1:\d+/api/daily_papers\?\S+"
        r" \(gave up after 3 attempts\)$",
    ),
    "503 forever": (
        Reply(status=503),
        3,
        r"^hf-daily: HTTP 503 Service Unavailable from .* \(gave up after 3 attempts\)$",
    ),
    "connection reset": (
        Reply.connection_reset(),
        3,
        r"^hf-daily: cannot reach http://127\.0\.0\.1:\d+/api/daily_papers\?\S+: "
        r"the connection was reset \(gave up after 3 attempts\)$",
    ),
    "slow": (
        Reply(delay=3.0, body=b"[]"),
        3,
        r"^hf-daily: no answer within 0\.2 s from http://127\.0\.0\.1:\d+/api/daily_papers\?\S+"
        r" \(gave up after 3 attempts\)$",
    ),
    "rate limited": (
        Reply(status=429, headers={"RateLimit": '"api";r=0;t=55'}),
        1,
        r"^hf-daily: rate limited by 127\.0\.0\.1 \(HTTP 429 Too Many Requests\); "
        r"try again in 55 s$",
    ),
    "not found": (Reply.text("Not Found", status=404), 1, r"^hf-daily: HTTP 404 Not Found from "),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_bad_answers_become_one_line_errors(server: FixtureServer, fault: str) -> None:
    reply, requests, pattern = FAULTS[fault]
    server.route("/api/daily_papers", reply)
    config = local_config(server, http_retries=2, http_timeout=0.2)
    with pytest.raises(NetworkError) as info:
        fetch(config, HF_DAILY)
    assert re.search(pattern, str(info.value)), str(info.value)
    assert "\n" not in str(info.value)
    assert len(server.requests_for("/api/daily_papers")) == requests


def test_unreachable_server_is_reported(tmp_path: Path) -> None:
    with FixtureServer() as gone:
        url = gone.url
    config = local_config(gone, http_retries=1, hf_base_url=url)
    with pytest.raises(NetworkError, match=r"^hf-daily: cannot reach http://127\.0\.0\.1:\d+/"):
        fetch(config, HF_DAILY)


def test_redirects_are_followed_and_a_loop_is_reported(server: FixtureServer) -> None:
    server.route("/moved", Reply.file("hf_daily_papers_sample.json"))
    server.route("/api/daily_papers", Reply(status=301, headers={"Location": "/moved"}))
    assert len(fetch(local_config(server), HF_DAILY)) == 8
    server.route("/api/daily_papers", Reply(status=302, headers={"Location": "/api/daily_papers"}))
    with pytest.raises(NetworkError, match=r"^hf-daily: Exceeded maximum allowed redirects"):
        fetch(local_config(server), HF_DAILY)
