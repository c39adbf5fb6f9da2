"""Memory and garbage-collection benchmark: RSS per stage, bytes per paper, GC pauses.

Prints figures; asserts nothing. Run from the repository root:

    python tests/benchmarks/bench_memory.py [SIZE ...]          # default 10000 100000
    python tests/benchmarks/bench_memory.py --home DIR          # a library built already
    python tests/benchmarks/bench_memory.py --trace 100000      # + tracemalloc, top lines
    python tests/benchmarks/bench_memory.py --session 60 ...    # key session length (s)

Targets (issue 11, at 100k papers on the 2-core machines): peak under 400 MB with the index
built (stretch 300 MB), at most 3 KB per paper, no GC pause over 16 ms in a 60 s session of keys
after the index is built.

Two measures, each in a fresh process so neither sees the other's garbage:

* core: the library the way the app loads it, without Textual - catalog without texts and a
  `Searcher` (what the first list needs), then the texts, then the whole index. RSS (VmRSS) after
  each stage, the process peak (VmHWM), and bytes per paper = (RSS after the index - RSS before
  the load) / papers. With `--trace`, tracemalloc's biggest new allocations by file and line at
  each stage (tracemalloc itself costs memory and time: its figures are for where, not how much).
* app: the real app, headless under Pilot at 160x48, from the first list to the index built and
  every worker idle (RSS at each, peak), then a scripted session of keys (cursor, page down, star,
  a typed filter, view switches) for `--session` seconds with every collection timed by
  `gc.callbacks`: how many, how many over 16 ms, the longest, per generation.

The library is built with the real store from tests/benchmarks/generate.py (seed 0) in another
process and copied for each measure (the session stars papers and the app writes its caches).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.pilot import Pilot

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[2]))

ROOT = Path(__file__).parents[2]
SIZE = (160, 48)
PAUSE_LIMIT = 0.016
MB = 1024 * 1024
READ_PAUSE = 0.8
"""Seconds spent reading once per round of keys (about 60 keys)."""


def rss() -> tuple[int, int]:
    """(resident now, resident peak) of this process in bytes, from /proc."""
    now = peak = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            now = int(line.split()[1]) * 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) * 1024
    return now, peak


class GcTimer:
    """Times every collection through `gc.callbacks` (on whichever thread ran it). Full
    collections `tui.memory.IDLE` ran while the app was quiet are kept apart (`idle`): they pause
    no key unless one arrives during them (`_keys` measures that as late keys)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float, float, str]] = []
        self.idle: list[tuple[float, float, float, int]] = []
        """(start since the session began, wall, CPU, objects freed) of each idle collection."""
        self.began = time.perf_counter()
        self._started: dict[int, tuple[float, float]] = {}
        self.on = False

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        ident = threading.get_ident()
        if phase == "start":
            self._started[ident] = (time.perf_counter(), time.thread_time())
            return
        began = self._started.pop(ident, None)
        if began is not None and self.on:
            wall, cpu = time.perf_counter() - began[0], time.thread_time() - began[1]
            # (looked up, not imported: the benchmark also runs against older code without it)
            idle = getattr(sys.modules.get("tui.memory"), "IDLE", None)
            if idle is not None and idle.collecting:
                self.idle.append((began[0] - self.began, wall, cpu, info["collected"]))
            else:
                self.pauses.append((info["generation"], wall, cpu, threading.current_thread().name))

    def summary(self) -> dict[str, object]:
        """Wall time is what the UI waited; on a shared machine it includes the process being
        descheduled, so the thread's CPU time for the collection is given too."""
        walls = [wall for _g, wall, _c, _n in self.pauses]
        cpus = [cpu for _g, _w, cpu, _n in self.pauses]
        per_gen = {g: sum(1 for gen, *_rest in self.pauses if gen == g) for g in range(3)}
        long = [
            (g, round(wall * 1000, 1), round(cpu * 1000, 1), n)
            for g, wall, cpu, n in self.pauses
            if wall > PAUSE_LIMIT or cpu > PAUSE_LIMIT
        ]
        return {
            "collections": len(walls),
            "per_generation": per_gen,
            "over_16ms": sum(1 for wall in walls if wall > PAUSE_LIMIT),
            "over_16ms_cpu": sum(1 for cpu in cpus if cpu > PAUSE_LIMIT),
            "max_ms": round(max(walls) * 1000, 1) if walls else 0.0,
            "max_cpu_ms": round(max(cpus) * 1000, 1) if cpus else 0.0,
            "median_ms": round(statistics.median(walls) * 1000, 2) if walls else 0.0,
            "gen2_cpu_ms": [round(c * 1000, 1) for g, _w, c, _n in self.pauses if g == 2][:30],
            "long": long[:20],
            "idle": [
                (round(t, 1), round(w * 1000, 1), round(c * 1000, 1), n) for t, w, c, n in self.idle
            ],
        }


