"""The HTTP client factory against a real local server: retries, waits, rate limit, cancel."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from fixture_server import FixtureServer, RecordedRequest, Reply, local_config

from tui import __version__
from tui.config import Config
from tui.sources.http import (
    PrefixRateLimiter,
    RetryTransport,
    SyncCancelled,
    make_client,
    server_wait,
)


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


def client_for(server: FixtureServer, **overrides: object) -> httpx.Client:
    return make_client(local_config(server, **overrides))


def test_user_agent_names_paperdeck_and_version(server: FixtureServer) -> None:
    server.route("/x", Reply.json([]))
    with client_for(server) as client:
        client.get(f"{server.url}/x")
    agent = server.requests[0].headers["User-Agent"]
    assert agent == f"paperdeck/{__version__} (+https://github.com/paperdeck)"


def test_429_with_retry_after_is_retried_then_succeeds(server: FixtureServer) -> None:
    server.route("/x", Reply(status=429, headers={"Retry-After": "0"}), Reply.json(["ok"]))
    with client_for(server) as client:
        response = client.get(f"{server.url}/x")
    assert response.status_code == 200 and response.json() == ["ok"]
    assert len(server.requests_for("/x")) == 2


def test_503_then_success(server: FixtureServer) -> None:
    server.route("/x", Reply(status=503), Reply(status=502), Reply.json(["ok"]))
    with client_for(server) as client:
        assert client.get(f"{server.url}/x").json() == ["ok"]
    assert len(server.requests_for("/x")) == 3


def test_connection_reset_is_retried(server: FixtureServer) -> None:
    server.route("/x", Reply.connection_reset(), Reply.json(["ok"]))
    with client_for(server) as client:
        assert client.get(f"{server.url}/x").json() == ["ok"]
    assert len(server.requests_for("/x")) == 2


def test_retries_stop_after_the_maximum(server: FixtureServer) -> None:
    server.route("/x", Reply(status=503))
    with client_for(server, http_retries=2) as client:
        response = client.get(f"{server.url}/x")
    assert response.status_code == 503
    assert len(server.requests_for("/x")) == 3  # the first try and two retries


def test_resets_stop_after_the_maximum(server: FixtureServer) -> None:
    server.route("/x", Reply.connection_reset())
    with client_for(server, http_retries=1) as client, pytest.raises(httpx.TransportError):
        client.get(f"{server.url}/x")
    assert len(server.requests_for("/x")) == 2


def test_slow_response_times_out_after_retries(server: FixtureServer) -> None:
    server.route("/x", Reply(delay=3.0, body=b"[]"))
    with (
        client_for(server, http_timeout=0.2, http_retries=1) as client,
        pytest.raises(httpx.TimeoutException),
    ):
        client.get(f"{server.url}/x")
    assert len(server.requests_for("/x")) == 2


def test_client_errors_are_not_retried(server: FixtureServer) -> None:
    server.route("/x", Reply.json({"error": "bad"}, status=400))
    with client_for(server) as client:
        assert client.get(f"{server.url}/x").status_code == 400
    assert len(server.requests_for("/x")) == 1


def test_a_wait_longer_than_max_wait_is_handed_back_not_waited(server: FixtureServer) -> None:
    server.route("/x", Reply(status=429, headers={"Retry-After": "3600"}), Reply.json(["ok"]))
    with client_for(server, http_max_wait=2.0) as client:
        response = client.get(f"{server.url}/x")
    assert response.status_code == 429
    assert len(server.requests_for("/x")) == 1


def test_ratelimit_header_reset_is_waited_for(server: FixtureServer) -> None:
    server.route(
        "/x",
        Reply(status=429, headers={"RateLimit": '"api";r=0;t=1'}),
        Reply.json(["ok"]),
    )
    with client_for(server) as client:
        assert client.get(f"{server.url}/x").json() == ["ok"]
    first, second = server.requests_for("/x")
    # Correctness, not speed: the retry must not come before the reset the server announced.
    assert second.time - first.time >= 0.9


class FakeClock:
    """A monotonic clock that only moves when something sleeps on it (or a test advances it)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class StampingTransport(httpx.BaseTransport):
    """The real network transport, noting the fake clock's time as each request goes out."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.sent: list[float] = []
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(self.clock())
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_arxiv_requests_are_spaced_by_the_configured_delay(server: FixtureServer) -> None:
    server.route("/api/query", Reply.text("<feed/>"))
    clock = FakeClock()
    url = f"{server.url}/api/query"
    limiter = PrefixRateLimiter([url], 3.0, clock=clock, sleep=clock.sleep)
    network = StampingTransport(clock)
    transport = RetryTransport(network, retries=0, backoff=0, max_wait=0, limiter=limiter)
    with httpx.Client(transport=transport) as client:
        for _ in range(3):
            assert client.get(url).status_code == 200
        clock.now += 10.0  # a pause longer than the delay: the next request goes at once
        client.get(url)
    assert len(server.requests_for("/api/query")) == 4
    assert clock.sleeps == [3.0, 3.0]
    gaps = [later - earlier for earlier, later in itertools.pairwise(network.sent)]
    assert gaps == [3.0, 3.0, 10.0]


def test_rate_limiter_counts_time_already_passed() -> None:
    clock = FakeClock()
    limiter = PrefixRateLimiter(["https://export.arxiv.org/"], 3.0, clock=clock, sleep=clock.sleep)
    limiter.wait("https://export.arxiv.org/api/query?a")
    clock.now += 1.25
    limiter.wait("https://export.arxiv.org/api/query?b")
    limiter.wait("https://huggingface.co/api/daily_papers")  # not arXiv: never waits
    limiter.wait("https://export.arxiv.org/api/query?c")
    assert clock.sleeps == [1.75, 3.0]


def test_rate_limiter_gives_concurrent_callers_distinct_slots() -> None:
    clock = FakeClock()
    lock = threading.Lock()
    slept: list[float] = []

    def sleep(seconds: float) -> None:  # each thread sleeps its own wait; time stands still
        with lock:
            slept.append(seconds)

    limiter = PrefixRateLimiter(["https://export.arxiv.org/"], 3.0, clock=clock, sleep=sleep)
    threads = [
        threading.Thread(target=limiter.wait, args=("https://export.arxiv.org/api/query",))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(slept) == [3.0, 6.0, 9.0]


def test_the_real_rate_limiter_sleep_wakes_on_cancel() -> None:
    cancel = threading.Event()
    limiter = PrefixRateLimiter(["https://export.arxiv.org/"], 30.0, cancel=cancel)
    limiter.wait("https://export.arxiv.org/api/query")
    threading.Timer(0.05, cancel.set).start()
    with pytest.raises(SyncCancelled):
        limiter.wait("https://export.arxiv.org/api/query")


def test_rate_limiter_applies_only_under_arxiv_urls() -> None:
    config = Config()
    limiter = PrefixRateLimiter([config.arxiv_api_url, config.arxiv_rss_url], 3.0)
    assert limiter.applies_to("https://export.arxiv.org/api/query?search_query=x")
    assert limiter.applies_to("https://rss.arxiv.org/rss/cs.LG")
    assert not limiter.applies_to("https://huggingface.co/api/daily_papers")
    assert not PrefixRateLimiter([config.arxiv_api_url], 0).applies_to(config.arxiv_api_url)


def test_cancel_wakes_a_retry_wait(server: FixtureServer) -> None:
    cancel = threading.Event()

    def busy(_request: RecordedRequest) -> Reply:
        # Cancel once the request has arrived (a fixed timer raced a slow first connection).
        threading.Timer(0.2, cancel.set).start()
        return Reply(status=503, headers={"Retry-After": "4"})

    server.route("/x", busy, Reply.json(["ok"]))
    with (
        make_client(local_config(server), cancel=cancel) as client,
        pytest.raises(SyncCancelled),
    ):
        client.get(f"{server.url}/x")
    assert len(server.requests_for("/x")) == 1


def test_cancel_before_a_request_sends_nothing(server: FixtureServer) -> None:
    server.route("/x", Reply.json([]))
    cancel = threading.Event()
    cancel.set()
    with (
        make_client(local_config(server), cancel=cancel) as client,
        pytest.raises(SyncCancelled),
    ):
        client.get(f"{server.url}/x")
    assert server.requests == []


def _response(headers: dict[str, str]) -> httpx.Response:
    return httpx.Response(429, headers=headers)


def test_server_wait_reads_seconds_dates_and_ratelimit() -> None:
    assert server_wait(_response({"Retry-After": "7"})) == 7.0
    later = datetime.now(UTC) + timedelta(seconds=120)
    waited = server_wait(_response({"Retry-After": format_datetime(later, usegmt=True)}))
    assert waited is not None and 100 < waited <= 120
    past = datetime.now(UTC) - timedelta(hours=1)
    assert server_wait(_response({"Retry-After": format_datetime(past, usegmt=True)})) == 0.0
    assert server_wait(_response({"RateLimit": '"api";r=0;t=55'})) == 55.0
    assert server_wait(_response({"Retry-After": "soon"})) is None
    assert server_wait(_response({})) is None


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    low = RetryTransport(
        httpx.HTTPTransport(), retries=3, backoff=1.0, max_wait=60, jitter=lambda: 0
    )
    high = RetryTransport(
        httpx.HTTPTransport(), retries=3, backoff=1.0, max_wait=60, jitter=lambda: 1
    )
    assert [low._backoff_delay(n) for n in range(4)] == [1.0, 2.0, 4.0, 8.0]
    assert [high._backoff_delay(n) for n in range(4)] == [1.5, 3.0, 6.0, 12.0]
