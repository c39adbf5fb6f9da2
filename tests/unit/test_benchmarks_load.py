"""Every benchmark script loads: the benchmarks are not run by the suite, so a helper they
import that moved (as `bench_cli.py`'s tmux helpers once did) would otherwise go unnoticed
until someone needs the figures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"


@pytest.mark.parametrize("script", sorted(BENCHMARKS.glob("bench_*.py")), ids=lambda p: p.stem)
def test_the_benchmark_script_loads_and_has_a_main(script: Path) -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location(f"_loaded_{script.stem}", script)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    assert callable(getattr(module, "main", None))
