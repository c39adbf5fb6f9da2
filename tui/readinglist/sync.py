"""Syncing a library with its reading-list file, both ways (`sync_reading_list`).

Reads the file (a problem is raised before any change), adds the papers the catalog lacks,
merges field by field with the library's decisions, applies what changed here as one undoable
action and rewrites the file atomically when its text changed. What the file brought in that
was clamped or cut is counted in the result and said in its summary.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.models import Paper, State, describe_cuts
from tui.readinglist.fileformat import dump_reading_list, parse_reading_list_noted
from tui.readinglist.files import list_path, read_list_file, write_list_file
from tui.readinglist.merge import ReadingList, ReadingListEntry, merge, merge_state, slim_paper

if TYPE_CHECKING:
    from tui.store import Library

SYNC_LABEL = "reading list sync"
SOURCE_NAME = "reading-list"


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
    future_times: int = 0
    """Times in the file ahead of this clock (beyond the allowed skew), taken as now."""
    cut: Counter[str] = field(default_factory=Counter)
    """Texts from the file cut to the field limits, by field."""

    def summary(self) -> str:
        """One line for the CLI and the interface's notification."""
        papers = f"{self.papers_in_file} paper{'' if self.papers_in_file == 1 else 's'}"
        parts = [papers, f"{self.states_changed} updated here"]
        if self.papers_added:
            parts.append(f"{self.papers_added} added to the catalog")
        if self.future_times:
            n = self.future_times
            parts.append(f"{n} time{'' if n == 1 else 's'} in the future read as now")
        if self.cut:
            parts.append(describe_cuts(self.cut))
        if not self.written:
            parts.append("file unchanged")
        elif self.dry_run:
            parts.append("file would be " + ("created" if self.created else "rewritten"))
        else:
            parts.append("file " + ("created" if self.created else "written"))
        label = "reading list (dry run)" if self.dry_run else "reading list"
        return f"{label} {self.path}: " + ", ".join(parts)


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

    Reads the file (raising InputFormatError, before any change, if it does not parse or is
    not a regular file), adds papers the catalog lacks, merges field by field, applies the
    states that changed here as one undoable action, and rewrites the file atomically if its
    text changed.
    """
    shown = Path(path).expanduser()
    file = list_path(shown)
    old_text = read_list_file(file, shown)
    result = ReadingListResult(path=shown, dry_run=dry_run, created=old_text is None)
    from_file = ReadingList()
    if old_text is not None:
        from_file, notes = parse_reading_list_noted(old_text, shown)
        result.future_times, result.cut = notes.future_times, notes.cut

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
        write_list_file(file, new_text, shown)
    return result
