"""`PaperIds`: every row of a search, held as paper numbers. It must behave as the list of ids
it stands for, stay what it was when papers change, and give the garbage collector nothing to
walk (the reason it exists: a young list of 100k ids made each collection 10-20 ms)."""

from __future__ import annotations

import gc

from hypothesis import given
from hypothesis import strategies as st

from tui.models import Paper
from tui.query import Searcher
from tui.query.pages import view_query
from tui.query.results import paper_ids

IDS = [f"arxiv:{n}" for n in range(40)]


@given(
    order=st.lists(st.integers(0, len(IDS) - 1), unique=True, max_size=len(IDS)),
    start=st.integers(-45, 45) | st.none(),
    stop=st.integers(-45, 45) | st.none(),
    step=st.integers(-3, 3).filter(bool) | st.none(),
)
def test_it_is_the_list_of_ids_it_stands_for(
    order: list[int], start: int | None, stop: int | None, step: int | None
) -> None:
    rows = paper_ids(order, IDS)
    plain = [IDS[n] for n in order]
    assert len(rows) == len(plain) and list(rows) == plain and rows == plain
    assert [rows[i] for i in range(-len(plain), len(plain))] == plain + plain
    assert list(rows[start:stop:step]) == plain[start:stop:step]
    for pid in [*IDS, "arxiv:unknown", ""]:
        assert (pid in rows) == (pid in plain)
        if pid in plain:
            assert rows.index(pid) == plain.index(pid)
        else:
            try:
                rows.index(pid)
            except ValueError:
                continue
            raise AssertionError(f"{pid} found in rows that do not hold it")


def test_a_collection_walks_none_of_its_ids() -> None:
    papers = [Paper(id=f"arxiv:{n}", arxiv_id=str(n), title=f"Diffusion {n}") for n in range(5000)]
    searcher = Searcher(papers)
    rows = searcher.search(view_query("", "diffusion"), limit=10).all_ids()
    assert len(rows) == 5000
    # What a collection visits of it: its array (whose numbers are no objects) and the corpus's
    # id table (long-lived, frozen with the library in the app).
    referents = [r for r in gc.get_referents(rows) if not isinstance(r, type)]
    assert len(referents) == 2
    assert not any(isinstance(r, str) for r in referents)
    (order,) = (r for r in referents if not isinstance(r, list))
    assert all(isinstance(r, type) for r in gc.get_referents(order))


def test_rows_keep_their_ids_when_papers_change_after_them() -> None:
    papers = [Paper(id=f"arxiv:{n}", arxiv_id=str(n), title=f"Diffusion {n}") for n in range(300)]
    searcher = Searcher(papers)
    rows = searcher.search(view_query("", "diffusion"), limit=10).all_ids()
    before = list(rows)
    searcher.remove({"arxiv:5", "arxiv:7"})
    searcher.add_or_update([Paper(id="arxiv:5", arxiv_id="5", title="Diffusion, back")])
    searcher.add_or_update([Paper(id="arxiv:new", arxiv_id="new", title="Diffusion new")])
    assert list(rows) == before  # the ids as they were (paper numbers are never reused)
    for pid in ("arxiv:5", "arxiv:7", "arxiv:8"):  # re-added, removed, kept
        assert pid in rows and rows.index(pid) == before.index(pid)
    assert "arxiv:new" not in rows
    again = searcher.search(view_query("", "diffusion"), limit=10).all_ids()
    assert "arxiv:5" in again and "arxiv:new" in again and "arxiv:7" not in again
