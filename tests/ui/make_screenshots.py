"""Regenerate screenshots/*.svg: the app renders its main views itself (App.save_screenshot).

Run from the repository root:

    python tests/ui/make_screenshots.py            # writes screenshots/*.svg

Each view runs the real app headless on a fresh temporary library filled with the built-in demo
papers (the two saved Hugging Face pages), presses the keys listed below, and saves the screen.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.app import PaperdeckApp  # noqa: E402
from tui.demo import fill_demo_if_empty  # noqa: E402
from tui.store import Library  # noqa: E402

VIEWS: dict[str, tuple[tuple[int, int], tuple[str, ...]]] = {
    # name: (terminal size, keys pressed once the list is painted)
    "main": ((150, 42), ("s", "a", "d", "x", "space", "space", "t", *"solvers", "enter")),
    "filtered": ((150, 42), ("slash", *"neural operator")),
    "tag-editor": ((150, 42), ("t", *"pde, operators", "enter", "j", "t", *"op")),
    "help": ((150, 42), ("question_mark",)),
    "narrow-80x24": ((80, 24), ("j", "s", "j")),
}


async def render(name: str, size: tuple[int, int], keys: tuple[str, ...], out: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        with Library.open(home) as lib:
            fill_demo_if_empty(lib)
        app = PaperdeckApp(home)
        async with app.run_test(size=size) as pilot:
            while not app.triage.results_ready or app.triage.workers_busy:
                await pilot.pause(0.02)
            await pilot.press(*keys)
            while app.triage.workers_busy:
                await pilot.pause(0.02)
            await pilot.pause()
            app.clear_notifications()
            await pilot.pause()
            return Path(app.save_screenshot(f"{name}.svg", str(out)))


def main() -> int:
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    for name, (size, keys) in VIEWS.items():
        path = asyncio.run(render(name, size, keys, out))
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
