"""The parsed form of a query: a tree of small immutable nodes, and the `Query` that holds it.

The parser (`tui.query.parser`) builds these; `tui.query.evaluate` evaluates them.
Every node records the character offset it came from (`position`, 0-based) for diagnostics; the
offset is left out of equality so tests and caches compare nodes by meaning alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

TEXT_FIELDS: tuple[str, ...] = ("title", "authors", "abstract")
"""The text fields fuzzy words and phrases search, best first. `authors` is names joined by ", "."""

SORT_KEYS: tuple[str, ...] = ("relevance", "date", "upvotes", "title")
"""Orders a query can ask for with `sort:`."""


class Node:
    """Base of every query node."""

    __slots__ = ()

    def children(self) -> tuple[Node, ...]:
        """The sub-nodes (empty for leaves)."""
        return ()

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class MatchAll(Node):
    """The empty query: every paper."""

    position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class And(Node):
    """Every child matches (implicit between terms, binds tighter than OR)."""

    items: tuple[Node, ...]
    position: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True, slots=True)
class Or(Node):
    """At least one child matches."""

    items: tuple[Node, ...]
    position: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True, slots=True)
class Not(Node):
    """The child does not match (`-term`, `NOT term`)."""

    item: Node
    position: int = field(default=0, compare=False)

    def children(self) -> tuple[Node, ...]:
        return (self.item,)


@dataclass(frozen=True, slots=True)
class Word(Node):
    """One fuzzy word (lower case, letters and digits only) looked for in `fields`.

    It matches a paper when a word of one of those fields starts with it, or, when the exact
    prefix finds almost nothing in the library and the word has 4+ characters, when a word is a
    close typo of it (see `tui.query.text`).
    """

    text: str
    fields: tuple[str, ...] = TEXT_FIELDS
    position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Phrase(Node):
    """A case-insensitive substring of one of `fields` (`"exact phrase"`, `title:"..."`)."""

    text: str
    fields: tuple[str, ...] = TEXT_FIELDS
    position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Attr(Node):
    """A catalog or state attribute: `tag` (exact tag), `id`, `cat`, `source` (substrings)."""

    name: str
    value: str
    position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Is(Node):
    """`is:<value>`: starred, inbox, later, done, skipped, unread, new."""

    value: str
    position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Has(Node):
    """`has:<value>`: code, note, tags, summary, pdf."""

    value: str
    position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class NumberRange(Node):
    """`upvotes` / `stars` / `comments` within [low, high] (inclusive; None is open)."""

    name: str
    low: int | None
    high: int | None
    position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class DateRange(Node):
    """`date` / `listed` against a date spec resolved when the query runs (see tui.query.dates)."""

    name: str
    op: str
    spec: str
    position: int = field(default=0, compare=False)


RANK_KINDS: tuple[str, ...] = ("for-you", "tag", "like")


@dataclass(frozen=True, slots=True)
class Rank:
    """A ranking term: it orders the results and filters nothing.

    `kind` is "for-you" (`sort:for-you`: what this user keeps), "tag" (`like:#tag`: that tag's
    model; `values` holds the tag) or "like" (`like:ID` or `like:ID,ID`: likeness to those
    papers; `values` holds the ids as typed). The ranking engine (`tui.rank`) answers it
    through `QueryContext.ranker`.
    """

    kind: str
    values: tuple[str, ...] = ()
    position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: the filter tree plus the requested order.

    `sort` is None when the query does not say; the searcher then orders by relevance when the
    query has fuzzy words and newest first otherwise. `reverse` flips date/upvotes/title orders.
    `rank`, when set (`sort:for-you`, `like:`), orders instead of `sort`; without a ranking
    engine, or with nothing for it to learn from, the order is the one `sort` gives.
    """

    text: str
    root: Node
    sort: str | None = None
    reverse: bool = False
    rank: Rank | None = None

    @property
    def words(self) -> tuple[Word, ...]:
        """The fuzzy words that are not negated: they drive relevance and highlighting."""
        return tuple(dict.fromkeys(_positive(self.root, Word)))  # type: ignore[arg-type]

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        """The phrases that are not negated (highlighted like words)."""
        return tuple(dict.fromkeys(_positive(self.root, Phrase)))  # type: ignore[arg-type]

    @property
    def needs_texts(self) -> bool:
        """True when answering needs abstracts or AI summaries, not only the catalog."""
        for node in self.root.walk():
            if isinstance(node, Word | Phrase) and "abstract" in node.fields:
                return True
            if isinstance(node, Has) and node.value == "summary":
                return True
        return False

    def without_field(self, name: str) -> Query | None:
        """This query with its words and phrases no longer looking in field `name` (a quick
        first answer while that field is not indexed yet: a superset or subset of the real
        one, never shown as final). None when no word or phrase looks there, or when one looks
        only there (its answer would mean nothing)."""
        changed = False

        def strip(node: Node) -> Node | None:
            nonlocal changed
            if isinstance(node, Word | Phrase):
                if name not in node.fields:
                    return node
                kept = tuple(f for f in node.fields if f != name)
                if not kept:
                    return None
                changed = True
                return replace(node, fields=kept)
            if isinstance(node, And | Or):
                items = [strip(item) for item in node.items]
                if any(item is None for item in items):
                    return None
                return replace(node, items=tuple(i for i in items if i is not None))
            if isinstance(node, Not):
                item = strip(node.item)
                return None if item is None else replace(node, item=item)
            return node

        root = strip(self.root)
        if root is None or not changed:
            return None
        return replace(self, root=root)

    @property
    def effective_sort(self) -> str:
        """The order the searcher will use."""
        if self.sort is not None:
            return self.sort
        return "relevance" if self.words else "date"

    def __str__(self) -> str:
        return self.text


def _positive(node: Node, kind: type) -> Iterator[Node]:
    """Nodes of `kind` reachable without passing through a Not."""
    if isinstance(node, Not):
        return
    if isinstance(node, kind):
        yield node
    for child in node.children():
        yield from _positive(child, kind)
