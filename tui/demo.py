"""The built-in demo library: two saved Hugging Face Papers pages shipped inside the package.

A new user who starts paperdeck with an empty library gets real papers at once, offline.
"""

from __future__ import annotations

from importlib import resources

from tui.store import Library

DEMO_FILES = ("hf-papers-page-1.txt", "hf-papers-page-2.txt")
DEMO_SOURCE = "demo"


def demo_pages() -> list[tuple[str, bytes]]:
    """The demo pages as (name, bytes), read from the installed package."""
    folder = resources.files("tui") / "demo_data"
    return [(name, (folder / name).read_bytes()) for name in DEMO_FILES]


def fill_demo_if_empty(lib: Library) -> str | None:
    """Fill an empty library with the demo papers; returns a line to show the user, or None.

    A library whose catalog was moved aside as corrupt is not empty in the user's eyes, so it
    is left alone: the demo must never hide that their data needs restoring.
    """
    if not lib.is_empty() or any(lib.home.glob("catalog.json.corrupt-*")):
        return None
    from tui.importers import parse_bytes

    papers = []
    for name, data in demo_pages():
        papers.extend(parse_bytes(data, name).papers)
    result = lib.upsert_papers(papers, source=DEMO_SOURCE)
    return (
        f"Your library was empty, so paperdeck loaded {len(result.added)} demo papers from "
        "Hugging Face Daily Papers. Add your own with `paperdeck import FILE` or `paperdeck sync`."
    )
