"""Query engine benchmark at 1k / 10k / 100k generated papers (15% of abstracts with some
non-ASCII text). Prints figures only:

* one-shot searches as the CLI runs them: a fresh `Searcher(papers).search(...)`, no build;
* the staged build as the app runs it (`start_build()` in a thread): time to `ready` (stage 1:
  titles and authors) and to `abstracts_ready` (stage 2), and how late a thread standing in for
  the UI thread (sleeping 1 ms in a loop) wakes up meanwhile - its worst and 99th-percentile
  lateness, next to the same probe with no build running (the box's own noise);
* typing while abstracts are still scanned (after stage 1 only);
* index memory, per-keystroke latency of typed fuzzy queries and structured queries once built;
* incremental updates.

    python tests/benchmarks/bench_query.py            # 1000 10000 100000
    python tests/benchmarks/bench_query.py 1000 10000 # chosen sizes

A "keystroke" is one `search(prefix, ctx, limit=50)` for every prefix of the typed query,
plus the highlight spans of the 30 rows a list pane would show. Each typing run starts with
cold caches for prefixes of 3+ characters (the 1-2 character ones are built with the index, as in
the app); the figure per keystroke is the median over RUNS runs, then we print the median and the
worst keystroke, and the single slowest sample.
"""

from __future__ import annotations

import gc
import resource
import statistics
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from msgspec.structs import replace as struct_replace

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.generate import generate_papers, generate_states
from tui.models import Paper
from tui.query import QueryContext, Searcher

TYPED = ("diffusion solver", "self refine llm", "lora", "difusion")
STRUCTURED = (
    "",
    "is:later",
    "is:starred",
    "tag:to-read",
    "is:inbox",
    "-tag:old is:unread",
    "upvotes:>50",
    "has:code stars:>=100",
    "date:<30d",
    "listed:this-month sort:upvotes",
    "cat:cs.cl",
    "diffusion is:later",
)
ONE_SHOT = ("diffusion solver", "difusion solver", "lora", '"low rank"', "is:later upvotes:>20")
RUNS = 5
VISIBLE_ROWS = 30
UNICODE_SHARE = 0.15


class StallProbe:
    """A thread that sleeps 1 ms in a loop and records how late it wakes: what a UI thread
    drawing frames would suffer from the GIL being held elsewhere."""

    def __init__(self) -> None:
        self.lateness: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            time.sleep(0.001)
            self.lateness.append(time.perf_counter() - started - 0.001)

    def __enter__(self) -> StallProbe:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> str:
        ordered = sorted(self.lateness)
        p99 = ordered[int(len(ordered) * 0.99)] if ordered else 0.0
        worst = ordered[-1] if ordered else 0.0
        return f"max {1000 * worst:5.1f} ms, p99 {1000 * p99:4.1f} ms over {len(ordered)} wake-ups"


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cool(searcher: Searcher) -> None:
    """Drop caches a fresh session would not have (long prefixes, typo tables, leaf results)."""
    searcher.forget_learned()


def keystroke(searcher: Searcher, text: str, ctx: QueryContext) -> float:
    start = time.perf_counter()
    result = searcher.search(text, ctx, limit=50)
    # What the screen needs: title highlights for the visible rows, every field of the first.
    for hit in result.hits[:VISIBLE_ROWS]:
        hit.spans.get("title", [])
    if result.hits:
        dict(result.hits[0].spans)
    return time.perf_counter() - start


def one_shot(papers: list[Paper], ctx: QueryContext, count: int) -> None:
    runs = 3 if count >= 100_000 else RUNS
    started = time.perf_counter()
    Searcher(papers)
    print(f"one-shot (CLI): Searcher(papers) alone {1000 * (time.perf_counter() - started):.0f} ms")
    for text in ONE_SHOT:
        times = []
        for _ in range(runs):
            gc.collect()
            started = time.perf_counter()
            result = Searcher(papers).search(text, ctx, limit=50)
            times.append(time.perf_counter() - started)
        print(
            f"  Searcher(papers).search({text!r:24}) median {1000 * statistics.median(times):6.0f} ms"
            f"  worst {1000 * max(times):6.0f} ms  [{result.total} hits]"
        )


def staged_build(searcher: Searcher) -> None:
    with StallProbe() as quiet:
        time.sleep(1.0)
    with StallProbe() as probe:
        started = time.perf_counter()
        thread = searcher.start_build()
        searcher.wait_ready()
        ready = time.perf_counter() - started
        searcher.wait_abstracts_ready()
        done = time.perf_counter() - started
        thread.join()
    print(
        f"staged build in a thread: stage 1 (titles+authors, `ready`) {ready:.2f} s; "
        f"stage 2 (abstracts) {done - ready:.2f} s more; all {done:.2f} s"
    )
    print(f"  UI-thread stand-in during the build: {probe.summary()}")
    print(f"  the same probe with no build running: {quiet.summary()}")


