"""Decisions lost when the app is killed right after triage keys (issue 10, "Tests").

Prints decisions lost of N per case; asserts nothing; not part of the test suite. Run from the
repository root, after `python -m compileall -q tui`:

    python tests/benchmarks/bench_faults.py [TRIALS]        # default 20 trials per case

Each trial copies a prepared demo library (made once by starting the app on an empty home),
starts the installed `paperdeck` in a private tmux server (160x48), waits for the list, presses
`a` five times (five papers to Later), polls the pane until the header shows "Later 5" (the
repaint: the screen says the decisions are made), then ends the process one way:

* SIGHUP (the terminal window closes) and SIGTERM (`kill`): target 0 lost — the app drains its
  writer before it exits;
* SIGKILL at 0 ms after the repaint was seen (as soon as the poll saw it: the instrument adds a
  few ms, see bench_terminal.py's `cat` floor), and at 20, 50 and 100 ms: target 0 lost at 50 ms.

Then `paperdeck stats` counts what is on disk: lost = 5 - later. Every process started is ended
and checked for at the end (a run that leaves paperdeck processes behind says so). The load
average is printed at the start and the end: on a shared machine the kill -9 figures move with
it (the writer's fsyncs wait on a busy disk), so compare runs taken under similar load.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_terminal import Tmux
from tmux_driver import PAPERDECK, alive, app_pid, painted_list, paperdeck_cli, wait_gone

PRESSES = 5
CASES: list[tuple[str, signal.Signals, float]] = [
    ("SIGHUP at the repaint", signal.SIGHUP, 0.0),
    ("SIGTERM at the repaint", signal.SIGTERM, 0.0),
    ("kill -9 at the repaint", signal.SIGKILL, 0.0),
    ("kill -9 20 ms after", signal.SIGKILL, 0.020),
    ("kill -9 50 ms after", signal.SIGKILL, 0.050),
    ("kill -9 100 ms after", signal.SIGKILL, 0.100),
]


def stats_later(home: Path) -> int:
    out = paperdeck_cli(home, "stats")
    found = re.search(r"\blater (\d+)", out)
    if found:
        return int(found.group(1))
    raise RuntimeError(f"no later count in stats:\n{out}")


def prepare(tmux: Tmux, home: Path) -> None:
    """The demo library: the app makes it on an empty home; quit once it is painted and idle."""
    tmux.start("prepare", f"{PAPERDECK} --home {home}")
    try:
        tmux.wait_for("prepare", painted_list, "the demo library's first painted list")
        time.sleep(2.0)
        pid = app_pid(home)
        tmux.keys("prepare", "q")
        if pid is not None:
            wait_gone(pid)
    finally:
        tmux.kill_session("prepare")
    if stats_later(home) != 0:
        raise RuntimeError("the demo library already has papers in Later")


def trial(tmux: Tmux, base: Path, home: Path, signum: signal.Signals, delay: float) -> int:
    """One kill; returns the decisions lost (of PRESSES)."""
    shutil.copytree(base, home)
    session = "trial"
    tmux.start(session, f"{PAPERDECK} --home {home}")
    pid = None
    try:
        tmux.wait_for(session, painted_list, "the first painted list")
        time.sleep(0.5)
        pid = app_pid(home)
        if pid is None:
            raise RuntimeError("the paperdeck process was not found")
        tmux.keys(session, *["a"] * PRESSES)
        tmux.wait_for(session, lambda s: f"Later {PRESSES}" in s, "the header to count five", 10)
        if delay:
            time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)
        wait_gone(pid, timeout=30)
    finally:
        tmux.kill_session(session)
        if pid is not None and alive(pid):
            wait_gone(pid, timeout=10)
    return PRESSES - stats_later(home)


def _load() -> str:
    """The 1, 5 and 15 minute load averages: figures taken on a busy machine say so."""
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def main(argv: list[str]) -> int:
    if PAPERDECK is None:
        raise SystemExit("the paperdeck command is not installed (pip install -e .)")
    trials = int(argv[1]) if len(argv) > 1 else 20
    tmux = Tmux("paperdeck-faults")
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp) / "base"
            prepare(tmux, base)
            print(f"{trials} trials per case, {PRESSES} decisions each (demo library, 160x48)")
            print(f"  load average at the start: {_load()}")
            print(f"  {'case':<24} {'decisions lost':>16}   trials with a loss")
            for name, signum, delay in CASES:
                lost = hit = 0
                for n in range(trials):
                    home = Path(tmp) / f"t-{signum.name}-{int(delay * 1000)}-{n}"
                    loss = trial(tmux, base, home, signum, delay)
                    lost += loss
                    hit += loss > 0
                    shutil.rmtree(home, ignore_errors=True)
                print(f"  {name:<24} {lost:>6} of {trials * PRESSES:<6}   {hit} of {trials}")
                sys.stdout.flush()
            left = subprocess.run(["pgrep", "-f", tmp], capture_output=True, text=True)
            if left.stdout.strip():
                print(f"warning: processes left behind: {left.stdout.split()}")
    finally:
        tmux.close()
    print(f"({time.perf_counter() - started:.0f} s in all; load average at the end: {_load()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
