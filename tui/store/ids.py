"""The id lookup: which ids the catalog holds, answered without loading the catalog.

A triage command (`paperdeck star ID`) writes only a state shard and the journal, but it must
first know that the paper exists and turn `2206.00927v2` into its catalog id. Loading the
catalog for that costs most of a second at 100k papers and grows with the library; this file
answers it by reading a few kilobytes at any size. `<home>/cache/ids.bin` maps every catalog id
(to itself) and every versionless arXiv id (to its paper's catalog id), in buckets by a hash of
the key of about a thousand keys each:

    MAGIC, then a header: the signature (mtime, size, inode) of the `catalog.json` it was
    derived from, the bucket count and the CRC of the bucket table;
    the bucket table: per bucket its offset, length and CRC;
    the buckets: lines `\nKEY\tCATALOG-ID` (the id empty when the key is the catalog id).

A lookup reads the header, the table (12 bytes a bucket) and one bucket, and checks both CRCs.

It is derived, never the store of record: used only while its signature matches the catalog on
disk, so an import or sync by any process retires it (and this process's catalog writes write a
fresh one); a missing, stale or damaged file (bad magic, a CRC mismatch, a short read) is not
believed — removed when damaged — and is rebuilt from the catalog the next time a command needs
it. Written atomically, so a reader sees an old lookup or a new one, each consistent with the
signature it records. Plain Python, no Textual.
"""

from __future__ import annotations

import contextlib
import os
import struct
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from tui.atomic import atomic_write_parts
from tui.errors import PaperdeckError, UnknownPaperError
from tui.models import split_arxiv_id
from tui.safefile import open_regular
from tui.store.catalog import Catalog
from tui.store.db import Signature, file_signature

if TYPE_CHECKING:
    from tui.models import Paper

MAGIC = b"paperdeck-ids\x00\x00\x01"
"""The file's first bytes; the last one is the format, bumped whenever the layout changes."""
HEADER = struct.Struct("<qqQII")
"""mtime_ns, size and inode of the catalog; bucket count; CRC of the bucket table."""
ENTRY = struct.Struct("<QII")
"""Per bucket: offset (from the end of the table), length, CRC."""
KEYS_PER_BUCKET = 1024
_FORBIDDEN = ("\t", "\n", "\r")
"""Characters a key cannot hold in this file (such an id is answered from the catalog)."""


def ids_path(home: Path) -> Path:
    """Where a library's id lookup lives (next to the start-up cache)."""
    return home / "cache" / "ids.bin"


class Unusable(Exception):
    """The lookup file is missing, stale or damaged: ask the catalog."""

    def __init__(self, damaged: bool) -> None:
        super().__init__("damaged" if damaged else "missing or stale")
        self.damaged = damaged


def _bucket(key: bytes, count: int) -> int:
    return zlib.crc32(key) % count


def _read_exactly(fd: int, size: int, offset: int) -> bytes:
    data = os.pread(fd, size, offset)
    if len(data) != size:
        raise Unusable(damaged=True)
    return data


def find_id(path: Path, signature: Signature, key: str) -> str | None:
    """The catalog id `key` names per the lookup at `path` (None: no such paper), if that file
    was derived from the catalog with `signature`; else `Unusable`."""
    try:
        fd = open_regular(path)
    except FileNotFoundError:
        raise Unusable(damaged=False) from None
    except OSError:
        raise Unusable(damaged=True) from None
    try:
        head = _read_exactly(fd, len(MAGIC) + HEADER.size, 0)
        if head[: len(MAGIC)] != MAGIC:
            raise Unusable(damaged=True)
        mtime, size, inode, count, table_crc = HEADER.unpack_from(head, len(MAGIC))
        if (mtime, size, inode) != signature:
            raise Unusable(damaged=False)
        if count < 1:
            raise Unusable(damaged=True)
        table = _read_exactly(fd, count * ENTRY.size, len(head))
        if zlib.crc32(table) != table_crc:
            raise Unusable(damaged=True)
        raw = key.encode("utf-8", "surrogatepass")
        offset, length, crc = ENTRY.unpack_from(table, _bucket(raw, count) * ENTRY.size)
        bucket = _read_exactly(fd, length, len(head) + len(table) + offset)
        if zlib.crc32(bucket) != crc:
            raise Unusable(damaged=True)
    except OSError:
        raise Unusable(damaged=True) from None
    finally:
        os.close(fd)
    if not key or any(c in key for c in _FORBIDDEN):
        return None  # no key in a current lookup holds one (see write_ids)
    needle = b"\n" + raw + b"\t"
    at = bucket.find(needle)
    if at < 0:
        return None
    start = at + len(needle)
    value = bucket[start : bucket.find(b"\n", start)].decode("utf-8")
    return value or key


