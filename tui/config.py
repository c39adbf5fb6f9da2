"""The user's settings: `config.toml`, read with the standard library's `tomllib` into `Config`.

This module owns the config format, its defaults and its validation. A missing file gives the
defaults; a file that is not TOML, or a value of the wrong type, raises `InputFormatError` naming
the file and the line (for syntax) or the key (for values). Nothing else in paperdeck reads TOML.

The format (every key is optional)::

    theme = "textual-dark"                  # a Textual theme name
    reading_list = "~/Sync/paperdeck.json"  # the reading list file `paperdeck sync` also merges
    interests = ["diffusion", "reinforcement learning"]  # seed `sort:for-you` before decisions

    [keymap]                                # binding id -> keys (comma-separated alternatives);
                                            # the app warns about unknown ids and clashes
    star = "s"
    skip = "x,delete"

    [network]
    timeout = 20.0          # seconds per request (connect, read, write)
    retries = 3             # extra attempts after a connection error, HTTP 429 or 5xx
    backoff = 1.0           # first retry waits about this long, then 2x, 4x, ... (with jitter)
    max_wait = 30.0         # never wait longer than this for one retry; a server asking for
                            # more (Retry-After, RateLimit) is reported instead of waited for
    arxiv_delay = 3.0       # at least this many seconds between two requests to arXiv
    deadline = 120.0        # seconds one request may take in all, retries and waits included
    max_response_mb = 32.0  # the most one answer may hold once decoded (gzip bombs stop here)
    hf_base_url = "https://huggingface.co"
    arxiv_api_url = "https://export.arxiv.org/api/query"
    arxiv_rss_url = "https://rss.arxiv.org/rss"

    [[feeds]]               # each [[feeds]] table is one feed; `paperdeck sync` pulls them all
    source = "hf-daily"     # Hugging Face Daily Papers
    name = "hf-daily"       # optional; defaults to the source, must be unique
    period = "day"          # day | week | month: ask for each date, ISO week or month
    days = 7                # first sync: the last N days; later syncs: since the last success
    limit = 100             # page size (1..100); pages are fetched until one comes back short

    [[feeds]]
    source = "hf-search"    # Hugging Face paper search
    query = "diffusion"
    max_results = 50

    [[feeds]]
    source = "arxiv"        # the arXiv API, newest submissions first
    query = "cat:cs.LG AND abs:diffusion"   # arXiv search_query syntax
    max_results = 200       # stop after this many papers
    page_size = 100         # papers per request

    [[feeds]]
    source = "arxiv-rss"    # an arXiv category's daily announcement
    category = "cs.LG"      # or several joined with '+': "cs.LG+cs.CL"
    announce_types = ["new", "cross"]   # also: "replace", "replace-cross"

With no `[[feeds]]` at all, paperdeck syncs one `hf-daily` feed with the defaults above.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from tui.errors import InputFormatError
from tui.links import is_web_url

SOURCES: tuple[str, ...] = ("hf-daily", "hf-search", "arxiv", "arxiv-rss")
"""Every kind of feed `paperdeck sync` can pull."""

HF_PERIODS: tuple[str, ...] = ("day", "week", "month")
ANNOUNCE_TYPES: tuple[str, ...] = ("new", "cross", "replace", "replace-cross")

DEFAULT_HF_BASE_URL = "https://huggingface.co"
DEFAULT_ARXIV_API_URL = "https://export.arxiv.org/api/query"
DEFAULT_ARXIV_RSS_URL = "https://rss.arxiv.org/rss"

# Which keys each feed source accepts: an unknown key is almost always a typo the user wants
# to hear about rather than a setting silently ignored.
_FEED_KEYS: dict[str, frozenset[str]] = {
    "hf-daily": frozenset({"source", "name", "period", "days", "limit"}),
    "hf-search": frozenset({"source", "name", "query", "max_results"}),
    "arxiv": frozenset({"source", "name", "query", "max_results", "page_size"}),
    "arxiv-rss": frozenset({"source", "name", "category", "announce_types"}),
}
_NUMBER_CEILING = 1_000_000.0
"""The bound of a config number that names no tighter one: finite and far beyond any use."""
_TOP_KEYS = frozenset({"theme", "reading_list", "interests", "keymap", "network", "feeds"})
_NETWORK_KEYS = frozenset(
    {
        "timeout",
        "retries",
        "backoff",
        "max_wait",
        "arxiv_delay",
        "deadline",
        "max_response_mb",
        "hf_base_url",
        "arxiv_api_url",
        "arxiv_rss_url",
    }
)


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One feed to pull. Only the fields of its `source` matter; the rest keep their defaults."""

    source: str
    name: str
    # hf-daily
    period: str = "day"
    days: int = 7
    limit: int = 100
    # hf-search and arxiv
    query: str | None = None
    max_results: int = 100
    page_size: int = 100
    # arxiv-rss
    category: str | None = None
    announce_types: tuple[str, ...] = ("new", "cross")


