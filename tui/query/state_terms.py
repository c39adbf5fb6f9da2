"""The papers a state term picks (`is:starred`, `is:later`, `tag:x`, `has:note`, …), as a
bitmap of paper numbers, from the user's states.

The states hold only the papers the user touched (a few thousand at most in a 100k library),
so walking them is cheap, but it runs on every keystroke of a structured query: one inlined
comprehension per kind, no per-paper function call. Caching across keystrokes is the
evaluation's job (`tui.query.evaluate`, keyed on the states' version).
"""

from __future__ import annotations

from collections.abc import Mapping

from tui.models import State
from tui.query import bitmaps

STATE_KINDS = ("starred", "status", "not-inbox", "tag", "note", "tags", "read")
"""What `state_bitmap` can look for; `status` and `tag` take a value."""


def state_bitmap(
    states: Mapping[str, State], numbers: Mapping[str, int], size: int, kind: str, value: str
) -> int:
    """The papers (numbered by `numbers`, out of `size`) whose state says `kind`: starred,
    status == value, not in the inbox, tagged value, with a note, with tags, or read (opened or
    done). Papers the states name but `numbers` does not (removed since) are left out."""
    get = numbers.get
    if kind == "starred":
        found = [get(pid) for pid, st in states.items() if st.starred]
    elif kind == "status":
        found = [get(pid) for pid, st in states.items() if st.status == value]
    elif kind == "not-inbox":
        found = [get(pid) for pid, st in states.items() if st.status != "inbox"]
    elif kind == "tag":
        found = [get(pid) for pid, st in states.items() if value in st.tags]
    elif kind == "note":
        found = [get(pid) for pid, st in states.items() if st.note]
    elif kind == "tags":
        found = [get(pid) for pid, st in states.items() if st.tags]
    else:  # "read": opened or done
        found = [
            get(pid)
            for pid, st in states.items()
            if st.opened_at is not None or st.status == "done"
        ]
    if None in found:
        found = [n for n in found if n is not None]
    return bitmaps.from_numbers(found, size)  # type: ignore[arg-type]
