"""run_sync against a real local server and a real Library in tmp_path.

For every failure: what the user sees, that retries stopped (requests counted at the server),
and that the store holds what it held before - or the complete new data, never half.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fixture_server import (
    FIXTURES,
    FixtureServer,
    RecordedRequest,
    Reply,
    local_config,
    network_toml,
)

from tui.config import Config, FeedConfig, load_config
from tui.errors import StoreError, UsageError
from tui.models import Paper
from tui.store import Library
from tui.sync import NOTHING_TO_SYNC, READING_LIST, SummaryLine, SyncReport, run_sync

TODAY = date(2026, 8, 13)
HF = FeedConfig(source="hf-daily", name="hf-daily", days=1)
ARXIV = FeedConfig(source="arxiv", name="arxiv", query="cat:cs.CL", max_results=10)
RSS = FeedConfig(source="arxiv-rss", name="cs.CL", category="cs.CL")
SEARCH = FeedConfig(source="hf-search", name="search", query="diffusion")


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    library = Library.open(tmp_path / "home")
    yield library
    library.close()


def serve_all(server: FixtureServer) -> None:
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
    server.route("/api/papers/search", Reply.file("hf_papers_search_sample.json"))
    server.route("/api/query", Reply.file("arxiv_query_sample.atom"))
    server.route("/rss/cs.CL", Reply.file("arxiv_rss_sample.xml"))


def sync(lib: Library, config: Config, **kwargs: Any) -> SyncReport:
    return run_sync(lib, config, today=TODAY, **kwargs)


def snapshot(lib: Library) -> dict[str, dict[str, Any]]:
    return {pid: paper.to_dict() for pid, paper in lib.papers().items()}


def daily_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(
        (FIXTURES / "hf_daily_papers_sample.json").read_text(encoding="utf-8")
    )
    return items


def test_every_fixture_feed_is_fetched_and_merged(server: FixtureServer, lib: Library) -> None:
    serve_all(server)
    config = local_config(server, feeds=[HF, SEARCH, ARXIV, RSS])
    report = sync(lib, config)
    assert report.ok and not report.cancelled
    assert [f.summary for f in report.feeds] == [
        "+8 new, 0 updated from hf-daily",
        "+1 new, 0 updated from search",
        "+4 new, 1 updated from arxiv",  # 2608.11232 was already in from Daily Papers
        "+2 new, 3 updated from cs.CL",  # 11232, 11249, 11788 merge by arXiv id
    ]
    papers = lib.papers()
    assert len(papers) == 15
    merged = papers["arxiv:2608.11232"]
    assert {"hf-daily", "arxiv", "arxiv-rss"} <= set(merged.sources)
    assert merged.comments == 0  # the HF field survives the arXiv merges
    assert merged.categories  # and arXiv's categories were added
    # New papers have no state: they are in the inbox.
    assert lib.states() == {}
    assert lib.status_counts()["inbox"] == 15


def test_meta_new_since_and_last_sync(server: FixtureServer, lib: Library) -> None:
    serve_all(server)
    report = sync(lib, local_config(server, feeds=[HF, ARXIV]))
    new_since = lib.get_meta("new_since")
    assert new_since == report.started_at
    assert all((p.first_seen or "") >= new_since for p in lib.papers().values())
    assert lib.get_meta("last_sync:hf-daily") and lib.get_meta("last_sync:arxiv")
    assert lib.get_meta("last_sync") == max(
        lib.get_meta("last_sync:hf-daily"), lib.get_meta("last_sync:arxiv")
    )
    # A sync that adds nothing leaves new_since alone, so `is:new` still shows the last arrivals.
    lib.set_meta("new_since", "2000-01-01T00:00:00Z")
    again = sync(lib, local_config(server, feeds=[HF]))
    assert again.added == 0
    assert lib.get_meta("new_since") == "2000-01-01T00:00:00Z"


def test_hf_fields_refresh_and_user_state_is_kept(server: FixtureServer, lib: Library) -> None:
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
    config = local_config(server, feeds=[HF])
    sync(lib, config)
    pid = "arxiv:2608.09888"
    lib.set_status([pid], "later")
    lib.toggle_star([pid])
    lib.edit_tags([pid], add=["agents"])
    before_state = lib.state(pid)

    items = daily_items()
    paper = items[0]["paper"]
    paper["upvotes"] = 999
    paper["githubRepo"] = "https://github.com/example/new-home"
    paper["ai_summary"] = "A refreshed summary."
    items[0]["numComments"] = 42
    server.route("/api/daily_papers", Reply.json(items))
    report = sync(lib, config)

    assert report.feeds[0].updated == [pid]
    refreshed = lib.get(pid)
    assert refreshed is not None
    assert refreshed.upvotes == 999 and refreshed.comments == 42
    assert refreshed.github_repo == "https://github.com/example/new-home"
    assert refreshed.ai_summary == "A refreshed summary."
    assert lib.state(pid) == before_state


def test_weekend_and_empty_results_are_not_errors(server: FixtureServer, lib: Library) -> None:
    server.route("/api/daily_papers", Reply.json([]))
    server.route("/api/query", Reply.file("arxiv_query_empty.atom"))
    report = sync(lib, local_config(server, feeds=[replace(HF, days=2), ARXIV]))
    assert report.ok
    assert [f.summary for f in report.feeds] == [
        "+0 new, 0 updated from hf-daily",
        "+0 new, 0 updated from arxiv",
    ]
    assert lib.papers() == {}
    assert lib.get_meta("new_since") is None
    assert lib.get_meta("last_sync:hf-daily")  # an empty day still counts as a success


def test_a_failure_half_way_leaves_the_catalog_as_before(
    server: FixtureServer, lib: Library
) -> None:
    serve_all(server)
    sync(lib, local_config(server, feeds=[SEARCH]))
    before = snapshot(lib)
    last_sync = lib.get_meta("last_sync:search")

    def third_day_breaks(request: RecordedRequest) -> Reply:
        if request.param("date") == "2026-08-13":
            return Reply(status=503)
        return Reply.json(daily_items()[:4])

    server.route("/api/daily_papers", third_day_breaks)
    config = local_config(server, feeds=[replace(HF, days=3), ARXIV], http_retries=1)
    report = sync(lib, config)

    hf, arxiv = report.feeds
    assert not report.ok and report.failed == [hf]
    assert hf.summary.startswith("hf-daily: HTTP 503 Service Unavailable from http://127.0.0.1:")
    assert hf.summary.endswith("(gave up after 2 attempts)")
    assert hf.added == [] and hf.updated == []
    dates = [r.param("date") for r in server.requests_for("/api/daily_papers")]
    assert dates == ["2026-08-11", "2026-08-12", "2026-08-13", "2026-08-13"]
    # The two good days were fetched but never merged; the next feed still ran and merged.
    assert arxiv.ok and len(arxiv.added) == 5
    after = snapshot(lib)
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == set(arxiv.added)
    assert lib.get_meta("last_sync:hf-daily") is None
    assert lib.get_meta("last_sync:search") == last_sync


FAILURES = {
    "429 beyond max wait": (
        Reply(status=429, headers={"Retry-After": "600"}),
        1,
        "hf-daily: rate limited by 127.0.0.1 (HTTP 429 Too Many Requests); try again in 600 s",
    ),
    "503 forever": (Reply(status=503), 3, "hf-daily: HTTP 503 Service Unavailable from "),
    "connection reset": (Reply.connection_reset(), 3, "the connection was reset"),
    "slow response": (Reply(delay=3.0, body=b"[]"), 3, "hf-daily: no answer within 0.2 s"),
    "truncated json": (
        Reply.file("hf_daily_papers_sample.json", truncate=2000),
        1,
        "hf-daily: unreadable Daily Papers JSON from http://127.0.0.1:",
    ),
    "html error page": (
        Reply.html_error(status=200),
        1,
        "hf-daily: got an HTML page instead of Daily Papers JSON from http://127.0.0.1:",
    ),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_each_failure_is_reported_and_changes_nothing(
    server: FixtureServer, lib: Library, failure: str
) -> None:
    server.route("/api/query", Reply.file("arxiv_query_sample.atom"))
    sync(lib, local_config(server, feeds=[ARXIV]))
    before = snapshot(lib)
    new_since = lib.get_meta("new_since")

    reply, requests, expected = FAILURES[failure]
    server.route("/api/daily_papers", reply)
    config = local_config(server, feeds=[HF], http_retries=2, http_timeout=0.2)
    report = sync(lib, config)

    (result,) = report.feeds
    assert result.error is not None and expected in result.error
    assert "\n" not in result.error
    assert len(server.requests_for("/api/daily_papers")) == requests
    assert snapshot(lib) == before
    assert lib.get_meta("new_since") == new_since
    assert lib.get_meta("last_sync:hf-daily") is None


def test_arxiv_error_entry_is_reported_and_other_feeds_run(
    server: FixtureServer, lib: Library
) -> None:
    server.route("/api/query", Reply.file("arxiv_query_error_400.atom", status=400))
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
    report = sync(lib, local_config(server, feeds=[ARXIV, HF]))
    arxiv, hf = report.feeds
    assert arxiv.error is not None
    assert arxiv.error.startswith("arxiv: arXiv API error: start must be an integer (http://")
    assert len(server.requests_for("/api/query")) == 1
    assert hf.ok and len(hf.added) == 8
    assert len(lib.papers()) == 8


@pytest.mark.parametrize(
    "first", [Reply(status=429, headers={"Retry-After": "0"}), Reply(status=503)]
)
def test_transient_errors_recover_with_complete_data(
    server: FixtureServer, lib: Library, first: Reply
) -> None:
    server.route("/api/daily_papers", first, Reply.file("hf_daily_papers_sample.json"))
    report = sync(lib, local_config(server, feeds=[HF]))
    assert report.ok and len(report.feeds[0].added) == 8
    assert len(server.requests_for("/api/daily_papers")) == 2
    assert len(lib.papers()) == 8


def test_dry_run_reports_without_writing(server: FixtureServer, lib: Library) -> None:
    serve_all(server)
    sync(lib, local_config(server, feeds=[HF]))
    before = snapshot(lib)
    meta = lib.get_meta("last_sync:hf-daily"), lib.get_meta("new_since")
    report = sync(lib, local_config(server, feeds=[HF, ARXIV]), dry_run=True)
    assert report.dry_run and report.ok
    assert report.summary_lines() == [
        "would add 0, update 0 from hf-daily",
        "would add 4, update 1 from arxiv",
    ]
    assert snapshot(lib) == before
    assert (lib.get_meta("last_sync:hf-daily"), lib.get_meta("new_since")) == meta
    assert lib.get_meta("last_sync:arxiv") is None


def test_hf_daily_continues_from_its_last_successful_sync(
    server: FixtureServer, lib: Library
) -> None:
    server.route("/api/daily_papers", Reply.json([]))
    lib.set_meta("last_sync:hf-daily", "2026-08-10T09:30:00Z")
    sync(lib, local_config(server, feeds=[replace(HF, days=7)]))
    dates = [r.param("date") for r in server.requests_for("/api/daily_papers")]
    assert dates == ["2026-08-10", "2026-08-11", "2026-08-12", "2026-08-13"]


def test_progress_is_reported_per_request(server: FixtureServer, lib: Library) -> None:
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
    calls: list[tuple[str, int, int | None, str]] = []
    sync(
        lib,
        local_config(server, feeds=[replace(HF, days=2)]),
        progress=lambda *args: calls.append(args),
    )
    assert calls == [
        ("hf-daily", 0, None, "fetching hf-daily"),
        ("hf-daily", 1, 2, "2026-08-12: 8 papers"),
        ("hf-daily", 2, 2, "2026-08-13: 8 papers"),
        ("hf-daily", 2, 2, "+8 new, 0 updated from hf-daily"),
    ]


def test_cancel_between_requests_merges_nothing(server: FixtureServer, lib: Library) -> None:
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
    server.route("/api/query", Reply.file("arxiv_query_sample.atom"))
    cancel = threading.Event()

    def cancel_after_first_page(name: str, done: int, total: int | None, message: str) -> None:
        if done == 1:
            cancel.set()

    config = local_config(server, feeds=[replace(HF, days=3), ARXIV])
    report = sync(lib, config, progress=cancel_after_first_page, cancel=cancel)
    assert report.cancelled and not report.ok
    assert [f.summary for f in report.feeds] == ["hf-daily: cancelled, nothing merged"]
    assert report.summary_lines()[-1].startswith("sync cancelled")
    assert len(server.requests_for("/api/daily_papers")) == 1
    assert server.requests_for("/api/query") == []
    assert lib.papers() == {}


def test_ctrl_c_stops_cleanly(server: FixtureServer, lib: Library) -> None:
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))

    def interrupt(name: str, done: int, total: int | None, message: str) -> None:
        if done == 1:
            raise KeyboardInterrupt

    report = sync(lib, local_config(server, feeds=[replace(HF, days=2)]), progress=interrupt)
    assert report.cancelled and report.feeds[0].cancelled
    assert lib.papers() == {}


def test_cancel_set_before_start_fetches_nothing(server: FixtureServer, lib: Library) -> None:
    serve_all(server)
    cancel = threading.Event()
    cancel.set()
    report = sync(lib, local_config(server, feeds=[HF]), cancel=cancel)
    assert report.cancelled and report.feeds == [] and server.requests == []


def test_feeds_are_chosen_by_name(server: FixtureServer, lib: Library) -> None:
    serve_all(server)
    config = local_config(server, feeds=[HF, ARXIV])
    report = sync(lib, config, feeds=["arxiv"])
    assert [f.name for f in report.feeds] == ["arxiv"]
    assert server.requests_for("/api/daily_papers") == []
    with pytest.raises(UsageError, match=r"no feed named 'nope' \(feeds: hf-daily, arxiv\)"):
        sync(lib, config, feeds=["nope"])


def test_paper_from_a_saved_page_gains_its_arxiv_id(server: FixtureServer, lib: Library) -> None:
    title = daily_items()[0]["paper"]["title"]
    lib.upsert_papers([Paper(id="title:x", title=title)], source="hf-page")
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
    report = sync(lib, local_config(server, feeds=[HF]))
    assert len(report.feeds[0].added) == 7 and len(report.feeds[0].updated) == 1
    assert lib.get("arxiv:2608.09888") is not None
    assert len(lib.papers()) == 8


def test_a_config_file_drives_a_sync(server: FixtureServer, lib: Library, tmp_path: Path) -> None:
    serve_all(server)
    path = tmp_path / "config.toml"
    path.write_text(
        network_toml(server)
        + '\n[[feeds]]\nsource = "hf-daily"\ndays = 1\n'
        + '\n[[feeds]]\nsource = "arxiv-rss"\ncategory = "cs.CL"\nannounce_types = ["new"]\n',
        encoding="utf-8",
    )
    report = sync(lib, load_config(path))
    assert [f.summary for f in report.feeds] == [
        "+8 new, 0 updated from hf-daily",
        "+1 new, 3 updated from arxiv-rss",
    ]
    assert [r.path for r in server.requests] == ["/api/daily_papers", "/rss/cs.CL"]


# ----- the whole sync: feeds, then the reading list ------------------------------------------


def reading_list_file(path: Path, *papers: dict[str, Any]) -> Path:
    document = {"format": "paperdeck-reading-list", "version": 1, "papers": list(papers)}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_the_reading_list_runs_after_the_feeds(
    server: FixtureServer, lib: Library, tmp_path: Path
) -> None:
    # The file names a paper the feed brings: merged after the feed, it finds it in the catalog
    # (had the list run first, the file's slim copy would have been added from the file).
    shared = reading_list_file(
        tmp_path / "list.json",
        {"id": "arxiv:2608.09888", "title": "from the file", "status": "later"},
    )
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
    config = replace(local_config(server, feeds=[HF]), reading_list=shared)
    steps: list[str] = []
    report = sync(lib, config, progress=lambda step, *rest: steps.append(step))
    assert report.ok and report.changed
    assert report.reading_list is not None and report.reading_list.papers_added == 0
    assert report.reading_list.states_changed == 1
    assert lib.state("arxiv:2608.09888").status == "later"
    assert "reading-list" not in lib.papers()["arxiv:2608.09888"].sources
    assert steps[0] == "hf-daily" and steps[-1] == "reading list"
    assert report.summary_lines() == [
        "+8 new, 0 updated from hf-daily",
        f"reading list {shared}: 1 paper, 1 updated here, file written",
    ]
    written = json.loads(shared.read_text(encoding="utf-8"))["papers"]
    assert written[0]["title"] != "from the file"  # the catalog's metadata is written back


def test_a_reading_list_given_replaces_the_configured_one(
    server: FixtureServer, lib: Library, tmp_path: Path
) -> None:
    configured = tmp_path / "configured.json"
    given = reading_list_file(tmp_path / "given.json")
    config = replace(local_config(server), reading_list=configured)
    report = sync(lib, config, feeds=[], reading_list=given)
    assert report.ok and report.feeds == [] and server.requests == []
    assert report.reading_list is not None and report.reading_list.path == given
    assert not configured.exists()


def test_a_broken_reading_list_is_one_error_line_and_the_feeds_stay_merged(
    server: FixtureServer, lib: Library, tmp_path: Path
) -> None:
    shared = tmp_path / "list.json"
    shared.write_text("<<<<<<< HEAD\n{}\n", encoding="utf-8")
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
    report = sync(lib, replace(local_config(server, feeds=[HF]), reading_list=shared))
    assert not report.ok and report.changed
    assert report.reading_list is None and report.reading_list_error is not None
    (feed, broken) = report.lines()
    assert not feed.error and broken.error
    assert broken.text.startswith(f"reading list {shared} line 1: not valid JSON")
    assert "\n" not in broken.text
    assert len(lib.papers()) == 8
    assert shared.read_text(encoding="utf-8") == "<<<<<<< HEAD\n{}\n"


def test_a_cancelled_sync_does_not_merge_the_reading_list(
    server: FixtureServer, lib: Library, tmp_path: Path
) -> None:
    shared = tmp_path / "list.json"
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
    cancel = threading.Event()

    def cancel_after_the_feed(step: str, done: int, total: int | None, message: str) -> None:
        if step == "hf-daily" and message.startswith("+"):
            cancel.set()

    config = replace(local_config(server, feeds=[HF]), reading_list=shared)
    report = sync(lib, config, progress=cancel_after_the_feed, cancel=cancel)
    assert report.cancelled and report.list_skipped and report.reading_list is None
    assert report.lines()[-1] == SummaryLine(
        "sync cancelled; feeds not listed above were not fetched"
        " and the reading list was not merged",
        error=True,
    )
    assert len(lib.papers()) == 8  # the feed finished before the cancel
    assert not shared.exists()


def test_a_dry_run_writes_neither_the_library_nor_the_reading_list(
    server: FixtureServer, lib: Library, tmp_path: Path
) -> None:
    shared = tmp_path / "list.json"
    lib.upsert_papers(
        [Paper(id="arxiv:2401.00001", title="Here", arxiv_id="2401.00001")], source="t"
    )
    lib.set_status(["arxiv:2401.00001"], "later")
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))
    report = sync(lib, replace(local_config(server, feeds=[HF]), reading_list=shared), dry_run=True)
    assert report.ok and not report.changed
    assert report.summary_lines()[-1].endswith("file would be created")
    assert not shared.exists() and len(lib.papers()) == 1


def test_nothing_configured_says_so(server: FixtureServer, lib: Library) -> None:
    report = sync(lib, local_config(server, feeds=[]))
    assert report.ok and report.lines() == [] and server.requests == []
    assert report.summary == NOTHING_TO_SYNC


def test_meta_is_written_once_per_feed(server: FixtureServer, lib: Library) -> None:
    serve_all(server)
    meta_file = str(lib.home / "meta.json")
    replaced: list[str] = []

    def count(event: str, args: tuple[Any, ...]) -> None:
        if event == "os.rename" and str(args[1]) == meta_file and counting.is_set():
            replaced.append(event)

    counting = threading.Event()
    sys.addaudithook(count)  # os.replace raises the "os.rename" audit event (cannot be removed)
    counting.set()
    try:
        report = sync(lib, local_config(server, feeds=[HF, ARXIV]))
    finally:
        counting.clear()
    assert report.ok and report.added
    assert len(replaced) == 2  # new_since, last_sync and last_sync:hf-daily in one write
    assert lib.get_meta("new_since") == report.started_at
    assert lib.get_meta("last_sync") == lib.get_meta("last_sync:arxiv")


def test_ctrl_c_in_the_reading_list_keeps_the_feeds_report(
    server: FixtureServer, lib: Library, tmp_path: Path
) -> None:
    shared = tmp_path / "list.json"
    server.route("/api/daily_papers", Reply.file("hf_daily_papers_sample.json"))

    def interrupt(step: str, done: int, total: int | None, message: str) -> None:
        if step == READING_LIST:
            raise KeyboardInterrupt

    config = replace(local_config(server, feeds=[HF]), reading_list=shared)
    report = sync(lib, config, progress=interrupt)
    assert report.cancelled and not report.ok
    assert report.lines() == [
        SummaryLine("+8 new, 0 updated from hf-daily"),
        SummaryLine(f"reading list {shared}: interrupted; sync again to finish merging it", True),
    ]
    assert len(lib.papers()) == 8 and not shared.exists()


def test_an_unexpected_error_in_one_feed_fails_that_feed_and_the_next_runs(
    server: FixtureServer, lib: Library
) -> None:
    # A stored value the merge cannot compare with what the server sends (a version written as
    # text by another tool): merging the arXiv answer raises TypeError inside the store.
    lib.upsert_papers(
        [Paper(id="arxiv:2608.11232", title="Backtrader", arxiv_id="2608.11232", version="2")],  # type: ignore[arg-type]
        source="elsewhere",
    )
    serve_all(server)
    report = sync(lib, local_config(server, feeds=[ARXIV, HF]))
    arxiv, hf = report.feeds
    assert not arxiv.ok and arxiv.error is not None
    assert arxiv.error.startswith("arxiv: unexpected TypeError: ")
    assert "\n" not in arxiv.error and arxiv.error.isprintable()
    assert hf.ok and len(hf.added) == 7  # the later feed still ran and merged
    assert "arxiv:2608.09888" in lib.papers()


def test_a_value_that_cannot_be_written_does_not_break_later_writes(lib: Library) -> None:
    # orjson refuses integers of 2**64 and up; TinyDB had already put the value into the cached
    # document, so every later catalog write in this process failed the same way.
    first = Paper(id="arxiv:2608.00001", title="First", arxiv_id="2608.00001")
    lib.upsert_papers([first], source="x")  # the catalog file exists: its document is cached
    hostile = Paper(id="arxiv:2608.00002", title="Huge", arxiv_id="2608.00002", upvotes=2**64)
    with pytest.raises(StoreError, match=r"catalog\.json"):
        lib.upsert_papers([hostile], source="x")
    good = Paper(id="arxiv:2608.00003", title="Fine", arxiv_id="2608.00003", upvotes=3)
    assert lib.upsert_papers([good], source="x").added == ["arxiv:2608.00003"]
    on_disk = json.loads((lib.home / "catalog.json").read_text(encoding="utf-8"))
    assert set(on_disk["papers"]) == {"arxiv:2608.00001", "arxiv:2608.00003"}
