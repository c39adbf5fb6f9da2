"""Sorted columns and orders of a library: `Columns`, the per-library data a search sorts and
filters on, cached until a paper changes.

* orders: paper numbers newest first (ties by id), by upvotes (ties newest first) or by title,
  with each number's rank, so a result of any size is put in order by walking its bitmap;
* a one-shot search (no order at hand) picks its first page without sorting the library: one
  pass over the matches costs far less than sorting 100k papers;
* columns: the sorted values of a catalog attribute (upvotes, stars, dates...) with their paper
  numbers, so a range term is two bisects; groups (categories, sources) and flags (has code,
  summary, pdf) as bitmaps.

Sorting goes through `bucketed`, never one long C sort, so a build warming these in a thread
does not hold the interpreter for tens of milliseconds at a time.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import compress
from operator import attrgetter
from typing import Any

from tui.models import Paper
from tui.query import bitmaps


def day(paper: Paper) -> str:
    """The date a paper sorts on (newest first): `Paper.date` (listing day, else arXiv date)."""
    return (paper.listed_on or paper.published or paper.announced or "")[:10]


def votes(paper: Paper) -> int:
    return paper.upvotes or 0


def title(paper: Paper) -> str:
    return paper.title.casefold()


def sort_key(key: str) -> Callable[[Paper], Any]:
    """The first criterion of each order: `title`, `upvotes`, else the date."""
    if key == "title":
        return title
    return votes if key == "upvotes" else day


def bucketed(
    numbers: Iterable[int],
    key: Callable[[int], Any],
    *,
    reverse: bool = False,
    then: Callable[[int], Any] | None = None,
) -> list[int]:
    """`numbers` sorted by `key` (stable; ties sorted by `then` when given).

    Groups by key in a Python loop, then sorts the distinct keys and each group: the same result
    as one `sort`, but never a single long C call - a 100k-item sort keeps every other thread
    (the UI's) waiting for tens of milliseconds - and quicker when keys repeat, as dates and
    votes do.
    """
    groups: dict[Any, list[int]] = {}
    for number in numbers:
        found = groups.get(key(number))
        if found is None:
            groups[key(number)] = [number]
        else:
            found.append(number)
    out: list[int] = []
    for value in sorted(groups, reverse=reverse):
        group = groups[value]
        if then is not None:
            group.sort(key=then)
        out += group
    return out


COLUMN_GETTERS: dict[str, Callable[[Paper], Any]] = {
    "upvotes": lambda p: p.upvotes,
    "stars": lambda p: p.github_stars,
    "comments": lambda p: p.comments,
    "date": lambda p: p.date[:10] if p.date else None,
    "listed": lambda p: p.listed_on[:10] if p.listed_on else None,
    "first_seen": lambda p: p.first_seen,
}
FLAG_TESTS: dict[str, Callable[[Paper], bool]] = {
    "code": lambda p: bool(p.github_repo),
    "summary": lambda p: bool(p.ai_summary),
    "pdf": lambda p: p.pdf_url is not None,
}


class Columns:
    """Orders, columns, groups and flags of the papers in `papers` (a paper's number is its
    position; None where one was removed), each computed on first use and kept until `reset`.

    `papers` is the corpus's own list, read in place; the owner calls `reset(alive)` whenever a
    paper changes (and with the lock held that guards the list while any method runs).
    """

    __slots__ = ("_caches", "alive", "papers")

    def __init__(self, papers: Sequence[Paper | None], alive: int = 0) -> None:
        self.papers = papers
        self.alive = alive
        self._caches: dict[Any, Any] = {}

    def reset(self, alive: int) -> None:
        """Papers changed (`alive`: the bitmap of the numbers in use now): forget everything."""
        self.alive = alive
        self._caches.clear()

    @property
    def size(self) -> int:
        return len(self.papers)

    def ints(self) -> list[int]:
        """0, 1, ... up to the size, as one list of int objects that every order, rank and
        column takes its numbers from: each list then costs a pointer a paper, not a pointer
        and a 28-byte int of its own (above 256 Python makes a new int object for every
        `range` step: 2.8 MB a list at 100k papers, and the cached ones are a dozen lists)."""
        found: list[int] = self._cached("ints", lambda: list(range(len(self.papers))))
        return found

    def _cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        found = self._caches.get(key)
        if found is None:
            found = self._caches[key] = compute()
        return found

    def take(self, bitmap: int, key: str, reverse: bool, want: int | None) -> list[int]:
        """The first `want` papers of `bitmap` (all when None) in the order `key` sorts them."""
        cached = self._caches.get(("order", key, reverse))
        if cached is None and want is not None and not reverse:
            # No order at hand (a one-shot search): picking a few papers costs one pass over
            # the matches, sorting the whole library costs far more.
            return self._first_in_order(bitmaps.to_numbers(bitmap), key, want)
        order, rank = self.order(key, reverse)
        return bitmaps.take_in_order(bitmap, order, rank, self.size, want)

    def _first_in_order(self, members: list[int], key: str, want: int) -> list[int]:
        """The `want` first of `members` in the order `order(key, False)` gives, without it."""
        if want <= 0:
            return []
        papers: Sequence[Paper] = self.papers  # type: ignore[assignment]  # members are alive
        days = self.days().__getitem__
        primary: Callable[[int], Any]
        if key in ("title", "upvotes"):
            key_of = sort_key(key)
            primary = {n: key_of(papers[n]) for n in members}.__getitem__
        else:
            primary = days
        edge: Any
        if len(members) > 4 * want:
            # Only papers at least as good on the first criterion as the want-th best can make
            # it; the ties at that edge are all kept for the finer criteria to sort out.
            if key == "title":
                edge = primary(heapq.nsmallest(want, members, key=primary)[-1])
                members = [n for n in members if primary(n) <= edge]
            else:
                edge = primary(heapq.nlargest(want, members, key=primary)[-1])
                members = [n for n in members if primary(n) >= edge]
        # The stable sorts of `_sorted_numbers` / `order`, last criterion first.
        ids: list[str] | None = self._caches.get("ids")
        members.sort(key=ids.__getitem__ if ids is not None else lambda n: papers[n].id)
        if key == "title":
            members.sort(key=primary)
            return members[:want]
        members.sort(key=days, reverse=True)
        if key == "upvotes":
            members.sort(key=primary, reverse=True)
        return members[:want]

    def order(self, key: str, reverse: bool) -> tuple[list[int], list[int]]:
        """Paper numbers in the order `key` sorts them, and each number's rank in it."""

        def compute() -> tuple[list[int], list[int]]:
            if reverse:
                forward, _rank = self.order(key, False)
                order = forward[::-1]
            elif key == "upvotes":
                # Most upvoted first, ties newest first: the date order bucketed by votes.
                by_date, _rank = self.order("date", False)
                counts = [votes(p) if p is not None else 0 for p in self.papers]
                order = bucketed(by_date, counts.__getitem__, reverse=True)
            else:
                order = self._sorted_numbers(key)
            rank = [0] * len(self.papers)
            set_rank = rank.__setitem__
            ints = self.ints()
            for start in range(0, len(order), 8192):
                part = order[start : start + 8192]
                deque(map(set_rank, part, ints[start : start + len(part)]), maxlen=0)
            return order, rank

        result: tuple[list[int], list[int]] = self._cached(("order", key, reverse), compute)
        return result

    def _sorted_numbers(self, key: str) -> list[int]:
        # Sort on precomputed key lists (no per-comparison attribute access): newest first, ties
        # by id, via stable sorts from the last criterion to the first.
        papers = self.papers
        if self.alive.bit_count() == len(papers):
            live = list(self.ints())
            ids = list(map(attrgetter("id"), papers))
        else:
            live = [n for n, p in enumerate(papers) if p is not None]
            ids = [p.id if p is not None else "" for p in papers]
        if key == "title":
            live.sort(key=ids.__getitem__)
            titles = [title(p) if p is not None else "" for p in papers]
            live.sort(key=titles.__getitem__)
            return live
        return bucketed(live, self.days().__getitem__, reverse=True, then=ids.__getitem__)

    def days(self) -> list[str]:
        """Each paper's `day` ("" for a free slot), by paper number: what the date order and a
        one-shot search's first page sort on."""

        def compute() -> list[str]:
            return [day(p) if p is not None else "" for p in self.papers]

        found: list[str] = self._cached("days", compute)
        return found

    def seed(
        self, *, ids: list[str], days: list[str], upvotes: list[int | None] | None = None
    ) -> None:
        """Take each paper's id, `day` and upvotes (by number) as known, so the date order's
        first page and `date:` / `upvotes:` terms read no paper (a corpus over papers decoded
        on demand); `reset` forgets them."""
        sizes = [len(ids), len(days), len(self.papers if upvotes is None else upvotes)]
        if any(size != len(self.papers) for size in sizes):
            raise ValueError("one value per paper")
        self._caches["ids"] = ids
        self._caches["days"] = days
        if upvotes is not None:
            self._caches[("seeded", "upvotes")] = upvotes

    def column(self, name: str) -> tuple[list[Any], list[int], int]:
        """Sorted (values, paper numbers) of a catalog attribute, and the bitmap of papers having
        it, for range lookups by bisect."""

        def compute() -> tuple[list[Any], list[int], int]:
            column: list[Any] | None = self._caches.get(("seeded", name))
            if column is None and name == "date":  # `day` is the date, "" where there is none
                column = [value or None for value in self.days()]
            elif column is None:
                getter = COLUMN_GETTERS[name]
                column = [getter(p) if p is not None else None for p in self.papers]
            numbers = list(compress(self.ints(), [value is not None for value in column]))
            numbers = bucketed(numbers, column.__getitem__)
            values = [column[n] for n in numbers]
            return values, numbers, bitmaps.from_numbers(numbers, self.size)

        result: tuple[list[Any], list[int], int] = self._cached(("column", name), compute)
        return result

    def groups(self, name: str) -> dict[str, int]:
        """Distinct lower-cased categories / sources -> bitmap of papers having them."""

        def compute() -> dict[str, int]:
            members: dict[str, list[int]] = {}
            for n, p in enumerate(self.papers):
                if p is None:
                    continue
                values = p.categories if name == "cat" else p.sources
                for value in {v.lower() for v in values}:
                    members.setdefault(value, []).append(n)
            return {v: bitmaps.from_numbers(ns, self.size) for v, ns in members.items()}

        result: dict[str, int] = self._cached(("groups", name), compute)
        return result

    def flag(self, name: str) -> int:
        """Papers with a catalog flag: code (a GitHub repo), summary (an AI summary), pdf."""

        def compute() -> int:
            test = FLAG_TESTS[name]
            return bitmaps.from_numbers(
                (n for n, p in enumerate(self.papers) if p is not None and test(p)), self.size
            )

        result: int = self._cached(("flag", name), compute)
        return result
