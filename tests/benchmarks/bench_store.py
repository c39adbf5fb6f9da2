"""Store benchmarks: open a library, one triage write, one undo — at 1k, 10k and 100k papers.

Prints medians (several runs, one process) and peak memory; asserts nothing. Run:

    python tests/benchmarks/bench_store.py [SIZES...]      # default: 1000 10000 100000

Targets at 100k papers on the 2-core machines: a triage write under 10 ms median and within
1.5x of the same write at 1k; opening the library under 2 s with peak memory under 700 MB
(measured in a fresh process, since this one holds the generated papers).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[2]))

from generate import generate_papers, generate_states

from tui.store import Library

RUNS = 25


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:7.2f} ms (worst {max(samples) * 1000:.2f})"


def build(home: Path, size: int) -> list[str]:
    papers = generate_papers(size, seed=0)
    lib = Library.open(home)
    lib.upsert_papers(papers, source="bench")
    states = generate_states(papers, seed=0)
    lib.apply_states(states, label="bench states")
    return [p.id for p in papers]


def open_in_fresh_process(home: Path) -> str:
    code = textwrap.dedent(
        """
        import sys, time
        t0 = time.perf_counter()
        from tui.store import Library
        lib = Library.open(sys.argv[1])
        t1 = time.perf_counter()
        n = len(lib.papers(texts=False))
        t2 = time.perf_counter()
        lib.status_counts()  # reads every state shard
        listed = time.perf_counter() - t0
        catalog, states = t2 - t1, listed - (t2 - t0)
        lib.load_texts()
        full = time.perf_counter() - t0
        # VmHWM, not ru_maxrss: a child forked from this 100k-paper benchmark would report
        # the parent's size as its own peak (Linux carries maxrss across fork and exec).
        status = open("/proc/self/status").read()
        peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
        print(f"{listed:.3f} {full:.3f} {peak:.0f} {catalog:.3f} {states:.3f} {n}")
        """
    )
    listed, full, peaks, catalog, states = [], [], [], [], []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code, str(home)], capture_output=True, text=True, check=True
        ).stdout.split()
        listed.append(float(out[0]))
        full.append(float(out[1]))
        peaks.append(float(out[2]))
        catalog.append(float(out[3]))
        states.append(float(out[4]))
    return (
        f"catalog (list-ready) {median_ms(listed)}\n"
        f"    of which catalog.json read  {median_ms(catalog)}\n"
        f"    of which state shards read  {median_ms(states)}\n"
        f"  open library with abstracts    {median_ms(full)}, peak {max(peaks):.0f} MB"
    )


def bench(size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        t0 = time.perf_counter()
        ids = build(home, size)
        print(f"\n{size:>7} papers (built in {time.perf_counter() - t0:.1f} s)")
        print(f"  open (fresh process, incl. imports): {open_in_fresh_process(home)}")
        lib = Library.open(home)
        lib.papers()
        writes, undos = [], []
        for i in range(RUNS):
            pid = ids[(i * 7919) % len(ids)]
            t = time.perf_counter()
            lib.toggle_star([pid])
            writes.append(time.perf_counter() - t)
            t = time.perf_counter()
            lib.undo()
            undos.append(time.perf_counter() - t)
        print(f"  one triage write (star)       {median_ms(writes)}")
        print(f"  one undo                      {median_ms(undos)}")
        states = len(lib.states())
        print(f"  ({states} papers with state)")


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1000, 10000, 100000]
    print(f"paperdeck store benchmark — median of {RUNS} runs (open: 5 fresh processes)")
    for size in sizes:
        bench(size)


if __name__ == "__main__":
    main(sys.argv[1:])
