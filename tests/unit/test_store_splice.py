"""An import's write by splicing (`tui.store.splice`, `tui.store.catalog_splice`): the same bytes
TinyDB's read-modify-write would have written, only the shards touched, nothing on an unchanged
re-import, the old file after a failed write, and another process's write kept."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.models import Paper
from tui.store import Library
from tui.store.splice import Unspliceable, find_entries, find_entry, splice, table_span

META = {"schema": {"kind": "catalog", "version": 1}}

# Values that look like the cuts and entries the splicer looks for, inside strings.
_TRICKY = st.sampled_from(['},"arxiv:1', '"arxiv:1":{', "\\", '"', "},", "title:x", "é", "\n"])
_TEXT = st.lists(st.one_of(_TRICKY, st.text(max_size=6)), max_size=4).map("".join)
_KEY = st.one_of(
    st.integers(0, 30).map(lambda n: f"arxiv:2501.{n:05d}"),
    st.integers(0, 5).map(lambda n: f"title:{n:016x}"),
)
_DOC = st.fixed_dictionaries(
    {"id": _TEXT, "title": _TEXT},
    optional={
        "links": st.dictionaries(st.sampled_from(["abs", "hf"]), _TEXT),
        "upvotes": st.integers(-(2**40), 2**40),
    },
)


def _file(table: dict[str, object]) -> bytes:
    return orjson.dumps({"papers": table, "_meta": META})


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(_KEY, _DOC, max_size=12),
    st.dictionaries(_KEY, _DOC, max_size=6),
    st.lists(_KEY, max_size=4),
)
def test_splice_writes_what_tinydb_would(
    before: dict[str, object], put: dict[str, object], delete: list[str]
) -> None:
    raw = _file(before)
    expected = dict(before)
    for key, doc in put.items():  # what KeyedTable.put_many does to TinyDB's parsed table
        expected[key] = doc
    for key in delete:
        expected.pop(key, None)
    encoded = {key: orjson.dumps(doc) for key, doc in put.items()}
    parts = splice(raw, table_span(raw, "papers", META), encoded, delete, present=before)
    assert b"".join(parts) == _file(expected)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(_KEY, _DOC, max_size=12), st.lists(_KEY, min_size=3, max_size=8, unique=True)
)
def test_finding_many_entries_at_once_finds_what_one_at_a_time_does(
    table: dict[str, object], keys: list[str]
) -> None:
    raw = _file(table)
    span = table_span(raw, "papers", META)
    one_by_one = {key: find_entry(raw, span, key) for key in keys}
    assert find_entries(raw, span, keys, few=0) == one_by_one  # in one pass over the cuts
    assert {k for k, where in one_by_one.items() if where} == set(keys) & set(table)


def test_an_entry_after_a_space_is_never_taken_for_absent() -> None:
    table = b'{"arxiv:1":{"id":"a"}, "arxiv:2":{"id":"b"}}'
    raw = b'{"papers":' + table + b',"_meta":' + orjson.dumps(META) + b"}"
    span = table_span(raw, "papers", META)
    with pytest.raises(Unspliceable):
        find_entries(raw, span, ["arxiv:1", "arxiv:2", "arxiv:3"], few=0)


def test_a_file_laid_out_another_way_is_not_spliced() -> None:
    pretty = orjson.dumps(
        {"papers": {"arxiv:1": {"id": "arxiv:1"}}, "_meta": META}, option=orjson.OPT_INDENT_2
    )
    with pytest.raises(Unspliceable):
        table_span(pretty, "papers", META)
    raw = _file({"arxiv:1": {"id": "arxiv:1"}})
    with pytest.raises(Unspliceable):  # said to hold a key whose entry it does not have
        splice(raw, table_span(raw, "papers", META), {"arxiv:2": b"{}"}, present={"arxiv:2"})


def papers(*numbers: int, upvotes: int = 1) -> list[Paper]:
    return [
        Paper(
            id=f"arxiv:2501.{n:05d}",
            arxiv_id=f"2501.{n:05d}",
            title=f"Paper {n}",
            abstract=f"Abstract {n}.",
            upvotes=upvotes,
        )
        for n in numbers
    ]


def files(home: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(home)): path.read_bytes()
        for path in [home / "catalog.json", *sorted((home / "texts").glob("*.json"))]
    }


def test_an_import_writes_the_catalog_and_only_the_shards_it_touches(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(*range(40)), source="test")
    before = files(home)
    with Library.open(home) as lib:
        result = lib.upsert_papers(papers(3, 100, upvotes=5), source="test")
    assert result.added == ["arxiv:2501.00100"] and result.updated == ["arxiv:2501.00003"]
    after = files(home)
    changed = {name for name in after if after[name] != before.get(name)}
    assert "catalog.json" in changed and 1 <= len(changed) <= 3  # the catalog and 1-2 shards
    again = Library.open(home).papers()
    assert again["arxiv:2501.00003"].upvotes == 5
    assert again["arxiv:2501.00100"].abstract == "Abstract 100."
    assert again["arxiv:2501.00007"].abstract == "Abstract 7."
    assert len(again) == 41


def test_an_unchanged_reimport_writes_nothing(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(*range(10)), source="test")
    stats = {p: os.stat(p).st_ino for p in [home / "catalog.json", *(home / "texts").glob("*")]}
    with Library.open(home) as lib:
        result = lib.upsert_papers(papers(*range(10)), source="test")
    assert len(result.unchanged) == 10 and not result.added and not result.updated
    assert {p: os.stat(p).st_ino for p in stats} == stats


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_another_processs_import_meanwhile_is_kept(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(*range(5)), source="test")
    lib = Library.open(home)
    lib.papers()  # ours in memory, then another process writes the catalog
    out = _run(
        """
        import sys
        from tui.models import Paper
        from tui.store import Library
        with Library.open(sys.argv[1]) as other:
            other.upsert_papers([Paper(id="", arxiv_id="2501.00200", title="Theirs")], source="x")
        """,
        str(home),
    )
    assert out.returncode == 0, out.stderr
    lib.upsert_papers(papers(300), source="test")
    again = Library.open(home).papers()
    assert {"arxiv:2501.00200", "arxiv:2501.00300"} <= set(again) and len(again) == 7


def test_a_write_that_fails_half_way_leaves_the_old_files(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(*range(400)), source="test")
    before = files(home)
    # A real short write: the child may not write a file past 4 KB (the catalog is larger).
    out = _run(
        """
        import resource, signal, sys
        from tui.store import Library
        from tui.models import Paper
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        lib = Library.open(sys.argv[1])
        lib.papers()
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        lib.upsert_papers([Paper(id="", arxiv_id="2501.09999", title="New")], source="x")
        """,
        str(home),
    )
    assert out.returncode != 0 and "cannot write" in out.stderr
    # The catalog is the old one; its new paper's texts may be in a shard (written first), unused.
    assert (home / "catalog.json").read_bytes() == before["catalog.json"]
    again = Library.open(home).papers()
    assert len(again) == 400 and again["arxiv:2501.00123"].abstract == "Abstract 123."
    leftovers = [p.name for p in home.rglob("*") if p.name.startswith(".") and p.name != ".lock"]
    assert leftovers == []
