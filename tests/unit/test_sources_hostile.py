"""A hostile HTTP server on 127.0.0.1: escape codes, gzip bombs, trickles, redirects, odd headers.

Every answer comes over a real socket from `fixture_server` (a second server on 127.0.0.2 or on
another port plays "another host"); every fault is bounded in bytes and seconds.
"""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from fixture_server import FixtureServer, Reply, local_config

from tui.config import FeedConfig, load_config
from tui.errors import InputFormatError, NetworkError
from tui.sources import feed_pages, make_client, server_wait
from tui.sources.common import get
from tui.sources.http import MAX_REDIRECTS, redirect_allowed

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# h11 lets ESC and BEL through in a reason phrase: OSC 0 sets the window title, OSC 52 the
# clipboard (in tmux too).
HOSTILE_REASON = "Not Found\x1b]0;pwned\x07\x1b]52;c;aGk=\x07"


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


def fetch(server: FixtureServer, path: str, **overrides: object) -> httpx.Response:
    config = local_config(server, **overrides)
    with make_client(config) as client:
        return get(client, config, "feed", f"{server.url}{path}")


def failure(server: FixtureServer, path: str, **overrides: object) -> str:
    with pytest.raises(NetworkError) as caught:
        fetch(server, path, **overrides)
    message = str(caught.value)
    assert "\n" not in message and not UNSAFE.search(message), repr(message)
    return message


# -- item 11: server text reaches no terminal raw -------------------------------------------


def test_a_reason_phrase_with_escape_codes_is_cleaned(server: FixtureServer) -> None:
    server.route("/x", Reply(status=404, reason=HOSTILE_REASON))
    message = failure(server, "/x")
    assert message.startswith("feed: HTTP 404 Not Found ]0;pwned ]52;c;aGk= from ")


def test_a_hostile_reason_on_a_5xx_is_cleaned(server: FixtureServer) -> None:
    server.route("/x", Reply(status=503, reason=HOSTILE_REASON))
    assert "HTTP 503 Not Found" in failure(server, "/x", http_retries=0)


def test_a_sync_error_line_carries_no_escape_codes(server: FixtureServer) -> None:
    server.route("/rss/cs.LG", Reply(status=403, reason="Forbidden\x1b[2J\x9b31m"))
    config = local_config(server)
    feed = FeedConfig(source="arxiv-rss", name="rss", category="cs.LG")
    with make_client(config) as client, pytest.raises(NetworkError) as caught:
        list(feed_pages(client, config, feed, today=date(2026, 8, 11)))
    assert not UNSAFE.search(str(caught.value)), repr(str(caught.value))


# -- item 13: a size cap on decoded bytes and a total deadline ------------------------------


