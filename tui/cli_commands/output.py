"""The one output guard of the headless commands: titles and server messages never reach the
terminal raw (control characters are made visible, `tui.models.terminal_safe`)."""

from __future__ import annotations

from tui.models import terminal_safe


def say(text: str = "") -> None:
    """Print a line (or lines) of output to stdout, made terminal-safe."""
    print(terminal_safe(text, keep_newlines=True))
