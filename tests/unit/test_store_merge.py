"""The catalog's merge rules, without any file: match, merge, differs, sanitise, compact."""

from __future__ import annotations

from tui.models import Paper, normalise_title
from tui.store.merge import Layered, compact, differs, match, merge_paper, sanitised


def paper(pid: str, title: str, arxiv: str | None = None, **extra: object) -> Paper:
    return Paper(id=pid, title=title, arxiv_id=arxiv, **extra)  # type: ignore[arg-type]


KNOWN = {
    "arxiv:2206.00927": paper("arxiv:2206.00927", "DPM-Solver", "2206.00927"),
    "title:abc": paper("title:abc", "A Saved Page Paper"),
}
BY_ARXIV = {"2206.00927": "arxiv:2206.00927"}
BY_TITLE = {normalise_title(p.title): pid for pid, p in KNOWN.items()}


def test_match_by_arxiv_id_then_title() -> None:
    assert match(paper("", "Renamed", "2206.00927"), BY_ARXIV, BY_TITLE, KNOWN) == (
        "arxiv:2206.00927"
    )
    assert match(paper("", "a saved  page PAPER!"), BY_ARXIV, BY_TITLE, KNOWN) == "title:abc"
    # A title-only paper gains an arXiv id: still the same paper.
    assert match(paper("", "A Saved Page Paper", "2301.00001"), BY_ARXIV, BY_TITLE, KNOWN) == (
        "title:abc"
    )
    assert match(paper("", "Something New"), BY_ARXIV, BY_TITLE, KNOWN) is None


def test_same_title_other_arxiv_id_is_another_paper() -> None:
    assert match(paper("", "DPM-Solver", "2301.99999"), BY_ARXIV, BY_TITLE, KNOWN) is None
    assert match(paper("", "DPM-Solver"), BY_ARXIV, BY_TITLE, KNOWN) == "arxiv:2206.00927"


def test_layered_indexes_prefer_the_staged_records() -> None:
    staged = {"2206.00927": "arxiv:staged"}
    both = Layered(staged, BY_ARXIV)
    assert both.get("2206.00927") == "arxiv:staged"
    assert Layered({}, BY_ARXIV).get("2206.00927") == "arxiv:2206.00927"
    assert both.get("nope") is None
    staged["2301.00001"] = "arxiv:2301.00001"  # later additions are seen
    assert both.get("2301.00001") == "arxiv:2301.00001"


def test_merge_keeps_gaps_takes_present_values_and_the_newest_version() -> None:
    current = paper(
        "arxiv:1",
        "T",
        "1",
        version=3,
        authors=["A"],
        upvotes=5,
        sources=["hf"],
        links={"code": "https://x"},
    )
    incoming = paper(
        "", "T", "1", version=2, authors=[], upvotes=9, abstract="new", links={"pdf": "p"}
    )
    merged = merge_paper(current, incoming, "arxiv")
    assert merged.version == 3 and merged.authors == ["A"]
    assert merged.upvotes == 9 and merged.abstract == "new"
    assert merged.links == {"code": "https://x", "pdf": "p"}
    assert merged.sources == ["hf", "arxiv"] and current.sources == ["hf"]
    assert merged.id == "arxiv:1"


def test_merge_keeps_the_latest_listing_day() -> None:
    current = paper("arxiv:1", "T", "1", listed_on="2026-03-02")
    assert merge_paper(current, paper("", "T", listed_on="2026-03-01"), "").listed_on == (
        "2026-03-02"
    )
    assert merge_paper(current, paper("", "T", listed_on="2026-03-04"), "").listed_on == (
        "2026-03-04"
    )


def test_differs_ignores_the_sync_time_only() -> None:
    a = paper("arxiv:1", "T", "1", last_synced="2026-01-01T00:00:00Z")
    assert not differs(a, paper("arxiv:1", "T", "1", last_synced="2027-01-01T00:00:00Z"))
    assert differs(a, paper("arxiv:1", "T", "1", upvotes=1))


def test_sanitised_removes_control_characters_and_returns_clean_papers_as_is() -> None:
    clean = paper("", "Clean title", authors=["A B"])
    assert sanitised(clean) is clean
    dirty = paper("", "Evil\x1b[2J  title\n", abstract="a\x07b", authors=[" A\tB "])
    fixed = sanitised(dirty)
    assert fixed.title == "Evil [2J title" and fixed.abstract == "a b"
    assert fixed.authors == ["A B"]


def test_compact_drops_empty_values_but_keeps_id_title_and_zeroes() -> None:
    doc = {"id": "x", "title": "", "abstract": "", "authors": [], "upvotes": 0, "x": None}
    assert compact(doc) == {"id": "x", "title": "", "upvotes": 0}
