"""The triage commands: `star`/`unstar`, `tag`, `rename-tag`, `status`, `note`, `undo`/`redo`.

Each is one journalled, undoable step (`Library.run`), reported by its label. A write to
named papers keeps the app's start-up cache current when it cannot change the cached page's
rows (`tui.store.startup_patch`), so the next start still paints at once.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from tui.actions import EditTags, RenameTag, SetNote, SetStar, SetStatus
from tui.cli_commands.output import say
from tui.errors import UsageError
from tui.store import JournalEntry, Library
from tui.store.startup_patch import run_keeping_page


def _resolve_all(lib: Library, ids: Sequence[str]) -> list[str]:
    return [lib.resolve(i) for i in ids]


def _report(entry: JournalEntry | None, nothing: str = "nothing changed") -> None:
    if entry is None or not entry.changes:
        say(nothing)
    else:
        say(entry.label)


def cmd_star(lib: Library, args: argparse.Namespace) -> int:
    _report(run_keeping_page(lib, SetStar(args.command == "star"), _resolve_all(lib, args.ids)))
    return 0


def cmd_tag(lib: Library, args: argparse.Namespace) -> int:
    ids = [a for a in args.args if not a.startswith(("+", "-"))]
    add = [a[1:] for a in args.args if a.startswith("+")]
    remove = [a[1:] for a in args.args if a.startswith("-")]
    if not ids or not (add or remove):
        raise UsageError("usage: paperdeck tag ID... +name -name (at least one id and one tag)")
    _report(run_keeping_page(lib, EditTags(tuple(add), tuple(remove)), _resolve_all(lib, ids)))
    return 0


def cmd_rename_tag(lib: Library, args: argparse.Namespace) -> int:
    _report(lib.run(RenameTag(args.old, args.new)))
    return 0


def cmd_status(lib: Library, args: argparse.Namespace) -> int:
    _report(run_keeping_page(lib, SetStatus(args.status), _resolve_all(lib, args.ids)))
    return 0


def cmd_note(lib: Library, args: argparse.Namespace) -> int:
    _report(run_keeping_page(lib, SetNote(args.text), [lib.resolve(args.id)]))
    return 0


def cmd_undo(lib: Library, args: argparse.Namespace) -> int:
    entry = lib.undo() if args.command == "undo" else lib.redo()
    if entry is None:
        say(f"nothing to {args.command}")
        return 0
    say(f"{args.command}: {entry.label}")
    return 0
