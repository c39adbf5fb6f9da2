"""Every toast goes through the output guard, whoever raises it and whatever text it carries."""

from __future__ import annotations

import re
from pathlib import Path

from ui_helpers import make_app, wait_ready

UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


async def test_a_notification_with_escape_codes_is_shown_inert(library_home: Path) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_ready(pilot)
        app.notify(
            "sync: HTTP 404 Gone\x1b]52;c;aGk=\x07 \u202eevil\nsecond line",
            title="feed\x1b]0;pwned\x07",
            markup=False,
        )
        shown: list[str] = []
        for _ in range(50):  # the toast rack is updated a few frames later
            await pilot.pause(0.02)
            shown = [str(toast.render()) for toast in app.screen.query("Toast")]
            if shown:
                break
        assert shown, "no toast on screen"
        text = shown[-1]
        assert "Gone ]52;c;aGk=" in text and "evil" in text and "feed ]0;pwned" in text
        assert not UNSAFE.search(text), repr(text)
