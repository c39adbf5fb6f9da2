"""SearchSession: stale answers are dropped, partial answers are remembered, the rest of the
rows come only after a pause, and `every_match` sees the states as they are now. Real Searcher,
real papers; no Textual."""

from __future__ import annotations

from tui.models import Paper, State
from tui.query import Searcher
from tui.query.pages import HIGHLIGHT_FIRST
from tui.search_session import MoreHighlights, MoreRows, Reported, SearchAnswer, SearchSession

PAPERS = [
    Paper(
        id=f"arxiv:{n}",
        arxiv_id=str(n),
        title=f"Diffusion paper {n}" if n % 2 else f"Graph paper {n}",
        abstract="Sampling." if n % 3 else "Diffusion in the abstract only.",
        listed_on=f"2026-11-{10 + n % 20:02d}",
    )
    for n in range(300)
]


def ask(session: SearchSession, text: str, states: dict[str, State] | None = None, **kw: object):
    return session.request(
        "is:inbox",
        text,
        states=states or {},
        states_version=0,
        texts_loaded=True,
        new_since=None,
        **kw,  # type: ignore[arg-type]
    )


def answers_of(reported: list[Reported]) -> list[SearchAnswer]:
    return [found for found in reported if isinstance(found, SearchAnswer)]


def test_an_older_answer_is_dropped_and_the_newest_is_taken() -> None:
    searcher = Searcher(PAPERS)
    session = SearchSession(rest_delay=0.0)
    first = ask(session, "diffusion")
    second = ask(session, "graph")
    reported: list[Reported] = []
    session.run(searcher, first, report=reported.append, stopped=lambda: False)
    session.run(searcher, second, report=reported.append, stopped=lambda: False)
    assert [session.accept(a) for a in answers_of(reported)] == [False, True]
    assert not session.is_current(first.generation) and session.is_current(second.generation)


def test_the_rest_of_the_rows_come_after_the_pause_unless_a_newer_search_stops_it() -> None:
    searcher = Searcher(PAPERS)
    session = SearchSession(rest_delay=0.02)
    request = ask(session, "")
    reported: list[Reported] = []
    session.run(searcher, request, report=reported.append, stopped=lambda: False)
    answer, more = reported
    assert isinstance(answer, SearchAnswer) and isinstance(more, MoreRows)
    assert answer.total == 300 and len(answer.rows) < 300
    assert len(more.rows) == 300 and more.rows[: len(answer.rows)] == list(answer.rows)
    assert answer.title_spans == {}  # nothing to highlight: no highlights follow
    reported.clear()
    session.run(searcher, request, report=reported.append, stopped=lambda: True)
    assert reported == []


def test_every_row_is_highlighted_first_rows_in_the_answer_then_the_rest_as_data() -> None:
    """The answer carries the highlights of the first screen of rows; the rest of its rows and
    of every row come after it as plain data, in order, for the same request."""
    searcher = Searcher(PAPERS)
    session = SearchSession(rest_delay=0.0)
    request = ask(session, "paper")
    reported: list[Reported] = []
    session.run(searcher, request, report=reported.append, stopped=lambda: False)
    answer = reported[0]
    assert isinstance(answer, SearchAnswer) and answer.total == 300 > len(answer.rows)
    assert set(answer.title_spans) == set(answer.rows[:HIGHLIGHT_FIRST])
    highlights: dict[str, tuple[tuple[int, int], ...]] = dict(answer.title_spans)
    rows: list[str] = []
    for found in reported[1:]:
        assert found.request is request
        if isinstance(found, MoreHighlights):
            highlights.update(found.title_spans)
        elif isinstance(found, MoreRows):
            rows = found.rows
    assert len(rows) == 300 and set(highlights) == set(rows)
    for paper in PAPERS:  # "Diffusion paper N", "Graph paper N"
        start = paper.title.index("paper")
        assert highlights[paper.id] == ((start, start + 5),)
    assert all(type(spans) is tuple for spans in highlights.values())


def test_a_partial_answer_is_remembered() -> None:
    searcher = Searcher(PAPERS)
    searcher.build(abstracts=False)
    session = SearchSession(scan_delay=0.01, rest_delay=0.0)
    request = ask(session, "diffusion")
    reported: list[Reported] = []
    session.run(searcher, request, report=reported.append, stopped=lambda: False)
    answers = answers_of(reported)
    assert [a.partial for a in answers] == [True, False]
    session.accept(answers[0])
    assert session.partial
    session.accept(answers[1])
    assert not session.partial


def test_every_match_sees_decisions_made_since_the_list_was_searched() -> None:
    searcher = Searcher(PAPERS)
    session = SearchSession()
    shown = ask(session, "diffusion")
    decided = {pid: State(status="skipped") for pid in ("arxiv:1", "arxiv:3")}
    now = ask(session, "diffusion", decided, replace=False)
    assert session.is_current(shown.generation)  # marking does not replace what is shown
    every = session.every_match(searcher, now)
    before = session.every_match(searcher, shown)
    assert set(before) - set(every) == {"arxiv:1", "arxiv:3"}
    assert len(every) == len(before) - 2
