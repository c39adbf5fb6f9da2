"""Abstracts of a loaded library stay in the texts shards and are read back on demand
(`tui.store.texts`): what every reader sees is the abstract that was stored, whatever happens
to the files later, and the memory they would take as strings is not taken."""

from __future__ import annotations

import gc
import json
import os
import tracemalloc
from functools import partial
from pathlib import Path

import orjson
import pytest

from tui.errors import StoreError
from tui.models import Paper, abstract_deferred
from tui.query import QueryContext, Searcher
from tui.store import Library
from tui.store.db import open_db
from tui.store.library import SCHEMA_VERSION
from tui.store.texts import TextRef, decode_texts

TRICKY = [
    'Quotes "inside" and a back\\slash, a \\" pair',
    "Accents: façade, Müller, σ-algebra, “zero-shot”, model’s — dashes",
    "Emoji 🦜 and CJK 鳥類 and a combining e\u0301",
    "x" * 5000,
    "Ends with a backslash \\",
    '"',
]


def _papers(abstracts: list[str], *, summary_every: int = 0) -> list[Paper]:
    return [
        Paper(
            id="",
            title=f"Paper number {n}",
            arxiv_id=f"2501.{n:05d}",
            abstract=text,
            ai_summary=f"summary {n}" if summary_every and n % summary_every == 0 else None,
        )
        for n, text in enumerate(abstracts, 1)
    ]


def _stored(home: Path) -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for shard in sorted((home / "texts").glob("*.json")):
        texts.update(orjson.loads(shard.read_bytes())["texts"])
    return texts


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_loaded_abstracts_are_read_back_exactly_from_the_shards(home: Path) -> None:
    abstracts = TRICKY + [f"Plain abstract {n} about birds." for n in range(200)] + [""]
    Library.open(home).upsert_papers(_papers(abstracts, summary_every=7), source="test")
    lib = Library.open(home)
    papers = lib.papers(texts=True)
    stored = _stored(home)
    assert len(papers) == len(abstracts)
    for pid, paper in papers.items():
        want = stored.get(pid, {})
        assert paper.abstract == want.get("abstract", "")
        assert paper.ai_summary == want.get("ai_summary")
        assert abstract_deferred(paper) == bool(want.get("abstract"))
    assert sorted(p.abstract for p in papers.values()) == sorted(abstracts)
    # Every reader sees a str: to_dict, equality with a paper holding the string, search.
    one = papers["arxiv:2501.00001"]
    assert one.to_dict()["abstract"] == TRICKY[0]
    assert one == Paper.from_dict(one.to_dict())
    searcher = Searcher(papers)
    searcher.build()
    hits = searcher.search('"a back\\slash"', QueryContext(states=lib.states())).hits
    assert [h.id for h in hits] == ["arxiv:2501.00001"]


def test_a_shard_written_in_another_layout_keeps_its_abstracts_as_strings(home: Path) -> None:
    Library.open(home).upsert_papers(_papers(TRICKY + ["birds"] * 40), source="test")
    shards = sorted((home / "texts").glob("*.json"))
    rewritten = shards[0]
    data = json.loads(rewritten.read_text("utf-8"))
    rewritten.write_text(json.dumps(data, indent=1, ensure_ascii=True), "utf-8")
    lib = Library.open(home)
    papers = lib.papers(texts=True)
    in_rewritten = set(data["texts"])
    assert in_rewritten
    for pid, paper in papers.items():
        assert paper.abstract == _stored(home)[pid]["abstract"]
        assert abstract_deferred(paper) == (pid not in in_rewritten)


def test_papers_keep_reading_the_files_they_were_loaded_from(home: Path) -> None:
    Library.open(home).upsert_papers(_papers([f"old text {n}" for n in range(50)]), source="t")
    lib = Library.open(home)
    before = dict(lib.papers(texts=True))
    assert all(map(abstract_deferred, before.values()))
    # Another process rewrites every shard (new files renamed over the old ones) ...
    Library.open(home).upsert_papers(
        [
            Paper(id="", title=f"Paper number {n}", arxiv_id=f"2501.{n:05d}", abstract=f"new {n}")
            for n in range(1, 51)
        ],
        source="t",
    )
    # ... the objects loaded before still read what they were loaded with ...
    assert sorted(p.abstract for p in before.values()) == sorted(f"old text {n}" for n in range(50))
    # ... and the library, once it sees the change, the new texts.
    assert lib.changes_from_others()[0]
    assert sorted(p.abstract for p in lib.papers(texts=True).values()) == sorted(
        f"new {n}" for n in range(1, 51)
    )


def test_an_import_after_the_load_keeps_every_abstract_readable(home: Path) -> None:
    Library.open(home).upsert_papers(_papers([f"first {n}" for n in range(60)]), source="t")
    lib = Library.open(home)
    lib.load_texts()
    lib.upsert_papers(_papers([f"first {n}" for n in range(60)] + ["added"]), source="t")
    lib.upsert_papers(
        [Paper(id="", title="Paper number 3", arxiv_id="2501.00003", abstract="changed")],
        source="t",
    )
    papers = lib.papers(texts=True)
    want = {f"arxiv:2501.{n + 1:05d}": f"first {n}" for n in range(60)}
    want["arxiv:2501.00061"] = "added"
    want["arxiv:2501.00003"] = "changed"
    assert {pid: p.abstract for pid, p in papers.items()} == want
    reopened = Library.open(home).papers(texts=True)
    assert {pid: p.abstract for pid, p in reopened.items()} == want


