"""The one way paperdeck talks HTTP: `make_client(config)` builds an httpx.Client for the sources.

It owns timeouts, the User-Agent, retries and politeness:
- retries with exponential backoff and jitter on connection errors, timeouts, HTTP 429 and 5xx,
  waiting as long as the server says (`Retry-After` in seconds or as an HTTP date, or Hugging
  Face's `RateLimit: "api";r=0;t=55`) but never longer than `max_wait`: a longer wait is handed
  back as the error response, and the source reports it, so nobody sits at a frozen prompt;
- at most one request per `arxiv_delay` seconds to arXiv: a rate limiter on every URL under the
  configured arXiv API and RSS URLs (keyed by URL, not host, so a test server that also plays
  Hugging Face is not slowed down);
- cancellation: a `threading.Event` that, once set, stops before the next attempt;
- limits against a hostile or broken server: at most `max_response_mb` of decoded body per
  answer (a gzip bomb is cut off while it inflates, not after), one `deadline` for a request
  with all its retries and waits (the `timeout` is per read, so a body trickled a byte at a
  time would never time out), and redirects only within the same host and never from https
  down to http (`redirect_allowed`), at most `MAX_REDIRECTS` of them. Breaking a limit raises
  `ResponseRefused`, one line naming the URL and the limit, never retried.

The retry logic is an httpx transport wrapped around the real one, so every request made through
the client gets it and no dependency beyond httpx is needed.
"""

from __future__ import annotations

import email.utils
import math
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

import httpx

from tui import __version__
from tui.config import Config
from tui.models import clean_text

USER_AGENT = f"paperdeck/{__version__} (+https://github.com/paperdeck)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
# ASCII digits only (`\d` and str.isdigit() take "²" and Arabic-Indic digits); 9 of them is
# already 30 years, more is "a very long time".
_SECONDS = re.compile(r"[0-9]+")
_RATELIMIT_RESET = re.compile(r"(?:^|;)\s*t\s*=\s*([0-9]+)")
_LONG_WAIT = 1e9
_DEFAULT_PORTS = {"http": 80, "https": 443}


class SyncCancelled(Exception):
    """The user cancelled (the cancel event was set) while a request was pending or waiting."""


class ResponseRefused(Exception):
    """An answer paperdeck will not take: too large, too slow in total, or a refused redirect.

    Not an httpx error, so the retry loop never retries it; the text is one line naming the URL
    and the limit (the config key that sets it).
    """


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
        max_response_mb: float = math.inf,
        deadline: float = math.inf,
    ) -> None:
        self.inner = inner
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.limiter = limiter
        self.cancel = cancel
        self.jitter = jitter
        self.max_response_mb = max_response_mb
        self.deadline = deadline

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = dict(request.extensions.get("timeout") or {})
        ends = math.inf
        attempt = 0
        while True:
            if self.cancel is not None and self.cancel.is_set():
                raise SyncCancelled()
            if self.limiter is not None:
                self.limiter.wait(str(request.url))
            if attempt == 0:  # the clock starts once arXiv's politeness wait is over
                ends = time.monotonic() + self.deadline
            # No single read may outlast what is left of the deadline.
            request.extensions["timeout"] = _capped_timeouts(timeouts, self._left(request, ends))
            try:
                response = self.inner.handle_request(request)
                try:
                    response = self._read(request, response, ends)
                except BaseException:
                    response.close()
                    raise
            except httpx.TransportError as exc:
                if time.monotonic() >= ends:
                    raise self._too_slow(request) from exc
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
            _sleep(min(delay, self.max_wait, max(0.0, ends - time.monotonic())), self.cancel)
            attempt += 1

    def _read(
        self, request: httpx.Request, response: httpx.Response, ends: float
    ) -> httpx.Response:
        """The response with its body read, decoded bytes counted against the size limit and
        the clock checked after every chunk; the body comes back already decoded."""
        limit = self.max_response_mb * 1024 * 1024
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise ResponseRefused(
                    f"the answer from {_shown(request.url)} is larger than the"
                    f" {self.max_response_mb:g} MB limit (network.max_response_mb)"
                )
            chunks.append(chunk)
            if time.monotonic() >= ends:
                raise self._too_slow(request)
        response.close()
        headers = [  # raw bytes: a header need not be ASCII (Retry-After: ²)
            (name, value)
            for name, value in response.headers.raw
            if name.lower() not in (b"content-encoding", b"content-length", b"transfer-encoding")
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=b"".join(chunks),
            extensions=response.extensions,
        )

    def _left(self, request: httpx.Request, ends: float) -> float:
        left = ends - time.monotonic()
        if left <= 0:
            raise self._too_slow(request)
        return left

    def _too_slow(self, request: httpx.Request) -> ResponseRefused:
        return ResponseRefused(
            f"no complete answer from {_shown(request.url)} within the {self.deadline:g} s"
            " deadline (network.deadline)"
        )

    def close(self) -> None:
        self.inner.close()

    def _backoff_delay(self, attempt: int) -> float:
        # Full exponential step plus up to 50% jitter so parallel clients do not retry in step.
        return self.backoff * (2**attempt) * (1 + 0.5 * self.jitter())


