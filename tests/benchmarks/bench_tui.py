"""Interface benchmarks at 100k papers: startup, cursor, triage key, filter keystroke.

Prints medians; asserts nothing. Run from the repository root:

    python tests/benchmarks/bench_tui.py [SIZE]        # default 100000

What is measured (targets from issue 3, on the 2-core machines):

* process start -> first frame (panes + loading indicator)        < 0.5 s at any size
* process start -> first painted list (library loaded, searched)   < 1.5 s
  measured twice: without the start-up cache (the first start after an import or sync) and
  with it current (any later start: it paints the cached Inbox page while the catalog loads)
* cursor one row (j) incl. the abstract pane, to repainted screen < 16 ms median
* triage key (s) to repainted row (the write happens off the UI)  < 16 ms median
* filter keystroke to repainted results                            < 33 ms median

Startup is measured in fresh processes (`python -c ...` running the app headless, timestamps
from `call_after_refresh`); the rest in one process under `run_test`: from posting the key
event to the app until the pane showing its effect draws it (the abstract pane for the cursor,
the list for triage and filter), so the wait for Textual's next frame tick is included. The library is built
with the real store from tests/benchmarks/generate.py (seed 0), states included.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[2]))

from generate import generate_papers, generate_states
from textual import events
from textual.strip import Strip
from textual.widget import Widget

from tui.app import PaperdeckApp
from tui.store import Library

STARTUP_RUNS = 5
KEY_RUNS = 60
SIZE = (160, 48)

STARTUP_PROBE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tui.app import PaperdeckApp

    marks = {}

    class Probe(PaperdeckApp):
        def on_mount(self):
            super().on_mount()
            self.triage.call_after_refresh(self._first_frame)

        def _first_frame(self):
            marks.setdefault("frame", time.time())
            # No polling timer (it would compete with the loader for the GIL): note the first
            # line the list draws once results are in.
            plist = self.triage.paper_list
            render_line = plist.render_line

            def probed(y):
                if self.triage.results_ready and "list" not in marks:
                    marks["list"] = time.time()
                    self.call_later(self.exit)
                return render_line(y)

            plist.render_line = probed

    Probe(Path(sys.argv[1])).run(headless=True, size=(160, 48))
    print(marks["frame"], marks["list"], len(sys.argv))
    """
)


