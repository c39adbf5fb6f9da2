"""TinyDB files on disk: atomic, lock-checked writes, change detection, schema versions.

This is the only module that imports tinydb. It gives the rest of the store:

- `AtomicJSONStorage`, a TinyDB `Storage` whose every write goes to a temp file in the same
  folder, is flushed and fsynced and then renamed over the old file, so a kill at any moment
  leaves either the old file or the new one. It re-reads the file only when its (mtime, size,
  inode) signature changed, which is how a process notices another process's writes.
- `KeyedTable`, a TinyDB table whose document ids are our string paper ids, with a batch
  `put_many` that inserts, replaces and deletes in one read-modify-write.
- `AtomicJSONStorage.read_raw` / `write_parts`, a file's bytes and a write of bytes already
  encoded (an import's splice, `tui.store.catalog_splice`) with the same checks and atomic
  replace as every other write;
- `AtomicJSONStorage.read_typed`, the fast read of a large file: decoded straight into typed
  records (msgspec), each field's type checked as it parses, no dict tree built; a file it
  does not accept is read the ordinary way, which migrates it or names what is wrong.
- `open_db`, which opens a file, checks its schema version, runs migrations, and reports a file
  that does not parse or holds wrong-typed records (`tui.store.validate`): moved aside to
  `NAME.corrupt-<timestamp>` and never replaced silently. While such a quarantined file exists,
  every write of its name is refused (nothing is built over the gap until `paperdeck recover`).
- Before each write the version being replaced (the one this process last read and checked) is
  kept as `NAME.good`, a hard link (no bytes copied, so a 50 MB catalog costs one metadata
  operation): what `paperdeck recover` restores when the file itself is beyond repair.

Files are read only when they are regular files (a planted link or FIFO is refused) and written
0600: they hold the user's notes.

Parsing pauses the garbage collector (`tui.memory.paused_gc`).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from tui.atomic import atomic_write_bytes, atomic_write_parts
from tui.errors import StoreError
from tui.memory import paused_gc
from tui.safefile import UnsafeFileError, open_regular, read_regular
from tui.store import jsonbytes
from tui.store.validate import problem

Signature = tuple[int, int, int]
Migration = Callable[[dict[str, dict[str, Any]]], None]
META_TABLE = "_meta"
SCHEMA_DOC = "schema"
CORRUPT_MARK = ".corrupt-"
GOOD_SUFFIX = ".good"


class TypedFile(Protocol):
    """What `AtomicJSONStorage.read_typed` decodes a file into: its tables as typed records,
    and its `_meta` table (the schema record) as plain data."""

    @property
    def meta(self) -> dict[str, Any]: ...


TypedT = TypeVar("TypedT", bound=TypedFile)


class CorruptFileError(StoreError):
    """A store file that does not parse as a paperdeck TinyDB file."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{path}: not a readable paperdeck store file ({detail})")
        self.path = path
        self.detail = detail


