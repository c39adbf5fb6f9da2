"""What a search answers with, and what it runs against: `QueryContext` (the user's states and
the clock), `Hit` (one paper, its score and highlight spans), `SearchResult` (the hits asked for,
the total, every id and other papers' title spans on demand), `PaperIds` (every matching id, held
as paper numbers) and `LazySpans` (spans computed field by field on first access, since a list
pane reads only titles and the abstract is the costly field).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol, overload

from tui.models import Paper, State
from tui.query.nodes import Rank


class Ranking(Protocol):
    """What a search asks the ranking engine (`tui.rank.Ranker`) for a `sort:for-you` or
    `like:` query: the positions of `ids` best first and their scores, or None to keep the
    order they came in (nothing to learn from yet)."""

    def order(
        self,
        term: Rank,
        ids: Sequence[str],
        states: Mapping[str, State],
        states_version: object = None,
    ) -> tuple[list[int], list[float]] | None: ...


@dataclass
class QueryContext:
    """What a query is evaluated against besides the papers.

    `states`: the user's states by paper id (only touched papers; others are inbox).
    `now`: the clock relative dates count from (its calendar date is "today").
    `new_since`: ISO time of the previous sync; `is:new` is `first_seen >= new_since`
    (every paper counts as new when it is None).
    `states_version`: optional token that changes whenever `states` changes (a counter the
    store bumps on each triage write, say). When given, state terms (`is:`, `tag:`,
    `has:note`) are cached per token instead of walking `states` on every keystroke.
    `ranker`: the ranking engine a query with a ranking term asks for its order; without one
    such a query keeps its ordinary order. Only those queries ever call it.
    """

    states: Mapping[str, State] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    new_since: str | None = None
    states_version: object = None
    ranker: Ranking | None = None

    @property
    def today(self) -> date:
        return self.now.date()


SpanMap = Mapping[str, list[tuple[int, int]]]
SPAN_FIELDS: tuple[str, ...] = ("title", "authors", "abstract")


class LazySpans(Mapping[str, list[tuple[int, int]]]):
    """Highlight spans computed field by field on first access (a list pane reads only
    "title"; the abstract, the costly one, only for the paper on screen). Keys are the fields
    that have spans, like a plain dict of the non-empty ones."""

    __slots__ = ("_compute", "_done")

    def __init__(self, compute: Callable[[str], list[tuple[int, int]]]) -> None:
        self._compute = compute
        self._done: dict[str, list[tuple[int, int]]] = {}

    def _field(self, name: str) -> list[tuple[int, int]]:
        found = self._done.get(name)
        if found is None:
            found = self._done[name] = self._compute(name) if name in SPAN_FIELDS else []
        return found

    def __getitem__(self, name: str) -> list[tuple[int, int]]:
        found = self._field(name)
        if not found:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter([name for name in SPAN_FIELDS if self._field(name)])

    def __len__(self) -> int:
        return sum(1 for name in SPAN_FIELDS if self._field(name))

    def __repr__(self) -> str:
        return repr(dict(self))


class Hit:
    """One matching paper: its id, relevance score and highlight spans.

    `spans` maps "title" / "authors" / "abstract" to sorted, non-overlapping (start, end)
    character ranges into `paper.title`, `", ".join(paper.authors)` and `paper.abstract`; only
    fields with spans are keys. For search results it is a `LazySpans` (read-only mapping that
    computes each field on first access): use `hit.spans.get("title", [])`.
    """

    __slots__ = ("id", "score", "spans")

    def __init__(self, id: str, score: float, spans: SpanMap | None = None) -> None:
        self.id = id
        self.score = score
        self.spans: SpanMap = spans if spans is not None else {}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hit):
            return NotImplemented
        return (self.id, self.score, dict(self.spans)) == (other.id, other.score, dict(other.spans))

    def __hash__(self) -> int:
        return hash((self.id, self.score))

    def __repr__(self) -> str:
        return f"Hit(id={self.id!r}, score={self.score!r})"


NUMBER_TYPE = "I" if array("I").itemsize >= 4 else "L"
"""An array type code for paper numbers (unsigned, at least 32 bits)."""


class PaperIds(Sequence[str]):
    """Paper ids in order, held as paper numbers in an `array` plus the corpus's table of ids.

    A list of 100k ids (every match of a broad query, a whole view) is a container the cyclic
    garbage collector walks element by element in every collection it takes part in: while it
    is young, ten to twenty milliseconds per collection at 100k on these machines, on whichever
    thread allocates, the UI's included, many times per second of typing. An array of numbers
    holds no object references, so no collection ever looks inside it.

    `ids` is append-only (paper number -> id, removed papers included: numbers are never
    reused), so the sequence stays what it was when computed. `index` and `in` look the value's
    numbers up in it (a C-speed scan, as the scan of the order that follows).
    """

    __slots__ = ("_ids", "_order")

    def __init__(self, order: array[int], ids: Sequence[str]) -> None:
        self._order = order
        self._ids = ids

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> PaperIds: ...
    def __getitem__(self, index: int | slice) -> str | PaperIds:
        if isinstance(index, slice):
            return PaperIds(self._order[index], self._ids)
        return self._ids[self._order[index]]

    def __iter__(self) -> Iterator[str]:
        ids = self._ids
        return (ids[n] for n in self._order)

    def __contains__(self, value: object) -> bool:
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        stop = len(self._order) if stop is None else stop
        for number in self._numbers_of(value):
            try:
                return self._order.index(number, start, stop)
            except ValueError:
                continue
        raise ValueError(f"{value!r} is not among these papers")

    def _numbers_of(self, value: object) -> Iterator[int]:
        """The paper numbers `value` has had (more than one when it was removed and added
        again)."""
        if not isinstance(value, str):
            return
        ids, number = self._ids, -1
        while True:
            try:
                number = ids.index(value, number + 1)
            except ValueError:
                return
            yield number

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PaperIds) and other._ids is self._ids:
            return self._order == other._order
        return (
            isinstance(other, Sequence) and not isinstance(other, str) and list(self) == list(other)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PaperIds({len(self)} papers)"


def paper_ids(numbers: Iterable[int], ids: Sequence[str]) -> PaperIds:
    """`PaperIds` of paper `numbers` in this order (`ids`: `Corpus.ids`)."""
    return PaperIds(array(NUMBER_TYPE, numbers), ids)


class SearchResult:
    """The hits asked for (`limit`), in order, and how many papers matched in all (`total`)."""

    __slots__ = ("_all_ids", "_title_spans", "hits", "total")

    def __init__(
        self,
        hits: list[Hit],
        total: int,
        all_ids: Callable[[], Sequence[str]] | None = None,
        title_spans: Callable[[Iterable[str]], dict[str, list[tuple[int, int]]]] | None = None,
    ) -> None:
        self.hits = hits
        self.total = total
        self._all_ids = all_ids
        self._title_spans = title_spans

    def title_spans(self, ids: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
        """The title spans of these matches (of any paper, in fact) that have some, computed
        now, in the calling thread, with the highlighter of the hits (the same typo budgets):
        for the rows past `hits` that a list draws. A result made without a highlighter has
        none."""
        return {} if self._title_spans is None else self._title_spans(ids)

    @property
    def ids(self) -> list[str]:
        """The ids of `hits`."""
        return [hit.id for hit in self.hits]

    def all_ids(self) -> Sequence[str]:
        """Every matching id in order (a list view scrolling past `hits` wants these): the
        same matches `total` counted, ordered in full on demand (papers removed since are left
        out; the query is not evaluated again)."""
        if self._all_ids is None or len(self.hits) == self.total:
            return self.ids
        return self._all_ids()

    def __repr__(self) -> str:
        return f"SearchResult(total={self.total}, hits={len(self.hits)})"


Highlighter = Callable[[Paper, str], list[tuple[int, int]]]
"""(paper, field name) -> the sorted, merged spans of a query in that field."""
