"""The triage screen's decisions and marks: which papers a key acts on, the action applied to
them at once, what changed shown in the list, the counts and the abstract, and the actions
that reach outside the app (browser, clipboard) or re-rank the view by a paper.

The rules themselves (targets, marks, the optimistic guess, the store's answer replacing it)
are the Textual-free `tui.triage_session.TriageSession`; this class is its interface half, as
`ListSearch` is the search's: it reads the list's rows and cursor and updates the widgets.
The screen's key actions call it in one line each.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tui.actions import Action, RenameTag
from tui.errors import PaperdeckError
from tui.screens.triage.editors import ask_note, ask_tags
from tui.screens.triage.outside import copy_bibtex, copy_links, like_query, open_in_browser
from tui.screens.triage.writer import step_toast
from tui.views import View

if TYPE_CHECKING:
    from tui.messages import StatesChanged
    from tui.models import Paper, State
    from tui.screens.triage.screen import TriageScreen


class ListTriage:
    """Applies `screen`'s triage keys to the paper under the cursor or the marked papers."""

    def __init__(self, screen: TriageScreen) -> None:
        self.screen = screen

    # -- targets ------------------------------------------------------------------------------

    def targets(self) -> list[str]:
        """The marked papers, else the paper under the cursor."""
        plist = self.screen.paper_list
        return self.screen.triage.targets(plist.rows, plist.current_id)

    def target_papers(self) -> list[Paper]:
        snapshot = self.screen.snapshot
        if snapshot is None:
            return []
        return [p for p in (snapshot.papers.get(pid) for pid in self.targets()) if p]

    # -- acting -------------------------------------------------------------------------------

    def act(self, action: Action, *, advance: bool = False) -> None:
        """Apply an action to the targets now (the store writes it), then advance if asked."""
        screen = self.screen
        plist = screen.paper_list
        applied = screen.triage.act(action, plist.rows, plist.current_id)
        if applied is None:
            return
        self.show_changed(applied.changed)
        if applied.bulk:
            self.show_marks()  # a bulk action clears the marks
        elif advance:
            plist.advance()

    def show_changed(self, changed: list[str]) -> None:
        """Redraw the rows, the counts and (when it is one of them) the abstract of `changed`."""
        if not changed:
            return
        screen = self.screen
        screen.paper_list.refresh_papers(changed)
        screen.show_counts()
        if screen.paper_list.current_id in changed:
            screen.show_current()

    def apply_states(self, states: Mapping[str, State]) -> None:
        """Put the store's states in (the writer's answers, other processes' changes)."""
        screen = self.screen
        self.show_changed(screen.triage.stored(states, preview=screen.preview))

    def states_changed(self, message: StatesChanged) -> None:
        """The store's answer to a write, an undo or a redo (which says what it undid)."""
        self.apply_states(message.states)
        if message.kind in ("undo", "redo"):
            self.screen.app.notify(step_toast(message), markup=False, timeout=3)
            if message.states:  # put the paper back where the view says, cursor on it
                self.screen.searching.bring_back(list(message.states))

    def ask_tags(self) -> None:
        ids = self.targets()
        snapshot = self.screen.snapshot
        if snapshot is not None and ids:
            ask_tags(self.screen.app, snapshot, ids, self.act)

    def ask_note(self) -> None:
        ids = self.targets()
        snapshot = self.screen.snapshot
        if snapshot is not None and ids:
            ask_note(self.screen.app, snapshot, ids, self.act)

    def rename_tag(self, old: str, new: str) -> None:
        """Rename tag `old` everywhere (the palette asks for the name); follows it if shown."""
        screen = self.screen
        try:
            action = RenameTag(old, new)
        except PaperdeckError as exc:
            screen.app.notify(exc.message, title="Not renamed", severity="error", markup=False)
            return
        self.show_changed(screen.triage.act_everywhere(action))
        if screen.view == View("tag", action.old):
            screen.go_to_view(View("tag", action.new))

    # -- marks --------------------------------------------------------------------------------

    def mark(self) -> None:
        """Mark or unmark the paper under the cursor, then move on."""
        plist = self.screen.paper_list
        current = plist.current_id
        if current is None:
            return
        self.screen.triage.toggle_mark(current)
        self.show_marks()
        plist.advance()

    def mark_all(self) -> None:
        """Mark exactly the papers that match the view and the filter now (the list may still
        show rows decided since it was searched)."""
        every = self.screen.searching.every_match()
        if every is not None:
            self.screen.triage.set_marked(every)
            self.show_marks()

    def clear_marks(self) -> None:
        self.screen.triage.set_marked(())
        self.show_marks()

    def show_marks(self) -> None:
        screen = self.screen
        screen.paper_list.set_marked(screen.marked)
        screen.show_view_counts()
        screen.refresh_availability()

    # -- outside the list ---------------------------------------------------------------------

    def open(self, *, pdf: bool) -> None:
        """Open the paper under the cursor in the browser (its abstract page or PDF)."""
        screen = self.screen
        paper, _state = screen.current()
        if (
            paper is not None
            and screen.triage.ready
            and open_in_browser(screen.app, paper, pdf=pdf)
        ):
            screen.triage.opened(paper.id)

    def copy_links(self) -> None:
        copy_links(self.screen.app, self.target_papers())

    def copy_bibtex(self) -> None:
        copy_bibtex(self.screen.app, self.target_papers())

    def like(self) -> None:
        """More like this: rank the view by likeness to the paper (or the marked papers)."""
        screen = self.screen
        query = like_query(screen.app, self.target_papers())
        if query is not None:
            if screen.marked:
                self.clear_marks()
            screen.filter_bar.set_text(query)
            screen.paper_list.focus()
