"""End to end: the installed `paperdeck` in a real terminal (tmux) on the demo library.

Starts `paperdeck --home TMP` in a detached tmux session, waits for the list to paint, triages
the first papers by sending keys (a, d, x, s), quits with q, then checks that
`paperdeck --home TMP list --json` shows exactly those decisions and nothing else changed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


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


SOCKET = f"paperdeck-e2e-{uuid.uuid4().hex[:8]}"  # a private tmux server, not the user's


def _tmux(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    assert TMUX is not None
    return subprocess.run(
        [TMUX, "-L", SOCKET, *args], check=check, capture_output=True, text=True, timeout=10
    )


def _screen(session: str) -> str:
    return _tmux("capture-pane", "-p", "-t", session).stdout


def _wait_for(session: str, predicate: object, what: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = _screen(session)
        if callable(predicate) and predicate(text):
            return text
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; the screen was:\n{text}")


def _list_json(home: Path, *query: str) -> list[dict[str, object]]:
    assert PAPERDECK is not None
    out = subprocess.run(
        [PAPERDECK, "--home", str(home), "list", "--json", *query],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return json.loads(out)  # type: ignore[no-any-return]


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it with apt-get)")
@pytest.mark.skipif(
    PAPERDECK is None, reason="the paperdeck command is not installed (pip install -e .)"
)
def test_triage_in_a_real_terminal_is_what_list_shows(tmp_path: Path) -> None:
    home = tmp_path / "home"
    session = "triage"
    command = f"{PAPERDECK} --home {home}"
    _tmux("new-session", "-d", "-s", session, "-x", "140", "-y", "40", command)
    try:
        _wait_for(session, lambda s: "shown" in s and "▸" in s, "the first painted list")
        inbox_order = [p["id"] for p in _list_json(home, "is:inbox")]
        assert len(inbox_order) > 10  # the demo library was loaded

        # later, done, skip (each advances), then star the fourth paper (stays on it)
        for key in ("a", "d", "x", "s"):
            _tmux("send-keys", "-t", session, key)
            time.sleep(0.15)
        _wait_for(session, lambda s: "★ 1" in s, "the header to count the star")
        _tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if _tmux("has-session", "-t", session, check=False).returncode != 0:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("paperdeck did not quit on q:\n" + _screen(session))
    finally:
        _tmux("kill-server", check=False)

    papers = {p["id"]: p for p in _list_json(home)}
    first, second, third, fourth = inbox_order[:4]
    assert papers[first]["status"] == "later"
    assert papers[second]["status"] == "done"
    assert papers[third]["status"] == "skipped"
    assert papers[fourth]["status"] == "inbox" and papers[fourth]["starred"] is True
    touched = {
        pid
        for pid, p in papers.items()
        if p["status"] != "inbox" or p["starred"] or p["tags"] or p["note"]
    }
    assert touched == {first, second, third, fourth}