def server_wait(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait: `Retry-After` (seconds or date), else `RateLimit` t=.

    Anything else in those headers (`²`, `1.5`, a date that is no date) is ignored.
    """
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        retry_after = retry_after.strip()
        if _SECONDS.fullmatch(retry_after):
            return _seconds(retry_after)
        try:
            when = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError, OverflowError, IndexError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return min(_LONG_WAIT, max(0.0, (when - datetime.now(UTC)).total_seconds()))
    rate_limit = response.headers.get("RateLimit")
    if rate_limit:
        match = _RATELIMIT_RESET.search(rate_limit)
        if match:
            return _seconds(match.group(1))
    return None


def _seconds(digits: str) -> float:
    return float(digits) if len(digits) <= 9 else _LONG_WAIT


def redirect_allowed(
    source: httpx.URL, target: httpx.URL, trusted: Iterable[tuple[str, int]] = ()
) -> bool:
    """May a response from `source` send us on to `target`?

    Yes within the same host and port, same scheme or http upgraded to https (to the same host),
    and to an https host:port in `trusted` (the configured base URLs). Never from https down to
    http, never to another host over http, never to another scheme.
    """
    if target.scheme not in _DEFAULT_PORTS or source.scheme not in _DEFAULT_PORTS:
        return False
    if source.scheme == "https" and target.scheme == "http":
        return False
    if target.scheme == "https" and _origin(target) in set(trusted):
        return True
    if target.host != source.host:
        return False
    if source.scheme == "http" and target.scheme == "https":
        return target.port in (None, source.port)
    return _origin(target) == _origin(source)


def _origin(url: httpx.URL) -> tuple[str, int]:
    return url.host, url.port or _DEFAULT_PORTS.get(url.scheme, 0)


def _redirect_guard(trusted: frozenset[tuple[str, int]]) -> Callable[[httpx.Response], None]:
    """A response hook refusing, before httpx follows it, a redirect `redirect_allowed` refuses."""

    def check(response: httpx.Response) -> None:
        if not response.has_redirect_location:
            return
        source = response.request.url
        try:
            target = httpx.URL(response.headers["Location"])
        except httpx.InvalidURL:
            return  # httpx itself reports a Location that is no URL
        if target.scheme and not target.host:
            target = target.copy_with(host=source.host)
        if target.is_relative_url:
            target = source.join(target)
        if not redirect_allowed(source, target, trusted):
            raise ResponseRefused(
                f"refused a redirect from {_shown(source)} to {_shown(target)}"
                " (only same-host redirects are followed, never from https to http)"
            )

    return check


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
        max_response_mb=config.http_max_response_mb,
        deadline=config.http_deadline,
    )
    trusted = frozenset(
        _origin(url)
        for url in map(httpx.URL, (config.hf_base_url, config.arxiv_api_url, config.arxiv_rss_url))
        if url.scheme == "https"
    )
    return httpx.Client(
        transport=retrying,
        timeout=httpx.Timeout(config.http_timeout),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        event_hooks={"response": [_redirect_guard(trusted)]},
    )


def _capped_timeouts(timeouts: dict[str, float | None], left: float) -> dict[str, float]:
    """httpx's per-phase timeouts, none longer than `left` seconds."""
    capped: dict[str, float] = {}
    for key in ("connect", "read", "write", "pool"):
        value = timeouts.get(key)
        capped[key] = left if value is None else min(value, left)
    return capped


def _shown(url: httpx.URL) -> str:
    """A URL for a message: the server may have chosen it, so cleaned and kept short."""
    text = clean_text(str(url))
    return text if len(text) <= 200 else text[:199] + "…"


def _sleep(seconds: float, cancel: threading.Event | None) -> None:
    """Sleep, waking early (and raising SyncCancelled) if `cancel` is set meanwhile."""
    if seconds <= 0:
        return
    if cancel is None:
        time.sleep(seconds)
    elif cancel.wait(seconds):
        raise SyncCancelled()
