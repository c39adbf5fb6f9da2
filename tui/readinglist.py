"""The reading-list file: the user's decisions, carried between machines in a folder they sync.

Owns the file format, the pure merge of two reading lists, and `sync_reading_list`, which merges
a library with the file both ways. Nothing here talks to the network; the user's own sync tool
(git, Syncthing, Dropbox) moves the file.

Reading-list file format (version 1)
------------------------------------

One UTF-8 JSON document laid out so a person can read it and a line-based diff (git) stays small:
a header, then one object per paper, sorted by id, one key per line, keys sorted.

```json
{
  "format": "paperdeck-reading-list",
  "version": 1,
  "papers": [
    {
      "arxiv_id": "2206.00927",
      "authors": ["Cheng Lu", "Yuhao Zhou"],
      "id": "arxiv:2206.00927",
      "note": "compare with DDIM",
      "opened_at": "2026-11-20T09:14:00Z",
      "published": "2022-06-02",
      "starred": true,
      "status": "later",
      "tags": ["diffusion"],
      "times": {"note": 1763630040.5, "starred": 1763629940.1, "status": 1763629940.1, "tag:diffusion": 1763629950.2, "tag:old": 1763629960.0},
      "title": "DPM-Solver: A Fast ODE Solver for Diffusion Probabilistic Model Sampling",
      "url": "https://arxiv.org/abs/2206.00927"
    }
  ]
}
```

Per paper (every key is written, on a line of its own; `null` and `[]` for nothing):

- `id` (required): the catalog key, `arxiv:<id>` or `title:<hash>`.
- `title` (required), `authors`, `arxiv_id`, `published` (`YYYY-MM-DD`), `url`: enough to know
  the paper without the catalog; a machine that lacks the paper adds it to its catalog from these.
- `status` (`inbox`, `later`, `done`, `skipped`), `starred`, `tags`, `note`, `opened_at`: the
  user's state. Missing keys take their defaults.
- `times`: when each field was last changed, in seconds since 1970-01-01 UTC (exact JSON
  floats): `status`, `starred`, `note`, `opened_at`, and `tag:<name>` for every tag ever added
  or removed. A `tag:<name>` time for a tag absent from `tags` records its removal (a
  tombstone), so an untag on one machine is not undone by another machine's older copy.

Merging (`merge`, `merge_state`) is field by field: the value with the newer time wins; a field
without a time counts as older than any timed one; at equal times a non-default value beats a
default one (a tag present beats absent), then the greater canonical JSON value wins. That makes
the merge commutative, associative and idempotent, so machines may sync in any order, any number
of times, and agree. Duplicate ids in one file are merged the same way. Tags and `tag:` times
are normalised like tags typed in the app; unknown keys are ignored.

A file that does not parse is reported with its path and line and left untouched; an empty
file reads as an empty list; a missing file is created. The file is written only after the merge
succeeded, atomically (temp file in the same folder, flush, fsync, rename), and only when its
text changes; a symlinked path is written through to its target.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.atomic import atomic_write_bytes
from tui.errors import InputFormatError, StoreError, UsageError
from tui.links import web_url
from tui.models import (
    STATUSES,
    Paper,
    State,
    clean_multiline,
    clean_text,
    normalise_tag,
    split_arxiv_id,
)

if TYPE_CHECKING:
    from tui.store import Library

FORMAT_NAME = "paperdeck-reading-list"
FORMAT_VERSION = 1
SYNC_LABEL = "reading list sync"
SOURCE_NAME = "reading-list"

_SCALAR_FIELDS: tuple[str, ...] = ("status", "starred", "note", "opened_at")
_DEFAULTS: dict[str, Any] = {"status": "inbox", "starred": False, "note": "", "opened_at": None}


@dataclass(slots=True)
class ReadingListEntry:
    """One paper in the reading list: slim metadata (see `slim_paper`) and the user's state."""

    paper: Paper
    state: State


@dataclass(slots=True)
class ReadingList:
    """Papers with user state, by id."""

    entries: dict[str, ReadingListEntry] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(slots=True)
