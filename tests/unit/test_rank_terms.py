"""The ranking terms in the query language and the CLI, numpy staying out of queries that do not
rank, the interests setting, and the saved matrix surviving a kill in the middle of a write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.unit.test_rank import make_papers
from tui.cli import main
from tui.config import parse_config
from tui.errors import InputFormatError
from tui.query import QuerySyntaxError, parse
from tui.query.nodes import Rank
from tui.rank import storage
from tui.store import Library

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "rank", "sort"),
    [
        ("sort:for-you", Rank("for-you"), None),
        ("diffusion sort:foryou", Rank("for-you"), None),
        ("like:#Diffusion", Rank("tag", ("diffusion",)), None),
        ("like:2206.00927", Rank("like", ("2206.00927",)), None),
        ("like:2206.00927,arxiv:2301.1", Rank("like", ("2206.00927", "arxiv:2301.1")), None),
        ("like:#rl sort:date", None, "date"),
        ("sort:date like:#rl", Rank("tag", ("rl",)), None),
        ("is:inbox", None, None),
    ],
)
def test_ranking_terms_parse_and_the_last_order_wins(
    text: str, rank: Rank | None, sort: str | None
) -> None:
    query = parse(text)
    assert query.rank == rank
    assert query.sort == sort


def test_a_ranking_term_filters_nothing() -> None:
    assert parse("a like:#x OR b").root == parse("a OR b").root


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("like:", "like: needs a value"),
        ("like:#", "like:# needs a tag name"),
        ("like:,", "like: needs a paper id or #tag"),
        ("-like:#x", "like: cannot be negated"),
        ("sort:for-me", "unknown sort key 'for-me'"),
    ],
)
def test_bad_ranking_terms_say_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(QuerySyntaxError, match=problem):
        parse(text)


def test_interests_in_config() -> None:
    config = parse_config({"interests": ["diffusion", " rl ", ""]}, Path("c.toml"))
    assert config.interests == ("diffusion", "rl")
    assert parse_config({}, Path("c.toml")).interests == ()
    with pytest.raises(InputFormatError, match=r"c.toml: interests must be a list"):
        parse_config({"interests": "diffusion"}, Path("c.toml"))


@pytest.fixture
def filled(home: Path) -> Path:
    with Library.open(home) as lib:
        lib.upsert_papers([p for c in "abc" for p in make_papers(c, 20, seed=2)], source="test")
    return home


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_list_for_you_like_and_similar(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = [f"2601.{ord('a') * 1000 + i:05d}" for i in range(3)]
    assert run(capsys, "star", *a)[0] == 0
    code, out, _ = run(capsys, "list", "is:inbox -is:starred sort:for-you", "--limit", "10")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 10 and all(" A" in line for line in lines), out
    code, out, _ = run(capsys, "similar", a[0], "--limit", "5")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 5 and all(" A" in line for line in lines)
    assert a[0] not in out
    code, out, _ = run(capsys, "tag", a[0], "+gen")
    code, out, _ = run(capsys, "list", "like:#gen", "--limit", "5")
    assert code == 0 and all(" A" in line for line in out.strip().splitlines())


def test_cli_ranking_mistakes_are_one_line(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "list", "like:#nothing")
    assert code == 2 and out == ""
    assert err == "paperdeck: like:#nothing: no paper in the library has the tag 'nothing'\n"
    code, out, err = run(capsys, "similar", "9999.99999")
    assert code == 2 and err.startswith("paperdeck: no paper with id '9999.99999'")
    code, out, err = run(capsys, "list", "like:9999.99999")
    assert code == 2 and err.startswith("paperdeck: no paper with id '9999.99999'")


def _modules_after(home: Path, *args: str) -> str:
    script = (
        "import sys\n"
        "from tui.cli import main\n"
        f"code = main({list(args)!r})\n"
        "print('NUMPY', code, any(m.split('.')[0] == 'numpy' for m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PAPERDECK_HOME": str(home)},
        cwd=REPO,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_list_without_a_ranking_term_never_imports_numpy(filled: Path) -> None:
    assert _modules_after(filled, "list", "--limit", "3") == "NUMPY 0 False"
    assert _modules_after(filled, "list", "is:inbox diffusion sort:upvotes") == "NUMPY 0 False"
    assert _modules_after(filled, "export", "-f", "json", "is:inbox") == "NUMPY 0 False"
    # ... and that the probe can see numpy when a ranking term does load it.
    assert _modules_after(filled, "list", "sort:for-you", "--limit", "3") == "NUMPY 0 True"


def test_importing_the_rank_package_does_not_import_numpy() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import sys, tui.rank; print('numpy' in sys.modules)"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert out.returncode == 0 and out.stdout.strip() == "False", out.stderr


def test_a_kill_mid_write_leaves_the_old_matrix_or_the_new_never_a_torn_one(
    filled: Path,
) -> None:
    """A process saving the matrix over and over, killed at random moments: every time, what
    is on disk loads, as either the old matrix or the new one."""
    with Library.open(filled) as lib:
        from tui.rank import Ranker

        Ranker(lib).prepare()
    path = storage.matrix_path(filled)
    loaded = storage.load(path)
    assert loaded is not None
    old_rows = loaded[0].n_rows
    writer = textwrap.dedent(
        f"""
        from pathlib import Path
        from tests.unit.test_rank import make_papers
        from tui.rank import storage
        from tui.rank.matrix import build_matrix
        papers = [p for c in "abc" for p in make_papers(c, 400, seed=3)]
        matrix = build_matrix(papers)
        print("ready", flush=True)
        while True:
            storage.save(Path({str(path)!r}), matrix, None)
        """
    )
    seen: set[int] = set()
    for attempt in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", writer], cwd=REPO, stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.05 + 0.07 * attempt)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        loaded = storage.load(path)
        assert loaded is not None, "a torn matrix file"
        seen.add(loaded[0].n_rows)
    assert seen <= {old_rows, 1200}
    assert 1200 in seen