def test_the_shard_files_are_closed_when_the_papers_are_dropped(home: Path) -> None:
    Library.open(home).upsert_papers(_papers(["some text"] * 40), source="test")
    gc.unfreeze()  # what earlier loads froze: only a collection frees what is left of them
    gc.collect()
    before = _open_fds()

    def load() -> tuple[int, bool]:
        lib = Library.open(home)
        papers = lib.papers(texts=True)
        deferred = all(map(abstract_deferred, papers.values()))
        lib.close()
        return _open_fds(), deferred

    while_loaded, deferred = load()
    assert deferred and while_loaded > before  # the shards holding abstracts stay open
    gc.unfreeze()
    gc.collect()
    assert _open_fds() == before


def test_loaded_abstracts_do_not_stay_in_memory(home: Path) -> None:
    size = 4_000
    abstracts = [
        f"Abstract {n}: " + ("words about birds and fish " * 160).strip() for n in range(300)
    ]
    Library.open(home).upsert_papers(_papers(abstracts), source="test")
    total = sum(map(len, abstracts))
    assert total > 300 * size
    lib = Library.open(home)
    lib.papers(texts=False)
    gc.collect()
    tracemalloc.start()
    try:
        lib.load_texts()
        gc.collect()
        kept, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept < total // 10, (kept, total)
    assert sorted(p.abstract for p in lib.papers().values()) == sorted(abstracts)


def test_loaded_papers_are_keyed_by_their_own_id_strings(home: Path) -> None:
    Library.open(home).upsert_papers(_papers(["a", "b", "c"]), source="test")
    papers = Library.open(home).papers(texts=False)
    assert all(key is paper.id for key, paper in papers.items())  # no second copy of each id
    # A file whose keys are not the papers' ids is read as before: by its keys.
    catalog = home / "catalog.json"
    data = orjson.loads(catalog.read_bytes())
    data["papers"]["arxiv:2501.00002"]["id"] = "arxiv:other"
    catalog.write_bytes(orjson.dumps(data))
    papers = Library.open(home).papers(texts=False)
    assert sorted(papers) == ["arxiv:2501.00001", "arxiv:2501.00002", "arxiv:2501.00003"]
    assert papers["arxiv:2501.00002"].id == "arxiv:other"


def test_a_shard_read_in_slices_gives_every_text_and_defers_every_abstract(home: Path) -> None:
    """`decode_texts` at any slice size: the keys, abstracts and summaries of the shard, in its
    order, with every stored abstract deferred (papers with no abstract or with a summary
    included, and texts made of the very characters a cut looks for)."""
    cutters = ['x},"arxiv:y', '},"title:z', '{"abstract":"', "\\u0000 \\"]
    abstracts = TRICKY + cutters + [f"Plain abstract {n}." for n in range(120)] + ["", ""]
    Library.open(home).upsert_papers(_papers(abstracts, summary_every=5), source="test")
    for shard in sorted((home / "texts").glob("*.json")):
        table = orjson.loads(shard.read_bytes())["texts"]
        for slice_bytes in (1, 200, 1 << 30):
            db = open_db(shard, kind="texts", version=SCHEMA_VERSION, eager=False)
            decoded = db.file.read_typed(partial(decode_texts, slice_bytes=slice_bytes))
            assert decoded is not None
            assert decoded.keys == list(table)
            assert decoded.summaries == [doc.get("ai_summary") for doc in table.values()]
            for value, doc in zip(decoded.abstracts, table.values(), strict=True):
                if doc.get("abstract"):
                    assert isinstance(value, TextRef) and value.text() == doc["abstract"]
                else:
                    assert value == ""


def test_a_damaged_or_foreign_shard_goes_to_the_ordinary_read(home: Path) -> None:
    """What `decode_texts` declines: a wrong-typed abstract (the ordinary read then names the
    file), a table in another order than the store's."""
    Library.open(home).upsert_papers(_papers([f"text {n}" for n in range(30)]), source="test")
    shard = sorted((home / "texts").glob("*.json"))[0]
    data = orjson.loads(shard.read_bytes())
    reordered = {"_meta": data["_meta"], "texts": data["texts"]}
    shard.write_bytes(orjson.dumps(reordered))
    db = open_db(shard, kind="texts", version=SCHEMA_VERSION, eager=False)
    assert db.file.read_typed(decode_texts) is None
    lib = Library.open(home)
    assert sorted(p.abstract for p in lib.papers(texts=True).values()) == sorted(
        f"text {n}" for n in range(30)
    )
    first = next(iter(data["texts"]))
    data["texts"][first]["abstract"] = 5
    shard.write_bytes(orjson.dumps(data))
    assert (
        open_db(shard, kind="texts", version=SCHEMA_VERSION, eager=False).file.read_typed(
            decode_texts
        )
        is None
    )
    with pytest.raises(StoreError) as caught:
        Library.open(home).papers(texts=True)
    assert f"abstract of {first} is not text" in str(caught.value)
