"""JSON bytes for the store's files: orjson's results, without importing orjson for a small file.

Importing orjson costs a whole-process command about 25 ms on these machines: it imports
`dataclasses` (and with it `inspect`, `ast`, `dis`), `uuid` (and `platform`) and `datetime` as
it loads. A triage write (`paperdeck star ID`) reads and writes only small files (a state
shard, the journal's index and one entry, the meta file, the start-up cache), and the standard
library's `json`, which TinyDB imports anyway, handles those in a millisecond or two. So:

- `loads` parses with `json` unless orjson is loaded already (the app, a command that read the
  catalog), the bytes are large (orjson is several times faster), or the text holds something
  the two parsers treat differently (`\\ud...` escapes, which orjson refuses when unpaired;
  `NaN`/`Infinity` and out-of-range numbers, refused by orjson; integers past 64 bits, which
  orjson reads as floats). Then, and whenever `json` refuses the text, orjson
  parses it: what comes back, and every error (`orjson.JSONDecodeError`, a
  `json.JSONDecodeError`), is orjson's.
- `dumps` encodes with `json` (compact, UTF-8 as it is) unless orjson is loaded already or the
  document is large (its tables hold `LARGE_RECORDS` records or more), and
  hands anything `json` refuses (NaN, a value that is not plain data, an unpaired surrogate) to
  orjson, which decides as it always did: its `orjson.JSONEncodeError` is a `TypeError`. For
  the store's data (strings, booleans, integers, epoch times, lists, objects with string keys)
  the bytes are the bytes orjson writes, as the splice modules expect (`tui.store.splice`);
  they differ only where the store writes nothing of the kind (`json` writes `1e-07` for
  orjson's `1e-7`, and takes integers past 64 bits and an object's non-string keys, which
  orjson refuses).

Plain Python.
"""

from __future__ import annotations

import json
import math
import sys
from types import ModuleType
from typing import Any

LARGE = 1 << 20
"""Bytes from which `loads` uses orjson even when it is not loaded yet (its import costs about
what the standard library takes to parse one to two megabytes)."""

LARGE_RECORDS = 5_000
"""Records (entries of the document's top-level tables) from which `dumps` uses orjson even
when it is not loaded yet: a megabyte or so of the store's JSON (a catalog's TinyDB write, a
bulk action's journal entry), where orjson's speed pays for its import."""

_INT_RANGE = range(-(2**63), 2**64)
"""The integers orjson reads as integers (an `int64` or a `uint64`); past them it reads floats."""


DecodeError = json.JSONDecodeError
"""What `loads` raises for bytes that are not JSON (orjson's error is one)."""
EncodeError = TypeError
"""What `dumps` raises for data it cannot encode (orjson's error is one)."""


class _Unsure(Exception):
    """The text holds a value the standard library would read differently from orjson."""


def _orjson() -> ModuleType:
    import orjson

    return orjson


def _int(text: str) -> int:
    value = int(text)
    if value not in _INT_RANGE:
        raise _Unsure
    return value


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _Unsure
    return value


def _constant(text: str) -> Any:
    raise _Unsure  # NaN, Infinity, -Infinity: not JSON to orjson


def loads(raw: bytes) -> Any:
    """The document `raw` holds, as `orjson.loads(raw)` gives it (and its errors)."""
    if "orjson" in sys.modules or len(raw) >= LARGE or b"\\ud" in raw or b"\\uD" in raw:
        return _orjson().loads(raw)
    try:
        return json.loads(
            raw.decode("utf-8"), parse_int=_int, parse_float=_float, parse_constant=_constant
        )
    except (_Unsure, ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError
        return _orjson().loads(raw)


def dumps(data: Any) -> bytes:
    """`data` encoded as `orjson.dumps(data)` encodes it (and its errors)."""
    if "orjson" in sys.modules or _records(data) >= LARGE_RECORDS:
        return _orjson().dumps(data)
    try:
        # Without the check for cycles (a tenth faster): a cycle is a RecursionError, for orjson.
        text = json.dumps(
            data, ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False
        )
        return text.encode("utf-8")
    except (TypeError, ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        return _orjson().dumps(data)


def _records(data: Any) -> int:
    """How many entries the top-level tables (objects and arrays) of `data` hold."""
    if not isinstance(data, dict):
        return len(data) if isinstance(data, list) else 0
    return sum(len(table) for table in data.values() if isinstance(table, dict | list))
