"""Shared test fixtures: a fresh library home in a temp folder and the recorded API responses."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures_dir() -> Path:
    """The recorded Hugging Face / arXiv responses and the two saved HF Papers pages."""
    return FIXTURES


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty paperdeck home; PAPERDECK_HOME points at it so nothing touches the real one."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("PAPERDECK_HOME", str(path))
    return path


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI (`CI=true`, which `.ci/run` sets) a skipped end-to-end test is a failure: a missing
    tmux or an uninstalled command must not pass for a green run."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and _in_ci() and item.get_closest_marker("e2e") is not None:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        reason = str(reason).removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"an end-to-end test was skipped in CI ({reason})"
