"""Driving the installed `paperdeck` in a real terminal: a private tmux server, its panes, and
the program's process. Shared by the end-to-end tests (tests/e2e) and the terminal benchmarks
(tests/benchmarks/bench_terminal.py, bench_faults.py), so both start, read and stop the
program the same way.

    tmux = Tmux()                           # its own socket: never the user's server
    tmux.start("s", f"{PAPERDECK} --home {home}")
    tmux.wait_for("s", painted_list, "the first painted list")
    tmux.keys("s", "a")
    pid = app_pid(home)
    tmux.close()                            # kills the server (the program gets SIGHUP)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import uuid
from collections.abc import Callable
from pathlib import Path


def installed_command(name: str) -> str | None:
    """`name` as installed next to the running interpreter (the venv's `bin`, whether or not
    it is on PATH), else in the interpreter's scripts folder, else on PATH."""
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        for candidate in (folder / name, folder / f"{name}.exe"):
            if candidate.is_file():
                return str(candidate)
    return shutil.which(name)


TMUX = shutil.which("tmux")
PAPERDECK = installed_command("paperdeck")


def paperdeck_cli(home: Path, *args: str) -> str:
    """What the installed `paperdeck --home HOME ARGS` prints, as another shell would run it."""
    assert PAPERDECK is not None
    return subprocess.run(
        [PAPERDECK, "--home", str(home), *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


class Tmux:
    """A private tmux server (a socket of its own): sessions, keys, screens. `close()` kills
    the server."""

    def __init__(
        self,
        prefix: str = "paperdeck",
        *,
        width: int = 140,
        height: int = 40,
        poll: float = 0.1,
        timeout: float = 20.0,
    ) -> None:
        if TMUX is None:
            raise RuntimeError("tmux is not installed")
        self.socket = f"{prefix}-{uuid.uuid4().hex[:8]}"
        self.width = width
        self.height = height
        self.poll = poll
        """Seconds between two looks at the screen in `wait_for`."""
        self.timeout = timeout
        """How long `wait_for` waits unless told."""

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert TMUX is not None
        return subprocess.run(
            [TMUX, "-L", self.socket, *args],
            check=check,
            capture_output=True,
            text=True,
            timeout=20,
        )

    def start(self, session: str, command: str) -> None:
        """Run `command` (one shell line) in a new detached session of the server's size."""
        size = ("-x", str(self.width), "-y", str(self.height))
        self.run("new-session", "-d", "-s", session, *size, command)

    def screen(self, session: str) -> str:
        """The pane's text as it is now (empty once the session is gone)."""
        return self.run("capture-pane", "-p", "-t", session, check=False).stdout

    def keys(self, session: str, *keys: str) -> None:
        """`tmux send-keys`: each argument a key name (`a`, `Escape`) or a string typed at once."""
        self.run("send-keys", "-t", session, *keys)

    def has_session(self, session: str) -> bool:
        return self.run("has-session", "-t", session, check=False).returncode == 0

    def pane_pid(self, session: str) -> int:
        return int(self.run("display-message", "-p", "-t", session, "#{pane_pid}").stdout)

    def kill_session(self, session: str) -> None:
        self.run("kill-session", "-t", session, check=False)

    def wait_for(
        self,
        session: str,
        predicate: Callable[[str], bool],
        what: str,
        timeout: float | None = None,
    ) -> str:
        """The screen once `predicate` holds for it; AssertionError (with the screen) after
        `timeout` seconds (the server's `timeout` when None)."""
        seen = [""]

        def holds() -> bool:
            seen[0] = self.screen(session)
            return predicate(seen[0])

        wait_until(
            holds,
            lambda: f"{what}; the screen was:\n{seen[0]}",
            self.timeout if timeout is None else timeout,
            self.poll,
        )
        return seen[0]

    def close(self) -> None:
        self.run("kill-server", check=False)


def wait_until(
    condition: Callable[[], bool], what: Callable[[], str], timeout: float, poll: float = 0.05
) -> None:
    """Return once `condition()` holds; AssertionError naming `what()` after `timeout` seconds
    (a guard against a hang, not a measure of speed)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out waiting for {what()}")
        time.sleep(poll)


def painted_list(text: str) -> bool:
    """paperdeck's list is on screen: the cursor row and the header's count of shown papers."""
    return "▸" in text and " shown" in text


def app_pid(home: Path) -> int | None:
    """The paperdeck process running on `home` (not the shells tmux runs it under), if any."""
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
    return None


def alive(pid: int) -> bool:
    """`pid` is running (a zombie waiting for its parent to reap it has exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def wait_gone(pid: int, timeout: float = 30.0) -> float:
    """Seconds until `pid` has exited (polled every ms); SIGKILL it and raise after `timeout`."""
    t0 = time.perf_counter()
    while alive(pid):
        if time.perf_counter() - t0 > timeout:
            os.kill(pid, signal.SIGKILL)
            raise RuntimeError(f"process {pid} still alive after {timeout} s; killed")
        time.sleep(0.001)
    return time.perf_counter() - t0
