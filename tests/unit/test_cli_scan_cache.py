"""The scan cache in one-shot queries (`tui.cli_commands.scan_words`, `tui.store.scan_cache`,
`tui.store.catalog_records`): whether a query is answered from the cache (reading only the
records it prints), from the ordinary path seeded by it, or the ordinary way, its rows are
the whole query's; a stale, damaged or lying cache only means the ordinary path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks.generate import generate_papers, generate_states
from tui.cli import main
from tui.cli_commands.oneshot import search
from tui.cli_commands.scan_words import from_records
from tui.models import Paper, State
from tui.query import QueryContext, Searcher
from tui.query.pages import run_query
from tui.query.parser import parse
from tui.query.scan import CHUNK_PAPERS, FieldScan
from tui.store import Library
from tui.store.catalog_records import CatalogRecords, StaleRecords, record_offsets
from tui.store.scan_cache import cache_path, load_words, save_words

QUERIES = [
    "diffusion",
    "diffusion solver",
    "diff",
    "difusion",  # a typo
    "lora OR agent",
    "(diffusion OR lora) solver",
    "diffusion is:inbox",
    "diffusion is:later",
    "diffusion is:starred",
    "diffusion is:unread",
    "diffusion tag:to-read",
    "diffusion has:note",
    "diffusion -tag:old",
    "diffusion is:new",
    "diffusion has:code",
    "diffusion upvotes:>20",
    "diffusion upvotes:10..40 date:<2026-01-01",
    "diffusion date:>=2025-06-01",
    "diffusion listed:>=2025-06-01",
    "diffusion date:<30d",
    "diffusion stars:>1",
    "diffusion cat:cs.LG",
    "solver -diffusion",
    'diffusion "low rank"',
    "title:diffusion",
    "author:chen diffusion",
    "abs:diffusion",
    "diffusion sort:date",
    "diffusion sort:upvotes",
    "diffusion sort:title",
    "agent reward policy",
    "zzzyx",
]
FAST = [
    ("diffusion", 20),
    ("diffusion solver", 20),
    ("lora OR agent", 5),
    ("diffusion is:inbox", 20),
    ("diffusion tag:to-read", 5),
    ("author:chen diffusion", 20),
    ("diffusion upvotes:>20", 20),
    ("diffusion date:>=2025-06-01", 20),
    ("diffusion upvotes:10..40 date:<2026-01-01", 5),
]
"""Queries (and limits) the cache answers alone in the fixture library."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library whose scan cache a first `list` wrote."""
    home = tmp_path_factory.mktemp("scan-cache")
    papers = generate_papers(3000, seed=5)
    with Library.open(home) as lib:
        lib.upsert_papers(papers, source="t")
        states = generate_states(papers, seed=5)
        lib.apply_states(states, label="states")
    assert not cache_path(home).exists()
    with Library.open(home) as lib:
        search(lib, ["diffusion"], 20, texts=False)
    assert cache_path(home).exists()
    return home


@pytest.fixture
def home(built: Path, tmp_path: Path) -> Path:
    """A copy of `built` whose scan cache is current (a copy's catalog is another file)."""
    copy = tmp_path / "lib"
    shutil.copytree(built, copy)
    assert listed(copy, "diffusion", 20)[1]  # the copied cache is stale: saved afresh
    assert not listed(copy, "diffusion", 20)[1]
    return copy


def whole(home: Path, text: str, limit: int | None) -> list[str]:
    """The rows of the whole query, every paper and abstract loaded, no cache involved."""
    with Library.open(home) as lib:
        searcher = Searcher(lib.papers(texts=True).values())
        result = run_query(
            searcher, lib.states(), parse(text), limit=limit, new_since=lib.get_meta("new_since")
        )
        return list(result.rows)


def listed(home: Path, text: str, limit: int | None) -> tuple[list[str], bool]:
    """(the rows `list` finds, whether it decoded the catalog)."""
    with Library.open(home) as lib:
        rows = [paper.id for paper in search(lib, [text], limit, texts=False)]
        return rows, lib.catalog_loaded


