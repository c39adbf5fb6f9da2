"""Quitting never waits for work nobody needs any more: `q` while a sync waits on a server
that does not answer ends the process at once, with the decisions made before it saved. The
installed `paperdeck` runs in tmux against the local fixture server."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_server import FixtureServer, Reply, network_toml
from tmux_driver import (
    PAPERDECK,
    TMUX,
    Tmux,
    alive,
    painted_list,
    paperdeck_cli,
    wait_gone,
    wait_until,
)

pytestmark = pytest.mark.e2e

HELD = 600.0
"""Seconds the server holds its answer: for this test, an answer that never comes. Before the
fix quitting waited for it; now the process ends while the answer is still held. How fast it
quits is bench_cli.py's to measure, not this test's."""


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it with apt-get)")
@pytest.mark.skipif(PAPERDECK is None, reason="the paperdeck command is not installed")
def test_q_during_a_stalled_sync_exits_at_once_with_decisions_saved(
    tmp_path: Path, tmux: Tmux
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with FixtureServer() as server:
        server.route("/api/daily_papers", Reply(delay=HELD))
        network = network_toml(server).replace("timeout = 2", "timeout = 900")
        network = network.replace("max_wait = 5", "max_wait = 900")
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
        wait_until(
            lambda: bool(server.requests_for("/api/daily_papers")),
            lambda: "the sync to ask the server",
            timeout=20,
        )
        tmux.keys(session, "q")
        wait_gone(pid, timeout=60)  # raises (after a SIGKILL) if it waits for the answer (or the
        # request's 120 s deadline)
        assert not alive(pid)
    assert "later 1" in paperdeck_cli(home, "stats")
