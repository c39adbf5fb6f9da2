"""The start-up cache on its own: what it saves, and every reason it refuses to save or load."""

from __future__ import annotations

from pathlib import Path

import orjson

from tui.models import Paper
from tui.query import Searcher
from tui.screens.first_screen import cache_path, load_first_screen, save_first_screen
from tui.store import Library

INBOX = "is:inbox"


def papers(count: int = 5) -> list[Paper]:
    return [
        Paper(
            id=f"arxiv:2611.{n:05d}",
            arxiv_id=f"2611.{n:05d}",
            title=f"Paper number {n}",
            abstract=f"The abstract of paper {n}.",
            listed_on=f"2026-11-{10 + n:02d}",
        )
        for n in range(count)
    ]


def opened(home: Path) -> tuple[Library, Searcher]:
    lib = Library.open(home)
    catalog = lib.papers()
    return lib, Searcher(catalog)


def test_saves_the_first_page_with_texts_and_counts(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
        lib.set_status(["arxiv:2611.00004"], "later")
        lib.edit_tags(["arxiv:2611.00001"], add=["idea"])
    lib, searcher = opened(home)
    assert save_first_screen(lib, searcher, INBOX)
    first = load_first_screen(Library.open(home), INBOX)
    assert first is not None
    assert first.rows == [f"arxiv:2611.{n:05d}" for n in (3, 2, 1, 0)]  # newest first, no Later
    assert first.total == 4
    assert first.papers["arxiv:2611.00003"].abstract == "The abstract of paper 3."
    assert first.status_counts["inbox"] == 4 and first.status_counts["later"] == 1
    assert first.status_counts["all"] == 5
    assert first.tag_counts == {"idea": 1}


def test_not_saved_before_the_texts_are_read(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
    lib = Library.open(home)
    searcher = Searcher(lib.papers(texts=False))
    assert not save_first_screen(lib, searcher, INBOX)
    assert not cache_path(home).exists()


def test_not_saved_when_another_process_changed_the_files(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
    lib, searcher = opened(home)
    with Library.open(home) as other:
        other.toggle_star(["arxiv:2611.00002"])
    assert not save_first_screen(lib, searcher, INBOX)  # our states are stale now
    lib.refresh()
    assert save_first_screen(lib, searcher, INBOX)


def test_any_later_write_retires_it(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
    lib, searcher = opened(home)
    assert save_first_screen(lib, searcher, INBOX)
    assert load_first_screen(Library.open(home), INBOX) is not None
    lib.set_note(["arxiv:2611.00000"], "read this")  # our own write counts too
    assert load_first_screen(Library.open(home), INBOX) is None


def test_another_view_or_new_since_or_format_is_not_used(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
    lib, searcher = opened(home)
    assert save_first_screen(lib, searcher, INBOX, new_since="2026-11-01T00:00:00Z")
    fresh = Library.open(home)
    assert load_first_screen(fresh, INBOX, new_since="2026-11-01T00:00:00Z") is not None
    assert load_first_screen(fresh, INBOX) is None
    assert load_first_screen(fresh, "is:later", new_since="2026-11-01T00:00:00Z") is None
    path = cache_path(home)
    doc = orjson.loads(path.read_bytes())
    path.write_bytes(orjson.dumps({**doc, "format": 999}))
    assert load_first_screen(fresh, INBOX, new_since="2026-11-01T00:00:00Z") is None


def test_damaged_files_are_ignored(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
    lib, searcher = opened(home)
    assert save_first_screen(lib, searcher, INBOX)
    path = cache_path(home)
    good = orjson.loads(path.read_bytes())
    fresh = Library.open(home)
    for damage in (
        b"",
        b"\x00\xff",
        b"{",
        b"[1, 2]",
        orjson.dumps({**good, "papers": [{"title": "no id"}]}),
        orjson.dumps({**good, "total": "many"}),
        orjson.dumps({**good, "status_counts": [1]}),
    ):
        path.write_bytes(damage)
        assert load_first_screen(fresh, INBOX) is None