def write_ids(path: Path, signature: Signature | None, papers: Mapping[str, Paper]) -> bool:
    """Write the lookup of `papers`, the catalog as read with `signature`; False when it was
    not written (an id this file cannot hold, or the folder cannot be written: best effort)."""
    if signature is None:
        return False
    pairs: list[tuple[bytes, bytes]] = []
    arxiv_ids = [paper.arxiv_id or "" for paper in papers.values()]
    every_key = "\x00".join([*papers, *arxiv_ids])  # one C-level search, not one per key
    if any(c in every_key for c in _FORBIDDEN):
        return False  # the file could not say it: every lookup goes to the catalog
    try:
        for pid, paper in papers.items():
            raw = pid.encode("utf-8")
            pairs.append((raw, b""))
            if paper.arxiv_id:
                pairs.append((paper.arxiv_id.encode("utf-8"), raw))
    except UnicodeEncodeError:
        return False
    count = max(1, len(pairs) // KEYS_PER_BUCKET)
    buckets: list[list[bytes]] = [[] for _ in range(count)]
    for key, value in pairs:
        buckets[_bucket(key, count)].append(b"\n%s\t%s" % (key, value))
    bodies = [b"".join(lines) + b"\n" for lines in buckets]
    return _write_buckets(path, signature, bodies, list(map(zlib.crc32, bodies)))


def _write_buckets(path: Path, signature: Signature, bodies: list[bytes], crcs: list[int]) -> bool:
    """Write the lookup file: the header (with `signature`), the bucket table and the buckets'
    `bodies` (`crcs`: each one's CRC); False when the folder cannot be written."""
    table = bytearray()
    offset = 0
    for body, crc in zip(bodies, crcs, strict=True):
        table += ENTRY.pack(offset, len(body), crc)
        offset += len(body)
    head = MAGIC + HEADER.pack(*signature, len(bodies), zlib.crc32(table))
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        atomic_write_parts(path, (head, bytes(table), *bodies), what="id lookup", mode=0o600)
    except (PaperdeckError, OSError):
        return False
    return True


def update_ids(
    path: Path, before: Signature, after: Signature, lines: Mapping[str, str], gone: Iterable[str]
) -> bool:
    """Bring the lookup at `path`, derived from the catalog with signature `before`, up to date
    with a write that made it `after`: `lines` (key -> catalog id, "" for the id itself) set,
    `gone` keys removed; only the buckets they fall in are rewritten, the others copied as they
    are. False when the file is not that lookup (or a key cannot be held): then `write_ids`."""
    try:
        fd = open_regular(path)
    except OSError:
        return False
    try:
        raw = os.read(fd, os.fstat(fd).st_size)
    except OSError:
        return False
    finally:
        os.close(fd)
    start = len(MAGIC) + HEADER.size
    if len(raw) < start or raw[: len(MAGIC)] != MAGIC:
        return False
    mtime, size, inode, count, table_crc = HEADER.unpack_from(raw, len(MAGIC))
    table_end = start + count * ENTRY.size
    if (mtime, size, inode) != before or count < 1 or len(raw) < table_end:
        return False
    if zlib.crc32(raw[start:table_end]) != table_crc:
        return False
    if not all([*lines, *gone]):
        return False
    if any(c in key for key in [*lines, *gone, *lines.values()] for c in _FORBIDDEN):
        return False
    bodies: list[bytes] = []
    crcs: list[int] = []  # an untouched bucket keeps its own: damage stays detectable
    for n in range(count):
        offset, length, crc = ENTRY.unpack_from(raw, start + n * ENTRY.size)
        body = raw[table_end + offset : table_end + offset + length]
        if len(body) != length:
            return False
        bodies.append(body)
        crcs.append(crc)
    touched: dict[int, dict[bytes, bytes]] = {}
    for key in [*gone, *lines]:
        raw_key = key.encode("utf-8")
        n = _bucket(raw_key, count)
        if n not in touched:
            if zlib.crc32(bodies[n]) != crcs[n]:
                return False
            split = [line.split(b"\t", 1) for line in bodies[n].split(b"\n") if line]
            if not all(len(pair) == 2 for pair in split):
                return False
            touched[n] = {k: v for k, v in split}
        if key in lines:
            touched[n][raw_key] = lines[key].encode("utf-8")
        else:
            touched[n].pop(raw_key, None)
    for n, pairs in touched.items():
        bodies[n] = b"".join(b"\n%s\t%s" % item for item in pairs.items()) + b"\n"
        crcs[n] = zlib.crc32(bodies[n])
    return _write_buckets(path, after, bodies, crcs)


def discard(path: Path) -> None:
    """Remove a damaged lookup (best effort: it is rebuilt anyway)."""
    with contextlib.suppress(OSError):
        path.unlink()


class CatalogIds:
    """Answers "which catalog id is this?" from the papers when they are loaded, else from the
    id lookup file when it is current, else by loading the catalog (and writing the lookup)."""

    def __init__(self, home: Path, catalog: Catalog) -> None:
        self._home = home
        self._path = ids_path(home)
        self._catalog_path = home / "catalog.json"
        self._catalog = catalog

    def find(self, key: str) -> str | None:
        """The catalog id `key` names (a catalog id, or a versionless arXiv id), or None."""
        if not self._catalog.loaded:
            signature = file_signature(self._catalog_path)
            if signature is not None:
                try:
                    return find_id(self._path, signature, key)
                except Unusable as why:
                    if why.damaged:
                        discard(self._path)
                    # The catalog answers this time; the next command is fast again.
                    papers = self._catalog.papers(texts=False)  # first: it sets the signature
                    write_ids(self._path, self._catalog.signature, papers)
        papers = self._catalog.papers(texts=False)
        if key in papers:
            return key
        return self._catalog.arxiv_ids().get(key)

    def resolve(self, text: str, aliases: Callable[[], Mapping[str, str]]) -> str:
        """The catalog id of any id form the user may type, or UnknownPaperError: a catalog id,
        `2206.00927`, `2206.00927v2`, `arXiv:2206.00927`, an arXiv or Hugging Face paper URL, or
        an id of a paper later re-keyed (`aliases()`: old id -> new, asked only when needed)."""
        raw = text.strip()
        if self.find(raw) == raw:
            return raw
        renamed = aliases().get(raw)
        if renamed is not None and self.find(renamed) == renamed:
            return renamed
        split = split_arxiv_id(raw)
        if split:
            pid = self.find(split[0])
            if pid:
                return pid
        raise UnknownPaperError(f"no paper with id {raw!r} in the library at {self._home}")

    def remember(self) -> None:
        """After this process wrote the catalog (papers loaded): write the lookup of it now, so
        the next command need not load the catalog to rebuild it."""
        if not self._catalog.loaded:
            return
        done = self._catalog.last_commit
        after = self._catalog.signature
        if (
            done is not None
            and done.before is not None
            and after is not None
            and done.after == after
        ):
            lines: dict[str, str] = {}
            for pid, paper in done.staged.papers.items():
                lines[pid] = ""
                if paper.arxiv_id:
                    lines[paper.arxiv_id] = pid
            if update_ids(self._path, done.before, after, lines, done.staged.rekeyed):
                return
        papers = self._catalog.papers(texts=False)
        write_ids(self._path, self._catalog.signature, papers)
