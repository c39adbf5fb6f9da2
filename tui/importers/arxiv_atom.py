"""Importing an arXiv API (`export.arxiv.org/api/query`) Atom page.

Per entry: the versionless id and the version from the entry `<id>` (new-style `2206.00927v2`
and old-style `hep-th/9711200v3`), title, summary, authors, `published` (v1 date), `updated`
(this version's date), categories with the primary category first, the abs and PDF links (the
PDF link is the one titled `pdf` or typed `application/pdf`; there is no `rel="pdf"`),
`arxiv:comment`, `arxiv:journal_ref` and `arxiv:doi`. The opensearch `totalResults` and
`startIndex` come back for paging. An `Error` entry raises `ArxivAPIError`; a feed without
entries is an empty page, not an error.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tui.errors import InputFormatError
from tui.importers.common import (
    DEFAULT_NAME,
    ArxivAPIError,
    ParseResult,
    as_int,
    clean_prose,
    decode_input,
    dedupe,
    element_text,
    iso_date,
    optional_text,
    parse_xml,
    short_label,
)
from tui.importers.tex import decode_tex_accents
from tui.links import web_url
from tui.models import Paper, clean_text, paper_key, split_arxiv_id

FORMAT = "arxiv-atom"

ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NS = {"atom": ATOM, "arxiv": ARXIV, "opensearch": OPENSEARCH}


def parse_arxiv_atom(data: str | bytes, *, name: str = DEFAULT_NAME) -> ParseResult:
    """Parse one page of arXiv API results (see the module docstring)."""
    root = parse_xml(decode_input(data, name), name)
    if root.tag != f"{{{ATOM}}}feed":
        raise InputFormatError(
            f"{name}: not an Atom feed (root element <{short_label(_local(root.tag), 80)}>)"
        )

    found: list[tuple[str, Paper]] = []
    rejected: list[tuple[str, str]] = []
    for number, entry in enumerate(root.findall("atom:entry", NS), start=1):
        _raise_if_error(entry, name)
        label = f"entry {number}"
        entry_id = clean_text(entry.findtext("atom:id", default="", namespaces=NS))
        if entry_id:
            label = f"{label} ({entry_id.rsplit('/abs/', 1)[-1]})"
        paper, reason = _paper(entry, entry_id)
        if paper is None:
            rejected.append((label, reason))
        else:
            found.append((label, paper))

    return ParseResult(
        format=FORMAT,
        papers=dedupe(found, rejected),
        rejected=rejected,
        total_results=as_int(root.findtext("opensearch:totalResults", namespaces=NS)),
        start_index=as_int(root.findtext("opensearch:startIndex", namespaces=NS)),
    )


def _raise_if_error(entry: ET.Element, name: str) -> None:
    """The API reports bad requests as a feed with one entry titled `Error`."""
    entry_id = entry.findtext("atom:id", default="", namespaces=NS)
    title = clean_text(element_text(entry.find("atom:title", NS)))
    if "/api/errors" in entry_id or (title == "Error" and split_arxiv_id(entry_id) is None):
        message = clean_text(entry.findtext("atom:summary", default="", namespaces=NS))
        raise ArxivAPIError(f"{name}: arXiv API error: {message or 'unspecified error'}")


def _paper(entry: ET.Element, entry_id: str) -> tuple[Paper | None, str]:
    split = split_arxiv_id(entry_id) if entry_id else None
    if split is None:
        return None, f"no arXiv id in <id> ({entry_id or 'missing'})"
    arxiv_id, version = split
    raw_title = element_text(entry.find("atom:title", NS))
    title = clean_prose(raw_title) if raw_title is not None else ""
    if not title:  # compare with "": a paper can be titled "0"
        return None, "no title"

    authors = [
        name
        for author in entry.findall("atom:author", NS)
        for name in [
            clean_text(decode_tex_accents(author.findtext("atom:name", default="", namespaces=NS)))
        ]
        if name
    ]
    categories: list[str] = []
    primary = entry.find("arxiv:primary_category", NS)
    if primary is not None and clean_text(primary.get("term")):
        categories.append(clean_text(primary.get("term")))
    for category in entry.findall("atom:category", NS):
        term = clean_text(category.get("term"))
        if term and term not in categories:
            categories.append(term)

    links: dict[str, str] = {}
    for link in entry.findall("atom:link", NS):
        href = web_url(link.get("href"))
        if href is None:
            continue
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            links.setdefault("pdf", href)
        elif link.get("rel", "alternate") == "alternate":
            links.setdefault("abs", href)

    paper = Paper(
        id=paper_key(arxiv_id, title),
        title=title,
        arxiv_id=arxiv_id,
        version=version,
        authors=authors,
        abstract=clean_prose(element_text(entry.find("atom:summary", NS))),
        published=iso_date(entry.findtext("atom:published", namespaces=NS)),
        updated=iso_date(entry.findtext("atom:updated", namespaces=NS)),
        categories=categories,
        links=links,
        arxiv_comment=optional_text(element_text(entry.find("arxiv:comment", NS))),
        journal_ref=optional_text(element_text(entry.find("arxiv:journal_ref", NS))),
        doi=optional_text(element_text(entry.find("arxiv:doi", NS))),
        sources=[FORMAT],
    )
    return paper, ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
