"""The abstract pane: everything known about the paper under the cursor, ready to read.

Title, authors, arXiv id and version, dates, upvotes, comments, code link, project page, tags,
note, then the abstract and the AI summary. The pane receives a Paper and its State and builds
`Content` from plain strings (never markup), so hostile text shows literally. `enter` on the
list focuses it for scrolling; the screen sends focus back on `esc`.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.models import Paper, State
from tui.widgets.text import safe_text


def describe_paper(paper: Paper | None, state: State | None) -> Content:
    """The pane's text for one paper (plain text + styles, control characters stripped)."""
    if paper is None:
        return Content.styled("No paper selected.", "$text-muted")
    state = state or State()
    parts: list[str | tuple[str, str] | Content] = [
        (safe_text(paper.title), "bold $text-primary"),
        "\n",
    ]
    if paper.authors:
        parts += [(safe_text(", ".join(paper.authors)), "$text-secondary"), "\n"]

    facts: list[str] = []
    if paper.arxiv_id:
        version = f"v{paper.version}" if paper.version else ""
        facts.append(f"arXiv:{paper.arxiv_id}{version}")
    if paper.published:
        facts.append(f"published {paper.published}")
    if paper.listed_on and paper.listed_on != paper.published:
        facts.append(f"listed {paper.listed_on}")
    if paper.upvotes is not None:
        facts.append(f"▲ {paper.upvotes}")
    if paper.comments:
        facts.append(f"{paper.comments} comments")
    if paper.categories:
        facts.append(" ".join(paper.categories[:4]))
    if facts:
        parts += [(safe_text(" · ".join(facts)), "$text-muted"), "\n"]

    if paper.github_repo:
        stars = f" (★ {paper.github_stars})" if paper.github_stars else ""
        parts += [("code ", "bold"), safe_text(paper.github_repo + stars), "\n"]
    if paper.project_page:
        parts += [("project ", "bold"), safe_text(paper.project_page), "\n"]

    status_line = f"status: {state.status}" + ("  ★ starred" if state.starred else "")
    parts += [(status_line, "$text-accent"), "\n"]
    if state.tags:
        parts += [("tags: ", "bold"), (safe_text(", ".join(state.tags)), "$text-success"), "\n"]
    if state.note:
        parts += [("note: ", "bold"), (safe_text(state.note, keep_newlines=True), "italic"), "\n"]

    parts.append("\n")
    parts.append(safe_text(paper.abstract, keep_newlines=True) or "(no abstract)")
    if paper.ai_summary:
        parts += ["\n\n", ("AI summary ", "bold"), (safe_text(paper.ai_summary), "$text-muted")]
    return Content.assemble(*parts)


class AbstractPane(VerticalScroll, can_focus=True):
    """A scrollable view of one paper; `esc` hands focus back to the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="abstract_down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="abstract_up"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._body = Static(describe_paper(None, None), id="abstract-body")
        self.paper_id: str | None = None

    def compose(self) -> ComposeResult:
        yield self._body

    def show(self, paper: Paper | None, state: State | None) -> None:
        """Show `paper` (scrolling back to the top when it is a different paper)."""
        new_id = paper.id if paper else None
        if new_id != self.paper_id:
            self.scroll_home(animate=False, immediate=True)
        self.paper_id = new_id
        self._body.update(describe_paper(paper, state))
