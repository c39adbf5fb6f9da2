"""The word index's postings in memory: rare words keep compact arrays of 4-byte paper numbers
(not lists of pointers), through the build and every later change, and answer as before."""

from __future__ import annotations

from array import array

from tui.models import Paper
from tui.query import Searcher, bitmaps
from tui.query import index as index_module
from tui.query.index import WordIndex
from tui.query.scan import field_text
from tui.query.text import word_set


def paper(n: int, title: str, abstract: str = "") -> Paper:
    return Paper(id=f"p{n}", title=title, abstract=abstract, authors=[f"Author {n}"])


def library(size: int) -> list[Paper]:
    # "common" is in every paper (a bitmap once optimised), "rare<n>" in one paper each.
    return [paper(n, f"common rare{n} title", f"abstract words{n % 7}") for n in range(size)]


def test_rare_words_are_arrays_of_four_byte_numbers() -> None:
    index = WordIndex.build(library(200))
    title = index.fields["title"]
    assert "common" in title.bits  # frequent: a bitmap
    posting = title.lists["rare5"]
    assert isinstance(posting, array) and posting.itemsize == 4
    assert list(posting) == [5]
    assert all(
        isinstance(numbers, array)
        for field in index.fields.values()
        for numbers in field.lists.values()
    )


def test_changes_keep_arrays_and_answers() -> None:
    papers: list[Paper | None] = list(library(200))
    index = WordIndex.build(papers)
    title = index.fields["title"]
    fresh, renamed = paper(200, "fresh rare5 entry"), paper(3, "renamed paper")
    index.apply([(200, None, fresh), (3, papers[3], renamed), (7, papers[7], None)])
    assert bitmaps.to_numbers(title.word_bitmap("rare5")) == [5, 200]
    assert title.word_bitmap("rare3") == 0 and "rare3" not in title.lists
    assert bitmaps.to_numbers(title.word_bitmap("fresh")) == [200]
    assert 7 not in bitmaps.to_numbers(title.prefix_bitmap("rare7"))  # removed
    assert all(isinstance(numbers, array) for numbers in title.lists.values())


def test_searches_answer_the_same_before_and_after_the_build() -> None:
    papers = library(300)
    queries = ["rare5", "rare1", "common words3", "abs:words", "ra", "title:rare29 OR rare30"]
    before = Searcher(papers)
    answers = [before.search(q).ids for q in queries]
    built = Searcher(papers)
    built.build()
    assert [built.search(q).ids for q in queries] == answers
    assert len(answers[0]) == 11 and len(answers[1]) == 111  # words match as prefixes too


def test_a_build_over_several_batches_holds_every_word_of_every_paper() -> None:
    # More papers than one batch of postings (`_PAPERS_PER_BATCH`), words that straddle
    # batches, a free slot: every word's papers are what a plain loop over the papers finds.
    size = 2 * index_module._PAPERS_PER_BATCH + 300
    papers: list[Paper | None] = [
        paper(n, f"w{n % 5} t{n % 997} t{n // 3000}", f"a{n % 13} a{n % 4099} z{n * 7 % 10007}")
        for n in range(size)
    ]
    papers[4100] = None
    index = WordIndex.build(papers)
    for name in ("title", "authors", "abstract"):
        reference: dict[str, list[int]] = {}
        for number, found in enumerate(papers):
            if found is not None:
                for word in sorted(word_set(field_text(found, name))):
                    reference.setdefault(word, []).append(number)
        field = index.fields[name]
        assert field.vocab == sorted(reference)
        for word, numbers in reference.items():
            assert bitmaps.to_numbers(field.word_bitmap(word)) == numbers, (name, word)
            if word in field.lists:
                assert list(field.lists[word]) == numbers
