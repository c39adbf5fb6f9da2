"""Evaluating one query over a corpus: `Evaluation` (which papers match, their scores, their
order, and a highlighter for their spans), written against `tui.query.corpus.CorpusView`, the
few things it reads of the library.

How it stays fast at 100k papers:

* every set of papers is a bitmap, so AND / OR / NOT and counting run in C;
* fuzzy words go through the word index (`tui.query.index`): a prefix is a vocabulary range whose
  result is cached, typo tolerance asks rapidfuzz about the *vocabulary* (never the papers) and
  only when the exact prefix finds almost nothing;
* relevance is computed as score classes (one bitmap per distinct score, see tui.query.text
  WEIGHTS), so ranking needs no per-paper Python work; only the hits returned are put in order,
  by date within a class;
* state terms (`is:`, `tag:`, `has:note`) walk `ctx.states`, which holds only touched papers;
  catalog terms (numbers, dates, categories) use the corpus's cached `Columns`.

A text field the index does not cover yet is searched through its `tui.query.scan.FieldScan`
(C-speed `bytes.find` over normalised text), which finds exactly the same papers with the same
match kinds; papers changed since the scan's snapshot are read one by one.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from tui.models import Paper
from tui.query import bitmaps, dates
from tui.query.corpus import CorpusView
from tui.query.index import FieldIndex
from tui.query.nodes import (
    And,
    Attr,
    DateRange,
    Has,
    Is,
    MatchAll,
    Node,
    Not,
    NumberRange,
    Or,
    Phrase,
    Query,
    Word,
)
from tui.query.results import Highlighter, QueryContext
from tui.query.scan import field_text
from tui.query.state_terms import state_bitmap
from tui.query.text import (
    PREFIX,
    TYPO,
    TYPO_MIN_EXACT,
    WEIGHTS,
    WHOLE,
    best_kind,
    merge_spans,
    phrase_spans,
    typo_budget,
    typo_length,
    typo_prefix_lengths,
    word_set,
    word_spans,
    words_of,
)

_LEAF_CACHE_SIZE = 256


class Evaluation:
    """One evaluation of one query against `corpus` (hold the corpus's lock while it runs):
    bitmaps per node, word levels, scores, order."""

    def __init__(self, corpus: CorpusView, ctx: QueryContext) -> None:
        self.corpus = corpus
        self.ctx = ctx
        self.size = corpus.size
        self.alive = corpus.alive
        self.index = corpus.index
        self.take = corpus.columns.take
        self._levels: dict[Word, list[tuple[int, int]]] = {}
        self.budgets: dict[Word, int] = {}

    # -- top level ----------------------------------------------------------------------------

    def match(self, query: Query) -> int:
        """The papers (a bitmap of numbers) that match `query` now."""
        return self.bitmap(query.root) & self.alive

    def execute(
        self, query: Query, limit: int | None, matched: int | None = None
    ) -> tuple[list[int], list[float], int]:
        """The first `limit` matches in the query's order (all when None), their scores and how
        many match. `matched`: the bitmap a previous `match` of the same query gave (the rest of
        a list's rows reuse it instead of evaluating the query again)."""
        matched = self.match(query) if matched is None else matched & self.alive
        total = matched.bit_count()
        words = query.words
        sort = query.effective_sort
        if sort == "relevance":
            classes = self.score_classes(words, matched)
            numbers: list[int] = []
            scores: list[float] = []
            for score, members in classes:
                want = None if limit is None else limit - len(numbers)
                if want is not None and want <= 0:
                    break
                taken = self.take(members, "date", False, want)
                numbers.extend(taken)
                scores.extend([float(score)] * len(taken))
            return numbers, scores, total
        numbers = self.take(matched, sort, query.reverse, limit)
        if not words or not numbers:
            return numbers, [0.0] * len(numbers), total
        classes = self.score_classes(words, matched)
        lookups = [(score, bitmaps.Membership(members, self.size)) for score, members in classes]
        scores = []
        for number in numbers:
            scores.append(next((float(s) for s, m in lookups if number in m), 0.0))
        return numbers, scores, total

    def score_classes(self, words: Sequence[Word], matched: int) -> list[tuple[int, int]]:
        """(score, papers with exactly that score) for the papers in `matched`, best first."""
        classes: dict[int, int] = {0: matched} if matched else {}
        for word in words:
            levels = self.levels(word)
            regrouped: dict[int, int] = {}
            for score, members in classes.items():
                rest = members
                for weight, level in levels:
                    part = members & level
                    if part:
                        key = score + weight
                        regrouped[key] = regrouped.get(key, 0) | part
                        rest = bitmaps.without(rest, part)
                if rest:
                    regrouped[score] = regrouped.get(score, 0) | rest
            classes = regrouped
        return sorted(classes.items(), reverse=True)

    def highlighter(self, query: Query) -> Highlighter:
        """A function giving the spans of `query` in a paper (typo budgets fixed now)."""
        words = [(word, self.budget(word)) for word in query.words]
        phrases = query.phrases

        def spans(paper: Paper, name: str) -> list[tuple[int, int]]:
            text = field_text(paper, name)
            found: list[tuple[int, int]] = []
            for word, budget in words:
                if name in word.fields:
                    found.extend(word_spans(text, word.text, budget))
            for phrase in phrases:
                if name in phrase.fields:
                    found.extend(phrase_spans(text, phrase.text))
            return merge_spans(found)

        return spans

    # -- node evaluation ----------------------------------------------------------------------

    def bitmap(self, node: Node) -> int:
        if isinstance(node, And):
            positives = [item for item in node.items if not isinstance(item, Not)]
            negatives = [item.item for item in node.items if isinstance(item, Not)]
            result = self.alive
            for item in positives:
                result &= self.bitmap(item)
                if not result:
                    return 0
            for item in negatives:
                result = bitmaps.without(result, self.bitmap(item))
            return result
        if isinstance(node, Or):
            result = 0
            for item in node.items:
                result |= self.bitmap(item)
            return result
        if isinstance(node, Not):
            return bitmaps.without(self.alive, self.bitmap(node.item))
        if isinstance(node, MatchAll):
            return self.alive
        if isinstance(node, Word):
            result = 0
            for _weight, level in self.levels(node):
                result |= level
            return result
        if isinstance(node, Phrase):
            return self._phrase(node)
        if isinstance(node, Attr):
            return self._attr(node)
        if isinstance(node, Is):
            return self._is(node.value)
        if isinstance(node, Has):
            return self._has(node.value)
        if isinstance(node, NumberRange):
            return self._cached_leaf(node, lambda: self._range(node.name, node.low, node.high))
        if isinstance(node, DateRange):
            bounds = dates.resolve(node.op, node.spec, self.ctx.today)
            return self._cached_leaf(
                (node.name, bounds), lambda: self._range(node.name, bounds.low, bounds.high, True)
            )
        raise TypeError(f"unknown query node {node!r}")  # pragma: no cover

    def _cached_leaf(self, key: Any, compute: Callable[[], int]) -> int:
        cache = self.corpus.leaf_cache
        found = cache.get(key)
        if found is None:
            if len(cache) >= _LEAF_CACHE_SIZE:
                cache.clear()
            found = cache[key] = compute()
        return found

    # -- fuzzy words ------------------------------------------------------------------------------

    def budget(self, word: Word) -> int:
        """The typo budget of `word` in this library (0 when its exact prefix finds enough)."""
        if word not in self.budgets:
            self.levels(word)
        return self.budgets[word]

    def levels(self, word: Word) -> list[tuple[int, int]]:
        """Disjoint (weight, papers) for the best way `word` matches each paper, best first."""
        found = self._levels.get(word)
        if found is not None:
            return found
        by_kind = self._kinds(word)
        ranked = sorted(
            ((WEIGHTS[(name, kind)], members) for (name, kind), members in by_kind.items()),
            key=lambda pair: -pair[0],
        )
        levels: list[tuple[int, int]] = []
        seen = 0
        for weight, members in ranked:
            part = bitmaps.without(members, seen)
            if part:
                if levels and levels[-1][0] == weight:
                    levels[-1] = (weight, levels[-1][1] | part)
                else:
                    levels.append((weight, part))
                seen |= members
        self._levels[word] = levels
        return levels

    def _kinds(self, word: Word) -> dict[tuple[str, str], int]:
        """(field, WHOLE / PREFIX / TYPO) -> papers, from the index where a field is indexed and
        from its scan where not; both give the same sets."""
        text = word.text
        kinds: dict[tuple[str, str], int] = {}
        exact = 0
        for name in word.fields:
            field_index = self._field_index(name)
            if field_index is not None:
                prefix = field_index.prefix_bitmap(text)
                whole = field_index.word_bitmap(text)
            else:
                prefix, whole = self._scan_word(name, text)
            kinds[(name, WHOLE)] = whole
            kinds[(name, PREFIX)] = prefix
            exact |= prefix
        budget = self._typo_budget(word, exact)
        if budget:
            for name in word.fields:
                field_index = self._field_index(name)
                if field_index is not None:
                    kinds[(name, TYPO)] = field_index.typo_bitmap(text, budget)
                else:
                    kinds[(name, TYPO)] = self._scan_typo(name, text, budget)
        return kinds

    def _field_index(self, name: str) -> FieldIndex | None:
        return self.index.fields.get(name) if self.index is not None else None

    def _typo_budget(self, word: Word, exact: int) -> int:
        budget = typo_budget(word.text)
        if budget and (exact & self.alive).bit_count() >= TYPO_MIN_EXACT:
            budget = 0
        self.budgets[word] = budget
        return budget

    def _scan_word(self, name: str, text: str) -> tuple[int, int]:
        """(papers with a word starting with `text`, papers with `text` as a word) in field
        `name`, by its scan; papers changed since the scan's snapshot are read one by one."""
        live = self.corpus.scan_now(name)
        prefixed, exact = live.scan.word_numbers(text)
        prefix = bitmaps.from_numbers(prefixed, self.size)
        whole = bitmaps.from_numbers(exact, self.size)
        changed = live.log.numbers
        if not changed:
            return prefix, whole
        stale = bitmaps.from_numbers(list(changed), self.size)
        prefixed, exact = [], []
        papers = self.corpus.papers
        for number in changed:
            paper = papers[number]
            if paper is None:
                continue
            kind = best_kind(text, word_set(field_text(paper, name)), 0)
            if kind is not None:
                prefixed.append(number)
                if kind == WHOLE:
                    exact.append(number)
        prefix = bitmaps.without(prefix, stale) | bitmaps.from_numbers(prefixed, self.size)
        whole = bitmaps.without(whole, stale) | bitmaps.from_numbers(exact, self.size)
        return prefix, whole

    def _scan_typo(self, name: str, text: str, budget: int) -> int:
        """Papers with a typo of `text` in field `name`, by its scan (the rule of
        FieldIndex.typo_bitmap: a word within `budget` edits, or a word whose first L-1, L or L+1
        characters are)."""
        live = self.corpus.scan_now(name)
        bucket = sorted(live.scan.words_starting_with(text[0]))
        whole = [
            choice
            for choice, _distance, _where in process.extract(
                text, bucket, scorer=Levenshtein.distance, score_cutoff=budget, limit=None
            )
        ]
        prefixes: set[str] = set()
        for size in typo_prefix_lengths(text):
            if size < 1:
                continue
            truncated = sorted({w[:size] for w in bucket if len(w) >= size})
            prefixes.update(
                choice
                for choice, _distance, _where in process.extract(
                    text, truncated, scorer=Levenshtein.distance, score_cutoff=budget, limit=None
                )
            )
        # Fewer needles, fewer passes: a prefix covers every longer prefix and word it starts.
        kept: list[str] = []
        for prefix in sorted(prefixes):
            if not kept or not prefix.startswith(kept[-1]):
                kept.append(prefix)
        covered = tuple(kept)
        words = [w for w in whole if not w.startswith(covered)] if covered else whole
        found = bitmaps.from_numbers(live.scan.whole_word_numbers(words, kept), self.size)
        changed = live.log.numbers
        if not changed:
            return found
        stale = bitmaps.from_numbers(list(changed), self.size)
        papers = self.corpus.papers
        typos = [
            number
            for number in changed
            if (paper := papers[number]) is not None
            and any(
                typo_length(text, candidate, budget)
                for candidate in word_set(field_text(paper, name))
            )
        ]
        return bitmaps.without(found, stale) | bitmaps.from_numbers(typos, self.size)

    # -- phrases ----------------------------------------------------------------------------------

    def _phrase(self, node: Phrase) -> int:
        result = 0
        for name in node.fields:
            result |= self._phrase_in_field(name, node.text)
        return result

    def _phrase_in_field(self, name: str, text: str) -> int:
        """Papers whose field `name`, lower-cased, contains `text`."""
        papers = self.corpus.papers
        field_index = self._field_index(name)
        if field_index is not None:
            candidates = self._phrase_candidates(field_index, text)
            return bitmaps.from_numbers(
                [
                    number
                    for number in bitmaps.to_numbers(candidates)
                    if (paper := papers[number]) is not None
                    and text in field_text(paper, name).lower()
                ],
                self.size,
            )
        live = self.corpus.scan_now(name)
        found = bitmaps.from_numbers(live.scan.phrase_numbers(text), self.size)
        changed = live.log.numbers
        if not changed:
            return found
        stale = bitmaps.from_numbers(list(changed), self.size)
        matching = [
            number
            for number in changed
            if (paper := papers[number]) is not None and text in field_text(paper, name).lower()
        ]
        return bitmaps.without(found, stale) | bitmaps.from_numbers(matching, self.size)

    def _phrase_candidates(self, field_index: FieldIndex, phrase: str) -> int:
        """Papers that may hold `phrase` in the field of `field_index`, narrowed with it."""
        parts = words_of(phrase)
        if not parts:
            return self.alive
        if len(parts) == 1:
            return field_index.substring_bitmap(parts[0])
        # Inner words are whole words; the last may be cut short; the first may be a word's tail.
        result = field_index.prefix_bitmap(parts[-1])
        for part in parts[1:-1]:
            result &= field_index.word_bitmap(part)
        return result

    # -- attributes and states --------------------------------------------------------------------

    def _state_numbers(self, kind: str, value: str = "") -> int:
        """Papers whose state says `kind` (see `tui.query.state_terms`), cached per version of
        the states when the context gives one (this runs on every keystroke of such a query)."""
        version = self.ctx.states_version
        if version is not None:
            key = (kind, value, version, id(self.ctx.states))
            cache = self.corpus.state_cache
            found = cache.get(key)
            if found is None:
                if len(cache) >= _LEAF_CACHE_SIZE:
                    cache.clear()
                found = cache[key] = state_bitmap(
                    self.ctx.states, self.corpus.numbers, self.size, kind, value
                )
            return found
        return state_bitmap(self.ctx.states, self.corpus.numbers, self.size, kind, value)

    def _attr(self, node: Attr) -> int:
        value = node.value
        if node.name == "tag":
            return self._state_numbers("tag", value)
        if node.name in ("cat", "source"):
            groups = self.corpus.columns.groups(node.name)
            result = 0
            for key, members in groups.items():
                if value in key:
                    result |= members
            return result

        def ids() -> int:
            return bitmaps.from_numbers(
                (
                    n
                    for n, p in enumerate(self.corpus.papers)
                    if p is not None
                    and (value in p.id.lower() or (p.arxiv_id and value in p.arxiv_id.lower()))
                ),
                self.size,
            )

        return self._cached_leaf(("id", value), ids)

    def _is(self, value: str) -> int:
        if value == "starred":
            return self._state_numbers("starred")
        if value == "inbox":
            return bitmaps.without(self.alive, self._state_numbers("not-inbox"))
        if value in ("later", "done", "skipped"):
            return self._state_numbers("status", value)
        if value == "unread":
            return bitmaps.without(self.alive, self._state_numbers("read"))
        # new
        since = self.ctx.new_since
        if since is None:
            return self.alive
        values, numbers, _having = self.corpus.columns.column("first_seen")
        return bitmaps.from_numbers(numbers[bisect_left(values, since) :], self.size)

    def _has(self, value: str) -> int:
        if value in ("note", "tags"):
            return self._state_numbers(value)
        return self.corpus.columns.flag(value)

    def _range(self, name: str, low: Any, high: Any, half_open: bool = False) -> int:
        """Papers whose `name` lies in [low, high] ([low, high) when half_open); None = open."""
        values, numbers, having = self.corpus.columns.column(name)
        start = 0 if low is None else bisect_left(values, low)
        if high is None:
            end = len(values)
        else:
            end = bisect_left(values, high) if half_open else bisect_right(values, high)
        if end <= start:
            return 0
        if end - start > len(values) // 2:
            # Cheaper to build the papers outside the range and take them away.
            outside = numbers[:start] + numbers[end:]
            return bitmaps.without(having, bitmaps.from_numbers(outside, self.size))
        return bitmaps.from_numbers(numbers[start:end], self.size)
