"""Saved Hugging Face pages that deviate from the clean layout: the oddities a real paste has."""

from __future__ import annotations

from datetime import date

import pytest

from tui.importers import detect_format, parse_hf_page
from tui.importers.hf_page import resolve_date

TODAY = date(2026, 11, 20)
HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
    "byAK and the research community\n\n"
)


def abstract(topic: str) -> str:
    """An abstract-shaped paragraph (several sentences, a few hundred characters)."""
    return (
        f"We study {topic} in depth. Prior work on {topic} leaves open questions. "
        f"We propose a new method for {topic} and evaluate it on several benchmarks. "
        "Our results show consistent gains over strong baselines across all settings we tried."
    )


def page(*paragraphs: str) -> str:
    return HEADER + "\n\n".join(paragraphs) + "\n"


def titles_and_abstracts(text: str) -> list[tuple[str, str]]:
    return [(p.title, p.abstract) for p in parse_hf_page(text, today=TODAY).papers]


def test_multiple_date_lines_apply_to_the_papers_after_them() -> None:
    result = parse_hf_page(
        page(
            "Nov 19",
            "Alpha",
            abstract("alpha"),
            "Nov 18",
            "Beta",
            abstract("beta"),
            "Gamma",
            abstract("gamma"),
        ),
        today=TODAY,
    )
    assert [(p.title, p.listed_on) for p in result.papers] == [
        ("Alpha", "2026-11-19"),
        ("Beta", "2026-11-18"),
        ("Gamma", "2026-11-18"),
    ]


def test_year_rolls_back_across_new_year() -> None:
    result = parse_hf_page(
        page("Jan 2", "Alpha", abstract("alpha"), "Dec 31", "Beta", abstract("beta")),
        today=date(2027, 1, 3),
    )
    assert [p.listed_on for p in result.papers] == ["2027-01-02", "2026-12-31"]


@pytest.mark.parametrize(
    ("line", "today", "expected"),
    [
        ("Mar 13", date(2026, 3, 13), "2026-03-13"),
        ("Mar 13", date(2026, 3, 12), "2025-03-13"),
        ("March 13", date(2026, 11, 20), "2026-03-13"),
        ("Sept 3", date(2026, 11, 20), "2026-09-03"),
        ("13 Mar", date(2026, 11, 20), "2026-03-13"),
        ("Mar 13, 2024", date(2026, 11, 20), "2024-03-13"),
        ("Published on Mar 13", date(2026, 11, 20), "2026-03-13"),
        ("Fri, Mar 13", date(2026, 11, 20), "2026-03-13"),
        ("2026-08-11", date(2026, 11, 20), "2026-08-11"),
        ("Feb 29", date(2026, 11, 20), "2024-02-29"),  # the most recent Feb 29
        ("Feb 30", date(2026, 11, 20), None),
        ("Marching 13", date(2026, 11, 20), None),
    ],
)
def test_resolve_date(line: str, today: date, expected: str | None) -> None:
    assert resolve_date(line, today) == expected


def test_papers_before_any_date_line_have_no_listed_on() -> None:
    result = parse_hf_page(page("Alpha", abstract("alpha")), today=TODAY)
    assert result.papers[0].listed_on is None
    assert result.papers[0].title == "Alpha"


def test_title_without_abstract_keeps_the_rest_aligned() -> None:
    pairs = titles_and_abstracts(
        page(
            "Mar 13",
            "Alpha",
            abstract("alpha"),
            "Lonely Title",
            "Beta",
            abstract("beta"),
            "Gamma",
            abstract("gamma"),
            "Last Title Without Abstract",
        )
    )
    assert pairs == [
        ("Alpha", abstract("alpha")),
        ("Lonely Title", ""),
        ("Beta", abstract("beta")),
        ("Gamma", abstract("gamma")),
        ("Last Title Without Abstract", ""),
    ]


def test_title_without_abstract_before_a_date_line() -> None:
    result = parse_hf_page(page("Mar 13", "Alpha", "Mar 12", "Beta", abstract("beta")), today=TODAY)
    assert [(p.title, p.abstract, p.listed_on) for p in result.papers] == [
        ("Alpha", "", "2026-03-13"),
        ("Beta", abstract("beta"), "2026-03-12"),
    ]