# -- core --------------------------------------------------------------------------------------


def _top(snapshot: tracemalloc.Snapshot, before: tracemalloc.Snapshot | None) -> list[str]:
    filters = [tracemalloc.Filter(False, tracemalloc.__file__)]
    snapshot = snapshot.filter_traces(filters)
    if before is None:
        stats = snapshot.statistics("lineno")[:12]
        return [f"{s.size / MB:8.1f} MB {s.count:>9} blocks  {s.traceback}" for s in stats]
    diff = snapshot.compare_to(before.filter_traces(filters), "lineno")[:12]
    return [f"{d.size_diff / MB:+8.1f} MB {d.count_diff:>+9} blocks  {d.traceback}" for d in diff]


def core(home: Path, trace: bool) -> dict[str, object]:
    """(In the child.) The load and the index build without Textual, stage by stage."""
    from tui.query import Searcher
    from tui.store import Library

    if trace:
        tracemalloc.start()
    stages: dict[str, object] = {}
    snaps: list[str] = []
    last: tracemalloc.Snapshot | None = None

    def stage(name: str) -> None:
        nonlocal last
        now, peak = rss()
        stages[name] = {"rss": now, "peak": peak}
        if trace:
            current = tracemalloc.take_snapshot()
            traced, _ = tracemalloc.get_traced_memory()
            snaps.append(f"-- {name}: traced {traced / MB:.1f} MB; biggest new allocations:")
            snaps.extend(_top(current, last))
            last = current

    stage("start")
    library = Library.open(home)
    papers = dict(library.papers(texts=False))
    states = dict(library.states())
    searcher = Searcher(papers)
    stage("list")
    library.load_texts()
    searcher.texts_filled()
    stage("texts")
    searcher.build()
    stage("index")
    stages["papers"] = len(papers)
    stages["states"] = len(states)
    stages["trace"] = snaps
    library.close()
    return stages


# -- app ---------------------------------------------------------------------------------------


async def app_session(home: Path, seconds: float) -> dict[str, object]:
    """(In the child.) The real app: RSS at the first list and after the index, then keys."""
    from tui.app import PaperdeckApp

    timer = GcTimer()
    gc.callbacks.append(timer)
    app = PaperdeckApp(home)
    out: dict[str, object] = {}
    async with app.run_test(size=SIZE) as pilot:
        screen = app.triage
        t0 = time.perf_counter()
        while not (screen.results_ready and screen.snapshot is not None and not screen.preview):
            await pilot.pause(0.01)
        out["list_s"] = round(time.perf_counter() - t0, 2)
        out["list"] = rss()
        searcher = screen.searcher
        while not (searcher is not None and searcher.abstracts_ready) or screen.workers_busy:
            await pilot.pause(0.1)
            searcher = screen.searcher
        await pilot.pause(1.0)
        out["index_s"] = round(time.perf_counter() - t0, 2)
        out["index"] = rss()
        timer.on, timer.began = True, time.perf_counter()
        late: list[float] = []
        rss_index = rss()[0]
        keys = await _keys(pilot, seconds, late)
        timer.on = False
        out["keys"] = keys
        out["late_ms"] = sorted(round(x * 1000, 1) for x in late)[-5:]
        out["rss_growth"] = rss()[0] - rss_index
        out["end"] = rss()
        out["gc"] = timer.summary()
        out["thresholds"] = gc.get_threshold()
        out["frozen"] = gc.get_freeze_count()
        # Garbage the freezes hid: objects frozen alive that died in a cycle since (only a full
        # collection over everything finds them; it is slow, and the session is over).
        gc.unfreeze()
        out["hidden_garbage"] = gc.collect()
    gc.callbacks.remove(timer)
    return out


async def _keys(pilot: Pilot[object], seconds: float, late: list[float]) -> int:
    """A person's session: move, page, star, filter, switch views, for `seconds`; keys 30 ms
    apart (a fast typist, key repeat), and a moment to read the abstract once per round.
    `late` gets how late the key after each reading pause was sent (beyond its 0.8 s): the
    Pilot runs on the UI thread's loop, so a collection running then delays it."""
    round_keys: list[str] = ["j"] * 12 + ["pagedown", "k", "k", "s", "j", "s"]
    round_keys += ["slash", *"diffusion", "space", *"sol", "escape", "escape"]
    round_keys += ["j"] * 6 + ["G", "g", "b", "b"]
    round_keys += ["slash", *"tag:", "escape", "escape"]
    sent = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for key in round_keys:
            await pilot.press(key)
            sent += 1
            await pilot.pause(0.03)  # a person's pace, not a flood
        t0 = time.perf_counter()
        await pilot.pause(READ_PAUSE)
        late.append(time.perf_counter() - t0 - READ_PAUSE)
    await pilot.pause(0.5)
    return sent


