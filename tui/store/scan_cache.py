"""The scan cache: the catalog's titles and authors as a one-shot query scans them, saved so the
next `paperdeck list` does not normalise them again.

A one-shot query (`paperdeck list diffusion`) searches titles and authors by scanning their
normalised word form (`tui.query.scan`), which it builds from the papers first: a third of a
second at 100k papers, on every run. `<home>/cache/scan-words.bin` keeps that form as the last
run built it, with what it was derived from:

    MAGIC, the header's length and CRC, the header (JSON): the signature (mtime, size, inode)
    of the `catalog.json` the papers were decoded from, how many papers and the CRC of their
    ids in order, the word form's version (`tui.query.scan.WORDS_FORMAT`) and chunk size, and
    per field, per chunk: its first paper, its bytes' length and its paper count; the body's
    CRC; then the body: per field, per chunk, its bytes and where each paper starts (uint32).

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
from pathlib import Path
from typing import Any

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

Chunk = tuple[int, bytes, list[int]]
"""As `tui.query.scan` makes them: (first paper, bytes, where each paper starts + the end)."""


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


def load_words(path: Path, key: Mapping[str, Any]) -> dict[str, list[Chunk]] | None:
    """The word forms saved at `path` by field, if they were derived from what `key` says
    (`papers_key`); else None (a damaged file is removed)."""
    if array(_STARTS).itemsize != 4:
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
        found = _parse(raw, key)
    except (ValueError, KeyError, TypeError, struct.error, orjson.JSONDecodeError):
        found = None
        discard(path)
    return found


def _parse(raw: bytes, key: Mapping[str, Any]) -> dict[str, list[Chunk]] | None:
    """The fields of a scan cache's bytes if it matches `key` (None: stale); raises ValueError
    (or another parse error) when the bytes are damaged."""
    if not raw.startswith(MAGIC):
        raise ValueError("not a scan cache")
    size, crc = _HEAD.unpack_from(raw, len(MAGIC))
    start = len(MAGIC) + _HEAD.size
    header_bytes = raw[start : start + size]
    if len(header_bytes) != size or zlib.crc32(header_bytes) != crc:
        raise ValueError("damaged header")
    header = orjson.loads(header_bytes)
    if header["key"] != dict(key):
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
    if at != len(body):
        raise ValueError("body longer than its header says")
    return fields


def save_words(path: Path, key: Mapping[str, Any], fields: Mapping[str, list[Chunk]]) -> bool:
    """Write the word forms `fields` (by field name), derived from what `key` says; False when
    not written (the folder cannot be written: best effort, the next run scans again)."""
    if array(_STARTS).itemsize != 4:
        return False
    parts: list[bytes] = []
    layout: dict[str, list[list[int]]] = {}
    for name, chunks in fields.items():
        layout[name] = []
        for base, blob, starts in chunks:
            layout[name].append([base, len(blob), len(starts) - 1])
            parts.append(blob)
            try:
                parts.append(array(_STARTS, starts).tobytes())
            except OverflowError:  # a chunk past 4 GB: not saved
                return False
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    header = orjson.dumps({"key": dict(key), "fields": layout, "body": crc})
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
