"""A real HTTP server on 127.0.0.1 for tests: serves fixture files by route and scripted faults.

It listens on an ephemeral port in a background thread and records every request it sees
(path, query, headers, arrival time), so tests can assert on what paperdeck actually sent.
Nothing is mocked: paperdeck's httpx client talks to it over a real socket.

    from fixture_server import FixtureServer, Reply

    with FixtureServer(fixtures_dir) as server:
        server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
        server.route("/api/query", Reply(status=503), Reply.file("arxiv_query_sample.atom"))
        ... config.hf_base_url = server.url ...
        assert len(server.requests_for("/api/query")) == 2

A route holds a script: each request takes the next reply and the last one repeats. A reply can
also be a function of the request (for paging by query parameters). Faults: `Reply.reset()`
closes the socket without answering (a TCP reset), `Reply(delay=...)` answers late, `truncate`
cuts the body short while still sending a consistent Content-Length. Hostile answers: `reason`
sets the status line's reason phrase (any text, escape sequences included), `trickle` sends the
body one byte every that many seconds (bounded by the body's length), `Reply.redirect(url)` and
`Reply.gzip_bomb(mb)`. A second server on another loopback address (`FixtureServer(host=
"127.0.0.2")`) plays "another host" for redirect tests; nothing ever leaves the machine.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"

_CONTENT_TYPES = {
    ".json": "application/json; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (a slow server)
    reset: bool = False  # close the connection with a TCP reset instead of answering
    truncate: int | None = None  # send only the first N bytes of the body
    reason: str | None = None  # the status line's reason phrase (default: the standard one)
    trickle: float = 0.0  # seconds between two bytes of the body (0: all at once)

    @classmethod
    def file(
        cls, name: str, status: int = 200, *, fixtures_dir: Path = FIXTURES, **kwargs: Any
    ) -> Reply:
        """A fixture file, with the content type its extension implies."""
        path = fixtures_dir / name
        headers = {"Content-Type": _CONTENT_TYPES.get(path.suffix, "application/octet-stream")}
        headers.update(kwargs.pop("headers", {}))
        return cls(status=status, body=path.read_bytes(), headers=headers, **kwargs)

    @classmethod
    def json(cls, value: object, status: int = 200, **kwargs: Any) -> Reply:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        headers.update(kwargs.pop("headers", {}))
        return cls(status=status, body=json.dumps(value).encode(), headers=headers, **kwargs)

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> Reply:
        return cls(
            status=status,
            body=text.encode("utf-8"),
            headers={"Content-Type": f"{content_type}; charset=utf-8"},
        )

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Reply:
        return cls(status=status, headers={"Location": location})

    @classmethod
    def gzip_bomb(cls, megabytes: int) -> Reply:
        """A JSON-typed answer of `megabytes` MiB of zeros, sent gzip-compressed (~1000:1)."""
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: the gzip container
        block = b"0" * (1024 * 1024)
        body = b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        return cls(body=body, headers=headers)

    @classmethod
    def html_error(cls, status: int = 502) -> Reply:
        """The kind of page a proxy or CDN sends instead of the API's answer."""
        page = (
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
            "<body><h1>Bad Gateway</h1><p>The upstream server failed.</p></body></html>"
        )
        return cls.text(page, status=status, content_type="text/html")

    @classmethod
    def connection_reset(cls) -> Reply:
        return cls(reset=True)


ReplySource = Reply | Callable[["RecordedRequest"], Reply]


@dataclass(frozen=True)
class RecordedRequest:
    """What the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    time: float  # time.monotonic() on arrival

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


class FixtureServer:
    """The server; use as a context manager (or call `close()`)."""

    def __init__(self, fixtures_dir: Path = FIXTURES, host: str = "127.0.0.1") -> None:
        if not host.startswith("127."):
            raise ValueError("the fixture server listens on loopback addresses only")
        self.fixtures_dir = fixtures_dir
        self.requests: list[RecordedRequest] = []
        self._routes: dict[str, list[ReplySource]] = {}
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd = ThreadingHTTPServer((host, 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """`http://127.0.0.1:<port>` (no trailing slash)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, path: str, *replies: ReplySource) -> None:
        """Script the answers for `path` (query string ignored): in order, the last repeating."""
        if not replies:
            raise ValueError("a route needs at least one reply")
        with self._lock:
            self._routes[path] = list(replies)
            self._served[path] = 0

    def requests_for(self, path: str) -> list[RecordedRequest]:
        """The requests received for `path`, in arrival order."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FixtureServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- called from the handler threads ---------------------------------------------------

    def _record_and_pick(self, handler: BaseHTTPRequestHandler) -> Reply:
        split = urlsplit(handler.path)
        request = RecordedRequest(
            method=handler.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k: v for k, v in handler.headers.items()},
            time=time.monotonic(),
        )
        with self._lock:
            self.requests.append(request)
            script = self._routes.get(split.path)
            if script is None:
                return Reply.text(f"no route for {split.path}", status=404)
            index = min(self._served[split.path], len(script) - 1)
            self._served[split.path] += 1
            chosen = script[index]
        return chosen(request) if callable(chosen) else chosen


def _make_handler(server: FixtureServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            reply = server._record_and_pick(self)
            if reply.delay and server._closing.wait(reply.delay):
                return
            if reply.reset:
                # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                self.close_connection = True
                return
            body = reply.body if reply.truncate is None else reply.body[: reply.truncate]
            try:
                self.send_response(reply.status, reply.reason)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if reply.trickle:
                    for offset in range(len(body)):  # bounded: one byte per step
                        self.wfile.write(body[offset : offset + 1])
                        self.wfile.flush()
                        if server._closing.wait(reply.trickle):
                            return
                else:
                    self.wfile.write(body)
            except OSError:
                # The client gave up (a timeout test); nothing to answer any more.
                self.close_connection = True

        def finish(self) -> None:
            with contextlib.suppress(OSError):
                super().finish()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler


def local_config(server: FixtureServer, **overrides: Any) -> Any:
    """A `tui.config.Config` whose every URL points at `server`, tuned for fast tests.

    Routes it implies: `/api/daily_papers`, `/api/papers/search` (Hugging Face), `/api/query`
    (arXiv API) and `/rss/<category>` (arXiv RSS). No arXiv delay, tiny backoff, 2 s timeout.
    """
    from tui.config import Config

    settings: dict[str, Any] = {
        "hf_base_url": server.url,
        "arxiv_api_url": f"{server.url}/api/query",
        "arxiv_rss_url": f"{server.url}/rss",
        "arxiv_delay": 0.0,
        "http_backoff": 0.01,
        "http_timeout": 2.0,
        "http_max_wait": 5.0,
    }
    settings.update(overrides)
    return Config(**settings)


def network_toml(server: FixtureServer) -> str:
    """The `[network]` table of a config.toml pointing at `server` (for CLI / end-to-end tests)."""
    return (
        "[network]\n"
        f'hf_base_url = "{server.url}"\n'
        f'arxiv_api_url = "{server.url}/api/query"\n'
        f'arxiv_rss_url = "{server.url}/rss"\n'
        "arxiv_delay = 0\nbackoff = 0.01\ntimeout = 2\nmax_wait = 5\n"
    )
