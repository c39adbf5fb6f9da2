"""Hostile sync folders: links, FIFOs and devices at the list's name, far-future times, hostile
JSON, oversized lists, and the modes of what paperdeck creates. Real files, real processes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.actions import SetNote, SetStatus
from tui.errors import InputFormatError, PaperdeckError, StoreError
from tui.models import NOTE_MAX_CHARS, TITLE_MAX_CHARS, Paper, State
from tui.readinglist import FORMAT_NAME, MAX_ENTRIES, sync_reading_list
from tui.store import Library

PAPER = Paper(id="arxiv:2206.00927", arxiv_id="2206.00927", title="DPM-Solver", authors=["Lu"])


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    library = Library.open(tmp_path / "home")
    library.upsert_papers([PAPER], source="test")
    library.set_status([PAPER.id], "later")
    yield library
    library.close()


@pytest.fixture
def synced(tmp_path: Path) -> Path:
    folder = tmp_path / "Sync"
    folder.mkdir()
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def list_text(papers: list[dict[str, object]]) -> str:
    return json.dumps({"format": FORMAT_NAME, "version": 1, "papers": papers})


# ----- links, FIFOs, devices ------------------------------------------------------------------


def test_a_link_to_a_missing_file_creates_nothing(
    lib: Library, synced: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "config" / "config.toml"
    victim.parent.mkdir()
    (synced / "list.json").symlink_to(victim)
    with pytest.raises(InputFormatError, match="symbolic link") as caught:
        sync_reading_list(lib, synced / "list.json")
    assert "\n" not in str(caught.value)
    assert not victim.exists()


def test_a_link_to_an_empty_file_leaves_it_alone(
    lib: Library, synced: Path, tmp_path: Path
) -> None:
    victim = tmp_path / ".bash_profile"
    victim.write_text("")
    (synced / "list.json").symlink_to(victim)
    with pytest.raises(InputFormatError, match="symbolic link"):
        sync_reading_list(lib, synced / "list.json")
    assert victim.read_text() == ""


def test_a_planted_temp_name_is_not_written_through(
    lib: Library, synced: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    victim.chmod(0o600)
    # The temp names the old writer used: `.NAME.PID.tmp`, predictable.
    (synced / f".list.json.{os.getpid()}.tmp").symlink_to(victim)
    sync_reading_list(lib, synced / "list.json")
    assert victim.read_text() == "keep me"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600
    listed = synced / "list.json"
    assert not listed.is_symlink() and listed.is_file()
    assert json.loads(listed.read_text())["papers"][0]["id"] == PAPER.id


def test_a_fifo_is_refused_without_hanging(tmp_path: Path, synced: Path) -> None:
    fifo = synced / "list.json"
    os.mkfifo(fifo)
    script = (
        "import sys\n"
        "from tui.errors import PaperdeckError\n"
        "from tui.readinglist import sync_reading_list\n"
        "from tui.store import Library\n"
        "with Library.open(sys.argv[1]) as lib:\n"
        "    try:\n"
        "        sync_reading_list(lib, sys.argv[2])\n"
        "    except PaperdeckError as exc:\n"
        "        print(exc); sys.exit(exc.exit_code)\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "home"), str(fifo)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("sync hung on a FIFO")
    assert done.returncode == 1, done.stderr
    assert "FIFO" in done.stdout and "Traceback" not in done.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # not replaced by a regular file


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_node_is_not_replaced(lib: Library, synced: Path) -> None:
    node = synced / "list.json"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a private /dev/null
    with pytest.raises(InputFormatError, match="device"):
        sync_reading_list(lib, node)
    assert stat.S_ISCHR(node.lstat().st_mode)


def test_a_too_large_list_is_refused_before_reading(
    lib: Library, synced: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.readinglist.files as files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    path = synced / "list.json"
    path.write_text(list_text([]) + " " * 2000)
    with pytest.raises(InputFormatError, match="larger than"):
        sync_reading_list(lib, path)


# ----- the store's own files -----------------------------------------------------------------


def test_a_link_planted_at_the_lock_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Library.open(home).close()
    victim = tmp_path / "victim"
    (home / ".lock").unlink(missing_ok=True)
    (home / ".lock").symlink_to(victim)
    with Library.open(home) as library, pytest.raises(StoreError, match="symbolic link"):
        library.upsert_papers([PAPER], source="test")
    assert not victim.exists()


def test_a_link_planted_at_a_store_file_is_not_written_through(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Library.open(home) as library:
        library.upsert_papers([PAPER], source="test")
    victim = tmp_path / "victim.json"
    victim.write_text("")
    catalog = home / "catalog.json"
    catalog.unlink()
    catalog.symlink_to(victim)
    with pytest.raises(StoreError, match="symbolic link"), Library.open(home) as library:
        library.upsert_papers([PAPER], source="test")
    assert victim.read_text() == ""


def test_library_and_list_files_are_private(tmp_path: Path, synced: Path) -> None:
    old = os.umask(0o022)
    try:
        home = tmp_path / "home"
        with Library.open(home) as library:
            library.upsert_papers([PAPER], source="test")
            library.run(SetNote("private thoughts"), [PAPER.id])
            sync_reading_list(library, synced / "new.json")
            kept = synced / "kept.json"
            kept.write_text("")
            kept.chmod(0o644)
            sync_reading_list(library, kept)
    finally:
        os.umask(old)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for path in home.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    assert stat.S_IMODE((synced / "new.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.stat().st_mode) == 0o644


# ----- times from the future -----------------------------------------------------------------


@pytest.mark.parametrize("future", [253402300799.0, 1e300])  # year 9999; absurd
def test_a_far_future_time_does_not_win_forever(lib: Library, synced: Path, future: float) -> None:
    path = synced / "list.json"
    entry = {"id": PAPER.id, "title": PAPER.title, "status": "done", "times": {"status": future}}
    path.write_text(list_text([entry]))
    result = sync_reading_list(lib, path)
    assert result.future_times == 1 and "1 time in the future read as now" in result.summary()
    assert lib.state(PAPER.id).times["status"] <= time.time() + 1
    # The user changes their mind after the sync: that decision is the one that sticks.
    time.sleep(0.01)
    lib.set_status([PAPER.id], "later")
    sync_reading_list(lib, path)
    assert lib.state(PAPER.id).status == "later"
    assert json.loads(path.read_text())["papers"][0]["status"] == "later"


def test_a_change_is_stamped_after_the_time_it_replaces() -> None:
    for stored in (253402300799.0, 1e300):
        state = State(status="done", note="x", tags=["a"], times={"status": stored})
        state.times.update({"note": stored, "tag:a": stored})
        now = time.time()
        assert SetStatus("later").apply(state, now).times["status"] > stored
        assert SetNote("y").apply(state, now).times["note"] > stored
    plain = SetStatus("later").apply(State(times={"status": 10.0}), 20.0)
    assert plain.times["status"] == 20.0


def test_undo_beats_a_future_time(lib: Library) -> None:
    future = time.time() + 10_000
    state = lib.state(PAPER.id).copy()
    state.times["status"] = future
    lib.apply_states({PAPER.id: state}, label="from a fast clock")
    lib.set_status([PAPER.id], "done")
    assert lib.state(PAPER.id).times["status"] > future
    lib.undo()
    assert lib.state(PAPER.id).status == "later"
    assert lib.state(PAPER.id).times["status"] > future


# ----- hostile JSON and oversized lists -------------------------------------------------------

HOSTILE = {
    "deep nesting": '{"format": "paperdeck-reading-list", "version": 1, "papers": '
    + "[" * 100_000
    + "]" * 100_000
    + "}",
    "a 5,000-digit number": list_text([]).replace('"version": 1', '"version": ' + "9" * 5000),
    "a 5,000-digit time": list_text(
        [{"id": "title:x", "title": "x", "times": {"status": 0}}]
    ).replace('"status": 0', '"status": ' + "9" * 5000),
    "a time too large for a float": list_text(
        [{"id": "title:x", "title": "x", "times": {"status": 0}}]
    ).replace('"status": 0', '"status": 1' + "0" * 400),
    "a lone surrogate": list_text([{"id": "title:x", "title": "x"}]).replace('"x"}', '"\\ud800"}'),
    "too many papers": list_text(
        [{"id": f"title:{n}", "title": f"paper {n}"} for n in range(MAX_ENTRIES + 1)]
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_list_is_a_one_line_refusal(
    lib: Library, synced: Path, tmp_path: Path, name: str
) -> None:
    path = synced / "list.json"
    path.write_text(HOSTILE[name])
    before = snapshot(tmp_path / "home"), path.read_bytes()
    with pytest.raises(PaperdeckError) as caught:
        sync_reading_list(lib, path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and len(message) < 400
    assert (snapshot(tmp_path / "home"), path.read_bytes()) == before


def test_overlong_fields_are_cut_and_counted(lib: Library, synced: Path) -> None:
    path = synced / "list.json"
    entry = {
        "id": "title:long",
        "title": "t" * (TITLE_MAX_CHARS * 5),
        "note": "n" * (NOTE_MAX_CHARS + 10),
        "status": "later",
        "times": {"status": 1.0, "note": 1.0},
    }
    path.write_text(list_text([entry]))
    result = sync_reading_list(lib, path)
    assert result.papers_added == 1 and "1 added to the catalog" in result.summary()
    assert "1 title cut to 1,000 characters" in result.summary()
    assert "1 note cut to 100,000 characters" in result.summary()
    added = next(p for p in lib.papers().values() if p.id != PAPER.id)
    assert len(added.title) == TITLE_MAX_CHARS
    assert len(lib.state(added.id).note) == NOTE_MAX_CHARS
