"""`S` syncs in the background against a real local HTTP server, then shows the new papers."""

from __future__ import annotations

import json
from pathlib import Path

from fixture_server import FixtureServer, Reply, local_config, network_toml
from ui_helpers import make_app, sample_papers, settle, wait_ready

from tui.config import FeedConfig, load_config
from tui.store import Library
from tui.views import View


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


async def test_sync_key_also_merges_the_configured_reading_list(
    library_home: Path, tmp_path: Path
) -> None:
    """`S` is the whole sync, as `paperdeck sync` is: the feeds, then the reading list."""
    shared = tmp_path / "Sync" / "reading-list.json"
    shared.parent.mkdir()
    decided_elsewhere = [
        {
            "id": "arxiv:1706.03762",
            "title": "Attention Is All You Need",
            "status": "later",
            "times": {"status": 1900000000.0},
        },
        {
            "id": "arxiv:2401.00001",
            "title": "A Paper Only The File Knows",
            "status": "later",
            "starred": True,
            "times": {"status": 1900000000.0, "starred": 1900000000.0},
        },
    ]
    shared.write_text(
        json.dumps({"format": "paperdeck-reading-list", "version": 1, "papers": decided_elsewhere}),
        encoding="utf-8",
    )
    with Library.open(library_home) as lib:
        lib.set_starred(["arxiv:2206.00927"], True)  # decided here: the file must learn it
    with FixtureServer() as server:
        server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
        config_path = tmp_path / "config.toml"
        config_path.write_text(
            f'reading_list = "{shared}"\n\n{network_toml(server)}\n'
            '[[feeds]]\nsource = "hf-daily"\ndays = 1\n',
            encoding="utf-8",
        )
        app = make_app(library_home, config=load_config(config_path))
        async with app.run_test(size=(140, 40)) as pilot:
            await wait_ready(pilot)
            await pilot.press("S")
            await settle(pilot)
            assert not app.triage.sync_runner.running
            assert any("reading list" in m for m in app.messages()), app.notices
            await settle(pilot)
            app.triage.go_to_view(View("smart", "later"))
            await settle(pilot)
            assert set(app.triage.paper_list.rows) == {"arxiv:1706.03762", "arxiv:2401.00001"}
    with Library.open(library_home) as lib:
        assert lib.state("arxiv:1706.03762").status == "later"
        assert lib.state("arxiv:2401.00001").starred
        assert len(lib.papers()) == len(sample_papers()) + 8 + 1  # the feed's 8, the file's 1
    written = {p["id"]: p for p in json.loads(shared.read_text(encoding="utf-8"))["papers"]}
    assert set(written) == {"arxiv:1706.03762", "arxiv:2401.00001", "arxiv:2206.00927"}
    assert written["arxiv:2206.00927"]["starred"] is True
