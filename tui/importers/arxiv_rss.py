"""Importing an arXiv listing RSS feed (`rss.arxiv.org/rss/<category>`).

Per item: id and version from `guid` (`oai:arXiv.org:<id>v<N>`; the description's `arXiv:<id>vN`
and the `link` are fallbacks), title, authors from `dc:creator` (one comma-separated string,
split on commas and " and ", TeX accents decoded), the abstract (the text after "Abstract: " in
the description), categories in feed order (the first is the primary), DOI and journal ref.

Dates. The feed has one date per item: `pubDate`, the day arXiv announced the version the item
names (a `new` v1, a `replace` vN, a cross-listing). That is stored as `announced` and only
there: it is not the submission date (`published`, which is a day or more earlier and comes
from the arXiv API or Hugging Face) nor the date of the latest version (`updated`), nor the
Hugging Face listing day (`listed_on`). Storing it as any of those made re-imports flip the
record between sources. An item without its own `pubDate` takes the channel's.

The announce type is not a paper property, so it is not stored on the paper (and not smuggled
into `links`); it comes back in `ParseResult.announce_types` for sync's new/cross filter.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

from tui.errors import InputFormatError
from tui.importers.common import (
    DEFAULT_NAME,
    ParseResult,
    clean_prose,
    decode_input,
    dedupe,
    element_text,
    optional_text,
    parse_xml,
    short_label,
)
from tui.importers.tex import decode_tex_accents
from tui.links import web_url
from tui.models import Paper, clean_text, paper_key, split_arxiv_id

FORMAT = "arxiv-rss"

ARXIV = "http://arxiv.org/schemas/atom"
DC = "http://purl.org/dc/elements/1.1/"
NS = {"arxiv": ARXIV, "dc": DC}

_OAI_PREFIX = re.compile(r"^oai:arXiv\.org:", re.IGNORECASE)
_DESCRIPTION_ID = re.compile(r"arXiv:(\S+)")
_ANNOUNCE_TYPE = re.compile(r"Announce Type:\s*([\w-]+)", re.IGNORECASE)
_ABSTRACT = re.compile(r"Abstract:\s*", re.IGNORECASE)
_AUTHOR_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
# Name suffixes that a comma split tears off the name they belong to.
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def parse_arxiv_rss(data: str | bytes, *, name: str = DEFAULT_NAME) -> ParseResult:
    """Parse an arXiv RSS 2.0 listing (see the module docstring for how dates are stored)."""
    root = parse_xml(decode_input(data, name), name)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        # The tag carries the namespace, which the document chose: shown cleaned and short.
        raise InputFormatError(
            f"{name}: not an RSS 2.0 feed (root element <{short_label(root.tag, 80)}>)"
        )
    channel_date = rss_date(channel.findtext("pubDate"))

    found: list[tuple[str, Paper]] = []
    rejected: list[tuple[str, str]] = []
    announce_types: dict[str, str] = {}
    for number, item in enumerate(channel.findall("item"), start=1):
        label = f"item {number}"
        title_text = element_text(item.find("title"))
        if title_text is not None and clean_text(title_text):
            label = f"{label} ({short_label(title_text, 40)})"
        paper, announce_type, reason = _paper(item, channel_date)
        if paper is None:
            rejected.append((label, reason))
            continue
        found.append((label, paper))
        if announce_type and paper.id not in announce_types:
            announce_types[paper.id] = announce_type
    papers = dedupe(found, rejected)
    return ParseResult(
        format=FORMAT, papers=papers, rejected=rejected, announce_types=announce_types
    )


def split_authors(creator: str) -> list[str]:
    """`"A, B and C"` -> `["A", "B", "C"]`, TeX accents decoded, `Jr.` kept with its name."""
    names: list[str] = []
    for part in _AUTHOR_SEPARATOR.split(clean_text(decode_tex_accents(creator))):
        name = part.strip()
        if not name:
            continue
        if names and name.casefold() in _NAME_SUFFIXES:
            names[-1] = f"{names[-1]}, {name}"
        else:
            names.append(name)
    return names


def rss_date(value: str | None) -> str | None:
    """An RFC 822 date (`Thu, 13 Aug 2026 00:00:00 -0400`) as the ISO day it names."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value.strip()).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _paper(item: ET.Element, channel_date: str | None) -> tuple[Paper | None, str | None, str]:
    description = clean_text(element_text(item.find("description")))
    split = None
    for candidate in _id_candidates(item, description):
        split = split_arxiv_id(candidate)
        if split is not None:
            break
    if split is None:
        return None, None, "no arXiv id in guid, description or link"
    arxiv_id, version = split

    raw_title = element_text(item.find("title"))
    title = clean_prose(raw_title) if raw_title is not None else ""
    if not title:
        return None, None, "no title"

    type_element = item.find("arxiv:announce_type", NS)
    announce_type = clean_text(element_text(type_element)).lower()
    if not announce_type:
        match = _ANNOUNCE_TYPE.search(description)
        announce_type = match.group(1).lower() if match else ""

    abstract_match = _ABSTRACT.search(description)
    abstract = description[abstract_match.end() :] if abstract_match else description

    authors = [
        author
        for creator in item.findall("dc:creator", NS)
        for author in split_authors(element_text(creator) or "")
    ]
    categories: list[str] = []
    for category in item.findall("category"):
        term = clean_text(element_text(category))
        if term and term not in categories:
            categories.append(term)

    announced = rss_date(item.findtext("pubDate")) or channel_date

    paper = Paper(
        id=paper_key(arxiv_id, title),
        title=title,
        arxiv_id=arxiv_id,
        version=version,
        authors=authors,
        abstract=clean_prose(abstract),
        announced=announced,
        categories=categories,
        links={
            "abs": web_url(item.findtext("link")) or f"https://arxiv.org/abs/{arxiv_id}",
            "pdf": f"https://arxiv.org/pdf/{arxiv_id}",
        },
        journal_ref=optional_text(element_text(item.find("arxiv:journal_reference", NS))),
        doi=optional_text(element_text(item.find("arxiv:DOI", NS))),
        sources=[FORMAT],
    )
    return paper, announce_type or None, ""


def _id_candidates(item: ET.Element, description: str) -> list[str]:
    candidates = [_OAI_PREFIX.sub("", clean_text(item.findtext("guid")))]
    match = _DESCRIPTION_ID.search(description)
    if match:
        candidates.append(match.group(1))
    candidates.append(clean_text(item.findtext("link")))
    return [c for c in candidates if c]
