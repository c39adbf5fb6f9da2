"""The data model: papers (the catalog), the user's per-paper state, and id helpers.

Everything here is plain Python with no I/O, shared by the store, the importers, the query
engine, export, sync and the interface. A `Paper` is written only by import and sync; a `State`
only by triage (and reading-list sync). See DESIGN.md section 3.
"""

from __future__ import annotations

import itertools
import operator
import re
import time
import unicodedata
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from tui.lazy import lazy_names
from tui.records import Record

if TYPE_CHECKING:
    from tui.paper import PAPER_FIELDS as PAPER_FIELDS
    from tui.paper import DeferredText as DeferredText
    from tui.paper import Paper as Paper
    from tui.paper import abstract_deferred as abstract_deferred
    from tui.paper import fill_texts as fill_texts

__getattr__ = lazy_names(
    __name__,
    globals(),
    dict.fromkeys(
        ("Paper", "PAPER_FIELDS", "DeferredText", "fill_texts", "abstract_deferred"), "tui.paper"
    ),
)
"""`Paper` and its helpers live in `tui.paper` and are handed out from here on first use: `Paper`
is a msgspec struct, and importing msgspec costs tens of milliseconds a triage command does not
need."""


STATUSES: tuple[str, ...] = ("inbox", "later", "done", "skipped")
"""Triage statuses, in the order the interface lists them. A paper with no state is in the inbox."""

_WS = re.compile(r"\s+")

