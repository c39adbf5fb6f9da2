"""The catalog's merge rules, pure: which catalog paper a record is, and how the two combine.

An import or sync brings records that may be papers the catalog knows (by arXiv id, else by
title), possibly with more or fresher facts. These functions decide, without touching the disk:
`match` (which paper a record is), `merge_paper` (present values win, gaps are kept), `differs`
(whether the merge changed anything worth a write), `sanitised` (the last text and size gate
before the catalog and the terminal) and `compact` (what the catalog file stores of a paper).

Merging must settle: importing the same files again, in any order, changes nothing. So a fact
that two sources may state differently is kept by a rule that does not depend on the order the
records arrive in: the v1 submission date (`published`) is the earliest one stated, the
version, its date (`updated`), the announcement and listing days and the counts (upvotes,
comments, stars: they move, mostly up, and two endpoints answer a minute apart) the highest.
Two links of one kind keep the lesser URL. Every other field takes the newest present value; each date is only ever filled by a source
that knows that fact (see `Paper`), never from another one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msgspec.structs import replace

from tui.models import PAPER_FIELDS, Paper, clean_text, limit_paper, normalise_title

# List fields: an empty list from a later import never erases the known value.
_LIST_FIELDS = {"authors", "categories", "ai_keywords"}
_MERGED_FIELDS = tuple(
    sorted(PAPER_FIELDS - {"id", "first_seen", "last_synced", "sources", "links"})
)
_COMPARED_FIELDS = tuple(sorted(PAPER_FIELDS - {"last_synced"}))
# Facts kept by an order-free rule (see the module docstring): the lowest or highest stated.
_KEEP_LOWEST = frozenset({"published"})
_KEEP_HIGHEST = frozenset(
    {"version", "updated", "announced", "listed_on", "upvotes", "comments", "github_stars"}
)


class Layered:
    """Two indexes read as one, the first winning: the records staged by an import over the
    catalog's. (A `ChainMap` would do, at several times the cost of a lookup.)"""

    __slots__ = ("_base", "_top")

    def __init__(self, top: Mapping[str, str], base: Mapping[str, str]) -> None:
        self._top = top
        self._base = base

    def get(self, key: str) -> str | None:
        return self._top.get(key) or self._base.get(key)


Index = Mapping[str, str] | Layered
"""arXiv id or normalised title -> paper id."""


def match(
    paper: Paper, by_arxiv: Index, by_title: Index, papers: Mapping[str, Paper]
) -> str | None:
    """The id of the known paper `paper` is, or None for a new one.

    By arXiv id first, else by normalised title, except that two different arXiv papers sharing
    a title stay apart. `by_arxiv` maps arXiv ids (no version) and `by_title` normalised titles
    to ids; `papers` holds the known papers (their arXiv ids are checked for the conflict).
    """
    if paper.arxiv_id:
        pid = by_arxiv.get(paper.arxiv_id)
        if pid:
            return pid
    pid = by_title.get(normalise_title(paper.title))
    if pid is None:
        return None
    existing = papers.get(pid)
    other_arxiv = existing.arxiv_id if existing else None
    if pid.startswith("arxiv:"):
        other_arxiv = pid.removeprefix("arxiv:")
    if other_arxiv and paper.arxiv_id and other_arxiv != paper.arxiv_id:
        return None
    return pid


def sanitised(paper: Paper) -> Paper:
    """The paper with whitespace collapsed, control characters removed from its texts, and every
    field within the limits of `models.limit_paper`.

    The importers do this already; the store does it again because it is the last gate before
    the catalog and the terminal, and papers also arrive from reading-list files, sync and other
    callers: a 200 MB abstract must not reach the catalog by any path.
    """
    title = clean_text(paper.title)
    abstract = clean_text(paper.abstract)
    authors = [clean_text(a) for a in paper.authors]
    summary = clean_text(paper.ai_summary) if paper.ai_summary else paper.ai_summary
    if (title, abstract, authors, summary) != (
        paper.title,
        paper.abstract,
        paper.authors,
        paper.ai_summary,
    ):
        paper = replace(paper, title=title, abstract=abstract, authors=authors, ai_summary=summary)
    return limit_paper(paper)[0]


def merge_paper(current: Paper, incoming: Paper, source: str) -> Paper:
    """The catalog record after `incoming` arrives: present values win, gaps are kept, and the
    facts of `_KEEP_LOWEST` / `_KEEP_HIGHEST` keep the lowest / highest value stated."""
    merged = replace(current, sources=list(current.sources))
    for name in _MERGED_FIELDS:
        value = getattr(incoming, name)
        if value is None or value == "" or (name in _LIST_FIELDS and not value):
            continue
        known = getattr(merged, name)
        if known is not None and (
            (name in _KEEP_HIGHEST and value < known) or (name in _KEEP_LOWEST and value > known)
        ):
            continue
        setattr(merged, name, value)
    merged.links = _merged_links(current.links, incoming.links)
    for src in [*incoming.sources, source]:
        if src and src not in merged.sources:
            merged.sources.append(src)
    return merged


def _merged_links(known: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    """Both sets of links; where both name a kind with different URLs, the lesser string, so
    the result does not depend on the order (an arXiv `abs/2608.11232` beats `…v1`: the
    versionless link, which always shows the latest version)."""
    if not new or new == known:
        return dict(known)
    links = {**known, **new}
    for kind, url in known.items():
        if kind in new and new[kind] != url:
            links[kind] = min(url, new[kind])
    return links


def differs(a: Paper, b: Paper) -> bool:
    """True when the two records differ in anything but their sync time."""
    return any(getattr(a, name) != getattr(b, name) for name in _COMPARED_FIELDS)


def compact(doc: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values so the catalog file parses fast; `Paper.from_dict` restores defaults."""
    return {
        k: v
        for k, v in doc.items()
        if k == "id"
        or k == "title"
        or (v is not None and (v or not isinstance(v, str | list | dict)))
    }
