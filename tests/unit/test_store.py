"""The store on real TinyDB files: merging, triage, journal, atomicity, locking, corruption."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tui.errors import LockTimeoutError, StoreError, UnknownPaperError, UsageError
from tui.models import Paper, State
from tui.store import Library
from tui.store.db import CorruptFileError, open_db
from tui.store.lock import LibraryLock


def paper(title: str, arxiv: str | None = None, **extra: object) -> Paper:
    return Paper(id="", title=title, arxiv_id=arxiv, **extra)  # type: ignore[arg-type]


@pytest.fixture
def lib(home: Path) -> Library:
    library = Library.open(home)
    library.upsert_papers(
        [
            paper("DPM-Solver: A Fast ODE Solver", "2206.00927", version=2, upvotes=81),
            paper("Attention Is All You Need", "1706.03762", authors=["Ashish Vaswani"]),
            paper("A Saved Page Paper Without Id", abstract="Some abstract."),
        ],
        source="test",
    )
    return library


def run_py(code: str, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------- catalog merging


def test_upsert_counts_and_persistence(lib: Library, home: Path) -> None:
    again = lib.upsert_papers(
        [paper("DPM-Solver: A Fast ODE Solver", "2206.00927", version=2, upvotes=81)],
        source="test",
    )
    assert again.added == [] and again.updated == [] and again.unchanged == ["arxiv:2206.00927"]
    reopened = Library.open(home)
    assert set(reopened.papers()) == set(lib.papers())
    assert reopened.get("arxiv:2206.00927").upvotes == 81  # type: ignore[union-attr]
    title_id = next(p for p in reopened.papers() if p.startswith("title:"))
    assert reopened.papers()[title_id].abstract == "Some abstract."


def test_upsert_refreshes_hf_fields_and_keeps_gaps(lib: Library) -> None:
    result = lib.upsert_papers(
        [paper("DPM-Solver: A Fast ODE Solver", "2206.00927", upvotes=120, comments=4)],
        source="hf-json",
    )
    assert result.updated == ["arxiv:2206.00927"]
    merged = lib.get("arxiv:2206.00927")
    assert merged is not None
    assert (merged.upvotes, merged.comments, merged.version) == (120, 4, 2)
    assert merged.sources == ["test", "hf-json"]


def test_title_only_paper_gains_arxiv_id_and_keeps_its_state(lib: Library, home: Path) -> None:
    old_id = next(p for p in lib.papers() if p.startswith("title:"))
    lib.set_starred([old_id], True)
    lib.edit_tags([old_id], add=["keep"])
    result = lib.upsert_papers(
        [paper("A saved page paper, without id!", "2401.00001", upvotes=3)], source="hf-json"
    )
    assert result.updated == ["arxiv:2401.00001"]
    assert old_id not in lib.papers()
    assert lib.resolve(old_id) == "arxiv:2401.00001"
    reopened = Library.open(home)
    state = reopened.state("arxiv:2401.00001")
    assert state.starred and state.tags == ["keep"]
    assert old_id not in reopened.states()
    # Undo of an action recorded under the old id still finds the paper.
    assert reopened.undo() is not None
    assert reopened.state("arxiv:2401.00001").tags == []


def test_same_title_different_arxiv_ids_stay_apart(lib: Library) -> None:
    result = lib.upsert_papers([paper("Attention Is All You Need", "2999.00001")], source="x")
    assert result.added == ["arxiv:2999.00001"]


def test_import_never_touches_state(lib: Library) -> None:
    lib.set_status(["arxiv:2206.00927"], "later")
    before = lib.state("arxiv:2206.00927").to_dict()
    lib.upsert_papers([paper("DPM-Solver v3", "2206.00927", upvotes=1)], source="x")
    assert lib.state("arxiv:2206.00927").to_dict() == before


def test_dry_run_writes_nothing(lib: Library, home: Path) -> None:
    before = (home / "catalog.json").read_bytes()
    result = lib.upsert_papers([paper("Brand New", "2501.00002")], source="x", dry_run=True)
    assert result.added == ["arxiv:2501.00002"]
    assert (home / "catalog.json").read_bytes() == before
    assert "arxiv:2501.00002" not in Library.open(home).papers()


@pytest.mark.parametrize(
    "text",
    [
        "2206.00927",
        "2206.00927v2",
        "arXiv:2206.00927",
        "https://arxiv.org/abs/2206.00927v1",
        "https://arxiv.org/pdf/2206.00927.pdf",
        "https://huggingface.co/papers/2206.00927",
        "arxiv:2206.00927",
    ],
)
def test_resolve_accepts_every_id_form(lib: Library, text: str) -> None:
    assert lib.resolve(text) == "arxiv:2206.00927"


def test_resolve_unknown_id(lib: Library) -> None:
    with pytest.raises(UnknownPaperError, match=r"9999\.99999"):
        lib.resolve("9999.99999")


# ---------------------------------------------------------------- triage and journal


def test_triage_ops_and_counts(lib: Library) -> None:
    ids = ["arxiv:2206.00927", "arxiv:1706.03762"]
    lib.set_status(ids, "later")
    lib.toggle_star(ids)
    lib.edit_tags(ids, add=["Diffusion Models", "rl"])
    lib.edit_tags(ids[:1], remove=["rl"])
    lib.set_note(ids[:1], "read  section 3\n\nthen 4")
    counts = lib.status_counts()
    assert counts == {"inbox": 1, "later": 2, "done": 0, "skipped": 0, "starred": 2, "all": 3}
    assert lib.tag_counts() == {"diffusion-models": 2, "rl": 1}
    state = lib.state(ids[0])
    assert state.note == "read section 3\n\nthen 4"
    assert "tag:rl" in state.times and "rl" not in state.tags  # tombstone kept
    with pytest.raises(UsageError):
        lib.set_status(ids, "someday")


def test_toggle_star_mixed_selection_stars_all(lib: Library) -> None:
    lib.set_starred(["arxiv:2206.00927"], True)
    entry = lib.toggle_star(["arxiv:2206.00927", "arxiv:1706.03762"])
    assert entry.label == "star 2 papers"
    assert lib.state("arxiv:1706.03762").starred
    lib.toggle_star(["arxiv:2206.00927", "arxiv:1706.03762"])
    assert not lib.state("arxiv:2206.00927").starred


def test_rename_and_merge_tags(lib: Library) -> None:
    lib.edit_tags(["arxiv:2206.00927"], add=["difusion"])
    lib.edit_tags(["arxiv:1706.03762"], add=["diffusion"])
    lib.rename_tag("difusion", "diffusion")
    assert lib.tag_counts() == {"diffusion": 2}
    lib.undo()
    assert lib.tag_counts() == {"diffusion": 1, "difusion": 1}
    with pytest.raises(UsageError):
        lib.rename_tag("nope", "x")


def test_bulk_undo_redo_survive_restart(lib: Library, home: Path) -> None:
    ids = list(lib.papers())
    lib.set_status(ids, "skipped")
    lib.set_starred(ids[:1], True)
    reopened = Library.open(home)
    assert reopened.undo().label == "star 1 paper"  # type: ignore[union-attr]
    entry = reopened.undo()
    assert entry is not None and entry.label == "skip: 3 papers"
    assert all(reopened.state(p).status == "inbox" for p in ids)
    third = Library.open(home)
    assert third.redo().label == "skip: 3 papers"  # type: ignore[union-attr]
    assert all(third.state(p).status == "skipped" for p in ids)
    assert not third.state(ids[0]).starred
    # A new action clears the redo stack.
    third.set_note(ids[:1], "x")
    assert third.redo() is None


def test_undo_only_reverts_the_fields_it_changed(lib: Library) -> None:
    pid = "arxiv:2206.00927"
    lib.set_status([pid], "later")
    lib.set_starred([pid], True)
    lib.undo()  # unstar
    lib.undo()  # back to inbox
    assert lib.state(pid).status == "inbox" and not lib.state(pid).starred
    assert lib.undo() is None


def test_state_shards_stay_small(lib: Library, home: Path) -> None:
    pid = "arxiv:2206.00927"
    lib.set_starred([pid], True)
    shard = home / "state" / f"{lib.state_shard(pid):02d}.json"
    data = json.loads(shard.read_text())
    assert data["states"][pid]["starred"] is True
    assert data["_meta"]["schema"] == {"kind": "state", "version": 1}
    assert len(list((home / "state").glob("*.json"))) == 1


def test_shard_counts_are_recorded_and_a_library_made_with_others_finds_its_states(
    home: Path,
) -> None:
    ids = [f"arxiv:2601.{n:05d}" for n in range(40)]
    with Library(home, state_shards=8, text_shards=4) as made:
        made.upsert_papers(
            [paper(f"Paper {n}", pid[6:], abstract=f"About {n}.") for n, pid in enumerate(ids)],
            source="test",
        )
        made.set_starred(ids, True)
    meta = json.loads((home / "meta.json").read_text())
    assert meta["meta"]["shards"]["value"] == {"state": 8, "texts": 4}
    assert {p.name for p in (home / "state").glob("*.json")} <= {f"{n:02d}.json" for n in range(8)}
    assert len(list((home / "texts").glob("*.json"))) <= 4
    with Library.open(home) as lib:  # opened with the default counts asked for
        assert lib.shard_counts == {"state": 8, "texts": 4}
        assert all(lib.state(pid).starred for pid in ids)
        assert lib.get(ids[7]) is not None and lib.papers()[ids[7]].abstract == "About 7."
        lib.set_status([ids[3]], "done")
        shard = home / "state" / f"{lib.state_shard(ids[3]):02d}.json"
        assert json.loads(shard.read_text())["states"][ids[3]]["status"] == "done"
    holding = [f for f in (home / "state").glob("*.json") if ids[3] in f.read_text()]
    assert holding == [shard]  # written where it was read from, not beside it
    with Library.open(home) as lib:
        assert lib.state(ids[3]).status == "done" and lib.state(ids[3]).starred


def test_a_library_from_before_shard_counts_gets_todays_recorded(lib: Library, home: Path) -> None:
    lib.set_starred(["arxiv:2206.00927"], True)
    lib.close()
    meta_file = home / "meta.json"
    data = json.loads(meta_file.read_text())
    del data["meta"]["shards"]
    meta_file.write_text(json.dumps(data))
    with Library(home, state_shards=8, text_shards=2) as again:  # not a new library
        assert again.shard_counts == {"state": 64, "texts": 16}
        assert again.state("arxiv:2206.00927").starred
    assert json.loads(meta_file.read_text())["meta"]["shards"]["value"] == {
        "state": 64,
        "texts": 16,
    }


# ---------------------------------------------------------------- several processes


def test_other_process_changes_are_seen_and_not_overwritten(lib: Library, home: Path) -> None:
    lib.set_starred(["arxiv:2206.00927"], True)
    out = run_py(
        """
        import sys
        from tui.store import Library
        lib = Library.open(sys.argv[1])
        lib.edit_tags(["arxiv:2206.00927"], add=["from-cron"])
        """,
        str(home),
    )
    assert out.returncode == 0, out.stderr
    # Our in-memory copy is stale; the next write must re-read, not overwrite.
    lib.set_status(["arxiv:2206.00927"], "later")
    state = Library.open(home).state("arxiv:2206.00927")
    assert state.starred and state.tags == ["from-cron"] and state.status == "later"
    assert lib.in_step_with_disk()  # our own write is not taken for another process's


def test_concurrent_writers_lose_nothing(lib: Library, home: Path) -> None:
    ids = list(lib.papers())
    script = """
        import sys
        from tui.store import Library
        lib = Library.open(sys.argv[1])
        for i in range(15):
            lib.edit_tags([sys.argv[2]], add=[f"{sys.argv[3]}-{i}"])
        """
    procs = [
        subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), str(home), pid, f"w{n}"])
        for n, pid in enumerate([ids[0], ids[0], ids[1]])
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    final = Library.open(home)
    assert len(final.state(ids[0]).tags) == 30
    assert len(final.state(ids[1]).tags) == 15


def test_lock_held_elsewhere_names_the_holder(lib: Library, home: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys, time
                from pathlib import Path
                from tui.store.lock import LibraryLock
                lock = LibraryLock(Path(sys.argv[1]) / ".lock")
                with lock.hold():
                    print("held", flush=True)
                    time.sleep(30)
                """
            ),
            str(home),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        slow = Library.open(home, lock_timeout=0.3)
        with pytest.raises(LockTimeoutError, match=f"process {holder.pid}"):
            slow.set_starred(["arxiv:2206.00927"], True)
        assert Library.open(home).state("arxiv:2206.00927").starred is False
    finally:
        holder.kill()
        holder.wait()


