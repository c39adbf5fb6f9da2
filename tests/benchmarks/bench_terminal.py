"""Keys in a real terminal: the installed `paperdeck` in tmux, timed the way a person meets it.

Prints medians; asserts nothing; not part of the test suite. Run from the repository root, after
`python -m compileall -q tui` (these machines set PYTHONDONTWRITEBYTECODE=1; without bytecode every
start-up figure reads slow):

    python tests/benchmarks/bench_terminal.py [--keys] [--homes DIR] [SIZE ...]
                                                    # default sizes: 1000 100000

`--keys` measures only the keys (no start-up or quit figures); `--homes DIR` keeps the built
libraries in DIR (`DIR/home-SIZE`) and reuses them on the next run. With PAPERDECK_PROFILE=DIR
in the environment, the paperdeck process of the key measurement runs under `py-spy record`
(which must be installed): DIR/keys-SIZE.txt is the collapsed-stack profile of the UI thread's
work while the keys are sent (open it with speedscope or flamegraph.pl). py-spy samples another
process, so the figures printed beside it still stand, a few percent slower.

The instrument: a private tmux server (`-L`), one detached 160x48 window per program. A key goes
in with `tmux send-keys`; the pane is read with `tmux capture-pane` in a tight loop until its text
differs from the text before the key ("first change"), then until it has not changed for
QUIET seconds ("settled": the time of the last change seen, which is when a filter's results or
the abstract pane arrive). Each poll is a tmux client process, so the instrument has a floor of
its own: it is printed as `cat` echoing a key (the tty driver's echo, no program work at all).
A trivial Textual app that updates one Static per key and `cat` run beside paperdeck in their own
sessions, and one sample of each is taken right after every paperdeck sample, so the ratio
paperdeck / trivial app compares the same moments of a noisy, shared machine.

What is measured, per library size (built with tests/benchmarks/generate.py, seed 0, as
bench_tui.py builds it), after the index build has finished:

* cursor `j`, triage key `s` (star / unstar), page down, a filter keystroke, view switch `4`
  then `1` (Skipped, then back to Inbox): key -> pane first changed, and -> pane settled;
* start -> first painted list (the list's cursor row and the header's "N shown"), without the
  start-up cache and with it current; the trivial app's start -> first paint beside it;
* `q` -> process exit during the load (the moment anything is on screen), during the index
  build (the moment the list is painted) and idle (index built, start-up cache written).

Targets (issue 11): cursor and triage within 2x the trivial app, filter within 3x, at 1k within
1.5x; start -> list under 1.0 s without the cache and 0.6 s with it; quitting under 0.5 s.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))  # tests/: the tmux driver the e2e tests use too

import tmux_driver  # noqa: E402
from tmux_driver import PAPERDECK, app_pid, installed_command, painted_list, wait_gone  # noqa: E402

WIDTH, HEIGHT = 160, 48
KEY_RUNS = 25
FILTER_WORD = "diffusion"
STARTUP_RUNS = 5
QUIT_RUNS = 3
QUIET = 0.25
"""Seconds without a change after which the pane counts as settled."""


TRIVIAL_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Static

    class Trivial(App):
        def compose(self):
            yield Static("ready", id="out")

        def on_key(self, event):
            self.n = getattr(self, "n", 0) + 1
            if event.key == "q":
                self.exit()
            self.query_one("#out", Static).update(f"key {event.key} number {self.n}")

    Trivial().run()
    """
)


def ms(samples: list[float]) -> str:
    if not samples:
        return "   (no samples)"
    return (
        f"{statistics.median(samples) * 1000:7.1f} ms median "
        f"(min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f}, n={len(samples)})"
    )


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


