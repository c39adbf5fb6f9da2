"""Leaving the list: open a paper's page or PDF in the browser, copy links or BibTeX to the
clipboard, or go from a paper to the papers like it. Each says what went wrong in a toast;
opening also records that the paper was opened (the `is:unread` term)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

    from tui.models import Paper


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def open_in_browser(app: App[object], paper: Paper, *, pdf: bool) -> bool:
    """Open the paper's abstract page (or PDF) through the app's safe opener; False (and a
    warning) when it has no web link."""
    url = paper.pdf_url if pdf else paper.abs_url
    opener = getattr(app, "open_web_link", None)
    if url is None or opener is None or not opener(url):
        app.notify("This paper has no web link to open.", severity="warning")
        return False
    return True


def copy_links(app: App[object], papers: Sequence[Paper]) -> None:
    links = [url for url in (p.abs_url for p in papers) if url]
    if not links:
        app.notify("No link to copy.", severity="warning")
        return
    app.copy_to_clipboard("\n".join(links))
    app.notify(f"Copied {_plural(len(links), 'link')}.", timeout=2)


def copy_bibtex(app: App[object], papers: Sequence[Paper]) -> None:
    from tui.export import bibtex_entry

    if not papers:
        return
    app.copy_to_clipboard("\n".join(bibtex_entry(p) for p in papers))
    app.notify(f"Copied BibTeX for {_plural(len(papers), 'paper')}.", timeout=2)


def like_query(app: App[object], papers: Sequence[Paper]) -> str | None:
    """The filter for "more like this" (`like:ID,ID`), or None (and a warning) when none of
    the papers has an arXiv id to name it by."""
    ids = [p.arxiv_id for p in papers if p.arxiv_id]
    if not ids:
        app.notify("More like this needs a paper with an arXiv id.", severity="warning")
        return None
    return "like:" + ",".join(dict.fromkeys(ids))
