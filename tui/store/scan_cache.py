"""The scan cache: the catalog's titles and authors as a one-shot query scans them, saved so the
next `paperdeck list` does not normalise them again.

A one-shot query (`paperdeck list diffusion`) searches titles and authors by scanning their
normalised word form (`tui.query.scan`), which it builds from the papers first: a third of a
second at 100k papers, on every run. `<home>/cache/scan-words.bin` keeps that form as the last
run built it, with what it was derived from:

    MAGIC, the header's length and CRC, the header (JSON): the signature (mtime, size, inode)
    of the `catalog.json` the papers were decoded from, how many papers and the CRC of their
    ids in order, the word form's version (`tui.query.scan.WORDS_FORMAT`) and chunk size, and
    per field, per chunk: its first paper, its bytes' length and its paper count; the lengths
    of the columns; the body's CRC; then the body: per field, per chunk, its bytes and where
    each paper starts (uint32); then the columns: the ids and the days papers sort on (JSON
    lists), their upvotes (a JSON list) and where each paper's record starts in `catalog.json` (uint64, and where the last
    one ends), so a query answered from titles and authors alone reads only the records it
    prints (`tui.store.catalog_records`).

It is derived, never the store of record: believed only while every one of those matches the
papers just read (so an import or sync by any process, which rewrites `catalog.json`, retires
it), and the CRCs match what is read; a missing, stale or damaged file only means the ordinary
scan (a damaged one is removed), and the run that scanned writes a fresh one. Written
atomically, so a reader sees an old file or a new one. Plain Python, no Textual.
"""

from __future__ import annotations

import contextlib
import os
import struct
import zlib
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import orjson

from tui.atomic import atomic_write_parts
from tui.errors import PaperdeckError
from tui.safefile import open_regular
from tui.store.db import Signature

MAGIC = b"paperdeck-scan\x00\x01"
"""The file's first bytes; the last one is the layout's version."""
_HEAD = struct.Struct("<II")
"""The header's length and CRC."""
_STARTS = "I"
"""The array type paper starts are saved as (4 bytes: a chunk's bytes never reach 4 GB)."""

_OFFSETS = "Q"
"""The array type record offsets are saved as (8 bytes)."""

_STRINGS = msgspec.json.Decoder(list[str])
"""The ids and days columns: a list of strings, checked as it is decoded."""
_NUMBERS = msgspec.json.Decoder(list[int | None])
"""The upvotes column."""

Chunk = tuple[int, bytes, list[int]]
"""As `tui.query.scan` makes them: (first paper, bytes, where each paper starts + the end)."""


@dataclass(slots=True)
class ScanCache:
    """What a scan cache holds: word forms by field, the papers' ids and days in catalog order,
    and where each record starts in `catalog.json` (with the last one's end); None where a
    saved file left them out."""

    key: dict[str, Any]
    """What it was derived from (`papers_key`)."""
    words: dict[str, list[Chunk]]
    ids: list[str] | None = None
    days: list[str] | None = None
    records: list[int] | None = None
    upvotes: list[int | None] | None = None


def cache_path(home: Path) -> Path:
    """Where a library's scan cache lives (next to the start-up cache)."""
    return home / "cache" / "scan-words.bin"


def papers_key(
    signature: Signature, ids: Sequence[str], version: int, chunk: int
) -> dict[str, Any]:
    """What a saved word form must have been derived from to serve these papers: the catalog
    file read (`signature`), the papers' ids in order, and the word form's version and chunk
    size."""
    joined = "\n".join(ids).encode("utf-8", "surrogatepass")
    return {
        "catalog": list(signature),
        "count": len(ids),
        "ids": zlib.crc32(joined),
        "words": version,
        "chunk": chunk,
    }


def load_words(path: Path, key: Mapping[str, Any] | None = None) -> ScanCache | None:
    """The scan cache at `path`, if it was derived from what `key` says (`papers_key`); with
    no key, whatever it holds (the caller checks `papers_key` of its ids and the catalog's
    signature against `saved_key`). None when missing, stale or damaged (damaged: removed)."""
    if array(_STARTS).itemsize != 4 or array(_OFFSETS).itemsize != 8:
        return None
    try:
        fd = open_regular(path)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    try:
        return _parse(raw, key)
    except (ValueError, KeyError, TypeError, struct.error, msgspec.DecodeError):
        discard(path)
        return None


