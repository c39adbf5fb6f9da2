"""The query language parser: every form, precedence, and errors that name their position."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tui.cli import main
from tui.errors import UsageError
from tui.query import QuerySyntaxError, parse
from tui.query.dates import Bounds, resolve
from tui.query.nodes import (
    And,
    Attr,
    DateRange,
    Has,
    Is,
    MatchAll,
    Not,
    NumberRange,
    Or,
    Phrase,
    Word,
)
from tui.query.parser import MAX_DEPTH


def test_empty_query_matches_everything() -> None:
    assert parse("").root == MatchAll()
    assert parse("   ").root == MatchAll()


def test_bare_words_are_anded_fuzzy_words() -> None:
    assert parse("diffusion solver").root == And((Word("diffusion"), Word("solver")))


def test_words_are_lower_cased_and_split_on_punctuation() -> None:
    assert parse("Self-Refine").root == And((Word("self"), Word("refine")))


def test_phrase() -> None:
    assert parse('"Exact  Phrase"').root == Phrase("exact phrase")


def test_text_fields_words_and_quoted_values() -> None:
    assert parse("title:neural").root == Word("neural", ("title",))
    assert parse("author:lecun").root == Word("lecun", ("authors",))
    assert parse("abs:operator").root == Word("operator", ("abstract",))
    assert parse('title:"neural operator"').root == Phrase("neural operator", ("title",))


def test_attribute_fields() -> None:
    assert parse("tag:To-Read").root == Attr("tag", "to-read")
    assert parse("cat:cs.LG").root == Attr("cat", "cs.lg")
    assert parse("source:hf-json").root == Attr("source", "hf-json")
    assert parse("id:2206.00927v2").root == Attr("id", "2206.00927")
    assert parse("2206.00927").root == Attr("id", "2206.00927")
    assert parse("arxiv:2206.00927").root == Attr("id", "2206.00927")


@pytest.mark.parametrize("value", ["starred", "inbox", "later", "done", "skipped", "unread", "new"])
def test_is_values(value: str) -> None:
    assert parse(f"is:{value}").root == Is(value)


@pytest.mark.parametrize("value", ["code", "note", "tags", "summary", "pdf"])
def test_has_values(value: str) -> None:
    assert parse(f"has:{value}").root == Has(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("upvotes:>50", NumberRange("upvotes", 51, None)),
        ("upvotes:>=50", NumberRange("upvotes", 50, None)),
        ("upvotes:<5", NumberRange("upvotes", None, 4)),
        ("upvotes:<=5", NumberRange("upvotes", None, 5)),
        ("upvotes:=7", NumberRange("upvotes", 7, 7)),
        ("upvotes:7", NumberRange("upvotes", 7, 7)),
        ("stars:10..50", NumberRange("stars", 10, 50)),
        ("comments:3..", NumberRange("comments", 3, None)),
        ("comments:..3", NumberRange("comments", None, 3)),
    ],
)
def test_numbers(text: str, expected: NumberRange) -> None:
    assert parse(text).root == expected


def test_dates_are_kept_for_evaluation_time() -> None:
    assert parse("date:>=2026-11-01").root == DateRange("date", ">=", "2026-11-01")
    assert parse("listed:today").root == DateRange("listed", "", "today")
    assert parse("date:<7d").root == DateRange("date", "<", "7d")


def test_negation_forms() -> None:
    assert parse("-tag:old").root == Not(Attr("tag", "old"))
    assert parse("-word").root == Not(Word("word"))
    assert parse("NOT word").root == Not(Word("word"))
    assert parse("--word").root == Word("word")
    assert parse("-(a b)").root == Not(And((Word("a"), Word("b"))))


def test_and_binds_tighter_than_or() -> None:
    assert parse("a b OR c").root == Or((And((Word("a"), Word("b"))), Word("c")))
    assert parse("a OR b c").root == Or((Word("a"), And((Word("b"), Word("c")))))


def test_grouping_overrides_precedence() -> None:
    assert parse("(a OR b) c").root == And((Or((Word("a"), Word("b"))), Word("c")))


def test_explicit_and_and_lowercase_or_is_a_word() -> None:
    assert parse("a AND b").root == And((Word("a"), Word("b")))
    assert parse("a or b").root == And((Word("a"), Word("or"), Word("b")))


def test_sort_is_taken_out_of_the_tree() -> None:
    query = parse("diffusion sort:upvotes")
    assert query.root == Word("diffusion")
    assert (query.sort, query.reverse) == ("upvotes", False)
    assert parse("sort:-date").reverse is True
    assert parse("sort:date-asc").reverse is True
    assert parse("sort:title-desc").reverse is True
    assert parse("sort:title").reverse is False


def test_default_sort_depends_on_words() -> None:
    assert parse("diffusion").effective_sort == "relevance"
    assert parse("is:later").effective_sort == "date"
    assert parse("-diffusion").effective_sort == "date"


def test_words_property_skips_negated_words() -> None:
    assert parse("a -b (c OR NOT d)").words == (Word("a"), Word("c"))


@pytest.mark.parametrize(
    ("text", "position", "problem"),
    [
        ('title:"neural', 6, "unclosed quote"),
        ('a "b', 2, "unclosed quote"),
        ("(a b", 0, "unclosed parenthesis"),
        ("a b)", 3, "unmatched ')'"),
        ("()", 0, "empty parentheses"),
        ("a OR", 2, "OR needs a term after it"),
        ("OR a", 0, "OR needs a term before it"),
        ("a OR OR b", 2, "OR needs a term after it"),
        ("a NOT", 2, "NOT must be followed by a term"),
        ("foo:bar", 0, "unknown field 'foo:'"),
        ("is:lost", 3, "unknown is: value 'lost'"),
        ("has:wings", 4, "unknown has: value 'wings'"),
        ("sort:size", 5, "unknown sort key 'size'"),
        ("upvotes:>lots", 9, "bad number 'lots'"),
        ("stars:50..10", 6, "empty range"),
        ("date:2026-13-01", 5, "bad date '2026-13-01'"),
        ("date:>=soon", 7, "bad date 'soon'"),
        ("title:", 0, "title: needs a value"),
        ("-sort:date", 1, "sort: cannot be negated"),
        ("sort:-relevance", 5, "cannot be reversed"),
    ],
)
def test_errors_name_position_and_problem(text: str, position: int, problem: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(text)
    error = caught.value
    assert error.position == position
    assert problem in error.problem
    assert str(error).startswith(f"position {position + 1}: ")
    assert isinstance(error, UsageError) and error.exit_code == 2


TODAY = date(2026, 11, 20)  # a Friday


@pytest.mark.parametrize(
    ("op", "spec", "low", "high"),
    [
        ("", "2026-11-20", "2026-11-20", "2026-11-21"),
        (">=", "2026-11-01", "2026-11-01", None),
        (">", "2026-11", "2026-12-01", None),
        ("<", "2026", None, "2026-01-01"),
        ("<=", "2026-11-19", None, "2026-11-20"),
        ("", "2026-11-01..2026-11-05", "2026-11-01", "2026-11-06"),
        ("", "today", "2026-11-20", "2026-11-21"),
        ("", "yesterday", "2026-11-19", "2026-11-20"),
        ("", "this-week", "2026-11-16", "2026-11-23"),
        ("", "this-month", "2026-11-01", "2026-12-01"),
        ("<", "7d", "2026-11-14", None),
        ("", "7d", "2026-11-13", None),
        (">", "1w", None, "2026-11-13"),
        (">=", "1m", None, "2026-10-21"),
    ],
)
def test_date_resolution(op: str, spec: str, low: str | None, high: str | None) -> None:
    assert resolve(op, spec, TODAY) == Bounds(low, high)


def test_date_less_than_seven_days_means_newer_than_a_week() -> None:
    bounds = resolve("<", "7d", TODAY)
    assert bounds.contains("2026-11-14T08:00:00Z")
    assert bounds.contains("2026-11-20")
    assert not bounds.contains("2026-11-13")
    assert not bounds.contains(None)


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        ("", False),
        ("is:starred tag:idea upvotes:>10 date:2026-11", False),
        ("title:diffusion", False),
        ('author:"Jun Zhu"', False),
        ("diffusion", True),  # a plain word is also looked for in abstracts
        ('"exact phrase"', True),
        ("abstract:solver", True),
        ("-lora", True),
        ("has:summary", True),
        ("has:code", False),
    ],
)
def test_needs_texts_says_whether_abstracts_must_be_read(text: str, needs: bool) -> None:
    assert parse(text).needs_texts is needs


def test_without_field_drops_the_field_from_words_and_phrases_only() -> None:
    query = parse('diffusion "score matching" -lora tag:idea upvotes:>5 OR title:flow')
    quick = query.without_field("abstract")
    assert quick is not None
    fields = {
        node.text: node.fields for node in quick.root.walk() if isinstance(node, Word | Phrase)
    }
    assert fields == {
        "diffusion": ("title", "authors"),
        "score matching": ("title", "authors"),
        "lora": ("title", "authors"),
        "flow": ("title",),
    }
    assert quick.text == query.text and quick.sort == query.sort
    # Everything that is not a word or phrase is untouched.
    kept = [n for n in quick.root.walk() if not isinstance(n, Word | Phrase)]
    original = [n for n in query.root.walk() if not isinstance(n, Word | Phrase)]
    assert [type(n) for n in kept] == [type(n) for n in original]


@pytest.mark.parametrize("text", ["", "is:starred tag:x", "title:diffusion", "abstract:solver"])
def test_without_field_is_none_when_there_is_nothing_to_drop_or_nothing_left(text: str) -> None:
    assert parse(text).without_field("abstract") is None


# -- deep nesting (issue 10, item 17) ------------------------------------------------------


def test_nesting_up_to_the_limit_parses() -> None:
    text = "(" * MAX_DEPTH + "diffusion" + ")" * MAX_DEPTH
    assert parse(text).root == parse("diffusion").root
    assert parse("NOT " * MAX_DEPTH + "a").root is not None


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("(" * 250 + "a" + ")" * 250, MAX_DEPTH),
        ("x " + "(" * 5000 + "a", 2 + MAX_DEPTH),
        ("NOT " * 1000 + "a", 4 * MAX_DEPTH),
        ("-" * 2000 + "a", MAX_DEPTH),
        ("(-" * 400 + "a", MAX_DEPTH),
    ],
    ids=["parens", "unclosed-parens", "not-chain", "minus-chain", "mixed"],
)
def test_deeper_nesting_is_a_syntax_error_at_its_position(text: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(text)
    assert info.value.position == position
    assert "nested too deeply" in str(info.value)
    assert str(info.value).startswith(f"position {position + 1}: ")


def test_deep_nesting_on_the_command_line_is_one_line_and_exit_2(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["list", "(" * 250 + "a" + ")" * 250])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith("paperdeck: position 33: nested too deeply")
    assert err.count("\n") == 1
