"""Keeping the start-up cache current across a triage write from the command line.

The start-up cache (`tui.store.startup_cache`) is believed only while the fingerprint it
records matches the library's files, so any write retires it, and the app's next start reads
the whole catalog first (two seconds at 100k papers). A cron user who stars papers with
`paperdeck star ID` would never start fast. Most such writes cannot change the cached page's
rows, though: starring, tagging or noting a paper, or moving one that is not on the page out of
the view, changes only the page's states, the view's total and the sidebar counts. For those,
`run_keeping_page` patches the cache in place, under the same lock as the write, so that it
holds exactly what a save made afresh would hold; anything else (a paper entering the view,
one on the page leaving it, a view whose order or membership depends on more than a state)
leaves it to retire, as any write does.

Reads and writes a few hundred kilobytes of JSON (`tui.store.jsonbytes`) and stats the view's
files: no catalog, no query engine. Plain Python, no Textual.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from tui.atomic import atomic_write_bytes
from tui.errors import PaperdeckError
from tui.models import State, normalise_tag
from tui.store import jsonbytes
from tui.store.counts import most_used_first
from tui.store.startup_cache import FORMAT, cache_path
from tui.views import SMART_VIEWS, View

if TYPE_CHECKING:
    from tui.actions import Action
    from tui.store.journal import JournalEntry
    from tui.store.library import Library


def state_view(view_terms: object) -> View | None:
    """The view whose query is `view_terms`, when which papers it holds is a matter of their
    state alone and its order does not depend on states at all (a smart view other than For
    you, or a tag); else None."""
    if not isinstance(view_terms, str):
        return None
    for key, _ in SMART_VIEWS:
        view = View("smart", key)
        if key != "for-you" and view.query == view_terms:
            return view
    if view_terms.startswith("tag:"):
        key = view_terms[4:]
        if len(key) >= 2 and key[0] == key[-1] == '"':
            key = key[1:-1]
        if key and '"' not in key and "\\" not in key and key == normalise_tag(key):
            view = View("tag", key)
            if view.query == view_terms:
                return view
    return None


def run_keeping_page(library: Library, action: Action, ids: Iterable[str]) -> JournalEntry:
    """`library.run(action, ids)`, patching the start-up cache so that it stays current when
    the write cannot have changed its page's rows (see the module docstring). The cache is
    read and written under the write's own lock; a cache that cannot be patched is left to
    retire, and a failure to patch never fails the write."""
    wanted = list(dict.fromkeys(ids))
    with library.hold():
        page = _current_page(library)
        before = {pid: library.state(pid) for pid in wanted} if page is not None else {}
        entry = library.run(action, wanted)
        if page is not None and entry.changes:
            raw, doc, view = page
            try:
                patched = _patched(doc, view, {pid: before[pid] for pid in entry.changes}, library)
                if patched is not None:
                    patched["fingerprint"] = library.fingerprint()
                    path = cache_path(library.home)
                    atomic_write_bytes(path, _encoded(patched, doc, raw), what="start-up cache")
            except (PaperdeckError, OSError, KeyError, TypeError, ValueError):
                pass  # a cache: it is stale now, and the next start is an ordinary one
    return entry


def _current_page(library: Library) -> tuple[bytes, dict[str, Any], View] | None:
    """The cache's bytes, document and view, when it is current and its view can be patched."""
    try:
        raw = cache_path(library.home).read_bytes()
    except OSError:
        return None
    fingerprint = library.fingerprint()
    # A cache made from other files does not hold their fingerprint as the store writes it
    # (compact): told without parsing it (a few hundred kilobytes, most of this function's
    # time). The test of the parsed document below still decides.
    if b'"fingerprint":' + jsonbytes.dumps(fingerprint) not in raw:
        return None
    try:
        doc = jsonbytes.loads(raw)
    except jsonbytes.DecodeError:
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return None
    view = state_view(doc.get("view"))
    if view is None or doc.get("fingerprint") != fingerprint:
        return None
    return raw, doc, view


def _encoded(patched: dict[str, Any], doc: dict[str, Any], raw: bytes) -> bytes:
    """`jsonbytes.dumps(patched)`, but with the papers' bytes taken from `raw`, the cache
    `doc` was read from, instead of encoded again: they are most of the file (the page's
    abstracts), a patch never changes them, and encoding them was most of a patch's time.
    Taken only when the bytes around them are exactly what encoding `doc` gives (the keys in
    the same order), so the result parses to `patched`; else the whole is encoded."""
    keys = list(patched)
    if "papers" not in keys or keys != list(doc) or patched["papers"] is not doc["papers"]:
        return jsonbytes.dumps(patched)
    at = keys.index("papers")
    head, tail = keys[:at], keys[at + 1 :]
    old_head, old_tail = _around(doc, head, tail)
    if not (raw.startswith(old_head) and raw.endswith(old_tail)):
        return jsonbytes.dumps(patched)
    papers = raw[len(old_head) : len(raw) - len(old_tail)]
    new_head, new_tail = _around(patched, head, tail)
    return b"".join((new_head, papers, new_tail))


def _around(doc: dict[str, Any], head: list[str], tail: list[str]) -> tuple[bytes, bytes]:
    """The bytes of encoding `doc` before its papers' value (up to `"papers":`) and after it:
    the keys in `head` come before `papers`, those in `tail` after."""
    before = jsonbytes.dumps({key: doc[key] for key in head})
    after = jsonbytes.dumps({key: doc[key] for key in tail})
    opening = before[:-1] + (b',"papers":' if head else b'"papers":')
    closing = (b"," + after[1:]) if tail else b"}"
    return opening, closing


def _patched(
    doc: dict[str, Any], view: View, before: Mapping[str, State], library: Library
) -> dict[str, Any] | None:
    """The document after the papers in `before` changed from those states to the ones the
    library holds now, or None when the page's rows may have changed."""
    rows: list[str] = list(doc["rows"])
    on_page = set(rows)
    total = int(doc["total"])
    states: dict[str, Any] = dict(doc["states"])
    status = {str(k): int(v) for k, v in doc["status_counts"].items()}
    tags: Counter[str] = Counter({str(k): int(v) for k, v in doc["tag_counts"].items()})
    for pid, old in before.items():
        new = library.state(pid)
        was, now = view.holds(old), view.holds(new)
        if pid in on_page:
            if not now:
                return None  # leaves the page: the next paper would move up into it
            states[pid] = new.to_dict()
        elif now and not was:
            return None  # enters the view: it may belong on the page
        elif was and not now:
            total -= 1  # beyond the page (it is not on it): the page keeps its rows
        status[old.status] -= 1
        status[new.status] += 1
        status["starred"] += int(new.starred) - int(old.starred)
        tags.subtract(old.tags)
        tags.update(new.tags)
    if total < len(rows) or min(status.values()) < 0:
        return None  # the cache did not describe this library after all
    return {
        **doc,
        "total": total,
        "states": {pid: states[pid] for pid in rows if pid in states},
        "status_counts": status,
        "tag_counts": most_used_first(tags),
    }
