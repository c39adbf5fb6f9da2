"""Where paperdeck keeps its data and config: platformdirs, overridden by PAPERDECK_HOME/--home.

A home that exists but is not a folder is a usage mistake named in one line (with where the path
came from), not a "File exists" from deep inside the store.
"""

from __future__ import annotations

import os
from pathlib import Path

from tui.errors import UsageError

APP_NAME = "paperdeck"


def data_home(override: str | os.PathLike[str] | None = None) -> Path:
    """The library folder: `--home`, else `$PAPERDECK_HOME`, else the platform's user data dir.

    Raises UsageError when that path exists and is not a folder."""
    if override:
        home, where = Path(override).expanduser(), "--home"
    elif os.environ.get("PAPERDECK_HOME"):
        home, where = Path(os.environ["PAPERDECK_HOME"]).expanduser(), "PAPERDECK_HOME"
    else:
        import platformdirs  # here: a command given --home or $PAPERDECK_HOME never needs it

        home, where = Path(platformdirs.user_data_dir(APP_NAME)), "the library folder"
    if home.exists() and not home.is_dir():
        raise UsageError(f"{where} {home} is not a folder")
    return home


def config_file(home_override: str | os.PathLike[str] | None = None) -> Path:
    """`config.toml`: inside the home when one is given explicitly, else the user config dir."""
    if home_override or os.environ.get("PAPERDECK_HOME"):
        return data_home(home_override) / "config.toml"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"
