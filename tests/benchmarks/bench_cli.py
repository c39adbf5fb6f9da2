"""Whole-process command-line figures: triage writes, a one-shot list, the app's first frame and
quitting, each a fresh `python -m tui` process timed from the outside.

Prints medians with two anchors measured in the same run, interleaved with the samples, so a
noisy shared machine moves them together: `python -c pass` (the interpreter alone) and
`python -m tui --version` (the interpreter and paperdeck's command line). Asserts nothing; not
part of the test suite. Compile bytecode first (`python -m compileall -q tui`; these machines set
PYTHONDONTWRITEBYTECODE=1, and without bytecode every figure reads slow). Run:

    python tests/benchmarks/bench_cli.py [SIZE ...]            # default: 100000 (built here)
    python tests/benchmarks/bench_cli.py --home DIR [--home DIR ...]   # libraries built before
                                                               # (bench_tui.py --build DIR N)
    python tests/benchmarks/bench_cli.py --runs 3 ...          # fewer samples (default 9)
    python tests/benchmarks/bench_cli.py --triage-only ...     # the writes only: no list, no app

The libraries are used in place: every write is undone by the next sample (star then unstar,
`+tag` then `-tag`, ...), so they end as they began. The code measured is whatever `python -m
tui` imports: run it with `PYTHONPATH=/path/to/an/older/checkout` for a before/after table.

Per library:
* `star ID`/`unstar ID`, `tag ID +x`/`-x`, `status later`/`inbox`, `note ID`, `undo`: whole
  process, median, and the median of peak memory (each child's own maxrss, from wait4), with
  the ratio to each anchor; one untimed `star` first, so an id lookup that has to be rebuilt
  is not counted. Whether the start-up cache is current is printed before, after star/unstar
  and at the end; `star` is timed again with the cache file moved aside (a write that keeps
  the cache current reads and rewrites it), which leaves the cache stale afterwards;
* `list diffusion --limit 20`;
* in tmux (private server, `-L paperdeck-cli-...`), `exec python -m tui --home DIR`: start ->
  first frame (anything on screen), `q` right then -> process gone ("during load"), and start
  -> painted list, `q` right then -> process gone ("during index build").

Targets (issue 11): `star ID` under 150 ms whole-process at any size, `list diffusion --limit
20` under 1 s at 100k, first frame under 0.5 s at 1M papers, quitting under 0.5 s at any moment.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_terminal import Tmux, build  # noqa: E402
from tmux_driver import TMUX, alive, painted_list, wait_gone  # noqa: E402

NEUTRAL = "/"
"""The children's working folder: `python -m tui` looks in it first, so run from a checkout it
would measure that checkout's code whatever PYTHONPATH says."""
RUNS = 9
LIST_RUNS = 5
APP_RUNS = 3
TRIAGE_ONLY = False


def run_once(args: Sequence[str]) -> tuple[float, float]:
    """(seconds, peak MB) of one `python ARGS` process, output discarded."""
    t0 = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=NEUTRAL
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.stderr is not None
    problem = child.stderr.read().decode()
    child.stderr.close()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {problem[:400]}")
    return elapsed, usage.ru_maxrss / 1024


class Anchors:
    """`python -c pass` and `python -m tui --version`, sampled after every measured sample."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {"python -c pass": [], "python -m tui --version": []}

    def sample(self) -> None:
        self.samples["python -c pass"].append(run_once(["-c", "pass"])[0])
        self.samples["python -m tui --version"].append(run_once(["-m", "tui", "--version"])[0])

    def ratios(self, seconds: float) -> str:
        """`seconds` over each anchor's median so far (the samples taken around it)."""
        return ", ".join(
            f"{seconds / statistics.median(samples):.2f}x {name.split()[-1]}"
            for name, samples in self.samples.items()
        )


def ms(samples: list[float]) -> str:
    return (
        f"{statistics.median(samples) * 1000:7.1f} ms median "
        f"(min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f}, n={len(samples)})"
    )


