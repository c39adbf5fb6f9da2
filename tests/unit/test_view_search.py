"""`search_in_steps`: a quick answer from titles and authors while abstracts are not indexed,
then the real one; one answer once they are. Real Searcher, real papers; no Textual."""

from __future__ import annotations

from tui.models import Paper
from tui.query import Searcher
from tui.query.pages import ViewResult, search_in_steps, view_query

PAPERS = [
    Paper(
        id="arxiv:1",
        arxiv_id="1",
        title="Diffusion solvers",
        abstract="Fast sampling.",
        listed_on="2026-11-20",
    ),
    Paper(
        id="arxiv:2",
        arxiv_id="2",
        title="Rectified flows",
        abstract="Diffusion models are slow to sample.",
        listed_on="2026-11-19",
    ),
    Paper(id="arxiv:3", arxiv_id="3", title="Graphs", abstract="Nodes.", listed_on="2026-11-18"),
]


def run(searcher: Searcher, text: str, stop_after: int | None = None) -> tuple[list, object]:
    answers: list[tuple[list[str], bool]] = []

    def report(result: ViewResult, partial: bool) -> None:
        answers.append((list(result.rows), partial))

    final = search_in_steps(
        searcher,
        {},
        view_query("", text),
        report=report,
        stopped=lambda: stop_after is not None and len(answers) >= stop_after,
        scan_delay=0.02,
    )
    return answers, final


def test_titles_first_then_abstracts_while_they_are_not_indexed() -> None:
    searcher = Searcher(PAPERS)
    searcher.build(abstracts=False)
    answers, final = run(searcher, "diffusion")
    assert answers == [(["arxiv:1"], True), (["arxiv:1", "arxiv:2"], False)]
    assert isinstance(final, ViewResult) and final.total == 2


def test_a_newer_keystroke_stops_it_before_the_abstract_scan() -> None:
    searcher = Searcher(PAPERS)
    searcher.build(abstracts=False)
    answers, final = run(searcher, "diffusion", stop_after=1)
    assert answers == [(["arxiv:1"], True)]
    assert final is None


def test_one_answer_when_abstracts_are_indexed_or_not_asked_for() -> None:
    searcher = Searcher(PAPERS)
    searcher.build()
    assert run(searcher, "diffusion")[0] == [(["arxiv:1", "arxiv:2"], False)]
    half = Searcher(PAPERS)
    half.build(abstracts=False)
    assert run(half, "title:flows")[0] == [(["arxiv:2"], False)]  # no abstract in the query
    assert run(half, "abstract:sampling")[0] == [(["arxiv:1"], False)]  # only abstracts
