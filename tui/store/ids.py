"""The id lookup: which ids the catalog holds, answered without loading the catalog.

A triage command (`paperdeck star ID`) writes only a state shard and the journal, but it must
first know that the paper exists and turn `2206.00927v2` into its catalog id. Loading the
catalog for that costs most of a second at 100k papers and grows with the library; this file
answers it in a few milliseconds. `<home>/cache/ids.txt` is one header line (format, a CRC of
the body, the signature of the `catalog.json` it was derived from) and then one line per key,
`KEY<TAB>CATALOG-ID` (the id left empty when the key is the catalog id itself): every catalog
id and every versionless arXiv id. A lookup is a substring search of the file's bytes, so no
parsing grows with the library beyond reading a file of about 50 bytes a paper.

It is derived, never the store of record: used only while its signature matches the catalog
on disk, so an import or sync by any process retires it (and this process's catalog writes
write a fresh one); a missing, stale or damaged file (bad header, CRC mismatch) is ignored —
removed when damaged — and rebuilt from the catalog the next time a command needs it. Written
atomically, so a reader sees an old lookup or a new one, each consistent with the signature it
records. Plain Python, no Textual.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Mapping
from pathlib import Path

from tui.atomic import atomic_write_parts
from tui.errors import PaperdeckError
from tui.models import Paper
from tui.safefile import read_regular
from tui.store.catalog import Catalog
from tui.store.db import Signature, file_signature

MAGIC = b"paperdeck-ids"
FORMAT = 1
"""Bumped whenever the file's layout or meaning changes (an older file is then rebuilt)."""
_FORBIDDEN = ("\t", "\n", "\r")
"""Characters a key cannot hold in this file (such an id is answered from the catalog)."""


def ids_path(home: Path) -> Path:
    """Where a library's id lookup lives (next to the start-up cache)."""
    return home / "cache" / "ids.txt"


class IdLookup:
    """One id lookup file's contents: `get(key)` is the catalog id a key names, or None."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def get(self, key: str) -> str | None:
        """The catalog id for a catalog id or a versionless arXiv id, None when unknown."""
        if not key or any(c in key for c in _FORBIDDEN):
            return None
        needle = b"\n" + key.encode("utf-8") + b"\t"
        at = self._data.find(needle)
        if at < 0:
            return None
        start = at + len(needle)
        end = self._data.find(b"\n", start)
        value = self._data[start:end].decode("utf-8")
        return value or key


def _header(crc: int, signature: Signature) -> bytes:
    sig = " ".join(str(n) for n in signature)
    return b"%s %d %08x %s" % (MAGIC, FORMAT, crc, sig.encode())


def read_ids(path: Path, signature: Signature | None) -> IdLookup | None:
    """The lookup at `path` if it was derived from the catalog with this `signature`; None
    otherwise. Never raises: a damaged file is removed (it is only derived data)."""
    if signature is None:
        return None
    try:
        data = read_regular(path)
    except FileNotFoundError:
        return None
    except OSError:
        _discard(path)
        return None
    head, newline, _ = data.partition(b"\n")
    words = head.split(b" ")
    if not newline or len(words) != 6 or words[0] != MAGIC or words[1] != b"%d" % FORMAT:
        _discard(path)
        return None
    try:
        crc = int(words[2], 16)
        recorded = tuple(int(w) for w in words[3:])
    except ValueError:
        _discard(path)
        return None
    if recorded != signature:
        return None  # stale: rebuilt by whoever needs it next
    body = memoryview(data)[len(head) :]  # from the header's newline: every line starts "\n"
    if zlib.crc32(body) != crc or not data.endswith(b"\n"):
        _discard(path)
        return None
    return IdLookup(data)


def write_ids(path: Path, signature: Signature | None, papers: Mapping[str, Paper]) -> bool:
    """Write the lookup of `papers`, the catalog as read with `signature`; False when it was
    not written (an id this file cannot hold, or the folder cannot be written: best effort)."""
    if signature is None:
        return False
    lines: list[str] = []
    for pid, paper in papers.items():
        if any(c in pid for c in _FORBIDDEN):
            return False
        lines.append(f"\n{pid}\t")
        if paper.arxiv_id and not any(c in paper.arxiv_id for c in _FORBIDDEN):
            lines.append(f"\n{paper.arxiv_id}\t{pid}")
    body = ("".join(lines) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        atomic_write_parts(
            path, (_header(zlib.crc32(body), signature), body), what="id lookup", mode=0o600
        )
    except (PaperdeckError, OSError):
        return False
    return True


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


class CatalogIds:
    """Answers "which catalog id is this?" from the papers when they are loaded, else from the
    id lookup file when it is current, else by loading the catalog (and writing the lookup)."""

    def __init__(self, home: Path, catalog: Catalog) -> None:
        self._path = ids_path(home)
        self._catalog_path = home / "catalog.json"
        self._catalog = catalog
        self._cached: tuple[Signature, IdLookup] | None = None

    def find(self, key: str) -> str | None:
        """The catalog id `key` names (a catalog id, or a versionless arXiv id), or None."""
        if not self._catalog.loaded:
            lookup = self._lookup()
            if lookup is not None:
                return lookup.get(key)
        papers = self._catalog.papers(texts=False)
        if key in papers:
            return key
        return self._catalog.arxiv_ids().get(key)

    def _lookup(self) -> IdLookup | None:
        signature = file_signature(self._catalog_path)
        if signature is None:
            return None
        if self._cached is not None and self._cached[0] == signature:
            return self._cached[1]
        lookup = read_ids(self._path, signature)
        if lookup is None:
            # Stale or missing: the catalog is the answer this time; the next command is fast.
            papers = self._catalog.papers(texts=False)  # first: it sets the signature read
            write_ids(self._path, self._catalog.signature, papers)
            return None
        self._cached = (signature, lookup)
        return lookup

    def remember(self) -> None:
        """After this process wrote the catalog (papers loaded): write the lookup of it now, so
        the next command need not load the catalog to rebuild it."""
        if self._catalog.loaded:
            papers = self._catalog.papers(texts=False)
            write_ids(self._path, self._catalog.signature, papers)
