"""Field limits at import (issue 10, item 15): huge titles, abstracts, author lists and notes
are cut where every importer builds its result, and the import report says what was cut."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui import models
from tui.cli import main
from tui.importers import parse_bytes
from tui.store import Library

TITLE = "A " * 3000  # 6,000 characters before whitespace is collapsed
ABSTRACT = "word " * 20_000  # 100,000 characters


def hf_json(**paper: object) -> str:
    base: dict[str, object] = {"id": "2608.00001", "title": "T", "summary": "S", "authors": []}
    base.update(paper)
    return json.dumps([{"paper": base}])


def atom(title: str, summary: str) -> str:
    return (
        "<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry>"
        "<id>http://arxiv.org/abs/2608.00002v1</id>"
        f"<title>{title}</title><summary>{summary}</summary>"
        "<published>2026-08-11T21:37:05Z</published></entry></feed>"
    )


def hf_page(title: str, abstract: str) -> str:
    return f"Daily Papers\n\nMar 13\n\n{title}\n\n{abstract}\n\nSecond title\n\nSecond abstract.\n"


def test_the_limits_are_core_constants() -> None:
    assert models.TITLE_MAX_CHARS == 1_000
    assert models.ABSTRACT_MAX_CHARS == 50_000
    assert models.AUTHORS_MAX == 1_000
    assert models.AUTHOR_MAX_CHARS == 300
    assert models.NOTE_MAX_CHARS == 100_000


@pytest.mark.parametrize(
    "data",
    [hf_json(title=TITLE, summary=ABSTRACT), atom(TITLE, ABSTRACT), hf_page(TITLE, ABSTRACT)],
    ids=["hf-json", "arxiv-atom", "hf-page"],
)
def test_every_importer_cuts_title_and_abstract(data: str) -> None:
    parsed = parse_bytes(data, "x")
    paper = parsed.papers[0]
    assert len(paper.title) == models.TITLE_MAX_CHARS and paper.title.endswith("…")
    assert len(paper.abstract) <= models.ABSTRACT_MAX_CHARS and paper.abstract.endswith("…")
    assert parsed.cuts["title"] == 1 and parsed.cuts["abstract"] == 1
    assert "1 title cut to 1,000 characters" in parsed.cut_summary()
    assert "1 abstract cut to 50,000 characters" in parsed.cut_summary()


def test_author_lists_and_names_are_cut() -> None:
    names = [{"name": f"Author {i}"} for i in range(1500)] + [{"name": "N" * 5000}]
    parsed = parse_bytes(hf_json(authors=[{"name": "M" * 400}, *names]), "x")
    authors = parsed.papers[0].authors
    assert len(authors) == models.AUTHORS_MAX
    assert len(authors[0]) == models.AUTHOR_MAX_CHARS and authors[1] == "Author 0"
    assert "1 author list cut to 1,000 names" in parsed.cut_summary()


def test_papers_within_the_limits_are_untouched(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "hf_daily_papers_sample.json").read_bytes()
    parsed = parse_bytes(data, "x")
    assert parsed.cuts == {}
    assert parsed.cut_summary() == ""


def test_the_import_report_says_what_was_cut(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "papers.json"
    payload = [
        {"paper": {"id": f"2608.0000{i}", "title": TITLE + str(i), "summary": "S"}}
        for i in range(2)
    ]
    path.write_text(json.dumps(payload), "utf-8")
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 added" in out
    assert "cut to the field limits: 2 titles cut to 1,000 characters" in out
    with Library.open(home) as lib:
        assert all(len(p.title) <= models.TITLE_MAX_CHARS for p in lib.papers().values())


def test_a_huge_note_in_an_own_export_is_cut(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = {
        "id": "arxiv:2206.00927",
        "title": "DPM-Solver",
        "arxiv_id": "2206.00927",
        "sources": [],
        "status": "later",
        "starred": False,
        "tags": [],
        "note": "n" * 300_000,
    }
    path = tmp_path / "all.json"
    path.write_text(json.dumps([record]), "utf-8")
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 note cut to 100,000 characters" in out
    with Library.open(home) as lib:
        assert len(lib.state("arxiv:2206.00927").note) == models.NOTE_MAX_CHARS


def test_a_huge_abstract_is_cut_before_it_is_cleaned() -> None:
    """An 8 MB abstract of short words: cleaning it whole held every word as a piece in memory
    (about 20 times the input); only the start of a raw text is cleaned now."""
    import tracemalloc

    data = hf_json(title="T " * 200_000, summary="word " * 1_600_000)
    tracemalloc.start()
    try:
        parsed = parse_bytes(data, "big.json")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "1 abstract cut to 50,000 characters" in parsed.cut_summary()
    assert peak < 6 * len(data), (
        f"parsing took {peak / 2**20:.0f} MB for {len(data) / 2**20:.0f} MB"
    )
