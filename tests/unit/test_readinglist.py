"""Reading list: merge laws (hypothesis), the file format, and two homes syncing through one file."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.errors import InputFormatError, UsageError
from tui.models import STATUSES, Paper, State
from tui.readinglist import (
    FORMAT_NAME,
    ReadingList,
    ReadingListEntry,
    dump_reading_list,
    merge,
    merge_state,
    parse_reading_list,
    reading_list_from_library,
    sync_reading_list,
)
from tui.store import Library

TAG_POOL = ("diffusion", "rl", "to-read")
# A handful of times so that equal times (the tie-break) come up often.
TIMES = st.one_of(
    st.none(), st.sampled_from([0.0, -0.0, 1.0, 2.0, 3.5]), st.floats(0, 1.7e9)
)  # in the past: a future time is read as now


def canon(state: State) -> str:
    return json.dumps(state.to_dict(), sort_keys=True)


def canon_list(rl: ReadingList) -> str:
    return dump_reading_list(rl)


@st.composite
def states(draw: st.DrawFn) -> State:
    state = State(
        status=draw(st.sampled_from(STATUSES)),
        starred=draw(st.booleans()),
        tags=sorted(draw(st.sets(st.sampled_from(TAG_POOL)))),
        note=draw(st.sampled_from(["", "read §3", "zzz"])),
        opened_at=draw(st.sampled_from([None, "2026-11-20T09:14:00Z", "2026-11-21T10:00:00Z"])),
    )
    for name in ("status", "starred", "note", "opened_at", *(f"tag:{t}" for t in TAG_POOL)):
        time = draw(TIMES)
        if time is not None:
            state.times[name] = time
    return state


@st.composite
def reading_lists(draw: st.DrawFn) -> ReadingList:
    rl = ReadingList()
    for pid in draw(st.sets(st.sampled_from(["arxiv:2206.00927", "arxiv:2401.00001", "title:x"]))):
        title = draw(st.sampled_from(["DPM-Solver", "DPM-Solver (v2)", "Ünïcode {title}"]))
        arxiv = pid.removeprefix("arxiv:") if pid.startswith("arxiv:") else None
        rl.entries[pid] = ReadingListEntry(
            Paper(id=pid, title=title, arxiv_id=arxiv, authors=["Cheng Lu"]), draw(states())
        )
    return rl


# ----- merge laws ---------------------------------------------------------------------------


@given(states(), states())
def test_merge_state_is_commutative(a: State, b: State) -> None:
    assert canon(merge_state(a, b)) == canon(merge_state(b, a))


@given(states(), states(), states())
def test_merge_state_is_associative(a: State, b: State, c: State) -> None:
    assert canon(merge_state(merge_state(a, b), c)) == canon(merge_state(a, merge_state(b, c)))


@given(states())
def test_merge_state_is_idempotent_and_default_is_neutral(a: State) -> None:
    once = merge_state(a, a)
    assert canon(merge_state(once, a)) == canon(once)
    assert canon(merge_state(a, State())) == canon(once)
    # Merging with itself changes nothing but representation (-0.0 becomes 0.0).
    assert once.status == a.status and once.tags == sorted(a.tags) and once.note == a.note


@given(states(), states())
def test_merged_state_takes_each_field_from_one_side(a: State, b: State) -> None:
    merged = merge_state(a, b)
    for name in ("status", "starred", "note", "opened_at"):
        assert (getattr(merged, name), merged.times.get(name)) in [
            (getattr(a, name), a.times.get(name)),
            (getattr(b, name), b.times.get(name)),
        ]
    for tag in TAG_POOL:
        key = f"tag:{tag}"
        assert (tag in merged.tags, merged.times.get(key)) in [
            (tag in a.tags, a.times.get(key)),
            (tag in b.tags, b.times.get(key)),
        ]


@given(reading_lists(), reading_lists())
def test_merge_lists_is_commutative(a: ReadingList, b: ReadingList) -> None:
    assert canon_list(merge(a, b)) == canon_list(merge(b, a))


@given(reading_lists(), reading_lists(), reading_lists())
def test_merge_lists_is_associative(a: ReadingList, b: ReadingList, c: ReadingList) -> None:
    assert canon_list(merge(merge(a, b), c)) == canon_list(merge(a, merge(b, c)))


@given(reading_lists())
def test_merge_lists_is_idempotent_and_keeps_every_paper(a: ReadingList) -> None:
    once = merge(a, a)
    assert canon_list(merge(once, a)) == canon_list(once)
    assert canon_list(merge(a, ReadingList())) == canon_list(once)
    assert sorted(once.entries) == sorted(a.entries)


@given(reading_lists())
def test_file_round_trip_is_exact(rl: ReadingList) -> None:
    text = dump_reading_list(rl)
    again = parse_reading_list(text)
    assert dump_reading_list(again) == text
    for pid, entry in rl.entries.items():
        assert canon(again.entries[pid].state) == canon(merge_state(entry.state, State()))


# ----- random histories: merging equals applying every change in time order ---------------

FIELD_OPS = st.one_of(
    st.tuples(st.just("status"), st.sampled_from(STATUSES)),
    st.tuples(st.just("starred"), st.booleans()),
    st.tuples(st.just("note"), st.sampled_from(["", "a", "b"])),
    st.tuples(st.just("opened_at"), st.sampled_from([None, "2026-01-01T00:00:00Z"])),
    st.tuples(st.just("tag"), st.sampled_from(TAG_POOL)),
    st.tuples(st.just("untag"), st.sampled_from(TAG_POOL)),
)


def apply_op(state: State, op: tuple[str, object], time: float) -> None:
    """A user change on one machine, stamped with the time it happened."""
    kind, value = op
    if kind in ("tag", "untag"):
        tags = set(state.tags)
        (tags.add if kind == "tag" else tags.discard)(str(value))
        state.tags = sorted(tags)
        state.times[f"tag:{value}"] = time
    else:
        setattr(state, kind, value)
        state.times[kind] = time


@dataclass
class Event:
    machine: int
    op: tuple[str, object] | None  # None: this machine syncs with the shared file


@settings(max_examples=150)
@given(
    st.lists(
        st.builds(
            Event,
            st.integers(0, 2),
            st.one_of(st.none(), FIELD_OPS),
        ),
        max_size=40,
    )
)
def test_random_histories_converge_to_the_latest_change_of_every_field(
    events: list[Event],
) -> None:
    machines = [State() for _ in range(3)]
    shared = State()  # the synced file
    truth = State()  # one machine that saw every change, in order
    for time, event in enumerate(events, start=1):
        if event.op is None:
            shared = merge_state(shared, machines[event.machine])
            machines[event.machine] = merge_state(machines[event.machine], shared)
        else:
            apply_op(machines[event.machine], event.op, float(time))
            apply_op(truth, event.op, float(time))
    # Everyone syncs twice around: all machines agree, and agree with the truth.
    for _ in range(2):
        for n in range(3):
            shared = merge_state(shared, machines[n])
            machines[n] = merge_state(machines[n], shared)
    assert {canon(m) for m in machines} == {canon(shared)}
    assert canon(shared) == canon(merge_state(truth, State()))


def test_untag_survives_an_older_copy_that_still_has_the_tag() -> None:
    older = State(tags=["rl", "to-read"], times={"tag:rl": 10.0, "tag:to-read": 10.0})
    newer = State(tags=["rl"], times={"tag:rl": 10.0, "tag:to-read": 20.0})
    merged = merge_state(older, newer)
    assert merged.tags == ["rl"]
    assert merged.times["tag:to-read"] == 20.0  # the tombstone is kept
    readded = State(tags=["rl", "to-read"], times={"tag:rl": 10.0, "tag:to-read": 30.0})
    assert merge_state(merged, readded).tags == ["rl", "to-read"]


def test_timeless_values_are_not_lost_to_defaults() -> None:
    legacy = State(status="done")  # no times at all (an old store)
    other = State(starred=True, times={"starred": 5.0})
    merged = merge_state(other, legacy)
    assert merged.status == "done" and merged.starred is True


# ----- the file ------------------------------------------------------------------------------


def sample_list() -> ReadingList:
    rl = ReadingList()
    rl.entries["arxiv:2206.00927"] = ReadingListEntry(
        Paper(
            id="arxiv:2206.00927",
            title="DPM-Solver",
            arxiv_id="2206.00927",
            authors=["Cheng Lu", "Yuhao Zhou"],
            published="2022-06-02",
        ),
        State(
            status="later",
            starred=True,
            tags=["diffusion"],
            note="compare\nwith DDIM",
            times={"status": 1.5, "starred": 1.5, "tag:diffusion": 2.0, "tag:old": 3.0},
        ),
    )
    rl.entries["title:0123456789abcdef"] = ReadingListEntry(
        Paper(
            id="title:0123456789abcdef",
            title="Björn's {paper}",
            authors=[],
            links={"abs": "https://example.org/p"},
        ),
        State(status="done", times={"status": 1.0}),
    )
    return rl


def test_dump_is_readable_sorted_json_with_a_header() -> None:
    text = dump_reading_list(sample_list())
    lines = text.splitlines()
    assert lines[:3] == ["{", f'  "format": "{FORMAT_NAME}",', '  "version": 1,']
    document = json.loads(text)
    assert [p["id"] for p in document["papers"]] == ["arxiv:2206.00927", "title:0123456789abcdef"]
    first = document["papers"][0]
    assert list(first) == sorted(first)
    assert first["url"] == "https://arxiv.org/abs/2206.00927"
    assert first["times"] == {"starred": 1.5, "status": 1.5, "tag:diffusion": 2.0, "tag:old": 3.0}
    assert document["papers"][1]["url"] == "https://example.org/p"
    assert "Björn's {paper}" in text  # non-ASCII kept readable
    assert text.endswith("}\n")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            '{"format": "paperdeck-reading-list",\n "version": 1,\n "papers": [\n  {,}\n]}',
            4,
            "JSON",
        ),
        ("<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> other\n", 1, "merge-conflict"),
        ('{"format": "something-else", "version": 1, "papers": []}', 1, "not a paperdeck"),
        ('{"format": "paperdeck-reading-list",\n"version": 9,\n"papers": []}', 2, "newer"),
        (
            '{"format": "paperdeck-reading-list", "version": 1, "papers": [\n'
            '  {"id": "arxiv:2401.00001", "title": "ok"},\n'
            '  {"id": "arxiv:2206.00927",\n   "title": "x", "status": "reading"}\n]}',
            3,
            "status 'reading'",
        ),
        (
            '{"format": "paperdeck-reading-list", "version": 1, "papers": [\n'
            '  {"id": "title:1", "title": "x",\n "times": {"status": "yesterday"}}]}',
            2,
            "time 'status'",
        ),
        (
            '{"format": "paperdeck-reading-list", "version": 1, "papers": [\n {"title": "x"}]}',
            1,
            'no "id"',
        ),
    ],
)
def test_bad_files_name_path_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = write(tmp_path / "list.json", text)
    with Library.open(tmp_path / "home") as lib, pytest.raises(InputFormatError) as caught:
        sync_reading_list(lib, path)
    message = str(caught.value)
    assert str(path) in message
    assert f"line {line}:" in message
    assert words in message
    assert "\n" not in message
    assert path.read_text(encoding="utf-8") == text  # left as it was


def test_not_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_bytes(b'{"format":\n"paperdeck-reading-list",\n "x": "\xff"}')
    lib = Library.open(tmp_path / "home")
    with lib, pytest.raises(InputFormatError, match=r"line 3: not UTF-8"):
        sync_reading_list(lib, path)


def test_lenient_reading_of_hand_edited_files(tmp_path: Path) -> None:
    text = json.dumps(
        {
            "format": FORMAT_NAME,
            "version": 1,
            "papers": [
                {
                    "id": "arxiv:2206.00927",
                    "title": "A",
                    "tags": ["To Read"],
                    "times": {"x": 1, "tag:To Read": 2},
                },
                {
                    "id": "arxiv:2206.00927",
                    "title": "A",
                    "starred": True,
                    "times": {"starred": 4},
                },
            ],
        }
    )
    rl = parse_reading_list(text, tmp_path / "l.json")
    entry = rl.entries["arxiv:2206.00927"]
    assert entry.paper.arxiv_id == "2206.00927"  # filled from the id
    assert entry.state.tags == ["to-read"]  # normalised, duplicates merged
    assert entry.state.starred is True
    assert entry.state.times == {"starred": 4.0, "tag:to-read": 2.0}
    assert parse_reading_list("  \n").entries == {}


def test_ids_are_canonical_and_only_web_links_are_kept() -> None:
    papers = [
        {"id": "arxiv:2206.00927v2", "title": "Versioned", "url": "javascript:alert(1)"},
        {"id": "title:abc", "arxiv_id": "2401.00001", "title": "Gained an id"},
        {"id": "title:def", "title": "Web", "url": "file:///etc/passwd"},
        {"id": "title:ghi", "title": "Web 2", "url": "https://example.org/x"},
    ]
    text = json.dumps({"format": FORMAT_NAME, "version": 1, "papers": papers})
    rl = parse_reading_list(text)
    assert sorted(rl.entries) == ["arxiv:2206.00927", "arxiv:2401.00001", "title:def", "title:ghi"]
    assert rl.entries["arxiv:2206.00927"].paper.abs_url == "https://arxiv.org/abs/2206.00927"
    assert rl.entries["title:def"].paper.abs_url is None
    assert rl.entries["title:ghi"].paper.abs_url == "https://example.org/x"


# ----- syncing real libraries ---------------------------------------------------------------

DPM = Paper(
    id="arxiv:2206.00927",
    arxiv_id="2206.00927",
    title="DPM-Solver: A Fast ODE Solver for Diffusion Probabilistic Model Sampling",
    authors=["Cheng Lu", "Yuhao Zhou"],
    abstract="Diffusion probabilistic models are emerging powerful generative models.",
    published="2022-06-02",
)
FLOW = Paper(
    id="arxiv:2405.20320",
    arxiv_id="2405.20320",
    title="Improving the Training of Rectified Flows",
    authors=["Sangyun Lee"],
    published="2024-05-30",
)
PAGE = Paper(id="title:placeholder", title="Multi-marginal Schrödinger Bridges", authors=[])


@pytest.fixture
def two_homes(tmp_path: Path) -> Iterator[tuple[Library, Library]]:
    home_a = Library.open(tmp_path / "a")
    home_b = Library.open(tmp_path / "b")
    home_a.upsert_papers([DPM, FLOW, PAGE], source="test")
    home_b.upsert_papers([FLOW], source="test")
    yield home_a, home_b
    home_a.close()
    home_b.close()


def page_id(lib: Library) -> str:
    return next(pid for pid, p in lib.papers().items() if p.title == PAGE.title)


def test_first_sync_creates_the_file_with_every_touched_paper(
    two_homes: tuple[Library, Library], tmp_path: Path
) -> None:
    a, _ = two_homes
    a.set_status([DPM.id], "later")
    a.edit_tags([page_id(a)], add=["old"])
    a.edit_tags([page_id(a)], remove=["old"])  # only a tombstone left: still goes in
    path = tmp_path / "sync" / "reading-list.json"
    path.parent.mkdir()
    result = sync_reading_list(a, path)
    assert result.created and result.written
    assert result.papers_in_file == 2 and result.states_changed == 0 and result.papers_added == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    ids = [p["id"] for p in document["papers"]]
    assert ids == sorted([DPM.id, page_id(a)])
    tombstoned = next(p for p in document["papers"] if p["id"] == page_id(a))
    assert tombstoned["tags"] == [] and "tag:old" in tombstoned["times"]
    again = sync_reading_list(a, path)
    assert not again.written and again.states_changed == 0
    assert "file unchanged" in again.summary()


def test_two_homes_sync_through_one_file_in_alternation(
    two_homes: tuple[Library, Library], tmp_path: Path
) -> None:
    a, b = two_homes
    path = tmp_path / "reading-list.json"

    a.set_status([DPM.id], "later")
    a.set_starred([DPM.id], True)
    a.edit_tags([DPM.id, FLOW.id], add=["diffusion", "to-read"])
    first = sync_reading_list(a, path)
    assert first.created

    # B lacks DPM: it is added to B's catalog from the file, with A's state.
    result_b = sync_reading_list(b, path)
    assert result_b.papers_added == 1 and result_b.states_changed == 2
    added = b.get(DPM.id)
    assert added is not None and added.title == DPM.title and added.authors == DPM.authors
    assert added.published == DPM.published and "reading-list" in added.sources
    assert b.state(DPM.id).status == "later" and b.state(DPM.id).starred
    assert b.state(FLOW.id).tags == ["diffusion", "to-read"]
    assert b.history()[-1].label == "reading list sync"

    # Both change different things concurrently; B also removes a tag A still has.
    a.set_note([DPM.id], "compare with DDIM")
    b.edit_tags([FLOW.id], remove=["to-read"])
    b.set_status([FLOW.id], "done")
    sync_reading_list(b, path)
    result_a = sync_reading_list(a, path)
    assert result_a.states_changed == 1
    for lib in (a, b):
        sync_reading_list(lib, path)
    for lib in (a, b):
        assert lib.state(FLOW.id).tags == ["diffusion"]  # the untag was not undone
        assert lib.state(FLOW.id).status == "done"
        assert lib.state(DPM.id).note == "compare with DDIM"
        assert lib.state(DPM.id).starred

    # Now everyone agrees: syncing again changes nothing anywhere.
    before = path.read_bytes()
    for lib in (a, b):
        quiet = sync_reading_list(lib, path)
        assert quiet.states_changed == 0 and not quiet.written
    assert path.read_bytes() == before
    assert dump_reading_list(reading_list_from_library(a)) == dump_reading_list(
        reading_list_from_library(b)
    )

    # The sync is one undoable step in B.
    b.set_starred([DPM.id], False)
    sync_reading_list(b, path)
    sync_reading_list(a, path)
    assert not a.state(DPM.id).starred
    undone = a.undo()
    assert undone is not None and undone.label == "reading list sync"
    assert a.state(DPM.id).starred


def test_a_title_only_paper_meets_its_arxiv_twin(
    two_homes: tuple[Library, Library], tmp_path: Path
) -> None:
    a, b = two_homes
    path = tmp_path / "reading-list.json"
    a.edit_tags([page_id(a)], add=["bridges"])
    sync_reading_list(a, path)
    # B already knows the paper under its arXiv id (same title): the state lands there.
    b.upsert_papers(
        [Paper(id="arxiv:2303.12345", arxiv_id="2303.12345", title=PAGE.title)], source="test"
    )
    result = sync_reading_list(b, path)
    assert result.papers_added == 0
    assert b.state("arxiv:2303.12345").tags == ["bridges"]
    ids = [p["id"] for p in json.loads(path.read_text(encoding="utf-8"))["papers"]]
    assert ids == ["arxiv:2303.12345"]


def test_a_bad_file_is_reported_and_nothing_changes(
    two_homes: tuple[Library, Library], tmp_path: Path
) -> None:
    a, _ = two_homes
    a.set_status([DPM.id], "later")
    path = write(tmp_path / "list.json", '{"format": "paperdeck-reading-list", "version": 1,\n')
    before = path.read_bytes()
    history = len(a.history())
    with pytest.raises(InputFormatError, match=r"list\.json line \d+"):
        sync_reading_list(a, path)
    assert path.read_bytes() == before
    assert len(a.history()) == history
    assert sorted(os.listdir(tmp_path)) == ["a", "b", "list.json"]  # no temp files left


def test_dry_run_reports_without_writing(
    two_homes: tuple[Library, Library], tmp_path: Path
) -> None:
    a, b = two_homes
    path = tmp_path / "reading-list.json"
    a.set_status([DPM.id, FLOW.id], "later")
    dry = sync_reading_list(a, path, dry_run=True)
    assert dry.written and dry.created and not path.exists()
    assert "would be created" in dry.summary()
    sync_reading_list(a, path)
    before = path.read_bytes()
    preview = sync_reading_list(b, path, dry_run=True)
    assert preview.papers_added == 1 and preview.states_changed == 2
    assert b.get(DPM.id) is None and b.state(FLOW.id).status == "inbox"
    assert path.read_bytes() == before


def test_missing_folder_and_symlinks(two_homes: tuple[Library, Library], tmp_path: Path) -> None:
    a, _ = two_homes
    a.set_status([DPM.id], "later")
    with pytest.raises(UsageError, match="does not exist"):
        sync_reading_list(a, tmp_path / "nowhere" / "list.json")
    real = tmp_path / "synced" / "list.json"
    real.parent.mkdir()
    # A link to the folder is the user's own and is followed; a link at the list's name is not.
    folder_link = tmp_path / "sync-link"
    folder_link.symlink_to(real.parent)
    sync_reading_list(a, folder_link / "list.json")
    assert json.loads(real.read_text(encoding="utf-8"))["papers"][0]["id"] == DPM.id
    link = tmp_path / "list-link.json"
    link.symlink_to(real)
    before = real.read_bytes()
    with pytest.raises(InputFormatError, match=r"symbolic link.*name the file it points to"):
        sync_reading_list(a, link)
    assert link.is_symlink() and real.read_bytes() == before
