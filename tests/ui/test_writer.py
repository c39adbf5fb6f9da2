"""The store writer in the real app: keys typed faster than the disk land in order (an undo
right after a star undoes it), and a write the disk kept without its journal entry is shown
as kept, with a message saying so (issue 10: items 1, 4 and 5)."""

from __future__ import annotations

import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.widgets import TextArea
from ui_helpers import make_app, sample_papers, settle, wait_ready

from tui.screens.note_editor import NoteEditor
from tui.store import Library

PAPERS = sample_papers()
BIG_NOTE = "n" * 60_000


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Files this process writes may not grow past `limit` bytes (the kernel says EFBIG;
    Python ignores SIGXFSZ)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


async def test_keys_typed_at_once_land_in_order(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        first = app.triage.paper_list.cursor
        await pilot.press("s", "u", "s", "a", "u", "a")  # star, undo, star, later, undo, later
        await settle(pilot)
        snapshot = app.triage.snapshot
        assert snapshot is not None
        shown = {p.id: snapshot.state(p.id).to_dict() for p in PAPERS}
        assert app.triage.paper_list.cursor == first + 1
        await pilot.press("q")
    with Library.open(library_home) as lib:
        mine = PAPERS[first].id
        assert lib.state(mine).starred and lib.state(mine).status == "later"
        assert {p.id: lib.state(p.id).to_dict() for p in PAPERS} == shown
        assert [(e.label, e.undone) for e in lib.history()] == [
            ("star 1 paper", False),
            ("reading list: 1 paper", False),
        ]


async def test_a_change_kept_without_its_journal_entry_is_shown_as_kept(
    library_home: Path,
) -> None:
    pid = PAPERS[0].id
    with Library.open(library_home) as lib:
        lib.set_note([pid], BIG_NOTE)
        history = [e.label for e in lib.history()]
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one(TextArea).text = ""  # the user cleared the note
        # The cleared note's shard fits; its journal entry (the old note in it) does not, and
        # neither does putting the old note back: a real second failure, from the kernel.
        with file_size_limit(30_000):
            await pilot.press("ctrl+s")
            await settle(pilot)
        errors = app.messages("error")
        assert len(errors) == 1, errors
        saved = f"'clear note on 1 paper' was saved for {pid} but could not be journalled"
        assert saved in errors[0] and "cannot be undone" in errors[0]
        snapshot = app.triage.snapshot
        assert snapshot is not None
        assert snapshot.state(pid).note == ""  # shown as the disk holds it, not rolled back
        await pilot.press("q")
    with Library.open(library_home) as lib:
        assert lib.state(pid).note == ""
        assert [e.label for e in lib.history()] == history
