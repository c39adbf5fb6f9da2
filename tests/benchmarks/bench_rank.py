"""Ranking benchmark: quality on real arXiv papers, speed at 100k generated ones. Prints figures.

Quality (`../shared/data/arxiv-sample.jsonl.gz`, 20k real papers in arrival order): a simulated
user whose interest is one or two categories decides the inbox in arrival order - keeps
(later) a paper of theirs, skips the rest. After 10, 30 and 100 decisions we rank the remaining
inbox and measure precision@20 and NDCG@50 against:
  (a) arrival order; (b) arxiv-sanity's recipe - scikit-learn TF-IDF (1-2 grams, 20k features)
  and a LinearSVC of the kept papers against every other paper (the anchor; scikit-learn is
  needed for this line only: `pip install scikit-learn`, never a paperdeck dependency);
  (c) upvotes - the sample has none, so that line says so.
Ours is run both ways (logistic regression and Rocchio) through the real store and `Ranker`.

Speed (tests/benchmarks/generate.py papers): matrix build from scratch in a thread while a
probe thread sleeping 1 ms in a loop records its worst lateness (how long a UI thread would be
kept waiting), start with the saved matrix, re-rank after one decision, more-like-this, peak
memory, and the one-shot `paperdeck list 'sort:for-you' --limit 20` as a whole process.

    python tests/benchmarks/bench_rank.py                 # quality, then speed at 100000
    python tests/benchmarks/bench_rank.py quality
    python tests/benchmarks/bench_rank.py speed 20000
"""

from __future__ import annotations

import cProfile
import gzip
import json
import math
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import msgspec.structs

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.models import Paper
from tui.query.nodes import Rank
from tui.rank import Ranker
from tui.rank.matrix import build_matrix
from tui.store import Library

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "arxiv-sample.jsonl.gz"
USERS = (("cs.CL",), ("cs.RO",), ("cs.GR", "eess.IV"), ("cs.IT",), ("cs.LG", "cs.AI"))
STEPS = (10, 30, 100)


# -- quality -----------------------------------------------------------------------------------


def load_sample() -> list[Paper]:
    rows = []
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            rows.append(doc)
    rows.sort(key=lambda d: (d["listed_on"] or "", d["id"]))  # arrival order
    return [
        Paper(
            id=f"arxiv:{d['id']}",
            arxiv_id=d["id"],
            title=d["title"],
            abstract=d["abstract"],
            authors=d["authors"],
            categories=d["categories"],
            listed_on=d["listed_on"],
        )
        for d in rows
    ]


def precision_at(ranked: list[bool], k: int) -> float:
    return sum(ranked[:k]) / k


def ndcg_at(ranked: list[bool], k: int) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, rel in enumerate(ranked[:k]) if rel)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, sum(ranked))))
    return dcg / ideal if ideal else 0.0


