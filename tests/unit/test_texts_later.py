"""The app's start-up path: papers first without abstracts, abstracts read in afterwards."""

from __future__ import annotations

from pathlib import Path

from tui.models import Paper
from tui.query import QueryContext, Searcher
from tui.store import Library


def test_search_sees_abstracts_loaded_after_the_searcher_was_made(home: Path) -> None:
    Library.open(home).upsert_papers(
        [
            Paper(id="", title="A Paper About Birds", arxiv_id="2501.00001", abstract="zebrafish"),
            Paper(id="", title="Another Paper", arxiv_id="2501.00002", abstract="nothing"),
        ],
        source="test",
    )
    lib = Library.open(home)
    papers = lib.papers(texts=False)
    assert not lib.texts_loaded
    assert all(p.abstract == "" for p in papers.values())
    searcher = Searcher(papers)
    ctx = QueryContext(states=lib.states())
    assert searcher.search("zebrafish", ctx).total == 0  # not read yet

    lib.load_texts()
    assert lib.texts_loaded and papers["arxiv:2501.00001"].abstract == "zebrafish"
    searcher.texts_filled()
    assert [h.id for h in searcher.search("zebrafish", ctx).hits] == ["arxiv:2501.00001"]
    searcher.build()
    searcher.texts_filled()  # harmless once the abstracts are indexed
    assert [h.id for h in searcher.search("zebra", ctx).hits] == ["arxiv:2501.00001"]
