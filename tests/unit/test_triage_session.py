"""The triage session without Textual: targets, marks, the optimistic guess, the write, rollback.

The session hands its store writes to `submit`; here they are collected and run against a real
library in a temp folder, as the screen's writer thread runs them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.actions import RenameTag, SetNote, SetStatus, ToggleStar
from tui.errors import LockTimeoutError
from tui.models import Paper, State
from tui.snapshot import LibrarySnapshot
from tui.store import Library
from tui.triage_session import TriageSession, WriteJob

IDS = [f"arxiv:2601.{n:05d}" for n in range(4)]


@pytest.fixture
def lib(home: Path) -> Library:
    library = Library.open(home, lock_timeout=0.2)
    library.upsert_papers(
        [Paper(id="", title=f"Paper {n}", arxiv_id=pid[6:]) for n, pid in enumerate(IDS)],
        source="test",
    )
    library.edit_tags([IDS[0], IDS[1]], add=["idea"])
    return library


@pytest.fixture
def jobs() -> list[WriteJob]:
    return []


@pytest.fixture
def session(lib: Library, jobs: list[WriteJob]) -> TriageSession:
    return TriageSession(LibrarySnapshot(lib.papers(texts=False), lib.states()), jobs.append)


def run_all(session: TriageSession, lib: Library, jobs: list[WriteJob]) -> None:
    """What the writer does: run each job, then put the store's states in."""
    while jobs:
        job = jobs.pop(0)
        entry = job.run(lib)
        ids = set(job.ids) | set(entry.ids if entry else ())
        session.stored({pid: lib.state(pid) for pid in ids})


def test_targets_are_the_marked_papers_else_the_current_one(session: TriageSession) -> None:
    rows = [IDS[2], IDS[0], IDS[1]]
    assert session.targets(rows, IDS[0]) == [IDS[0]]
    assert session.targets(rows, None) == []
    session.set_marked([IDS[1], IDS[3], IDS[2]])
    # Shown ones in row order, then those filtered out of view.
    assert session.targets(rows, IDS[0]) == [IDS[2], IDS[1], IDS[3]]
    session.toggle_mark(IDS[2])
    assert session.marked == {IDS[1], IDS[3]}


def test_an_action_shows_at_once_and_the_store_writes_the_same(
    session: TriageSession, lib: Library, jobs: list[WriteJob]
) -> None:
    applied = session.act(SetStatus("later"), IDS, IDS[2])
    assert applied is not None and applied.ids == [IDS[2]] and not applied.bulk
    assert applied.changed == [IDS[2]]
    assert session.snapshot is not None
    assert session.snapshot.state(IDS[2]).status == "later"  # before any write
    assert lib.state(IDS[2]).status == "inbox"
    assert [job.rollback[IDS[2]].status for job in jobs] == ["inbox"]
    run_all(session, lib, jobs)
    assert lib.state(IDS[2]).status == "later"
    assert session.snapshot.state(IDS[2]).to_dict() == lib.state(IDS[2]).to_dict()
    assert lib.history()[-1].label == "reading list: 1 paper"


def test_the_stores_answer_stamped_later_is_kept_but_changes_nothing_shown(
    session: TriageSession, lib: Library, jobs: list[WriteJob]
) -> None:
    snapshot = session.snapshot
    assert snapshot is not None
    applied = session.act(ToggleStar(), IDS, IDS[3])
    assert applied is not None and applied.changed == [IDS[3]]
    guessed, version, counts = snapshot.state(IDS[3]), snapshot.version, snapshot.status_counts()
    job = jobs.pop()
    job.run(lib)
    stored = lib.state(IDS[3])
    assert stored.starred and stored.times != guessed.times  # the store stamped it itself
    # The same decision at another moment: put in (the ranking reads the times), bumping the
    # version the searcher caches on, but nothing to repaint and no count moves.
    assert session.stored({IDS[3]: stored}) == []
    assert snapshot.state(IDS[3]).times == stored.times
    assert snapshot.version == version + 1
    assert snapshot.status_counts() == counts
    # A different decision from the store (another session unstarred it) is a change.
    lib.set_starred([IDS[3]], False)
    assert session.stored({IDS[3]: lib.state(IDS[3])}) == [IDS[3]]
    assert snapshot.status_counts()["starred"] == counts["starred"] - 1


