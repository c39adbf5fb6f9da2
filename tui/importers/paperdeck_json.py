"""Importing paperdeck's own JSON: `export --format json`, `list --json` and `show --json`.

These write `export.paper_record`: every `Paper` field as stored, plus the derived `url` and
the user's `status`, `starred`, `tags` and `note`. Reading one back must change nothing, so
values are taken as they are - no TeX unescaping, no links made up from the id (the
Hugging Face importer's `huggingface.co/papers/<id>` would be wrong for a paper that never
came from there), the exported `sources`, `first_seen` and `last_synced` kept - while the
same gates as every importer still apply: texts through `clean_text`, only http(s) links,
dates and numbers of the right shape, and the field limits (see `common.ParseResult`).

A record is recognised by the keys only this export writes together (`status`, `starred`,
`note` beside `sources`). A record of the wrong shape (a missing title, an unknown status,
`links` that is not an object) is rejected with its reason; a single unusable value (a
`javascript:` link, a date that is not a date) is dropped. The user's decisions come back as
`ParseResult.states`, stamped now; what to do with them is the caller's choice (the CLI brings
them only into papers that have no state yet).
"""

from __future__ import annotations

import re
from typing import Any

from tui.importers.common import (
    DEFAULT_NAME,
    OWN_EXPORT_FORMAT,
    ParseResult,
    as_int,
    decode_input,
    dedupe,
    iso_date,
    optional_text,
    precut,
)
from tui.importers.hf_json import load_json
from tui.links import web_url
from tui.models import (
    STATUSES,
    Paper,
    State,
    clean_multiline,
    clean_text,
    normalise_tag,
    now_ts,
    paper_key,
    split_arxiv_id,
)

FORMAT = OWN_EXPORT_FORMAT

# Keys an export record always has and no Hugging Face object has all of.
_MARKER_KEYS = frozenset({"id", "title", "sources", "status", "starred", "note"})
_STAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
_TITLE_KEY = re.compile(r"^title:[0-9a-f]{16}$")
_TEXT_LISTS = ("authors", "categories", "ai_keywords", "sources")


def is_own_export(payload: Any) -> bool:
    """True for a parsed JSON document paperdeck wrote: a list of records or one record."""
    if isinstance(payload, dict):
        return payload.keys() >= _MARKER_KEYS
    if isinstance(payload, list):
        first = next((item for item in payload if isinstance(item, dict)), None)
        return first is not None and first.keys() >= _MARKER_KEYS
    return False


def parse_paperdeck_json(data: str | bytes, *, name: str = DEFAULT_NAME) -> ParseResult:
    """Parse paperdeck's own JSON export (a list of records, or one record)."""
    return parse_paperdeck_payload(load_json(decode_input(data, name), name))


def parse_paperdeck_payload(payload: Any) -> ParseResult:
    """Papers and states from an already-loaded export (see `is_own_export`)."""
    records = payload if isinstance(payload, list) else [payload]
    found: list[tuple[str, Paper]] = []
    rejected: list[tuple[str, str]] = []
    states: dict[str, State] = {}
    now = now_ts()
    for number, record in enumerate(records, start=1):
        label = f"record {number}"
        if not isinstance(record, dict):
            rejected.append((label, "not a JSON object"))
            continue
        if isinstance(record.get("id"), str) and clean_text(record["id"]):
            label = f"{label} ({clean_text(record['id'])})"
        try:
            paper = _paper(record)
            state = _state(record, now)
        except _Rejected as exc:
            rejected.append((label, str(exc)))
            continue
        found.append((label, paper))
        if state is not None and paper.id not in states:
            states[paper.id] = state
    papers = dedupe(found, rejected)
    return ParseResult(format=FORMAT, papers=papers, rejected=rejected, states=states)


class _Rejected(Exception):
    """A record that cannot be used; the message is the reason."""


