"""The triage screen's two editors: tags (`t`) and the note (`n`) for the paper under the
cursor or every marked one. Each opens its dialog with what the targets carry now and hands
the user's answer back as a typed action (`tui.actions`) for the screen to apply."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tui.actions import Action, EditTags, SetNote
from tui.screens.note_editor import NoteEditor
from tui.screens.tag_editor import TagEdit, TagEditor

if TYPE_CHECKING:
    from textual.app import App

    from tui.snapshot import LibrarySnapshot

Act = Callable[[Action], None]


def describe_targets(snapshot: LibrarySnapshot, ids: Sequence[str]) -> str:
    """The dialog's title: the paper's title, or how many marked papers."""
    if len(ids) != 1:
        return f"{len(ids)} marked papers"
    paper = snapshot.papers.get(ids[0])
    return paper.title if paper else "this paper"


def ask_tags(app: App[object], snapshot: LibrarySnapshot, ids: Sequence[str], act: Act) -> None:
    """Open the tag editor showing each tag the targets carry with how many carry it."""
    current = Counter(tag for pid in ids for tag in snapshot.state(pid).tags)
    known = sorted(snapshot.tag_counts())

    def done(edit: TagEdit | None) -> None:
        if edit is not None:
            act(EditTags(tuple(edit.add), tuple(edit.remove)))

    editor = TagEditor(describe_targets(snapshot, ids), current, known, papers=len(ids))
    app.push_screen(editor, done)


def ask_note(app: App[object], snapshot: LibrarySnapshot, ids: Sequence[str], act: Act) -> None:
    """Open the note editor (with the paper's note when there is one target)."""
    note = snapshot.state(ids[0]).note if len(ids) == 1 else ""

    def done(text: str | None) -> None:
        if text is not None:
            act(SetNote(text))

    app.push_screen(NoteEditor(describe_targets(snapshot, ids), note), done)
