"""The index-free search path (`tui.query.scan`) and the staged build: the scan finds exactly the
words, prefixes, typos and phrases the index finds, on any text; a Searcher answers the same
before any build, after stage 1 (titles and authors), after stage 2 (abstracts) and with papers
changed since its scans were taken; updates made while a stage runs are never lost."""

from __future__ import annotations

import random
import threading
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec.structs import replace

from tui.models import Paper
from tui.query import QueryContext, Searcher
from tui.query.scan import FieldScan, normalise_words
from tui.query.text import WHOLE, best_kind, word_set, words_of

# Text that exercises every branch: ASCII, accents, a dotted capital I (lower() adds a combining
# mark), Greek capital sigma (context-dependent lower case), curly quotes and dashes (non-word
# characters outside ASCII), NUL and other control characters, digits, underscores, emoji.
TRICKY_ALPHABET = "aAbBzZ09_ -,.'’—–éÉöÖİıΣσςßﬁK\u0301\u0000\u0007\t\n😀"
tricky_text = st.text(alphabet=TRICKY_ALPHABET, max_size=40) | st.text(max_size=30)


def split_segments(texts: list[str]) -> list[set[str]]:
    blob, starts = normalise_words(texts)
    return [set(blob[a:b].decode().split()) for a, b in pairwise(starts)]


@settings(max_examples=300, deadline=None)
@given(st.lists(tricky_text, min_size=1, max_size=6))
def test_normalised_chunk_holds_exactly_the_words_of_each_text(texts: list[str]) -> None:
    assert split_segments(texts) == [word_set(text) for text in texts]


def paper(number: int, title: str = "", authors: tuple[str, ...] = (), abstract: str = "") -> Paper:
    return Paper(
        id=f"p{number}",
        title=title,
        authors=list(authors),
        abstract=abstract,
        published="2026-01-01",
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(tricky_text, min_size=1, max_size=8), st.data())
def test_scan_word_and_phrase_lookups_equal_reading_each_text(
    texts: list[str], data: st.DataObject
) -> None:
    papers: list[Paper | None] = [paper(n, abstract=text) for n, text in enumerate(texts)]
    papers.append(None)  # a free slot is never found
    scan = FieldScan("abstract", papers)
    vocabulary = sorted(set().union(*map(word_set, texts)) | {"zz", "é"})
    word = data.draw(st.sampled_from(vocabulary))
    cut = data.draw(st.integers(1, len(word)))
    query = word[:cut]
    prefixed, exact = scan.word_numbers(query)
    kinds = [best_kind(query, word_set(text), 0) for text in texts]
    assert prefixed == [n for n, kind in enumerate(kinds) if kind is not None]
    assert exact == [n for n, kind in enumerate(kinds) if kind == WHOLE]
    assert scan.words_starting_with(query[0]) == {
        w for text in texts for w in word_set(text) if w.startswith(query[0])
    }
    start = data.draw(st.integers(0, 30))
    source = data.draw(st.sampled_from(texts)).lower()
    phrase = source[start : start + data.draw(st.integers(0, 8))]
    assert scan.phrase_numbers(phrase) == [
        n for n, text in enumerate(texts) if phrase in text.lower()
    ]


# -- a Searcher answers the same at every stage ---------------------------------------------------

WORDS = [
    *("diffusion", "diffusive", "solver", "solvers", "self", "refine", "refinement", "llm"),
    *("llms", "lora", "low", "rank", "adaptation", "transformer", "attention", "model"),
    *("models", "language", "large", "neural", "network", "probabilistic", "sampling"),
    *("schrödinger", "bridge", "zoë", "müller", "straße", "résumé", "σύστημα", "ﬁne", "naïve"),
    *("café", "über"),
]
PUNCTUATION = (" ", " ", " ", ", ", ". ", " - ", "-", " — ", "’s ", " (", ") ", ": ")


def random_text(rng: random.Random, count: int) -> str:
    out = []
    for _ in range(count):
        word = rng.choice(WORDS)
        if rng.random() < 0.2:
            word = word.capitalize()
        if rng.random() < 0.05:
            word = word[: rng.randint(1, len(word))] + rng.choice("xqz")  # rare made-up word
        out.append(word + rng.choice(PUNCTUATION))
    return "".join(out).strip()


def random_library(count: int, seed: int) -> list[Paper]:
    rng = random.Random(seed)
    # Ids in no relation to the order papers come in, so ties in dates are broken by id for real.
    serials = rng.sample(range(100_000), count)
    return [
        Paper(
            id=f"arxiv:2401.{serials[number]:05d}",
            title=random_text(rng, rng.randint(3, 9)),
            authors=[random_text(rng, 2) for _ in range(rng.randint(1, 4))],
            abstract=random_text(rng, rng.randint(10, 60)),
            published=f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            upvotes=rng.choice((None, 0, 3, 10, 40)),
        )
        for number in range(count)
    ]


