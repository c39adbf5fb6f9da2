"""A triage write from the command line imports only what it needs.

`paperdeck star ID` should start in well under 150 ms at any library size; nearly all of a
whole-process run is imports, so the heavy ones stay off its path: the catalog's decoders and
msgspec, export, the query engine, ranking, the network, Textual; and `dataclasses` (with the
`inspect`, `ast` and `dis` it imports), orjson (which imports `dataclasses`, `uuid` and
`datetime`), `uuid` and `datetime`: the records on the path are `tui.records` classes and the
small files it reads and writes go through `tui.store.jsonbytes`. Each command here is the real
program in its own process (`python -X importtime -m tui ...`), and the modules it imported are
read from the interpreter's own report. Not a timing test: it says which modules, not how long.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.cli_args import EXPORT_FORMATS
from tui.export import FORMATS

HEAVY = (
    "msgspec",
    "orjson",
    "dataclasses",
    "inspect",
    "ast",
    "dis",
    "uuid",
    "datetime",
    "numpy",
    "rapidfuzz",
    "httpx",
    "textual",
    "rich",
    "concurrent.futures",
    "importlib.metadata",
    "tui.paper",
    "tui.export",
    "tui.escaping",
    "tui.query",
    "tui.rank",
    "tui.sync",
    "tui.sources",
    "tui.importers",
    "tui.store.catalog_file",
    "tui.store.texts",
    "tui.store.merge",
    "tui.store.upsert",
    "tui.cli_commands.reading",
    "tui.cli_commands.importing",
    "tui.cli_commands.syncing",
)
"""Modules (and their submodules) a triage command must not import."""


@pytest.fixture
def library(home: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["import", str(fixtures_dir / "hf_daily_papers_sample.json")]) == 0
    capsys.readouterr()
    return home


def imported(home: Path, *args: str) -> set[str]:
    """The modules a real `python -m tui --home HOME ARGS` imported (it must succeed)."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tui", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",  # the installed package, as a user runs it
    )
    assert out.returncode == 0, out.stderr[-2000:]
    names = set()
    for line in out.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    assert "tui.cli" in names  # the report is there at all
    return names


def heavy(names: set[str]) -> list[str]:
    return sorted(n for n in names if any(n == h or n.startswith(h + ".") for h in HEAVY))


TRIAGE = [
    ("star", "ID"),
    ("unstar", "ID"),
    ("tag", "ID", "+deep", "-deep"),
    ("status", "later", "ID"),
    ("note", "ID", "read the appendix"),
    ("undo",),
    ("redo",),
]


@pytest.mark.parametrize("command", TRIAGE, ids=lambda c: c[0])
def test_triage_command_imports_nothing_heavy(library: Path, command: tuple[str, ...]) -> None:
    args = [("2608.09888v1" if word == "ID" else word) for word in command]
    if command[0] == "redo":
        imported(library, "undo")  # something to redo
    assert heavy(imported(library, *args)) == []


def test_version_imports_nothing_heavy(library: Path) -> None:
    # The version is written in the package (tui.__version__), not looked up in its metadata.
    assert heavy(imported(library, "--version")) == []


def test_the_check_sees_a_heavy_command(library: Path) -> None:
    # `list` does import the query engine: the check above would catch it on a triage path.
    assert "tui.query" in heavy(imported(library, "list", "diffusion"))


def test_export_formats_named_by_the_parser_are_exports() -> None:
    assert EXPORT_FORMATS == FORMATS