def _paper(record: dict[str, Any]) -> Paper:
    title = clean_text(precut(record["title"])) if isinstance(record.get("title"), str) else ""
    if not title:
        raise _Rejected("no title")
    raw_id = record.get("id")
    if not isinstance(raw_id, str):
        raise _Rejected('"id" must be a string')
    arxiv_id: str | None = None
    raw_arxiv = record.get("arxiv_id")
    if raw_arxiv is not None:
        split = split_arxiv_id(raw_arxiv) if isinstance(raw_arxiv, str) else None
        if split is None:
            raise _Rejected(f'"arxiv_id" is not an arXiv id: {clean_text(raw_arxiv)[:40]!r}')
        arxiv_id = split[0]
    # The catalog key is the store's to make (arXiv id, else the title); a title key as
    # exported is kept, so the user's state finds its paper even after a retitling merge.
    pid = raw_id if not arxiv_id and _TITLE_KEY.match(raw_id) else paper_key(arxiv_id, title)

    lists: dict[str, list[str]] = {}
    for key in _TEXT_LISTS:
        value = record.get(key)
        if value is None:
            value = []
        if not isinstance(value, list):
            raise _Rejected(f'"{key}" must be a list')
        lists[key] = [text for text in (clean_text(v) for v in value if isinstance(v, str)) if text]
    links = record.get("links")
    if links is None:
        links = {}
    if not isinstance(links, dict):
        raise _Rejected('"links" must be an object')
    version = as_int(record.get("version"))
    return Paper(
        id=pid,
        title=title,
        arxiv_id=arxiv_id,
        version=version if version else None,
        authors=lists["authors"],
        abstract=_body(record.get("abstract")),
        published=iso_date(record.get("published")),
        updated=iso_date(record.get("updated")),
        listed_on=iso_date(record.get("listed_on")),
        announced=iso_date(record.get("announced")),
        categories=lists["categories"],
        upvotes=as_int(record.get("upvotes")),
        comments=as_int(record.get("comments")),
        github_repo=web_url(record.get("github_repo")),
        github_stars=as_int(record.get("github_stars")),
        project_page=web_url(record.get("project_page")),
        ai_summary=_text(record.get("ai_summary")),
        ai_keywords=lists["ai_keywords"],
        links={
            clean_text(key): url
            for key, value in links.items()
            if clean_text(key) and (url := web_url(value))
        },
        arxiv_comment=_text(record.get("arxiv_comment")),
        journal_ref=_text(record.get("journal_ref")),
        doi=_text(record.get("doi")),
        sources=list(dict.fromkeys(lists["sources"])),
        first_seen=_stamp(record.get("first_seen")),
        last_synced=_stamp(record.get("last_synced")),
    )


def _state(record: dict[str, Any], now: float) -> State | None:
    """The user's decisions in a record, stamped `now`; None when it says only "inbox"."""
    status = record.get("status", "inbox")
    if status not in STATUSES:
        raise _Rejected(f'"status" must be one of {", ".join(STATUSES)}')
    starred = record.get("starred", False)
    if not isinstance(starred, bool):
        raise _Rejected('"starred" must be true or false')
    raw_tags = record.get("tags") or []
    if not isinstance(raw_tags, list):
        raise _Rejected('"tags" must be a list')
    note = record.get("note") or ""
    if not isinstance(note, str):
        raise _Rejected('"note" must be a string')
    tags = sorted(
        {tag for tag in (normalise_tag(t) for t in raw_tags if isinstance(t, str)) if tag}
    )
    state = State(status=status, starred=starred, tags=tags, note=clean_multiline(precut(note)))
    if status != "inbox":
        state.times["status"] = now
    if starred:
        state.times["starred"] = now
    if state.note:
        state.times["note"] = now
    for tag in tags:
        state.times[f"tag:{tag}"] = now
    return None if state.is_default else state


def _body(value: object) -> str:
    return clean_text(precut(value)) if isinstance(value, str) else ""


def _text(value: object) -> str | None:
    return optional_text(value) if isinstance(value, str) else None


def _stamp(value: object) -> str | None:
    return value if isinstance(value, str) and _STAMP.match(value) else None
