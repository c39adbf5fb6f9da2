"""Reading-list benchmark: syncing a library with a 2k-entry reading-list file.

Prints medians over several runs; asserts nothing. Run:

    python tests/benchmarks/bench_readinglist.py [ENTRIES]      # default: 2000

Scenario: home A has a 5k-paper catalog with ENTRIES touched papers; the file was written by
home B, which shares three quarters of those papers (with newer changes to a third of them) and
has a quarter A lacks. Timed: the first sync (parse, add the missing papers to the catalog, merge,
apply the changed states as one journal entry, write the file), the sync after it when
everything agrees (parse, merge, compare, no write), and the pure parts (parse, merge, dump).
Target: a sync of 2k entries under 1 s.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from tui.models import STATUSES, Paper, State
from tui.readinglist import (
    dump_reading_list,
    merge,
    parse_reading_list,
    reading_list_from_library,
    sync_reading_list,
)
from tui.store import Library

CATALOG = 5000
TAGS = ("diffusion", "rl", "to-read", "vision", "llm", "theory")
WORDS = [
    "diffusion",
    "solver",
    "flow",
    "matching",
    "transformer",
    "sparse",
    "attention",
    "graph",
    "robust",
    "scaling",
]


def make_papers(count: int, offset: int) -> list[Paper]:
    rng = random.Random(offset)
    papers = []
    for n in range(offset, offset + count):
        arxiv_id = f"26{n // 90000 % 12 + 1:02d}.{n % 90000 + 10000:05d}"
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + f" {n}"
        authors = [f"Author{rng.randrange(500)} Surname{rng.randrange(500)}" for _ in range(5)]
        papers.append(
            Paper(
                id=f"arxiv:{arxiv_id}",
                arxiv_id=arxiv_id,
                title=title,
                authors=authors,
                abstract="An abstract. " * 40,
                published="2026-08-10",
            )
        )
    return papers


def make_state(rng: random.Random, base_time: float) -> State:
    state = State(status=rng.choice(STATUSES[1:]), times={"status": base_time + rng.random()})
    if rng.random() < 0.3:
        state.starred = True
        state.times["starred"] = base_time + rng.random()
    for tag in rng.sample(TAGS, rng.randrange(3)):
        state.tags.append(tag)
        state.times[f"tag:{tag}"] = base_time + rng.random()
    state.tags.sort()
    if rng.random() < 0.2:
        state.note = "Worth a second read: section 3 and the appendix."
        state.times["note"] = base_time + rng.random()
    return state


def build(tmp: Path, entries: int) -> tuple[Library, Path]:
    """Home A and a reading-list file written by home B (see the module docstring)."""
    rng = random.Random(1)
    shared = make_papers(entries * 3 // 4, 0)
    only_a = make_papers(CATALOG - len(shared), 100_000)
    only_b = make_papers(entries - len(shared), 200_000)
    home_a = Library.open(tmp / "a")
    home_a.upsert_papers(shared + only_a, source="bench")
    touched_a = shared + only_a[: entries - len(shared)]
    home_a.apply_states({p.id: make_state(rng, 1000.0) for p in touched_a}, label="bench")
    home_b = Library.open(tmp / "b")
    home_b.upsert_papers(shared + only_b, source="bench")
    states_b = {p.id: home_a.state(p.id) for p in shared}
    for paper in shared[::3]:
        states_b[paper.id] = make_state(rng, 2000.0)  # newer changes made on B
    states_b.update({p.id: make_state(rng, 1500.0) for p in only_b})
    home_b.apply_states(states_b, label="bench")
    path = tmp / "reading-list.json"
    sync_reading_list(home_b, path)
    home_b.close()
    return home_a, path


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:8.1f} ms median (worst {max(samples) * 1000:.1f})"


def timed(runs: int, action: Callable[[], object]) -> list[float]:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        action()
        samples.append(time.perf_counter() - t0)
    return samples


def main(entries: int) -> None:
    first: list[float] = []
    steady: list[float] = []
    report = ""
    for _ in range(5):
        with tempfile.TemporaryDirectory() as tmp:
            lib, path = build(Path(tmp), entries)
            t0 = time.perf_counter()
            result = sync_reading_list(lib, path)
            first.append(time.perf_counter() - t0)
            report = result.summary().replace(str(path), "FILE")
            steady.extend(timed(3, partial(sync_reading_list, lib, path)))
            text = path.read_text(encoding="utf-8")
            local = reading_list_from_library(lib)
            parsed = parse_reading_list(text)
            pure = {
                "parse": timed(5, partial(parse_reading_list, text)),
                "merge": timed(5, partial(merge, local, parsed)),
                "dump": timed(5, partial(dump_reading_list, local)),
            }
            lib.close()
    print(f"reading-list sync, {entries} entries in the file, {CATALOG}-paper catalog")
    print(f"  first sync: {report}")
    print(f"  first sync (merge, add, apply, write)  {median_ms(first)}")
    print(f"  sync again (nothing to do)             {median_ms(steady)}")
    for name, samples in pure.items():
        print(f"  {name:<38} {median_ms(samples)}")
    print(f"  file size {len(text.encode('utf-8')) / 1024:.0f} KiB, {text.count(chr(10))} lines")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
