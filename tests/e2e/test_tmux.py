"""End to end: the installed `paperdeck` in a real terminal (tmux) on the demo library.

Starts `paperdeck --home TMP` in a detached tmux session, waits for the list to paint, triages
the first papers by sending keys (a, d, x, s), quits with q, then checks that
`paperdeck --home TMP list --json` shows exactly those decisions and nothing else changed.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from tmux_driver import PAPERDECK, TMUX, Tmux, painted_list, paperdeck_cli

pytestmark = pytest.mark.e2e


def _list_json(home: Path, *query: str) -> list[dict[str, object]]:
    return json.loads(paperdeck_cli(home, "list", "--json", *query))  # type: ignore[no-any-return]


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it with apt-get)")
@pytest.mark.skipif(
    PAPERDECK is None, reason="the paperdeck command is not installed (pip install -e .)"
)
def test_triage_in_a_real_terminal_is_what_list_shows(tmp_path: Path, tmux: Tmux) -> None:
    home = tmp_path / "home"
    session = "triage"
    tmux.start(session, f"{PAPERDECK} --home {home}")
    tmux.wait_for(session, painted_list, "the first painted list")
    inbox_order = [p["id"] for p in _list_json(home, "is:inbox")]
    assert len(inbox_order) > 10  # the demo library was loaded

    # later, done, skip (each advances), then star the fourth paper (stays on it)
    for key in ("a", "d", "x", "s"):
        tmux.keys(session, key)
        time.sleep(0.15)
    tmux.wait_for(session, lambda s: "★ 1" in s, "the header to count the star")
    tmux.keys(session, "q")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and tmux.has_session(session):
        time.sleep(0.1)
    assert not tmux.has_session(session), "paperdeck did not quit on q:\n" + tmux.screen(session)

    papers = {p["id"]: p for p in _list_json(home)}
    first, second, third, fourth = inbox_order[:4]
    assert papers[first]["status"] == "later"
    assert papers[second]["status"] == "done"
    assert papers[third]["status"] == "skipped"
    assert papers[fourth]["status"] == "inbox" and papers[fourth]["starred"] is True
    touched = {
        pid
        for pid, p in papers.items()
        if p["status"] != "inbox" or p["starred"] or p["tags"] or p["note"]
    }
    assert touched == {first, second, third, fourth}


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it with apt-get)")
@pytest.mark.skipif(
    PAPERDECK is None, reason="the paperdeck command is not installed (pip install -e .)"
)
def test_keys_typed_at_once_after_slash_go_to_the_filter(tmp_path: Path, tmux: Tmux) -> None:
    """`send-keys '/lora'` writes all five keys to the terminal at once, as a fast typist or a
    paste does: they type "lora" in the filter (they were dropped; before that, run as triage
    keys) and no paper changes state."""
    home = tmp_path / "home"
    session = "filter"
    tmux.start(session, f"{PAPERDECK} --home {home}")
    everything = _shown(tmux.wait_for(session, painted_list, "the first painted list"))
    tmux.keys(session, "/lora")
    screen = tmux.wait_for(
        session,
        lambda s: _filter_holds(s, "lora") and 0 < _shown(s) < everything,
        "the filter to hold lora and the list to show fewer papers",
    )
    tmux.keys(session, "Enter")
    time.sleep(0.3)  # enter moves the focus to the list through a message: q right behind it
    tmux.keys(session, "q")  # would still be typed in the filter
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and tmux.has_session(session):
        time.sleep(0.1)
    assert not tmux.has_session(session), "paperdeck did not quit on q:\n" + tmux.screen(session)
    touched = [p["id"] for p in _list_json(home) if p["status"] != "inbox" or p["starred"]]
    assert touched == [], screen


def _filter_holds(screen: str, text: str) -> bool:
    """The filter bar shows exactly `text` (alone on its line, or between the pane borders)."""
    return re.search(rf"(?m)(^|▕)\s*{re.escape(text)}\s*(▏|$)", screen) is not None


def _shown(screen: str) -> int:
    """The header's count of papers shown ("Inbox: 5 shown"); -1 when it is not on screen."""
    found = re.search(r"(\d+) shown", screen)
    return int(found.group(1)) if found else -1