def printed(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["--home", str(home), *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("limit", [1, 5, 20, 200])
@pytest.mark.parametrize("text", QUERIES)
def test_every_query_lists_what_the_whole_query_finds(built: Path, text: str, limit: int) -> None:
    assert listed(built, text, limit)[0] == whole(built, text, limit)


def test_the_common_queries_read_no_catalog_and_the_others_do(built: Path) -> None:
    for text, limit in FAST:
        rows, decoded = listed(built, text, limit)
        assert rows == whole(built, text, limit) and not decoded, text
    for text in ("diffusion is:new", "diffusion stars:>1", "diffusion cat:cs.LG", "difusion"):
        assert listed(built, text, 20)[1], text  # reads more of a paper than the cache holds
    assert listed(built, "diffusion", None)[1]  # no limit: titles first cannot answer


def test_printed_output_is_the_same_with_and_without_the_cache(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (["diffusion", "--limit", "20"], ["diffusion tag:to-read", "--limit", "5"]):
        fast = printed(home, capsys, "list", *args)
        cache_path(home).unlink()
        slow = printed(home, capsys, "list", *args)  # the ordinary path, which saves it again
        assert fast == slow and len(fast.splitlines()) == int(args[-1])
        assert cache_path(home).exists()
    as_json = printed(home, capsys, "list", "diffusion", "--limit", "3", "--json")
    assert '"abstract": "' in as_json  # --json needs abstracts: the ordinary path
    export = printed(home, capsys, "export", "--format", "csv", "diffusion solver lora")
    cache_path(home).unlink()
    assert printed(home, capsys, "export", "--format", "csv", "diffusion solver lora") == export


def test_an_import_by_another_library_retires_the_cache(home: Path) -> None:
    before = load_words(cache_path(home))
    assert before is not None
    fresh = Paper(
        id="",
        title="Diffusion, the newest: a title-keyed paper with links",
        authors=["Ada Quill"],
        abstract="About diffusion.",
        listed_on="2031-01-01",
        links={"abs": "https://example.org/abs"},
    )
    with Library.open(home) as other:
        other.upsert_papers([fresh], source="t")
        new_id = next(pid for pid in other.papers(texts=False) if pid.startswith("title:"))
    rows, decoded = listed(home, "diffusion", 20)
    assert rows == whole(home, "diffusion", 20) and rows[0] == new_id
    assert decoded  # the cache no longer fits the catalog: the ordinary path, which saves anew
    after = load_words(cache_path(home))
    assert after is not None and after.key != before.key and new_id in (after.ids or [])
    rows, decoded = listed(home, "diffusion", 20)
    assert rows == whole(home, "diffusion", 20) and not decoded  # the fresh cache answers


def test_a_triage_write_from_another_process_is_seen(home: Path) -> None:
    rows, _ = listed(home, "diffusion", 20)
    with Library.open(home) as lib:
        target = next(pid for pid in rows if not lib.state(pid).starred)  # among the best
    assert target not in listed(home, "diffusion is:starred", 3)[0]
    subprocess.run(
        [sys.executable, "-m", "tui", "--home", str(home), "star", target],
        check=True,
        capture_output=True,
        timeout=60,
    )
    rows, decoded = listed(home, "diffusion is:starred", 3)
    assert rows == whole(home, "diffusion is:starred", 3) and target in rows and not decoded


def test_a_catalog_rewritten_in_place_sends_the_query_the_ordinary_way(home: Path) -> None:
    catalog = home / "catalog.json"
    copy = home / "catalog.copy"
    shutil.copy2(catalog, copy)
    os.replace(copy, catalog)  # the same bytes, another file: the signature differs
    rows, decoded = listed(home, "diffusion", 20)
    assert rows == whole(home, "diffusion", 20) and decoded


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated", "flipped", "header"])
def test_a_damaged_cache_means_the_ordinary_path_and_is_replaced(home: Path, damage: str) -> None:
    path = cache_path(home)
    raw = path.read_bytes()
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "garbage":
        path.write_bytes(b"\x00not a cache at all" * 100)
    elif damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "flipped":
        at = len(raw) - 1000
        path.write_bytes(raw[:at] + bytes([raw[at] ^ 0x20]) + raw[at + 1 :])
    else:
        at = raw.index(b'"catalog"')
        path.write_bytes(raw[:at] + b'"cAtalog"' + raw[at + 9 :])
    assert load_words(path) is None
    assert listed(home, "diffusion", 20)[0] == whole(home, "diffusion", 20)
    assert load_words(path) is not None  # written afresh by the run that scanned
    assert listed(home, "diffusion", 20) == (whole(home, "diffusion", 20), False)


def test_a_cache_whose_offsets_lie_is_caught_and_dropped(home: Path) -> None:
    path = cache_path(home)
    cache = load_words(path)
    assert cache is not None and cache.records is not None
    cache.records = [cache.records[0], *[at + 1 for at in cache.records[1:-1]], cache.records[-1]]
    assert save_words(path, cache)
    with Library.open(home) as lib:
        assert from_records(lib, QueryContext(), parse("diffusion"), 20) is None
        assert not lib.catalog_loaded
    assert not path.exists()  # caught reading the first record, and dropped
    assert save_words(path, cache)
    rows, _decoded = listed(home, "diffusion", 20)
    assert rows == whole(home, "diffusion", 20)
    fixed = load_words(path)
    assert fixed is not None and fixed.records != cache.records  # dropped, then saved afresh


def test_a_cache_of_other_words_is_caught_by_its_key(home: Path) -> None:
    """Word forms of a different version or chunk size are never seeded."""
    path = cache_path(home)
    cache = load_words(path)
    assert cache is not None
    cache.key = {**cache.key, "words": cache.key["words"] + 1}
    assert save_words(path, cache)
    rows, decoded = listed(home, "diffusion", 20)
    assert rows == whole(home, "diffusion", 20) and decoded
    current = load_words(path)
    assert current is not None and current.key["words"] == cache.key["words"] - 1


def test_records_are_read_by_offset_and_checked(home: Path) -> None:
    catalog = home / "catalog.json"
    raw = catalog.read_bytes()
    with Library.open(home) as lib:
        papers = lib.papers(texts=False)
        ids = list(papers)
        signature = lib.catalog_signature
    assert signature is not None
    offsets = record_offsets(raw, ids)
    assert offsets is not None and len(offsets) == len(ids) + 1
    records = CatalogRecords(catalog, signature, ids, offsets)
    try:
        assert records[len(ids) - 1] == papers[ids[-1]] and records[0] == papers[ids[0]]
        assert records.read == 2
    finally:
        records.close()
    assert record_offsets(raw, [*ids, "arxiv:extra"]) is None  # one record short
    assert record_offsets(raw, list(reversed(ids))) is None
    shifted = CatalogRecords(catalog, signature, ids, [offsets[0] + 1, *offsets[1:]])
    with pytest.raises(StaleRecords):
        shifted[0]
    shifted.close()
    other = CatalogRecords(catalog, (signature[0] + 1, *signature[1:]), ids, offsets)  # type: ignore[arg-type]
    with pytest.raises(StaleRecords):
        other[5]
    other.close()


def test_a_seed_that_does_not_fit_the_papers_is_refused() -> None:
    papers = generate_papers(CHUNK_PAPERS + 10, seed=1)
    scan = FieldScan("title", papers)
    scan.prepare(words=True)
    chunks = scan.word_chunks
    assert chunks is not None
    assert FieldScan("title", papers).seed_words(chunks)
    assert not FieldScan("title", papers[:-1]).seed_words(chunks)
    assert not FieldScan("title", papers).seed_words(chunks[:1])
    base, blob, starts = chunks[1]
    assert not FieldScan("title", papers).seed_words([chunks[0], (base, blob + b"x", starts)])


def test_states_are_read_only_when_the_query_asks_for_them(home: Path) -> None:
    with Library.open(home) as lib:
        search(lib, ["diffusion"], 20, texts=False)
        assert lib._states.read_files != lib._states.files  # only the printed rows' shards
    with Library.open(home) as lib:
        search(lib, ["diffusion", "is:later"], 20, texts=False)
        assert lib._states.read_files == lib._states.files


def test_states_of_a_small_export_are_its_papers_states(home: Path) -> None:
    from tui.cli_commands.oneshot import states_of

    with Library.open(home) as lib:
        papers = search(lib, ["diffusion", "is:starred"], 30)
        states = states_of(lib, papers)
        every = lib.states()
        for paper in papers:
            assert states[paper.id] == every.get(paper.id, State())


def test_a_cache_without_record_offsets_is_kept_and_not_read_by_offset(home: Path) -> None:
    """A catalog not laid out for reading by offset gets a cache without offsets: its word
    forms still serve the ordinary path, and no run looks for offsets again."""
    path = cache_path(home)
    cache = load_words(path)
    assert cache is not None
    cache.records = []
    assert save_words(path, cache)
    written = path.stat().st_mtime_ns, path.stat().st_ino
    rows, decoded = listed(home, "diffusion", 20)
    assert rows == whole(home, "diffusion", 20) and decoded
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == written  # complete: not saved again
