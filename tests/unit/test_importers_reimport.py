"""Re-importing the same files settles: a second round changes nothing, whatever the order, and
each date field holds the one fact its name says (issue 9 item 6). Real fixture files, a real
library in a temp folder."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.importers import OWN_EXPORT_FORMAT, ParseResult, parse_file
from tui.models import ABSTRACT_MAX_CHARS, TITLE_MAX_CHARS, Paper
from tui.store import Library

FIXTURES = Path(__file__).parent.parent / "fixtures"
FILES = (
    "hf_daily_papers_sample.json",
    "hf_paper_info_sample.json",
    "hf_papers_search_sample.json",
    "arxiv_query_sample.atom",
    "arxiv_rss_sample.xml",
    "000_c522ad30ce1a1ce2.txt",
    "004_4550fbad3469ce42.txt",
)
TODAY = date(2026, 8, 14)
PARSED: dict[str, ParseResult] = {name: parse_file(FIXTURES / name, today=TODAY) for name in FILES}
# Volatile per import (when it ran), not facts about the paper.
_WHEN = {"first_seen", "last_synced"}


def import_all(lib: Library, order: list[str]) -> list[tuple[str, int, int]]:
    """Import the files in `order` as `paperdeck import` does: (file, added, updated) each."""
    counts = []
    for name in order:
        parsed = PARSED[name]
        source = "" if parsed.format == OWN_EXPORT_FORMAT else parsed.format
        result = lib.upsert_papers(parsed.papers, source=source)
        counts.append((name, len(result.added), len(result.updated)))
    return counts


def catalog(lib: Library) -> dict[str, dict[str, Any]]:
    """Every paper's facts. `sources` is compared as a set: its order records which source
    came first, which is the one thing an import order may change."""
    out = {}
    for pid, paper in lib.papers().items():
        doc = {k: v for k, v in paper.to_dict().items() if k not in _WHEN}
        doc["sources"] = sorted(doc["sources"])
        out[pid] = doc
    return out


def imported_twice(first: list[str], second: list[str]) -> tuple[list[Any], dict[str, Any]]:
    with tempfile.TemporaryDirectory() as home, Library.open(home) as lib:
        import_all(lib, first)
        again = import_all(lib, second)
        # ... and what the files hold, read back from disk by a fresh process's view
        with Library.open(Path(home)) as reopened:
            return again, catalog(reopened)


def test_a_second_identical_import_reports_nothing_updated() -> None:
    again, _ = imported_twice(list(FILES), list(FILES))
    assert again == [(name, 0, 0) for name in FILES]


_REFERENCE: list[dict[str, Any]] = []


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=st.permutations(FILES),
    second=st.permutations(FILES),
)
def test_any_order_settles_on_the_same_catalog(first: list[str], second: list[str]) -> None:
    again, result = imported_twice(list(first), list(second))
    assert again == [(name, 0, 0) for name in second]
    if not _REFERENCE:
        _REFERENCE.append(imported_twice(list(FILES), [])[1])
    assert result == _REFERENCE[0]


def test_each_date_holds_its_own_fact_whatever_came_last() -> None:
    for order in (list(FILES), list(reversed(FILES))):
        with tempfile.TemporaryDirectory() as home, Library.open(home) as lib:
            import_all(lib, order)
            paper = lib.get("arxiv:2608.11232")
            assert paper is not None
            assert paper.published == "2026-08-11"  # submitted (arXiv API, HF publishedAt)
            assert paper.updated == "2026-08-11"  # this version's date (arXiv API)
            assert paper.announced == "2026-08-13"  # RSS pubDate, not a submission date
            assert paper.listed_on == "2026-08-13"  # HF Daily Papers
            assert paper.upvotes == 9
            bdh = lib.get("arxiv:2608.09888")
            assert bdh is not None and bdh.upvotes == 782  # two HF answers: the higher count
            # an RSS replacement gets the day the feed announced it, and shows it
            replaced = lib.get("arxiv:2502.00837")
            assert replaced is not None
            assert (replaced.published, replaced.announced) == (None, "2026-08-13")
            assert replaced.date == "2026-08-13"


def test_a_library_written_before_announced_existed_still_loads() -> None:
    old = {"id": "arxiv:2608.11232", "title": "T", "published": "2026-08-13"}
    paper = Paper.from_dict(old)
    assert paper.announced is None and paper.date == "2026-08-13"
    assert Paper.from_dict(paper.to_dict()) == paper


def test_the_store_caps_fields_whatever_path_a_paper_takes(tmp_path: Path) -> None:
    # Not through an importer (which caps already): a caller handing the store a paper.
    huge = Paper(
        id="arxiv:2608.00001",
        title="T" * (TITLE_MAX_CHARS * 3),
        arxiv_id="2608.00001",
        abstract="word " * ABSTRACT_MAX_CHARS,
        authors=[f"Author {n}" for n in range(5_000)],
    )
    with Library.open(tmp_path) as lib:
        lib.upsert_papers([huge], source="reading-list")
        # and a second copy merged over it is capped as well
        lib.upsert_papers([huge], source="other")
    with Library.open(tmp_path) as lib:
        stored = lib.get("arxiv:2608.00001")
        assert stored is not None
        assert len(stored.title) == TITLE_MAX_CHARS and stored.title.endswith("…")
        assert len(stored.abstract) <= ABSTRACT_MAX_CHARS
        assert len(stored.authors) == 1_000
