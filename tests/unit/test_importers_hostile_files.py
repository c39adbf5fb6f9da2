"""Hostile files given to `import`: FIFOs, devices, symlinks to them, and files too big to read.

Each must be refused in one line naming the file, promptly (no hang on a FIFO, no read of
/dev/zero until memory runs out), with the library untouched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.errors import InputFormatError, UsageError
from tui.importers import parse_file
from tui.importers.detect import MAX_FILE_BYTES, read_input_file

needs_posix = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def run_import(home: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    """`paperdeck import` in a process of its own, so a hang is a failed test, not a stuck run."""
    return subprocess.run(
        [sys.executable, "-m", "tui", "--home", str(home), "import", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=30,
    )


def assert_refused(result: subprocess.CompletedProcess[str], path: Path, what: str) -> None:
    assert result.returncode == 1, result
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"paperdeck: {path}: "), result.stderr
    assert what in result.stderr
    assert "Traceback" not in result.stderr


@needs_posix
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "papers.json"
    os.mkfifo(fifo)
    try:
        result = run_import(tmp_path / "home", fifo)
    except subprocess.TimeoutExpired:
        pytest.fail("import hung on a FIFO")
    assert_refused(result, fifo, "FIFO")


@needs_posix
def test_a_symlink_to_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "innocent.json"
    link.symlink_to(fifo)
    try:
        result = run_import(tmp_path / "home", link)
    except subprocess.TimeoutExpired:
        pytest.fail("import hung on a symlink to a FIFO")
    assert_refused(result, link, "FIFO")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_refused_before_reading(tmp_path: Path) -> None:
    # Before the fix, /dev/zero was read until memory ran out; cap the child at 1 GB of
    # address space so a regression fails here instead of taking the machine down.
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from tui.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "--home", str(tmp_path / "home"), "import", "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert_refused(result, Path("/dev/zero"), "device")


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "huge.json"
    with big.open("wb") as handle:  # sparse: takes no disk space and no time to write
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(InputFormatError) as info:
        parse_file(big)
    message = str(info.value)
    assert message.startswith(f"{big}: ") and "256 MB import limit" in message
    assert "\n" not in message


def test_the_read_stops_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "papers.json"
    path.write_bytes(b"[" + b" " * 100 + b"]")
    assert read_input_file(path, limit=102) == path.read_bytes()
    with pytest.raises(InputFormatError, match="import limit"):
        read_input_file(path, limit=101)


def test_a_symlink_to_a_regular_file_is_read(tmp_path: Path, fixtures_dir: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(fixtures_dir / "hf_daily_papers_sample.json")
    assert parse_file(link).papers


def test_a_folder_and_a_missing_file_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        parse_file(tmp_path)
    with pytest.raises(UsageError, match="no such file"):
        parse_file(tmp_path / "missing.json")


@needs_posix
def test_good_files_beside_a_fifo_are_still_imported(tmp_path: Path, fixtures_dir: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    good = fixtures_dir / "arxiv_query_sample.atom"
    try:
        result = run_import(tmp_path / "home", fifo, good)
    except subprocess.TimeoutExpired:
        pytest.fail("import hung on a FIFO")
    assert result.returncode == 1
    assert "FIFO" in result.stderr
    assert "5 added" in result.stdout


@pytest.mark.parametrize(
    "data",
    [
        '[{"paper": {"id": "2601.00001", "title": "Lone \\ud800 surrogate",'
        ' "authors": [{"name": "X \\udfff"}]}}]',
        '[{"id": "arxiv:2601.00001", "arxiv_id": "2601.00001", "title": "Lone \\ud800 surrogate",'
        ' "authors": ["X \\udfff"], "sources": [], "status": "later", "starred": false,'
        ' "tags": ["t\\ud800"], "note": "n\\udc00"}]',
    ],
    ids=["hf-json", "paperdeck-json"],
)
def test_a_lone_surrogate_in_json_is_stored_as_a_replacement_character(
    tmp_path: Path, data: str
) -> None:
    """JSON may escape a lone surrogate, which UTF-8 cannot hold: the store's write crashed."""
    from tui.store import Library

    path = tmp_path / "papers.json"
    path.write_text(data, "utf-8")
    home = tmp_path / "home"
    result = run_import(home, path)
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout
    with Library.open(home) as lib:
        paper = lib.papers()["arxiv:2601.00001"]
        assert paper.title == "Lone \ufffd surrogate"
        assert paper.authors == ["X \ufffd"]
