"""The `paperdeck` command line end to end on a real home: commands, output, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tui
from tui.cli import main
from tui.demo import fill_demo_if_empty
from tui.store import Library

CORE_MODULES = [
    "tui.models",
    "tui.errors",
    "tui.paths",
    "tui.links",
    "tui.facts",
    "tui.memory",
    "tui.config",
    "tui.views",
    "tui.snapshot",
    "tui.search_session",
    "tui.preferences",
    "tui.actions",
    "tui.triage_session",
    "tui.store",
    "tui.store.startup_cache",
    "tui.query",
    "tui.query.pages",
    "tui.importers",
    "tui.sources",
    "tui.sync",
    "tui.readinglist",
    "tui.export",
    "tui.demo",
    "tui.rank",
    "tui.rank.engine",
    "tui.cli",
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seeded(home: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _, err = run(
        capsys,
        "import",
        str(fixtures_dir / "hf_daily_papers_sample.json"),
        str(fixtures_dir / "arxiv_query_sample.atom"),
    )
    assert code == 0, err
    return home


def one_line_error(err: str) -> str:
    assert err.startswith("paperdeck: "), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_import_seed_pages_completely(
    home: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = sorted(fixtures_dir.glob("0*.txt"))
    code, out, _ = run(capsys, "import", *map(str, seeds))
    assert code == 0
    lines = out.splitlines()
    assert "78 added" in lines[0] and "0 rejected" in lines[0]
    assert "(hf-page)" in lines[0]
    added_second = int(lines[1].split(": ")[1].split(" added")[0])
    updated_second = int(lines[1].split(", ")[1].split(" updated")[0])
    assert added_second + updated_second + int(lines[1].split(", ")[2].split()[0]) == 78
    total = len(Library.open(home).papers())
    assert total == 78 + added_second
    code, out, _ = run(capsys, "import", *map(str, seeds))
    assert "0 added" in out.splitlines()[0]


def test_list_show_and_triage_commands(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "star", "2608.09888", "arXiv:1706.03762")[1].strip() == "star 2 papers"
    assert run(capsys, "tag", "2608.09888", "+to-read", "+Vision")[0] == 0
    assert run(capsys, "status", "later", "https://arxiv.org/abs/2608.09888v1")[0] == 0
    assert run(capsys, "note", "2608.09888", "check the ablations")[0] == 0
    code, out, _ = run(capsys, "list", "is:later", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["arxiv_id"] for r in rows] == ["2608.09888"]
    assert rows[0]["tags"] == ["to-read", "vision"] and rows[0]["starred"] is True
    assert rows[0]["note"] == "check the ablations"
    code, out, _ = run(capsys, "list", "is:starred")
    assert code == 0 and len(out.splitlines()) == 2 and "★" in out
    code, out, _ = run(capsys, "show", "1706.03762")
    assert "Attention Is All You Need" in out and "arXiv:1706.03762v7" in out
    assert run(capsys, "undo")[1].strip() == "undo: note on 1 paper"
    assert run(capsys, "redo")[1].strip() == "redo: note on 1 paper"
    code, out, _ = run(capsys, "stats")
    assert "later 1" in out and "starred 2" in out and "to-read (1)" in out
    assert run(capsys, "rename-tag", "to-read", "queue")[0] == 0
    assert Library.open(seeded).state("arxiv:2608.09888").tags == ["queue", "vision"]


def test_list_limit(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--limit", "3")
    assert code == 0 and len(out.splitlines()) == 3


@pytest.mark.parametrize("fmt", ["json", "md", "csv", "bibtex", "ris"])
def test_export_formats_to_file(
    seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    target = tmp_path / f"out.{fmt}"
    run(capsys, "star", "1706.03762")
    code, _, err = run(capsys, "export", "--format", fmt, "is:starred", "-o", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert "Attention Is All You Need" in text
    assert "Backtrader" not in text  # only what the query selected


# ------------------------------------------------------------------ bad input, one line each


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.json", b"", "empty"),
        ("truncated.json", b'[{"paper": {"id": "2608.09888", "title": "x"', "JSON"),
        ("page.html", b"<!DOCTYPE html><html><body>Daily Papers</body></html>", "HTML"),
        ("blob.bin", bytes(range(256)) * 4, "binary"),
        ("notes.csv", b"a,b,c\n1,2,3\n", "format"),
    ],
)
def test_bad_import_files(
    home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    expected: str,
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    code, _, err = run(capsys, "import", str(bad))
    assert code == 1
    assert name in one_line_error(err)
    assert expected.lower() in err.lower()
    assert not (home / "catalog.json").exists()


def test_missing_import_file(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "import", "/nonexistent/papers.json")
    assert code == 1 and "/nonexistent/papers.json" in one_line_error(err)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["show", "9999.99999"], "9999.99999"),
        (["star", "2608.09888", "0000.00000"], "0000.00000"),
        (["list", 'title:"unclosed'], "position"),
        (["list", "upvotes:>lots"], "upvotes"),
        (["status", "someday", "2608.09888"], "someday"),
        (["export", "--format", "docx"], "docx"),
        (["tag", "2608.09888"], "tag"),
        (["list", "--limit", "-1"], "limit"),
    ],
)
def test_usage_errors_exit_2(
    seeded: Path, capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    before = {p.name: p.read_bytes() for p in seeded.rglob("*.json")}
    code, _, err = run(capsys, *args)
    assert code == 2
    assert needle in one_line_error(err)
    assert {p.name: p.read_bytes() for p in seeded.rglob("*.json")} == before


def test_unknown_command_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2
    assert "frobnicate" in one_line_error(capsys.readouterr().err)


def test_corrupt_store_file_one_line(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (seeded / "catalog.json").write_text("{not json")
    code, _, err = run(capsys, "list")
    assert code == 1
    assert "catalog.json" in one_line_error(err) and "moved aside" in err
    assert (next(seeded.glob("catalog.json.corrupt-*"))).read_text() == "{not json"
    # The demo filler must not paper over the damaged library.
    assert fill_demo_if_empty(Library.open(seeded)) is None


def test_second_writer_is_told_who_holds_the_lock(
    seeded: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys, time
                from pathlib import Path
                from tui.store.lock import LibraryLock
                with LibraryLock(Path(sys.argv[1]) / ".lock").hold():
                    print("held", flush=True)
                    time.sleep(30)
                """
            ),
            str(seeded),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("PAPERDECK_LOCK_TIMEOUT", "0.3")
        code, _, err = run(capsys, "star", "2608.09888")
        assert code == 1
        assert f"process {holder.pid}" in one_line_error(err)
    finally:
        holder.kill()
        holder.wait()
    assert not Library.open(seeded).state("arxiv:2608.09888").starred


