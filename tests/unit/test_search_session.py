"""SearchSession: stale answers are dropped, partial answers are remembered, the rest of the
rows come only after a pause, and `every_match` sees the states as they are now. Real Searcher,
real papers; no Textual."""

from __future__ import annotations

from tui.models import Paper, State
from tui.query import Searcher
from tui.search_session import SearchAnswer, SearchSession

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


def test_an_older_answer_is_dropped_and_the_newest_is_taken() -> None:
    searcher = Searcher(PAPERS)
    session = SearchSession(rest_delay=0.0)
    first = ask(session, "diffusion")
    second = ask(session, "graph")
    answers: list[SearchAnswer] = []
    session.run(searcher, first, report=answers.append, stopped=lambda: False)
    session.run(searcher, second, report=answers.append, stopped=lambda: False)
    assert [session.accept(a) for a in answers] == [False, True]
    assert not session.is_current(first.generation) and session.is_current(second.generation)


def test_the_rest_of_the_rows_come_after_the_pause_unless_a_newer_search_stops_it() -> None:
    searcher = Searcher(PAPERS)
    session = SearchSession(rest_delay=0.02)
    request = ask(session, "")
    answers: list[SearchAnswer] = []
    rows = session.run(searcher, request, report=answers.append, stopped=lambda: False)
    assert len(answers) == 1 and answers[0].total == 300 and len(answers[0].rows) < 300
    assert (
        rows is not None
        and len(rows) == 300
        and rows[: len(answers[0].rows)] == list(answers[0].rows)
    )
    stopped = session.run(searcher, request, report=answers.append, stopped=lambda: True)
    assert stopped is None


def test_a_partial_answer_is_remembered_and_has_no_every_row() -> None:
    searcher = Searcher(PAPERS)
    searcher.build(abstracts=False)
    session = SearchSession(scan_delay=0.01, rest_delay=0.0)
    request = ask(session, "diffusion")
    answers: list[SearchAnswer] = []
    session.run(searcher, request, report=answers.append, stopped=lambda: False)
    assert [a.partial for a in answers] == [True, False]
    session.accept(answers[0])
    assert session.partial and session.every_row() is None
    session.accept(answers[1])
    assert not session.partial
    every = session.every_row()
    assert every is not None and len(every) == answers[1].total


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