def file_signature(path: Path) -> Signature | None:
    """(mtime_ns, size, inode) of a file, None when it does not exist: a replaced file differs."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class AtomicJSONStorage(Storage):
    """TinyDB storage: compact UTF-8 JSON, atomic replace on write, reload only on change.

    It also owns the file's schema record (`_meta.schema = {kind, version}`): every read checks
    it, a file from a newer paperdeck or of another kind is refused, and an older one is
    migrated in place under `write_lock` (`migrations[n]` turns version n into n + 1).
    `guard` is called before every write; the library passes a check that its write lock is
    held, so no write can happen outside a read-modify-write under the lock.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        kind: str,
        version: int,
        migrations: Mapping[int, Migration] | None = None,
        guard: Callable[[], None] | None = None,
        write_lock: Callable[[], AbstractContextManager[Any]] | None = None,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self.kind = kind
        self.version = version
        self._migrations = migrations or {}
        self._guard = guard
        self._write_lock = write_lock
        self._data: dict[str, dict[str, Any]] | None = None
        self._sig: Signature | None = None

    def forget(self) -> None:
        """Drop the cached parsed data (the next read re-parses the file); frees memory."""
        self._data = None

    @property
    def signature(self) -> Signature | None:
        """The file's signature as this process last read or wrote it (None: not yet read)."""
        return self._sig

    def changed_on_disk(self) -> bool:
        """True when the file differs from what this process last read or wrote."""
        return file_signature(self.path) != self._sig

    def read(self) -> dict[str, dict[str, Any]] | None:
        sig = file_signature(self.path)
        if sig is None:
            self._data, self._sig = None, None
            return None
        if sig == self._sig and self._data is not None:
            return self._data
        data = self._parse()
        found = self._check_schema(data)
        if found < self.version:
            data = self._migrate(found)
            sig = file_signature(self.path)
        wrong = problem(self.kind, data)
        if wrong:
            raise CorruptFileError(self.path, wrong)
        self._data, self._sig = data, sig
        return data

    def read_typed(self, decode: Callable[[int, bytes], TypedT]) -> TypedT | None:
        """The file decoded by `decode` straight into typed records, when it is in this
        storage's current schema and every record has the declared types; None otherwise (and
        when it is missing or unreadable): then `read`, which migrates, or says what is wrong
        and where.

        `decode(fd, raw)` gets the file's bytes and a descriptor on the very file they were
        read from (closed on return: a decoder that reads from it later keeps an `os.dup`; the
        store replaces a file by renaming a new one over it, never by writing into it). It
        raises `msgspec.DecodeError` for a file it does not take, and must be at least as
        strict as `tui.store.validate`'s checks of the kind. Nothing decoded is kept here, only
        the signature of the file read."""
        import msgspec  # here: only the large files are read this way, and a triage command
        # reads none of them (msgspec costs it tens of milliseconds to import)

        opened = self._open_read()
        if opened is None:
            return None
        fd, info, raw = opened
        try:
            with paused_gc():
                decoded = decode(fd, raw)
        except (OSError, msgspec.DecodeError):
            return None  # msgspec.ValidationError (a wrong-typed record) is a DecodeError
        finally:
            os.close(fd)
        schema = decoded.meta.get(SCHEMA_DOC)
        if schema != {"kind": self.kind, "version": self.version}:
            return None
        self._data, self._sig = None, (info.st_mtime_ns, info.st_size, info.st_ino)
        return decoded

    def read_raw(self) -> tuple[bytes, Signature] | None:
        """The file's bytes and the signature of the very file they were read from (None when
        it is missing or not a regular file), for a write that splices them (`write_parts`)."""
        opened = self._open_read()
        if opened is None:
            return None
        fd, info, raw = opened
        os.close(fd)
        return raw, (info.st_mtime_ns, info.st_size, info.st_ino)

    def _open_read(self) -> tuple[int, os.stat_result, bytes] | None:
        """A descriptor on the file (the caller closes it), its status and its bytes, all of
        the very same file; None when it is missing, not a regular file, or unreadable."""
        try:
            fd = open_regular(self.path)
        except (OSError, UnsafeFileError):
            return None
        try:
            info = os.fstat(fd)
            with os.fdopen(os.dup(fd), "rb") as handle:
                raw = handle.read()
        except OSError:
            os.close(fd)
            return None
        return fd, info, raw

    def write_parts(self, parts: Iterable[bytes | memoryview], replacing: Signature) -> None:
        """Write the file from bytes already encoded (in pieces): the checks and the atomic
        replace of `write`, without TinyDB's dict round trip. `replacing` is the signature of
        the file the bytes were made from (`read_raw`, under the write lock): that version is
        kept as `NAME.good` when it is the one this process last read. The cached data is
        dropped, not rebuilt."""
        if self._guard is not None:
            self._guard()
        refuse_over_quarantine(self.path)
        if file_signature(self.path) != replacing:
            raise StoreError(f"internal error: {self.path} changed under the write lock")
        if self._sig == replacing:
            keep_good(self.path)
        self._data, self._sig = None, None
        atomic_write_parts(self.path, parts, mode=0o600)  # the user's notes: owner only
        self._sig = file_signature(self.path)

    def _parse(self) -> dict[str, dict[str, Any]]:
        try:
            raw = read_regular(self.path)  # a link or FIFO planted here is refused, not followed
        except UnsafeFileError as exc:
            raise StoreError(
                f"cannot read {self.path}: it is {exc.reason}, not a regular file"
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot read {self.path}: {exc.strerror}") from None
        if not raw.strip():
            raise CorruptFileError(self.path, "the file is empty")
        try:
            with paused_gc():
                data = jsonbytes.loads(raw)
        except jsonbytes.DecodeError:
            data = None  # the standard library says where and what, for the message below
        try:
            if data is None:
                json.loads(raw)
                raise CorruptFileError(self.path, "not valid JSON")
        except UnicodeDecodeError:
            raise CorruptFileError(self.path, "not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise CorruptFileError(
                self.path, f"{exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise CorruptFileError(self.path, "expected an object of tables")
        return data

    def _check_schema(self, data: dict[str, dict[str, Any]]) -> int:
        meta = data.get(META_TABLE, {}).get(SCHEMA_DOC)
        if not isinstance(meta, dict):
            if any(name != META_TABLE and table for name, table in data.items()):
                raise CorruptFileError(self.path, "no schema record")
            return self.version
        if meta.get("kind") != self.kind:
            raise CorruptFileError(self.path, f"holds {meta.get('kind')!r}, expected {self.kind!r}")
        found = meta.get("version")
        if not isinstance(found, int):
            raise CorruptFileError(self.path, "bad schema version")
        if found > self.version:
            raise StoreError(
                f"{self.path} was written by a newer paperdeck (schema {found}, this one reads "
                f"up to {self.version}); upgrade paperdeck"
            )
        return found

    def _migrate(self, found: int) -> dict[str, dict[str, Any]]:
        if self._write_lock is None:
            raise StoreError(f"{self.path} needs a migration but no lock was given")
        with self._write_lock():
            data = self._parse()  # again, under the lock: another process may have migrated it
            found = self._check_schema(data)
            for step in range(found, self.version):
                if step not in self._migrations:
                    raise StoreError(f"{self.path}: no migration from schema {step}")
                self._migrations[step](data)
            if found < self.version:
                self.write(data)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self._guard is not None:
            self._guard()
        refuse_over_quarantine(self.path)
        if self._sig is not None and file_signature(self.path) == self._sig:
            keep_good(self.path)
        data.setdefault(META_TABLE, {})[SCHEMA_DOC] = {"kind": self.kind, "version": self.version}
        try:
            try:
                payload = jsonbytes.dumps(data)  # orjson's bytes (and speed, once it is loaded)
            except jsonbytes.EncodeError as exc:
                raise StoreError(f"cannot write {self.path}: {exc}") from None
            atomic_write_bytes(self.path, payload, mode=0o600)  # the user's notes: owner only
        except BaseException:
            # TinyDB changed our cached copy in place before calling us: drop it, or the value
            # that failed would fail every later write in this process.
            self._data, self._sig = None, None
            raise
        self._data, self._sig = data, file_signature(self.path)

    def close(self) -> None:
        self._data = None


class KeyedTable(Table):
    """A TinyDB table keyed by our own string ids (`arxiv:2206.00927`) instead of counters."""

    document_id_class = str  # type: ignore[assignment]

    def raw(self) -> Mapping[str, dict[str, Any]]:
        """The stored documents by id, without copying (read-only use)."""
        return cast(Mapping[str, dict[str, Any]], self._read_table())

    def put_many(self, docs: Mapping[str, Mapping[str, Any]], delete: Iterable[str] = ()) -> None:
        """Insert or replace `docs` and delete `delete`, in one atomic read-modify-write."""
        doomed = list(delete)

        def updater(table: dict[str, Any]) -> None:
            for doc_id, doc in docs.items():
                table[doc_id] = dict(doc)
            for doc_id in doomed:
                table.pop(doc_id, None)

        self._update_table(updater)  # type: ignore[arg-type]

    def put(self, doc_id: str, doc: Mapping[str, Any]) -> None:
        """Insert or replace one document."""
        self.put_many({doc_id: doc})

    def fetch(self, doc_id: str) -> dict[str, Any] | None:
        """The stored document with this id, if any (not a copy: read-only use)."""
        return self._read_table().get(doc_id)  # type: ignore[return-value]


class KeyedDB(TinyDB):
    """TinyDB whose tables are `KeyedTable`s."""

    table_class = KeyedTable

    def keyed(self, name: str) -> KeyedTable:
        """The table `name`, typed as the `KeyedTable` it is."""
        return cast(KeyedTable, self.table(name))

    @property
    def file(self) -> AtomicJSONStorage:
        """The storage, typed as the `AtomicJSONStorage` it is."""
        return cast(AtomicJSONStorage, self.storage)


def open_db(
    path: Path,
    *,
    kind: str,
    version: int,
    migrations: Mapping[int, Migration] | None = None,
    guard: Callable[[], None] | None = None,
    write_lock: Callable[[], AbstractContextManager[Any]] | None = None,
    eager: bool = True,
) -> KeyedDB:
    """Open (or lazily create) one store file of `kind` at schema `version`.

    With `eager`, the file is read (checked, migrated) now, so a damaged file raises
    `CorruptFileError` here; large files pass `eager=False` and are checked on first read.
    """
    db = KeyedDB(
        str(path),
        storage=AtomicJSONStorage,
        kind=kind,
        version=version,
        migrations=migrations,
        guard=guard,
        write_lock=write_lock,
    )
    if eager:
        db.storage.read()
    return db


def quarantine(path: Path) -> Path:
    """Move a damaged file aside as `NAME.corrupt-<timestamp>` and return the new path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    os.replace(path, target)
    return target


def set_aside(exc: CorruptFileError) -> StoreError:
    """Move a damaged file aside and say so: the user's data is kept, never replaced."""
    moved = quarantine(exc.path)
    return StoreError(
        f"{exc.path}: could not be read ({exc.detail}); it was moved aside to {moved.name} "
        "and nothing was overwritten: restore it or remove it to continue"
    )


def quarantined_copies(path: Path) -> list[Path]:
    """The quarantined versions of the store file `path` (`NAME.corrupt-*`), oldest first."""
    prefix = f"{path.name}{CORRUPT_MARK}"
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    return sorted(path.parent / name for name in names if name.startswith(prefix))


def refuse_over_quarantine(path: Path) -> None:
    """Raise StoreError when a quarantined version of `path` exists: a write now would build a
    fresh file over the gap without the user's say."""
    found = quarantined_copies(path)
    if found:
        raise StoreError(
            f"{path} was set aside as damaged ({found[0].name}); not writing over it: "
            "run `paperdeck doctor`, then `paperdeck recover`"
        )


def good_copy(path: Path) -> Path:
    """Where the last good version of the store file `path` is kept."""
    return path.with_name(path.name + GOOD_SUFFIX)


def keep_good(path: Path) -> None:
    """Keep the current version of `path` (checked when read) as `NAME.good`: a hard link to
    it, which the atomic write's rename leaves pointing at the old version. Best effort."""
    good = good_copy(path)
    tmp = good.with_name(f".{good.name}.{os.getpid()}.link")
    try:
        tmp.unlink(missing_ok=True)
        os.link(path, tmp, follow_symlinks=False)
        os.replace(tmp, good)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