def test_a_gzip_bomb_is_cut_off_at_the_limit_while_it_inflates(server: FixtureServer) -> None:
    server.route("/bomb", Reply.gzip_bomb(256))  # ~250 KB on the wire, 256 MiB inflated
    tracemalloc.start()
    try:
        message = failure(server, "/bomb", http_max_response_mb=4.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert f"{server.url}/bomb" in message
    assert "larger than the 4 MB limit (network.max_response_mb)" in message
    # The limit plus what one 64 KB network read inflates to (~65 MiB, twice that while zlib
    # grows its buffer), not the 256 MiB body (held twice over when it is joined).
    assert peak < 200 * 1024 * 1024, peak
    assert len(server.requests_for("/bomb")) == 1  # refused, not retried


def test_an_answer_within_the_limit_is_decoded_as_usual(server: FixtureServer) -> None:
    server.route("/small", Reply.gzip_bomb(1))
    response = fetch(server, "/small", http_max_response_mb=2.0)
    assert response.content == b"0" * (1024 * 1024)


def test_a_trickled_body_stops_at_the_deadline(server: FixtureServer) -> None:
    # Six bytes half a second apart: every read succeeds within the 2 s timeout, for 3 s.
    server.route("/slow", Reply.json([1, 2], trickle=0.5))
    message = failure(server, "/slow", http_deadline=1.0)
    assert "within the 1 s deadline (network.deadline)" in message  # not the whole 3 s body
    assert f"{server.url}/slow" in message


def test_a_stalled_answer_is_not_retried_past_the_deadline(server: FixtureServer) -> None:
    server.route("/stall", Reply(delay=5.0))
    message = failure(server, "/stall", http_deadline=1.5, http_timeout=1.0, http_retries=5)
    assert "deadline" in message
    assert len(server.requests_for("/stall")) <= 2  # five retries allowed, the deadline won


def test_arxivs_politeness_wait_does_not_count_against_the_deadline(
    server: FixtureServer,
) -> None:
    server.route("/api/query", Reply.json([]))
    config = local_config(server, arxiv_delay=1.5, http_deadline=1.0)
    with make_client(config) as client:
        for _ in range(2):  # the second waits 1.5 s for its slot, then has its full second
            get(client, config, "feed", config.arxiv_api_url)
    assert len(server.requests_for("/api/query")) == 2


# -- item 14: redirects ---------------------------------------------------------------------


def other_host() -> Iterator[FixtureServer]:
    try:
        yield FixtureServer(host="127.0.0.2")
    except OSError:  # a system whose loopback is only 127.0.0.1
        pytest.skip("127.0.0.2 is not a loopback address here")


@pytest.fixture
def elsewhere() -> Iterator[FixtureServer]:
    for running in other_host():
        with running:
            yield running


def test_a_redirect_to_another_host_is_refused(
    server: FixtureServer, elsewhere: FixtureServer
) -> None:
    elsewhere.route("/api/daily_papers", Reply.json([]))
    server.route("/api/daily_papers", Reply.redirect(f"{elsewhere.url}/api/daily_papers"))
    message = failure(server, "/api/daily_papers")
    assert "refused a redirect" in message and elsewhere.url in message
    assert elsewhere.requests == []


def test_a_redirect_to_another_port_is_refused(server: FixtureServer) -> None:
    with FixtureServer() as other:
        other.route("/x", Reply.json([]))
        server.route("/x", Reply.redirect(f"{other.url}/x", status=307))
        assert "refused a redirect" in failure(server, "/x")
        assert other.requests == []


def test_a_same_host_redirect_is_followed(server: FixtureServer) -> None:
    server.route("/old", Reply.redirect("/new", status=301))
    server.route("/new", Reply.json(["moved"]))
    assert fetch(server, "/old").json() == ["moved"]


def test_redirect_chains_are_bounded(server: FixtureServer) -> None:
    server.route("/loop", Reply.redirect("/loop"))
    message = failure(server, "/loop")
    assert "redirect" in message.lower()
    assert len(server.requests_for("/loop")) == MAX_REDIRECTS + 1


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("https://huggingface.co/a", "https://huggingface.co/b", True),
        ("http://huggingface.co/a", "https://huggingface.co/a", True),
        ("http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b", True),
        ("https://huggingface.co/a", "http://huggingface.co/a", False),  # downgrade
        ("https://huggingface.co/a", "https://evil.example/a", False),
        ("https://huggingface.co/a", "https://huggingface.co:8443/a", False),
        ("http://127.0.0.1:8000/a", "http://127.0.0.2:8000/a", False),
        ("http://127.0.0.1:8000/a", "http://127.0.0.1:8001/a", False),
        ("https://huggingface.co/a", "https://export.arxiv.org/api", True),  # configured
        ("https://huggingface.co/a", "file:///etc/passwd", False),
    ],
)
def test_redirect_policy(source: str, target: str, allowed: bool) -> None:
    trusted = [("export.arxiv.org", 443)]
    assert redirect_allowed(httpx.URL(source), httpx.URL(target), trusted) is allowed


# -- item 12: Retry-After and RateLimit are read robustly ----------------------------------


def test_a_superscript_retry_after_is_ignored_not_a_crash(server: FixtureServer) -> None:
    # "²".isdigit() is True and float("²") raises; the header is sent as latin-1 0xB2.
    server.route("/x", Reply(status=429, headers={"Retry-After": "²"}), Reply.json(["ok"]))
    assert fetch(server, "/x").json() == ["ok"]


def test_a_5000_digit_retry_after_is_a_long_wait_not_infinity(server: FixtureServer) -> None:
    server.route("/x", Reply(status=429, headers={"Retry-After": "9" * 5000}))
    message = failure(server, "/x")
    assert "rate limited" in message and "inf" not in message
    assert len(server.requests_for("/x")) == 1  # longer than max_wait: reported, not waited


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "²"},
        {"Retry-After": "١٢"},  # Arabic-Indic digits
        {"Retry-After": "1.5"},
        {"Retry-After": "-3"},
        {"Retry-After": "Mon, 01 Jan 99999 00:00:00 GMT"},
        {"RateLimit": '"api";r=0;t=٣'},
    ],
)
def test_odd_wait_headers_are_ignored(headers: dict[str, str]) -> None:
    raw = {name: value.encode("utf-8") for name, value in headers.items()}
    assert server_wait(httpx.Response(429, headers=raw)) is None


def test_a_huge_ratelimit_reset_is_bounded() -> None:
    wait = server_wait(httpx.Response(429, headers={"RateLimit": f"t={'9' * 5000}"}))
    assert wait is not None and wait <= 1e9


# -- the limits in config.toml ---------------------------------------------------------------


def test_the_limits_are_read_from_the_network_table(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert load_config(path).http_deadline == 120.0
    assert load_config(path).http_max_response_mb == 32.0
    path.write_text("[network]\ndeadline = 30\nmax_response_mb = 8\n")
    config = load_config(path)
    assert (config.http_deadline, config.http_max_response_mb) == (30.0, 8.0)
    path.write_text("[network]\ndeadline = 0\n")
    with pytest.raises(InputFormatError, match=r"network\.deadline"):
        load_config(path)
    path.write_text('[network]\nmax_response_mb = "lots"\n')
    with pytest.raises(InputFormatError, match=r"network\.max_response_mb"):
        load_config(path)
