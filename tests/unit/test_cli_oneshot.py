"""One-shot queries (`tui.cli_commands.oneshot`): a query that looks in abstracts is answered
from titles and authors alone only when that gives exactly the rows the whole query gives."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.benchmarks.generate import generate_papers, generate_states
from tui.cli_commands.oneshot import titles_first
from tui.query import QueryContext, Searcher, parse
from tui.query.pages import new_marker, run_query
from tui.store import Library

QUERIES = [
    "diffusion",
    "diffusion solver",
    "diffusion solver lora",
    "diff",
    "difusion",  # a typo
    "lora OR agent",
    "diffusion is:inbox",
    "diffusion upvotes:>20",
    "solver -diffusion",
    'diffusion "low rank"',
    "abs:diffusion",
    "title:diffusion",
    "agent reward policy",
    "zzzyx",
    "diffusion sort:date",
    "sort:relevance",
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("oneshot")
    papers = generate_papers(3000, seed=3)
    with Library.open(home) as lib:
        lib.upsert_papers(papers, source="t")
        lib.apply_states(generate_states(papers, seed=3), label="states")
    return home


def answers(home: Path, text: str, limit: int) -> tuple[list[str] | None, list[str]]:
    """(titles first, the whole query) for `text`, on the same papers and states."""
    query = parse(text)
    with Library.open(home) as lib:
        states = lib.states()
        context = QueryContext(
            states=states, now=datetime.now(UTC), new_since=new_marker(lib.get_meta("new_since"))
        )
        quick = titles_first(Searcher(lib.papers(texts=False).values()), context, query, limit)
        full = run_query(Searcher(lib.papers(texts=True).values()), states, query, limit=limit)
    return quick, full.rows


@pytest.mark.parametrize("limit", [1, 5, 20, 200])
@pytest.mark.parametrize("text", QUERIES)
def test_titles_first_answers_only_what_the_whole_query_answers(
    library: Path, text: str, limit: int
) -> None:
    quick, full = answers(library, text, limit)
    if quick is not None:
        assert quick == full


def test_titles_first_answers_the_common_query_and_declines_the_unsafe_ones(
    library: Path,
) -> None:
    assert answers(library, "diffusion", 20)[0] is not None
    assert answers(library, "diffusion solver", 5)[0] is not None
    for unsafe in ("solver -diffusion", 'diffusion "low rank"', "abs:diffusion", "difusion"):
        assert answers(library, unsafe, 20)[0] is None, unsafe
    assert answers(library, "diffusion sort:date", 20)[0] is None  # abstracts interleave
    assert answers(library, "diffusion", 100_000)[0] is None  # more than titles can fill


def test_list_with_a_limit_never_reads_an_abstract(library: Path, tmp_path: Path) -> None:
    """A damaged texts file is set aside by anything that reads it: `list diffusion --limit 5`
    leaves it alone and prints what the whole query prints."""
    home = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(library), str(home)], check=True)

    def listed(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tui", "--home", str(home), "list", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )

    whole = listed("diffusion", "-abs:zzzyx", "--limit", "5")  # a negation: abstracts are read
    assert whole.returncode == 0 and len(whole.stdout.splitlines()) == 5
    damaged = home / "texts" / "00.json"
    damaged.write_text("{not json")
    quick = listed("diffusion", "--limit", "5")
    assert quick.returncode == 0, quick.stderr
    assert quick.stdout == whole.stdout
    assert damaged.read_text() == "{not json"
    full = listed("diffusion")  # no limit: every match, abstracts needed
    assert full.returncode == 1 and "moved aside" in full.stderr
