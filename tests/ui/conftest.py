"""Fixtures for the interface tests (helpers live in ui_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import fill_library


@pytest.fixture
def library_home(home: Path) -> Path:
    """A home with the sample papers (real store, fixed data), nothing triaged."""
    fill_library(home)
    return home
