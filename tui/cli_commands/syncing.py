"""The `sync` command: pull the configured feeds and merge the reading list, with progress.

A Rich progress bar per step on a terminal (Rich imported only then), plain lines otherwise;
errors go to stderr and set the exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.cli_commands.importing import renew_first_screen
from tui.cli_commands.output import complain, say
from tui.paths import config_file
from tui.store import Library


def cmd_sync(lib: Library, args: argparse.Namespace) -> int:
    from tui.config import load_config
    from tui.sync import run_sync

    config = load_config(config_file(args.home))
    listed = Path(args.list).expanduser() if args.list else None
    feeds = args.feed if args.feed or listed is None else []  # `--list` alone: only the list
    with _progress() as progress:
        report = run_sync(
            lib, config, feeds=feeds, reading_list=listed, dry_run=args.dry_run, progress=progress
        )
    lines = report.lines()
    for line in lines:
        if line.error:
            complain(line.text)
        else:
            say(line.text)
    if not lines:
        say(report.summary)
    if not args.dry_run:
        renew_first_screen(lib)
    if report.cancelled:
        return 130
    status = 1 if report.failed else 0
    if report.reading_list_error is not None:
        status = max(status, report.reading_list_error.exit_code)
    return status


class _progress:
    """A Rich progress bar per sync step (feed, reading list) on a terminal; plain lines
    otherwise."""

    def __enter__(self) -> Callable[[str, int, int | None, str], None]:
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}
        if sys.stderr.isatty():
            from rich.progress import Progress

            self._bar = Progress(transient=False)
            self._bar.start()
        return self.update

    def update(self, feed: str, done: int, total: int | None, message: str) -> None:
        if self._bar is None:
            # Plain lines while a step works; its final line (done == total) is the summary,
            # which the command prints itself, errors going to stderr.
            if total is None or done < total:
                print(f"{feed}: {message}", flush=True)
            return
        if feed not in self._tasks:
            self._tasks[feed] = self._bar.add_task(feed, total=total)
        self._bar.update(self._tasks[feed], completed=done, total=total, description=feed)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
