"""`catalog.json` decoded straight into `Paper` structs (msgspec), a slice at a time.

The store writes the catalog with orjson, compact: `{"papers": {"<id>": {...}, ...}, "_meta":
{"schema": {...}}}`. `decode_catalog` decodes the top level first with the papers table left
as raw bytes (skipped, not built), then the table in slices of about `SLICE_BYTES`, each cut
where one paper's object ends and the next paper's id begins: `},"arxiv:` or `},"title:`.

Why those cuts are safe:
- outside a string only: a quote inside a JSON string is always escaped (`\\"`), so `,"`
  followed by a letter is a key's opening quote, and the `}` before it closes an object;
- never inside a paper: a paper's only object field is `links`, which holds strings only, and
  no field's name starts with `arxiv:` or `title:`;
- and a cut in the wrong place (a file written by another hand) cannot go unnoticed: it leaves
  a slice whose braces do not balance, which fails to decode. Any failure, a wrong-typed record
  included, sends the whole file to the ordinary read (`AtomicJSONStorage.read`), which
  migrates, or names what is wrong and where.

Why slices: msgspec holds the GIL while it decodes. In one piece that is half a second at 100k
papers and five at a million, during which no key is answered and `q` cannot quit; between
slices (a few milliseconds each) the interface thread runs. The slicing costs about a tenth
more than one decode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import msgspec

from tui.models import Paper
from tui.store.db import META_TABLE

SLICE_BYTES = 256 * 1024
"""About how much of the papers table one slice holds (about 500 papers, 3 ms of decoding)."""
_CUT = re.compile(rb'\},"(?:arxiv|title):')


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


def decode_catalog(raw: bytes, *, slice_bytes: int = SLICE_BYTES) -> DecodedCatalog:
    """`raw` (a whole `catalog.json`) decoded; raises `msgspec.DecodeError` (a
    `ValidationError` for a wrong-typed record) when it is not a catalog this decoder takes."""
    tables = _TABLES.decode(raw)
    keys: list[str] = []
    papers: list[Paper] = []
    for part in table_slices(memoryview(tables.papers), slice_bytes):
        decoded = _SLICE.decode(part)
        keys.extend(decoded)
        papers.extend(decoded.values())
    return DecodedCatalog(tables.meta, keys, papers)


def table_slices(table: memoryview, slice_bytes: int) -> list[bytes]:
    """The JSON object `table` (`{"<id>": {...}, ...}`) as objects of consecutive entries,
    each about `slice_bytes` long and cut at the start of a paper's id (see the module
    docstring); one slice when no cut is found."""
    end = len(table) - 1  # the table's closing brace
    if end < 1 or table[0] != ord("{") or table[end] != ord("}"):
        return [bytes(table)]
    parts: list[bytes] = []
    start = 1
    while start < end:
        found = _CUT.search(table, start + slice_bytes) if start + slice_bytes < end else None
        stop = found.start() + 1 if found else end
        parts.append(b"{" + table[start:stop] + b"}")
        start = stop + 1  # past the comma
    return parts or [b"{}"]
