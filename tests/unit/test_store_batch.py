"""A run of triage steps written at once (`Library.run_steps`, what the app's writer does with
the keys queued behind each other): the same result as one step after another, each file
written once, both or neither — and when even putting back fails, a message saying exactly
what the disk kept (a real second failure: a file-size limit the kernel enforces)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tui.actions import EditTags, MarkOpened, SetNote, SetStatus, ToggleStar
from tui.errors import StoreError, UnknownPaperError
from tui.models import Paper
from tui.store import ActionStep, Library, UndoStep

IDS = [f"arxiv:2401.0000{n}" for n in range(4)]


@pytest.fixture
def lib(home: Path) -> Library:
    library = Library.open(home)
    library.upsert_papers(
        [Paper(id="", title=f"Paper {n}", arxiv_id=pid[6:]) for n, pid in enumerate(IDS)],
        source="t",
    )
    library.edit_tags([IDS[0]], add=["old"])
    return library


def test_an_undo_right_after_a_star_in_the_same_run_undoes_that_star(lib: Library) -> None:
    outcomes = lib.run_steps(
        [
            ActionStep(ToggleStar(), (IDS[0],), "s1"),
            UndoStep(True, "s1"),
            ActionStep(SetStatus("later"), (IDS[1],), "s1"),
        ]
    )
    star, undo, later = (o.entry for o in outcomes)
    assert star is not None and undo is not None and later is not None
    assert undo.seq == star.seq and not undo.foreign
    with Library.open(lib.home) as disk:
        assert not disk.state(IDS[0]).starred
        assert disk.state(IDS[0]).tags == ["old"]
        assert disk.state(IDS[1]).status == "later"
        # The new action dropped the undone star (the redo stack): as one step after another.
        assert [(e.label, e.undone) for e in disk.history()] == [
            ("tag +old on 1 paper", False),
            ("reading list: 1 paper", False),
        ]
        assert disk.undo() is not None  # the journal works on: the later is undone
        assert disk.state(IDS[1]).status == "inbox"


def test_a_run_equals_the_same_steps_one_by_one(home: Path, tmp_path: Path) -> None:
    steps = [
        ActionStep(SetStatus("done"), (IDS[0], IDS[1]), "s"),
        ActionStep(EditTags(("x",), ("old",)), (IDS[0],), "s"),
        ActionStep(MarkOpened(), (IDS[2],), "s"),  # not an undo step of its own
        UndoStep(True, "s"),
        UndoStep(False, "s"),
        ActionStep(SetNote("n"), (IDS[3],), "s"),
        UndoStep(True, "s"),
        UndoStep(True, None),  # any session's
    ]
    results = {}
    for name, batched in (("one by one", False), ("at once", True)):
        where = tmp_path / name
        with Library.open(where) as lib:
            lib.upsert_papers(
                [Paper(id="", title=f"Paper {n}", arxiv_id=p[6:]) for n, p in enumerate(IDS)],
                source="t",
            )
            lib.edit_tags([IDS[0]], add=["old"])
            if batched:
                lib.run_steps(steps)
            else:
                for step in steps:
                    lib.run_steps([step])
        with Library.open(where) as lib:
            states = {pid: lib.state(pid) for pid in IDS}
            results[name] = (
                {pid: (s.status, s.tags, s.note, s.opened_at is None) for pid, s in states.items()},
                [(e.seq, e.label, e.undone) for e in lib.history()],
                sorted(p.name for p in (where / "journal").glob("*.json")),
            )
    assert results["at once"] == results["one by one"]


def test_each_file_is_written_once_per_run(lib: Library) -> None:
    """The version a write replaces is kept as NAME.good (a hard link): after one run its inode
    is the file's from before the run, which a second write in the run would have replaced."""
    shard = lib.home / "state" / f"{lib.state_shard(IDS[0]):02d}.json"
    index = lib.home / "journal.json"
    before = {path: path.stat().st_ino for path in (shard, index)}
    lib.run_steps([ActionStep(ToggleStar(), (IDS[0],), "s") for _ in range(5)])
    for path, inode in before.items():
        assert (path.parent / f"{path.name}.good").stat().st_ino == inode, path.name
    assert lib.state(IDS[0]).starred  # five toggles
    assert len(lib.history()) == 6


def test_a_step_that_cannot_run_fails_alone(lib: Library) -> None:
    outcomes = lib.run_steps(
        [
            ActionStep(SetStatus("later"), (IDS[1],)),
            ActionStep(SetStatus("done"), ("arxiv:9999.99999",)),
            ActionStep(ToggleStar(), (IDS[1],)),
        ]
    )
    assert isinstance(outcomes[1].error, UnknownPaperError)
    assert "9999.99999" in outcomes[1].error.message
    assert outcomes[0].error is None and outcomes[2].error is None
    with Library.open(lib.home) as disk:
        assert disk.state(IDS[1]).status == "later" and disk.state(IDS[1]).starred


# ---------------------------------------------------------------- states kept, journal not

BIG_NOTE = "n" * 60_000
LIMIT = 30_000
"""Bytes a file may grow to: the cleared note's state shard fits, its journal entry (which
holds the old note) does not, and neither does putting the old note back."""


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, resource.RLIM_INFINITY))


def test_states_kept_journal_not_says_exactly_what_the_disk_holds(lib: Library) -> None:
    lib.set_note([IDS[2]], BIG_NOTE)
    history = [e.label for e in lib.history()]
    lib.close()
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--home", str(lib.home), "note", IDS[2], ""],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_file_size,
        env={**os.environ, "PAPERDECK_HOME": str(lib.home)},
    )
    assert result.returncode == 1, result.stderr
    err = result.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1
    saved = f"'clear note on 1 paper' was saved for {IDS[2]} but could not be journalled"
    assert saved in err, err
    assert "so it cannot be undone; putting it back failed too" in err
    assert "File too large" in err and "nothing was changed" not in err
    with Library.open(lib.home) as disk:
        assert disk.state(IDS[2]).note == ""  # what the message says was kept
        assert [e.label for e in disk.history()] == history  # and not journalled
    assert len(list((lib.home / "journal").glob("0*.json"))) == len(history)  # no leftover


def test_a_state_write_that_fails_part_way_puts_back_what_it_wrote(lib: Library) -> None:
    big, small = IDS[0], next(p for p in IDS[1:] if lib.state_shard(p) != lib.state_shard(IDS[0]))
    history = [e.label for e in lib.history()]
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, hard))  # the big note's shard cannot grow
    try:
        with pytest.raises(StoreError) as info:
            lib.run_steps(
                [ActionStep(SetNote(BIG_NOTE), (big,)), ActionStep(ToggleStar(), (small,))]
            )
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    shard = f"state/{lib.state_shard(big):02d}.json"
    assert shard in info.value.message and "nothing was changed" in info.value.message
    with Library.open(lib.home) as disk:  # and nothing was: the star's shard was put back
        assert not disk.state(small).starred and disk.state(big).note == ""
        assert [e.label for e in disk.history()] == history
    assert not lib.state(small).starred  # this process's copy agrees with the disk