def _parse(raw: bytes, key: Mapping[str, Any] | None) -> ScanCache | None:
    """The scan cache in `raw` if it matches `key` (None: stale); raises ValueError (or another
    parse error) when the bytes are damaged."""
    if not raw.startswith(MAGIC):
        raise ValueError("not a scan cache")
    size, crc = _HEAD.unpack_from(raw, len(MAGIC))
    start = len(MAGIC) + _HEAD.size
    header_bytes = raw[start : start + size]
    if len(header_bytes) != size or zlib.crc32(header_bytes) != crc:
        raise ValueError("damaged header")
    header = orjson.loads(header_bytes)
    if key is not None and header["key"] != dict(key):
        return None
    body = memoryview(raw)[start + size :]
    if zlib.crc32(body) != header["body"]:
        raise ValueError("damaged body")
    fields: dict[str, list[Chunk]] = {}
    at = 0
    for name, chunks in header["fields"].items():
        out: list[Chunk] = []
        for base, length, papers in chunks:
            blob = bytes(body[at : at + length])
            at += length
            starts = array(_STARTS)
            starts.frombytes(body[at : at + 4 * (papers + 1)])
            at += 4 * (papers + 1)
            if len(blob) != length or len(starts) != papers + 1:
                raise ValueError("short body")
            out.append((base, blob, starts.tolist()))
        fields[name] = out
    found = ScanCache(header["key"], fields)
    count = found.key["count"]
    columns = header["columns"]
    for name in ("ids", "days"):
        if name in columns:
            values = _STRINGS.decode(body[at : at + columns[name]])
            at += columns[name]
            if len(values) != count:
                raise ValueError(f"damaged {name}")
            setattr(found, name, values)
    if "upvotes" in columns:
        votes = _NUMBERS.decode(body[at : at + columns["upvotes"]])
        at += columns["upvotes"]
        if len(votes) != count:
            raise ValueError("damaged upvotes")
        found.upvotes = votes
    if "records" in columns:
        offsets = array(_OFFSETS)
        offsets.frombytes(body[at : at + columns["records"]])
        at += columns["records"]
        if len(offsets) not in (0, count + 1):  # none: the catalog is not laid out for them
            raise ValueError("damaged records")
        found.records = offsets.tolist()
    if at != len(body):
        raise ValueError("body longer than its header says")
    return found


def save_words(path: Path, cache: ScanCache) -> bool:
    """Write `cache`; False when not written (a chunk too large for the layout, or the folder
    cannot be written: best effort, the next run scans again)."""
    if array(_STARTS).itemsize != 4 or array(_OFFSETS).itemsize != 8:
        return False
    parts: list[bytes] = []
    layout: dict[str, list[list[int]]] = {}
    try:
        for name, chunks in cache.words.items():
            layout[name] = []
            for base, blob, starts in chunks:
                layout[name].append([base, len(blob), len(starts) - 1])
                parts.append(blob)
                parts.append(array(_STARTS, starts).tobytes())
        columns: dict[str, int] = {}
        for name, values in (("ids", cache.ids), ("days", cache.days)):
            if values is not None:
                part = orjson.dumps(values)
                columns[name] = len(part)
                parts.append(part)
        if cache.upvotes is not None:
            part = orjson.dumps(cache.upvotes)
            columns["upvotes"] = len(part)
            parts.append(part)
        if cache.records is not None:
            part = array(_OFFSETS, cache.records).tobytes()
            columns["records"] = len(part)
            parts.append(part)
    except (OverflowError, TypeError):  # past the layout's integers, or a lone surrogate
        return False
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    header = orjson.dumps({"key": cache.key, "fields": layout, "columns": columns, "body": crc})
    head = MAGIC + _HEAD.pack(len(header), zlib.crc32(header)) + header
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        atomic_write_parts(path, (head, *parts), what="scan cache", mode=0o600)
    except (PaperdeckError, OSError):
        return False
    return True


def discard(path: Path) -> None:
    """Remove the scan cache (damaged): the next run that scans writes a fresh one."""
    with contextlib.suppress(OSError):
        path.unlink()