def some_paper(home: Path) -> tuple[str, str]:
    """(catalog id, the arXiv id with a version, as a user types it) of one paper."""
    with (home / "catalog.json").open("rb") as f:
        head = f.read(4096)
    start = head.index(b'"papers":{"') + len(b'"papers":{"')
    pid = head[start : head.index(b'"', start)].decode()
    return pid, pid.removeprefix("arxiv:") + "v1"


def commands(home: Path) -> dict[str, Callable[[int], list[str]]]:
    """Name -> the arguments of sample n (alternating, so each write is undone by the next)."""
    pid, typed = some_paper(home)
    base = ["-m", "tui", "--home", str(home)]
    return {
        "star ID": lambda n: [*base, "star" if n % 2 == 0 else "unstar", typed],
        # `--` before the tag: older versions read `-x` after the id as an option
        "tag ID +x": lambda n: [*base, "tag", pid, "--", "+bench-x" if n % 2 == 0 else "-bench-x"],
        "status later ID": lambda n: [*base, "status", "later" if n % 2 == 0 else "inbox", pid],
        "note ID": lambda n: [*base, "note", pid, "bench note" if n % 2 == 0 else ""],
        "undo": lambda n: [*base, "undo" if n % 2 == 0 else "redo"],
    }


def time_command(name: str, argv: Callable[[int], list[str]], anchors: Anchors) -> None:
    """Time RUNS samples of a command (each write undone by the next) and print the median."""
    times, peaks = [], []
    for n in range(RUNS):
        elapsed, peak = run_once(argv(n))
        times.append(elapsed)
        peaks.append(peak)
        anchors.sample()
    if RUNS % 2 == 1:
        run_once(argv(RUNS))  # the last sample's write, undone
    print(
        f"  {name:<28}{ms(times)}, peak {statistics.median(peaks):.0f} MB, "
        f"{anchors.ratios(statistics.median(times))}"
    )


CACHE_CURRENT = """
import sys
from tui.store import Library
from tui.store.startup_cache import load_startup_page
with Library.open(sys.argv[1]) as lib:
    page = load_startup_page(lib, "is:inbox", new_since=lib.get_meta("new_since"))
print("current" if page is not None else "not current")
"""


def cache_state(home: Path) -> str:
    """Whether the library's start-up cache (the Inbox page) matches its files now."""
    cache = home / "cache" / "first-screen.json"
    if not cache.exists():
        return "none"
    out = subprocess.run(
        [sys.executable, "-c", CACHE_CURRENT, str(home)],
        capture_output=True,
        text=True,
        cwd=NEUTRAL,
    )
    return out.stdout.strip() or out.stderr.strip()[-200:]


def bench_commands(home: Path, anchors: Anchors) -> None:
    star = commands(home)["star ID"]
    run_once(star(0))  # once untimed: a missing or stale id lookup is rebuilt here, not timed
    run_once(star(1))
    # The start-up cache: a write that keeps it current reads and rewrites it (a few hundred
    # KB); timed with it (when it is current) and without it, then the other commands.
    print(f"  start-up cache before the writes: {cache_state(home)}")
    cache = home / "cache" / "first-screen.json"
    for name, argv in commands(home).items():
        time_command(name, argv, anchors)
        if name == "star ID":
            print(f"  start-up cache after star/unstar: {cache_state(home)}")
            if cache.exists():
                aside = cache.with_name("first-screen.json.bench")
                cache.rename(aside)
                try:
                    time_command("star ID (no start-up cache)", star, anchors)
                finally:
                    aside.rename(cache)
    print(f"  start-up cache after the writes: {cache_state(home)}")
    if TRIAGE_ONLY:
        return
    times, peaks = [], []
    for _ in range(LIST_RUNS):
        elapsed, peak = run_once(
            ["-m", "tui", "--home", str(home), "list", "diffusion", "--limit", "20"]
        )
        times.append(elapsed)
        peaks.append(peak)
        anchors.sample()
    print(f"  {'list diffusion --limit 20':<28}{ms(times)}, peak {statistics.median(peaks):.0f} MB")


