"""`Library.changes_from_others`: what another process wrote reaches an open library — states
changed by a CLI command, papers added by an import — and nothing is reported when nothing
changed (the app polls it). Real files, two Library objects as two processes would hold."""

from __future__ import annotations

from pathlib import Path

from tui.actions import EditTags, SetStatus
from tui.models import Paper
from tui.store import Library


def paper(n: int) -> Paper:
    return Paper(id=f"arxiv:2601.{n:05d}", arxiv_id=f"2601.{n:05d}", title=f"Paper {n}")


def test_nothing_changed_is_nothing(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers([paper(1), paper(2)], source="test")
        lib.run(SetStatus("later"), ["arxiv:2601.00001"])  # our own write is not "others"
        assert lib.changes_from_others() == (False, {})


def test_states_another_process_wrote_come_in(home: Path) -> None:
    with Library.open(home) as app:
        app.upsert_papers([paper(1), paper(2), paper(3)], source="test")
        app.papers()
        app.states()  # what the app's loader reads (state shards are read when first needed)
        with Library.open(home) as cli:
            cli.run(SetStatus("done"), ["arxiv:2601.00002"])
            cli.run(EditTags(("ml",), ()), ["arxiv:2601.00003"])
        catalog, states = app.changes_from_others()
        assert not catalog
        assert set(states) == {"arxiv:2601.00002", "arxiv:2601.00003"}
        assert states["arxiv:2601.00002"].status == "done"
        assert states["arxiv:2601.00003"].tags == ["ml"]
        assert app.state("arxiv:2601.00002").status == "done"
        assert app.changes_from_others() == (False, {})  # taken in once


def test_papers_another_process_imported_come_in_with_their_texts(home: Path) -> None:
    with Library.open(home) as app:
        app.upsert_papers([paper(1)], source="test")
        app.papers(texts=True)
        with Library.open(home) as other:
            extra = paper(2)
            extra.abstract = "An abstract written by another process."
            other.upsert_papers([extra], source="test")
        catalog, states = app.changes_from_others()
        assert catalog and states == {}
        papers = app.papers(texts=False)
        assert set(papers) == {"arxiv:2601.00001", "arxiv:2601.00002"}
        assert papers["arxiv:2601.00002"].abstract == "An abstract written by another process."


def test_texts_not_read_yet_are_not_changes_from_others(home: Path) -> None:
    """The app reads the catalog first and the texts a moment later: a look in between must not
    take the unread texts for another process's import (it reloaded the papers, and the pane
    showed "(no abstract)")."""
    with Library.open(home) as lib:
        first = paper(1)
        first.abstract = "Read later."
        lib.upsert_papers([first], source="test")
    with Library.open(home) as app:
        app.papers(texts=False)
        assert app.changes_from_others() == (False, {})
        app.load_texts()
        assert app.changes_from_others() == (False, {})
        assert app.papers()["arxiv:2601.00001"].abstract == "Read later."
