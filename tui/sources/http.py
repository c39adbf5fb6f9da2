"""The one way paperdeck talks HTTP: `make_client(config)` builds an httpx.Client for the sources.

It owns timeouts, the User-Agent, retries and politeness:
- retries with exponential backoff and jitter on connection errors, timeouts, HTTP 429 and 5xx,
  waiting as long as the server says (`Retry-After` in seconds or as an HTTP date, or Hugging
  Face's `RateLimit: "api";r=0;t=55`) but never longer than `max_wait`: a longer wait is handed
  back as the error response, and the source reports it, so nobody sits at a frozen prompt;
- at most one request per `arxiv_delay` seconds to arXiv: a rate limiter on every URL under the
  configured arXiv API and RSS URLs (keyed by URL, not host, so a test server that also plays
  Hugging Face is not slowed down);
- cancellation: a `threading.Event` that, once set, stops before the next attempt.

The retry logic is an httpx transport wrapped around the real one, so every request made through
the client gets it and no dependency beyond httpx is needed.
"""

from __future__ import annotations

import email.utils
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

import httpx

from tui import __version__
from tui.config import Config

USER_AGENT = f"paperdeck/{__version__} (+https://github.com/paperdeck)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_RATELIMIT_RESET = re.compile(r"(?:^|;)\s*t\s*=\s*(\d+)")


class SyncCancelled(Exception):
    """The user cancelled (the cancel event was set) while a request was pending or waiting."""


class PrefixRateLimiter:
    """Keeps requests whose URL starts with one of `prefixes` at least `interval` seconds apart.

    Thread-safe: callers take turns, each reserving the next free slot under the lock and then
    sleeping outside it. `clock` (seconds, monotonic) and `sleep(seconds)` are the real ones
    unless a test hands in a clock of its own; the default sleep wakes early on `cancel`.
    """

    def __init__(
        self,
        prefixes: Iterable[str],
        interval: float,
        *,
        cancel: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.prefixes = tuple(p for p in prefixes if p)
        self.interval = interval
        self._next_slot: float | None = None
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep if sleep is not None else (lambda seconds: _sleep(seconds, cancel))

    def applies_to(self, url: str) -> bool:
        return self.interval > 0 and url.startswith(self.prefixes)

    def wait(self, url: str) -> None:
        """Block until `url` may be requested (returns at once for URLs outside the prefixes)."""
        if not self.applies_to(url):
            return
        with self._lock:
            now = self._clock()
            slot = now if self._next_slot is None else max(now, self._next_slot)
            self._next_slot = slot + self.interval
        if slot > now:
            self._sleep(slot - now)


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport with retries, backoff, Retry-After, a rate limiter and cancellation.

    The response body is read inside the retry loop, so a connection reset half way through a
    body is retried like any other connection error.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        retries: int,
        backoff: float,
        max_wait: float,
        limiter: PrefixRateLimiter | None = None,
        cancel: threading.Event | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.inner = inner
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.limiter = limiter
        self.cancel = cancel
        self.jitter = jitter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            if self.cancel is not None and self.cancel.is_set():
                raise SyncCancelled()
            if self.limiter is not None:
                self.limiter.wait(str(request.url))
            try:
                response = self.inner.handle_request(request)
                try:
                    response.read()
                except BaseException:
                    response.close()
                    raise
            except httpx.TransportError:
                if attempt >= self.retries:
                    raise
                delay = self._backoff_delay(attempt)
            else:
                if response.status_code not in RETRY_STATUSES or attempt >= self.retries:
                    return response
                asked = server_wait(response)
                if asked is not None and asked > self.max_wait:
                    # Waiting minutes is worse than saying so; the source reports the wait.
                    return response
                delay = asked if asked is not None else self._backoff_delay(attempt)
                response.close()
            _sleep(min(delay, self.max_wait), self.cancel)
            attempt += 1

    def close(self) -> None:
        self.inner.close()

    def _backoff_delay(self, attempt: int) -> float:
        # Full exponential step plus up to 50% jitter so parallel clients do not retry in step.
        return self.backoff * (2**attempt) * (1 + 0.5 * self.jitter())


def server_wait(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait: `Retry-After` (seconds or date), else `RateLimit` t=."""
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        retry_after = retry_after.strip()
        if retry_after.isdigit():
            return float(retry_after)
        try:
            when = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
    rate_limit = response.headers.get("RateLimit")
    if rate_limit:
        match = _RATELIMIT_RESET.search(rate_limit)
        if match:
            return float(match.group(1))
    return None


def make_client(
    config: Config,
    *,
    cancel: threading.Event | None = None,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """The httpx client every source uses: timeouts, User-Agent, retries, arXiv's rate limit.

    `transport` replaces the network transport underneath the retry layer (tests never need it:
    they point the base URLs at a local server instead).
    """
    limiter = PrefixRateLimiter(
        [config.arxiv_api_url, config.arxiv_rss_url],
        config.arxiv_delay,
        cancel=cancel,
    )
    retrying = RetryTransport(
        transport or httpx.HTTPTransport(),
        retries=config.http_retries,
        backoff=config.http_backoff,
        max_wait=config.http_max_wait,
        limiter=limiter,
        cancel=cancel,
    )
    return httpx.Client(
        transport=retrying,
        timeout=httpx.Timeout(config.http_timeout),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=True,
    )


def _sleep(seconds: float, cancel: threading.Event | None) -> None:
    """Sleep, waking early (and raising SyncCancelled) if `cancel` is set meanwhile."""
    if seconds <= 0:
        return
    if cancel is None:
        time.sleep(seconds)
    elif cancel.wait(seconds):
        raise SyncCancelled()