def test_kill_during_writes_never_tears_a_file(lib: Library, home: Path) -> None:
    script = """
        import sys
        from tui.models import Paper
        from tui.store import Library
        lib = Library.open(sys.argv[1])
        i = 0
        while True:
            i += 1
            lib.upsert_papers([Paper(id="", title=f"Paper {i} " + "x" * 2000)], source="loop")
            lib.edit_tags(["arxiv:2206.00927"], add=[f"t{i}"])
        """
    rng = random.Random(7)
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), str(home)])
        time.sleep(0.6 + rng.random() * 0.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reopened = Library.open(home)  # raises if any file is torn
        assert "arxiv:2206.00927" in reopened.papers()
        for path in [home / "catalog.json", *(home / "state").glob("*.json")]:
            json.loads(path.read_text())


# ---------------------------------------------------------------- damaged and hostile disks


def test_corrupt_catalog_is_moved_aside_and_reported(lib: Library, home: Path) -> None:
    (home / "catalog.json").write_text('{"papers": {"x": ')
    reopened = Library.open(home)  # the big files are read on first use
    with pytest.raises(StoreError, match=r"catalog\.json.*moved aside to catalog\.json\.corrupt-"):
        reopened.papers()
    moved = list(home.glob("catalog.json.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_text() == '{"papers": {"x": '
    assert not (home / "catalog.json").exists()


def test_corrupt_state_shard_is_reported_not_emptied(lib: Library, home: Path) -> None:
    lib.set_starred(["arxiv:2206.00927"], True)
    shard = home / "state" / f"{lib.state_shard('arxiv:2206.00927'):02d}.json"
    shard.write_bytes(b"\x00\xff garbage")
    reopened = Library.open(home)  # state shards are read when first needed
    with pytest.raises(StoreError, match="could not be read"):
        reopened.state("arxiv:2206.00927")
    assert next(iter((home / "state").glob("*.corrupt-*"))).read_bytes() == b"\x00\xff garbage"


def test_newer_schema_is_refused(lib: Library, home: Path) -> None:
    data = json.loads((home / "meta.json").read_text()) if (home / "meta.json").exists() else {}
    data.setdefault("_meta", {})["schema"] = {"kind": "meta", "version": 99}
    (home / "meta.json").write_text(json.dumps(data))
    with pytest.raises(StoreError, match="newer paperdeck"):
        Library.open(home)
    assert json.loads((home / "meta.json").read_text())["_meta"]["schema"]["version"] == 99


def test_migration_runs_under_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(
        json.dumps({"_meta": {"schema": {"kind": "demo", "version": 1}}, "t": {"a": {"v": 1}}})
    )
    lock = LibraryLock(tmp_path / ".lock")

    def bump(data: dict[str, dict[str, object]]) -> None:
        data["t"]["a"] = {"v": 2}

    db = open_db(
        path, kind="demo", version=2, migrations={1: bump}, guard=None, write_lock=lock.hold
    )
    assert db.keyed("t").fetch("a") == {"v": 2}
    assert json.loads(path.read_text())["_meta"]["schema"] == {"kind": "demo", "version": 2}
    with pytest.raises(CorruptFileError):
        open_db(path, kind="other", version=2)


def test_full_disk_keeps_old_file(lib: Library, home: Path) -> None:
    before = (home / "catalog.json").read_bytes()
    out = run_py(
        """
        import resource, signal, sys
        from tui.cli import main
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))
        sys.exit(main(["--home", sys.argv[1], "import", sys.argv[2]]))
        """,
        str(home),
        str(Path(__file__).parents[1] / "fixtures" / "hf_daily_papers_sample.json"),
    )
    assert out.returncode == 1
    assert "cannot write" in out.stderr and "nothing was changed" in out.stderr
    assert "Traceback" not in out.stderr
    assert (home / "catalog.json").read_bytes() == before
    assert not list(home.glob(".*.tmp"))


def _can_mount_read_only(path: Path) -> bool:
    probe = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            f"mount --bind {path} {path} && mount -o remount,ro,bind {path}",
        ],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def test_read_only_folder_gives_one_line(lib: Library, home: Path) -> None:
    if shutil.which("unshare") is None or not _can_mount_read_only(home):
        pytest.skip("cannot make a read-only bind mount here (needs unshare and root)")
    before = (home / "catalog.json").read_bytes()
    script = (
        f"mount --bind {home} {home} && mount -o remount,ro,bind {home} && "
        f"exec {sys.executable} -m tui --home {home} star 2206.00927"
    )
    out = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 1, out.stderr
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert "Read-only file system" in out.stderr and str(home) in out.stderr
    assert (home / "catalog.json").read_bytes() == before
    assert Library.open(home).state("arxiv:2206.00927").starred is False


def test_state_defaults_and_tombstones_roundtrip() -> None:
    state = State(status="later", tags=["b", "a"], times={"tag:c": 1.0})
    again = State.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again.to_dict() == state.to_dict()
    assert not again.is_default and State().is_default


def test_store_cleans_hostile_text_from_any_caller(home: Path) -> None:
    lib = Library.open(home)
    lib.upsert_papers(
        [
            Paper(
                id="",
                title="Evil\x1b[2J  [bold red]Title[/]\n",
                arxiv_id="2503.00001",
                authors=["Mallory\x07 Bell"],
                abstract="line one\r\nline\x00two",
            )
        ],
        source="reading-list",
    )
    stored = Library.open(home).papers()["arxiv:2503.00001"]
    assert stored.title == "Evil [2J [bold red]Title[/]"
    assert stored.authors == ["Mallory Bell"]
    assert stored.abstract == "line one line two"
