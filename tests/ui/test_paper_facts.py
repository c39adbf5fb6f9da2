"""`paperdeck show` and the abstract pane state the same facts about a paper (tui.facts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main
from tui.facts import paper_facts
from tui.store import Library
from tui.widgets.abstract_pane import describe_paper


def test_show_prints_the_lines_the_pane_styles(
    home: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(fixtures_dir / "hf_daily_papers_sample.json")]) == 0
    assert main(["tag", "2608.09888", "+vision"]) == 0
    assert main(["star", "2608.09888"]) == 0
    assert main(["note", "2608.09888", "check the ablations"]) == 0
    capsys.readouterr()
    assert main(["show", "2608.09888"]) == 0
    printed = capsys.readouterr().out.splitlines()
    with Library.open(home) as lib:
        paper = lib.papers()["arxiv:2608.09888"]
        state = lib.state(paper.id)
    pane = describe_paper(paper, state).plain.splitlines()
    facts = paper_facts(paper, state)
    assert len(facts) == 6  # the short facts, code, project, status, tags, note
    for label, value in facts:
        assert (f"{label}: {value}" if label else value) in printed
        assert any(line.endswith(value) for line in pane), (label, value, pane)
    assert "status: inbox  ★ starred" in printed and "status: inbox  ★ starred" in pane
