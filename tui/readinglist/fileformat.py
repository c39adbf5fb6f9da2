"""The reading-list file's text: writing it (`dump_reading_list`) and reading it back, bounded.

The file may come from another machine or another person, so reading it is defensive: parsed by
orjson (no recursion limit to hit on deep nesting, lone surrogates and numbers too large for a
double refused as invalid JSON), at most `MAX_ENTRIES` papers, ids, links and dates of sane
length, titles, author lists and notes cut to the limits in `tui.models` (and counted), and
times more than `FUTURE_SKEW` seconds ahead of this machine's clock set to now (and counted):
a time in year 9999 would otherwise win every merge on every machine for good. Any problem is
an InputFormatError naming the file and the line; nothing is half-read.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson

from tui.errors import InputFormatError
from tui.links import web_url
from tui.models import (
    AUTHOR_MAX_CHARS,
    AUTHORS_MAX,
    NOTE_MAX_CHARS,
    STATUSES,
    Paper,
    State,
    clean_multiline,
    clean_text,
    cut_text,
    limit_paper,
    normalise_tag,
    now_ts,
    split_arxiv_id,
)
from tui.readinglist.merge import (
    SCALAR_FIELDS,
    ReadingList,
    ReadingListEntry,
    merge,
    paper_record,
    slim_paper,
)

FORMAT_NAME = "paperdeck-reading-list"
FORMAT_VERSION = 1

MAX_ENTRIES = 20_000
"""Most papers one file may hold: many years of a heavy reader's decisions."""
FUTURE_SKEW = 600.0
"""How far (seconds) a time may run ahead of this clock before it is taken as now."""
ID_MAX_CHARS = 300
"""Longest paper id, link or date string accepted (real ones are a few dozen characters)."""
TIMES_MAX = 2 * AUTHORS_MAX + len(SCALAR_FIELDS)
"""Most `times` keys per paper (one per tag ever set, plus the scalar fields)."""


@dataclass(slots=True)
class ParseNotes:
    """What reading a file changed on the way in: times in the future, texts cut."""

    future_times: int = 0
    """Times ahead of this clock by more than `FUTURE_SKEW`, read as now."""
    cut: Counter[str] = field(default_factory=Counter)
    """Texts cut to the field limits, by field (`title`, `authors`, `note`, ...)."""


# ----- writing ------------------------------------------------------------------------------


def _entry_record(entry: ReadingListEntry) -> dict[str, Any]:
    state = entry.state
    record = paper_record(entry.paper)
    record.update(
        {
            "note": state.note,
            "opened_at": state.opened_at,
            "starred": state.starred,
            "status": state.status,
            "tags": sorted(state.tags),
            "times": {key: time + 0.0 for key, time in sorted(state.times.items())},
        }
    )
    return dict(sorted(record.items()))


def _json_value(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def dump_reading_list(rl: ReadingList) -> str:
    """The file's text: header, then one object per paper sorted by id, one key per line.

    Values (lists, the `times` object) stay on their key's line, so changing a field changes
    one line of a diff. Laid out by hand because `json.dumps(indent=...)` is pure Python and
    several times slower than this on a large list.
    """
    blocks = []
    for pid in sorted(rl.entries):
        record = _entry_record(rl.entries[pid])
        fields = ",\n".join(f"      {_json_value(k)}: {_json_value(v)}" for k, v in record.items())
        blocks.append("    {\n" + fields + "\n    }")
    papers = "[\n" + ",\n".join(blocks) + "\n  ]" if blocks else "[]"
    return (
        "{\n"
        f'  "format": {_json_value(FORMAT_NAME)},\n'
        f'  "version": {FORMAT_VERSION},\n'
        f'  "papers": {papers}\n'
        "}\n"
    )


# ----- reading ------------------------------------------------------------------------------


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, max(offset, 0)) + 1