class Tmux(tmux_driver.Tmux):
    """The benchmarks' tmux server: their terminal size, a 2 ms poll, and timed keys."""

    def __init__(self, prefix: str = "paperdeck-bench") -> None:
        super().__init__(prefix, width=WIDTH, height=HEIGHT, poll=0.002, timeout=60.0)

    def timed_key(self, session: str, key: str, limit: float = 10.0) -> tuple[float, float]:
        """(first change, settled) in seconds after `key` was sent: see the module docstring."""
        before = self.screen(session)
        t0 = time.perf_counter()
        self.keys(session, key)
        first = last = None
        text = before
        while True:
            now_text = self.screen(session)
            now = time.perf_counter()
            if now_text != text:
                text, last = now_text, now
                if first is None:
                    first = now
            elif last is not None and now - last > QUIET:
                break
            if now - t0 > limit:
                if first is None:
                    raise RuntimeError(f"key {key!r}: the screen did not change in {limit} s")
                break
        assert first is not None and last is not None
        return first - t0, last - t0


def paperdeck_command(home: Path) -> str:
    return f"{PAPERDECK} --home {home}"


@contextmanager
def profiled(home: Path, size: int) -> Iterator[None]:
    """With PAPERDECK_PROFILE=DIR: `py-spy record` the paperdeck process on `home` while the
    block runs (the keys only: it attaches after the start and the index build)."""
    folder = os.environ.get("PAPERDECK_PROFILE")
    spy = installed_command("py-spy")
    pid = app_pid(home)
    if not folder or spy is None or pid is None:
        yield
        return
    out = Path(folder).resolve() / f"keys-{size}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    spy_run = subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--rate",
            "1000",
            "--threads",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # py-spy attaching
    try:
        yield
    finally:
        spy_run.send_signal(signal.SIGINT)  # py-spy writes its profile on ^C
        spy_run.wait(timeout=60)
        print(f"  profile of the keys: {out}")


def build(home: Path, size: int) -> None:
    """The library of bench_tui.py (generate.py, seed 0, states included), in another process."""
    subprocess.run(
        [sys.executable, str(HERE / "bench_tui.py"), "--build", str(home), str(size)],
        check=True,
        cwd=ROOT,
    )


def cache_file(home: Path) -> Path:
    return home / "cache" / "first-screen.json"


@contextmanager
def running(tmux: Tmux, session: str, command: str, home: Path | None = None) -> Iterator[None]:
    """Start `command` in a session; on leaving, quit it and make sure its process is gone."""
    tmux.start(session, command)
    try:
        yield
    finally:
        pid = app_pid(home) if home is not None else None
        tmux.kill_session(session)  # SIGHUP: paperdeck drains its writer and exits
        if pid is not None:
            wait_gone(pid)


def idle_app(tmux: Tmux, session: str, home: Path) -> None:
    """Wait until paperdeck's list is painted and its index build is over (the build writes the
    start-up cache, which is dropped first so its reappearance marks the end)."""
    tmux.wait_for(session, painted_list, "paperdeck's first painted list", timeout=120)
    deadline = time.monotonic() + 300
    while not cache_file(home).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the index build did not finish in 300 s")
        time.sleep(0.1)
    time.sleep(1.0)


Keys = dict[str, tuple[list[float], list[float]]]


class Anchors:
    """The trivial Textual app and `cat`, running beside paperdeck in their own sessions: one
    sample of each is taken right after every paperdeck sample, so both see the same machine."""

    def __init__(self, tmux: Tmux, script: Path) -> None:
        self.tmux = tmux
        self.trivial: Keys = {}
        self.cat: Keys = {}
        tmux.start("trivial", f"exec {sys.executable} {script}")
        tmux.start("cat", "exec cat")
        tmux.wait_for("trivial", lambda s: "ready" in s, "the trivial app")
        time.sleep(0.5)

    def sample(self) -> None:
        for session, out in (("trivial", self.trivial), ("cat", self.cat)):
            firsts, settled = out.setdefault("key", ([], []))
            first, last = self.tmux.timed_key(session, "j")
            firsts.append(first)
            settled.append(last)
        if len(self.cat["key"][0]) % 60 == 0:  # keep cat's line short: it wraps at 160
            self.tmux.keys("cat", "C-u")
            time.sleep(0.05)

    def close(self) -> None:
        for session in ("trivial", "cat"):
            pid = self.tmux.pane_pid(session)
            self.tmux.kill_session(session)
            wait_gone(pid)


