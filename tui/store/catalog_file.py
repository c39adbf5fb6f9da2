"""`catalog.json` decoded straight into `Paper` structs (msgspec), a slice at a time.

The store writes the catalog with orjson, compact: `{"papers": {"<id>": {...}, ...}, "_meta":
{"schema": {...}}}`. `decode_catalog` decodes the top level first with the papers table left
as raw bytes (skipped, not built), then the table in slices cut between papers
(`tui.store.slices`, which says why the cuts are safe and why slices), each straight into
`Paper` structs with every field's type checked. Any failure, a wrong-typed record included,
sends the whole file to the ordinary read (`AtomicJSONStorage.read`), which migrates, or names
what is wrong and where. The slicing costs about a tenth more than one decode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from tui.models import Paper
from tui.store.db import META_TABLE
from tui.store.slices import SLICE_BYTES, table_slices


class _Tables(msgspec.Struct, forbid_unknown_fields=True):
    """The file's top level: an unknown table sends the file to the ordinary read."""

    papers: msgspec.Raw = msgspec.Raw(b"{}")
    meta: dict[str, Any] = msgspec.field(default_factory=dict, name=META_TABLE)


_TABLES = msgspec.json.Decoder(_Tables)
_SLICE = msgspec.json.Decoder(dict[str, Paper])


@dataclass(slots=True)
class DecodedCatalog:
    """A decoded `catalog.json`: its schema record, and its papers with their keys in file
    order."""

    meta: dict[str, Any]
    keys: list[str]
    papers: list[Paper]


def decode_catalog(_fd: int, raw: bytes, *, slice_bytes: int = SLICE_BYTES) -> DecodedCatalog:
    """`raw` (a whole `catalog.json`) decoded (a decoder for `AtomicJSONStorage.read_typed`,
    which passes the file's descriptor too); raises `msgspec.DecodeError` (a `ValidationError`
    for a wrong-typed record) when it is not a catalog this decoder takes."""
    tables = _TABLES.decode(raw)
    keys: list[str] = []
    papers: list[Paper] = []
    for part in table_slices(memoryview(tables.papers), slice_bytes):
        decoded = _SLICE.decode(part)
        keys.extend(decoded)
        papers.extend(decoded.values())
    return DecodedCatalog(tables.meta, keys, papers)
