"""One fuzzer over every input format paperdeck reads, through the real commands on a real
library: `paperdeck import FILE` (a saved HF Papers page, HF JSON in its three shapes, arXiv
Atom and RSS, paperdeck's own JSON export) and `paperdeck sync --list FILE` (a reading list).

Each example starts from a real file of that format (a recorded fixture, or one paperdeck
itself wrote) and damages it: a value in the JSON tree replaced by a hostile one, an XML text
replaced, bytes cut, inserted or flipped. Whatever comes in, the command either imports cleanly
(and the library reads back) or prints one line naming the file, exits non-zero and leaves
every store file byte-identical; never a traceback, never a control character on the terminal.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from tui.cli import main
from tui.store import Library

FIXTURES = Path(__file__).parents[1] / "fixtures"
JSON_KINDS = {"hf-json", "hf-json-search", "hf-json-info", "paperdeck-json", "reading-list"}
XML_KINDS = {"arxiv-atom", "arxiv-rss"}
SEEDS: dict[str, bytes] = {}
"""A real file of each kind, by kind (filled in by the `world` fixture)."""

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "\x1b]52;c;aGk=\x07",
    "\x1b[2J",
    "\x9b31m",
    "\u202eevil\u202c",
    "\u2066x\u2069\u200b",
    "\ud800",
    "[bold red]x[/]",
    "9" * 400,
    "1e999",
    "-1",
    "9999-99-99",
    "2026-02-30T25:61:00Z",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "x" * 3000,
    "<b>",
    "&",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.just(2**64),
    st.just(10**400),
    st.floats(allow_nan=False, allow_infinity=False),
    st.just(1e300),
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=12),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
SNIPPETS = [s.encode("utf-8", "surrogatepass") for s in HOSTILE_TEXT] + [
    b"\xff\xfe",
    b"\xc3",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
    b"&a;",
    b"]]>",
    b"<",
    b'"',
    b"{",
    b"[" * 2000,
    b"\\ud800",
    b"\r\n",
]


def _cut_json(raw: bytes, keep: int) -> bytes:
    """A JSON list fixture with only its first `keep` records (keeps each example quick)."""
    data = json.loads(raw)
    return json.dumps(data[:keep] if isinstance(data, list) else data, indent=1).encode()


def _seeds(base: Path, tmp: Path) -> dict[str, bytes]:
    page = (FIXTURES / "000_c522ad30ce1a1ce2.txt").read_bytes()
    seeds = {
        "hf-page": page[: page.index(b"\n", 9000)],
        "hf-json": _cut_json((FIXTURES / "hf_daily_papers_sample.json").read_bytes(), 3),
        "hf-json-search": _cut_json((FIXTURES / "hf_papers_search_sample.json").read_bytes(), 2),
        "hf-json-info": (FIXTURES / "hf_paper_info_sample.json").read_bytes(),
        "arxiv-atom": (FIXTURES / "arxiv_query_sample.atom").read_bytes(),
        "arxiv-rss": (FIXTURES / "arxiv_rss_sample.xml").read_bytes(),
    }
    export, reading = tmp / "export.json", tmp / "list.json"
    assert run(base, "export", "--format", "json", "-o", str(export))[0] == 0
    assert run(base, "sync", "--list", str(reading))[0] == 0
    seeds["paperdeck-json"] = _cut_json(export.read_bytes(), 4)
    seeds["reading-list"] = reading.read_bytes()
    return seeds


def run(home: Path, *args: str) -> tuple[int, str, str]:
    """The `paperdeck` command, in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--home", str(home), *args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A library with papers and decisions (from the fixtures); fills in `SEEDS`."""
    tmp = tmp_path_factory.mktemp("fuzz")
    base = tmp / "base"
    for name in ("arxiv_query_sample.atom", "hf_papers_search_sample.json"):
        assert run(base, "import", str(FIXTURES / name))[0] == 0
    with Library.open(base) as lib:
        ids = sorted(lib.papers())
        lib.set_status(ids[:2], "later")
        lib.edit_tags(ids[1:3], add=["idea"])
        lib.set_note(ids[:1], "a note")
        lib.set_starred(ids[2:4], True)
    SEEDS.update(_seeds(base, tmp))
    yield base