def test_abstract_without_title_is_rejected_not_misaligned() -> None:
    result = parse_hf_page(
        page("Mar 13", "Alpha", abstract("alpha"), abstract("orphan"), "Beta", abstract("beta")),
        today=TODAY,
    )
    assert [(p.title, p.abstract) for p in result.papers] == [
        ("Alpha", abstract("alpha")),
        ("Beta", abstract("beta")),
    ]
    assert len(result.rejected) == 1
    label, reason = result.rejected[0]
    assert label.startswith("We study orphan in depth.")
    assert reason == "abstract without a title"


def test_titles_that_look_like_headers_are_titles() -> None:
    pairs = titles_and_abstracts(
        page(
            "Mar 13",
            "Subscribe",
            abstract("subscriptions"),
            "new",
            abstract("novelty"),
            "42",
            abstract("the answer"),
        )
    )
    assert pairs == [
        ("Subscribe", abstract("subscriptions")),
        ("new", abstract("novelty")),
        ("42", abstract("the answer")),
    ]


def test_stray_lines_are_skipped() -> None:
    pairs = titles_and_abstracts(
        page(
            "Mar 13",
            "Alpha",
            "·",
            abstract("alpha"),
            "128",
            "Submitted by akhaliq",
            "Beta",
            "Upvote",
            abstract("beta"),
            "Load more",
        )
    )
    assert pairs == [("Alpha", abstract("alpha")), ("Beta", abstract("beta"))]


def test_header_repeated_mid_page_is_skipped() -> None:
    pairs = titles_and_abstracts(
        page("Mar 13", "Alpha", abstract("alpha")) + "\n" + page("Beta", abstract("beta"))
    )
    assert pairs == [("Alpha", abstract("alpha")), ("Beta", abstract("beta"))]


def test_short_abstract_still_pairs_with_its_title() -> None:
    pairs = titles_and_abstracts(
        page("Mar 13", "Alpha", "A short abstract.", "Beta", abstract("beta"))
    )
    assert pairs == [("Alpha", "A short abstract."), ("Beta", abstract("beta"))]


def test_hard_wrapped_paragraphs_are_joined() -> None:
    wrapped = abstract("wrapping").replace(". ", ".\n")
    pairs = titles_and_abstracts(
        page("Mar 13", "A Title That Was\nWrapped Over Two Lines", wrapped)
    )
    assert pairs == [("A Title That Was Wrapped Over Two Lines", abstract("wrapping"))]


def test_page_pasted_without_blank_lines() -> None:
    long_abstract = abstract("pasting") + " " + abstract("more pasting")
    text = "\n".join(["new", "Subscribe", "Mar 13", "Alpha", long_abstract, "Beta", long_abstract])
    assert detect_format(text) == "hf-page"
    assert titles_and_abstracts(text) == [("Alpha", long_abstract), ("Beta", long_abstract)]


def test_crlf_cr_and_nbsp_blank_lines() -> None:
    text = page("Mar 13", "Alpha", abstract("alpha"), "Beta", abstract("beta"))
    expected = [("Alpha", abstract("alpha")), ("Beta", abstract("beta"))]
    assert titles_and_abstracts(text.replace("\n", "\r\n")) == expected
    assert titles_and_abstracts(text.replace("\n", "\r")) == expected
    assert titles_and_abstracts(text.replace("\n\n", "\n\u00a0 \n")) == expected


def test_duplicate_title_in_one_page_is_reported_once() -> None:
    result = parse_hf_page(
        page("Mar 13", "Alpha", abstract("alpha"), "Mar 12", "Alpha", abstract("alpha again")),
        today=TODAY,
    )
    assert [(p.title, p.listed_on) for p in result.papers] == [("Alpha", "2026-03-13")]
    assert result.rejected == [("Alpha", "duplicate of Alpha")]


def test_whitespace_and_unicode_are_normalised() -> None:
    (paper,) = parse_hf_page(
        page("Mar 13", "  Multi-marginal   Schrödinger\tBridges ", abstract("bridges")),
        today=TODAY,
    ).papers
    assert paper.title == "Multi-marginal Schrödinger Bridges"
    assert paper.sources == ["hf-page"]


def test_bytes_input_is_utf8() -> None:
    text = page("Mar 13", "Björn's Paper", abstract("names"))
    (paper,) = parse_hf_page(text.encode("utf-8"), today=TODAY).papers
    assert paper.title == "Björn's Paper"
