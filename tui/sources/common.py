"""What every source shares: the `Page` a fetch yields, and turning HTTP trouble into one line.

A source module builds URLs and parses bodies; this module owns the GET itself and the wording of
every failure a user sees from a feed: `NetworkError("<feed>: <what happened> (<url>)")`. Much
of such a line is the server's own text (the status line's reason phrase, an error body, a
redirect target), so every line is cleaned here, where it is built (`models.clean_text`: no
escape sequence, control or bidi character, one line).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import httpx

from tui.config import Config
from tui.errors import InputFormatError, NetworkError
from tui.models import Paper, clean_text
from tui.sources.http import ResponseRefused, SyncCancelled, server_wait

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
Params = Mapping[str, str | int]


@dataclass(slots=True)
class Page:
    """One response's worth of papers, with progress in the feed's own unit.

    `done`/`total` count days/weeks/months for hf-daily and papers for the other sources;
    `message` says what was fetched in words.
    """

    papers: list[Paper]
    done: int
    total: int | None
    message: str
    rejected: list[tuple[str, str]] = field(default_factory=list)


def get(
    client: httpx.Client,
    config: Config,
    feed_name: str,
    url: str,
    params: Params | None = None,
    *,
    accept_statuses: tuple[int, ...] = (),
) -> httpx.Response:
    """GET `url` through the retrying client; any failure becomes a one-line NetworkError.

    Statuses in `accept_statuses` are returned for the caller to read (arXiv explains a bad
    query in the body of an HTTP 400).
    """
    attempts = config.http_retries + 1
    try:
        response = client.get(url, params=params)
    except SyncCancelled:
        raise
    except ResponseRefused as exc:
        raise failure(f"{feed_name}: {exc}") from exc
    except httpx.TimeoutException as exc:
        raise failure(
            f"{feed_name}: no answer within {config.http_timeout:g} s from {_show_url(exc, url)}"
            f" (gave up after {attempts} attempts)"
        ) from exc
    except httpx.TransportError as exc:
        raise failure(
            f"{feed_name}: cannot reach {_show_url(exc, url)}: {_describe(exc)}"
            f" (gave up after {attempts} attempts)"
        ) from exc
    except httpx.InvalidURL as exc:
        raise failure(f"{feed_name}: bad URL {url}: {exc}") from exc
    except httpx.RequestError as exc:  # undecodable body, redirect loop
        raise failure(f"{feed_name}: {clean_text(exc) or type(exc).__name__} ({url})") from exc
    status = response.status_code
    if status < 400 or status in accept_statuses:
        return response
    shown = str(response.request.url)
    # The reason phrase is the server's free text (h11 lets ESC and BEL through).
    reason = f"HTTP {status} {clean_text(response.reason_phrase)[:100]}".rstrip()
    if status == 429:
        wait = server_wait(response)
        when = f"try again in {wait:.0f} s" if wait is not None else "try again later"
        raise failure(f"{feed_name}: rate limited by {response.url.host} ({reason}); {when}")
    if status >= 500:
        raise failure(f"{feed_name}: {reason} from {shown} (gave up after {attempts} attempts)")
    detail = _error_detail(response)
    raise failure(f"{feed_name}: {reason} from {shown}{': ' + detail if detail else ''}")


def failure(line: str) -> NetworkError:
    """The NetworkError a feed reports, its text cleaned (much of it came from the server)."""
    return NetworkError(clean_text(line))


class Parser(Protocol[T_co]):
    """An importer's parse function: `parse_x(data, name=...)`."""

    def __call__(self, data: bytes, *, name: str) -> T_co: ...


RESPONSE_NAME = "response"
"""The input name handed to importers; stripped again from their messages (see `reason`)."""


def parse_body(feed_name: str, response: httpx.Response, parser: Parser[T], *, what: str) -> T:
    """Run an importer over a response body; an unreadable body names the feed and the URL."""
    content_type = response.headers.get("Content-Type", "")
    if "html" in content_type.lower():
        raise failure(
            f"{feed_name}: got an HTML page instead of {what} from {response.request.url}"
        )
    try:
        return parser(response.content, name=RESPONSE_NAME)
    except InputFormatError as exc:
        raise failure(
            f"{feed_name}: unreadable {what} from {response.request.url}: {reason(exc)}"
        ) from exc


def reason(exc: InputFormatError) -> str:
    """An importer's message without the input name it starts with."""
    return exc.message.removeprefix(f"{RESPONSE_NAME}: ")


def _error_detail(response: httpx.Response) -> str:
    """A short explanation an API put in its error body (Hugging Face sends {"error": ...})."""
    try:
        data = json.loads(response.content)
    except ValueError:
        return ""
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return clean_text(data["error"])[:200]
    return ""


def _show_url(exc: httpx.RequestError, fallback: str) -> str:
    try:
        return str(exc.request.url)
    except RuntimeError:
        return fallback


def _describe(exc: httpx.TransportError) -> str:
    """A connection error in a few words (httpx messages can be long or empty)."""
    if isinstance(exc, httpx.ConnectError):
        text = str(exc) or "connection refused"
        return text.split("] ", 1)[-1] if "Errno" in text else text
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server closed the connection without a complete answer"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return "the connection was reset"
    return str(exc) or type(exc).__name__


def plural(count: int, noun: str) -> str:
    """`1 paper`, `2 papers`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