def _replace_in_tree(draw: st.DrawFn, node: Any) -> Any:
    """`node` with one value somewhere in it replaced by a hostile one (or a key dropped)."""
    if isinstance(node, (list, dict)) and node and draw(st.integers(0, 3)):
        keys = list(range(len(node))) if isinstance(node, list) else sorted(node)
        key = draw(st.sampled_from(keys))
        if isinstance(node, dict) and draw(st.integers(0, 5)) == 0:
            return {k: v for k, v in node.items() if k != key}
        copy = list(node) if isinstance(node, list) else dict(node)
        copy[key] = _replace_in_tree(draw, node[key])  # type: ignore[index]
        return copy
    return draw(VALUES)


def _mutate_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    at = draw(st.integers(0, len(data)))
    how = draw(st.sampled_from(["cut", "insert", "insert", "flip", "repeat"]))
    if how == "cut":
        return data[:at]
    if how == "insert":
        return data[:at] + draw(st.sampled_from(SNIPPETS) | st.binary(max_size=6)) + data[at:]
    if how == "flip" and at < len(data):
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    span = data[at : at + draw(st.integers(1, 200))]
    return data[:at] + span * draw(st.integers(2, 50)) + data[at:]


@st.composite
def inputs(draw: st.DrawFn, seeds: dict[str, bytes]) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(sorted(seeds)))
    data = seeds[kind]
    if kind in JSON_KINDS and draw(st.booleans()):
        tree = json.loads(data)
        for _ in range(draw(st.integers(1, 3))):
            tree = _replace_in_tree(draw, tree)
        ascii_only = draw(st.booleans())
        data = json.dumps(tree, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    elif kind in XML_KINDS and draw(st.booleans()):
        text = data.decode()
        spans = [m.span(1) for m in re.finditer(r">([^<>]+)<", text)]
        start, end = draw(st.sampled_from(spans))
        hostile = draw(st.sampled_from(HOSTILE_TEXT) | st.text(max_size=12))
        data = (text[:start] + escape(hostile) + text[end:]).encode("utf-8", "surrogatepass")
    for _ in range(draw(st.integers(0, 2))):
        data = _mutate_bytes(draw, data)
    return kind, data


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def check(base: Path, kind: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home, path = Path(tmp) / "home", Path(tmp) / f"input-{kind}"
        shutil.copytree(base, home)
        path.write_bytes(data)
        before = snapshot(home)
        command = ("sync", "--list") if kind == "reading-list" else ("import",)
        code, out, err = run(home, *command, str(path))
        event(f"{kind}: {'refused' if code else 'imported'}")
        assert "Traceback" not in out + err
        assert not CONTROL.search(out + err), (out, err)
        if code != 0:
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("paperdeck: "), err
            assert str(path) in lines[0], err
            assert snapshot(home) == before, "a refused input changed the store"
            assert path.read_bytes() == data
            return
        with Library.open(home) as lib:  # what was written reads back
            lib.load_texts()
            lib.status_counts()
            lib.tag_counts()
        again = run(home, *command, str(path))  # and takes the same input again
        assert again[0] == 0, again


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=st.deferred(lambda: inputs(SEEDS)))
@example(case=("hf-json", b"[" * 100_000))
@example(case=("paperdeck-json", b'{"format": "paperdeck", "papers": [' + b"9" * 5000 + b"]}"))
@example(case=("reading-list", b'{"format": "paperdeck-reading-list", "version": "\\ud800"}'))
def test_every_input_imports_cleanly_or_is_refused_in_one_line(
    world: Path, case: tuple[str, bytes]
) -> None:
    check(world, *case)
