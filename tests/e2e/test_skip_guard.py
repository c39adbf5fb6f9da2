"""The CI guard of tests/conftest.py: with CI=true a skipped end-to-end test fails the run, and
the tmux driver (tests/tmux_driver.py) finds the installed command without the venv's `bin` on
PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def _run_pytest(folder: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    """A tiny suite using the real tests/conftest.py: one skipped e2e test, one skipped other."""
    shutil.copy(Path(__file__).parents[1] / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    e2e: end to end\n")
    (tmp_path / "test_suite.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.e2e
            @pytest.mark.skipif(True, reason="tmux is not installed")
            def test_in_tmux():
                pass

            @pytest.mark.skip(reason="an ordinary skip")
            def test_other():
                pass
            """
        )
    )
    return tmp_path


def test_a_skipped_e2e_test_fails_in_ci(suite: Path) -> None:
    out = _run_pytest(suite, "true")
    assert out.returncode == 1, out.stdout
    assert "1 skipped, 1 error" in out.stdout  # a setup-time failure counts as an error
    assert "an end-to-end test was skipped in CI (tmux is not installed)" in out.stdout


def test_outside_ci_a_skip_is_a_skip(suite: Path) -> None:
    out = _run_pytest(suite, None)
    assert out.returncode == 0, out.stdout
    assert "2 skipped" in out.stdout


def test_the_tmux_driver_finds_paperdeck_next_to_the_interpreter() -> None:
    installed = Path(sys.executable).parent / "paperdeck"
    if not installed.is_file():
        pytest.fail(f"this venv has no {installed}: run `pip install -e '.[test]'` first")
    # A PATH without the venv's bin, as when the venv's python is run without activating it.
    env = {**os.environ, "PATH": os.pathsep.join(("/usr/bin", "/bin"))}
    probe = "import sys; sys.path.insert(0, sys.argv[1]); import tmux_driver; print(tmux_driver.PAPERDECK)"
    out = subprocess.run(
        [sys.executable, "-c", probe, str(Path(__file__).parents[1])],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(installed)