def typing_before_abstracts(papers: list[Paper], ctx: QueryContext) -> None:
    searcher = Searcher(papers)
    searcher.build(abstracts=False)
    for text in TYPED:
        per_key = [keystroke(searcher, text[:end], ctx) * 1000 for end in range(1, len(text) + 1)]
        print(
            f"  typing {text!r:20} after stage 1 only (abstracts scanned): "
            f"median {statistics.median(per_key):6.1f} ms  worst key {max(per_key):6.1f} ms"
        )


def bench_size(count: int) -> None:
    print(f"\n== {count:,} papers ==")
    started = time.perf_counter()
    papers = generate_papers(count, unicode_share=UNICODE_SHARE)
    states = generate_states(papers)
    print(f"generated in {time.perf_counter() - started:.1f} s ({len(states)} states)")
    ctx = QueryContext(
        states=states, now=datetime(2026, 11, 20, 12, tzinfo=UTC), new_since="2026-11-15"
    )
    one_shot(papers, ctx, count)
    typing_before_abstracts(papers, ctx)
    gc.collect()
    before = rss_mb()
    searcher = Searcher(papers)
    staged_build(searcher)
    gc.collect()
    print(
        f"RSS +{rss_mb() - before:.0f} MB for searcher+index (process {rss_mb():.0f} MB, "
        f"peak {peak_mb():.0f} MB)"
    )
    for text in TYPED:
        samples: list[list[float]] = [[] for _ in text]
        for _ in range(RUNS):
            cool(searcher)
            for end in range(1, len(text) + 1):
                samples[end - 1].append(keystroke(searcher, text[:end], ctx))
        per_key = [statistics.median(s) * 1000 for s in samples]
        slowest = max(max(s) for s in samples) * 1000
        worst_at = text[: per_key.index(max(per_key)) + 1]
        total = searcher.search(text, ctx, limit=1).total
        print(
            f"  typing {text!r:20} median {statistics.median(per_key):6.2f} ms  "
            f"worst key {max(per_key):6.2f} ms ({worst_at!r})  slowest sample {slowest:6.2f} ms  "
            f"[{total} hits]"
        )
    versioned = replace(ctx, states_version=1)
    for text in STRUCTURED:
        times = []
        for _ in range(RUNS):
            cool(searcher)
            times.append(keystroke(searcher, text, ctx))
        cached = []
        for _ in range(RUNS):
            cached.append(keystroke(searcher, text, versioned))
        total = searcher.search(text, ctx, limit=1).total
        print(
            f"  query {text!r:34} median {statistics.median(times) * 1000:6.2f} ms  "
            f"first {times[0] * 1000:6.2f} ms  with states_version "
            f"{statistics.median(cached) * 1000:5.2f} ms  [{total} hits]"
        )
    started = time.perf_counter()
    ids = searcher.search("diffusion", ctx, limit=50).all_ids()
    print(
        f"  all_ids() of 'diffusion' ({len(ids)} ids): {1000 * (time.perf_counter() - started):.1f} ms"
    )
    fresh = generate_papers(300, seed=99)
    for number, paper in enumerate(fresh):
        paper.id = f"arxiv:9999.{number:05d}"
    started = time.perf_counter()
    searcher.add_or_update(fresh)
    print(
        f"  add_or_update(300 new papers), built index: {1000 * (time.perf_counter() - started):.1f} ms"
    )
    rewritten = generate_papers(100, seed=98)
    started = time.perf_counter()
    searcher.add_or_update(rewritten)
    print(
        f"  add_or_update(100 papers with every text rewritten): "
        f"{1000 * (time.perf_counter() - started):.1f} ms"
    )
    bumped = [struct_replace(p, upvotes=(p.upvotes or 0) + 1) for p in papers[:1000]]
    started = time.perf_counter()
    searcher.add_or_update(bumped)
    print(
        f"  add_or_update(1000 papers, upvotes changed): {1000 * (time.perf_counter() - started):.1f} ms"
    )
    started = time.perf_counter()
    searcher.search("diffusion solver", ctx, limit=50)
    print(f"  first search after those updates: {1000 * (time.perf_counter() - started):.1f} ms")


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1_000, 10_000, 100_000]
    for count in sizes:
        bench_size(count)


if __name__ == "__main__":
    main(sys.argv[1:])
