"""The one output guard of the headless commands: titles and server messages never reach the
terminal raw (control characters are made visible, `tui.models.terminal_safe`)."""

from __future__ import annotations

import sys

from tui.models import terminal_safe


def say(text: str = "") -> None:
    """Print a line (or lines) of output to stdout, made terminal-safe."""
    print(terminal_safe(text, keep_newlines=True))


def complain(text: object) -> None:
    """Print one error line, `paperdeck: TEXT`, to stderr, made terminal-safe (one line: a
    newline in a file name or a server's message cannot split it)."""
    print(f"paperdeck: {terminal_safe(text)}", file=sys.stderr)


def note(text: str) -> None:
    """Print a line about what a command did to stderr (so stdout stays the command's data)."""
    print(terminal_safe(text), file=sys.stderr)
