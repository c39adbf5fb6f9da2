"""The catalog's fast read (`CATALOG_DECODER` through `AtomicJSONStorage.read_typed`): papers
decoded straight from `catalog.json`, without the dict tree the ordinary read builds and checks.

It may only ever be a faster way to the same papers: whatever a catalog file holds, when the
fast read takes it the ordinary checks (`tui.store.validate`) take it too and `Paper.from_dict`
builds equal papers; what it refuses goes to the ordinary read, which names the record. And it
is the way a catalog the store wrote is read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tui.errors import StoreError
from tui.models import Paper
from tui.store import Library
from tui.store.catalog import CATALOG_DECODER
from tui.store.db import open_db
from tui.store.library import SCHEMA_VERSION
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


def fast_read(path: Path) -> Any:
    return open_db(path, kind="catalog", version=SCHEMA_VERSION, eager=False).file.read_typed(
        CATALOG_DECODER
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
    assert list(decoded.papers) == keys
    assert list(decoded.papers.values()) == [
        Paper.from_dict(doc) for doc in data["papers"].values()
    ]


def test_a_sound_file_in_the_current_schema_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    write_catalog(path, {"arxiv:2611.00001": sound(1)}, CURRENT)
    decoded, _ = read_both(path)
    assert decoded is not None
    assert decoded.papers["arxiv:2611.00001"].links == sound(1)["links"]


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
    assert sorted(decoded.papers) == sorted(data["papers"])
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
