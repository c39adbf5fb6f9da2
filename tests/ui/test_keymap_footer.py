"""A key remapped in `[keymap]` keeps its place in the footer (issue 9.17): Textual's keymap
moves a remapped binding to the end of the screen's bindings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from textual.widgets import Footer
from ui_helpers import make_app, wait_ready

from tui.config import Config


async def test_remapped_keys_keep_their_place_in_the_footer(library_home: Path) -> None:
    config = dataclasses.replace(Config(), keymap={"star": "f", "skip": "z"})
    app = make_app(library_home, config=config)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.pause()
        footer = app.triage.query_one(Footer)
        keys = [key.key for key in footer.query("FooterKey")]
        assert keys[:7] == ["f", "a", "d", "z", "t", "u", "slash"], keys
