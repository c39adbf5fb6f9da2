"""`search_in_steps`: a quick answer from titles and authors while abstracts are not indexed,
then the real one; one answer once they are. `run_query`, the one way a query meets the library.
Real Searcher, real papers; no Textual."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from tui.models import Paper, State
from tui.query import QueryContext, Searcher, parse
from tui.query.nodes import Rank
from tui.query.pages import (
    FIRST_HITS,
    HIGHLIGHT_FIRST,
    ViewResult,
    run_query,
    search_in_steps,
    view_query,
)

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


def library(count: int) -> list[Paper]:
    return [
        Paper(
            id=f"arxiv:{n}",
            arxiv_id=str(n),
            title=f"Diffusion paper {n}" if n % 2 else f"Graph paper {n}",
            listed_on=f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}",
            upvotes=n % 7,
        )
        for n in range(count)
    ]


def test_run_query_answers_what_the_searcher_does_first_hits_or_all() -> None:
    papers = library(FIRST_HITS * 3)
    searcher = Searcher(papers)
    states = {"arxiv:3": State(status="later"), "arxiv:5": State(starred=True)}
    now = datetime(2026, 12, 1, tzinfo=UTC)
    for text in ("diffusion", "paper sort:upvotes", "-is:later", "is:starred OR graph"):
        query = parse(text)
        whole = searcher.search(query, QueryContext(states=states, now=now), limit=None)
        first = run_query(searcher, states, query, now=now)
        every = run_query(searcher, states, query, limit=None, now=now)
        assert first.rows == whole.ids[:FIRST_HITS] and first.total == whole.total
        assert every.rows == whole.ids and every.total == whole.total
        assert first.all_rows() == every.all_rows() == whole.ids


def test_run_query_highlights_titles_of_first_rows_and_beyond() -> None:
    papers = library(FIRST_HITS * 3)
    searcher = Searcher(papers)
    result = run_query(searcher, {}, parse("diffusion"))
    first = result.rows[:HIGHLIGHT_FIRST]
    assert set(result.title_spans) == set(first)  # plain data for the first screen of rows
    assert result.title_spans[result.rows[0]] == ((0, 9),)
    assert result.highlight is not None
    beyond = [pid for pid in result.all_rows() if pid not in result.rows]
    assert beyond and result.highlight(beyond)[beyond[-1]] == ((0, 9),)
    assert "arxiv:0" not in result.highlight(["arxiv:0"])  # a graph paper: nothing to light up
    nothing = run_query(searcher, {}, parse("is:inbox"))
    assert nothing.title_spans == {} and nothing.highlight is None


class Reversed:
    """A ranking engine that puts the matches in the opposite order (the `Ranking` protocol)."""

    def order(
        self, term: Rank, ids: Sequence[str], states: Mapping[str, State], states_version: object
    ) -> tuple[list[int], list[float]]:
        return list(reversed(range(len(ids)))), [float(n) for n in range(len(ids))]


def test_a_ranked_query_highlights_the_rows_past_its_first_ones_too() -> None:
    searcher = Searcher(library(FIRST_HITS * 3))
    result = run_query(searcher, {}, parse("diffusion sort:for-you"), ranker=Reversed())
    beyond = result.all_rows()[FIRST_HITS:]
    assert beyond and result.highlight is not None
    assert set(result.highlight(beyond).values()) == {((0, 9),)}
    assert set(result.title_spans) == set(result.rows[:HIGHLIGHT_FIRST])


def test_the_rest_of_the_rows_are_the_matches_the_total_counted() -> None:
    """`all_rows` orders the matches of the first answer (no second evaluation): a paper added
    afterwards is not slipped in under a total that did not count it; one removed is left out."""
    papers = [
        Paper(id=f"arxiv:{n}", arxiv_id=str(n), title=f"Diffusion {n}", listed_on="2026-11-20")
        for n in range(300)
    ]
    searcher = Searcher(papers)
    result = searcher.search(view_query("", "diffusion"), limit=10)
    assert result.total == 300
    searcher.add_or_update(
        {"arxiv:new": Paper(id="arxiv:new", arxiv_id="new", title="Diffusion new")}
    )
    searcher.remove({"arxiv:5"})
    rows = result.all_ids()
    assert "arxiv:new" not in rows and "arxiv:5" not in rows
    assert len(rows) == 299 and rows[:10] == [hit for hit in result.ids if hit != "arxiv:5"][:10]