class ReadingListResult:
    """What `sync_reading_list` did (or, with `dry_run`, would do)."""

    path: Path
    papers_in_file: int = 0
    """Papers in the file after the sync (the merged list)."""
    states_changed: int = 0
    """Papers whose state in this library changed (took newer decisions from the file)."""
    papers_added: int = 0
    """Papers the file named that the catalog lacked, added from the file's metadata."""
    written: bool = False
    """The file was (or would be) written: it was missing or its content changed."""
    created: bool = False
    """The file did not exist before."""
    dry_run: bool = False
    changed_ids: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the CLI and the interface's notification."""
        papers = f"{self.papers_in_file} paper{'' if self.papers_in_file == 1 else 's'}"
        parts = [papers, f"{self.states_changed} updated here"]
        if self.papers_added:
            parts.append(f"{self.papers_added} added to the catalog")
        if not self.written:
            parts.append("file unchanged")
        elif self.dry_run:
            parts.append("file would be " + ("created" if self.created else "rewritten"))
        else:
            parts.append("file " + ("created" if self.created else "written"))
        label = "reading list (dry run)" if self.dry_run else "reading list"
        return f"{label} {self.path}: " + ", ".join(parts)


# ----- the pure merge -----------------------------------------------------------------------


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _newer(
    a: tuple[Any, float | None], b: tuple[Any, float | None], default: Any
) -> tuple[Any, float | None]:
    """Of two (value, time) versions of one field, the one a merge keeps.

    Newer time first (no time is oldest); at equal times a non-default value beats the default,
    then the greater canonical JSON wins: a total order, so the merge is commutative.
    """
    time_a = -math.inf if a[1] is None else a[1]
    time_b = -math.inf if b[1] is None else b[1]
    if time_a != time_b:
        return a if time_a > time_b else b
    if a[0] == b[0]:
        return a
    if (a[0] == default) != (b[0] == default):
        return b if a[0] == default else a
    return a if _canonical(a[0]) > _canonical(b[0]) else b


def _tag_names(state: State) -> set[str]:
    return set(state.tags) | {key[4:] for key in state.times if key.startswith("tag:")}


def merge_state(a: State, b: State) -> State:
    """The state that keeps, field by field, the newer change of `a` and `b` (pure)."""
    merged = State()
    times: dict[str, float] = {}
    for name in _SCALAR_FIELDS:
        value, time = _newer(
            (getattr(a, name), a.times.get(name)),
            (getattr(b, name), b.times.get(name)),
            _DEFAULTS[name],
        )
        setattr(merged, name, value)
        if time is not None:
            times[name] = time + 0.0  # + 0.0 turns -0.0 into 0.0 so equal times print alike
    tags: list[str] = []
    for tag in sorted(_tag_names(a) | _tag_names(b)):
        key = f"tag:{tag}"
        present, time = _newer(
            (tag in a.tags, a.times.get(key)), (tag in b.tags, b.times.get(key)), False
        )
        if present:
            tags.append(tag)
        if time is not None:
            times[key] = time + 0.0
    merged.tags = tags
    merged.times = dict(sorted(times.items()))
    return merged


def slim_paper(paper: Paper) -> Paper:
    """The metadata a reading list carries: id, title, authors, arXiv id, date and link."""
    url = paper.abs_url
    links = {"abs": url} if url and not paper.arxiv_id else {}
    return Paper(
        id=paper.id,
        title=paper.title,
        arxiv_id=paper.arxiv_id,
        authors=list(paper.authors),
        published=paper.published,
        links=links,
    )


def _paper_record(paper: Paper) -> dict[str, Any]:
    return {
        "arxiv_id": paper.arxiv_id,
        "authors": list(paper.authors),
        "id": paper.id,
        "published": paper.published,
        "title": paper.title,
        "url": paper.abs_url,
    }


def merge(a: ReadingList, b: ReadingList) -> ReadingList:
    """Both lists' papers, each state merged with `merge_state` (pure).

    For a paper in both, the metadata kept is the greater in canonical JSON order: arbitrary
    but the same whichever side is which (sync refreshes it from the catalog afterwards).
    """
    out = ReadingList()
    for pid in sorted(a.entries.keys() | b.entries.keys()):
        left, right = a.entries.get(pid), b.entries.get(pid)
        if left is None or right is None:
            only = left or right
            assert only is not None
            out.entries[pid] = ReadingListEntry(
                slim_paper(only.paper), merge_state(only.state, State())
            )
            continue
        paper = left.paper
        record_left, record_right = _paper_record(left.paper), _paper_record(right.paper)
        if record_left != record_right and _canonical(record_right) > _canonical(record_left):
            paper = right.paper
        out.entries[pid] = ReadingListEntry(slim_paper(paper), merge_state(left.state, right.state))
    return out


