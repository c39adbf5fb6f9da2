"""The start-up cache on its own: what it saves, and every reason it refuses to save or load."""

from __future__ import annotations

from pathlib import Path

import orjson

from tui.models import Paper
from tui.store import Library
from tui.store.startup_cache import cache_path, load_startup_page, save_startup_page

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


def opened(home: Path) -> Library:
    lib = Library.open(home)
    lib.papers()  # with abstracts, as the app has them once it has indexed
    lib.states()  # and the states, which its loader reads (shards are read when first needed)
    return lib


def test_saves_the_first_page_with_texts_and_counts(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
        lib.set_status(["arxiv:2611.00004"], "later")
        lib.edit_tags(["arxiv:2611.00001"], add=["idea"])
    lib = opened(home)
    assert save_startup_page(lib, INBOX)
    first = load_startup_page(Library.open(home), INBOX)
    assert first is not None
    assert first.rows == [f"arxiv:2611.{n:05d}" for n in (3, 2, 1, 0)]  # newest first, no Later
    assert first.total == 4
    assert first.papers["arxiv:2611.00003"].abstract == "The abstract of paper 3."
    assert first.status_counts["inbox"] == 4 and first.status_counts["later"] == 1
    assert first.status_counts["all"] == 5
    assert first.tag_counts == {"idea": 1}


def test_the_page_carries_the_states_of_its_papers(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
        lib.toggle_star(["arxiv:2611.00003"])
        lib.edit_tags(["arxiv:2611.00001"], add=["idea"])
        lib.set_status(["arxiv:2611.00004"], "later")  # not on the Inbox page
    lib = opened(home)
    assert save_startup_page(lib, INBOX)
    first = load_startup_page(Library.open(home), INBOX)
    assert first is not None
    assert set(first.states) == {"arxiv:2611.00003", "arxiv:2611.00001"}  # untouched: none
    for pid, state in first.states.items():
        assert state.to_dict() == lib.state(pid).to_dict()


def test_saved_before_the_texts_are_read_with_the_pages_own_abstracts(home: Path) -> None:
    # What an import does: the catalog in memory, the texts of the page read from the shards
    # alone, never a page of empty abstracts.
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
    lib = Library.open(home)
    lib.papers(texts=False)
    assert save_startup_page(lib, INBOX)
    assert not lib.texts_loaded
    first = load_startup_page(Library.open(home), INBOX)
    assert first is not None and len(first.rows) == 5
    for pid, paper in first.papers.items():
        assert paper.abstract == f"The abstract of paper {int(pid[-5:])}."


def test_not_saved_when_another_process_changed_the_files(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
    lib = opened(home)
    with Library.open(home) as other:
        other.toggle_star(["arxiv:2611.00002"])
    assert not save_startup_page(lib, INBOX)  # our states are stale now
    lib = opened(home)  # what the app does after such a change: load the library again
    assert save_startup_page(lib, INBOX)


def test_any_later_write_retires_it(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
    lib = opened(home)
    assert save_startup_page(lib, INBOX)
    assert load_startup_page(Library.open(home), INBOX) is not None
    lib.set_note(["arxiv:2611.00000"], "read this")  # our own write counts too
    assert load_startup_page(Library.open(home), INBOX) is None


def test_another_view_or_new_since_or_format_is_not_used(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
    lib = opened(home)
    assert save_startup_page(lib, INBOX, new_since="2026-11-01T00:00:00Z")
    fresh = Library.open(home)
    assert load_startup_page(fresh, INBOX, new_since="2026-11-01T00:00:00Z") is not None
    assert load_startup_page(fresh, INBOX) is None
    assert load_startup_page(fresh, "is:later", new_since="2026-11-01T00:00:00Z") is None
    path = cache_path(home)
    doc = orjson.loads(path.read_bytes())
    path.write_bytes(orjson.dumps({**doc, "format": 999}))
    assert load_startup_page(fresh, INBOX, new_since="2026-11-01T00:00:00Z") is None


def test_damaged_files_are_ignored(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
    lib = opened(home)
    assert save_startup_page(lib, INBOX)
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
        orjson.dumps({**good, "papers": [None]}),
        orjson.dumps({**good, "papers": [1]}),
        orjson.dumps({**good, "papers": {"a": 1}}),
        orjson.dumps({**good, "rows": [None, 3]}),
        orjson.dumps({**good, "states": [1]}),
        orjson.dumps({**good, "states": {"arxiv:2611.00003": {"starred": "yes"}}}),
        orjson.dumps({**good, "states": {"arxiv:2611.00003": {"times": {"status": "now"}}}}),
        orjson.dumps({**good, "states": {"arxiv:2611.00003": []}}),
        orjson.dumps({**good, "states": {"not-on-the-page": {"starred": True}}}),
    ):
        path.write_bytes(damage)
        assert load_startup_page(fresh, INBOX) is None
        assert not path.exists()  # a damaged cache is removed: the next save starts clean


def test_a_cache_from_another_paperdeck_version_is_not_used(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
    assert save_startup_page(opened(home), INBOX)
    path = cache_path(home)
    doc = orjson.loads(path.read_bytes())
    path.write_bytes(orjson.dumps({**doc, "version": "0.0.1"}))
    assert load_startup_page(Library.open(home), INBOX) is None


def test_saved_from_the_library_itself_after_an_import_in_this_process(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(3), source="test")
    lib = opened(home)
    newest = Paper(
        id="arxiv:2611.09999", arxiv_id="2611.09999", title="Newest", listed_on="2026-11-30"
    )
    lib.upsert_papers([newest], source="sync")  # as an in-app sync does, before any screen knows
    assert save_startup_page(lib, INBOX)
    first = load_startup_page(Library.open(home), INBOX)
    assert first is not None
    assert first.rows[0] == newest.id and first.total == 4


def test_a_save_gives_up_quickly_when_another_process_holds_the_lock(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(papers(), source="test")
    lib = opened(home)
    other = Library.open(home)
    with other.hold():
        assert not save_startup_page(lib, INBOX)  # after LOCK_WAIT, not the 5 s lock timeout
    assert save_startup_page(lib, INBOX)


def first_page_now(home: Path) -> list[str]:
    """The Inbox's first page as the library holds it now (what the cache must show)."""
    from tui.query import Searcher
    from tui.query.pages import run_query, view_query

    lib = opened(home)
    query = view_query(INBOX, "")
    new_since = lib.get_meta("new_since")
    return run_query(Searcher(lib.papers()), lib.states(), query, new_since=new_since).rows


def test_an_import_from_the_command_line_leaves_a_current_cache(
    home: Path, fixtures_dir: Path
) -> None:
    """The app's next start after `paperdeck import` (or a cron sync) paints at once: the
    command saves the page it retired, with the library it has in memory anyway."""
    from tui.cli import main

    assert main(["import", str(fixtures_dir / "hf_daily_papers_sample.json")]) == 0
    lib = opened(home)
    page = load_startup_page(lib, INBOX, new_since=lib.get_meta("new_since"))
    assert page is not None and page.rows == first_page_now(home) and page.rows
    saved = cache_path(home).stat().st_mtime_ns
    # Nothing new: the cache still matches, and is left as it is.
    assert main(["import", str(fixtures_dir / "hf_daily_papers_sample.json")]) == 0
    assert cache_path(home).stat().st_mtime_ns == saved
    # A triage from the command line reads no catalog, so it only retires the cache.
    assert main(["status", "later", page.rows[0]]) == 0
    lib = opened(home)
    assert load_startup_page(lib, INBOX, new_since=lib.get_meta("new_since")) is None


def test_a_dry_run_import_saves_no_cache(home: Path, fixtures_dir: Path) -> None:
    from tui.cli import main

    assert main(["import", "--dry-run", str(fixtures_dir / "hf_daily_papers_sample.json")]) == 0
    assert not cache_path(home).exists()
