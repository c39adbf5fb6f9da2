"""Abstracts read back from the texts shards on demand: `decode_texts`, `TextRef`.

A loaded library does not keep its abstracts as Python strings (about 1.4 KB a paper: 140 MB
at 100k papers, more than the rest of the catalog): each paper's abstract slot holds a
`TextRef`, where the abstract's JSON string lies in the shard file, and `paper.abstract` reads
those bytes back (`os.pread` on a descriptor kept open, then `orjson.loads`: a few
microseconds, from the page cache, which the kernel may drop and refill; none of it counts in
the process's resident size).

Why it is safe:
- where each abstract lies follows from the lengths of the encoded keys and documents, as
  `orjson.dumps` writes them (the way the store writes a shard), and a location is used only
  after checking that the file holds, byte for byte, the abstract just decoded there: what is
  read back is what was parsed. An abstract the check does not find (another writer's
  layout) stays a `str`. For the usual slice the check and the locations are C-level passes;
- the store replaces a file by renaming a new one over it, never by writing into it, so the
  descriptor opened here keeps the very bytes it was checked against for as long as a paper
  refers to it, even after the library has moved on to newer files.

A shard is read a slice at a time (`decode_texts`, through `AtomicJSONStorage.read_typed`:
`tui.store.slices` says why), each slice decoded by msgspec with the types checked; a shard it
does not take is parsed whole the ordinary way (which names what is wrong) and keeps its
abstracts as `str` (a layout another hand wrote: rare, and it costs only memory).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add, lshift, or_
from typing import Any

import msgspec
import orjson

from tui.store.db import META_TABLE
from tui.store.slices import SLICE_BYTES, slice_bounds

TABLE = "texts"
_SPAN_BITS = 24
_SPAN_MASK = (1 << _SPAN_BITS) - 1
_FIRST_KEY = b'{"abstract":'
_TABLE_START = b'"' + TABLE.encode() + b'":{'


class ShardTexts:
    """One texts shard file kept open for reading abstracts back. The descriptor closes when
    no `TextRef` to it is left."""

    __slots__ = ("_fd",)

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def read(self, span: int) -> str:
        """The text whose encoding lies at `span` (start << 24 | length); "" if the file was
        changed in place (the store never does that; a person editing it might)."""
        try:
            text = orjson.loads(os.pread(self._fd, span & _SPAN_MASK, span >> _SPAN_BITS))
        except (OSError, orjson.JSONDecodeError):
            return ""
        return text if isinstance(text, str) else ""

    def __del__(self) -> None:
        os.close(self._fd)


class TextRef(tuple[ShardTexts, int]):
    """An abstract kept in a shard file (a `tui.models.DeferredText`): (shard, span). A tuple,
    so a shard's refs are made by one C-level `map`."""

    __slots__ = ()

    def text(self) -> str:
        return self[0].read(self[1])


def _places(first: int, keys: list[int], docs: list[int]) -> list[int]:
    """Where each document's first value starts, in a run of entries whose first key starts at
    `first`, as orjson writes them ('"<key>":<doc>,' each, `keys` and `docs` their encoded
    lengths), if that first value is the abstract."""
    entries = map(add, map(add, keys, docs), repeat(2))
    starts = accumulate(entries, initial=first)
    return list(map(add, map(add, starts, keys), repeat(len(_FIRST_KEY) + 1)))


class _Texts(msgspec.Struct):
    """One paper's texts, as a texts shard holds them."""

    abstract: str = ""
    ai_summary: str | None = None


class _Tables(msgspec.Struct, forbid_unknown_fields=True):
    """A texts shard's top level: an unknown table sends the file to the ordinary read."""

    texts: msgspec.Raw = msgspec.Raw(b"{}")
    meta: dict[str, Any] = msgspec.field(default_factory=dict, name=META_TABLE)


