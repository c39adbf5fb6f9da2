"""Noticing what another process wrote: the catalog, texts and state files compared with disk.

A CLI command, a cron sync or an import in another process may write the library while the app
has it open. Each file's storage remembers the signature (mtime, size, inode) it last read, so
asking whether anything changed is a few stat calls, cheap enough to poll; only the files that
did change are read again. Fingerprints are the same signatures as plain lists, for caches kept
on disk (the startup page, the ranking index) to tell whether they are still current.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.models import State
from tui.store.catalog import Catalog
from tui.store.db import KeyedDB, file_signature
from tui.store.states import StateShards


def view_files(catalog: Catalog, states: StateShards) -> list[KeyedDB]:
    """The files whatever the app shows is read from: catalog, texts and state shards."""
    return [*catalog.files, *states.files]


def read_files(catalog: Catalog, states: StateShards) -> list[KeyedDB]:
    """The view files this process has read: the texts only once they are loaded, the state
    shards read so far (a file not read yet is not "changed by another process", only not
    read)."""
    texts = catalog.texts if catalog.texts_loaded else []
    return [catalog.db, *texts, *states.read_files]


def any_changed(files: Iterable[KeyedDB]) -> bool:
    """True when another process changed one of these files since it was read (stat calls)."""
    return any(db.file.changed_on_disk() for db in files)


def fingerprint(files: Iterable[KeyedDB]) -> list[list[int] | None]:
    """The files as they are on disk now (mtime, size, inode each; None for a missing one)."""
    signatures = (file_signature(db.file.path) for db in files)
    return [list(sig) if sig else None for sig in signatures]


def take_changes(catalog: Catalog, states: StateShards) -> tuple[bool, dict[str, State]]:
    """(Under the library's mutex.) Re-read what changed: whether the catalog or texts did (the
    papers are re-read now, with their texts if they were loaded) and the states that changed,
    by id (the default state where one was removed)."""
    texts_files = catalog.texts if catalog.texts_loaded else []
    changed_catalog = catalog.loaded and any_changed([catalog.db, *texts_files])
    if changed_catalog:
        texts = catalog.texts_loaded
        catalog.forget_if_changed()
        catalog.papers(texts=texts)
    before = dict(states.states)
    if not states.refresh():
        return changed_catalog, {}
    after = states.states
    changed = {
        pid: after.get(pid) or State()
        for pid in before.keys() | after.keys()
        if before.get(pid) != after.get(pid)
    }
    return changed_catalog, changed
