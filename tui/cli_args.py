"""How the words of a `paperdeck` command line become arguments; `tui.cli` declares the commands.

- `CommandParser`: argparse, but a usage mistake is one line and exit code 2, and every option
  is recorded, so `split_argv` can tell options apart from words that start with `-`;
- `split_argv`: after the command only that command's options (and `--home`) are options, in any
  position; `-tag:old` and `-name` are query terms and tag edits, `--` ends the options;
- `export_format`: the format from `--format` (`bib` = `bibtex`) or the `-o` file's extension.

Plain argparse and no Textual: headless commands start fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from tui.errors import UsageError

EXPORT_FORMATS: tuple[str, ...] = ("json", "md", "csv", "bibtex", "ris")
"""The formats `tui.export` writes (`tui.export.FORMATS`; a test checks they agree), named here
so that declaring the commands does not import export: every command would pay for it."""


def terminal_columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` finds it ($COLUMNS, else the
    terminal on stdout, else 80), without importing shutil (and with it bz2 and lzma)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, given the width it would look up itself: argparse makes one per
    option declared and imports shutil for the width each time it is not given."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        width = terminal_columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)


class CommandParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line and exit code 2, and every option is recorded
    (`option_arity`: option string -> takes a value) so `split_argv` can tell options apart
    from query terms and tag edits that start with `-`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self.option_arity: dict[str, bool] = {"-h": False, "--help": False}
        self.commands: dict[str, CommandParser] = {}

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"paperdeck: {message} (see `paperdeck --help`)\n")

    def option(self, *names: str, **kwargs: Any) -> None:
        """`add_argument` for an option, remembering whether it takes a value."""
        takes_value = kwargs.get("action") not in ("store_true", "store_false", "version")
        takes_value = takes_value and kwargs.get("nargs") != 0
        self.option_arity.update(dict.fromkeys(names, takes_value))
        self.add_argument(*names, **kwargs)


def add_command(sub: Any, name: str, **kwargs: Any) -> CommandParser:
    """`sub.add_parser(name, ...)` (of a CommandParser's subparsers), typed."""
    parser: CommandParser = sub.add_parser(name, **kwargs)
    return parser


def split_argv(parser: CommandParser, argv: Sequence[str]) -> list[str]:
    """Rewrite argv so argparse sees `[global options] COMMAND [options] -- [words]`.

    After the command, only the command's own options (`--home` among them) are options, with their
    values; every other word is positional even when it starts with `-`: a query term such as
    `-tag:llm` or a tag removal such as `-name`. An unknown `--word` stays an option, so argparse
    reports the typo rather than searching for it. A `--` typed by the user ends the options.
    """
    tokens = list(argv)
    front: list[str] = []
    i = 0
    while i < len(tokens) and tokens[i].startswith("-") and tokens[i] != "--":
        name, has_value, _ = tokens[i].partition("=")
        front.append(tokens[i])
        i += 1
        if parser.option_arity.get(name) and not has_value and i < len(tokens):
            front.append(tokens[i])
            i += 1
    if i >= len(tokens) or tokens[i] not in parser.commands:
        return tokens  # no command (the app), `--`, or an unknown one: argparse says which
    command = parser.commands[tokens[i]]
    options: list[str] = []
    words: list[str] = []
    rest = iter(tokens[i + 1 :])
    for token in rest:
        name, has_value, _ = token.partition("=")
        if token == "--":
            words.extend(rest)
            break
        if not (name in command.option_arity or token.startswith("--")):
            words.append(token)
            continue
        takes_value = command.option_arity.get(name, False)
        value = next(rest, None) if takes_value and not has_value else None
        if value is not None and value.startswith("-"):
            # Glued on, so argparse takes `--limit -5` or `-o -` as a value, not an option.
            options.append(f"{name}={value}" if name.startswith("--") else f"{name}{value}")
        else:
            options.extend([token] if value is None else [token, value])
    return [*front, tokens[i], *options, *(["--", *words] if words else [])]


FORMAT_ALIASES = {"bib": "bibtex"}
"""Other names `--format` accepts."""

EXTENSION_FORMATS = {
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".ris": "ris",
    ".csv": "csv",
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
}
"""The format an `-o FILE` extension implies when `--format` is not given."""


def export_format(fmt: str | None, output: str | None) -> str:
    """The export format from `--format` and the `-o` file name; UsageError when neither says,
    when they disagree, or when the format is unknown. `--format` wins over an extension that
    implies no format (`--format md -o notes.txt`)."""
    named = FORMAT_ALIASES.get(fmt.lower(), fmt.lower()) if fmt is not None else None
    if named is not None and named not in EXPORT_FORMATS:
        choices = ", ".join([*EXPORT_FORMATS, *FORMAT_ALIASES])
        raise UsageError(f"unknown export format {fmt!r}; choose one of: {choices}")
    suffix = Path(output).suffix.lower() if output else ""
    implied = EXTENSION_FORMATS.get(suffix)
    if named is not None:
        if implied is not None and implied != named:
            raise UsageError(
                f"--format {fmt} contradicts the file name {output} ({suffix} is {implied}); "
                "change one of them"
            )
        return named
    if implied is not None:
        return implied
    known = ", ".join(EXTENSION_FORMATS)
    if output:
        raise UsageError(
            f"cannot tell the export format from {output}: give --format "
            f"or use one of the extensions {known}"
        )
    raise UsageError(f"export needs --format ({'|'.join(EXPORT_FORMATS)}) or -o FILE ({known})")