QUERIES = [
    "diffusion",
    "diffu",
    "d",
    "s",
    "solver refine",
    "difusion",  # a typo
    "probablistic",  # a typo of a word that exists
    "schrodinger",
    "schrö",
    "müller",
    "zoe",
    "strasse",
    "straße",
    "σύσ",
    "fine",
    "naïve OR cafe",
    '"low rank"',
    '"ank adapta"',
    '"— "',
    "title:lora",
    "author:zoë",
    "abs:model -attention",
    "lora sort:upvotes",
    "refinement sort:title",
    "-diffusion",
]

CTX = QueryContext()
Answers = dict[str, list[tuple[str, float, dict[str, list[tuple[int, int]]], int]]]


def answers(searcher: Searcher) -> Answers:
    out = {}
    for text in QUERIES:
        result = searcher.search(text, CTX)
        out[text] = [(h.id, h.score, dict(h.spans), result.total) for h in result.hits]
    return out


@pytest.fixture(scope="module")
def library() -> list[Paper]:
    return random_library(400, seed=7)


@pytest.fixture(scope="module")
def indexed_answers(
    library: list[Paper],
) -> Answers:
    searcher = Searcher(library)
    searcher.build()
    assert searcher.ready and searcher.abstracts_ready
    return answers(searcher)


def test_a_never_built_searcher_answers_like_the_index(
    library: list[Paper],
    indexed_answers: Answers,
) -> None:
    searcher = Searcher(library)
    assert answers(searcher) == indexed_answers
    assert not searcher.ready


def test_after_stage_1_answers_are_the_same(
    library: list[Paper],
    indexed_answers: Answers,
) -> None:
    searcher = Searcher(library)
    searcher.build(abstracts=False)
    assert searcher.ready
    assert not searcher.abstracts_ready
    assert answers(searcher) == indexed_answers
    searcher.build()
    assert searcher.abstracts_ready
    assert answers(searcher) == indexed_answers


def test_papers_changed_since_the_scans_were_taken_are_read_one_by_one(
    library: list[Paper],
    indexed_answers: Answers,
) -> None:
    # Start from a different library, let a search build the scans, then turn it into `library`
    # with updates: the scans are now stale for a third of the papers.
    rng = random.Random(3)
    before = [
        replace(p, title=random_text(rng, 4), abstract=random_text(rng, 20)) if n % 3 == 0 else p
        for n, p in enumerate(library)
    ]
    searcher = Searcher([*before, paper(9999, title="Gone Diffusion")])
    searcher.search("diffusion solver", CTX)
    searcher.search('"low rank"', CTX)
    searcher.add_or_update(library)
    searcher.remove(["p9999"])
    assert answers(searcher) == indexed_answers


def test_many_changes_drop_a_stale_scan_and_answers_stay_true(library: list[Paper]) -> None:
    searcher = Searcher(library)
    searcher.search("diffusion", CTX)
    renamed = [replace(p, abstract="nothing to see") for p in library]
    searcher.add_or_update(renamed)
    assert searcher.search("abs:diffusion", CTX).total == 0
    assert searcher.search("abs:nothing", CTX).total == len(library)


# -- the staged build -----------------------------------------------------------------------------


def small_library() -> list[Paper]:
    return [
        paper(1, "Fast ODE Solver for Diffusion", ("Cheng Lu",), "A dedicated high-order solver."),
        paper(2, "Self-Refine", ("Aman Madaan",), "Iterative refinement with feedback."),
        paper(3, "LoRA", ("Edward Hu",), "Low-rank adaptation of large language models."),
    ]


def ids(searcher: Searcher, text: str) -> set[str]:
    return set(searcher.search(text, CTX).ids)


def test_ready_then_abstracts_ready_flip_in_order() -> None:
    seen: list[tuple[bool, bool]] = []

    def note(stage: str) -> None:
        seen.append((searcher.ready, searcher.abstracts_ready))

    searcher = Searcher(small_library(), on_snapshot=note)
    searcher.build()
    # title and authors snapshots before stage 1 is published, abstract after.
    assert seen == [(False, False), (False, False), (True, False)]
    assert searcher.ready and searcher.abstracts_ready
    assert searcher.wait_ready(0) and searcher.wait_abstracts_ready(0)


def test_build_without_abstracts_then_with() -> None:
    searcher = Searcher(small_library())
    searcher.build(abstracts=False)
    assert searcher.ready and not searcher.abstracts_ready
    assert not searcher.wait_abstracts_ready(0)
    assert ids(searcher, "feedback") == {"p2"}  # abstracts still searched, by scan
    searcher.start_build().join()
    assert searcher.abstracts_ready
    assert ids(searcher, "feedback") == {"p2"}


