"""paperdeck: a keyboard-first terminal reader for research papers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("paperdeck")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