def key_loop(
    tmux: Tmux, session: str, name: str, key: str, runs: int, out: Keys, anchors: Anchors
) -> None:
    firsts, settled = out.setdefault(name, ([], []))
    for _ in range(runs):
        first, last = tmux.timed_key(session, key)
        firsts.append(first)
        settled.append(last)
        anchors.sample()


def measure_keys(tmux: Tmux, home: Path, script: Path, size: int) -> tuple[Keys, Anchors]:
    out: Keys = {}
    session = "keys"
    cache_file(home).unlink(missing_ok=True)
    with running(tmux, session, paperdeck_command(home), home):
        idle_app(tmux, session, home)
        anchors = Anchors(tmux, script)
        try:
            with profiled(home, size):
                key_loop(tmux, session, "cursor j", "j", KEY_RUNS, out, anchors)
                key_loop(tmux, session, "triage s", "s", KEY_RUNS, out, anchors)  # star / unstar
                key_loop(tmux, session, "page down", "NPage", KEY_RUNS // 2, out, anchors)
                for _ in range(KEY_RUNS // 2):
                    key_loop(tmux, session, "view 4 (Skipped)", "4", 1, out, anchors)
                    key_loop(tmux, session, "view 1 (Inbox)", "1", 1, out, anchors)
                tmux.timed_key(session, "/")
                for _ in range(3):
                    for char in FILTER_WORD:
                        key_loop(tmux, session, "filter keystroke", char, 1, out, anchors)
                    for _ in FILTER_WORD:
                        tmux.keys(session, "BSpace")
                        time.sleep(0.05)
                    time.sleep(QUIET)
                tmux.keys(session, "Escape")
        finally:
            anchors.close()
    return out, anchors


def start_to_list(tmux: Tmux, home: Path, *, cached: bool) -> list[float]:
    samples = []
    for run in range(STARTUP_RUNS):
        if cached and not cache_file(home).exists():
            raise RuntimeError("no start-up cache to start from")
        if not cached:
            cache_file(home).unlink(missing_ok=True)
        session = f"start{run}"
        t0 = time.perf_counter()
        with running(tmux, session, paperdeck_command(home), home):
            tmux.wait_for(session, painted_list, "the first painted list", timeout=120)
            samples.append(time.perf_counter() - t0)
    return samples


def prime(tmux: Tmux, home: Path) -> None:
    """Run the app to the end of its index build, which writes the start-up cache."""
    cache_file(home).unlink(missing_ok=True)
    with running(tmux, "prime", paperdeck_command(home), home):
        idle_app(tmux, "prime", home)


def trivial_start_quit(tmux: Tmux, script: Path) -> tuple[list[float], list[float]]:
    """The trivial app: start -> first paint, and `q` -> process exit."""
    starts, quits = [], []
    for run in range(STARTUP_RUNS):
        session = f"tstart{run}"
        t0 = time.perf_counter()
        with running(tmux, session, f"exec {sys.executable} {script}"):
            tmux.wait_for(session, lambda s: "ready" in s, "the trivial app")
            starts.append(time.perf_counter() - t0)
            time.sleep(0.3)
            pid = tmux.pane_pid(session)
            t0 = time.perf_counter()
            tmux.keys(session, "q")
            wait_gone(pid)
            quits.append(time.perf_counter() - t0)
        time.sleep(0.2)
    return starts, quits


def quit_times(tmux: Tmux, home: Path) -> dict[str, list[float]]:
    """`q` -> process exit, at three moments of a session."""
    out: dict[str, list[float]] = {"during load": [], "during index build": [], "idle": []}
    for run in range(QUIT_RUNS):
        for moment in out:
            cache_file(home).unlink(missing_ok=True)
            session = f"quit{run}{moment[:4]}"
            with running(tmux, session, paperdeck_command(home), home):
                if moment == "during load":
                    tmux.wait_for(session, lambda s: s.strip() != "", "a first frame")
                elif moment == "during index build":
                    tmux.wait_for(session, painted_list, "the first painted list", timeout=120)
                else:
                    idle_app(tmux, session, home)
                pid = None
                deadline = time.monotonic() + 10
                while pid is None and time.monotonic() < deadline:
                    pid = app_pid(home)
                if pid is None:
                    raise RuntimeError("the paperdeck process was not found")
                t0 = time.perf_counter()
                tmux.keys(session, "q")
                wait_gone(pid, timeout=60)
                out[moment].append(time.perf_counter() - t0)
    return out


def ratio(value: list[float], anchor: list[float]) -> str:
    return f"{median(value) / median(anchor):5.2f}x"


def report_keys(size: int, keys: Keys, anchors: Anchors) -> None:
    t_first, t_settled = anchors.trivial["key"]
    print(f"  keys at {size} papers, {WIDTH}x{HEIGHT}   (x = ratio to the trivial app, this run)")
    for name, (firsts, settled) in keys.items():
        print(f"    {name:<18} first change {ms(firsts)}  {ratio(firsts, t_first)}")
        print(f"    {'':<18} settled      {ms(settled)}  {ratio(settled, t_settled)}")
    print(f"    {'trivial app':<18} first change {ms(t_first)}   (one sample after each above)")
    print(f"    {'cat (floor)':<18} first change {ms(anchors.cat['key'][0])}")


def main(argv: list[str]) -> int:
    if PAPERDECK is None:
        raise SystemExit("the paperdeck command is not installed (pip install -e .)")
    args = argv[1:]
    keys_only = "--keys" in args
    homes: Path | None = None
    if "--homes" in args:
        at = args.index("--homes")
        homes = Path(args[at + 1]).resolve()
        del args[at : at + 2]
    sizes = [int(a) for a in args if a != "--keys"] or [1000, 100_000]
    tmux = Tmux()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "trivial_app.py"
            script.write_text(TRIVIAL_APP)
            print(f"instrument: tmux {tmux.run('-V').stdout.strip()} capture-pane polling")
            if not keys_only:
                tstart, tquit = trivial_start_quit(tmux, script)
                print(f"  trivial Textual app: start -> first paint  {ms(tstart)}")
                print(f"  trivial Textual app: q -> exit             {ms(tquit)}")
            for size in sizes:
                home = (homes or Path(tmp)) / f"home-{size}"
                if homes is None or not home.exists():
                    t0 = time.perf_counter()
                    build(home, size)
                    print(f"{size} papers (library built in {time.perf_counter() - t0:.1f} s)")
                else:
                    print(f"{size} papers (library reused from {home})")
                if not keys_only:
                    cold = start_to_list(tmux, home, cached=False)
                    print(f"  start -> first painted list  {ms(cold)}   (no start-up cache)")
                    prime(tmux, home)
                    warm = start_to_list(tmux, home, cached=True)
                    print(f"  start -> first painted list  {ms(warm)}   (start-up cache current)")
                    for moment, samples in quit_times(tmux, home).items():
                        print(f"  q -> exit, {moment:<19}{ms(samples)}")
                keys, anchors = measure_keys(tmux, home, script, size)
                report_keys(size, keys, anchors)
                sys.stdout.flush()
                if homes is None:
                    shutil.rmtree(home, ignore_errors=True)
            left = subprocess.run(["pgrep", "-f", tmp], capture_output=True, text=True)
            if left.stdout.strip():
                print(f"warning: processes left behind: {left.stdout.split()}")
    finally:
        tmux.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
