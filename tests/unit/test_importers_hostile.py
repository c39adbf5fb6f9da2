"""Hostile values in API answers: numbers no count can be, escape codes in error messages.

A 5,000-digit number, a count of 2**64 or more (orjson cannot write it, and TinyDB would keep it
in its cached document) and "²" (which `str.isdigit()` accepts and `int()` refuses) are dropped
at import with the record kept; the store then writes and reads the papers back.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tui.errors import InputFormatError
from tui.importers import parse_arxiv_atom, parse_arxiv_rss, parse_hf_json
from tui.importers.common import MAX_COUNT, as_int
from tui.store import Library

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HUGE = "9" * 5000


def hf_answer(**numbers: str) -> bytes:
    """A daily-papers answer whose numbers are given as raw JSON number text."""
    item = {
        "paper": {"id": "2608.09888", "title": "A paper", "upvotes": "@UP@", "githubStars": "@ST@"},
        "numComments": "@CO@",
    }
    text = json.dumps([item])
    for key, marker in (("up", "@UP@"), ("stars", "@ST@"), ("comments", "@CO@")):
        text = text.replace(f'"{marker}"', numbers.get(key, "1"))
    return text.encode()


@pytest.mark.parametrize(
    "numbers",
    [
        {"up": HUGE},
        {"comments": str(2**64)},
        {"stars": str(-(2**70))},
        {"up": '"²"', "stars": '"١٢"'},
        {"comments": f'"{HUGE}"'},
        {"up": "1e400", "stars": "-1"},
    ],
)
def test_out_of_range_counts_are_dropped_and_the_paper_kept(
    tmp_path: Path, numbers: dict[str, str]
) -> None:
    result = parse_hf_json(hf_answer(**numbers), name="answer.json")
    (paper,) = result.papers
    for key, value in (
        ("up", paper.upvotes),
        ("stars", paper.github_stars),
        ("comments", paper.comments),
    ):
        assert value == (1 if key not in numbers else None), (key, value)
    with Library.open(tmp_path) as lib:  # the store can write it, and read it back
        lib.upsert_papers(result.papers, source="hf-json")
    with Library.open(tmp_path) as lib:
        assert lib.get(paper.id) is not None


def test_a_huge_number_where_text_belongs_is_dropped() -> None:
    answer = f'[{{"paper": {{"id": "2608.09888", "title": "T", "authors": [{{"name": {HUGE}}}]}}}}]'
    (paper,) = parse_hf_json(answer.encode()).papers
    assert paper.authors == []


def test_counts_in_range_are_kept() -> None:
    (paper,) = parse_hf_json(hf_answer(up="781", stars=f'"{MAX_COUNT}"', comments="0")).papers
    assert (paper.upvotes, paper.github_stars, paper.comments) == (781, MAX_COUNT, 0)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(HUGE, id="5000-digits"),
        "²",
        "١٢",
        "-5",
        " 12x",
        2**64,
        -1,
        MAX_COUNT + 1,
        True,
        1.5,
        None,
    ],
)
def test_as_int_refuses_what_is_not_a_sane_count(value: object) -> None:
    assert as_int(value) is None


def test_a_huge_arxiv_version_and_total_are_dropped() -> None:
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
        f"<opensearch:totalResults>{HUGE}</opensearch:totalResults>"
        f"<entry><id>http://arxiv.org/abs/2608.00001v{HUGE}</id><title>T</title></entry></feed>"
    )
    result = parse_arxiv_atom(feed.encode())
    assert result.total_results is None
    (paper,) = result.papers
    assert paper.arxiv_id == "2608.00001" and paper.version is None


def test_an_rss_root_namespace_with_c1_controls_is_named_cleanly() -> None:
    # XML 1.0 allows C1 controls (U+009B is CSI) and bidi overrides in a namespace URI, and
    # ElementTree puts the namespace into the tag.
    feed = '<x:rss xmlns:x="urn:a&#x9b;2J&#x1b;&#x202e;b" version="2.0"><channel/></x:rss>'
    feed = feed.replace("&#x1b;", "")  # not legal XML 1.0; the C1 one is
    with pytest.raises(InputFormatError) as caught:
        parse_arxiv_rss(feed.encode(), name="feed.xml")
    message = caught.value.message
    assert message.startswith("feed.xml: not an RSS 2.0 feed (root element <{urn:a 2Jb}rss>)")
    assert not UNSAFE.search(message), repr(message)