def test_a_bulk_action_clears_the_marks_and_settles_a_toggle_once(
    session: TriageSession, lib: Library, jobs: list[WriteJob]
) -> None:
    lib.set_starred([IDS[0]], True)
    session.stored({IDS[0]: lib.state(IDS[0])})
    session.set_marked([IDS[0], IDS[1]])
    applied = session.act(ToggleStar(), IDS, IDS[3])
    assert applied is not None and applied.bulk
    assert session.marked == set()
    assert session.snapshot is not None
    assert [session.snapshot.state(pid).starred for pid in IDS[:2]] == [True, True]
    run_all(session, lib, jobs)
    assert lib.history()[-1].label == "star 2 papers"
    assert [lib.state(pid).starred for pid in IDS] == [True, True, False, False]


def test_a_failed_write_rolls_back_to_the_states_before(
    session: TriageSession, lib: Library, jobs: list[WriteJob], home: Path
) -> None:
    session.act(SetNote("read this"), IDS, IDS[1])
    assert session.snapshot is not None and session.snapshot.state(IDS[1]).note == "read this"
    with Library.open(home) as other, other.hold():
        job = jobs.pop()
        with pytest.raises(LockTimeoutError):
            job.run(lib)
    assert session.stored(job.rollback) == [IDS[1]]  # what the writer posts on failure
    assert session.snapshot.state(IDS[1]).note == ""
    assert lib.state(IDS[1]).note == ""


def test_nothing_happens_before_the_library_is_open(lib: Library) -> None:
    jobs: list[WriteJob] = []
    session = TriageSession(None, jobs.append)
    assert session.act(SetStatus("done"), IDS, IDS[0]) is None
    session = TriageSession(LibrarySnapshot(lib.papers(texts=False), lib.states()))
    assert not session.ready and session.act(SetStatus("done"), IDS, IDS[0]) is None
    session.step("undo")
    assert jobs == []


def test_rename_tag_guesses_on_the_papers_shown_and_the_store_renames_everywhere(
    session: TriageSession, lib: Library, jobs: list[WriteJob]
) -> None:
    changed = session.act_everywhere(RenameTag("idea", "Big Idea"))
    assert sorted(changed) == IDS[:2]
    assert session.snapshot is not None
    assert session.snapshot.tag_counts() == {"big-idea": 2}
    run_all(session, lib, jobs)
    assert lib.tag_counts() == {"big-idea": 2}
    assert lib.history()[-1].label == "rename tag idea → big-idea on 2 papers"


def test_undo_redo_and_opened_are_queued_in_order(
    session: TriageSession, lib: Library, jobs: list[WriteJob]
) -> None:
    session.act(SetStatus("done"), IDS, IDS[3])
    session.step("undo")
    session.opened(IDS[3])
    assert [job.kind for job in jobs] == ["action", "undo", "action"]
    run_all(session, lib, jobs)
    state = lib.state(IDS[3])
    assert state.status == "inbox" and state.opened_at is not None
    assert session.snapshot is not None and session.snapshot.state(IDS[3]).opened_at
    session.step("redo")
    run_all(session, lib, jobs)
    assert lib.state(IDS[3]).status == "done"


def test_answers_during_the_preview_are_kept_for_the_full_library(
    session: TriageSession,
) -> None:
    answer = {IDS[0]: State(status="done")}
    session.stored(answer, preview=True)
    session.stored({IDS[1]: State(status="later")})
    assert session.take_preview_changes() == answer
    assert session.take_preview_changes() == {}
