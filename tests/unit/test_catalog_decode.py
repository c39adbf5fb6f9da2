"""The catalog's fast read (`decode_catalog` through `AtomicJSONStorage.read_typed`): papers
decoded straight from `catalog.json`, a slice at a time, without the dict tree the ordinary
read builds and checks.

It may only ever be a faster way to the same papers: whatever a catalog file holds, when the
fast read takes it the ordinary checks (`tui.store.validate`) take it too and `Paper.from_dict`
builds equal papers; what it refuses goes to the ordinary read, which names the record. And it
is the way a catalog the store wrote is read."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tui.errors import StoreError
from tui.models import Paper
from tui.store import Library
from tui.store.catalog_file import decode_catalog
from tui.store.db import open_db
from tui.store.library import SCHEMA_VERSION
from tui.store.slices import table_slices
from tui.store.validate import problem

FIELD_NAMES = [*Paper.__struct_fields__, "something_new"]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.integers(2**63, 2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=3),
    st.lists(st.one_of(st.text(max_size=2), st.integers(0, 2), st.none()), max_size=2),
    st.dictionaries(
        st.text(max_size=2), st.one_of(st.text(max_size=2), st.integers(-5, 5)), max_size=2
    ),
)


def sound(n: int) -> dict[str, Any]:
    return {
        "id": f"arxiv:2611.{n:05d}",
        "title": f"Paper {n}",
        "arxiv_id": f"2611.{n:05d}",
        "authors": ["A. Author", "B. Author"],
        "categories": ["cs.LG"],
        "links": {"hf": f"https://huggingface.co/papers/2611.{n:05d}"},
        "upvotes": n,
        "published": "2026-11-01",
        "sources": ["test"],
    }


def write_catalog(path: Path, papers: dict[str, Any], schema: object, **extra: Any) -> None:
    data: dict[str, Any] = {"papers": papers, "_meta": {"schema": schema}, **extra}
    path.write_bytes(orjson.dumps(data))


def fast_read(path: Path, slice_bytes: int = 64) -> Any:
    """The fast read, in slices of about `slice_bytes` (small: several slices even here)."""
    return open_db(path, kind="catalog", version=SCHEMA_VERSION, eager=False).file.read_typed(
        partial(decode_catalog, slice_bytes=slice_bytes)
    )


def read_both(path: Path) -> tuple[Any, dict[str, Any]]:
    return fast_read(path), orjson.loads(path.read_bytes())


CURRENT = {"kind": "catalog", "version": SCHEMA_VERSION}


@settings(max_examples=300, deadline=None)
@given(
    size=st.integers(0, 4),
    changes=st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(FIELD_NAMES), VALUES | st.just("<drop>")),
        max_size=4,
    ),
)
@example(size=1, changes=[(0, "authors", [1])])  # validate takes it; the decoder must not
@example(size=1, changes=[(0, "upvotes", True)])
@example(size=1, changes=[(0, "doi", 5)])
@example(size=2, changes=[(1, "id", "<drop>")])
def test_what_the_fast_read_takes_the_ordinary_read_takes_as_equal_papers(
    tmp_path_factory: Any, size: int, changes: list[tuple[int, str, object]]
) -> None:
    records = {f"arxiv:2611.{n:05d}": sound(n) for n in range(size)}
    keys = list(records)
    for at, name, value in changes:
        if not keys:
            break
        record = records[keys[at % len(keys)]]
        if value == "<drop>":
            record.pop(name, None)
        else:
            record[name] = value
    path = tmp_path_factory.mktemp("cat") / "catalog.json"
    write_catalog(path, records, CURRENT)
    decoded, data = read_both(path)
    if decoded is None:
        return  # the ordinary read decides (and names what is wrong): other tests cover it
    assert problem("catalog", data) is None
    assert decoded.keys == keys
    assert decoded.papers == [Paper.from_dict(doc) for doc in data["papers"].values()]


def test_a_sound_file_in_the_current_schema_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    write_catalog(path, {"arxiv:2611.00001": sound(1)}, CURRENT)
    decoded, _ = read_both(path)
    assert decoded is not None
    assert decoded.keys == ["arxiv:2611.00001"]
    assert decoded.papers[0].links == sound(1)["links"]


def test_another_schema_an_unknown_table_or_broken_json_go_to_the_ordinary_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "catalog.json"
    for schema in (
        {"kind": "catalog", "version": SCHEMA_VERSION + 1},
        {"kind": "state", "version": 1},
        None,
    ):
        write_catalog(path, {"arxiv:2611.00001": sound(1)}, schema)
        assert fast_read(path) is None
    write_catalog(path, {}, CURRENT, _default={})
    assert fast_read(path) is None
    path.write_bytes(b'{"papers": {"arxiv:2611.00001": {"id": "arxiv:2611.00001", "title": "x"')
    assert fast_read(path) is None
    path.unlink()
    assert fast_read(path) is None


def test_a_catalog_the_store_wrote_is_read_the_fast_way(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(
            [
                Paper(id="", title=f"Paper {n}", arxiv_id=f"2611.{n:05d}", authors=["A"])
                for n in range(3)
            ],
            source="test",
        )
    decoded, data = read_both(home / "catalog.json")
    assert decoded is not None
    assert decoded.keys == list(data["papers"])
    with Library.open(home) as lib:
        assert lib.papers(texts=False) == {
            pid: Paper.from_dict(doc) for pid, doc in data["papers"].items()
        }


def test_a_wrong_typed_record_is_still_named_and_the_file_set_aside(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers([Paper(id="", title="Kept", arxiv_id="2611.00001")], source="test")
    path = home / "catalog.json"
    data = orjson.loads(path.read_bytes())
    data["papers"]["arxiv:2611.00001"]["upvotes"] = "many"
    path.write_bytes(orjson.dumps(data))
    with Library.open(home) as lib, pytest.raises(StoreError) as caught:
        lib.papers(texts=False)
    message = str(caught.value)
    assert "arxiv:2611.00001: upvotes 'many' has the wrong type" in message
    assert "moved aside" in message
    assert list(home.glob("catalog.json.corrupt-*"))


TRICKY_TEXT = st.text(
    alphabet=st.sampled_from(
        ["}", ",", '"', "\\", ":", "{", "a", "r", "x", "i", "v", "t", "l", "e", " "]
    ),
    max_size=24,
)


@settings(max_examples=200, deadline=None)
@given(
    titles=st.lists(TRICKY_TEXT, min_size=1, max_size=12),
    links=st.lists(st.dictionaries(TRICKY_TEXT, TRICKY_TEXT, max_size=2), min_size=1, max_size=12),
    slice_bytes=st.integers(1, 400),
)
@example(
    titles=['x},"arxiv:y', '"},"title:', "\\"], links=[{'},"arxiv:': '},"title:'}], slice_bytes=1
)
def test_slices_cut_only_between_papers_whatever_the_texts_hold(
    tmp_path_factory: Any, titles: list[str], links: list[dict[str, str]], slice_bytes: int
) -> None:
    """Titles and links made of the very characters a cut looks for: every slice is a whole
    run of papers, and the papers decoded in slices are the papers of the file."""
    records = {}
    for n, title in enumerate(titles):
        key = f"arxiv:2611.{n:05d}" if n % 2 else f"title:{n:016x}"
        records[key] = {"id": key, "title": title, "links": links[n % len(links)]}
    path = tmp_path_factory.mktemp("cat") / "catalog.json"
    write_catalog(path, records, CURRENT)
    table = orjson.dumps(records)
    parts = table_slices(memoryview(table), slice_bytes)
    if slice_bytes == 1:  # a cut at every paper
        assert [orjson.loads(part) for part in parts] == [{key: records[key]} for key in records]
    merged: dict[str, Any] = {}
    for part in parts:
        merged.update(orjson.loads(part))
    assert list(merged) == list(records) and merged == records
    decoded = fast_read(path, slice_bytes)
    assert decoded is not None
    assert decoded.keys == list(records)
    assert decoded.papers == [Paper.from_dict(doc) for doc in records.values()]


def test_a_cut_in_the_wrong_place_fails_and_sends_the_file_to_the_ordinary_read(
    tmp_path: Path,
) -> None:
    """A hand-written file whose paper holds an object-valued field named like an id: the cut
    there leaves slices that do not balance, so the fast read declines (and loses nothing)."""
    path = tmp_path / "catalog.json"
    doc = {"id": "arxiv:2611.00001", "title": "x", "links": {"a": "b"}, "arxiv:odd": {"k": 1}}
    write_catalog(path, {"arxiv:2611.00001": doc}, CURRENT)
    assert len(table_slices(memoryview(orjson.dumps({"arxiv:2611.00001": doc})), 1)) == 2
    assert fast_read(path, 1) is None
    assert fast_read(path, 10_000) is not None  # in one slice the unknown field is ignored
