"""`paperdeck` run as its own process, the way another shell (or cron) runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m tui --home HOME ARGS` in a fresh interpreter: its exit code and output."""
    return subprocess.run(
        [sys.executable, "-m", "tui", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
