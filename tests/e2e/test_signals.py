"""End to end: closing the terminal (SIGHUP) or `kill` (SIGTERM) right after triage keys loses
no decision (issue 10.1). The installed `paperdeck` runs in tmux; the signal goes to its process
the moment the screen shows the decisions, inside the window where the writer may not have
stored them yet (before the fix every one of them was lost)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from tmux_driver import PAPERDECK, TMUX, Tmux, alive, app_pid, painted_list, paperdeck_cli

pytestmark = pytest.mark.e2e


def _app_pid(home: Path) -> int:
    pid = app_pid(home)
    assert pid is not None, "the paperdeck process was not found"
    return pid


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it with apt-get)")
@pytest.mark.skipif(PAPERDECK is None, reason="the paperdeck command is not installed")
@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_a_closing_signal_right_after_triage_loses_no_decision(
    tmp_path: Path, tmux: Tmux, signum: signal.Signals
) -> None:
    home = tmp_path / "home"
    session = f"sig{int(signum)}"
    done = tmp_path / "exit-code"
    tmux.start(session, f"sh -c '{PAPERDECK} --home {home}; echo $? > {done}; sleep 30'")
    tmux.wait_for(session, painted_list, "the first painted list")
    time.sleep(0.5)
    pid = _app_pid(home)
    tmux.keys(session, "a", "a", "a", "a", "a")
    # The moment the screen shows the five decisions, the terminal goes away.
    tmux.wait_for(session, lambda s: "Later 5" in s, "the header to count five", timeout=10)
    os.kill(pid, signum)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not done.exists():
        time.sleep(0.05)
    assert done.exists(), "paperdeck did not exit on the signal"
    assert done.read_text().strip() == str(128 + int(signum))
    tmux.close()
    stats = paperdeck_cli(home, "stats")
    assert "later 5" in stats, stats


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it with apt-get)")
@pytest.mark.skipif(PAPERDECK is None, reason="the paperdeck command is not installed")
def test_a_terminal_that_goes_away_ends_the_app_with_its_decisions_saved(
    tmp_path: Path, tmux: Tmux
) -> None:
    """tmux kill-server closes the terminal; behind `sh -c` no SIGHUP reaches paperdeck, and
    Textual's input thread used to spin on end-of-file for ever (a process per closed window)."""
    home = tmp_path / "home"
    session = "gone"
    tmux.start(session, f"sh -c '{PAPERDECK} --home {home}'")
    try:
        tmux.wait_for(session, painted_list, "the first painted list")
        time.sleep(0.5)
        pid = _app_pid(home)
        tmux.keys(session, "a", "a", "a")
        tmux.wait_for(session, lambda s: "Later 3" in s, "the header to count three", timeout=10)
    finally:
        tmux.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and alive(pid):
        time.sleep(0.1)
    still_running = alive(pid)
    if still_running:
        os.kill(pid, signal.SIGKILL)
    assert not still_running, "paperdeck kept running after its terminal went away"
    stats = paperdeck_cli(home, "stats")
    assert "later 3" in stats, stats
