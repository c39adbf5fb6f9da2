"""Sync benchmark: merging a 10k-paper sync into a 100k-paper library. Prints medians only.

Two figures, each over a fresh copy of the same 100k library per run:
- merge: `lib.upsert_papers(10k papers)` alone, half of them new, half refreshed versions of
  papers already in the library (new upvotes and comment counts, as a Daily Papers sync brings);
- end to end: `run_sync` pulling the same 10k papers from a local HTTP server as Hugging Face
  Daily Papers JSON (100 pages of 100), parsing them and merging - the whole path but the WAN.

Target: under 5 s for the merge (DESIGN/issue 4). Run:

    python tests/benchmarks/bench_sync.py [LIBRARY_SIZE [SYNC_SIZE [RUNS]]]   # 100000 10000 3
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from msgspec.structs import replace

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))
sys.path.insert(0, str(Path(__file__).parents[2]))

from fixture_server import FixtureServer, RecordedRequest, Reply, local_config
from generate import generate_papers

from tui.config import FeedConfig
from tui.models import Paper, paper_key
from tui.store import Library
from tui.sync import run_sync


def incoming_batch(library: list[Paper], size: int, seed: int) -> list[Paper]:
    """`size` papers: half refreshed copies of library papers with an arXiv id, half new."""
    rng = random.Random(seed)
    known = [p for p in library if p.arxiv_id]
    refreshed = [
        replace(p, upvotes=(p.upvotes or 0) + rng.randint(1, 50), comments=rng.randint(0, 9))
        for p in rng.sample(known, min(size // 2, len(known)))
    ]
    # Fresh papers from another seed, moved to arXiv ids no library paper has (the generator
    # numbers ids per month, so a second run would reuse them) and to titles of their own.
    fresh = []
    for n, paper in enumerate(generate_papers(size - len(refreshed), seed=seed + 1)):
        arxiv_id = f"2701.{n:05d}"
        title = f"{paper.title} (new {n})"
        fresh.append(replace(paper, id=paper_key(arxiv_id, title), arxiv_id=arxiv_id, title=title))
    return refreshed + fresh


def hf_item(paper: Paper) -> dict[str, Any]:
    """A Daily Papers API item carrying `paper` (the shape of hf_daily_papers_sample.json)."""
    listed = f"{paper.listed_on or paper.published or '2026-08-11'}T00:00:00.000Z"
    return {
        "paper": {
            "id": paper.arxiv_id,
            "authors": [{"name": name, "hidden": False} for name in paper.authors],
            "publishedAt": f"{paper.published or '2026-08-10'}T00:00:00.000Z",
            "submittedOnDailyAt": listed,
            "title": paper.title,
            "summary": paper.abstract,
            "upvotes": paper.upvotes or 0,
            "githubRepo": paper.github_repo,
            "ai_summary": paper.ai_summary,
            "ai_keywords": paper.ai_keywords,
        },
        "title": paper.title,
        "numComments": paper.comments or 0,
    }


def median_s(samples: list[float]) -> str:
    return f"{statistics.median(samples):6.2f} s (min {min(samples):.2f}, max {max(samples):.2f})"


def main() -> None:
    library_size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    sync_size = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        t0 = time.perf_counter()
        papers = generate_papers(library_size, seed=0)
        with Library.open(base) as lib:
            lib.upsert_papers(papers, source="bench")
        print(f"built a {library_size}-paper library in {time.perf_counter() - t0:.1f} s")

        batch = incoming_batch(papers, sync_size, seed=7)
        with_ids = [p for p in batch if p.arxiv_id]
        print(f"sync batch: {len(batch)} papers ({len(with_ids)} with an arXiv id)")

        merge_times: list[float] = []
        counts = ""
        for run in range(runs):
            home = Path(tmp) / f"merge{run}"
            shutil.copytree(base, home)
            with Library.open(home) as lib:
                lib.papers()  # loading the library is not part of the merge
                start = time.perf_counter()
                result = lib.upsert_papers(batch, source="hf-daily")
                merge_times.append(time.perf_counter() - start)
                counts = f"+{len(result.added)} new, {len(result.updated)} updated"
            shutil.rmtree(home)
        print(f"merge {len(batch)} into {library_size}:       {median_s(merge_times)}  [{counts}]")

        items = [hf_item(p) for p in with_ids]
        page_size = 100

        def daily(request: RecordedRequest) -> Reply:
            page = int(request.param("p") or 0)
            return Reply.json(items[page * page_size : (page + 1) * page_size])

        sync_times: list[float] = []
        summary = ""
        with FixtureServer() as server:
            server.route("/api/daily_papers", daily)
            feed = FeedConfig(source="hf-daily", name="hf-daily", days=1, limit=page_size)
            config = local_config(server, feeds=[feed], http_timeout=30.0)
            for run in range(runs):
                home = Path(tmp) / f"sync{run}"
                shutil.copytree(base, home)
                with Library.open(home) as lib:
                    lib.papers()
                    start = time.perf_counter()
                    report = run_sync(lib, config)
                    sync_times.append(time.perf_counter() - start)
                    summary = "; ".join(report.summary_lines())
                shutil.rmtree(home)
        print(
            f"run_sync {len(items)} over HTTP into {library_size}: {median_s(sync_times)}  [{summary}]"
        )
        print("target: merge under 5 s")


if __name__ == "__main__":
    main()
