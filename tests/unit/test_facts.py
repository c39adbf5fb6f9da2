"""tui.facts: the one wording of a paper's first authors and of its fact lines."""

from __future__ import annotations

import pytest

from tui.facts import first_authors, paper_facts, short_facts
from tui.models import Paper, State


@pytest.mark.parametrize(
    ("authors", "row", "prose"),
    [
        ([], "", ""),
        (["Ada Lovelace"], "Ada Lovelace", "Ada Lovelace"),
        (
            ["Ada Lovelace", "Alan Turing"],
            "Ada Lovelace, Alan Turing",
            "Ada Lovelace and Alan Turing",
        ),
        (["A", "B", "C"], "A et al.", "A et al."),
        (["  ", "Ada  Lovelace\x1b", "", "Alan Turing"], "Ada Lovelace, Alan Turing", None),
    ],
)
def test_first_authors(authors: list[str], row: str, prose: str | None) -> None:
    assert first_authors(authors) == row
    if prose is not None:
        assert first_authors(authors, pair=" and ") == prose


def test_first_authors_reads_only_the_first_names() -> None:
    def names() -> object:
        yield from ["A", "B", "C"]
        raise AssertionError("read past the third name")

    assert first_authors(names()) == "A et al."  # type: ignore[arg-type]


FULL = Paper(
    id="arxiv:2206.00927",
    arxiv_id="2206.00927",
    version=2,
    title="DPM-Solver",
    published="2022-06-02",
    listed_on="2026-11-20",
    upvotes=81,
    comments=3,
    categories=["cs.LG", "cs.CV", "stat.ML", "cs.AI", "math.NA"],
    github_repo="https://github.com/LuChengTHU/dpm-solver",
    github_stars=1200,
    project_page="https://example.org/dpm",
)


def test_every_fact_in_order() -> None:
    state = State(status="later", starred=True, tags=["diffusion", "ode"], note="fast\nsampler")
    assert paper_facts(FULL, state, web_links=True) == [
        (
            "",
            "arXiv:2206.00927v2 · published 2022-06-02 · listed 2026-11-20 · ▲ 81 · 3 comments"
            " · cs.LG cs.CV stat.ML cs.AI math.NA",
        ),
        ("abs", "https://arxiv.org/abs/2206.00927"),
        ("pdf", "https://arxiv.org/pdf/2206.00927"),
        ("code", "https://github.com/LuChengTHU/dpm-solver (★ 1200)"),
        ("project", "https://example.org/dpm"),
        ("status", "later  ★ starred"),
        ("tags", "diffusion, ode"),
        ("note", "fast\nsampler"),
    ]
    assert short_facts(FULL, max_categories=2)[-1] == "cs.LG cs.CV"


def test_a_bare_paper_has_its_id_and_status() -> None:
    bare = Paper(id="title:0123456789abcdef", title="x", listed_on="2026-01-02")
    assert paper_facts(bare, State(), web_links=True) == [
        ("", "title:0123456789abcdef · listed 2026-01-02"),
        ("status", "inbox"),
    ]
