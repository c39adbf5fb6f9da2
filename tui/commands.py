"""The command palette (`ctrl+p`): every triage action, plus go to view/tag, rename tag,
export view…, (and from Textual: theme, quit, keys).

Commands are read from the triage screen's bindings, so the palette offers exactly what the
keys do. Tag names are user data: they go in as plain text, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import FuzzySearch

from tui.widgets.text import safe_text

if TYPE_CHECKING:
    from tui.models import Paper, State
    from tui.screens.triage.screen import TriageScreen

EXPORT_EXTENSIONS: dict[str, str] = {
    ".json": "json",
    ".md": "md",
    ".csv": "csv",
    ".bib": "bibtex",
    ".ris": "ris",
}


_FUZZY = FuzzySearch()


def highlight(query: str, title: str) -> Content:
    """`title` as plain text with the matched characters underlined.

    (Textual's `Matcher.highlight` reads the candidate as markup; titles here hold tag names.)
    """
    title = safe_text(title)
    content = Content(title)
    _score, offsets = _FUZZY.match(query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize("underline bold", offset, offset + 1)
    return content


class PaperdeckCommands(Provider):
    """Commands for the triage screen."""

    def _triage(self) -> TriageScreen | None:
        from tui.screens.triage.screen import TriageScreen

        screen = self.screen
        return screen if isinstance(screen, TriageScreen) else None

    def _commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        screen = self._triage()
        if screen is None:
            return
        seen: set[str] = set()
        for binding in screen.BINDINGS:
            action = getattr(binding, "action", "")
            if not action or action in seen or action == "back":
                continue
            seen.add(action)
            if screen.check_action(action, ()) is not True:
                continue
            title = binding.tooltip or binding.description  # type: ignore[union-attr]
            yield title, partial(screen.run_action, action), f"key: {binding.key}"  # type: ignore[union-attr]
        from tui.views import SMART_VIEWS, View

        for key, label in SMART_VIEWS:
            yield f"Go to {label}", partial(screen.go_to_view, View("smart", key)), "view"
        if screen.snapshot is not None:
            for tag in sorted(screen.snapshot.tag_counts()):
                yield f"Go to tag #{tag}", partial(screen.go_to_view, View("tag", tag)), "tag"
                like = View("like", tag)
                yield f"Papers like #{tag}", partial(screen.go_to_view, like), "the inbox ranked"
                yield f"Rename tag #{tag}…", partial(ask_rename_tag, screen, tag), "tag"
            yield "Export view…", partial(ask_export, screen), "write the papers shown to a file"

    async def discover(self) -> Hits:
        for title, run, help_text in self._commands():
            yield DiscoveryHit(Content(safe_text(title)), run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, run, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, highlight(query, title), run, help=help_text)


def ask_rename_tag(screen: TriageScreen, old: str) -> None:
    """Ask for a new name for tag `old`, then rename it everywhere (one undo step)."""
    from tui.screens.prompt import Prompt

    def done(new: str | None) -> None:
        if new:
            screen.rename_tag(old, new)

    hint = "enter renames (an existing name merges the two) · esc cancels"
    screen.app.push_screen(Prompt(f"Rename tag #{old} to:", old, hint), done)


def ask_export(screen: TriageScreen) -> None:
    """Ask for a file name, then write the papers shown (the format comes from the extension)."""
    from tui.screens.prompt import Prompt

    view = screen.view
    name = {"tag": view.key, "like": f"like-{view.key}"}.get(view.kind, view.label.lower())
    default = str(Path.cwd() / f"paperdeck-{name}.md")
    hint = "format from the extension: " + " ".join(EXPORT_EXTENSIONS) + " · esc cancels"

    def check(path: str) -> str | None:
        target = Path(path).expanduser()
        if target.suffix.lower() not in EXPORT_EXTENSIONS:
            known = " ".join(EXPORT_EXTENSIONS)
            return f"{target.name}: unknown extension (use {known})"
        if target.is_dir():
            return f"{target} is a folder: add a file name"
        return None

    def done(path: str | None) -> None:
        snapshot = screen.snapshot
        if not path or snapshot is None:
            return
        target = Path(path).expanduser()
        fmt = EXPORT_EXTENSIONS[target.suffix.lower()]
        papers = [snapshot.papers[pid] for pid in screen.paper_list.rows]
        states = dict(snapshot.states)
        screen.run_worker(
            lambda: _export(screen, papers, states, fmt, target),
            thread=True,
            group="export",
            exit_on_error=False,
        )

    screen.app.push_screen(Prompt("Export the papers shown to:", default, hint, check=check), done)


def _export(
    screen: TriageScreen,
    papers: list[Paper],
    states: Mapping[str, State],
    fmt: str,
    target: Path,
) -> None:
    """(In a thread.) Write the export and say how it went."""
    from tui.export import export_papers

    app = screen.app
    try:
        target.write_text(export_papers(papers, states, fmt), encoding="utf-8")
    except OSError as exc:
        text = f"could not write {target}: {exc.strerror or exc}"
        app.call_from_thread(app.notify, text, severity="error", markup=False)
        return
    app.call_from_thread(app.notify, f"Exported {len(papers)} papers to {target}", markup=False)
