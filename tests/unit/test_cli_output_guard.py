"""The CLI's output guard: nothing it prints carries an escape sequence or a bidi control.

Server text is cleaned where a message is built (see test_sources_hostile); the guard in the
CLI's printing catches whatever else reaches a terminal line (here: a path the user typed, and a
feed error line from a hostile server, end to end through `paperdeck sync`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixture_server import FixtureServer, Reply, network_toml

from tui.cli import main
from tui.store import Library

UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = "h\x1b]0;pwned\x07\x1b]52;c;aGk=\x07\u202eevil"


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


def test_printed_lines_carry_no_escape_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / HOSTILE
    Library.open(home).close()  # a library (a missing one is an error, tested below)
    assert main(["--home", str(home), "stats"]) == 0
    out = capsys.readouterr().out
    assert "library: " in out and "]0;pwned" in out  # shown, but inert
    assert not UNSAFE.search(out), repr(out)


def test_an_error_line_carries_no_escape_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("in the way")
    assert main(["--home", str(tmp_path / "file" / HOSTILE), "stats"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("paperdeck: ") and err.count("\n") == 1
    assert not UNSAFE.search(err.rstrip("\n")), repr(err)


def test_a_hostile_reason_phrase_reaches_the_sync_error_line_inert(
    home: Path, server: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/api/daily_papers", Reply(status=404, reason="Gone\x1b]0;pwned\x07\x1b[2J"))
    feeds = '[[feeds]]\nsource = "hf-daily"\nname = "hf"\ndays = 1\n'
    (home / "config.toml").write_text(network_toml(server) + "\n" + feeds)
    assert main(["sync"]) == 1
    err = capsys.readouterr().err
    assert "HTTP 404 Gone ]0;pwned [2J" in err
    assert not UNSAFE.search(err.replace("\n", "")), repr(err)


def test_an_import_error_naming_a_hostile_file_name_is_inert(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file from a synced folder may carry any name: the import's error line names it, and
    was printed raw (an ESC in the name set the terminal's title)."""
    bad = tmp_path / f"{HOSTILE}\nsecond line.json"
    bad.write_text("{not json")
    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("paperdeck: ") and err.count("\n") == 1, repr(err)
    assert "]0;pwned" in err and not UNSAFE.search(err.rstrip("\n")), repr(err)
