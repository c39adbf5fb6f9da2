"""What every importer shares: the parse result, input decoding, safe XML, and text clean-up.

The importers turn untrusted bytes into `Paper` records. This module owns the rules they all
follow: input is UTF-8 (a BOM, or a UTF-16 file with a BOM, is accepted), damaged input raises
`InputFormatError` with a one-line message that names the file, XML with a DOCTYPE is refused
(the stdlib parser would expand entities), every string goes through `models.clean_text`, only
http(s) URLs survive, a count is kept only within 0..MAX_COUNT (`as_int`), and every field is
cut to the limits in `models` (see `ParseResult`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date

from tui.errors import InputFormatError
from tui.models import (
    NOTE_MAX_CHARS,
    Paper,
    State,
    clean_text,
    cut_text,
    describe_cuts,
    limit_paper,
)

FORMATS: tuple[str, ...] = ("hf-page", "hf-json", "arxiv-atom", "arxiv-rss")
"""Every source format the importers read, by the name that goes into `Paper.sources`."""

OWN_EXPORT_FORMAT = "paperdeck-json"
"""paperdeck's own JSON export: read back as it was written, so it never becomes a source."""

DEFAULT_NAME = "<input>"
"""What error messages call the input when the caller gave no file name."""


class ArxivAPIError(InputFormatError):
    """The arXiv API answered with its `Error` entry instead of results (e.g. a bad parameter)."""


@dataclass(slots=True)
class ParseResult:
    """The papers one input yielded, plus the records that could not be used and why.

    `rejected` holds `(label, reason)` pairs, the label saying where the record was ("entry 3",
    "item 2 (2608.09888)", or the start of a title). `total_results` and `start_index` come from
    an arXiv API page (opensearch) and are None for every other format. `announce_types` maps a
    paper id to its arXiv RSS announce type (`new`, `cross`, `replace`, `replace-cross`) so sync
    can keep only today's new papers; it is empty for every other format. `states` holds the
    user's decisions by paper id when the input carries them (paperdeck's own export).

    Every importer builds one of these, so this is where field limits are applied: on
    construction each paper is cut to the limits of `models.limit_paper` (and each note to
    `NOTE_MAX_CHARS`), and `cuts` counts what was cut by field, for the import report.
    """

    format: str
    papers: list[Paper]
    rejected: list[tuple[str, str]] = field(default_factory=list)
    total_results: int | None = None
    start_index: int | None = None
    announce_types: dict[str, str] = field(default_factory=dict)
    states: dict[str, State] = field(default_factory=dict)
    cuts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        limited: list[Paper] = []
        for paper in self.papers:
            kept, cut = limit_paper(paper)
            limited.append(kept)
            for key in cut:
                self.cuts[key] = self.cuts.get(key, 0) + 1
        self.papers = limited
        for state in self.states.values():
            if len(state.note) > NOTE_MAX_CHARS:
                state.note = cut_text(state.note, NOTE_MAX_CHARS)
                self.cuts["note"] = self.cuts.get("note", 0) + 1

    def cut_summary(self) -> str:
        """What the field limits cut, in words ("2 titles cut to 1,000 characters"), or ""."""
        return describe_cuts(self.cuts)


# -- decoding -------------------------------------------------------------------------------

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_input(data: bytes | str, name: str = DEFAULT_NAME) -> str:
    """Bytes -> text, or InputFormatError for empty, binary or non-UTF-8 input.

    A str is passed through (only the emptiness check applies). A UTF-8 BOM is dropped; a file
    with a UTF-16 BOM (what some Windows editors save) is decoded as UTF-16.
    """
    if isinstance(data, str):
        text = data.removeprefix("\ufeff")
    elif data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputFormatError(
                f"{name}: damaged UTF-16 text (bad bytes at offset {exc.start})"
            ) from None
        text = text.removeprefix("\ufeff")
    else:
        if b"\x00" in data:
            raise InputFormatError(f"{name}: binary file (it contains NUL bytes), not a paper list")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputFormatError(
                f"{name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}, "
                f"offset {exc.start}); save the file as UTF-8"
            ) from None
    if not text.strip():
        raise InputFormatError(f"{name}: empty file, nothing to import")
    if "\x00" in text:
        raise InputFormatError(f"{name}: binary file (it contains NUL bytes), not a paper list")
    return text