def test_app_refuses_without_a_terminal(home: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui", "--home", str(home)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert out.returncode == 2
    assert "needs a terminal" in out.stderr and out.stderr.count("\n") == 1
    # The demo library was filled on the way, so the next `list` shows real papers.
    listing = subprocess.run(
        [sys.executable, "-m", "tui", "--home", str(home), "list", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert len(json.loads(listing.stdout)) == 145


def test_demo_fills_only_an_empty_library(home: Path) -> None:
    lib = Library.open(home)
    notice = fill_demo_if_empty(lib)
    assert notice is not None and "demo papers" in notice
    count = len(lib.papers())
    assert count == 145  # 78 + 78 papers, 11 of them on both pages
    assert fill_demo_if_empty(lib) is None
    assert len(Library.open(home).papers()) == count


def test_headless_commands_never_import_textual(seeded: Path) -> None:
    code = textwrap.dedent(
        """
        import sys
        from tui.cli import main
        for args in (["list", "diffusion"], ["stats"], ["export", "--format", "bibtex"]):
            assert main(["--home", sys.argv[1], *args]) == 0
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
        print(",".join(loaded))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(seeded)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "textual" not in out.stdout.splitlines()[-1]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_without_textual(module: str) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys, {module}; print(any(m.split('.')[0] == 'textual' for m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"paperdeck {tui.__version__}\n"


def test_the_installed_version_is_the_package_s() -> None:
    # The build reads the version from tui/__init__.py ([tool.hatch.version]): the installed
    # metadata must say the same, or `--version` would disagree with pip.
    from importlib.metadata import version

    assert version("paperdeck") == tui.__version__
