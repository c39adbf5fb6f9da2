"""The reading-list file: the user's decisions, carried between machines in a folder they sync.

This package owns the file format (`fileformat`), the pure merge of two reading lists (`merge`),
the file on disk in a folder other machines write to (`files`), and `sync_reading_list`, which
merges a library with the file both ways (`sync`). Nothing here talks to the network; the user's
own sync tool (git, Syncthing, Dropbox) moves the file.

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

Merging (`merge`, `merge_state`) is field by field, the newer time winning (see `merge` for the
tie-breaks that make it commutative, associative and idempotent). Duplicate ids in one file are
merged the same way. Tags and `tag:` times are normalised like tags typed in the app; unknown
keys are ignored. A time more than ten minutes ahead of the reading machine's clock is read as
now, and titles, author lists and notes beyond the limits in `tui.models` are cut (both counted
in the sync's summary); a file of more than 20,000 papers or 64 MB is refused.

A file that does not parse is reported with its path and line and left untouched; an empty
file reads as an empty list; a missing file is created. The file is written only after the merge
succeeded, atomically (temp file in the same folder, flush, fsync, rename), and only when its
text changes. Only a regular file is read or replaced: a symbolic link at the list's name, a
FIFO or a device is refused (the folders leading to it may be links).
"""

from tui.readinglist.fileformat import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_ENTRIES,
    ParseNotes,
    dump_reading_list,
    parse_reading_list,
    parse_reading_list_noted,
)
from tui.readinglist.files import MAX_FILE_BYTES
from tui.readinglist.merge import ReadingList, ReadingListEntry, merge, merge_state, slim_paper
from tui.readinglist.sync import (
    SOURCE_NAME,
    SYNC_LABEL,
    ReadingListResult,
    reading_list_from_library,
    sync_reading_list,
)

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "SOURCE_NAME",
    "SYNC_LABEL",
    "ParseNotes",
    "ReadingList",
    "ReadingListEntry",
    "ReadingListResult",
    "dump_reading_list",
    "merge",
    "merge_state",
    "parse_reading_list",
    "parse_reading_list_noted",
    "reading_list_from_library",
    "slim_paper",
    "sync_reading_list",
]
