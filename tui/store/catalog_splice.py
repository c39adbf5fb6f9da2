"""An import's write and reads of the catalog files by splicing (`tui.store.splice`).

`write_catalog` and `write_texts` write the records an import staged into `catalog.json` and
the texts shards it touches, in time proportional to what changed plus one read of each file's
bytes (no dict per paper parsed or dumped); `texts_of` reads the texts of a few papers from
their shards without decoding the rest. Each falls back to the ordinary TinyDB path (which
reads, checks and rewrites the whole file) when a file is not laid out as the store writes
it. All of it runs under the library's write lock, on the files as they are on disk, written
atomically by the storage (`AtomicJSONStorage.write_parts`).
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from typing import Any

import orjson

from tui.models import Paper
from tui.store.db import SCHEMA_DOC, KeyedDB, Signature
from tui.store.merge import compact
from tui.store.splice import Unspliceable, find_entries, splice, table_span
from tui.store.states import shard_index, write_by_shard

TEXT_FIELDS = ("abstract", "ai_summary")


def _schema(db: KeyedDB) -> dict[str, Any]:
    return {SCHEMA_DOC: {"kind": db.file.kind, "version": db.file.version}}


def catalog_doc(paper: Paper) -> dict[str, Any]:
    """What `catalog.json` stores of a paper (its texts go to the texts shards)."""
    doc = paper.to_dict()
    for name in TEXT_FIELDS:
        doc.pop(name)
    return compact(doc)


def write_catalog(
    db: KeyedDB,
    papers: Mapping[str, Paper],
    decoded: Signature | None,
    docs: Mapping[str, dict[str, Any]],
    delete: Sequence[str],
) -> bool:
    """Write `docs` and delete `delete` in `catalog.json` by splicing, when `papers` were
    decoded from the very file on disk (`decoded`, its signature then) and every entry touched
    is found holding the paper in memory; False when nothing was written (then use TinyDB)."""
    got = db.file.read_raw() if decoded is not None else None
    if got is None or got[1] != decoded:
        return False
    raw, signature = got
    try:
        span = table_span(raw, "papers", _schema(db))
        touched = [key for key in {**docs, **dict.fromkeys(delete)} if key in papers]
        found = find_entries(raw, span, touched)
        for key, where in found.items():
            if where is None or where[2] != catalog_doc(papers[key]):
                raise Unspliceable(f"{key!r} in the file is not the paper in memory")
        encoded = {key: orjson.dumps(doc) for key, doc in docs.items()}
        parts = splice(raw, span, encoded, delete, present=papers, found=found)
    except Unspliceable:
        return False
    db.file.write_parts(parts, signature)
    return True


def _write_shard(
    db: KeyedDB,
    table: str,
    docs: Mapping[str, dict[str, Any]],
    gone: Sequence[str],
    known: Container[str],
) -> None:
    """One texts shard's share of an import: spliced when it can be, else through TinyDB. A
    paper the catalog holds (`known`) must have its entry found; a new one may have one left
    by a crash between the two writes of an earlier import, which is then replaced."""
    got = db.file.read_raw()
    if got is not None:
        raw, signature = got
        try:
            span = table_span(raw, table, _schema(db))
            found = find_entries(raw, span, list({**docs, **dict.fromkeys(gone)}))
            if any(where is None and key in known for key, where in found.items()):
                raise Unspliceable("an entry of a paper in the catalog was not found")
            encoded = {key: orjson.dumps(doc) for key, doc in docs.items()}
            parts = splice(raw, span, encoded, gone, found=found)
        except Unspliceable:
            pass
        else:
            db.file.write_parts(parts, signature)
            return
    db.keyed(table).put_many(docs, delete=gone)


def write_texts(
    dbs: list[KeyedDB],
    table: str,
    docs: Mapping[str, dict[str, Any]],
    deleted: Sequence[str],
    known: Container[str],
) -> None:
    """Write `docs` and delete `deleted` in the texts shards they belong to, only those, side
    by side (`tui.store.parallel`); raises after all of them were tried."""
    write_by_shard(
        dbs, docs, deleted, lambda db, put, gone: _write_shard(db, table, put, gone, known)
    )


def texts_of(
    dbs: list[KeyedDB], table: str, keys: Sequence[str]
) -> dict[str, tuple[str, str | None]] | None:
    """The (abstract, AI summary) of each of `keys` read from its shard ("" and None for a paper
    the shard has no entry of), each shard touched read once; None when a shard is not laid out
    as the store writes it (then read them all the ordinary way)."""
    count = len(dbs)
    by_shard: dict[int, list[str]] = {}
    for key in keys:
        by_shard.setdefault(shard_index(key, count), []).append(key)
    out: dict[str, tuple[str, str | None]] = {}
    for n, wanted in by_shard.items():
        if not dbs[n].file.path.exists():
            out.update(dict.fromkeys(wanted, ("", None)))
            continue
        got = dbs[n].file.read_raw()
        if got is None:
            return None
        raw = got[0]
        try:
            span = table_span(raw, table, _schema(dbs[n]))
            for key, where in find_entries(raw, span, wanted).items():
                doc = where[2] if where is not None else {}
                abstract, summary = doc.get("abstract", ""), doc.get("ai_summary")
                if not isinstance(abstract, str) or not isinstance(summary, str | None):
                    return None
                out[key] = abstract, summary
        except Unspliceable:
            return None
    return out
