"""`is:new` is what the latest sync brought: before any sync, nothing is new (CLI and views)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import main
from tui.query import Searcher, parse
from tui.query.pages import run_query
from tui.store import Library


@pytest.fixture
def imported(home: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]) -> Library:
    assert main(["import", str(fixtures_dir / "hf_daily_papers_sample.json")]) == 0
    capsys.readouterr()
    return Library.open(home)


def listed(capsys: pytest.CaptureFixture[str], query: str) -> list[str]:
    assert main(["list", "--json", query]) == 0
    return [row["id"] for row in json.loads(capsys.readouterr().out)]


def test_nothing_is_new_before_the_first_sync(
    imported: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    assert imported.get_meta("new_since") is None
    assert listed(capsys, "is:new") == []
    assert len(listed(capsys, "-is:new")) == len(imported.papers())


def test_after_a_sync_the_papers_it_brought_are_new(
    imported: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    papers = imported.papers()
    first_seen = sorted({p.first_seen for p in papers.values()})
    imported.set_meta("new_since", first_seen[0])
    assert sorted(listed(capsys, "is:new")) == sorted(papers)
    imported.set_meta("new_since", "2999-01-01T00:00:00Z")
    assert listed(capsys, "is:new") == []


def test_views_count_nothing_new_before_the_first_sync(imported: Library) -> None:
    searcher = Searcher(imported.papers().values())
    states = imported.states()
    assert run_query(searcher, states, parse("is:new"), new_since=None).total == 0
    since = min(p.first_seen for p in imported.papers().values())
    result = run_query(searcher, states, parse("is:new"), new_since=since)
    assert result.total == len(imported.papers())
