"""`paperdeck sync` end to end: the real CLI against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixture_server import FixtureServer, Reply, network_toml

from tui.cli import main
from tui.store import Library
from tui.store.startup_cache import cache_path, load_startup_page


@pytest.fixture
def server(fixtures_dir: Path) -> Iterator[FixtureServer]:
    with FixtureServer(fixtures_dir) as srv:
        yield srv


def write_config(home: Path, server: FixtureServer, extra: str = "") -> None:
    feeds = (
        '[[feeds]]\nsource = "hf-daily"\nname = "hf"\nperiod = "month"\n\n'
        '[[feeds]]\nsource = "arxiv"\nname = "arxiv-lg"\nquery = "cat:cs.LG"\nmax_results = 5\n'
    )
    (home / "config.toml").write_text(extra + network_toml(server) + "\n" + feeds)


def test_sync_pulls_feeds_and_reports(
    home: Path, server: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"), Reply.json([]))
    server.route("/api/query", Reply.file("arxiv_query_sample.atom"))
    write_config(home, server)
    assert main(["sync"]) == 0
    out = [line for line in capsys.readouterr().out.splitlines() if line.startswith("+")]
    assert out[0].startswith("+8 new") and out[0].endswith("from hf")
    assert out[1].endswith("from arxiv-lg") and out[1].startswith("+4 new, 1 updated")
    lib = Library.open(home)
    assert len(lib.papers()) == 12
    assert lib.get("arxiv:2608.09888").upvotes == 781  # type: ignore[union-attr]
    # The app's next start paints from the start-up cache the sync saved.
    lib.states()
    page = load_startup_page(lib, "is:inbox", new_since=lib.get_meta("new_since"))
    assert page is not None and len(page.rows) == 12
    assert main(["list", "is:new", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 12
    for request in server.requests:
        headers = {k.lower(): v for k, v in request.headers.items()}
        assert headers["user-agent"].startswith("paperdeck/")


def test_sync_dry_run_writes_nothing(
    home: Path, server: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"), Reply.json([]))
    server.route("/api/query", Reply.file("arxiv_query_sample.atom"))
    write_config(home, server)
    assert main(["sync", "--dry-run", "--feed", "hf"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "would add 8, update 0 from hf"
    assert Library.open(home).is_empty()
    assert not cache_path(home).exists()


def test_failing_feed_is_one_line_and_others_still_run(
    home: Path, server: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"), Reply.json([]))
    server.route("/api/query", Reply.file("arxiv_query_error_400.atom", status=400))
    write_config(home, server)
    assert main(["sync"]) == 1
    captured = capsys.readouterr()
    assert "+8 new, 0 updated from hf" in captured.out.splitlines()
    err = captured.err
    assert err.count("\n") == 1 and err.startswith("paperdeck: arxiv-lg: ")
    assert "Traceback" not in err
    assert len(Library.open(home).papers()) == 8


def test_unknown_feed_is_a_usage_error(
    home: Path, server: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(home, server)
    assert main(["sync", "--feed", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_broken_config_is_one_line(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "config.toml").write_text("[network\ntimeout = 3\n")
    assert main(["sync"]) == 1
    err = capsys.readouterr().err
    assert "config.toml" in err and err.count("\n") == 1


def test_sync_list_alone_and_configured(
    home: Path, server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"), Reply.json([]))
    server.route("/api/query", Reply.file("arxiv_query_sample.atom"))
    shared = tmp_path / "Sync" / "reading-list.json"
    shared.parent.mkdir()
    write_config(home, server, extra=f'reading_list = "{shared}"\n')
    assert main(["sync"]) == 0
    assert shared.exists()
    assert main(["status", "later", "2608.09888"]) == 0
    capsys.readouterr()
    assert main(["sync", "--list", str(shared)]) == 0
    assert "reading list" in capsys.readouterr().out
    entries = json.loads(shared.read_text())
    assert "2608.09888" in json.dumps(entries)


def test_a_broken_reading_list_is_one_line_after_the_feeds(
    home: Path, server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"), Reply.json([]))
    shared = tmp_path / "reading-list.json"
    shared.write_text('{"format": "something else"}', encoding="utf-8")
    write_config(home, server, extra=f'reading_list = "{shared}"\n')
    assert main(["sync", "--feed", "hf"]) == 1
    captured = capsys.readouterr()
    assert "+8 new, 0 updated from hf" in captured.out.splitlines()
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(f"paperdeck: reading list {shared} line 1: not a paperdeck")
    assert len(Library.open(home).papers()) == 8
    assert shared.read_text(encoding="utf-8") == '{"format": "something else"}'


def test_sync_list_with_a_feed_runs_both(
    home: Path, server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"), Reply.json([]))
    shared = tmp_path / "reading-list.json"
    write_config(home, server)
    assert main(["sync", "--feed", "hf", "--list", str(shared)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "+8 new, 0 updated from hf" in out
    assert out[-1] == f"reading list {shared}: 0 papers, 0 updated here, file created"
    assert server.requests_for("/api/query") == []


def test_sync_with_nothing_configured_says_so(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "config.toml").write_text("feeds = []\n")
    assert main(["sync"]) == 0
    assert capsys.readouterr().out == "nothing to sync: no feeds or reading list configured\n"
