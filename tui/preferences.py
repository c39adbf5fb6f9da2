"""What the app remembers between runs that is neither the library nor the config: today the
theme chosen in the command palette. Plain Python, no Textual.

One small JSON object in the library's home (`ui.json`), written atomically. A missing,
unreadable or damaged file means "nothing remembered"; it never stops the app. `theme` in
config.toml is the default until the user picks one in the palette.
"""

from __future__ import annotations

from pathlib import Path

import orjson

from tui.atomic import atomic_write_bytes
from tui.errors import StoreError

FILE_NAME = "ui.json"
KEYS = frozenset({"theme"})
"""What may be remembered (anything else in the file is ignored)."""
MAX_BYTES = 64 * 1024


def preferences_path(home: Path) -> Path:
    return home / FILE_NAME


def load_preferences(home: Path) -> dict[str, str]:
    """The remembered values (only known keys with short text values)."""
    path = preferences_path(home)
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return {}
        doc = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    if not isinstance(doc, dict):
        return {}
    return {
        key: value
        for key, value in doc.items()
        if key in KEYS and isinstance(value, str) and 0 < len(value) <= 100
    }


def remember(home: Path, key: str, value: str) -> str | None:
    """Remember `key = value`; the one-line reason when it could not be written, else None."""
    if key not in KEYS:
        raise ValueError(f"not a preference: {key}")
    current = load_preferences(home)
    if current.get(key) == value:
        return None
    current[key] = value
    if not home.is_dir():
        return f"cannot remember the {key}: {home} is not a folder"
    try:
        atomic_write_bytes(preferences_path(home), orjson.dumps(current), what="preferences")
    except StoreError as exc:
        return exc.message
    return None
