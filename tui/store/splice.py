"""A store file's table changed by splicing its bytes: an import writes what it changes, not
the whole file re-parsed.

TinyDB's write of a table is a read-modify-write of the whole file: parse every record into
dicts, change a few, dump them all back (at a million papers, 100 s and 7 GB for an import of
eight). A file the store wrote is `{"<table>":{"<id>":{...},...},"_meta":{"schema":{...}}}`,
compact, as orjson writes it, so `splice` makes the same bytes from the old ones: the entries
it replaces or deletes are cut out (`find_entry`), the others are kept as they lie, new ones go
at the end of the table. The result is, byte for byte, what TinyDB's `put_many` followed by
orjson would write (the dict keeps a replaced key where it was, appends new keys, drops
deleted ones), which the tests check against that path.

Why an entry is found exactly, or not at all:
- an entry is `"<id>":{`; the id's quote cannot be inside a string (a quote there is always
  escaped), so the bytes `"<id>":{` are a key followed by an object: only an entry of the table
  or a `links` key, and no link kind is an id (`tui.store.slices` says the same of its cuts);
- the entry must start the table or follow `},`, appear once, and its bytes up to the next cut
  must decode as an object of that one key: anything else is `Unspliceable`, and the caller
  writes the file the ordinary way.
Whether an id absent from the bytes is absent from the file (a file that spells ids another
way) is the caller's to know: the catalog has the ids it decoded from these very bytes.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping, Sequence
from itertools import repeat
from typing import Any

import msgspec
import orjson

from tui.store.db import META_TABLE
from tui.store.slices import RECORD_CUT

FEW_KEYS = 16
"""Up to this many keys are searched for one by one (two searches of the table each: 0.2 s at a
million papers), more in one pass over its cuts (3 s there)."""
_CUT_IDS = ("arxiv:", "title:")
_LOOSE = re.compile(rb'\}\s+,\s*"(?:arxiv|title):|\},\s+"(?:arxiv|title):')
"""Entries with spaces between them (not as orjson writes them): the quote cannot be in a
string, where it would be escaped."""


class Unspliceable(Exception):
    """The file is not laid out as the store writes it, or an entry cannot be told for sure:
    write it the ordinary way."""


def table_span(raw: bytes, table: str, meta: Mapping[str, Any]) -> tuple[int, int]:
    """(start, stop) of the table's object `{...}` in `raw`, when `raw` is exactly
    `{"<table>":{...},"_meta":<meta>}` as orjson writes it; else `Unspliceable`."""
    head = orjson.dumps({table: None})[:-5]  # '{"<table>":'
    tail = b"," + orjson.dumps({META_TABLE: meta})[1:]  # ',"_meta":{...}}'
    if not raw.startswith(head) or not raw.endswith(tail):
        raise Unspliceable("not a table and its schema as the store writes them")
    start, stop = len(head), len(raw) - len(tail)
    if stop - start < 2 or raw[start] != ord("{") or raw[stop - 1] != ord("}"):
        raise Unspliceable("the table is not an object")
    return start, stop


def find_entry(raw: bytes, span: tuple[int, int], key: str) -> tuple[int, int, Any] | None:
    """Where the entry of `key` lies in the table at `span`: (its first byte, the byte after
    its value, its value decoded); None when the bytes hold no such entry."""
    start, stop = span
    needle = orjson.dumps(key) + b":{"
    at = raw.find(needle, start, stop)
    if at < 0:
        return None
    if raw.find(needle, at + 1, stop) >= 0:
        raise Unspliceable(f"{key!r} appears twice")
    return _entry_at(raw, span, key, at)


def find_entries(
    raw: bytes, span: tuple[int, int], keys: Sequence[str], *, few: int = FEW_KEYS
) -> dict[str, tuple[int, int, Any] | None]:
    """`find_entry` of each key; for more than a few, one pass over the table's cuts instead
    of two searches of the whole table per key."""
    if len(keys) <= few:
        return {key: find_entry(raw, span, key) for key in keys}
    start, stop = span
    if stop - start <= 2:
        return dict.fromkeys(keys)
    # Each entry's key, as the bytes between its cut and its '":{', in C-level passes.
    cuts = map(re.Match.start, RECORD_CUT.finditer(raw, start, stop))
    starts = [start + 1, *map((2).__add__, cuts)]
    ends = list(map(raw.find, repeat(b'":{'), starts))
    names = list(map(raw.__getitem__, map(slice, starts, map((1).__add__, ends))))
    index = dict(zip(names, starts, strict=True))
    if len(index) != len(starts) or -1 in ends or _LOOSE.search(raw, start, stop):
        # A key twice, a cut not as expected, or a layout with spaces between entries.
        return {key: find_entry(raw, span, key) for key in keys}
    out: dict[str, tuple[int, int, Any] | None] = {}
    for key in keys:
        name = orjson.dumps(key)
        at = index.get(name)
        if at is not None:
            out[key] = _entry_at(raw, span, key, at)
        elif key.startswith(_CUT_IDS):
            out[key] = None  # every entry of such an id follows a cut (or starts the table)
        else:
            out[key] = find_entry(raw, span, key)
    return out


def _entry_at(raw: bytes, span: tuple[int, int], key: str, at: int) -> tuple[int, int, Any]:
    """The entry of `key` whose key starts at `at`, checked to be one whole entry."""
    start, stop = span
    needle = orjson.dumps(key) + b":{"
    if at != start + 1 and raw[at - 2 : at] != b"},":
        raise Unspliceable(f"{key!r} is not where an entry starts")
    cut = RECORD_CUT.search(raw, at + len(needle), stop)
    end = cut.start() + 1 if cut else stop - 1
    try:
        decoded = msgspec.json.decode(b"{" + raw[at:end] + b"}")
    except msgspec.DecodeError:
        raise Unspliceable(f"{key!r}'s entry does not end at a cut") from None
    if not isinstance(decoded, dict) or list(decoded) != [key]:
        raise Unspliceable(f"{key!r}'s entry is not one entry")
    return at, end, decoded[key]


def splice(
    raw: bytes,
    span: tuple[int, int],
    put: Mapping[str, bytes],
    delete: Iterable[str] = (),
    *,
    present: Container[str] | None = None,
    found: Mapping[str, tuple[int, int, Any] | None] | None = None,
) -> list[bytes | memoryview]:
    """The file `raw` with the table at `span` changed: each `put` key's entry set to its
    encoded document (replaced where it lies, or added at the end), each `delete` key's entry
    removed (after the puts, as TinyDB's `put_many` does). The new file in pieces (the untouched
    runs as views of `raw`, nothing copied), for `atomic_write_parts`.

    With `present` (the ids the file holds, known from decoding these bytes), a key in it must
    be found and one not in it is not looked for. `found` holds what `find_entry` already said
    of some keys, which are not looked for again."""
    start, stop = span
    doomed = set(delete)
    located: dict[str, tuple[int, int]] = {}
    for key in dict.fromkeys([*put, *doomed]):
        if found is not None and key in found:
            where: tuple[int, int, Any] | None = found[key]
        elif present is not None and key not in present:
            continue
        else:
            where = find_entry(raw, span, key)
        if where is None:
            if present is not None:
                raise Unspliceable(f"{key!r} is in the file but its entry was not found")
            continue
        located[key] = where[0], where[1]
    added = [key for key in put if key not in located and key not in doomed]
    view = memoryview(raw)
    pieces: list[bytes | memoryview] = []
    at = start + 1  # the first byte of the run of untouched entries not yet taken
    for begin, end, key in sorted((b, e, k) for k, (b, e) in located.items()):
        if begin > at:
            pieces.append(view[at : begin - 1])  # the run before, without its comma
        if key not in doomed:
            pieces.append(orjson.dumps(key) + b":" + put[key])
        at = end + 1 if end < stop - 1 else end  # past the comma after it
    if at < stop - 1:
        pieces.append(view[at : stop - 1])
    pieces.extend(orjson.dumps(key) + b":" + put[key] for key in added)
    out: list[bytes | memoryview] = [view[: start + 1]]
    for n, piece in enumerate(pieces):
        if n:
            out.append(b",")
        out.append(piece)
    out.append(view[stop - 1 :])
    return out
