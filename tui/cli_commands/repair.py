"""`doctor` and `recover`: the store files set aside as damaged, listed and restored.

Both work on the home folder without opening the library's files (`tui.store.recovery`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.cli_commands.output import say
from tui.store.recovery import doctor, recover_library


def cmd_doctor(home: Path, args: argparse.Namespace) -> int:
    """List the quarantined store files; exit 1 when there are any (a script can check)."""
    lines = doctor(home)
    for line in lines or [f"no damaged store files set aside in {home}"]:
        say(line)
    return 1 if lines else 0


def cmd_recover(home: Path, args: argparse.Namespace) -> int:
    lines, complete = recover_library(home, dry_run=args.dry_run)
    for line in lines or [f"nothing to recover in {home}"]:
        say(line)
    return 0 if complete else 1