PRIME_PROBE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tui.app import PaperdeckApp

    class Prime(PaperdeckApp):
        # Open, let every worker finish (the index build saves the start-up cache), quit.
        def on_mount(self):
            super().on_mount()
            self.set_interval(0.2, self._check)

        async def _check(self):
            if self.triage.results_ready and not self.triage.workers_busy:
                await self.action_quit()

    Prime(Path(sys.argv[1])).run(headless=True, size=(160, 48))
    """
)


def ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:7.1f} ms median (min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f}, n={len(samples)})"


def build(home: Path, size: int) -> None:
    papers = generate_papers(size, seed=0)
    with Library.open(home) as lib:
        lib.upsert_papers(papers, source="bench")
        lib.apply_states(generate_states(papers, seed=0), label="bench states")


def drop_cache(home: Path) -> None:
    """Remove the start-up cache: the next start is like the first after an import or sync."""
    (home / "cache" / "first-screen.json").unlink(missing_ok=True)


def prime_cache(home: Path) -> None:
    """Run the app once to the end of its index build, which writes the start-up cache."""
    subprocess.run(
        [sys.executable, "-c", PRIME_PROBE, str(home)], check=True, cwd=Path(__file__).parents[2]
    )
    if not (home / "cache" / "first-screen.json").exists():
        raise RuntimeError("the app wrote no start-up cache")


def startup(home: Path, *, cached: bool) -> tuple[list[float], list[float]]:
    """Fresh-process start-up timings, with the start-up cache current or absent."""
    if cached:
        prime_cache(home)
    frames, lists = [], []
    for _ in range(STARTUP_RUNS):
        if not cached:
            drop_cache(home)
        start = time.time()
        out = subprocess.run(
            [sys.executable, "-c", STARTUP_PROBE, str(home)],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parents[2],
        ).stdout.split()
        frames.append(float(out[0]) - start)
        lists.append(float(out[1]) - start)
    return frames, lists


class PaintProbe:
    """Notes when `widget` first draws a line after `changed()` became true: the repaint.

    (Textual paints on its own frame timer; waiting for "the next refresh" could wait for an
    unrelated later frame, so the probe wraps the widget's render_line instead.)
    """

    def __init__(self, widget: Widget) -> None:
        self.changed: Callable[[], bool] | None = None
        self.painted_at: float | None = None
        render_line = widget.render_line

        def probed(y: int) -> Strip:
            if self.changed is not None and self.changed():
                self.painted_at = time.perf_counter()
                self.changed = None
            return render_line(y)

        widget.render_line = probed  # type: ignore[method-assign]


UNPAINTED: list[str] = []
"""Keys whose effect arrived but needed no repaint (timed to the effect; printed in the end)."""
REPAINT_GRACE = 0.5
"""How long after a key's effect arrived a repaint is waited for before the key counts as one
that changed nothing on screen (the list repaints only lines that differ: a filter key whose
first rows and highlights stay the same draws nothing)."""


async def key_to_paint(
    app: PaperdeckApp, key: str, changed: Callable[[], bool], probe: PaintProbe
) -> float:
    """Seconds from a key reaching the app to the probed widget drawing its effect (or to the
    effect itself, when it changes nothing the widget shows)."""
    char = " " if key == "space" else key if len(key) == 1 else None
    probe.painted_at = None
    probe.changed = changed
    arrived: float | None = None
    t0 = time.perf_counter()
    app.post_message(events.Key(key, char))
    while probe.painted_at is None:
        now = time.perf_counter()
        if arrived is None and changed():
            arrived = now
        if arrived is not None and now - arrived > REPAINT_GRACE:
            UNPAINTED.append(key)
            probe.changed = None
            return arrived - t0
        if now - t0 > 10:
            raise RuntimeError(f"key {key!r} had no visible effect within 10 s")
        await asyncio.sleep(0)
    return probe.painted_at - t0


def count_answers(app: PaperdeckApp) -> list[int]:
    """A counter of the search answers the screen takes (the current search's, not stale
    ones): a key whose answer is the rows already shown leaves `rows` as they were."""
    searching = app.triage.searching
    counter = getattr(searching, "_bench_answers", None)
    if counter is not None:
        return counter
    counter = [0]
    finished = searching.finished

    def counted(message: Any) -> None:
        finished(message)
        if searching.session.is_current(message.answer.generation):
            counter[0] += 1

    searching.finished = counted  # type: ignore[method-assign]
    searching._bench_answers = counter  # type: ignore[attr-defined]
    return counter


async def type_filter(
    app: PaperdeckApp, probe: PaintProbe, words: Sequence[str], samples: list[float]
) -> None:
    """Type `words` into the (focused) filter bar, timing each key to the repainted list."""
    screen, plist = app.triage, app.triage.paper_list
    answered = count_answers(app)
    for word in words:
        for char in word:
            before, answers = plist.rows, answered[0]

            def searched(before: Sequence[str] = before, answers: int = answers) -> bool:
                return (
                    plist.rows is not before
                    or answered[0] > answers
                    or screen.filter_bar.has_class("-invalid")
                )

            key = char if char != " " else "space"
            samples.append(await key_to_paint(app, key, searched, probe))
            await asyncio.sleep(0.05)
        for _ in word:
            app.post_message(events.Key("backspace", None))
            await asyncio.sleep(0.01)


async def filter_while_indexing(home: Path) -> tuple[list[float], int, float]:
    """Keystrokes typed as soon as titles are indexed, while abstracts still are: their
    timings, how many came before abstracts were ready, and how long that took."""
    app = PaperdeckApp(home)
    samples: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = app.triage
        while not (screen.results_ready and screen.searcher and screen.searcher.ready):
            await pilot.pause(0.01)
        searcher = screen.searcher
        started = time.perf_counter()
        probe = PaintProbe(screen.paper_list)
        await pilot.press("slash")
        words = ["diffusion solver", "transformer attention", "lora adaptation"]
        while not searcher.abstracts_ready:
            await type_filter(app, probe, words, samples)
        window = time.perf_counter() - started
        await pilot.press("escape")
        await app.action_quit()
    return samples, len(samples), window


async def interactive(home: Path) -> dict[str, list[float]]:
    app = PaperdeckApp(home)
    results: dict[str, list[float]] = {"cursor": [], "triage": [], "filter": [], "page": []}
    async with app.run_test(size=SIZE) as pilot:
        screen = app.triage
        while not screen.results_ready:
            await pilot.pause(0.05)
        while screen.workers_busy:  # the index build and the full row list
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        plist, abstract = screen.paper_list, screen.abstract
        abstract_probe, list_probe = PaintProbe(abstract), PaintProbe(plist)

        def moved(before: int) -> Callable[[], bool]:
            return lambda: plist.cursor != before and abstract.paper_id == plist.current_id

        for _ in range(KEY_RUNS):
            results["cursor"].append(
                await key_to_paint(app, "j", moved(plist.cursor), abstract_probe)
            )
            await asyncio.sleep(0.02)  # a person's key repeat, not a flood
        for _ in range(KEY_RUNS // 3):
            results["page"].append(
                await key_to_paint(app, "pagedown", moved(plist.cursor), abstract_probe)
            )
            await asyncio.sleep(0.02)

        snapshot = screen.snapshot
        assert snapshot is not None
        for _ in range(KEY_RUNS):
            paper_id = plist.current_id
            assert paper_id is not None
            starred = snapshot.state(paper_id).starred

            def flipped(paper_id: str = paper_id, starred: bool = starred) -> bool:
                return snapshot.state(paper_id).starred != starred

            results["triage"].append(await key_to_paint(app, "s", flipped, list_probe))
            while screen.writer is not None and screen.writer.busy:  # let the write land
                await asyncio.sleep(0.005)
            await pilot.pause()

        await pilot.press("slash")
        words = ("diffusion solver", "transformer attention", "lora adaptation")
        await type_filter(app, list_probe, words, results["filter"])
        await pilot.press("escape")
    return results


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[1] == "--build":
        build(Path(argv[2]), int(argv[3]))
        return 0
    size = int(argv[1]) if len(argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        t0 = time.perf_counter()
        # Built in another process: 100k generated papers left in this one would make every
        # garbage collection here slow and the key timings with it.
        subprocess.run([sys.executable, __file__, "--build", str(home), str(size)], check=True)
        print(f"{size} papers (library built in {time.perf_counter() - t0:.1f} s)")
        frames, lists = startup(home, cached=False)
        print(f"  start -> first frame          {ms(frames)}")
        print(f"  start -> first painted list   {ms(lists)}   (no start-up cache)")
        frames, lists = startup(home, cached=True)
        print(f"  start -> first frame          {ms(frames)}   (start-up cache current)")
        print(f"  start -> first painted list   {ms(lists)}   (start-up cache current)")
        early, keys, window = asyncio.run(filter_while_indexing(home))
        print(
            f"  filter keystroke to results   {ms(early)}   "
            f"(while abstracts index: {keys} keys in the first {window:.1f} s)"
        )
        results = asyncio.run(interactive(home))
        print(f"  cursor one row (j) + abstract {ms(results['cursor'])}")
        print(f"  page down                     {ms(results['page'])}")
        print(f"  triage key (s) to repaint     {ms(results['triage'])}")
        print(f"  filter keystroke to results   {ms(results['filter'])}")
        if UNPAINTED:
            print(f"  ({len(UNPAINTED)} keys changed nothing on screen: timed to their results)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
