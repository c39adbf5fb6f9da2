"""Whole-process `paperdeck import` into a large library: wall time and peak memory, medians.

Per sample a fresh copy of the library (never the one given; its id lookup rebuilt, untimed,
since the copy's new inodes retire it), then three imports in a row,
each a fresh `python -m tui` process timed from outside (peak memory: the child's own maxrss,
from wait4): `new` (FILE's papers, mostly new), `unchanged` (the same file again: nothing
written) and `updated` (FILE2, the same papers with a few changed). The anchor is `python -m
tui --version`, measured in the same run between the samples. The code measured is whatever
`python -m tui` imports (PYTHONPATH=/path/to/an/older/checkout for a before figure). Asserts
nothing; not part of the test suite. Run:

    nice python tests/benchmarks/bench_import.py LIBRARY FILE FILE2 [RUNS]   # RUNS default 3

Targets (set for issue 11's import part): at 100k papers an import of 8 papers well under
`paperdeck list diffusion --limit 20`; at 1M under 20 s and 3 GB.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_RESOLVE = """
import sys
from tui.store import Library
home = sys.argv[1]
with open(home + "/catalog.json", "rb") as f:
    head = f.read(200)
Library.open(home).resolve(head[12 : head.index(b'"', 12)].decode())  # '{"papers":{"<id>"'
"""


def run_once(args: list[str]) -> tuple[float, float, str]:
    """(seconds, peak MB, last line of output) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    out = proc.stdout.read().decode() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{args}: failed\n{out}")
    lines = out.strip().splitlines()
    return took, usage.ru_maxrss / 1024, lines[0] if lines else ""


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__)
        return 2
    library, first, second = Path(argv[0]), argv[1], argv[2]
    runs = int(argv[3]) if len(argv) > 3 else 3
    cases = {"new": first, "unchanged": first, "updated": second}
    times: dict[str, list[float]] = {name: [] for name in ["anchor", *cases]}
    peaks: dict[str, list[float]] = {name: [] for name in cases}
    said: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="imp3-bench-", dir="/tmp") as tmp:
        for _ in range(runs):
            home = Path(tmp) / "lib"
            shutil.rmtree(home, ignore_errors=True)
            subprocess.run(["cp", "-a", str(library), str(home)], check=True)
            # A copy has new inodes, which retire the id lookup: rebuilt (untimed) as a user's
            # library has it, current, before the import.
            subprocess.run([sys.executable, "-c", _RESOLVE, str(home)], check=True)
            times["anchor"].append(run_once(["--version"])[0])
            for name, path in cases.items():
                took, peak, line = run_once(["--home", str(home), "import", path])
                times[name].append(took)
                peaks[name].append(peak)
                said[name] = line
    anchor = statistics.median(times["anchor"])
    print(f"library {library}, n={runs}, load {os.getloadavg()[0]:.2f}")
    print(f"  anchor --version: {anchor:.2f} s")
    for name in cases:
        median = statistics.median(times[name])
        print(
            f"  {name:9s} {median:6.2f} s (x{median / anchor:5.1f} anchor) "
            f"peak {statistics.median(peaks[name]):6.0f} MB   [{said[name]}]"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
