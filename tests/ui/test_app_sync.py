"""`S` syncs in the background against a real local HTTP server, then shows the new papers."""

from __future__ import annotations

from pathlib import Path

from fixture_server import FixtureServer, Reply, local_config
from ui_helpers import make_app, sample_papers, settle, wait_ready

from tui.config import FeedConfig
from tui.store import Library


async def test_sync_key_fetches_merges_and_reports(library_home: Path) -> None:
    with FixtureServer() as server:
        server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
        config = local_config(
            server, feeds=[FeedConfig(source="hf-daily", name="hf-daily", days=1)]
        )
        app = make_app(library_home, config=config)
        async with app.run_test(size=(140, 40)) as pilot:
            await wait_ready(pilot)
            before = len(app.triage.paper_list.rows)
            await pilot.press("S")
            await settle(pilot)
            assert not app.triage.sync_runner.running
            assert server.requests_for("/api/daily_papers")
            messages = app.messages()
            assert any("new" in m and "hf-daily" in m for m in messages), messages
            await settle(pilot)
            assert len(app.triage.paper_list.rows) == before + 8  # the fixture's 8 papers
            assert app.triage.header.text.count("synced ") == 1
    with Library.open(library_home) as lib:
        assert len(lib.papers()) == len(sample_papers()) + 8


async def test_sync_failure_is_a_notification_not_a_crash(library_home: Path) -> None:
    with FixtureServer() as server:
        server.route("/api/daily_papers", Reply(status=500))
        config = local_config(
            server, feeds=[FeedConfig(source="hf-daily", name="hf-daily", days=1)], http_retries=0
        )
        app = make_app(library_home, config=config)
        async with app.run_test(size=(140, 40)) as pilot:
            await wait_ready(pilot)
            await pilot.press("S")
            await settle(pilot)
            warnings = app.messages("warning")
            assert warnings, app.notices
            assert "500" in warnings[-1] or "hf-daily" in warnings[-1]
            assert app.triage.check_action("sync", ()) is True  # can try again
