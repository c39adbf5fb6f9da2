"""End to end: closing the terminal (SIGHUP) or `kill` (SIGTERM) right after triage keys loses
no decision (issue 10.1). The installed `paperdeck` runs in tmux; the signal goes to its process
the moment the screen shows the decisions, inside the window where the writer may not have
stored them yet (before the fix every one of them was lost)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from test_tmux import PAPERDECK, TMUX, _tmux, _wait_for

pytestmark = pytest.mark.e2e


def _stats(home: Path) -> str:
    """`paperdeck stats` for the library at `home`, as another shell would run it."""
    assert PAPERDECK is not None
    return subprocess.run(
        [PAPERDECK, "--home", str(home), "stats"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


def _app_pid(home: Path) -> int:
    """The paperdeck process itself (not the shells tmux runs it under)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in argv]
        if str(home) in words and any(w.endswith("paperdeck") for w in words[:2]):
            return int(entry.name)
    raise AssertionError("the paperdeck process was not found")


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it with apt-get)")
@pytest.mark.skipif(PAPERDECK is None, reason="the paperdeck command is not installed")
@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_a_closing_signal_right_after_triage_loses_no_decision(
    tmp_path: Path, signum: signal.Signals
) -> None:
    home = tmp_path / "home"
    session = f"sig{int(signum)}"
    done = tmp_path / "exit-code"
    command = f"sh -c '{PAPERDECK} --home {home}; echo $? > {done}; sleep 30'"
    _tmux("new-session", "-d", "-s", session, "-x", "140", "-y", "40", command)
    try:
        _wait_for(session, lambda s: "shown" in s and "▸" in s, "the first painted list")
        time.sleep(0.5)
        pid = _app_pid(home)
        _tmux("send-keys", "-t", session, "a", "a", "a", "a", "a")
        # The moment the screen shows the five decisions, the terminal goes away.
        _wait_for(session, lambda s: "Later 5" in s, "the header to count five", timeout=10)
        os.kill(pid, signum)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not done.exists():
            time.sleep(0.05)
        assert done.exists(), "paperdeck did not exit on the signal"
        assert done.read_text().strip() == str(128 + int(signum))
    finally:
        _tmux("kill-server", check=False)
    stats = _stats(home)
    assert "later 5" in stats, stats


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it with apt-get)")
@pytest.mark.skipif(PAPERDECK is None, reason="the paperdeck command is not installed")
def test_a_terminal_that_goes_away_ends_the_app_with_its_decisions_saved(tmp_path: Path) -> None:
    """tmux kill-server closes the terminal; behind `sh -c` no SIGHUP reaches paperdeck, and
    Textual's input thread used to spin on end-of-file for ever (a process per closed window)."""
    home = tmp_path / "home"
    session = "gone"
    _tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "140",
        "-y",
        "40",
        f"sh -c '{PAPERDECK} --home {home}'",
    )
    try:
        _wait_for(session, lambda s: "shown" in s and "▸" in s, "the first painted list")
        time.sleep(0.5)
        pid = _app_pid(home)
        _tmux("send-keys", "-t", session, "a", "a", "a")
        _wait_for(session, lambda s: "Later 3" in s, "the header to count three", timeout=10)
    finally:
        _tmux("kill-server", check=False)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.1)
    alive = Path(f"/proc/{pid}").exists()
    if alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, "paperdeck kept running after its terminal went away"
    stats = _stats(home)
    assert "later 3" in stats, stats
