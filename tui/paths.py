"""Where paperdeck keeps its data and config: platformdirs, overridden by PAPERDECK_HOME/--home."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "paperdeck"


def data_home(override: str | os.PathLike[str] | None = None) -> Path:
    """The library folder: `--home`, else `$PAPERDECK_HOME`, else the platform's user data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("PAPERDECK_HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME))


def config_file(home_override: str | os.PathLike[str] | None = None) -> Path:
    """`config.toml`: inside the home when one is given explicitly, else the user config dir."""
    if home_override or os.environ.get("PAPERDECK_HOME"):
        return data_home(home_override) / "config.toml"
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"