_TABLES = msgspec.json.Decoder(_Tables)
_SLICE = msgspec.json.Decoder(dict[str, _Texts])
_FILE_START = b"{" + _TABLE_START
_ABSTRACT_KEY = len(b'"abstract":')
_ABSTRACT_DOC = len(_FIRST_KEY) + 1  # '{"abstract":' + A + '}'
_SUMMARY_KEY = len(b'"ai_summary":')


@dataclass(slots=True)
class DecodedTexts:
    """A decoded texts shard: its schema record, and per paper in file order its key, its
    abstract (a `TextRef`, or the `str` where the file does not hold it as orjson writes it)
    and AI summary."""

    meta: dict[str, Any]
    keys: list[str]
    abstracts: list[Any]
    summaries: list[str | None]


def decode_texts(fd: int, raw: bytes, *, slice_bytes: int = SLICE_BYTES) -> DecodedTexts:
    """`raw` (a whole texts shard, read from `fd`) decoded a slice at a time, each abstract a
    `TextRef` into the file where the file holds it as orjson writes it (a decoder for
    `AtomicJSONStorage.read_typed`); raises `msgspec.DecodeError` for a shard it does not take
    (a wrong-typed record, another layout than the store's)."""
    tables = _TABLES.decode(raw)
    table = memoryview(tables.texts)
    at = len(_FILE_START) - 1  # where the table's opening brace lies in a file the store wrote
    bounds = slice_bounds(table, slice_bytes)
    # Where the table lies is not checked here: `_refs` checks each abstract where it puts it.
    if bounds is None or not raw.startswith(_FILE_START):
        raise msgspec.DecodeError("not a texts shard as the store writes it")
    shard = ShardTexts(os.dup(fd)) if bounds else None  # closes the copy when dropped
    decoded = DecodedTexts(tables.meta, [], [], [])
    for start, stop in bounds:
        part = _SLICE.decode(b"{" + table[start:stop] + b"}")
        keys = list(part)
        docs = list(part.values())
        abstracts: list[Any] = [doc.abstract for doc in docs]
        summaries = [doc.ai_summary for doc in docs]
        decoded.keys.extend(keys)
        decoded.summaries.extend(summaries)
        decoded.abstracts.extend(_refs(shard, raw, at + start, keys, abstracts, summaries))
    return decoded


def _refs(
    shard: ShardTexts | None,
    raw: bytes,
    first: int,
    keys: list[str],
    abstracts: list[Any],
    summaries: list[str | None],
) -> list[Any]:
    """A `TextRef` for each abstract found in `raw` where a run of entries written by orjson
    (its first key at `first`) puts it, else the abstract itself ("" for none)."""
    if shard is None:
        return abstracts
    keys_lengths = list(map(len, map(orjson.dumps, keys)))
    if all(abstracts) and not any(summaries):  # the usual slice: C-level passes only
        lengths = list(map(len, map(orjson.dumps, abstracts)))
        if max(lengths, default=0) > _SPAN_MASK:
            return abstracts
        places = _places(first, keys_lengths, list(map(add, lengths, repeat(_ABSTRACT_DOC))))
        there = all(map(raw.startswith, map(orjson.dumps, abstracts), places))
        if there:
            spans = map(or_, map(lshift, places, repeat(_SPAN_BITS)), lengths)
            return list(map(TextRef, zip(repeat(shard), spans)))
    lengths = [len(orjson.dumps(text)) if text else 0 for text in abstracts]
    if max(lengths, default=0) > _SPAN_MASK:
        return abstracts
    # '{' ['"abstract":' A] [(',' if A) '"ai_summary":' S] '}', as the store writes texts.
    docs = [
        2
        + (_ABSTRACT_KEY + a if a else 0)
        + (_SUMMARY_KEY + len(orjson.dumps(s)) + (a > 0) if s else 0)
        for a, s in zip(lengths, summaries, strict=True)
    ]
    refs: list[Any] = []
    for text, length, place in zip(
        abstracts, lengths, _places(first, keys_lengths, docs), strict=True
    ):
        if text and raw.startswith(orjson.dumps(text), place):
            refs.append(TextRef((shard, place << _SPAN_BITS | length)))
        else:
            refs.append(text)
    return refs