# -- XML ------------------------------------------------------------------------------------

_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def refuse_dtd(text: str, name: str) -> None:
    """Refuse XML that declares a DTD: the stdlib parser would expand its entities."""
    if _DTD.search(text):
        raise InputFormatError(
            f"{name}: XML with a DOCTYPE or ENTITY declaration is refused (entity expansion risk)"
        )


def parse_xml(text: str, name: str) -> ET.Element:
    """Parse an XML document with the stdlib, refusing DTDs (entity expansion) up front."""
    refuse_dtd(text, name)
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":", 1)[0]
        hint = " (the file looks truncated)" if reason == "no element found" else ""
        raise InputFormatError(
            f"{name}: malformed XML at line {line}, column {column + 1}: {reason}{hint}"
        ) from None


def element_text(element: ET.Element | None) -> str | None:
    """All text inside an element (None when the element is missing), not yet cleaned."""
    if element is None:
        return None
    return "".join(element.itertext())


# -- text -----------------------------------------------------------------------------------

# TeX escapes of characters that are special in TeX but plain in prose (`\$15`, `92.1\%`).
_TEX_SPECIAL = re.compile(r"\\([$%&_#])")


PRECUT_CHARS = 4 * NOTE_MAX_CHARS
"""How much of one raw text is cleaned at all: four times the longest field limit, so the cap
still reports what it cut, while a 200 MB abstract is not run through half a dozen regular
expressions (each whitespace run a piece in memory: gigabytes) only to be cut afterwards."""


def precut(text: object) -> str:
    """The start of a raw text, before cleaning (see `PRECUT_CHARS`)."""
    raw = "" if text is None else str(text)
    return raw if len(raw) <= PRECUT_CHARS else raw[:PRECUT_CHARS]


def clean_prose(text: object) -> str:
    """A title or abstract as stored: TeX-escaped specials unescaped, whitespace collapsed."""
    return clean_text(_TEX_SPECIAL.sub(r"\1", clean_text(precut(text))))


def optional_text(text: object) -> str | None:
    """`clean_text`, but None for missing or blank values."""
    if text is None:
        return None
    cleaned = clean_text(precut(text))
    return cleaned or None


def iso_date(value: object) -> str | None:
    """`2026-08-11T00:00:00.000Z` -> `2026-08-11`; None when the value is not a date."""
    if not isinstance(value, str):
        return None
    head = value.strip()[:10]
    try:
        return date.fromisoformat(head).isoformat()
    except ValueError:
        return None


MAX_COUNT = 10**9
"""The largest count (upvotes, comments, stars, result totals) an import keeps; beyond it the
value is dropped (None) and the record kept: nothing un-writable (orjson stops at 2**64)
reaches the store."""

_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")


def as_int(value: object) -> int | None:
    """A count from JSON/XML (an int or ASCII digits) within 0..MAX_COUNT; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        # ASCII only: "²".isdigit() is True and int() refuses it; 4,300+ digits int() refuses too.
        if not _ASCII_DIGITS.fullmatch(text):
            return None
        value = int(text)
    if isinstance(value, int) and 0 <= value <= MAX_COUNT:
        return value
    return None


def short_label(text: object, limit: int = 60) -> str:
    """The start of a text, for naming a rejected record."""
    cleaned = clean_text(text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def dedupe(papers: list[tuple[str, Paper]], rejected: list[tuple[str, str]]) -> list[Paper]:
    """Keep the first paper per id; later copies go to `rejected` (labelled) as duplicates."""
    seen: dict[str, str] = {}
    unique: list[Paper] = []
    for label, paper in papers:
        if paper.id in seen:
            rejected.append((label, f"duplicate of {seen[paper.id]}"))
            continue
        seen[paper.id] = label
        unique.append(paper)
    return unique
