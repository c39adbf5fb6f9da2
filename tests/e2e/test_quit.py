"""Quitting never waits for work nobody needs any more: `q` while a sync waits on a server
that does not answer ends the process at once, with the decisions made before it saved. The
installed `paperdeck` runs in tmux against the local fixture server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fixture_server import FixtureServer, Reply, network_toml
from tmux_driver import PAPERDECK, TMUX, Tmux, alive, painted_list, paperdeck_cli

pytestmark = pytest.mark.e2e

QUIT_LIMIT = 10.0
"""Seconds. Not a speed check (bench_cli.py measures quitting): the server holds its answer for
60 s, and before the fix quitting waited all of it; anything well under that proves it no
longer waits, even on a loaded machine."""


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it with apt-get)")
@pytest.mark.skipif(PAPERDECK is None, reason="the paperdeck command is not installed")
def test_q_during_a_stalled_sync_exits_at_once_with_decisions_saved(
    tmp_path: Path, tmux: Tmux
) -> None:
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
        tmux.start(session, f"exec {PAPERDECK} --home {home}")
        tmux.wait_for(session, painted_list, "the first painted list")
        pid = tmux.pane_pid(session)
        tmux.keys(session, "a")
        tmux.wait_for(session, lambda s: "Later 1" in s, "the header to count one")
        tmux.keys(session, "S")
        deadline = time.monotonic() + 20
        while not server.requests_for("/api/daily_papers"):
            assert time.monotonic() < deadline, "the sync never asked the server"
            time.sleep(0.05)
        t0 = time.monotonic()
        tmux.keys(session, "q")
        while alive(pid) and time.monotonic() - t0 < 90:
            time.sleep(0.01)
        took = time.monotonic() - t0
        assert not alive(pid)
        assert took < QUIT_LIMIT, f"quitting took {took:.1f} s"
    assert "later 1" in paperdeck_cli(home, "stats")
