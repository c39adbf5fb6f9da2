"""Plain `paperdeck` leaves a library that is not empty to the app's loader, which opens it
after the first frame: the command itself reads nothing but the catalog's size (only an
empty-looking library is opened, to fill it with the demo papers)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tui.models import Paper
from tui.store import Library


def start_without_terminal(home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", "--home", str(home)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_the_command_does_not_open_a_library_before_the_app(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(
            [Paper(id="", title=f"Paper number {i}", arxiv_id=f"2401.{i:05d}") for i in range(60)],
            source="t",
        )
        lib.set_status(["arxiv:2401.00001"], "later")
        shard = lib.state_shard("arxiv:2401.00001")
    assert (home / "catalog.json").stat().st_size > 4096  # not empty-looking
    damaged = home / "state" / f"{shard:02d}.json"
    damaged.write_text("{not json")
    out = start_without_terminal(home)
    # Opening it would have set the damaged file aside and said so; the app does that now.
    assert out.returncode == 2 and "needs a terminal" in out.stderr
    assert damaged.read_text() == "{not json"


def test_an_empty_looking_library_is_still_opened_and_its_errors_said_before_the_app(
    home: Path,
) -> None:
    Library.open(home).close()  # a library with no catalog yet
    (home / "meta.json").write_text("{not json")
    out = start_without_terminal(home)
    assert out.returncode == 1 and "moved aside" in out.stderr
    assert out.stderr.count("\n") == 1