class _FileProblem(Exception):
    """A reading-list file problem found while parsing: message and where to point."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _entry_line(text: str, index: int, pid: object) -> int:
    """Best guess at the line of the `index`-th paper: where its id is written, else the list."""
    if isinstance(pid, str) and len(pid) <= ID_MAX_CHARS:
        for spelling in (json.dumps(pid), json.dumps(pid, ensure_ascii=False)):
            found = text.find(f'"id": {spelling}')
            if found >= 0:
                return _line_at(text, found)
    found = text.find('"papers"')
    return _line_at(text, found) if found >= 0 else 1


def _time_value(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)  # orjson gives ints of at most 64 bits: no OverflowError
    return number + 0.0 if math.isfinite(number) else None  # + 0.0: no -0.0


class _EntryReader:
    """Reads one paper object of the file, noting what it clamps and cuts in `notes`."""

    def __init__(self, text: str, now: float, notes: ParseNotes) -> None:
        self.text = text
        self.latest = now + FUTURE_SKEW
        self.now = now
        self.notes = notes

    def read(self, raw: object, index: int) -> ReadingListEntry:
        pid = raw.get("id") if isinstance(raw, dict) else None

        def problem(detail: str) -> _FileProblem:
            # The line is looked up only when there is a problem: a search per entry is
            # quadratic.
            shown = pid if isinstance(pid, str) and len(pid) <= ID_MAX_CHARS else None
            who = f"paper {shown!r}" if shown and shown.strip() else f"paper #{index + 1}"
            return _FileProblem(f"{who}: {detail}", _entry_line(self.text, index, pid))

        if not isinstance(raw, dict):
            raise problem("is not an object")
        if not isinstance(pid, str) or not pid.strip():
            raise problem('has no "id"')
        if len(pid) > ID_MAX_CHARS:
            raise problem(f'"id" is longer than {ID_MAX_CHARS} characters')
        title = raw.get("title")
        if not isinstance(title, str) or not clean_text(title):
            raise problem('has no "title"')
        authors = raw.get("authors", [])
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            raise problem('"authors" must be a list of names')
        arxiv_id = raw.get("arxiv_id")
        if arxiv_id is not None and not isinstance(arxiv_id, str):
            raise problem('"arxiv_id" must be a string')
        if not arxiv_id and pid.startswith("arxiv:"):
            arxiv_id = pid.removeprefix("arxiv:")
        if arxiv_id:
            split = split_arxiv_id(arxiv_id[:ID_MAX_CHARS])
            if split is None or len(arxiv_id) > ID_MAX_CHARS:
                shown = arxiv_id if len(arxiv_id) <= ID_MAX_CHARS else arxiv_id[:40] + "…"
                raise problem(f'"arxiv_id" {shown!r} is not an arXiv identifier')
            arxiv_id = split[0]
        for name in ("url", "published", "opened_at"):
            value = raw.get(name)
            if value is not None and not isinstance(value, str):
                raise problem(f"{name!r} must be a string or null")
            if isinstance(value, str) and len(value) > ID_MAX_CHARS:
                raise problem(f"{name!r} is longer than {ID_MAX_CHARS} characters")
        status = raw.get("status", "inbox")
        if not isinstance(status, str) or status not in STATUSES:
            shown_status = status if not isinstance(status, str) else status[:40]
            raise problem(f"status {shown_status!r} is not one of {', '.join(STATUSES)}")
        starred = raw.get("starred", False)
        if not isinstance(starred, bool):
            raise problem('"starred" must be true or false')
        tags_raw = raw.get("tags", [])
        if not isinstance(tags_raw, list) or not all(isinstance(t, str) for t in tags_raw):
            raise problem('"tags" must be a list of strings')
        if len(tags_raw) > AUTHORS_MAX or any(len(t) > AUTHOR_MAX_CHARS for t in tags_raw):
            raise problem(
                f'"tags" holds more than {AUTHORS_MAX:,} tags or one longer than '
                f"{AUTHOR_MAX_CHARS} characters"
            )
        note = raw.get("note", "")
        if not isinstance(note, str):
            raise problem('"note" must be a string')
        times = self._times(raw.get("times", {}), problem)
        url = web_url(raw.get("url")) or ""  # only web links: the file may come from someone else
        paper = Paper(
            # An arXiv paper's key is always `arxiv:<versionless id>`, as in the catalog.
            id=f"arxiv:{arxiv_id}" if arxiv_id else pid.strip(),
            title=clean_text(title),
            arxiv_id=arxiv_id or None,
            authors=[clean_text(a) for a in authors if clean_text(a)],
            published=clean_text(raw.get("published")) or None,
            links={"abs": url} if url and not arxiv_id else {},
        )
        paper, cut = limit_paper(paper)
        self.notes.cut.update(cut)
        note = clean_multiline(note)
        if len(note) > NOTE_MAX_CHARS:
            note = cut_text(note, NOTE_MAX_CHARS)
            self.notes.cut["note"] += 1
        state = State(
            status=status,
            starred=starred,
            tags=sorted({t for t in (normalise_tag(x) for x in tags_raw) if t}),
            note=note,
            opened_at=raw.get("opened_at") or None,
            times=times,
        )
        return ReadingListEntry(slim_paper(paper), state)

    def _times(self, times_raw: object, problem: Any) -> dict[str, float]:
        if not isinstance(times_raw, dict):
            raise problem('"times" must be an object')
        if len(times_raw) > TIMES_MAX:
            raise problem(f'"times" holds more than {TIMES_MAX:,} entries')
        times: dict[str, float] = {}
        for key, value in times_raw.items():
            time = _time_value(value)
            if time is None:
                shown = key if len(key) <= 40 else key[:40] + "…"
                raise problem(f"time {shown!r} must be a number of seconds")
            if key.startswith("tag:"):
                if len(key) > AUTHOR_MAX_CHARS + 4:
                    raise problem(f'a tag in "times" is longer than {AUTHOR_MAX_CHARS} characters')
                tag = normalise_tag(key[4:])
                if not tag:
                    continue
                key = f"tag:{tag}"
            elif key not in SCALAR_FIELDS:
                continue  # a field this version does not know
            if time > self.latest:
                time = self.now
                self.notes.future_times += 1
            times[key] = max(time, times.get(key, -math.inf))
        return times


def parse_reading_list(text: str, source: str | os.PathLike[str] = "<reading list>") -> ReadingList:
    """Parse a reading-list file's text; InputFormatError names `source` and the line."""
    return parse_reading_list_noted(text, source)[0]


