"""The triage actions: each rule pinned on its own, and the screen's guess equal to the store's write.

The guess and the write are the same `Action.apply` call, so the property test below shows
they agree (the ids, the settling of a toggle, the per-field times); the rule tests pin what
that shared call does, so a broken rule fails here as well as in the store's and the app's tests.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.actions import (
    Action,
    EditTags,
    MarkOpened,
    RenameTag,
    SetNote,
    SetStar,
    SetStatus,
    ToggleStar,
)
from tui.errors import UsageError
from tui.models import STATUSES, Paper, State
from tui.snapshot import LibrarySnapshot
from tui.store import Library

NOW = 1_800_000_000.0


def state(**fields: object) -> State:
    return State(**fields)  # type: ignore[arg-type]


# ---------------------------------------------------------------- each rule


def test_set_status_changes_the_status_and_its_time_only() -> None:
    before = state(status="inbox", starred=True, times={"starred": 5.0})
    after = SetStatus("done").apply(before, NOW)
    assert after.status == "done" and after.starred
    assert after.times == {"starred": 5.0, "status": NOW}
    assert before.status == "inbox" and before.times == {"starred": 5.0}  # left alone


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_is_set_as_named(status: str) -> None:
    start = "done" if status != "done" else "inbox"
    after = SetStatus(status).apply(state(status=start), NOW)
    assert after.status == status and after.times == {"status": NOW}


def test_setting_the_same_value_keeps_its_time() -> None:
    before = state(status="later", times={"status": 5.0})
    assert SetStatus("later").apply(before, NOW).times == {"status": 5.0}
    assert SetStar(False).apply(before, NOW).times == {"status": 5.0}


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(UsageError, match="unknown status 'read'"):
        SetStatus("read")


def test_toggle_star_stars_all_unless_all_are_starred() -> None:
    mixed = [state(starred=True), state()]
    assert ToggleStar().settle(mixed) == SetStar(True)
    assert ToggleStar().settle([state(starred=True)] * 2) == SetStar(False)
    assert ToggleStar().settle([]) == SetStar(False)
    with pytest.raises(TypeError):
        ToggleStar().apply(state(), NOW)  # it must be settled first


def test_edit_tags_normalises_and_stamps_each_tag() -> None:
    action = EditTags((" Diffusion Models", "x,", "  "), ("old",))
    assert action.add == ("diffusion-models", "x") and action.remove == ("old",)
    after = action.apply(state(tags=["old", "x"], times={"tag:x": 1.0}), NOW)
    assert after.tags == ["diffusion-models", "x"]
    assert after.times == {"tag:x": 1.0, "tag:diffusion-models": NOW, "tag:old": NOW}


def test_note_is_cleaned_and_an_empty_note_clears() -> None:
    action = SetNote("  read\x1b[31m  this \n\n later ")
    assert action.note == "read [31m this\n\nlater"
    assert action.apply(state(), NOW).note == action.note
    cleared = SetNote("").apply(state(note="x", times={"note": 1.0}), NOW)
    assert cleared.note == "" and cleared.times == {"note": NOW}


def test_mark_opened_keeps_the_first_opening() -> None:
    first = MarkOpened("2026-01-01T00:00:00Z").apply(state(), NOW)
    assert first.opened_at == "2026-01-01T00:00:00Z" and first.times == {"opened_at": NOW}
    again = MarkOpened("2027-01-01T00:00:00Z").apply(first, NOW + 1)
    assert again.to_dict() == first.to_dict()
    assert not MarkOpened.journal and SetStar.journal


def test_rename_tag_merges_and_selects_the_papers_carrying_it() -> None:
    action = RenameTag("Old Name", "new")
    states = {"a": state(tags=["old-name"]), "b": state(tags=["new", "old-name"]), "c": state()}
    assert action.select(states) == ["a", "b"]
    after = action.apply(states["b"], NOW)
    assert after.tags == ["new"] and after.times == {"tag:old-name": NOW, "tag:new": NOW}
    with pytest.raises(UsageError, match="no paper has the tag 'gone'"):
        RenameTag("gone", "x").select(states)
    with pytest.raises(UsageError, match="cannot be empty"):
        RenameTag(" ", "x")


@pytest.mark.parametrize(
    ("action", "count", "label"),
    [
        (SetStatus("skipped"), 43, "skip: 43 papers"),
        (SetStatus("later"), 1, "reading list: 1 paper"),
        (SetStatus("inbox"), 2, "back to inbox: 2 papers"),
        (SetStatus("done"), 2, "done: 2 papers"),
        (SetStar(True), 2, "star 2 papers"),
        (SetStar(False), 1, "unstar 1 paper"),
        (EditTags(("a",), ("b",)), 3, "tag +a -b on 3 papers"),
        (SetNote("x"), 1, "note on 1 paper"),
        (SetNote(""), 1, "clear note on 1 paper"),
        (MarkOpened(), 1, "opened"),
        (RenameTag("a", "b"), 2, "rename tag a → b on 2 papers"),
    ],
)
def test_labels(action: Action, count: int, label: str) -> None:
    assert action.describe(count) == label


# ---------------------------------------------------------------- guess == write

PAPERS = 6
TAGS = ["idea", "to-read", "Diffusion Models", "x,", "new"]
IDS = [f"arxiv:2601.{n:05d}" for n in range(PAPERS)]

texts = st.text(alphabet=st.sampled_from("ab \n\t\x1b."), max_size=8)
tag_lists = st.lists(st.sampled_from(TAGS), max_size=3)
states = st.builds(
    State,
    status=st.sampled_from(STATUSES),
    starred=st.booleans(),
    tags=st.lists(st.sampled_from(["idea", "to-read", "diffusion-models", "new"]), unique=True),
    note=st.sampled_from(["", "a note", "two\nlines"]),
    opened_at=st.sampled_from([None, "2026-01-01T00:00:00Z"]),
    times=st.dictionaries(
        st.sampled_from(["status", "starred", "note", "tag:idea", "tag:gone"]),
        st.floats(min_value=0, max_value=1e6),
        max_size=3,
    ),
)
actions = st.one_of(
    st.builds(SetStatus, st.sampled_from(STATUSES)),
    st.builds(SetStar, st.booleans()),
    st.just(ToggleStar()),
    st.builds(lambda a, r: EditTags(tuple(a), tuple(r)), tag_lists, tag_lists),
    st.builds(SetNote, texts),
    st.builds(MarkOpened),
    st.builds(RenameTag, st.sampled_from(TAGS[:3]), st.sampled_from(TAGS[1:])),
)


@pytest.fixture(scope="module")
def library() -> Iterator[Library]:
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library.open(Path(tmp) / "home")
        papers = [Paper(id="", title=f"Paper {n}", arxiv_id=IDS[n][6:]) for n in range(PAPERS)]
        lib.upsert_papers(papers, source="test")
        yield lib
        lib.close()


def _times_moved(result: State, before: State) -> State:
    """`result` with every update time it changed (relative to `before`) replaced by -1: the
    guess and the store each read their own clock."""
    out = result.copy()
    out.times = {k: (-1.0 if v != before.times.get(k) else v) for k, v in result.times.items()}
    return out


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.lists(states, min_size=PAPERS, max_size=PAPERS),
    action=actions,
    targets=st.lists(st.sampled_from(IDS), min_size=1, max_size=8),
)
def test_the_guess_is_what_the_store_writes(
    library: Library, start: list[State], action: Action, targets: list[str]
) -> None:
    library.apply_states(dict(zip(IDS, start, strict=True)), label="setup")
    before = {pid: library.state(pid) for pid in IDS}
    snapshot = LibrarySnapshot(library.papers(texts=False), library.states())
    names_papers = not isinstance(action, RenameTag)
    try:
        guess = snapshot.guess(targets if names_papers else action.select(snapshot.states), action)
    except UsageError:
        with pytest.raises(UsageError):
            library.run(action)
        return
    entry = library.run(action, targets if names_papers else None)
    assert set(entry.ids) <= set(guess)
    for pid in IDS:
        written = _times_moved(library.state(pid), before[pid])
        expected = _times_moved(guess.get(pid, before[pid]), before[pid])
        assert written.to_dict() == expected.to_dict(), pid
    assert bool(entry.changes) == any(
        guess[pid].to_dict() != before[pid].to_dict() for pid in guess
    )
