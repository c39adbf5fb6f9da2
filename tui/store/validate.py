"""What a store file's records must look like, checked on every read (`tui.store.db`).

A file can be valid JSON and still be damaged: a state time `"abc"`, tags `5`, a paper that is a
list, a journal row without `seq`. Such a file is treated like one that does not parse (named,
set aside, reported), instead of crashing a command far from the cause. `problem(kind, data)`
returns a short description of the first bad record, or None. The checks are type checks only.

They run on every read of a store file, the 50 MB catalog's included, on the way to the first
painted list, so each kind has a fast path for the sound records that are all of them in
practice: one pass comparing each value's exact type (what a JSON parser makes: no subclasses)
with a precomputed table of the types its key allows. The first record the fast path does not
accept sends the whole table to the checks that name what is wrong (`isinstance`, `bool` is
not a number), so no wrong-typed record passes and the message is the same. At 100k papers
the fast path is under a tenth of a second: the interpreter's floor for looking at a million
values one by one (a validating decoder that checks types while it parses, such as msgspec
decoding into typed structs, would make it free).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

_STR_OR_NONE = (str, type(None))
_PAPER_TYPES: dict[str, tuple[type, ...]] = {
    "title": (str,),
    "arxiv_id": _STR_OR_NONE,
    "authors": (list,),
    "categories": (list,),
    "ai_keywords": (list,),
    "sources": (list,),
    "links": (dict,),
    "version": (int, type(None)),
    "upvotes": (int, type(None)),
    "comments": (int, type(None)),
    "github_stars": (int, type(None)),
    "published": _STR_OR_NONE,
    "listed_on": _STR_OR_NONE,
    "first_seen": _STR_OR_NONE,
    "last_synced": _STR_OR_NONE,
}
_PAPER_EXACT: dict[str, frozenset[type]] = {
    name: frozenset(types) for name, types in _PAPER_TYPES.items()
}
"""The exact types the fast path accepts: `_PAPER_TYPES` without subclasses, so `True` for a
number goes to the full check (and is refused there)."""
_STR_OR_NONE_EXACT = frozenset(_STR_OR_NONE)
_NUMBER_EXACT = frozenset((int, float))
_STR_EXACT = frozenset((str,))
_META_TYPES: dict[str, tuple[type, ...]] = {
    "new_since": _STR_OR_NONE,
    "aliases": (dict,),
    "shards": (dict,),
}


def _number(value: object) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def state_problem(doc: object) -> str | None:
    """What is wrong with a stored state dict (`State.to_dict()`), or None."""
    if not isinstance(doc, dict):
        return f"a state is a {type(doc).__name__}, not an object"
    # The fast path, taken by every sound state (start-up reads tens of thousands).
    tags, times, opened = doc.get("tags", []), doc.get("times", {}), doc.get("opened_at")
    if (
        type(doc.get("status", "")) is str
        and type(doc.get("starred", False)) is bool
        and type(doc.get("note", "")) is str
        and (opened is None or type(opened) is str)
        and type(tags) is list
        and (not tags or all(map(_STR_EXACT.__contains__, map(type, tags))))
        and type(times) is dict
        and (
            not times
            or (
                all(map(_NUMBER_EXACT.__contains__, map(type, times.values())))
                and all(map(math.isfinite, times.values()))
            )
        )
    ):
        return None
    checks: tuple[tuple[str, Callable[[object], bool], str], ...] = (
        ("status", lambda v: isinstance(v, str), "text"),
        ("starred", lambda v: isinstance(v, bool), "true or false"),
        ("note", lambda v: isinstance(v, str), "text"),
        ("opened_at", lambda v: v is None or isinstance(v, str), "text or null"),
        ("tags", lambda v: isinstance(v, list) and all(isinstance(t, str) for t in v), "a list"),
        (
            "times",
            lambda v: isinstance(v, dict) and all(_number(t) for t in v.values()),
            "an object of numbers",
        ),
    )
    for name, ok, wanted in checks:
        if name in doc and not ok(doc[name]):
            return f"state {name} {doc[name]!r:.40} is not {wanted}"
    return None


def _states(table: Mapping[str, Any]) -> str | None:
    for pid, doc in table.items():
        found = state_problem(doc)
        if found:
            return f"{pid}: {found}"
    return None


def _papers(table: Mapping[str, Any]) -> str | None:
    allowed = _PAPER_EXACT.get
    for doc in table.values():
        if type(doc) is not dict or "title" not in doc:
            return _papers_named(table)
        for name, value in doc.items():
            types = allowed(name)
            if types is not None and type(value) not in types:
                return _papers_named(table)
    return None


def _papers_named(table: Mapping[str, Any]) -> str | None:
    for pid, doc in table.items():
        if not isinstance(doc, dict):
            return f"paper {pid} is a {type(doc).__name__}, not an object"
        if "title" not in doc:
            return f"paper {pid} has no title"
        for name, value in doc.items():
            types = _PAPER_TYPES.get(name)
            if types is not None and (
                not isinstance(value, types) or (isinstance(value, bool) and int in types)
            ):
                return f"paper {pid}: {name} {value!r:.40} has the wrong type"
    return None


def _texts(table: Mapping[str, Any]) -> str | None:
    for doc in table.values():
        if (
            type(doc) is not dict
            or type(doc.get("abstract", "")) is not str
            or type(doc.get("ai_summary")) not in _STR_OR_NONE_EXACT
        ):
            return _texts_named(table)
    return None


def _texts_named(table: Mapping[str, Any]) -> str | None:
    for pid, doc in table.items():
        if not isinstance(doc, dict):
            return f"texts of {pid} are a {type(doc).__name__}, not an object"
        if not isinstance(doc.get("abstract", ""), str):
            return f"abstract of {pid} is not text"
        if not isinstance(doc.get("ai_summary"), _STR_OR_NONE):
            return f"AI summary of {pid} is not text"
    return None


def journal_row_problem(row: object) -> str | None:
    """What is wrong with a row of the journal index, or None."""
    if not isinstance(row, dict):
        return f"a journal row is a {type(row).__name__}, not an object"
    seq = row.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool):
        return f"journal row without a whole-number seq ({seq!r:.40})"
    if not isinstance(row.get("label", ""), str):
        return f"journal row {seq}: label is not text"
    if not _number(row.get("at", 0.0)):
        return f"journal row {seq}: time {row.get('at')!r:.40} is not a number"
    if not isinstance(row.get("undone", False), bool):
        return f"journal row {seq}: undone is not true or false"
    if not isinstance(row.get("session", ""), str):
        return f"journal row {seq}: session is not text"
    return None


def _entries(table: Mapping[str, Any]) -> str | None:
    for row in table.values():
        found = journal_row_problem(row)
        if found:
            return found
    return None


def _changes(table: Mapping[str, Any]) -> str | None:
    for pid, pair in table.items():
        if not isinstance(pair, dict) or "old" not in pair or "new" not in pair:
            return f"change of {pid} is not an old/new pair"
        found = state_problem(pair["old"]) or state_problem(pair["new"])
        if found:
            return f"{pid}: {found}"
    return None


def _meta(table: Mapping[str, Any]) -> str | None:
    for key, doc in table.items():
        if not isinstance(doc, dict) or "value" not in doc:
            return f"meta {key} has no value"
        types = _META_TYPES.get(key)
        if types is not None and not isinstance(doc["value"], types):
            return f"meta {key} {doc['value']!r:.40} has the wrong type"
    if isinstance(table.get("aliases"), dict):
        aliases = table["aliases"]["value"]
        if not all(isinstance(v, str) for v in aliases.values()):
            return "meta aliases: an alias is not text"
    return None


_TABLES: dict[str, dict[str, Callable[[Mapping[str, Any]], str | None]]] = {
    "state": {"states": _states},
    "catalog": {"papers": _papers},
    "texts": {"texts": _texts},
    "journal": {"entries": _entries},
    "journal-entry": {"changes": _changes},
    "meta": {"meta": _meta},
}


def problem(kind: str, data: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The first wrong-typed record in a parsed store file of `kind`, described; or None."""
    for table, check in _TABLES.get(kind, {}).items():
        found = check(data.get(table, {}))
        if found:
            return found
    return None


def salvage(kind: str, data: Mapping[str, Mapping[str, Any]]) -> tuple[dict[str, Any], int]:
    """The file's data without the records that fail the checks, and how many were dropped."""
    out: dict[str, Any] = {name: dict(table) for name, table in data.items()}
    dropped = 0
    for table, check in _TABLES.get(kind, {}).items():
        kept = {}
        for key, doc in out.get(table, {}).items():
            if check({key: doc}) is None:
                kept[key] = doc
            else:
                dropped += 1
        out[table] = kept
    return out, dropped