def parse_reading_list_noted(
    text: str, source: str | os.PathLike[str] = "<reading list>", *, now: float | None = None
) -> tuple[ReadingList, ParseNotes]:
    """`parse_reading_list`, and what was clamped and cut on the way (see `ParseNotes`).

    `now` is the clock times are checked against (default: this machine's).
    """
    notes = ParseNotes()
    if not text.strip():
        return ReadingList(), notes
    document = _load_json(text, source)
    try:
        rl = _parse_document(document, text, now_ts() if now is None else now, notes)
    except _FileProblem as problem:
        raise InputFormatError(
            f"reading list {source} line {problem.line}: {problem.message}; "
            "the file was left as it is"
        ) from None
    return rl, notes


def _load_json(text: str, source: str | os.PathLike[str]) -> object:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        line, message = exc.lineno, exc.msg
    # The standard library words most errors better; orjson's stands when it parses the text
    # (a lone surrogate, a number too large) or gives up (nesting deeper than its stack).
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        line, message = exc.lineno, exc.msg
    except (RecursionError, ValueError, OverflowError):
        pass
    hint = ""
    if "\n<<<<<<< " in f"\n{text[:1_000_000]}" or "\n=======\n" in text:
        hint = " (it holds merge-conflict markers: resolve them, or keep either side and sync)"
    message = clean_text(message)[:200]
    raise InputFormatError(
        f"reading list {source} line {line}: not valid JSON: {message}{hint}; "
        "the file was left as it is"
    )


def _parse_document(document: object, text: str, now: float, notes: ParseNotes) -> ReadingList:
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise _FileProblem(f'not a paperdeck reading list (no "format": "{FORMAT_NAME}")', 1)
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _FileProblem(
            '"version" must be a whole number', _line_at(text, text.find('"version"'))
        )
    if version > FORMAT_VERSION:
        raise _FileProblem(
            f"written by a newer paperdeck (format version {version}; this one reads "
            f"{FORMAT_VERSION}): upgrade paperdeck",
            _line_at(text, text.find('"version"')),
        )
    papers = document.get("papers", [])
    if not isinstance(papers, list):
        raise _FileProblem('"papers" must be a list', _line_at(text, text.find('"papers"')))
    if len(papers) > MAX_ENTRIES:
        raise _FileProblem(
            f"holds {len(papers):,} papers, more than the {MAX_ENTRIES:,} a reading list may",
            _line_at(text, text.find('"papers"')),
        )
    reader = _EntryReader(text, now, notes)
    out = ReadingList()
    for index, raw in enumerate(papers):
        entry = reader.read(raw, index)
        twin = out.entries.get(entry.paper.id)
        if twin is not None:  # e.g. both sides of a text merge kept a copy: merge them
            entry = merge(
                ReadingList({entry.paper.id: twin}), ReadingList({entry.paper.id: entry})
            ).entries[entry.paper.id]
        out.entries[entry.paper.id] = entry
    return out