def bench_app(home: Path, tmux: Tmux) -> None:
    frames, lists, quit_load, quit_index = [], [], [], []
    env = f"PYTHONPATH={os.environ['PYTHONPATH']} " if os.environ.get("PYTHONPATH") else ""
    command = f"cd {NEUTRAL} && {env}exec {sys.executable} -m tui --home {home}"
    for run in range(APP_RUNS):
        for moment in ("load", "index"):
            (home / "cache" / "first-screen.json").unlink(missing_ok=True)
            session = f"cli{run}{moment}"
            t0 = time.perf_counter()
            tmux.start(session, command)
            pid = tmux.pane_pid(session)
            try:
                if moment == "load":
                    tmux.wait_for(session, lambda s: s.strip() != "", "a first frame", 120)
                    frames.append(time.perf_counter() - t0)
                else:
                    tmux.wait_for(session, painted_list, "the painted list", 300)
                    lists.append(time.perf_counter() - t0)
                t1 = time.perf_counter()
                tmux.keys(session, "q")
                wait_gone(pid, timeout=120)
                (quit_load if moment == "load" else quit_index).append(time.perf_counter() - t1)
            finally:
                tmux.kill_session(session)
                if alive(pid):
                    wait_gone(pid, timeout=60)
    print(f"  {'start -> first frame':<28}{ms(frames)}")
    print(f"  {'q -> exit, during load':<28}{ms(quit_load)}")
    print(f"  {'start -> painted list':<28}{ms(lists)}   (no start-up cache)")
    print(f"  {'q -> exit, index building':<28}{ms(quit_index)}")


def papers_in(home: Path) -> int:
    """How many papers the library holds, counted without parsing the catalog (at 1M papers
    that would hold gigabytes in this process while it times others)."""
    count = 0
    with (home / "catalog.json").open("rb") as f:
        while chunk := f.read(1 << 24):
            count += chunk.count(b'"first_seen":')
    return count


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench_cli.py",
        description="Whole-process command-line figures (triage writes, a one-shot list, the "
        "app's first frame and quitting), with anchors measured in the same run.",
    )
    parser.add_argument(
        "sizes", nargs="*", type=int, metavar="SIZE", help="build a library of SIZE papers here"
    )
    parser.add_argument(
        "--home",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="a library built before (bench_tui.py --build DIR N); repeatable",
    )
    parser.add_argument(
        "--runs", type=int, metavar="N", help=f"samples per command (default {RUNS})"
    )
    parser.add_argument(
        "--triage-only", action="store_true", help="the writes only: no list, no app"
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    options = parse_args(argv[1:])
    homes: list[Path] = list(options.home)
    sizes: list[int] = list(options.sizes)
    global RUNS, LIST_RUNS, APP_RUNS, TRIAGE_ONLY
    if options.runs is not None:  # fewer samples: a slow "before" at 1M papers
        RUNS = options.runs
        LIST_RUNS = APP_RUNS = max(1, RUNS // 3)
    TRIAGE_ONLY = options.triage_only
    if not homes and not sizes:
        sizes = [100_000]
    code = os.environ.get("PYTHONPATH") or "this checkout"
    print(f"code: {code}; load average {os.getloadavg()[0]:.1f} at start")
    anchors = Anchors()
    tmux = Tmux(prefix="paperdeck-cli") if TMUX else None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for size in sizes:
                home = Path(tmp) / f"home-{size}"
                build(home, size)
                homes.append(home)
            for home in homes:
                print(f"{home} ({papers_in(home)} papers)")
                bench_commands(home, anchors)
                if tmux is not None and not TRIAGE_ONLY:
                    bench_app(home, tmux)
                sys.stdout.flush()
    finally:
        if tmux is not None:
            tmux.close()
    for name, samples in anchors.samples.items():
        print(f"anchor {name:<26}{ms(samples)}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
