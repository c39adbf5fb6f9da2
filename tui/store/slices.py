"""A store table as the store writes it (orjson, compact) cut into slices between records, so a
large file is decoded a slice at a time (`tui.store.catalog_file`, `tui.store.texts`).

A table is `{"<id>": {...}, "<id>": {...}}` and every id starts `arxiv:` or `title:`, so a cut
goes where `},"arxiv:` or `},"title:` is. Why that is always between two records:
- it is outside any string: a quote inside a JSON string is always escaped (`\\"`), so `,"`
  followed by a letter is a key's opening quote, and the `}` before it closes an object;
- it is never inside a record: the only object in a catalog record is `links`, which holds
  strings only, a texts record holds no object, and no field's name starts with `arxiv:` or
  `title:`;
- and a cut in the wrong place (in a file written by another hand) cannot go unnoticed: it
  leaves a slice whose braces do not balance, which fails to decode, and the caller then
  reads the whole file the ordinary way.

Why slices: msgspec and orjson hold the GIL while they decode. In one piece the catalog holds
it half a second at 100k papers and five at a million, a texts shard a tenth of that, during
which no key is answered and `q` cannot quit; between slices (a few milliseconds each) the
interface thread runs.
"""

from __future__ import annotations

import re

SLICE_BYTES = 256 * 1024
"""About how much of a table one slice holds (about 500 catalog records, 3 ms of decoding)."""
RECORD_CUT = re.compile(rb'\},"(?:arxiv|title):')
"""Where one record of a table ends and the next begins (why it can be nowhere else: above)."""


def slice_bounds(table: memoryview, slice_bytes: int = SLICE_BYTES) -> list[tuple[int, int]] | None:
    """Where to cut the JSON object `table`: (start, stop) of each run of entries inside its
    braces, each about `slice_bytes` long; None when `table` is not an object."""
    end = len(table) - 1  # the table's closing brace
    if end < 1 or table[0] != ord("{") or table[end] != ord("}"):
        return None
    bounds: list[tuple[int, int]] = []
    start = 1
    while start < end:
        found = RECORD_CUT.search(table, start + slice_bytes) if start + slice_bytes < end else None
        stop = found.start() + 1 if found else end
        bounds.append((start, stop))
        start = stop + 1  # past the comma
    return bounds


def table_slices(table: memoryview, slice_bytes: int = SLICE_BYTES) -> list[bytes]:
    """The JSON object `table` as objects of consecutive entries (see `slice_bounds`); the
    whole table as one slice when it is not an object (its decoder then says what it is)."""
    bounds = slice_bounds(table, slice_bytes)
    if bounds is None:
        return [bytes(table)]
    return [b"{" + table[start:stop] + b"}" for start, stop in bounds] or [b"{}"]
