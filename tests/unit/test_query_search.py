"""Evaluating queries: every operator on a small hand-made library, ranking, spans, typos,
incremental updates, and that the linear scan (before the index) answers exactly as the index."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from msgspec.structs import replace

from tui.models import Paper, State
from tui.query import QueryContext, QuerySyntaxError, Searcher, parse

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def make_library() -> list[Paper]:
    return [
        Paper(
            id="arxiv:2206.00927",
            arxiv_id="2206.00927",
            title="DPM-Solver: A Fast ODE Solver for Diffusion Probabilistic Models",
            authors=["Cheng Lu", "Yuhao Zhou", "Jun Zhu"],
            abstract="Diffusion probabilistic models are emerging generative models. "
            "We propose a fast dedicated high-order solver.",
            listed_on="2026-11-20",
            categories=["cs.LG"],
            upvotes=81,
            comments=4,
            github_repo="https://github.com/LuChengTHU/dpm-solver",
            github_stars=1500,
            sources=["hf-json"],
            first_seen="2026-11-20T09:00:00Z",
        ),
        Paper(
            id="arxiv:2303.17651",
            arxiv_id="2303.17651",
            title="Self-Refine: Iterative Refinement with Self-Feedback",
            authors=["Aman Madaan", "Niket Tandon"],
            abstract="Large language models (LLMs) can improve their own outputs by iterative "
            "feedback; no diffusion involved.",
            listed_on="2026-11-15",
            categories=["cs.CL"],
            upvotes=20,
            comments=0,
            sources=["hf-json", "arxiv-atom"],
            first_seen="2026-11-15T09:00:00Z",
        ),
        Paper(
            id="arxiv:2106.09685",
            arxiv_id="2106.09685",
            title="LoRA: Low-Rank Adaptation of Large Language Models",
            authors=["Edward Hu", "Yelong Shen"],
            abstract="We propose Low-Rank Adaptation, freezing pretrained weights.",
            published="2026-10-01",
            categories=["cs.CL", "cs.LG"],
            upvotes=None,
            sources=["arxiv-atom"],
            first_seen="2026-10-02T09:00:00Z",
        ),
        Paper(
            id="title:0123456789abcdef",
            title="A Survey of Neural Operators",
            authors=["Diffusion Smith"],
            abstract="Neural operator learning for PDEs, including a solver zoo.",
            listed_on="2026-11-19",
            upvotes=5,
            sources=["hf-page"],
            first_seen="2026-11-19T09:00:00Z",
        ),
        Paper(
            id="arxiv:2401.00001",
            arxiv_id="2401.00001",
            title="Schrödinger Bridges Beat Everything",
            authors=["Zoë Müller"],
            abstract="A stochastic bridge approach to sampling.",
            listed_on="2025-01-03",
            upvotes=2,
            ai_summary="Bridges.",
            sources=["hf-json"],
            first_seen="2025-01-03T09:00:00Z",
        ),
    ]


STATES = {
    "arxiv:2206.00927": State(status="later", starred=True, tags=["diffusion", "to-read"]),
    "arxiv:2303.17651": State(status="done", tags=["old"], note="good", opened_at="2026-11-16"),
    "arxiv:2106.09685": State(status="skipped", opened_at="2026-11-10"),
    "title:0123456789abcdef": State(tags=["to-read"]),
}

DPM, SELF, LORA, SURVEY, BRIDGE = (p.id for p in make_library())


@pytest.fixture(params=["scan", "titles", "index"])
def searcher(request: pytest.FixtureRequest) -> Searcher:
    """The same library searched with no index (scans), after stage 1 of the build (titles and
    authors indexed, abstracts scanned) and with the whole index."""
    built = Searcher(make_library())
    if request.param == "index":
        built.build()
        assert built.ready and built.abstracts_ready
    elif request.param == "titles":
        built.build(abstracts=False)
        assert built.ready and not built.abstracts_ready
    else:
        assert not built.ready
    return built


def ctx(**extra: object) -> QueryContext:
    return QueryContext(states=STATES, now=NOW, new_since="2026-11-15T00:00:00Z", **extra)


def ids(searcher: Searcher, text: str, **extra: object) -> list[str]:
    return searcher.search(text, ctx(**extra)).ids


def found(searcher: Searcher, text: str) -> set[str]:
    return set(ids(searcher, text))


def test_empty_query_lists_everything_newest_first(searcher: Searcher) -> None:
    assert ids(searcher, "") == [DPM, SURVEY, SELF, LORA, BRIDGE]


def test_all_words_must_match(searcher: Searcher) -> None:
    assert found(searcher, "diffusion solver") == {DPM, SURVEY}
    assert found(searcher, "fast ode") == {DPM}


def test_prefixes_match_while_typing(searcher: Searcher) -> None:
    assert found(searcher, "diffu") == {DPM, SELF, SURVEY}
    assert found(searcher, "llm") == {SELF}


def test_phrase_is_a_case_insensitive_substring(searcher: Searcher) -> None:
    assert found(searcher, '"ode solver"') == {DPM}
    assert found(searcher, '"ffusion prob"') == {DPM}
    assert found(searcher, '"solver zoo"') == {SURVEY}
    assert found(searcher, '"olve"') == {DPM, SELF, SURVEY}  # solver, involved


def test_text_fields(searcher: Searcher) -> None:
    assert found(searcher, "title:diffusion") == {DPM}
    assert found(searcher, "author:diffusion") == {SURVEY}
    assert found(searcher, "abs:diffusion") == {DPM, SELF}
    assert found(searcher, 'title:"low-rank adaptation"') == {LORA}
    assert found(searcher, "author:müller") == {BRIDGE}


def test_attribute_fields(searcher: Searcher) -> None:
    assert found(searcher, "id:2206") == {DPM}
    assert found(searcher, "2106.09685") == {LORA}
    assert found(searcher, "cat:cs.cl") == {SELF, LORA}
    assert found(searcher, "cat:lg") == {DPM, LORA}
    assert found(searcher, "source:arxiv") == {SELF, LORA}
    assert found(searcher, "tag:to-read") == {DPM, SURVEY}
    assert found(searcher, "tag:to") == set()  # tags match exactly


def test_state_terms(searcher: Searcher) -> None:
    assert found(searcher, "is:starred") == {DPM}
    assert found(searcher, "is:later") == {DPM}
    assert found(searcher, "is:done") == {SELF}
    assert found(searcher, "is:skipped") == {LORA}
    assert found(searcher, "is:inbox") == {SURVEY, BRIDGE}
    assert found(searcher, "is:unread") == {DPM, SURVEY, BRIDGE}
    assert found(searcher, "is:new") == {DPM, SELF, SURVEY}
    assert found(searcher, "has:note") == {SELF}
    assert found(searcher, "has:tags") == {DPM, SELF, SURVEY}
    assert found(searcher, "has:code") == {DPM}
    assert found(searcher, "has:summary") == {BRIDGE}
    assert found(searcher, "has:pdf") == {DPM, SELF, LORA, BRIDGE}


def test_is_new_without_a_marker_counts_every_paper(searcher: Searcher) -> None:
    result = searcher.search("is:new", QueryContext(states=STATES, now=NOW))
    assert result.total == 5


def test_states_version_caches_state_terms(searcher: Searcher) -> None:
    states = dict(STATES)
    first = searcher.search("is:later", QueryContext(states=states, now=NOW, states_version=1))
    states[BRIDGE] = State(status="later")
    stale = searcher.search("is:later", QueryContext(states=states, now=NOW, states_version=1))
    fresh = searcher.search("is:later", QueryContext(states=states, now=NOW, states_version=2))
    assert first.ids == stale.ids == [DPM]
    assert set(fresh.ids) == {DPM, BRIDGE}


def test_numbers(searcher: Searcher) -> None:
    assert found(searcher, "upvotes:>50") == {DPM}
    assert found(searcher, "upvotes:5..20") == {SELF, SURVEY}
    assert found(searcher, "upvotes:<=5") == {SURVEY, BRIDGE}
    assert found(searcher, "stars:>=100") == {DPM}
    assert found(searcher, "comments:0") == {SELF}
    assert found(searcher, "comments:>0") == {DPM}


def test_dates(searcher: Searcher) -> None:
    assert found(searcher, "date:2026-11-20") == {DPM}
    assert found(searcher, "date:>=2026-11-15") == {DPM, SELF, SURVEY}
    assert found(searcher, "date:<7d") == {DPM, SELF, SURVEY}
    assert found(searcher, "date:2026-10") == {LORA}
    assert found(searcher, "date:2025") == {BRIDGE}
    assert found(searcher, "listed:today") == {DPM}
    assert found(searcher, "listed:yesterday") == {SURVEY}
    assert found(searcher, "listed:this-week") == {DPM, SURVEY}
    assert found(searcher, "listed:this-month") == {DPM, SELF, SURVEY}
    assert found(searcher, "date:>30d") == {LORA, BRIDGE}


def test_negation(searcher: Searcher) -> None:
    assert found(searcher, "-tag:old") == {DPM, LORA, SURVEY, BRIDGE}
    assert found(searcher, "diffusion -solver") == {SELF}
    assert found(searcher, "NOT is:inbox") == {DPM, SELF, LORA}
    assert found(searcher, "-(diffusion OR lora)") == {BRIDGE}


def test_or_and_grouping(searcher: Searcher) -> None:
    assert found(searcher, "lora OR bridge") == {LORA, BRIDGE}
    assert found(searcher, "(lora OR refine) language") == {LORA, SELF}
    assert found(searcher, "is:later OR is:done upvotes:>50") == {DPM}
    assert found(searcher, "lora OR self refine") == {LORA, SELF}


def test_sorts(searcher: Searcher) -> None:
    assert ids(searcher, "sort:upvotes") == [DPM, SELF, SURVEY, BRIDGE, LORA]
    assert ids(searcher, "sort:title") == [SURVEY, DPM, LORA, BRIDGE, SELF]
    assert ids(searcher, "sort:title-desc") == [SELF, BRIDGE, LORA, DPM, SURVEY]
    assert ids(searcher, "sort:-date") == [BRIDGE, LORA, SELF, SURVEY, DPM]
    assert ids(searcher, "diffusion sort:date") == [DPM, SURVEY, SELF]


def test_title_hit_ranks_above_author_above_abstract(searcher: Searcher) -> None:
    result = searcher.search("diffusion", ctx())
    assert result.ids == [DPM, SURVEY, SELF]
    assert result.hits[0].score > result.hits[1].score > result.hits[2].score


def test_whole_word_beats_prefix_in_the_same_field(searcher: Searcher) -> None:
    # "model" is a whole word nowhere; "models" is: both titles hold it as a prefix.
    result = searcher.search("language", ctx())
    assert set(result.ids) == {SELF, LORA}
    assert result.ids[0] == LORA  # in LoRA's title, only in Self-Refine's abstract


def test_limit_and_total(searcher: Searcher) -> None:
    result = searcher.search("", ctx(), limit=2)
    assert result.total == 5
    assert result.ids == [DPM, SURVEY]
    assert result.all_ids() == [DPM, SURVEY, SELF, LORA, BRIDGE]


def test_spans_point_at_the_matched_characters(searcher: Searcher) -> None:
    paper = make_library()[0]
    hit = searcher.search("diffusion solv", ctx()).hits[0]
    assert hit.id == DPM
    title = [paper.title[s:e] for s, e in hit.spans["title"]]
    assert title == ["Solv", "Solv", "Diffusion"]
    abstract = [paper.abstract[s:e] for s, e in hit.spans["abstract"]]
    assert abstract == ["Diffusion", "solv"]
    assert "authors" not in hit.spans
    assert dict(hit.spans) == searcher.spans(DPM, "diffusion solv", ctx())


def test_spans_cover_authors_phrases_and_non_ascii(searcher: Searcher) -> None:
    hit = searcher.search('author:müller "stochastic bridge"', ctx()).hits[0]
    assert hit.spans["authors"] == [(4, 10)]
    assert hit.spans["abstract"] == [(2, 19)]
    assert searcher.spans(BRIDGE, "-bridge", ctx()) == {}


def test_typo_tolerance(searcher: Searcher) -> None:
    assert found(searcher, "difusion") == {DPM, SELF, SURVEY}
    assert found(searcher, "refinment") == {SELF}
    hit = searcher.search("probablistic", ctx()).hits[0]
    assert hit.id == DPM
    title = make_library()[0].title
    assert [title[s:e] for s, e in hit.spans["title"]] == ["Probabilistic"]


def test_short_words_get_no_typo_tolerance(searcher: Searcher) -> None:
    assert found(searcher, "lorx") == {LORA}  # 4 letters: one edit allowed
    assert found(searcher, "loq") == set()  # 3 letters: prefix only


def test_typos_only_when_the_exact_prefix_finds_little(searcher: Searcher) -> None:
    # "model" matches exactly, so "modal"-like typos are not looked for: no extra hits.
    assert found(searcher, "models") == {DPM, SELF, LORA}


def test_incremental_updates(searcher: Searcher) -> None:
    newcomer = Paper(
        id="arxiv:2611.00001",
        title="Diffusion Transformers Everywhere",
        authors=["Ada Lovelace"],
        abstract="Scaling transformers.",
        listed_on="2026-11-20",
        upvotes=99,
    )
    searcher.add_or_update([newcomer])
    assert found(searcher, "transformers") == {newcomer.id}
    assert ids(searcher, "diffusion")[0] in (DPM, newcomer.id)
    searcher.add_or_update([replace(newcomer, title="Quantum Widgets", abstract="Nothing.")])
    assert found(searcher, "transformers") == set()
    assert found(searcher, "widg") == {newcomer.id}
    assert found(searcher, "upvotes:>90") == {newcomer.id}
    searcher.remove([newcomer.id, DPM, "arxiv:unknown"])
    assert found(searcher, "widg") == set()
    assert found(searcher, "diffusion solver") == {SURVEY}
    assert searcher.search("", ctx()).total == 4
    assert len(searcher) == 4


def test_updates_keep_long_prefix_caches_true(searcher: Searcher) -> None:
    assert found(searcher, "operat") == {SURVEY}  # caches "operat" once the index exists
    searcher.add_or_update([replace(make_library()[3], abstract="Nothing here.")])
    assert found(searcher, "operat") == {SURVEY}  # still in the title
    searcher.add_or_update([replace(make_library()[3], title="Untitled", abstract="x")])
    assert found(searcher, "operat") == set()


def test_mapping_of_papers_is_accepted() -> None:
    library = {p.id: p for p in make_library()}
    assert Searcher(library).search("lora").ids == [LORA]


def test_bad_query_string_raises_syntax_error(searcher: Searcher) -> None:
    with pytest.raises(QuerySyntaxError):
        searcher.search("(unclosed", ctx())


QUERIES = [
    "",
    "diffusion",
    "diffu",
    "diffusion solver",
    "difusion",
    "probablistic",
    "refinment",
    '"ode solver"',
    "lora OR bridge",
    "-diffusion",
    "model sort:upvotes",
    "language sort:title-desc",
    "title:diffusion OR author:diffusion",
    "is:unread -tag:old",
    "upvotes:>3 date:>=2026-11-01",
    "a",
    "s",
    "zz",
]


@pytest.mark.parametrize("text", QUERIES)
def test_scan_before_index_equals_index_after(text: str) -> None:
    scanning = Searcher(make_library())
    half = Searcher(make_library())
    half.build(abstracts=False)
    indexed = Searcher(make_library())
    indexed.build()
    results = [s.search(text, ctx()) for s in (scanning, half, indexed)]
    seen = [[(h.id, h.score, dict(h.spans)) for h in r.hits] for r in results]
    assert seen[0] == seen[1] == seen[2]
    assert results[0].total == results[1].total == results[2].total


def test_changes_during_build_are_caught_up() -> None:
    searcher = Searcher(make_library())
    thread = threading.Thread(target=searcher.build)
    # Update from this thread while the build may be running; either way the index must end up
    # reflecting the update.
    thread.start()
    searcher.add_or_update([replace(make_library()[2], title="Renamed Widget Paper")])
    searcher.remove([BRIDGE])
    thread.join()
    assert searcher.ready
    assert found(searcher, "widget") == {LORA}
    assert found(searcher, "bridges") == set()
    assert found(searcher, "lora") == set()


def test_start_build_and_wait_ready() -> None:
    searcher = Searcher(make_library())
    searcher.start_build()
    assert searcher.wait_ready(timeout=30)
    assert searcher.search("lora").ids == [LORA]


def test_query_objects_are_accepted() -> None:
    searcher = Searcher(make_library())
    assert searcher.search(parse("is:later"), ctx()).ids == [DPM]


def many_papers(count: int) -> list[Paper]:
    words = ["diffusion", "solver", "lora", "rank", "bridge", "flow", "vision", "token", "graph"]
    return [
        Paper(
            id=f"arxiv:2611.{n:05d}",
            arxiv_id=f"2611.{n:05d}",
            title=" ".join(words[(n * k) % len(words)] + str(n % (k + 7)) for k in range(1, 9)),
            authors=[f"Author {n % 97}", f"Writer {n % 89}"],
            abstract=" ".join(words[(n + k) % len(words)] + str(k) for k in range(60)),
            listed_on=f"2026-11-{1 + n % 28:02d}",
        )
        for n in range(count)
    ]


def test_a_cancelled_build_stops_and_a_later_one_finishes() -> None:
    papers = many_papers(4000)  # enough for the build to reach a pause (every ~2 ms)
    searcher = Searcher(papers)
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return True

    assert searcher.build(cancelled=cancelled) is False
    assert asked  # it was asked, and stopped at the first answer
    assert len(asked) == 1
    assert not searcher.abstracts_ready
    reference = Searcher(papers)
    reference.build()
    for text in ("diffusion3", "lora", "solver5 flow", "author:writer"):
        assert searcher.search(text).ids == reference.search(text).ids  # answers are unchanged
    assert searcher.build() is True
    assert searcher.ready and searcher.abstracts_ready
    assert searcher.search("lora").ids == reference.search("lora").ids
