"""Shared test fixtures: a fresh library home in a temp folder and the recorded API responses."""

from __future__ import annotations

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