# ----- the file format --------------------------------------------------------------------


def _entry_record(entry: ReadingListEntry) -> dict[str, Any]:
    state = entry.state
    record = _paper_record(entry.paper)
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
    if isinstance(pid, str):
        for spelling in (json.dumps(pid), json.dumps(pid, ensure_ascii=False)):
            found = text.find(f'"id": {spelling}')
            if found >= 0:
                return _line_at(text, found)
    found = text.find('"papers"')
    return _line_at(text, found) if found >= 0 else 1


def _time_value(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number + 0.0 if math.isfinite(number) else None  # + 0.0: no -0.0


def _parse_entry(raw: object, index: int, text: str) -> ReadingListEntry:
    pid = raw.get("id") if isinstance(raw, dict) else None

    def problem(detail: str) -> _FileProblem:
        # The line is looked up only when there is a problem: a search per entry is quadratic.
        who = f"paper {pid!r}" if isinstance(pid, str) and pid else f"paper #{index + 1}"
        return _FileProblem(f"{who}: {detail}", _entry_line(text, index, pid))

    if not isinstance(raw, dict):
        raise problem("is not an object")
    if not isinstance(pid, str) or not pid.strip():
        raise problem('has no "id"')
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
        split = split_arxiv_id(arxiv_id)
        if split is None:
            raise problem(f'"arxiv_id" {arxiv_id!r} is not an arXiv identifier')
        arxiv_id = split[0]
    for name in ("url", "published", "opened_at"):
        if raw.get(name) is not None and not isinstance(raw.get(name), str):
            raise problem(f"{name!r} must be a string or null")
    status = raw.get("status", "inbox")
    if status not in STATUSES:
        raise problem(f"status {status!r} is not one of {', '.join(STATUSES)}")
    starred = raw.get("starred", False)
    if not isinstance(starred, bool):
        raise problem('"starred" must be true or false')
    tags_raw = raw.get("tags", [])
    if not isinstance(tags_raw, list) or not all(isinstance(t, str) for t in tags_raw):
        raise problem('"tags" must be a list of strings')
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise problem('"note" must be a string')
    times_raw = raw.get("times", {})
    if not isinstance(times_raw, dict):
        raise problem('"times" must be an object')
    times: dict[str, float] = {}
    for key, value in times_raw.items():
        time = _time_value(value)
        if time is None:
            raise problem(f"time {key!r} must be a number of seconds")
        if key.startswith("tag:"):
            tag = normalise_tag(key[4:])
            if not tag:
                continue
            key = f"tag:{tag}"
        elif key not in _SCALAR_FIELDS:
            continue  # a field this version does not know
        times[key] = max(time, times.get(key, -math.inf))
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
    state = State(
        status=status,
        starred=starred,
        tags=sorted({t for t in (normalise_tag(x) for x in tags_raw) if t}),
        note=clean_multiline(note),
        opened_at=raw.get("opened_at") or None,
        times=times,
    )
    return ReadingListEntry(slim_paper(paper), state)


def parse_reading_list(text: str, source: str | os.PathLike[str] = "<reading list>") -> ReadingList:
    """Parse a reading-list file's text; InputFormatError names `source` and the line."""
    if not text.strip():
        return ReadingList()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = ""
        if "\n<<<<<<< " in f"\n{text}" or "\n=======\n" in text:
            hint = " (it holds merge-conflict markers: resolve them, or keep either side and sync)"
        raise InputFormatError(
            f"reading list {source} line {exc.lineno}: not valid JSON: {exc.msg}{hint}; "
            "the file was left as it is"
        ) from None
    try:
        return _parse_document(document, text)
    except _FileProblem as problem:
        raise InputFormatError(
            f"reading list {source} line {problem.line}: {problem.message}; "
            "the file was left as it is"
        ) from None


def _parse_document(document: object, text: str) -> ReadingList:
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
    out = ReadingList()
    for index, raw in enumerate(papers):
        entry = _parse_entry(raw, index, text)
        twin = out.entries.get(entry.paper.id)
        if twin is not None:  # e.g. both sides of a text merge kept a copy: merge them
            entry = merge(
                ReadingList({entry.paper.id: twin}), ReadingList({entry.paper.id: entry})
            ).entries[entry.paper.id]
        out.entries[entry.paper.id] = entry
    return out


def _read_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise UsageError(f"reading list {path} is a folder; give a file path") from None
    except OSError as exc:
        raise StoreError(f"cannot read reading list {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputFormatError(
            f"reading list {path} line {line}: not UTF-8 text; the file was left as it is"
        ) from None


def _atomic_write_text(path: Path, text: str) -> None:
    folder = path.resolve().parent
    if not folder.is_dir():
        raise UsageError(f"cannot write reading list {path}: folder {folder} does not exist")
    atomic_write_bytes(path, text.encode("utf-8"), what="reading list")


# ----- the library glue -------------------------------------------------------------------


def reading_list_from_library(lib: Library) -> ReadingList:
    """Every catalog paper whose state is not the default (tombstones count), with metadata."""
    papers = lib.papers()
    out = ReadingList()
    # A copy (one C-level step, so atomic): in the app the writer thread may add a state while
    # this runs in the sync worker, and a dict changing size under its iterator raises.
    for pid, state in dict(lib.states()).items():
        paper = papers.get(pid)
        if paper is None or state.is_default:
            continue
        out.entries[pid] = ReadingListEntry(slim_paper(paper), state.copy())
    return out


def _locate(lib: Library, paper: Paper) -> str | None:
    """The catalog id a reading-list entry refers to: id, alias, arXiv id, then title. An entry
    with an arXiv id the catalog lacks is not matched by title (the title could be another
    paper's): it is imported instead, and the import's merge rules decide."""
    return lib.locate(paper, by_title=not paper.arxiv_id)


def _state_key(state: State) -> dict[str, Any]:
    data = state.to_dict()
    data["tags"] = sorted(data["tags"])
    return data


def sync_reading_list(
    lib: Library, path: str | os.PathLike[str], *, dry_run: bool = False
) -> ReadingListResult:
    """Merge the library and the reading-list file both ways; see the module docstring.

    Reads the file (raising InputFormatError, before any change, if it does not parse), adds
    papers the catalog lacks, merges field by field, applies the states that changed here as
    one undoable action, and rewrites the file atomically if its text changed.
    """
    file = Path(path).expanduser()
    result = ReadingListResult(path=file, dry_run=dry_run, created=not file.exists())
    old_text = None if result.created else _read_file(file)
    from_file = parse_reading_list(old_text, file) if old_text is not None else ReadingList()

    missing = [e.paper for e in from_file.entries.values() if _locate(lib, e.paper) is None]
    if missing:
        upserted = lib.upsert_papers(missing, source=SOURCE_NAME, dry_run=dry_run)
        result.papers_added = len(upserted.added)

    # Re-key the file's entries onto catalog ids (a paper may have gained its arXiv id here).
    rekeyed = ReadingList()
    for entry in from_file.entries.values():
        pid = _locate(lib, entry.paper) or entry.paper.id
        moved = ReadingListEntry(entry.paper, entry.state)
        moved.paper.id = pid
        if pid in rekeyed.entries:
            rekeyed = merge(rekeyed, ReadingList({pid: moved}))
        else:
            rekeyed.entries[pid] = moved

    merged = merge(reading_list_from_library(lib), rekeyed)
    papers = lib.papers()
    changed: dict[str, State] = {}
    for pid, entry in merged.entries.items():
        paper = papers.get(pid)
        if paper is not None:
            entry.paper = slim_paper(paper)  # the catalog's metadata is the freshest
            if _state_key(entry.state) != _state_key(lib.state(pid)):
                changed[pid] = entry.state
        elif not entry.state.is_default:  # dry run: a paper that would be added
            result.changed_ids.append(pid)
    result.changed_ids = sorted([*changed, *result.changed_ids])
    result.states_changed = len(result.changed_ids)
    result.papers_in_file = len(merged)
    new_text = dump_reading_list(merged)
    result.written = new_text != old_text
    if dry_run:
        return result
    if changed:
        # Merge again under the store's lock with whatever was triaged meanwhile (merging is
        # idempotent), so a keystroke made during the sync is never overwritten.
        lib.apply_states(changed, label=SYNC_LABEL, merge=merge_state)
    if result.written:
        _atomic_write_text(file, new_text)
    return result
