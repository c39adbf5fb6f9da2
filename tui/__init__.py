"""paperdeck: a keyboard-first terminal reader for research papers.

`__version__` is the one place the version is written: the build reads it from here
(`[tool.hatch.version]` in pyproject.toml), so an installed wheel's metadata says the same, and
no command pays for `importlib.metadata` (tens of milliseconds to import) to learn it.
"""

__version__ = "0.1.0"