def default_feeds() -> list[FeedConfig]:
    """What a user without a config syncs: Hugging Face Daily Papers, the last 7 days."""
    return [FeedConfig(source="hf-daily", name="hf-daily")]


@dataclass(slots=True)
class Config:
    """Everything `config.toml` can set, with defaults for what it does not."""

    path: Path | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    feeds: list[FeedConfig] = field(default_factory=default_feeds)
    reading_list: Path | None = None
    theme: str | None = None
    interests: tuple[str, ...] = ()
    hf_base_url: str = DEFAULT_HF_BASE_URL
    arxiv_api_url: str = DEFAULT_ARXIV_API_URL
    arxiv_rss_url: str = DEFAULT_ARXIV_RSS_URL
    http_timeout: float = 20.0
    http_retries: int = 3
    http_backoff: float = 1.0
    http_max_wait: float = 30.0
    arxiv_delay: float = 3.0
    http_deadline: float = 120.0
    http_max_response_mb: float = 32.0

    def feed(self, name: str) -> FeedConfig | None:
        """The feed called `name`, if any."""
        return next((f for f in self.feeds if f.name == name), None)


def load_config(path: Path) -> Config:
    """Read `path`; a missing file gives the defaults. Raises InputFormatError when it is wrong."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(path=None)
    except OSError as exc:
        raise InputFormatError(f"{path}: cannot read config: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputFormatError(f"{path}: config is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already says "(at line N, column M)".
        raise InputFormatError(f"{path}: invalid TOML: {exc}") from exc
    return parse_config(data, path)


def parse_config(data: dict[str, Any], path: Path) -> Config:
    """Validate an already-parsed TOML document; `path` is only used in error messages."""
    checker = _Checker(path)
    checker.no_unknown_keys(data, _TOP_KEYS, "")
    config = Config(path=path)

    config.theme = checker.optional_str(data, "theme", "theme")
    reading_list = checker.optional_str(data, "reading_list", "reading_list")
    if reading_list is not None:
        if not reading_list.strip():
            checker.fail("reading_list", "must be a file path, not empty")
        config.reading_list = Path(reading_list).expanduser()
    config.interests = checker.interests(data)

    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        checker.fail("keymap", 'must be a table of binding id = "keys"')
    for binding_id, keys in keymap.items():
        if not isinstance(keys, str) or not keys.strip():
            checker.fail(f"keymap.{binding_id}", 'must be a key string such as "s" or "ctrl+s"')
        config.keymap[str(binding_id)] = keys.strip()

    network = data.get("network", {})
    if not isinstance(network, dict):
        checker.fail("network", "must be a table")
    checker.no_unknown_keys(network, _NETWORK_KEYS, "network.")
    # Every number has a sane range: `inf`, `nan` and 1e300 are valid TOML but would make a
    # sleep or a timeout raise deep inside a sync (an hour is already far more than any server
    # deserves).
    config.http_timeout = checker.number(
        network, "timeout", "network.timeout", 20.0, minimum=0.01, maximum=3600.0
    )
    config.http_retries = checker.integer(
        network, "retries", "network.retries", 3, minimum=0, maximum=20
    )
    config.http_backoff = checker.number(
        network, "backoff", "network.backoff", 1.0, minimum=0.0, maximum=3600.0
    )
    config.http_max_wait = checker.number(
        network, "max_wait", "network.max_wait", 30.0, minimum=0.0, maximum=3600.0
    )
    config.arxiv_delay = checker.number(
        network, "arxiv_delay", "network.arxiv_delay", 3.0, minimum=0.0, maximum=3600.0
    )
    config.http_deadline = checker.number(
        network, "deadline", "network.deadline", 120.0, minimum=1.0
    )
    config.http_max_response_mb = checker.number(
        network, "max_response_mb", "network.max_response_mb", 32.0, minimum=1.0
    )
    config.hf_base_url = checker.url(network, "hf_base_url", DEFAULT_HF_BASE_URL)
    config.arxiv_api_url = checker.url(network, "arxiv_api_url", DEFAULT_ARXIV_API_URL)
    config.arxiv_rss_url = checker.url(network, "arxiv_rss_url", DEFAULT_ARXIV_RSS_URL)

    if "feeds" in data:
        feeds = data["feeds"]
        if not isinstance(feeds, list):
            checker.fail("feeds", "must be written as [[feeds]] tables")
        config.feeds = [checker.feed(item, f"feeds[{i}]") for i, item in enumerate(feeds)]
        seen: set[str] = set()
        for i, feed in enumerate(config.feeds):
            if feed.name in seen:
                checker.fail(
                    f"feeds[{i}].name",
                    f"two feeds are named {feed.name!r}; give each a distinct name",
                )
            seen.add(feed.name)
    return config


class _Checker:
    """Typed reads from a TOML table that fail with the file and the dotted key in the message."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> NoReturn:
        raise InputFormatError(f"{self.path}: {key} {problem}")

    def no_unknown_keys(self, table: dict[str, Any], allowed: frozenset[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.fail(f"{prefix}{key}", f"is not a known setting (known: {known})")

    def optional_str(self, table: dict[str, Any], key: str, where: str) -> str | None:
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            self.fail(where, f"must be a string, not {_show(value)}")
        return value

    def interests(self, data: dict[str, Any]) -> tuple[str, ...]:
        value = data.get("interests", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(
                "interests", f'must be a list of words such as ["diffusion"], not {_show(value)}'
            )
        return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))

    def number(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        default: float,
        *,
        minimum: float,
        maximum: float = _NUMBER_CEILING,
    ) -> float:
        """A finite int or float in `minimum..maximum`, else a one-line error naming `where`.

        `inf`, `-inf` and `nan` fail the range check itself (nan compares false), and the
        check is made before `float()`, so a huge TOML integer cannot overflow.
        """
        value = table.get(key, default)
        in_range = (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and minimum <= value <= maximum
        )
        if not in_range:
            self.fail(
                where, f"must be a finite number in {minimum:g}..{maximum:g}, not {_show(value)}"
            )
        return float(value)

    def integer(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        default: int,
        *,
        minimum: int,
        maximum: int | None = None,
    ) -> int:
        value = table.get(key, default)
        in_range = (
            isinstance(value, int)
            and not isinstance(value, bool)
            and value >= minimum
            and (maximum is None or value <= maximum)
        )
        if not in_range:
            bounds = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
            self.fail(where, f"must be a whole number {bounds}, not {_show(value)}")
        return int(value)

    def url(self, table: dict[str, Any], key: str, default: str) -> str:
        value = table.get(key, default)
        if not is_web_url(value):
            self.fail(f"network.{key}", f"must be an http(s) URL, not {_show(value)}")
        return value.rstrip("/")

    def feed(self, item: object, where: str) -> FeedConfig:
        if not isinstance(item, dict):
            self.fail(where, "must be a table with a `source` key")
        source = item.get("source")
        if not isinstance(source, str) or source not in SOURCES:
            self.fail(
                f"{where}.source", f"must be one of {', '.join(SOURCES)}, not {_show(source)}"
            )
        assert isinstance(source, str)
        self.no_unknown_keys(item, _FEED_KEYS[source], f"{where}.")
        name = self.optional_str(item, "name", f"{where}.name")
        if name is None:
            name = source
        if not name.strip():
            self.fail(f"{where}.name", "must not be empty")
        name = name.strip()
        if source == "hf-daily":
            period = item.get("period", "day")
            if period not in HF_PERIODS:
                self.fail(f"{where}.period", f"must be day, week or month, not {_show(period)}")
            return FeedConfig(
                source=source,
                name=name,
                period=period,
                days=self.integer(item, "days", f"{where}.days", 7, minimum=1, maximum=366),
                limit=self.integer(item, "limit", f"{where}.limit", 100, minimum=1, maximum=100),
            )
        if source in ("hf-search", "arxiv"):
            query = self.optional_str(item, "query", f"{where}.query")
            if not query or not query.strip():
                self.fail(f"{where}.query", "is required for a search feed")
            assert query is not None
            default_max = 50 if source == "hf-search" else 100
            cap = 100 if source == "hf-search" else 10_000
            max_results = self.integer(
                item, "max_results", f"{where}.max_results", default_max, minimum=1, maximum=cap
            )
            page_size = 100
            if source == "arxiv":
                page_size = self.integer(
                    item, "page_size", f"{where}.page_size", 100, minimum=1, maximum=2000
                )
            return FeedConfig(
                source=source,
                name=name,
                query=query.strip(),
                max_results=max_results,
                page_size=page_size,
            )
        # arxiv-rss
        category = self.optional_str(item, "category", f"{where}.category")
        if not category or not category.strip() or "/" in category:
            self.fail(f"{where}.category", 'is required, such as "cs.LG" or "cs.LG+cs.CL"')
        assert category is not None
        types = item.get("announce_types", ["new", "cross"])
        if not isinstance(types, list) or not types or any(t not in ANNOUNCE_TYPES for t in types):
            self.fail(
                f"{where}.announce_types",
                f"must be a list drawn from {', '.join(ANNOUNCE_TYPES)}, not {_show(types)}",
            )
        return FeedConfig(
            source=source,
            name=name,
            category=category.strip(),
            announce_types=tuple(dict.fromkeys(types)),
        )


def _show(value: object) -> str:
    """A short rendering of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
