"""A command-line triage write keeps the start-up cache current when it can, exactly.

A real library in a tmp dir, the cache saved as the app saves it, then the real CLI (`main`).
Where the write cannot change the cached page's rows, the patched file must hold what a save
made afresh from the library right after holds (every key, the fingerprint included); where
it can, the cache must no longer be believed (as after any other write).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tui.cli import main
from tui.models import Paper
from tui.query.pages import FIRST_HITS
from tui.store import Library
from tui.store.startup_cache import cache_path, load_startup_page, save_startup_page
from tui.store.startup_patch import state_view
from tui.views import View

COUNT = FIRST_HITS + 20
"""Papers in the library: the newest FIRST_HITS are the Inbox page, 20 lie beyond it."""


def pid(n: int) -> str:
    return f"arxiv:2611.{n:05d}"


ON_PAGE = pid(COUNT - 1)  # the newest
ALSO_ON_PAGE = pid(COUNT - 2)
OFF_PAGE = pid(0)  # the oldest
ALSO_OFF_PAGE = pid(1)
LATER = pid(2)  # in Later from the start (beyond the page were it in the Inbox)
TAGGED = pid(COUNT - 3)  # on the page, tagged `idea` from the start


@pytest.fixture
def library(home: Path) -> Path:
    papers = [
        Paper(
            id=pid(n),
            arxiv_id=pid(n).removeprefix("arxiv:"),
            title=f"Paper number {n}",
            abstract=f"The abstract of paper {n}.",
            published=f"2026-{1 + n // 28:02d}-{1 + n % 28:02d}",
        )
        for n in range(COUNT)
    ]
    with Library.open(home) as lib:
        lib.upsert_papers(papers, source="test")
        lib.set_status([LATER], "later")
        lib.edit_tags([TAGGED, OFF_PAGE], add=["idea"])
        lib.set_starred([ALSO_ON_PAGE], True)
    save(home, "is:inbox")
    return home


def save(home: Path, view: str) -> dict[str, object]:
    """Save the page afresh, as the app does, and return the file's document."""
    with Library.open(home) as lib:
        lib.papers()
        lib.states()
        assert save_startup_page(lib, view, new_since=lib.get_meta("new_since"))
    doc: dict[str, object] = orjson.loads(cache_path(home).read_bytes())
    return doc


def current(home: Path, view: str = "is:inbox") -> bool:
    with Library.open(home) as lib:
        return load_startup_page(lib, view, new_since=lib.get_meta("new_since")) is not None


def cli(home: Path, *args: str) -> None:
    assert main(["--home", str(home), *args]) == 0


PATCHED = {
    "star on the page": ("star", ON_PAGE),
    "star beyond the page": ("star", OFF_PAGE),
    "unstar on the page": ("unstar", ALSO_ON_PAGE),
    "star two, one on the page": ("star", ON_PAGE, OFF_PAGE),
    "tag on the page": ("tag", ON_PAGE, "+idea", "+new-tag"),
    "untag on the page and beyond": ("tag", TAGGED, OFF_PAGE, "-idea"),
    "note on the page": ("note", ON_PAGE, "read the appendix"),
    "note beyond the page": ("note", OFF_PAGE, "later, maybe"),
    "skip beyond the page": ("status", "skipped", OFF_PAGE),
    "two leave the inbox beyond the page": ("status", "done", OFF_PAGE, ALSO_OFF_PAGE),
    "later to done, not in the view": ("status", "done", LATER),
    "inbox to inbox on the page": ("status", "inbox", ON_PAGE),
}


@pytest.mark.parametrize("command", PATCHED.values(), ids=PATCHED.keys())
def test_a_write_that_keeps_the_rows_patches_the_cache_exactly(
    library: Path, command: tuple[str, ...]
) -> None:
    before = cache_path(library).read_bytes()
    cli(library, *command)
    patched = orjson.loads(cache_path(library).read_bytes())
    if command[:2] != ("status", "inbox"):  # that one changes nothing at all
        assert cache_path(library).read_bytes() != before
    assert current(library)
    fresh = save(library, "is:inbox")
    assert patched == fresh
    assert list(patched["tag_counts"].items()) == list(fresh["tag_counts"].items())  # order too


def test_a_write_in_a_process_of_its_own_patches_the_cache_exactly(library: Path) -> None:
    # As `paperdeck star` runs: a fresh interpreter without orjson, so the cache is read and
    # written with the standard library's json (tui.store.jsonbytes), the papers' bytes kept.
    before = cache_path(library).read_bytes()
    out = subprocess.run(
        [sys.executable, "-m", "tui", "--home", str(library), "star", ON_PAGE],
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",  # the installed package, as a user runs it
    )
    assert out.returncode == 0, out.stderr
    after = cache_path(library).read_bytes()
    assert after != before
    assert current(library)
    assert orjson.loads(after) == save(library, "is:inbox")


RETIRED = {
    "a paper on the page leaves the view": ("status", "later", ON_PAGE),
    "a paper enters the view": ("status", "inbox", LATER),
    "skip on the page and beyond": ("status", "skipped", OFF_PAGE, ON_PAGE),
}


@pytest.mark.parametrize("command", RETIRED.values(), ids=RETIRED.keys())
def test_a_write_that_may_change_the_rows_retires_the_cache(
    library: Path, command: tuple[str, ...]
) -> None:
    cli(library, *command)
    assert not current(library)


def test_undo_and_redo_retire_the_cache(library: Path) -> None:
    cli(library, "star", OFF_PAGE)
    assert current(library)
    cli(library, "undo")
    assert not current(library)
    save(library, "is:inbox")
    cli(library, "redo")
    assert not current(library)


def test_a_stale_cache_stays_stale(library: Path) -> None:
    with Library.open(library) as lib:  # another process, the cache not patched
        lib.set_note([OFF_PAGE], "elsewhere")
    stale = cache_path(library).read_bytes()
    cli(library, "star", OFF_PAGE)
    assert cache_path(library).read_bytes() == stale
    assert not current(library)


def test_a_tag_view_is_patched_too(library: Path) -> None:
    save(library, "tag:idea")
    cli(library, "star", TAGGED, OFF_PAGE)
    patched = orjson.loads(cache_path(library).read_bytes())
    assert patched == save(library, "tag:idea")
    cli(library, "tag", ON_PAGE, "+idea")  # enters the view
    assert not current(library, "tag:idea")


def test_only_views_held_by_states_alone_are_patched() -> None:
    assert state_view("is:inbox") == View("smart", "inbox")
    assert state_view("") == View("smart", "all")
    assert state_view("is:starred") == View("smart", "starred")
    assert state_view("tag:idea") == View("tag", "idea")
    assert state_view('tag:"two words"') is None  # not a tag as the store writes them
    assert state_view('tag:"a:b"') == View("tag", "a:b")
    for terms in ("is:inbox sort:for-you", "is:inbox like:#idea", "tag:Idea", "is:new", 3):
        assert state_view(terms) is None
