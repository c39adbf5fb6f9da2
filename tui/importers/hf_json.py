"""Importing Hugging Face Papers API JSON.

Accepted shapes: the `api/daily_papers` and `api/papers/search` arrays of items
`{"paper": {...}, "numComments": ..., "thumbnail": ..., ...}`, one such item, and the bare paper
object of `api/papers/{id}`. HF-only fields (upvotes, ai_summary, ai_keywords, githubRepo,
githubStars, projectPage) are read only from inside `paper` - the wrapper's copies are not the
same thing - while comments and the thumbnail live on the wrapper. `listed_on` is the date part
of `paper.submittedOnDailyAt`, `published` that of `paper.publishedAt` (the wrapper's
`publishedAt` is shifted to US-Eastern and is neither).
"""

from __future__ import annotations

import json
from typing import Any

from tui.errors import InputFormatError
from tui.importers.common import (
    DEFAULT_NAME,
    ParseResult,
    as_int,
    clean_prose,
    decode_input,
    dedupe,
    iso_date,
    optional_text,
)
from tui.links import web_url
from tui.models import Paper, clean_text, paper_key, split_arxiv_id

FORMAT = "hf-json"
HF_PAPER_URL = "https://huggingface.co/papers/{id}"


def parse_hf_json(data: str | bytes, *, name: str = DEFAULT_NAME) -> ParseResult:
    """Parse a Hugging Face papers API response (list, item or bare paper object)."""
    text = decode_input(data, name)
    payload = load_json(text, name)
    items = _items(payload, name)

    found: list[tuple[str, Paper]] = []
    rejected: list[tuple[str, str]] = []
    for number, item in enumerate(items, start=1):
        label = f"item {number}"
        if not isinstance(item, dict):
            rejected.append((label, "not a JSON object"))
            continue
        wrapped = item.get("paper")
        paper_obj: dict[str, Any] = wrapped if isinstance(wrapped, dict) else item
        wrapper: dict[str, Any] = item if isinstance(wrapped, dict) else {}
        hf_id = optional_text(paper_obj.get("id")) if isinstance(paper_obj.get("id"), str) else None
        if hf_id:
            label = f"{label} ({hf_id})"
        paper, reason = _paper(paper_obj, wrapper, hf_id)
        if paper is None:
            rejected.append((label, reason))
        else:
            found.append((label, paper))
    return ParseResult(format=FORMAT, papers=dedupe(found, rejected), rejected=rejected)


def load_json(text: str, name: str) -> Any:
    """json.loads with a one-line error saying where the JSON breaks (and if it was cut short)."""
    try:
        return json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        truncated = exc.pos >= len(text.rstrip())
        hint = " (the file looks truncated)" if truncated else ""
        raise InputFormatError(
            f"{name}: broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}{hint}"
        ) from None
    except RecursionError:
        raise InputFormatError(f"{name}: JSON nested too deeply to read") from None


class _Oversized:
    """Stands in for a JSON integer too long to be any count (see `_json_int`); as text it is
    empty, so a field that takes any scalar as text (an author's name) drops it too."""

    def __str__(self) -> str:
        return ""


def _json_int(digits: str) -> int | _Oversized:
    # int() refuses 4,300+ digits with a ValueError that would escape as a traceback; no count
    # has 20 digits, so a longer number becomes a marker `as_int` (like every reader) drops.
    return int(digits) if len(digits) <= 20 else _OVERSIZED


_OVERSIZED = _Oversized()


def _items(payload: Any, name: str) -> list[Any]:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        if isinstance(payload.get("error"), str) and "id" not in payload:
            message = clean_text(payload["error"])
            raise InputFormatError(f"{name}: Hugging Face API error: {message}")
        if isinstance(payload.get("paper"), dict) or "id" in payload or "title" in payload:
            return [payload]
        if isinstance(payload.get("papers"), list):
            return list(payload["papers"])
    raise InputFormatError(
        f"{name}: JSON but not a Hugging Face papers response (expected a list of papers "
        "or a paper object)"
    )


def _paper(
    paper_obj: dict[str, Any], wrapper: dict[str, Any], hf_id: str | None
) -> tuple[Paper | None, str]:
    raw_title = paper_obj.get("title")
    if raw_title is None:
        raw_title = wrapper.get("title")
    title = clean_prose(raw_title) if isinstance(raw_title, str) else ""
    if not title:
        return None, "no title"

    arxiv_id: str | None = None
    version: int | None = None
    if hf_id:
        split = split_arxiv_id(hf_id)
        if split is not None:
            arxiv_id, version = split

    raw_summary = paper_obj.get("summary")
    if raw_summary is None:
        raw_summary = wrapper.get("summary")
    abstract = clean_prose(raw_summary) if isinstance(raw_summary, str) else ""

    raw_authors = paper_obj.get("authors")
    authors = [
        name
        for author in (raw_authors if isinstance(raw_authors, list) else [])
        if isinstance(author, dict)
        for name in [clean_text(author.get("name"))]
        if name
    ]
    keywords = paper_obj.get("ai_keywords")
    ai_keywords = (
        [k for k in (clean_text(k) for k in keywords if isinstance(k, str)) if k]
        if isinstance(keywords, list)
        else []
    )
    links: dict[str, str] = {}
    page_id = arxiv_id or hf_id
    if page_id:
        links["hf"] = HF_PAPER_URL.format(id=page_id)
    thumbnail = web_url(wrapper.get("thumbnail"))
    if thumbnail:
        links["thumbnail"] = thumbnail

    ai_summary = paper_obj.get("ai_summary")
    paper = Paper(
        id=paper_key(arxiv_id, title),
        title=title,
        arxiv_id=arxiv_id,
        version=version,
        authors=authors,
        abstract=abstract,
        published=iso_date(paper_obj.get("publishedAt")),
        listed_on=iso_date(paper_obj.get("submittedOnDailyAt")),
        upvotes=as_int(paper_obj.get("upvotes")),
        comments=as_int(wrapper.get("numComments")),
        github_repo=web_url(paper_obj.get("githubRepo")),
        github_stars=as_int(paper_obj.get("githubStars")),
        project_page=web_url(paper_obj.get("projectPage")),
        ai_summary=(clean_prose(ai_summary) or None) if isinstance(ai_summary, str) else None,
        ai_keywords=ai_keywords,
        links=links,
        sources=[FORMAT],
    )
    return paper, ""
