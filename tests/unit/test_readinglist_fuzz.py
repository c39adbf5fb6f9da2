"""Fuzzing the reading-list parser through a real sync: a hostile file from "another machine"
either merges cleanly or is one line of refusal, never a traceback, with nothing changed."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.errors import PaperdeckError
from tui.models import STATUSES, Paper
from tui.readinglist import FORMAT_NAME, sync_reading_list
from tui.store import Library

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
TIMES = st.dictionaries(
    st.sampled_from(["status", "starred", "note", "opened_at", "tag:a", "tag:B b", "x"]),
    st.one_of(st.floats(allow_nan=False), st.integers(), st.just(1e300), VALUES),
    max_size=5,
)
ENTRY = st.fixed_dictionaries(
    {
        "id": st.one_of(st.sampled_from(["arxiv:2206.00927", "title:a", "arxiv:bad", ""]), VALUES),
        "title": st.one_of(st.text(max_size=30), VALUES),
    },
    optional={
        "arxiv_id": st.one_of(st.sampled_from(["2206.00927", "2401.00001v2", "nope"]), VALUES),
        "authors": st.one_of(st.lists(st.text(max_size=10), max_size=3), VALUES),
        "status": st.one_of(st.sampled_from(STATUSES), VALUES),
        "starred": st.one_of(st.booleans(), VALUES),
        "tags": st.one_of(st.lists(st.text(max_size=10), max_size=3), VALUES),
        "note": st.one_of(st.text(max_size=40), VALUES),
        "opened_at": st.one_of(st.none(), st.text(max_size=20), VALUES),
        "published": st.one_of(st.none(), st.text(max_size=12), VALUES),
        "url": st.one_of(st.sampled_from(["https://example.org/p", "javascript:alert(1)"]), VALUES),
        "times": st.one_of(TIMES, VALUES),
    },
)
DOCUMENT = st.fixed_dictionaries(
    {
        "format": st.one_of(st.just(FORMAT_NAME), VALUES),
        "version": st.one_of(st.just(1), VALUES),
        "papers": st.one_of(st.lists(st.one_of(ENTRY, VALUES), max_size=5), VALUES),
    }
)


@st.composite
def file_texts(draw: st.DrawFn) -> bytes:
    text = json.dumps(draw(DOCUMENT), ensure_ascii=draw(st.booleans()))
    mutation = draw(st.sampled_from(["none", "none", "cut", "insert", "escape", "bytes"]))
    if mutation == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif mutation == "insert":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(max_size=5)) + text[at:]
    elif mutation == "escape":  # lone surrogates and odd escapes, as JSON text
        at = draw(st.integers(0, len(text)))
        text = (
            text[:at] + draw(st.sampled_from(["\\ud800", "\\udfff", "\\u0000", "\\x"])) + text[at:]
        )
    data = text.encode("utf-8", "surrogatepass")
    if mutation == "bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=4)) + data[at:]
    return data


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=file_texts())
@example(data=b'{"format": "paperdeck-reading-list", "version": 1, "papers": ' + b"[" * 50_000)
@example(
    data=b'{"format": "paperdeck-reading-list", "version": 1, "papers": [{"id": "title:x", '
    b'"title": "x", "times": {"status": 1' + b"0" * 400 + b"}}]}"
)
@example(
    data=b'{"format": "paperdeck-reading-list", "version": 1, "papers": [{"id": "title:x", '
    b'"title": "x", "note": "\\ud800"}]}'
)
def test_a_fuzzed_list_merges_or_is_refused_in_one_line(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home, path = Path(tmp) / "home", Path(tmp) / "list.json"
        with Library.open(home) as lib:
            lib.upsert_papers(
                [Paper(id="arxiv:2206.00927", arxiv_id="2206.00927", title="DPM-Solver")],
                source="test",
            )
            lib.set_status(["arxiv:2206.00927"], "later")
            path.write_bytes(data)
            before = snapshot(home), data
            try:
                result = sync_reading_list(lib, path)
            except PaperdeckError as exc:
                assert "\n" not in exc.message and str(path) in exc.message
                assert (snapshot(home), path.read_bytes()) == before
                return
            assert result.papers_in_file >= 1
            sync_reading_list(lib, path)  # what it wrote reads back
