"""The catalog record, `Paper`: a msgspec struct, with its abstract read back on demand.

Kept apart from `tui.models` (which hands these names out on first use) so that what needs no
paper, a triage command among them, never imports msgspec. Plain Python, no I/O.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any, Protocol

import msgspec


class Paper(msgspec.Struct, gc=False, eq=False):
    """One catalog record. Dates are ISO strings (`YYYY-MM-DD`), times ISO datetimes in UTC.

    Four dates, four different facts, each filled only by a source that knows it (the store's
    merge never lets one stand in for another): `published` is the submission date of v1
    (arXiv API `published`, HF `publishedAt`; BibTeX/RIS year and month come from it);
    `updated` the submission date of the latest version (arXiv API `updated`); `announced` the
    day arXiv announced the latest version it listed (an arXiv RSS `pubDate`); `listed_on` the
    day it was on Hugging Face Daily Papers (or a saved page). A library written before
    `announced` existed simply has none (`from_dict` defaults it).

    A msgspec `Struct`, so the store decodes `catalog.json` straight into papers, checking
    every field's type as it parses (`tui.store.catalog_file`): no dict per paper is built,
    checked and copied on the way (three times faster at 100k papers, and a lower peak). Not
    tracked by the garbage collector (`gc=False`): a paper holds only strings, numbers, lists
    and dicts of them and its abstract's `DeferredText`, never a reference back to anything
    that holds it, so it can be in no cycle; 100k papers the collector never walks.
    `msgspec.structs.replace` copies one with changes. Equality compares the fields as read
    (`__eq__`), so a deferred abstract equals the same text held as a `str`.
    """

    id: str
    title: str
    arxiv_id: str | None = None
    version: int | None = None
    authors: list[str] = []
    abstract: str = ""
    published: str | None = None
    updated: str | None = None
    listed_on: str | None = None
    announced: str | None = None
    categories: list[str] = []
    upvotes: int | None = None
    comments: int | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] = []
    links: dict[str, str] = {}
    arxiv_comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    sources: list[str] = []
    first_seen: str | None = None
    last_synced: str | None = None

    @property
    def abs_url(self) -> str | None:
        """The paper's abstract page: arXiv's when it has an id, else the best link it came with."""
        if self.arxiv_id:
            return f"https://arxiv.org/abs/{self.arxiv_id}"
        return self.links.get("abs") or self.links.get("hf") or self.project_page

    @property
    def pdf_url(self) -> str | None:
        """The PDF: arXiv's when it has an id, else a recorded `pdf` link."""
        if self.arxiv_id:
            return f"https://arxiv.org/pdf/{self.arxiv_id}"
        return self.links.get("pdf")

    @property
    def date(self) -> str | None:
        """The date shown and sorted on: the Daily Papers listing day, else the arXiv submission
        date, else the day arXiv announced it (a paper known only from an RSS feed)."""
        return self.listed_on or self.published or self.announced

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with every field (lists and dicts copied)."""
        out: dict[str, Any] = {}
        for name in _PAPER_FIELD_NAMES:
            value = getattr(self, name)
            if isinstance(value, list):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            out[name] = value
        return out

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Paper:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _PAPER_FIELD_NAMES)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value: not a dict key

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        """Build from a stored dict, ignoring keys this version does not know."""
        try:
            return cls(**data)  # the common case: a record this version wrote (hot at load)
        except TypeError:
            return cls(**{k: v for k, v in data.items() if k in PAPER_FIELDS})


_PAPER_FIELD_NAMES: tuple[str, ...] = Paper.__struct_fields__
PAPER_FIELDS: frozenset[str] = frozenset(_PAPER_FIELD_NAMES)


class DeferredText(Protocol):
    """A text kept outside the paper (the store reads it back on demand): `Paper.abstract` may
    hold one instead of a `str` (see `fill_texts`)."""

    def text(self) -> str: ...


# The abstract is most of a paper's bytes (about 1.4 KB each, 140 MB at 100k papers) and the
# list never shows it, so a loaded library keeps it outside Python strings: the slot may hold a
# `DeferredText`, read back whenever `paper.abstract` is asked for. Every reader (the pane, the
# index build, the ranker, export, merge, equality, `replace`, `to_dict`) sees a `str`.
_ABSTRACT_SLOT: Any = Paper.__dict__["abstract"]
_SUMMARY_SLOT: Any = Paper.__dict__["ai_summary"]


def _get_abstract(paper: Paper) -> str:
    value = _ABSTRACT_SLOT.__get__(paper, Paper)
    return value if value.__class__ is str else value.text()


setattr(Paper, "abstract", property(_get_abstract, _ABSTRACT_SLOT.__set__))  # noqa: B010


def fill_texts(
    papers: Iterable[Paper],
    abstracts: Iterable[str | DeferredText],
    summaries: Iterable[str | None],
) -> None:
    """Set each paper's abstract (a `str` or a `DeferredText`) and AI summary, in C-level
    passes: the store fills 100k papers at load."""
    papers = list(papers)
    deque(map(_ABSTRACT_SLOT.__set__, papers, abstracts), maxlen=0)
    deque(map(_SUMMARY_SLOT.__set__, papers, summaries), maxlen=0)


def abstract_deferred(paper: Paper) -> bool:
    """True when `paper`'s abstract is held as a `DeferredText`, not a `str`."""
    return _ABSTRACT_SLOT.__get__(paper, Paper).__class__ is not str
