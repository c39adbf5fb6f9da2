"""The `paperdeck` command line: parse arguments, call the core, print results, map errors.

Plain `paperdeck` opens the app (filling an empty library with the demo papers first). Every
other command is headless and never imports Textual: they start fast and run from cron. Errors
are one line on stderr (`paperdeck: …`) with exit code 2 for usage mistakes and 1 for failures;
no traceback reaches the user.

The parser declares every command, but a command's module is imported only when it runs
(`COMMANDS` names them): a triage write (`paperdeck star ID`) imports the library, the actions
and little else, not the catalog's decoders, export or the query engine (a test keeps it so).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path

from tui import __version__
from tui.cli_args import EXPORT_FORMATS, CommandParser, add_command, split_argv
from tui.cli_commands.output import complain
from tui.errors import PaperdeckError, UsageError
from tui.models import STATUSES
from tui.paths import config_file, data_home


def build_parser(only: str | None = None) -> CommandParser:
    """The argument parser for every command (run argv through `split_argv` first), or with
    `only`, for that command alone (see `command_word`): every subcommand declared costs a
    triage command's start-up about half a millisecond, most of it argparse looking up
    translations of its messages."""
    parser = CommandParser(
        prog="paperdeck",
        description="A keyboard-first terminal reader for research papers.",
        epilog=(
            "Run `paperdeck` with no command to open the app. Words after a command that start "
            "with `-` are query terms or tag edits (`list -tag:old`, `tag ID -name`); "
            "`--` ends the options."
        ),
    )
    parser.option("--home", metavar="DIR", help="library folder (default: $PAPERDECK_HOME)")
    parser.option(
        "--version",
        action="version",
        version=f"paperdeck {__version__}",
        help="show the version and exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)

    for name in COMMANDS if only is None else (only,):
        _declare(add_command(sub, name, help=HELP[name]), name)
    for name, command in sub.choices.items():
        parser.commands[name] = command
        # `paperdeck stats --home X` as well as `paperdeck --home X stats`; SUPPRESS keeps the
        # command from resetting a --home given before it.
        command.option("--home", metavar="DIR", default=argparse.SUPPRESS, help="library folder")
    return parser


HELP = {
    "import": "import saved pages, HF JSON, arXiv Atom or RSS files",
    "list": "list papers matching a query",
    "show": "show one paper in full",
    "star": "star papers",
    "unstar": "unstar papers",
    "tag": "add (+name) and remove (-name) tags: tag ID... +a -b",
    "rename-tag": "rename a tag everywhere (merges into an existing one)",
    "status": f"set status: {', '.join(STATUSES)}",
    "note": "set the note of a paper ('' clears it)",
    "undo": "undo the last action",
    "redo": "redo the last undone action",
    "export": "export papers matching a query",
    "stats": "library summary",
    "doctor": "list store files set aside as damaged and what they hold",
    "recover": "restore what can be read of files set aside as damaged",
    "similar": "papers most like a paper (by title and abstract)",
    "sync": "pull new papers from the configured feeds",
}
"""Each command's line in `paperdeck --help`, in the order it lists them (`COMMANDS`' order)."""


def _declare(p: CommandParser, name: str) -> None:
    """The arguments and options of command `name`."""
    match name:
        case "import":
            p.add_argument("files", nargs="+", metavar="FILE")
            p.option(
                "--dry-run", action="store_true", help="report what would change, write nothing"
            )
        case "list":
            p.add_argument(
                "query", nargs="*", help="query (see README: fuzzy words, tag:, is:, ...)"
            )
            p.option("--json", action="store_true", help="print JSON (papers with their state)")
            p.option("--limit", type=int, metavar="N", help="at most N papers")
        case "show":
            p.add_argument("id")
            p.option("--json", action="store_true")
        case "star" | "unstar":
            p.add_argument("ids", nargs="+", metavar="ID")
        case "tag":
            p.add_argument("args", nargs="+", metavar="ID|+TAG|-TAG")
        case "rename-tag":
            p.add_argument("old")
            p.add_argument("new")
        case "status":
            p.add_argument("status")
            p.add_argument("ids", nargs="+", metavar="ID")
        case "note":
            p.add_argument("id")
            p.add_argument("text")
        case "export":
            p.option(
                "--format",
                "-f",
                metavar="FORMAT",
                help=f"{'|'.join(EXPORT_FORMATS)} (bib = bibtex); default: from the -o file's "
                "extension",
            )
            p.add_argument("query", nargs="*")
            p.option("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
        case "recover":
            p.option(
                "--dry-run", action="store_true", help="say what would be restored, write nothing"
            )
        case "similar":
            p.add_argument("id")
            p.option("--limit", type=int, default=20, metavar="N", help="at most N papers (20)")
            p.option("--json", action="store_true", help="print JSON (papers with their state)")
        case "sync":
            p.option("--dry-run", action="store_true", help="show what would change")
            p.option(
                "--list",
                metavar="PATH",
                help="merge the reading list PATH (alone, unless --feed is given)",
            )
            p.option("--feed", action="append", metavar="NAME", help="only this feed (repeatable)")


SMALL_CATALOG = 4096
"""Bytes: a catalog no larger than this may be empty (an empty one is a few dozen bytes)."""


def run_app_command(home: Path, args: argparse.Namespace) -> int:
    """Plain `paperdeck`: fill an empty library with the demo papers, then open the app.

    Only a library that may be empty is opened here: any other is opened by the app's loader
    after the first frame (at 1M papers opening the 64 state shards alone takes most of a
    second), and a file that cannot be read is reported there (see `tui.app.run_app`).
    """
    from tui.config import load_config

    config = load_config(config_file(args.home))
    notice = _fill_demo_if_empty(home)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "the app needs a terminal; use a command such as `paperdeck list` in scripts"
        )
    from tui.app import run_app

    return run_app(home, config=config, notice=notice)


def _fill_demo_if_empty(home: Path) -> str | None:
    """The demo papers for a library with no catalog or a tiny one (stat calls otherwise)."""
    try:
        if (home / "catalog.json").stat().st_size > SMALL_CATALOG:
            return None
    except FileNotFoundError:
        pass
    from tui.demo import fill_demo_if_empty
    from tui.store.library import Library

    with Library.open(home) as lib:
        return fill_demo_if_empty(lib)


COMMANDS: dict[str, tuple[str, str]] = {
    "import": ("importing", "cmd_import"),
    "list": ("reading", "cmd_list"),
    "show": ("reading", "cmd_show"),
    "star": ("triage", "cmd_star"),
    "unstar": ("triage", "cmd_star"),
    "tag": ("triage", "cmd_tag"),
    "rename-tag": ("triage", "cmd_rename_tag"),
    "status": ("triage", "cmd_status"),
    "note": ("triage", "cmd_note"),
    "undo": ("triage", "cmd_undo"),
    "redo": ("triage", "cmd_undo"),
    "export": ("reading", "cmd_export"),
    "stats": ("reading", "cmd_stats"),
    "doctor": ("repair", "cmd_doctor"),
    "recover": ("repair", "cmd_recover"),
    "similar": ("reading", "cmd_similar"),
    "sync": ("syncing", "cmd_sync"),
}
"""Command -> (module in `tui.cli_commands`, function): imported only when the command runs.
A function takes the open library and the arguments; `doctor` and `recover` take the home
folder instead (they work without opening the library's files)."""


def command_word(argv: Sequence[str]) -> str | None:
    """The command `argv` runs when the parser for it alone reads `argv` as the whole one
    would: a known command, with only `--home` before it. None otherwise (no command: the
    app; an unknown one; `--help` or `--version` before it), for the whole parser."""
    words = iter(argv)
    for word in words:
        if word == "--home":
            next(words, None)
        elif not word.startswith("--home="):
            return word if word in COMMANDS else None
    return None


def command_function(name: str) -> Callable[..., int]:
    """The function that runs command `name`, its module imported now."""
    module, function = COMMANDS[name]
    run: Callable[..., int] = getattr(import_module(f"tui.cli_commands.{module}"), function)
    return run


CREATES_LIBRARY = frozenset({"import", "sync"})
"""Commands that may start a library in a folder that does not exist yet (so does the app).
Any other command on a missing home says there is no library there and writes nothing: a
mistyped `--home` must not leave empty libraries about, nor look like an empty one."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `paperdeck` command; returns the exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(only=command_word(words))
    args = parser.parse_args(split_argv(parser, words))
    try:
        home = data_home(args.home)
        if args.command is None:
            return run_app_command(home, args)
        if args.command not in CREATES_LIBRARY and not home.exists():
            raise PaperdeckError(
                f"no library at {home} (`paperdeck --home {home} import FILE` starts one; "
                "plain `paperdeck` starts one with the demo papers)"
            )
        run = command_function(args.command)
        if args.command in ("doctor", "recover"):  # without opening the library's files
            return run(home, args)
        from tui.store.library import Library
        from tui.store.recovery import warning_line

        damaged = warning_line(home)
        if damaged:
            complain(damaged)
        with Library.open(home) as lib:
            return run(lib, args)
    except PaperdeckError as exc:
        complain(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        complain("interrupted")
        return 130
    except BrokenPipeError:
        # `paperdeck list | head`: the reader went away; that is not an error worth a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        complain(f"{exc.strerror or exc}{where}")
        return 1