class Anchor:
    """arxiv-sanity's recipe: one TF-IDF of the library (as its compute.py does), then per
    request a LinearSVC of the kept papers against every other paper."""

    def __init__(self, papers: list[Paper]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(
            stop_words="english",
            ngram_range=(1, 2),
            max_features=20000,
            min_df=5,
            max_df=0.1,
            sublinear_tf=True,
            strip_accents="unicode",
        )
        self.x = vectorizer.fit_transform([f"{p.title}. {p.abstract}" for p in papers])
        self.papers = papers
        self.where = {p.id: i for i, p in enumerate(papers)}

    @classmethod
    def make(cls, papers: list[Paper]) -> Anchor | None:
        try:
            import sklearn  # noqa: F401
        except ImportError:
            return None
        return cls(papers)

    def order(self, kept: set[str], rest: list[str]) -> list[str]:
        from sklearn.svm import LinearSVC

        y = [1 if p.id in kept else 0 for p in self.papers]
        if not any(y):
            return rest
        clf = LinearSVC(class_weight="balanced", max_iter=10000, tol=1e-6, C=0.1)
        clf.fit(self.x, y)
        scores = clf.decision_function(self.x)
        return sorted(rest, key=lambda pid: -scores[self.where[pid]])


def quality() -> None:
    if not DATA.exists():
        print(f"quality: {DATA} is missing; skipped")
        return
    papers = load_sample()
    print(f"quality: {len(papers)} real arXiv papers in arrival order, users {USERS}")
    table: dict[tuple[str, int], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library.open(Path(tmp) / "home")
        lib.upsert_papers(papers, source="bench")
        started = time.perf_counter()
        rankers = {name: Ranker(lib, trainer=name) for name in ("logistic", "rocchio")}
        rankers["logistic"].prepare()
        rankers["rocchio"].prepare()
        print(f"  matrix of the sample ready in {time.perf_counter() - started:.1f} s")
        order = [p.id for p in papers]
        anchor = Anchor.make(papers)
        for user in USERS:
            relevant = {p.id for p in papers if set(p.categories) & set(user)}
            decided = 0
            for steps in STEPS:
                for pid in order[decided:steps]:
                    lib.set_status([pid], "later" if pid in relevant else "skipped")
                decided = steps
                rest = order[steps:]
                kept = set(order[:steps]) & relevant
                ranked_by = {"arrival": rest}
                for name, ranker in rankers.items():
                    found = ranker.order(Rank("for-you"), rest, lib.states(), lib.states_version)
                    ranked_by[name] = rest if found is None else [rest[i] for i in found[0]]
                if anchor is not None:
                    ranked_by["anchor"] = anchor.order(kept, rest)
                for name, ranked in ranked_by.items():
                    rel = [pid in relevant for pid in ranked]
                    table.setdefault((name, steps), []).append(
                        (precision_at(rel, 20), ndcg_at(rel, 50))
                    )
            # Undo this user's decisions for the next one.
            lib.set_status(order[: STEPS[-1]], "inbox")
    names = {
        "arrival": "(a) arrival order",
        "anchor": "(b) sklearn TF-IDF+LinearSVC",
        "logistic": "ours: logistic (default)",
        "rocchio": "ours: Rocchio",
    }
    if ("anchor", STEPS[0]) not in table:
        print("  (b) anchor: scikit-learn not installed: pip install scikit-learn")
    print("  (c) upvotes: n/a, the real sample carries no upvotes")
    header = "".join(f"{f'@{s} P@20 NDCG@50':>18}" for s in STEPS)
    print(f"  {'decisions:':<30}{header}")
    for index, user in enumerate([*USERS, None]):
        print(f"  {'mean of the users' if user is None else '+'.join(user)}")
        for key, label in names.items():
            if (key, STEPS[0]) not in table:
                continue
            cells = []
            for steps in STEPS:
                values = table[(key, steps)]
                if user is None:
                    p = statistics.mean(v[0] for v in values)
                    n = statistics.mean(v[1] for v in values)
                else:
                    p, n = values[index]
                cells.append(f"{p:.2f}  {n:.2f}")
            print(f"    {label:<28}" + "".join(f"{c:>18}" for c in cells))


# -- speed -------------------------------------------------------------------------------------


class Probe:
    """A thread standing in for the UI: sleeps 1 ms in a loop and records how late it wakes."""

    def __init__(self) -> None:
        self.late: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            start = time.perf_counter()
            time.sleep(0.001)
            self.late.append(time.perf_counter() - start - 0.001)

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> str:
        worst = max(self.late) * 1000
        p99 = statistics.quantiles(self.late, n=100)[98] * 1000
        return f"worst {worst:.1f} ms, p99 {p99:.1f} ms over {len(self.late)} wake-ups"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed(n: int) -> None:
    from tests.benchmarks.generate import generate_papers, generate_states

    papers = generate_papers(n, seed=0)
    print(f"speed: {n} generated papers")
    with Probe() as idle:
        time.sleep(1.0)
    print(f"  probe with nothing running (the box's own noise): {idle.summary()}")
    before = rss_mb()
    with Probe() as probe:
        started = time.perf_counter()
        thread = threading.Thread(target=lambda: build_matrix(papers))
        thread.start()
        thread.join()
        took = time.perf_counter() - started
    print(f"  matrix build from scratch (in a thread): {took:.1f} s; UI probe: {probe.summary()}")
    print(f"  peak memory of the build: +{rss_mb() - before:.0f} MB (max RSS)")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        lib = Library.open(home)
        started = time.perf_counter()
        lib.upsert_papers(papers, source="bench")
        states = generate_states(papers, seed=0)
        lib.apply_states(states, "bench")
        print(f"  (store filled in {time.perf_counter() - started:.1f} s)")
        ranker = Ranker(lib)
        started = time.perf_counter()
        ranker.prepare()
        print(f"  build + save through the store: {time.perf_counter() - started:.1f} s")
        fresh = Library.open(home)
        started = time.perf_counter()
        Ranker(fresh).prepare()
        print(f"  start with the saved matrix: {(time.perf_counter() - started) * 1000:.0f} ms")
        inbox = [p.id for p in papers if lib.state(p.id).status == "inbox"]
        term = Rank("for-you")
        ranker.order(term, inbox, lib.states(), lib.states_version)
        times = []
        for k in range(5):
            lib.set_status([inbox[k]], "skipped" if k % 2 else "later")
            rest = inbox[k + 1 :]
            started = time.perf_counter()
            ranker.order(term, rest, lib.states(), lib.states_version)
            times.append(time.perf_counter() - started)
        print(
            f"  re-rank the inbox ({len(inbox)}) after one decision: median "
            f"{statistics.median(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms"
        )
        profile = cProfile.Profile()
        for k in range(5, 8):
            lib.set_status([inbox[k]], "skipped" if k % 2 else "later")
            rest = inbox[k + 1 :]
            states = lib.states()
            profile.runcall(ranker.order, term, rest, states, lib.states_version)
        print("  where a re-rank goes (3 decisions, own time, the states read outside):")
        for name, took in _top(profile, 6):
            print(f"    {took / 3 * 1000:6.1f} ms  {name}")
        times = []
        for k in range(8, 11):
            lib.edit_tags([inbox[k]], add=["bench"])
            started = time.perf_counter()
            ranker.order(term, inbox[8:], lib.states(), lib.states_version)
            times.append(time.perf_counter() - started)
        print(
            f"  re-rank 'for you' after a tag edit (no retraining): median "
            f"{statistics.median(times) * 1000:.0f} ms"
        )
        synced = generate_papers(300, seed=1)
        synced = [msgspec.structs.replace(p, id=f"{p.id}-synced") for p in synced]
        started = time.perf_counter()
        ranker.papers_changed(synced)
        print(
            f"  a sync's 300 papers appended (today's IDF for every row): "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
        times = []
        for k in range(5):
            started = time.perf_counter()
            ranker.similar([papers[k * 7].id], limit=50)
            times.append(time.perf_counter() - started)
        print(
            f"  more like this (top 50 of the library): median {statistics.median(times) * 1000:.0f} ms"
        )
        env = {**os.environ, "PAPERDECK_HOME": str(home)}
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "tui", "list", "sort:for-you", "--limit", "20"],
                env=env,
                check=True,
                capture_output=True,
            )
            runs.append(time.perf_counter() - started)
        print(
            f"  `paperdeck list 'sort:for-you' --limit 20` whole process: median "
            f"{statistics.median(runs):.2f} s (plain `paperdeck list --limit 20` for comparison: "
            f"{_plain(env):.2f} s)"
        )
        print(f"  peak memory of this process: {rss_mb():.0f} MB (max RSS)")


def _top(profile: cProfile.Profile, count: int) -> list[tuple[str, float]]:
    """The functions with the most own time in `profile`, as (short name, seconds)."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    rows = []
    for (path, line, func), (_cc, _nc, tottime, _ct, _callers) in stats.items():
        where = Path(path).name if path.startswith("/") else path
        rows.append((f"{func} ({where}:{line})", tottime))
    return sorted(rows, key=lambda row: -row[1])[:count]


def _plain(env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tui", "list", "--limit", "20"],
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "all"
    if what in ("all", "quality"):
        quality()
    if what in ("all", "speed"):
        speed(int(argv[1]) if len(argv) > 1 else 100_000)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
