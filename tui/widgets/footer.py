"""The key footer: Textual's `Footer`, without the keys it drops staying alive.

Textual 8.2.8's `Footer` makes new `FooterKey`s each time the bindings change (a focus move:
every `/` and `escape`) and binds each one's `compact` to its own; the binding stays in the
footer's watcher list after the key is removed, until `compact` changes, which it never does
here. Each dropped key (a widget: its styles, caches and rendered lines, about a hundred
objects) so stayed alive: about ten per focus move, tens of thousands of objects after a minute
of keys, that every full garbage collection walked (its cost rose from a few to ~90 ms over a
60 s session at 100k papers) and the memory kept. After each recompose this one marks
`compact` changed, which makes Textual drop the watchers of removed keys.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """`Footer` that lets go of the keys it removed (see the module docstring)."""

    async def recompose(self) -> None:
        await super().recompose()
        self.mutate_reactive(Footer.compact)