@pytest.mark.parametrize("stage", ["title", "authors", "abstract"])
def test_updates_made_while_a_stage_builds_are_not_lost(stage: str) -> None:
    def meddle(name: str) -> None:
        if name != stage:
            return
        # The stage has taken its snapshot and is indexing it: change, add and remove papers.
        searcher.add_or_update(
            [
                paper(1, "Quantum Widgets", ("Ada Lovelace",), "Nothing about solvers."),
                paper(4, "Diffusion Bridges", ("Zoë Müller",), "Stochastic feedback loops."),
            ]
        )
        searcher.remove(["p3"])

    searcher = Searcher(small_library(), on_snapshot=meddle)
    searcher.build()
    assert searcher.abstracts_ready
    assert ids(searcher, "title:widgets") == {"p1"}
    assert ids(searcher, "title:fast") == set()
    assert ids(searcher, "author:lovelace") == {"p1"}
    assert ids(searcher, "author:cheng") == set()
    assert ids(searcher, "abs:solvers") == {"p1"}
    assert ids(searcher, "abs:dedicated") == set()
    assert ids(searcher, "abs:feedback") == {"p2", "p4"}
    assert ids(searcher, "müller bridges") == {"p4"}
    assert ids(searcher, "lora") == set()
    assert ids(searcher, "adaptation") == set()
    fresh = Searcher(searcher_papers := [p for p in small_library() if p.id == "p2"])
    fresh.add_or_update(
        [
            paper(1, "Quantum Widgets", ("Ada Lovelace",), "Nothing about solvers."),
            paper(4, "Diffusion Bridges", ("Zoë Müller",), "Stochastic feedback loops."),
        ]
    )
    assert len(searcher_papers) == 1
    for text in ("solv", "feedback", "widget OR bridge", "difusion", '"feedback loops"'):
        assert ids(searcher, text) == ids(fresh, text)


def test_searches_during_a_background_build_match_the_final_answers(library: list[Paper]) -> None:
    searcher = Searcher(library)
    thread = searcher.start_build()
    during = {text: searcher.search(text, CTX).ids for text in QUERIES[:8]}
    thread.join()
    after = {text: searcher.search(text, CTX).ids for text in QUERIES[:8]}
    assert during == after


def test_concurrent_builds_do_the_work_once() -> None:
    snapshots: list[str] = []
    searcher = Searcher(small_library(), on_snapshot=snapshots.append)
    threads = [threading.Thread(target=searcher.build) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert searcher.abstracts_ready
    assert snapshots == ["title", "authors", "abstract"]


def test_query_words_are_what_the_scan_expects() -> None:
    # The scan builds needles from query words: lower case letters and digits, never a space.
    for text in ("Self-Refine", "ÉCOLE", "x_y", "İstanbul", "straße"):
        for word in words_of(text):
            assert word == word.lower() and " " not in word and word.isalnum()


@pytest.mark.parametrize("limit", [1, 3, 10, 60])
@pytest.mark.parametrize(
    "text", ["", "diffusion", "d", "lora sort:upvotes", "sort:title", "s sort:date", "-model"]
)
def test_limited_results_without_a_sort_order_at_hand_match_the_index(
    library: list[Paper], text: str, limit: int
) -> None:
    # A fresh searcher picks the first few papers without sorting the library (upvotes and
    # dates repeat a lot in this library, so ties decide much of the order).
    indexed = Searcher(library)
    indexed.build()
    expected = indexed.search(text, CTX, limit=limit)
    fresh = Searcher(library)
    result = fresh.search(text, CTX, limit=limit)
    assert [(h.id, h.score) for h in result.hits] == [(h.id, h.score) for h in expected.hits]
    assert result.total == expected.total
    assert result.all_ids() == expected.all_ids()


def test_repeated_ids_in_the_initial_papers_keep_the_last() -> None:
    first, second = paper(1, "First title"), paper(1, "Second title")
    searcher = Searcher([first, paper(2, "Other"), second])
    assert len(searcher) == 2
    assert ids(searcher, "second") == {"p1"}
    assert ids(searcher, "first") == set()


def test_segments_without_the_word_form_read_the_same_words_and_keep_nothing() -> None:
    # An index build reads `segments()`: chunk by chunk, without keeping a second copy of the
    # field when no search built the word form (the build's peak memory at 100k papers).
    texts = ["Diffusion models, fast", "Schrödinger bridges — again", "", "LoRA for LLMs"] * 150
    papers: list[Paper | None] = [
        Paper(id=f"p{n}", title="t", abstract=text) for n, text in enumerate(texts)
    ]
    papers[7] = None
    streamed = FieldScan("abstract", papers)
    got = list(streamed.segments())
    assert not streamed.has(words=True)
    prepared = FieldScan("abstract", papers)
    prepared.prepare(words=True)
    assert got == list(prepared.segments())
    assert [base for base, _ in got] == [0, 256, 512]
    assert got[0][1][0].split() == [b"diffusion", b"models", b"fast"]
