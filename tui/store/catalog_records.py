"""Catalog records read one at a time, by where they are in `catalog.json`: `CatalogRecords`.

A one-shot query answered from the scan cache (`tui.store.scan_cache`: the titles' and authors'
word forms, the ids and days) prints a handful of papers out of a hundred thousand; decoding the
whole catalog for them is most of a second. `record_offsets` finds where every record of a
catalog's bytes starts (once, when the cache is saved), and `CatalogRecords` is the papers in
catalog order, each decoded from its own bytes (`os.pread`) when first asked for: the very
`Paper` the whole catalog's decode would give, since it is the same bytes through the same
decoder (`tui.store.catalog_file`).

The offsets are believed only while `catalog.json` has the signature (mtime, size, inode) they
were found in, checked on the descriptor the records are read from, and every record read must
be the paper its number says (its key is that paper's id); else `StaleRecords`, and the caller
answers the ordinary way. Plain Python, no Textual.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

import msgspec

from tui.paper import Paper
from tui.safefile import open_regular
from tui.store.db import META_TABLE, Signature
from tui.store.slices import RECORD_CUT

_RECORD = msgspec.json.Decoder(dict[str, Paper])
_TABLE_START = b'{"papers":{'
_TABLE_END = b',"' + META_TABLE.encode() + b'":'


class StaleRecords(Exception):
    """`catalog.json` is not the file the offsets were found in, or a record is not where they
    say: answer from the whole catalog."""


def read_catalog(path: Path, signature: Signature) -> bytes | None:
    """The bytes of `catalog.json` at `path` if it is still the file with `signature` (checked
    on the descriptor read from); else None."""
    try:
        fd = open_regular(path)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (info.st_mtime_ns, info.st_size, info.st_ino) != signature:
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    finally:
        os.close(fd)
    return raw if len(raw) == signature[1] else None


def record_offsets(raw: bytes, ids: Sequence[str]) -> list[int] | None:
    """Where each record of the catalog `raw` (as the store writes it) starts, and one past the
    last one's end (so record n is `raw[offsets[n]:offsets[n + 1] - 1]`), checked against the
    papers' `ids` in file order; None when the bytes are not laid out that way."""
    if not ids or not raw.startswith(_TABLE_START):
        return None
    end = raw.rfind(_TABLE_END)  # the table's closing brace is just before it
    if end < 0 or raw[end - 1 : end] != b"}":
        return None
    table_end = end - 1
    offsets = [len(_TABLE_START)]
    offsets.extend(cut.start() + 2 for cut in RECORD_CUT.finditer(raw, offsets[0], table_end))
    if len(offsets) != len(ids):
        return None
    offsets.append(table_end + 1)
    # A sample is checked here (the whole check is a sixth of a second at 100k papers); every
    # record read is checked anyway (`CatalogRecords`), so a miss only costs that query.
    for number in {*range(0, len(ids), 997), len(ids) - 1}:
        key = b'"' + ids[number].encode("utf-8", "surrogatepass") + b'":'
        if not raw.startswith(key, offsets[number]):
            return None  # an id the writer escaped, or a cut that is not between records
    return offsets


class CatalogRecords(Sequence[Paper]):
    """The catalog's papers in file order (`ids[n]` is paper n's id), each decoded from its
    own bytes in `path` when first asked for; raises `StaleRecords` when the file is not the
    one with `signature` or a record is not where `offsets` say."""

    def __init__(self, path: Path, signature: Signature, ids: list[str], offsets: list[int]):
        self._path = path
        self._signature = signature
        self.ids = ids
        self._offsets = offsets
        self._fd: int | None = None
        self._decoded: dict[int, Paper] = {}

    def _descriptor(self) -> int:
        if self._fd is None:
            try:
                fd = open_regular(self._path)
            except OSError:
                raise StaleRecords from None
            info = os.fstat(fd)
            if (info.st_mtime_ns, info.st_size, info.st_ino) != self._signature:
                os.close(fd)
                raise StaleRecords
            self._fd = fd
        return self._fd

    def _paper(self, number: int) -> Paper:
        found = self._decoded.get(number)
        if found is None:
            start, stop = self._offsets[number], self._offsets[number + 1] - 1
            try:
                raw = os.pread(self._descriptor(), stop - start, start)
                decoded = _RECORD.decode(b"{" + raw + b"}")
            except (OSError, msgspec.DecodeError):
                raise StaleRecords from None
            if len(decoded) != 1 or self.ids[number] not in decoded:
                raise StaleRecords
            found = self._decoded[number] = decoded[self.ids[number]]
        return found

    @overload
    def __getitem__(self, index: int) -> Paper: ...
    @overload
    def __getitem__(self, index: slice) -> list[Paper]: ...
    def __getitem__(self, index: int | slice) -> Paper | list[Paper]:
        if isinstance(index, slice):
            return [self._paper(n) for n in range(*index.indices(len(self.ids)))]
        if index < 0:
            index += len(self.ids)
        if not 0 <= index < len(self.ids):
            raise IndexError(index)
        return self._paper(index)

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Paper]:
        return map(self._paper, range(len(self.ids)))

    @property
    def read(self) -> int:
        """How many records were decoded so far."""
        return len(self._decoded)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
