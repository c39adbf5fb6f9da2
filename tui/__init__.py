"""paperdeck: a keyboard-first terminal reader for research papers.

`__version__` is looked up on first use, not at import: `importlib.metadata` costs tens of
milliseconds, a large part of a `paperdeck star` that should take well under 150 ms.
"""

from functools import cache


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("paperdeck")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
