"""Quitting never waits for work nobody needs any more: `q` while a sync waits on a server
that does not answer ends the process at once, with the decisions made before it saved. The
installed `paperdeck` runs in tmux against the local fixture server."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from fixture_server import FixtureServer, Reply, network_toml
from test_tmux import PAPERDECK, TMUX, _tmux, _wait_for

pytestmark = pytest.mark.e2e

QUIT_LIMIT = 2.0
"""Seconds: the target is 0.5 s; this leaves room for a loaded machine (it took the server's
whole delay, 60 s, before)."""


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it with apt-get)")
@pytest.mark.skipif(PAPERDECK is None, reason="the paperdeck command is not installed")
def test_q_during_a_stalled_sync_exits_at_once_with_decisions_saved(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with FixtureServer() as server:
        server.route("/api/daily_papers", Reply(delay=60.0))
        network = network_toml(server).replace("timeout = 2", "timeout = 90")
        network = network.replace("max_wait = 5", "max_wait = 90")
        (home / "config.toml").write_text(
            network + '\n[[feeds]]\nsource = "hf-daily"\nname = "hf-daily"\ndays = 1\n'
        )
        session = "quitsync"
        _tmux("new-session", "-d", "-s", session, "-x", "140", "-y", "40",
              f"exec {PAPERDECK} --home {home}")  # fmt: skip
        try:
            _wait_for(session, lambda s: "shown" in s and "▸" in s, "the first painted list")
            pid = int(_tmux("display-message", "-p", "-t", session, "#{pane_pid}").stdout)
            _tmux("send-keys", "-t", session, "a")
            _wait_for(session, lambda s: "Later 1" in s, "the header to count one")
            _tmux("send-keys", "-t", session, "S")
            deadline = time.monotonic() + 20
            while not server.requests_for("/api/daily_papers"):
                assert time.monotonic() < deadline, "the sync never asked the server"
                time.sleep(0.05)
            t0 = time.monotonic()
            _tmux("send-keys", "-t", session, "q")
            while _alive(pid) and time.monotonic() - t0 < 90:
                time.sleep(0.01)
            took = time.monotonic() - t0
            assert not _alive(pid)
            assert took < QUIT_LIMIT, f"quitting took {took:.1f} s"
        finally:
            _tmux("kill-server", check=False)
    stats = subprocess.run(
        [PAPERDECK, "--home", str(home), "stats"], capture_output=True, text=True, timeout=60
    )
    assert "later 1" in stats.stdout, stats
