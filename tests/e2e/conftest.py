"""Fixtures for the end-to-end tests: a private tmux server per test (tests/tmux_driver.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tmux_driver import TMUX, Tmux


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    """A tmux server of its own (never the user's), killed when the test ends."""
    if TMUX is None:
        pytest.skip("tmux is not installed (CI installs it with apt-get)")
    server = Tmux("paperdeck-e2e")
    try:
        yield server
    finally:
        server.close()
