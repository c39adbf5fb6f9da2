"""How paperdeck states a paper in words: its first authors, and the lines of facts about it.

`paperdeck show`, the abstract pane, list rows and exports all describe papers; the wording lives
here once, as plain strings, and each interface only lays it out (the CLI prints it, the pane
styles it). Nothing here sanitises: the text is the paper's own, and whoever draws it on a
terminal strips control characters as it does for every untrusted string.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import islice

from tui.models import Paper, State, clean_text

Fact = tuple[str, str]
"""(label, value) of one line about a paper; the label is "" for the line of short facts."""


def first_authors(authors: Sequence[str], *, pair: str = ", ") -> str:
    """`A` / `A, B` / `A et al.`: who wrote a paper, in the space of a row or a byline.

    `pair` joins exactly two names (prose says `A and B`); blank names are skipped.
    """
    # Only the first three names matter (a collaboration paper lists thousands).
    names = list(islice((name for name in map(clean_text, authors) if name), 3))
    if len(names) <= 1:
        return names[0] if names else ""
    if len(names) == 2:
        return f"{names[0]}{pair}{names[1]}"
    return f"{names[0]} et al."


def short_facts(paper: Paper, *, max_categories: int | None = None) -> list[str]:
    """The paper's identity and numbers, each a short phrase: id and version, dates, upvotes,
    comments, categories (the first `max_categories` of them)."""
    facts: list[str] = []
    if paper.arxiv_id:
        version = f"v{paper.version}" if paper.version else ""
        facts.append(f"arXiv:{paper.arxiv_id}{version}")
    else:
        facts.append(paper.id)
    if paper.published:
        facts.append(f"published {paper.published}")
    if paper.listed_on and paper.listed_on != paper.published:
        facts.append(f"listed {paper.listed_on}")
    if paper.upvotes is not None:
        facts.append(f"▲ {paper.upvotes}")
    if paper.comments:
        facts.append(f"{paper.comments} comments")
    categories = paper.categories if max_categories is None else paper.categories[:max_categories]
    if categories:
        facts.append(" ".join(categories))
    return facts


def paper_facts(
    paper: Paper,
    state: State,
    *,
    max_categories: int | None = None,
    web_links: bool = False,
) -> list[Fact]:
    """The lines about a paper between its authors and its abstract, as (label, value) pairs.

    In order: ("", the short facts joined by ` · `), then ("abs", …) and ("pdf", …) when
    `web_links` (the pane opens them with a key instead), ("code", repo and its stars),
    ("project", …), ("status", status and star), ("tags", …) and ("note", …) when set.
    """
    facts: list[Fact] = [("", " · ".join(short_facts(paper, max_categories=max_categories)))]
    if web_links:
        facts += [
            (label, url) for label, url in (("abs", paper.abs_url), ("pdf", paper.pdf_url)) if url
        ]
    if paper.github_repo:
        stars = f" (★ {paper.github_stars})" if paper.github_stars else ""
        facts.append(("code", paper.github_repo + stars))
    if paper.project_page:
        facts.append(("project", paper.project_page))
    facts.append(("status", state.status + ("  ★ starred" if state.starred else "")))
    if state.tags:
        facts.append(("tags", ", ".join(state.tags)))
    if state.note:
        facts.append(("note", state.note))
    return facts


def short_time(value: object) -> str:
    """`2026-11-20T09:14:03Z` -> `2026-11-20 09:14 UTC` (local time is not guessed)."""
    text = str(value)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text[:16]
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
