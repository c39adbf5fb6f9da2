"""Quarantined store files: finding them, the one-line warning, `doctor` and `recover`.

A store file that does not parse, or holds wrong-typed records, is moved aside as
`NAME.corrupt-<timestamp>` (`tui.store.db`), and while it is there nothing writes `NAME` again.
This module lists such files (`quarantined`), words the warning every command and the app show
(`warning_line`), describes what each holds (`doctor`), and restores what can be restored
(`recover`): the records of the quarantined file that pass the checks, else its last good
version `NAME.good`, merged under any records written to `NAME` since (those are newer). A
recovered file's quarantined copy is renamed `NAME.recovered-<timestamp>` (kept, no longer
warned about). Filesystem scans only: cheap enough to run at every command's start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.atomic import atomic_write_bytes
from tui.records import Record
from tui.store import jsonbytes
from tui.store.db import CORRUPT_MARK, META_TABLE, SCHEMA_DOC, good_copy
from tui.store.lock import LibraryLock
from tui.store.validate import salvage

_FOLDERS = ("", "state", "texts", "journal")
_MAIN_TABLE = {
    "catalog": "papers",
    "texts": "texts",
    "state": "states",
    "journal": "entries",
    "journal-entry": "changes",
    "meta": "meta",
}


def quarantined(home: Path) -> list[Path]:
    """Every quarantined store file under the library folder `home`, sorted."""
    found: list[Path] = []
    for folder in _FOLDERS:
        where = home / folder if folder else home
        try:
            found.extend(p for p in where.iterdir() if CORRUPT_MARK in p.name and p.is_file())
        except OSError:
            continue
    return sorted(found)


def warning_line(home: Path) -> str | None:
    """The one line saying that store files are set aside and how to recover; None if none."""
    found = quarantined(home)
    if not found:
        return None
    first = found[0]
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    return (
        f"warning: {first}{more} was set aside as damaged and its data is not in use; "
        f"run `paperdeck --home {home} doctor`, then `paperdeck --home {home} recover`"
    )


def _original(path: Path) -> Path:
    return path.with_name(path.name.split(CORRUPT_MARK, 1)[0])


def _kind(original: Path, home: Path) -> str:
    folder = original.parent.name if original.parent != home else ""
    if folder == "journal":
        return "journal-entry"
    if folder in ("state", "texts"):
        return folder
    return original.stem


def _load(path: Path, kind: str) -> tuple[dict[str, Any] | None, int, str]:
    """(salvaged data or None, records dropped, why None)."""
    try:
        data = jsonbytes.loads(path.read_bytes())
    except FileNotFoundError:
        return None, 0, "missing"
    except (OSError, jsonbytes.DecodeError) as exc:
        return None, 0, f"does not parse ({exc.__class__.__name__})"
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        return None, 0, "not an object of tables"
    schema = data.get(META_TABLE, {}).get(SCHEMA_DOC)
    if isinstance(schema, dict) and schema.get("kind") != kind:
        return None, 0, f"holds {schema.get('kind')!r}, not {kind!r}"
    kept, dropped = salvage(kind, data)
    return kept, dropped, ""


class Finding(Record):
    """One quarantined file: what it holds, its good copy, and what a recover would write."""

    __slots__ = (
        "dropped",
        "good_records",
        "kind",
        "original",
        "path",
        "records",
        "restored",
        "source",
        "why",
    )

    def __init__(
        self,
        path: Path,
        original: Path,
        kind: str,
        records: int | None = None,
        dropped: int = 0,
        why: str = "",
        good_records: int | None = None,
        source: str = "",
        restored: dict[str, Any] | None = None,
    ) -> None:
        self.path = path
        self.original = original
        self.kind = kind
        self.records = records
        self.dropped = dropped
        self.why = why
        self.good_records = good_records
        self.source = source
        self.restored: dict[str, Any] = {} if restored is None else restored

    def lines(self) -> list[str]:
        table = _MAIN_TABLE.get(self.kind, "records")
        out = [f"{self.path}: {self.kind} file set aside"]
        if self.records is not None:
            extra = f", {self.dropped} damaged record(s) dropped" if self.dropped else ""
            out.append(f"  holds {self.records} {table} that read back{extra}")
        else:
            out.append(f"  {self.why}")
        if self.good_records is not None:
            out.append(
                f"  last good version {good_copy(self.original)}: {self.good_records} {table}"
            )
        state = "present (written since)" if self.original.exists() else "missing"
        out.append(f"  {self.original} is {state}")
        out.append(
            f"  recover: from {self.source}" if self.source else "  recover: nothing to restore"
        )
        return out


def examine(home: Path) -> list[Finding]:
    """What `doctor` reports and `recover` would do, for every quarantined file."""
    findings = []
    for path in quarantined(home):
        original = _original(path)
        kind = _kind(original, home)
        table = _MAIN_TABLE.get(kind, "")
        finding = Finding(path, original, kind)
        data, finding.dropped, finding.why = _load(path, kind)
        if data is not None:
            finding.records = len(data.get(table, {}))
        good, _, _ = _load(good_copy(original), kind)
        if good is not None:
            finding.good_records = len(good.get(table, {}))
        base, finding.source = (
            (data, "the set-aside file") if data is not None and finding.records else (None, "")
        )
        if base is None and good is not None:
            base, finding.source = good, f"the last good version {good_copy(original).name}"
        if base is None and data is not None:
            base, finding.source = data, "the set-aside file"
        if base is not None:
            current, _, _ = _load(original, kind)
            for name, records in (current or {}).items():
                base.setdefault(name, {}).update(records)
            finding.restored = base
        findings.append(finding)
    return findings


def doctor(home: Path) -> list[str]:
    """Lines describing every quarantined file (empty when there is none)."""
    return [line for finding in examine(home) for line in finding.lines()]


def recover(home: Path, *, dry_run: bool = False) -> tuple[list[str], bool]:
    """Restore what parses of every quarantined file (call under the library's write lock).

    Returns the lines to print and whether every file was recovered.
    """
    lines: list[str] = []
    complete = True
    for finding in examine(home):
        if not finding.source:
            complete = False
            lines.append(
                f"{finding.path}: nothing readable to restore; move it out of {finding.path.parent} "
                "to go on without it"
            )
            continue
        table = _MAIN_TABLE.get(finding.kind, "records")
        count = len(finding.restored.get(table, {}))
        verb = "would restore" if dry_run else "restored"
        lines.append(f"{verb} {finding.original} ({count} {table}) from {finding.source}")
        if dry_run:
            continue
        atomic_write_bytes(finding.original, jsonbytes.dumps(finding.restored), what="store file")
        finding.path.rename(
            finding.path.with_name(finding.path.name.replace(CORRUPT_MARK, ".recovered-", 1))
        )
    return lines, complete


def recover_library(home: Path, *, dry_run: bool = False) -> tuple[list[str], bool]:
    """`recover` under the library's write lock (no other process writes meanwhile)."""
    if dry_run:
        return recover(home, dry_run=True)
    with LibraryLock(home / ".lock").hold():
        return recover(home)
