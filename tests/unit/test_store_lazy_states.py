"""State shards are read when first needed: a triage write reads its papers' shards only, so
its cost does not grow with the library, and what it does not read it cannot be hurt by."""

from __future__ import annotations

from pathlib import Path

from cli_process import cli

from tui.models import Paper
from tui.store import Library


def two_papers_in_two_shards(home: Path) -> tuple[str, str]:
    with Library.open(home) as lib:
        lib.upsert_papers(
            [Paper(id="", title=f"Paper {i}", arxiv_id=f"2401.{i:05d}") for i in range(40)],
            source="t",
        )
        ids = sorted(lib.papers())
        first = ids[0]
        other = next(pid for pid in ids if lib.state_shard(pid) != lib.state_shard(first))
        lib.set_status([first, other], "later")
    return first, other


def test_a_write_does_not_read_the_other_shards(home: Path) -> None:
    mine, other = two_papers_in_two_shards(home)
    with Library.open(home) as lib:
        damaged = home / "state" / f"{lib.state_shard(other):02d}.json"
    damaged.write_text("{not json")
    done = cli(home, "star", mine)
    assert done.returncode == 0 and done.stdout.strip() == "star 1 paper"
    undone = cli(home, "undo")
    assert undone.returncode == 0 and undone.stdout.strip() == "undo: star 1 paper"
    assert damaged.read_text() == "{not json"  # never read, so never set aside
    with Library.open(home) as lib:
        assert lib.state(mine).status == "later" and not lib.state(mine).starred
    stats = cli(home, "stats")  # reads every state: the damage is found and reported there
    assert stats.returncode == 1 and "moved aside" in stats.stderr
    assert not damaged.exists()


def test_shards_read_later_see_what_others_wrote_meanwhile(home: Path) -> None:
    mine, other = two_papers_in_two_shards(home)
    with Library.open(home) as lib:
        assert lib.state(mine).status == "later"  # one shard read
        with Library.open(home) as elsewhere:
            elsewhere.set_status([mine, other], "done")
        lib.set_starred([other], True)  # a shard not read yet: read now, under the lock
        lib.edit_tags([mine], add=["x"])  # a shard read before: refreshed under the lock
        assert lib.state(other).status == "done" and lib.state(other).starred
        assert lib.state(mine).status == "done" and lib.state(mine).tags == ["x"]
        assert lib.status_counts()["done"] == 2
    with Library.open(home) as lib:
        assert lib.states()[other].starred and lib.states()[mine].tags == ["x"]