# What may never reach a terminal line (see `terminal_safe`). Every control character (C0
# including tab and newline, DEL, C1 - so ESC, CSI, OSC and BEL, whatever follows them) and the
# line/paragraph separators: each becomes a space, and what an escape sequence carried is left
# as inert text ("[2J", "]0;title").
_CONTROL = "[\x00-\x1f\x7f-\x9f\u2028\u2029]"
# Invisible format characters (Unicode category Cf), bidi controls first among them: they
# reorder or hide text. Removed. ZWNJ/ZWJ (U+200C/U+200D) stay: scripts and emoji need them.
_INVISIBLE = (
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
_SURROGATE = "[\ud800-\udfff]"


@cache
def _unsafe() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The three patterns above, compiled when text first needs them (most text never does:
    compiling them is a millisecond or two of every command's start)."""
    return re.compile(_CONTROL), re.compile(_INVISIBLE), re.compile(_SURROGATE)


# New-style (2206.00927, 2206.00927v2) and old-style (hep-th/9711200v3) arXiv identifiers.
_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7}"
ARXIV_ID_RE = re.compile(rf"^(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v(?P<version>\d+))?$")
_ID_PREFIXES = re.compile(
    r"^(?:arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/|"
    r"https?://(?:www\.)?huggingface\.co/papers/|https?://hf\.co/papers/)",
    re.IGNORECASE,
)


def terminal_safe(text: object, *, keep_newlines: bool = False) -> str:
    """`text` made safe for a terminal line: the one output guard for untrusted text.

    Every control character becomes a space (newlines kept with `keep_newlines`), so no escape
    sequence survives; invisible format characters (bidi overrides and isolates, zero-width
    spaces, …) are removed and lone surrogates become U+FFFD. Nothing else changes; the stored
    forms below (`clean_text`, `clean_multiline`) also collapse whitespace.
    """
    if text is None:
        return ""
    raw = str(text)
    if raw.isprintable():  # C-speed exit: no control, format or surrogate character in it
        return raw
    control, invisible, surrogate = _unsafe()
    raw = invisible.sub("", raw)
    raw = surrogate.sub("\ufffd", raw)
    if keep_newlines:
        return "\n".join(control.sub(" ", line) for line in raw.split("\n"))
    return control.sub(" ", raw)


def clean_text(text: object) -> str:
    """`terminal_safe` text with whitespace collapsed: how every title and abstract is stored."""
    if text is None:
        return ""
    raw = str(text)
    # C-speed exit for text that is clean already (most of it; this runs on every import).
    if raw.isprintable() and "  " not in raw and raw == raw.strip():
        return raw
    return _WS.sub(" ", terminal_safe(raw)).strip()


def clean_multiline(text: object) -> str:
    """Like `clean_text` but keeps paragraph breaks (used for notes, which the user writes)."""
    if text is None:
        return ""
    lines = [_WS.sub(" ", terminal_safe(line)).strip() for line in str(text).splitlines()]
    return "\n".join(lines).strip()


# -- field limits -------------------------------------------------------------------------------
# What one field may hold. Real papers stay far below (titles run to a few hundred characters,
# abstracts to a few thousand, author lists to a few thousand names in particle physics); a
# hostile 200 MB abstract or 2 MB title would make every filter and every repaint crawl.
# Import caps what it builds (`importers.common.ParseResult`); the store's merge is to use the
# same limits.
TITLE_MAX_CHARS = 1_000
"""Longest title kept (also `arxiv_comment` and `journal_ref`)."""
ABSTRACT_MAX_CHARS = 50_000
"""Longest abstract kept (also the AI summary)."""
AUTHORS_MAX = 1_000
"""Most author names kept per paper (also categories and AI keywords)."""
AUTHOR_MAX_CHARS = 300
"""Longest author name kept (also one category or keyword)."""
NOTE_MAX_CHARS = 100_000
"""Longest note kept when a note arrives from a file (the own export, a reading list)."""

_CUT_MARK = "…"


def cut_text(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its start and an ellipsis (`limit` in all)."""
    if len(text) <= limit:
        return text
    return text[: limit - len(_CUT_MARK)].rstrip() + _CUT_MARK


# Every capped Paper text, with its limit and how a report names it (singular, plural).
_TEXT_LIMITS: tuple[tuple[str, int, str, str], ...] = (
    ("title", TITLE_MAX_CHARS, "title", "titles"),
    ("abstract", ABSTRACT_MAX_CHARS, "abstract", "abstracts"),
    ("ai_summary", ABSTRACT_MAX_CHARS, "AI summary", "AI summaries"),
    ("arxiv_comment", TITLE_MAX_CHARS, "arXiv comment", "arXiv comments"),
    ("journal_ref", TITLE_MAX_CHARS, "journal reference", "journal references"),
)
# Every capped Paper list, and how a report names the list, one entry and many entries.
_LIST_LIMITS: tuple[tuple[str, str, str, str], ...] = (
    ("authors", "author list", "name", "names"),
    ("categories", "category list", "category", "categories"),
    ("ai_keywords", "keyword list", "keyword", "keywords"),
)


def limit_paper(paper: Paper) -> tuple[Paper, list[str]]:
    """The paper with every text within the field limits, and the keys of what was cut.

    A key is a field name (`title`, `abstract`, `authors` when the list was too long) or
    `<list>:entry` when entries of a list were too long; `describe_cuts` words a count of them.
    The paper itself is returned (not a copy) when nothing needed cutting.
    """
    changes: dict[str, Any] = {}
    cut: list[str] = []
    for name, limit, _, _ in _TEXT_LIMITS:
        value = getattr(paper, name)
        if isinstance(value, str) and len(value) > limit:
            changes[name] = cut_text(value, limit)
            cut.append(name)
    for name, _, _, _ in _LIST_LIMITS:
        values: list[str] = getattr(paper, name)
        if len(values) > AUTHORS_MAX:
            values = values[:AUTHORS_MAX]
            cut.append(name)
        if any(len(v) > AUTHOR_MAX_CHARS for v in values):
            values = [cut_text(v, AUTHOR_MAX_CHARS) for v in values]
            cut.append(f"{name}:entry")
        if values is not getattr(paper, name):
            changes[name] = list(values)
    if not changes:
        return paper, cut
    from msgspec.structs import replace

    return replace(paper, **changes), cut


def describe_cuts(counts: Mapping[str, int]) -> str:
    """`{"title": 2}` -> "2 titles cut to 1,000 characters" (parts joined by "; ")."""
    parts: list[str] = []
    for name, limit, one, many in _TEXT_LIMITS:
        if counts.get(name):
            n = counts[name]
            parts.append(f"{n} {one if n == 1 else many} cut to {limit:,} characters")
    for name, label, entry, entries in _LIST_LIMITS:
        if counts.get(name):
            n = counts[name]
            parts.append(f"{n} {label}{'' if n == 1 else 's'} cut to {AUTHORS_MAX:,} {entries}")
        if counts.get(f"{name}:entry"):
            n = counts[f"{name}:entry"]
            papers = "paper" if n == 1 else "papers"
            parts.append(f"{n} {papers} with a {entry} cut to {AUTHOR_MAX_CHARS:,} characters")
    if counts.get("note"):
        n = counts["note"]
        parts.append(f"{n} note{'' if n == 1 else 's'} cut to {NOTE_MAX_CHARS:,} characters")
    return "; ".join(parts)


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_title(title: str) -> str:
    """The form two titles are compared in: NFKD-folded, lower case, letters and digits only."""
    if title.isascii():  # the common case, and hot: every paper of a 100k library at load
        return _NON_ALNUM.sub(" ", title.lower()).strip()
    folded = unicodedata.normalize("NFKD", title)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    return _NON_ALNUM.sub(" ", folded).strip()


_TO_SPACE = {c: " " for c in range(128) if not chr(c).isdigit() and not "a" <= chr(c) <= "z"}
_TO_SPACE[ord("\n")] = "\n"


def normalise_titles(titles: list[str]) -> list[str]:
    """`normalise_title` of each, the ASCII ones in C-level passes over all of them at once (an
    import indexes every title of the catalog: 1 s at 100k papers one by one)."""
    if not titles:
        return []
    joined = "\n".join(titles)
    if joined.count("\n") != len(titles) - 1:
        return list(map(normalise_title, titles))  # a title holds a newline: one by one
    parts = joined.lower().translate(_TO_SPACE).split("\n")
    folded = list(map(" ".join, map(str.split, parts)))  # runs of spaces as one, stripped
    if not joined.isascii():  # those few folded one by one (NFKD)
        for n in itertools.compress(
            range(len(titles)), map(operator.not_, map(str.isascii, titles))
        ):
            folded[n] = normalise_title(titles[n])
    return folded


def title_key(title: str) -> str:
    """The stable key of a paper that came without an arXiv id (derived from its title)."""
    import hashlib  # here: its OpenSSL library costs a triage command milliseconds

    digest = hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()[:16]
    return f"title:{digest}"


def split_arxiv_id(text: str) -> tuple[str, int | None] | None:
    """`2206.00927v2` -> ("2206.00927", 2); prefixes and URLs are accepted; None if not arXiv."""
    raw = text.strip()
    raw = _ID_PREFIXES.sub("", raw)
    raw = raw.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if raw.lower().endswith(".pdf"):
        raw = raw[:-4]
    match = ARXIV_ID_RE.match(raw)
    if not match:
        return None
    version = match.group("version")
    # A version beyond 6 digits is not arXiv's (and int() refuses 4,300+ digits): dropped.
    return match.group("id"), int(version) if version and len(version) <= 6 else None


def paper_key(arxiv_id: str | None, title: str) -> str:
    """The canonical catalog key: `arxiv:<id>` when there is an arXiv id, else a title key."""
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    return title_key(title)


def utc_stamp() -> str:
    """Now as `YYYY-MM-DDTHH:MM:SSZ`: the one format of `first_seen`, `new_since`, sync times.

    `is:new` compares these strings, so every writer must use this function.
    """
    # time.gmtime rather than datetime.now(UTC): the same text, without importing datetime (a
    # triage command's start-up pays for every module).
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def now_ts() -> float:
    """Seconds since the epoch: the clock every per-field update time is written with."""
    return time.time()


class State(Record):
    """The user's decisions about one paper, with the time each field was last changed.

    `times` maps a field name to the time it was last set: `status`, `starred`, `note`,
    `opened_at`, and `tag:<name>` for each tag ever added or removed. A `tag:<name>` time for a
    tag that is not in `tags` is a tombstone: the tag was removed then, so an older copy that
    still has it does not bring it back when reading lists merge.
    """

    __slots__ = ("note", "opened_at", "starred", "status", "tags", "times")

    def __init__(
        self,
        status: str = "inbox",
        starred: bool = False,
        tags: list[str] | None = None,
        note: str = "",
        opened_at: str | None = None,
        times: dict[str, float] | None = None,
    ) -> None:
        self.status = status
        self.starred = starred
        self.tags: list[str] = [] if tags is None else tags
        self.note = note
        self.opened_at = opened_at
        self.times: dict[str, float] = {} if times is None else times

    @property
    def is_default(self) -> bool:
        """True when this state says nothing beyond 'in the inbox' (and has no tombstones)."""
        return (
            self.status == "inbox"
            and not self.starred
            and not self.tags
            and not self.note
            and self.opened_at is None
            and not self.times
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "status": self.status,
            "starred": self.starred,
            "tags": sorted(self.tags),
            "note": self.note,
            "opened_at": self.opened_at,
            "times": dict(self.times),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> State:
        """Build from a stored dict, tolerating missing keys."""
        status = data.get("status", "inbox")
        tags = data.get("tags") or []
        times = data.get("times") or {}
        return cls(
            status=status if status in STATUSES else "inbox",
            starred=bool(data.get("starred", False)),
            tags=sorted(set(map(str, tags))) if tags else [],
            note=str(data.get("note") or ""),
            opened_at=data.get("opened_at"),
            times={str(k): float(v) for k, v in times.items()} if times else {},
        )

    def copy(self) -> State:
        """An independent copy."""
        return State.from_dict(self.to_dict())


DEFAULT_STATE = State()
"""The state of a paper the user never touched. Treat as read-only."""


def normalise_tag(tag: str) -> str:
    """Tags are lower case, without surrounding space or commas, inner spaces as hyphens."""
    cleaned = clean_text(tag).strip(",").strip().lower()
    return re.sub(r"\s+", "-", cleaned)
