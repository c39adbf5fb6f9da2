"""The ranking engine against a real library in a temp folder: decisions made through the store
move clusters up and down, tags and papers rank their neighbours, "why" shows the model's real
weights, and the saved matrix survives damage, kills and imports."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tui.actions import EditTags
from tui.errors import UsageError
from tui.models import Paper
from tui.query.nodes import Rank
from tui.query.pages import run_query, view_query
from tui.query.searcher import Searcher
from tui.rank import Ranker, storage
from tui.store import Library

CLUSTERS = {
    "a": [
        "diffusion",
        "denoising",
        "sampler",
        "score",
        "noise",
        "schedule",
        "image",
        "generation",
        "guidance",
    ],
    "b": [
        "reinforcement",
        "policy",
        "reward",
        "agent",
        "environment",
        "exploration",
        "q-learning",
        "actor",
    ],
    "c": [
        "survey",
        "benchmark",
        "dataset",
        "taxonomy",
        "review",
        "evaluation",
        "leaderboard",
        "annotation",
    ],
}
SHARED = [
    "model",
    "learning",
    "neural",
    "training",
    "large",
    "data",
    "network",
    "framework",
    "efficient",
]


def make_papers(cluster: str, count: int, seed: int, start: int = 0) -> list[Paper]:
    rng = random.Random(f"{cluster}{seed}")
    words = CLUSTERS[cluster]
    papers = []
    for i in range(start, start + count):
        title = " ".join(rng.sample(words, 3) + rng.sample(SHARED, 2))
        abstract = " ".join(rng.choice(words if rng.random() < 0.5 else SHARED) for _ in range(60))
        day = f"2026-0{1 + i % 9}-{10 + i % 18:02d}"
        papers.append(
            Paper(
                id=f"arxiv:2601.{ord(cluster) * 1000 + i:05d}",
                arxiv_id=f"2601.{ord(cluster) * 1000 + i:05d}",
                title=f"{cluster.upper()}{i}: {title}",
                abstract=abstract,
                listed_on=day,
            )
        )
    return papers


@pytest.fixture
def library(home: Path) -> Library:
    lib = Library.open(home)
    papers = [p for c in "abc" for p in make_papers(c, 30, seed=1)]
    lib.upsert_papers(papers, source="test")
    return lib


def ids_of(cluster: str, lib: Library) -> list[str]:
    return sorted(pid for pid, p in lib.papers().items() if p.title.startswith(cluster.upper()))


def inbox(lib: Library, ranker: Ranker | None, text: str = "sort:for-you") -> list[str]:
    result = run_query(
        Searcher(lib.papers()),
        lib.states(),
        view_query("is:inbox", text),
        limit=None,
        states_version=lib.states_version,
        ranker=ranker,
    )
    return result.rows


def cluster(pid: str, lib: Library) -> str:
    return lib.papers()[pid].title[0].lower()


def test_a_starred_cluster_rises_and_a_skipped_cluster_sinks(library: Library) -> None:
    a, b = ids_of("a", library), ids_of("b", library)
    library.set_starred(a[:3], True)
    library.set_status(a[3:5], "later")
    library.set_status(b[:4], "skipped")
    ranker = Ranker(library)
    ranker.prepare()
    rows = inbox(library, ranker)
    top, bottom = rows[:15], rows[-15:]
    assert [cluster(p, library) for p in top] == ["a"] * 15
    assert {cluster(p, library) for p in bottom} == {"b"}
    # The same decisions the other way round turn the order over.
    library.set_starred(a[:3], False)
    library.set_status(a[3:5], "skipped")
    library.set_status(b[:4], "done")
    rows = inbox(library, ranker)
    assert [cluster(p, library) for p in rows[:15]] == ["b"] * 15


def test_with_nothing_to_learn_from_the_order_is_todays(library: Library) -> None:
    ranker = Ranker(library)
    assert inbox(library, ranker) == inbox(library, None, "")


def test_interest_keywords_seed_the_order_before_any_decision(library: Library) -> None:
    ranker = Ranker(library, interests=["reinforcement policy"])
    rows = inbox(library, ranker)
    assert [cluster(p, library) for p in rows[:20]] == ["b"] * 20


def test_like_tag_ranks_that_tags_neighbours_first(library: Library) -> None:
    c = ids_of("c", library)
    library.edit_tags(c[:3], add=["surveys"], remove=[])
    ranker = Ranker(library)
    rows = inbox(library, ranker, "like:#surveys")
    untagged = [p for p in rows if p not in c[:3]]
    assert [cluster(p, library) for p in untagged[:20]] == ["c"] * 20
    with pytest.raises(UsageError, match="no paper in the library has the tag 'nope'"):
        inbox(library, ranker, "like:#nope")


def test_like_id_and_similar_rank_by_likeness(library: Library) -> None:
    a = ids_of("a", library)
    ranker = Ranker(library)
    rows = inbox(library, ranker, f"like:{a[0].removeprefix('arxiv:')}")
    assert rows[0] == a[0]  # the paper itself is most like itself
    assert [cluster(p, library) for p in rows[:25]] == ["a"] * 25
    similar = ranker.similar([a[0]], limit=10)
    assert a[0] not in [pid for pid, _ in similar]
    assert [cluster(pid, library) for pid, _ in similar] == ["a"] * 10
    assert [s for _, s in similar] == sorted((s for _, s in similar), reverse=True)
    both = ranker.similar([a[0], ids_of("b", library)[0]], limit=30)
    assert {cluster(pid, library) for pid, _ in both[:10]} <= {"a", "b"}


def test_why_shows_the_models_real_top_pushes(library: Library) -> None:
    a, b = ids_of("a", library), ids_of("b", library)
    library.set_starred(a[:3], True)
    library.set_status(b[:3], "skipped")
    ranker = Ranker(library)
    term, states, version = Rank("for-you"), library.states(), library.states_version
    rows = inbox(library, ranker)
    for pid in (rows[0], rows[-1]):
        why = ranker.explain(term, pid, states, version)
        assert why is not None and why.signal == "for you"
        features = ranker.features(pid)
        pushes = {
            word: ranker.weight_of(term, states, word, version) * value
            for word, value in features.items()
        }
        ups = sorted((p for p in pushes.values() if p > 0), reverse=True)[:3]
        downs = sorted(p for p in pushes.values() if p < 0)[:2]
        assert [p for _, p in why.terms] == pytest.approx(ups + downs, rel=1e-5)
        for word, push in why.terms:
            assert push == pytest.approx(pushes[word], rel=1e-5)
    top = ranker.explain(term, rows[0], states, version)
    assert top is not None
    assert top.terms[0][0] in CLUSTERS["a"]
    assert top.nearest in a[:3]
    assert top.line().startswith("★ for you: +")
    bottom = ranker.explain(term, rows[-1], states, version)
    assert bottom is not None and any(push < 0 for _, push in bottom.terms)
    learned = dict(ranker.weights(term, states, version, count=5))
    assert max(learned, key=learned.__getitem__) in CLUSTERS["a"]
    assert min(learned, key=learned.__getitem__) in CLUSTERS["b"]


def test_the_matrix_is_saved_and_a_fresh_start_uses_it(library: Library, home: Path) -> None:
    Ranker(library).prepare()
    path = storage.matrix_path(home)
    assert path.exists()
    before = path.stat().st_mtime_ns
    again = Ranker(Library.open(home))
    assert again.prepare()
    assert path.stat().st_mtime_ns == before  # in step with the catalog: not rewritten
    status = again.status
    assert status is not None and status.rows == 90


def test_saving_an_unchanged_matrix_writes_nothing_and_a_changed_one_is_written(
    library: Library, home: Path
) -> None:
    ranker = Ranker(library)
    ranker.prepare()
    path = storage.matrix_path(home)
    before = path.stat().st_mtime_ns
    assert ranker.save()  # at quit: the file holds this matrix already
    assert path.stat().st_mtime_ns == before
    ranker.papers_removed(ids_of("a", library)[:2])  # the matrix changes
    assert ranker.save()
    assert path.stat().st_mtime_ns != before
    loaded = storage.load(path)
    assert loaded is not None and len(loaded[0].row_of) == 88
    path.unlink()  # gone from disk: written again
    assert ranker.save() and path.exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],
        lambda raw: raw[:100] + bytes(b ^ 0xFF for b in raw[100:140]) + raw[140:],
        lambda raw: b"",
        lambda raw: b"PDRANK1\n" + b"\xff" * 64,
        lambda raw: raw + b"extra",
    ],
)
def test_a_damaged_matrix_is_rebuilt_not_fatal(library: Library, home: Path, damage) -> None:  # type: ignore[no-untyped-def]
    a = ids_of("a", library)
    library.set_starred(a[:3], True)
    first = Ranker(library)
    expected = inbox(library, first)
    path = storage.matrix_path(home)
    path.write_bytes(damage(path.read_bytes()))
    fresh = Library.open(home)
    ranker = Ranker(fresh)
    assert inbox(fresh, ranker) == expected
    assert storage.load(path) is not None  # rebuilt and saved again


def test_an_imported_paper_is_ranked_without_a_full_rebuild(library: Library, home: Path) -> None:
    a = ids_of("a", library)
    library.set_starred(a[:3], True)
    Ranker(library).prepare()
    # Another process imports (a sync, `paperdeck import`): the saved matrix is brought up to date.
    other = Library.open(home)
    added = make_papers("a", 2, seed=7, start=100) + make_papers("b", 2, seed=7, start=100)
    other.upsert_papers(added, source="test")
    fresh = Library.open(home)
    ranker = Ranker(fresh)
    rows = inbox(fresh, ranker)
    status = ranker.status
    assert status is not None and status.rows == 94 and status.rows_since_build == 4
    a_block = len([p for p in rows if cluster(p, fresh) == "a"])
    assert {cluster(p, fresh) for p in rows[:a_block]} == {"a"}
    assert {p.id for p in added[:2]} <= set(rows[:a_block])
    # In the same process: rows appended for the papers a sync just wrote.
    more = make_papers("a", 1, seed=8, start=200)
    fresh.upsert_papers(more, source="test")
    ranker.papers_changed([fresh.papers()[more[0].id]])
    status = ranker.status
    assert status is not None and status.rows == 95 and status.rows_since_build == 5
    rows = inbox(fresh, ranker)
    assert more[0].id in rows[: len([p for p in rows if cluster(p, fresh) == "a"])]


def test_a_changed_abstract_gets_a_new_row(library: Library, home: Path) -> None:
    ranker = Ranker(library)
    ranker.prepare()
    target = ids_of("c", library)[0]
    before = ranker.features(target)
    changed = Paper(**{**library.papers()[target].to_dict(), "abstract": "reinforcement " * 20})
    ranker.papers_changed([changed])
    after = ranker.features(target)
    assert "reinforcement" in after and after != before


def test_papers_a_sync_adds_rank_as_after_a_full_rebuild(library: Library, home: Path) -> None:
    a, b = ids_of("a", library), ids_of("b", library)
    library.set_starred(a[:4], True)
    library.set_status(b[:4], "skipped")
    ranker = Ranker(library)
    ranker.prepare()
    # A sync brings a burst of one topic: its terms' IDF falls, the others' rises.
    added = make_papers("a", 25, seed=9, start=300)
    library.upsert_papers(added, source="test")
    ranker.papers_changed([library.papers()[p.id] for p in added])
    status = ranker.status
    assert status is not None and status.rows_since_build == 25  # no rebuild happened
    storage.discard(ranker.path)
    rebuilt = Ranker(library)
    rebuilt.prepare()
    assert rebuilt.status is not None and rebuilt.status.rows_since_build == 0

    ids = inbox(library, None, "")  # today's order: both rankers start from it
    states, version = library.states(), library.states_version
    ranked = {}
    for name, which in (("incremental", ranker), ("rebuilt", rebuilt)):
        found = which.order(Rank("for-you"), ids, states, version)
        assert found is not None
        positions, scores = found
        order = [ids[i] for i in positions]
        ranked[name] = (order, dict(zip(order, scores, strict=True)))
    # Scores span ~6 here; rows kept at their old IDF were off by ~3e-3 and moved synced
    # papers by up to 3 places.
    for pid in ids:  # the synced papers and every old row read as after the rebuild
        assert ranked["incremental"][1][pid] == pytest.approx(ranked["rebuilt"][1][pid], abs=1e-4)
    where = {name: {pid: k for k, pid in enumerate(order)} for name, (order, _s) in ranked.items()}
    assert [where["incremental"][p.id] for p in added] == [where["rebuilt"][p.id] for p in added]


def test_a_decision_retrains_only_the_models_it_changes(library: Library) -> None:
    a, b = ids_of("a", library), ids_of("b", library)
    library.set_starred(a[:3], True)
    library.run(EditTags(add=("rl",)), b[:2])
    ranker = Ranker(library)
    ranker.prepare()
    inbox(library, ranker)
    inbox(library, ranker, "like:#rl")
    assert ranker.trainings == 2
    library.run(EditTags(add=("rl",)), b[2:3])  # a tag: that tag's model, not "for you"
    assert inbox(library, ranker)[0] in a
    assert ranker.trainings == 2
    inbox(library, ranker, "like:#rl")
    assert ranker.trainings == 3
    library.set_starred(a[3:4], True)  # a star: "for you", not the tag's
    inbox(library, ranker)
    inbox(library, ranker, "like:#rl")
    assert ranker.trainings == 4


def test_the_kept_row_products_are_the_rows_dot_products(library: Library) -> None:
    import numpy as np

    from tui.rank import models

    Ranker(library).prepare()
    loaded = storage.load(storage.matrix_path(library.home))
    assert loaded is not None
    matrix = loaded[0]
    gram = models.Gram(matrix)

    def direct(rows: list[int]) -> np.ndarray:
        dense = np.zeros((len(rows), matrix.n_terms))
        for k, r in enumerate(rows):
            idx, val = matrix.row(r)
            dense[k, idx] = val
        return dense @ dense.T

    first = list(range(0, 80, 2))  # many at once: the dense product
    np.testing.assert_allclose(gram.of(first), direct(first), atol=1e-5)
    more = [*first[5:], 1, 3]  # two new rows: one sparse pass each, the rest kept
    np.testing.assert_allclose(gram.of(more), direct(more), atol=1e-5)