# -- driver ------------------------------------------------------------------------------------


def child(argv: list[str]) -> int:
    mode, home = argv[0], Path(argv[1])
    if mode == "core":
        result = core(home, trace=argv[2] == "1")
    else:
        result = asyncio.run(app_session(home, float(argv[2])))
    print("RESULT " + json.dumps(result))
    return 0


def run_child(mode: str, home: Path, extra: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "home"
        shutil.copytree(home, copy)
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, str(copy), extra],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
    if out.returncode != 0:
        raise RuntimeError(f"{mode} run failed:\n{out.stderr[-3000:]}")
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])  # type: ignore[no-any-return]


def report(size: int, home: Path, *, trace: bool, seconds: float) -> None:
    papers = max(size, 1)
    res = run_child("core", home, "1" if trace else "0")
    papers = int(res["papers"])  # type: ignore[call-overload]
    base = res["start"]["rss"]  # type: ignore[index]
    print(f"{papers} papers  (machine: {os.getloadavg()[0]:.2f} load)")
    print("  core (no Textual)          RSS       peak     per paper (over the start)")
    for name in ("start", "list", "texts", "index"):
        now, peak = res[name]["rss"], res[name]["peak"]  # type: ignore[index]
        per = (now - base) / papers
        print(f"    {name:<8}             {now / MB:7.1f} MB {peak / MB:7.1f} MB  {per:7.0f} B")
    for line in res["trace"]:  # type: ignore[attr-defined]
        print("     ", line)
    app = run_child("app", home, str(seconds))
    (list_now, list_peak), (index_now, index_peak) = app["list"], app["index"]  # type: ignore[misc]
    end_now, end_peak = app["end"]  # type: ignore[misc]
    print("  app (Pilot, 160x48)        RSS       peak")
    print(f"    first list {app['list_s']:>5} s   {list_now / MB:7.1f} MB {list_peak / MB:7.1f} MB")
    print(
        f"    index built {app['index_s']:>5} s  {index_now / MB:7.1f} MB {index_peak / MB:7.1f} MB"
    )
    print(f"    after keys            {end_now / MB:7.1f} MB {end_peak / MB:7.1f} MB")
    gcs = app["gc"]
    print(
        f"  GC in a {seconds:.0f} s key session ({app['keys']} keys; thresholds "
        f"{app['thresholds']}, {app['frozen']} objects frozen, of which "
        f"{app['hidden_garbage']} were garbage in cycles):"
    )
    print(
        f"    {gcs['collections']} collections {gcs['per_generation']}, "  # type: ignore[index]
        f"{gcs['over_16ms']} over 16 ms wall (max {gcs['max_ms']} ms, "  # type: ignore[index]
        f"median {gcs['median_ms']} ms), "  # type: ignore[index]
        f"{gcs['over_16ms_cpu']} over 16 ms CPU (max {gcs['max_cpu_ms']} ms)"  # type: ignore[index]
    )
    print(f"    gen-2 collections, CPU ms: {gcs['gen2_cpu_ms']}")  # type: ignore[index]
    idle = gcs["idle"]  # type: ignore[index]
    print(
        f"    idle full collections (while reading): {len(idle)}, "
        f"(at s, wall ms, CPU ms, freed): {idle}"
    )
    print(
        f"    key after a reading pause, latest 5 (ms late): {app['late_ms']}; "
        f"RSS growth over the session {app['rss_growth'] / MB:.1f} MB"  # type: ignore[operator]
    )
    for gen, wall, cpu, thread in gcs["long"]:  # type: ignore[index]
        print(f"      gen {gen}: {wall} ms wall, {cpu} ms CPU on {thread}")


def build(size: int, into: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(Path(__file__).parent / "bench_tui.py"),
            "--build",
            str(into),
            str(size),
        ],
        check=True,
        cwd=ROOT,
    )


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        return child(argv[1:])
    trace = "--trace" in argv
    argv = [a for a in argv if a != "--trace"]
    seconds = 60.0
    if "--session" in argv:
        at = argv.index("--session")
        seconds = float(argv[at + 1])
        del argv[at : at + 2]
    if "--home" in argv:
        home = Path(argv[argv.index("--home") + 1])
        with open(home / "catalog.json", "rb") as fh:
            size = len(json.load(fh).get("papers", {}))
        report(size, home, trace=trace, seconds=seconds)
        return 0
    sizes = [int(a) for a in argv] or [10_000, 100_000]
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            build(size, Path(tmp))
            print(f"(library of {size} built in {time.perf_counter() - t0:.0f} s)")
            report(size, Path(tmp), trace=trace, seconds=seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
