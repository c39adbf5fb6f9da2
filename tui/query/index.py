"""The word index behind fast fuzzy search: per text field, every distinct word -> the papers
holding it, a sorted vocabulary for prefix ranges, and caches of prefix results.

Built once per field from a `tui.query.scan.FieldScan` of the library (`FieldIndex.from_scan`;
the searcher builds titles and authors first, abstracts second), then kept current paper by paper
(`FieldIndex.apply`) - never rebuilt for a change. Paper numbers are the searcher's small ints;
sets of papers are bitmaps (see `tui.query.bitmaps`).

Postings: a word found in many papers keeps a bitmap (cheap to OR), a rarer one an `array` of
paper numbers (4 bytes each, half a list's pointers and no spare room: the abstracts' postings are
millions of numbers at 100k papers); the switch is at 1/64 of the library, where both cost about
the same bytes. Prefixes of one and two characters are precomputed at build time because they cover the
most words; longer ones are computed on first use and cached, and every cache is updated in place
when a paper changes, so typing never waits for a recomputation after a sync.
"""

from __future__ import annotations

import itertools
from array import array
from bisect import bisect_left, insort
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, repeat

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from tui.models import Paper
from tui.query import bitmaps
from tui.query.nodes import TEXT_FIELDS
from tui.query.scan import FieldScan, field_text
from tui.query.text import typo_prefix_lengths, word_set

__all__ = ["FieldIndex", "WordIndex", "field_text"]

_PRECOMPUTED_PREFIX = 2
_MAX_CACHED_PREFIXES = 4096
_HIGHEST = "\U0010ffff"
_NUMBER = "I"
"""The array type code of a posting: an unsigned 32-bit paper number."""
_PAPERS_PER_STEP = 16
"""Papers tokenised per C-level step of a build: a step holds the GIL about a millisecond."""
_PAPERS_PER_BATCH = 4096
"""Papers whose postings a build gathers in lists before moving them onto arrays."""


class FieldIndex:
    """Word -> papers for one text field, with prefix and typo lookups."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.vocab: list[str] = []
        self.lists: dict[str, array[int]] = {}
        self.bits: dict[str, int] = {}
        self.prefixes: dict[str, int] = {}
        self._truncations: dict[tuple[str, int], list[str]] = {}
        self.size = 0

    # -- lookups --------------------------------------------------------------------------------

    def word_bitmap(self, word: str) -> int:
        """Papers holding exactly `word`."""
        found = self.bits.get(word)
        if found is not None:
            return found
        numbers = self.lists.get(word)
        return bitmaps.from_numbers(numbers, self.size) if numbers else 0

    def prefix_bitmap(self, prefix: str) -> int:
        """Papers holding a word that starts with `prefix`."""
        cached = self.prefixes.get(prefix)
        if cached is not None:
            return cached
        low = bisect_left(self.vocab, prefix)
        high = bisect_left(self.vocab, prefix + _HIGHEST, low)
        result = self._union(self.vocab[low:high])
        if len(self.prefixes) >= _MAX_CACHED_PREFIXES:
            self._trim_prefix_cache()
        self.prefixes[prefix] = result
        return result

    def typo_bitmap(self, word: str, budget: int) -> int:
        """Papers holding a typo of `word` (see tui.query.text for the rule)."""
        first = word[0]
        low = bisect_left(self.vocab, first)
        high = bisect_left(self.vocab, first + _HIGHEST, low)
        if low == high:
            return 0
        bucket = self.vocab[low:high]
        result = 0
        for choice, _distance, _where in process.extract(
            word, bucket, scorer=Levenshtein.distance, score_cutoff=budget, limit=None
        ):
            result |= self.word_bitmap(choice)
        for size in typo_prefix_lengths(word):
            if size < 1:
                continue
            for choice, _distance, _where in process.extract(
                word,
                self._truncated(first, size, bucket),
                scorer=Levenshtein.distance,
                score_cutoff=budget,
                limit=None,
            ):
                result |= self.prefix_bitmap(choice)
        return result

    def substring_bitmap(self, fragment: str) -> int:
        """Papers holding a word that contains `fragment` anywhere (a scan of the vocabulary)."""
        return self._union([w for w in self.vocab if fragment in w])

    # -- maintenance ----------------------------------------------------------------------------

    def apply(self, changes: Sequence[tuple[int, set[str], set[str]]]) -> None:
        """Papers changed: each (number, words before, words now) in this field.

        Batched so that a sync touching many papers ORs each bitmap once, not once per paper.
        """
        bit_adds: dict[str, list[int]] = {}
        bit_removes: dict[str, list[int]] = {}
        prefix_adds: dict[str, list[int]] = {}
        prefix_removes: dict[str, list[int]] = {}
        emptied: list[str] = []
        fresh: list[str] = []
        cached = self.prefixes
        for number, old_words, new_words in changes:
            self.size = max(self.size, number + 1)
            gone = old_words - new_words
            added = new_words - old_words
            for word in added:
                if word in self.bits:
                    bit_adds.setdefault(word, []).append(number)
                elif word in self.lists:
                    self.lists[word].append(number)
                else:
                    self.lists[word] = array(_NUMBER, (number,))
                    fresh.append(word)
                for end in range(1, len(word) + 1):
                    if word[:end] in cached:
                        prefix_adds.setdefault(word[:end], []).append(number)
            kept_prefixes: set[str] | None = None
            for word in gone:
                if word in self.bits:
                    bit_removes.setdefault(word, []).append(number)
                else:
                    posting = self.lists.get(word)
                    if posting is not None and number in posting:
                        posting.remove(number)
                        if not posting:
                            del self.lists[word]
                            emptied.append(word)
                for end in range(1, len(word) + 1):
                    prefix = word[:end]
                    if prefix in cached:
                        if kept_prefixes is None:
                            kept_prefixes = _prefixes(new_words)
                        if prefix not in kept_prefixes:
                            prefix_removes.setdefault(prefix, []).append(number)
        size = self.size
        for word, numbers in bit_removes.items():
            remaining = bitmaps.without(self.bits[word], bitmaps.from_numbers(numbers, size))
            if remaining:
                self.bits[word] = remaining
            else:
                del self.bits[word]
                emptied.append(word)
        for word, numbers in bit_adds.items():
            self.bits[word] |= bitmaps.from_numbers(numbers, size)
        for prefix, numbers in prefix_removes.items():
            cached[prefix] = bitmaps.without(cached[prefix], bitmaps.from_numbers(numbers, size))
        for prefix, numbers in prefix_adds.items():
            cached[prefix] |= bitmaps.from_numbers(numbers, size)
        for word in emptied:
            where = bisect_left(self.vocab, word)
            if where < len(self.vocab) and self.vocab[where] == word:
                del self.vocab[where]
        if len(fresh) > 64:
            self.vocab.extend(fresh)
            self.vocab.sort()
        else:
            for word in fresh:
                insort(self.vocab, word)
        if fresh or emptied:
            firsts = {word[0] for word in itertools.chain(fresh, emptied)}
            for key in [key for key in self._truncations if key[0] in firsts]:
                del self._truncations[key]

    # -- internals ------------------------------------------------------------------------------

    def _union(self, words: Iterable[str]) -> int:
        result = 0
        rare: list[array[int]] = []
        bits, lists = self.bits, self.lists
        for word in words:
            found = bits.get(word)
            if found is not None:
                result |= found
            else:
                rare.append(lists[word])
        if rare:
            # A list lets from_numbers take its C-speed path when there are many numbers.
            numbers = list(itertools.chain.from_iterable(rare))
            result |= bitmaps.from_numbers(numbers, self.size)
        return result

    def _truncated(self, first: str, size: int, bucket: list[str]) -> list[str]:
        key = (first, size)
        found = self._truncations.get(key)
        if found is None:
            found = self._truncations[key] = sorted({w[:size] for w in bucket if len(w) >= size})
        return found

    def forget_learned(self) -> None:
        """Forget what searches taught this index (long prefixes, typo tables), keeping what
        the build made (words, short prefixes): the state a fresh session starts in."""
        for prefix in [p for p in self.prefixes if len(p) > _PRECOMPUTED_PREFIX]:
            del self.prefixes[prefix]
        self._truncations.clear()

    def _trim_prefix_cache(self) -> None:
        # Keep the precomputed short prefixes; drop the oldest half of the rest.
        longer = [p for p in self.prefixes if len(p) > _PRECOMPUTED_PREFIX]
        for prefix in longer[: len(longer) // 2 + 1]:
            del self.prefixes[prefix]

    @classmethod
    def from_scan(
        cls,
        scan: FieldScan,
        pause: Callable[[], None] | None = None,
        *,
        optimise: bool = True,
    ) -> FieldIndex:
        """Index every paper of `scan`; `pause()` runs every few hundred papers.

        With `optimise=False` the result answers every lookup but keeps all postings as arrays and
        has no precomputed prefixes yet: the caller runs `optimising()` later, step by step.
        """
        # A batch's numbers are gathered in lists (8 bytes a number, plus spare room) and then
        # moved onto each word's array (4 bytes): lists for the whole field at once were the
        # build's peak, about 100 MB over the finished index for abstracts at 100k papers.
        arrays: dict[bytes, array[int]] = {}
        postings: defaultdict[bytes, list[int]] = defaultdict(list)
        posting_of = postings.__getitem__
        append = list.append
        batch_end = _PAPERS_PER_BATCH
        for base, all_segments in scan.segments():
            for offset in range(0, len(all_segments), _PAPERS_PER_STEP):
                segments = all_segments[offset : offset + _PAPERS_PER_STEP]
                first = base + offset
                word_sets = list(map(set, map(bytes.split, segments)))
                numbers = chain.from_iterable(
                    map(repeat, range(first, first + len(segments)), map(len, word_sets))
                )
                # The inner loop of the whole build (millions of word-paper pairs at 100k): one
                # C-level map appends each paper number to its words' lists, no Python per pair.
                # It never lets another thread in, hence the few papers per step.
                deque(
                    map(append, map(posting_of, chain.from_iterable(word_sets)), numbers), maxlen=0
                )
                if pause is not None:
                    pause()
            if base + len(all_segments) >= batch_end:
                _move_postings(postings, arrays, pause)
                batch_end = base + len(all_segments) + _PAPERS_PER_BATCH
        _move_postings(postings, arrays, pause)
        del postings
        index = cls(scan.name)
        index.size = scan.size
        lists = index.lists
        pop = arrays.popitem
        while arrays:
            word, found = pop()
            lists[word.decode()] = found
        index.vocab = _sorted_words(index.lists)
        if optimise:
            for _step in index.optimising():
                if pause is not None:
                    pause()
        return index

    def optimising(self) -> Iterator[None]:
        """Give frequent words a bitmap and precompute the one- and two-character prefixes, one
        small step per iteration. Safe to interleave with `apply` and lookups between steps
        (each step reads the index as it is then), so a published index can be optimised under
        the searcher's lock a step at a time."""
        threshold = max(64, self.size // 64)
        frequent = [word for word, numbers in self.lists.items() if len(numbers) >= threshold]
        yield
        for count, word in enumerate(frequent, 1):
            numbers = self.lists.get(word)
            if numbers is not None and len(numbers) >= threshold:
                del self.lists[word]
                self.bits[word] = bitmaps.from_numbers(numbers.tolist(), self.size)
            if count % 16 == 0:
                yield
        for first in sorted({word[0] for word in self.vocab}):
            low = bisect_left(self.vocab, first)
            high = bisect_left(self.vocab, first + _HIGHEST, low)
            whole = 0
            for prefix, group in itertools.groupby(
                self.vocab[low:high], key=lambda w: w[:_PRECOMPUTED_PREFIX]
            ):
                bitmap = self._union(group)
                if len(prefix) == _PRECOMPUTED_PREFIX:
                    self.prefixes[prefix] = bitmap
                whole |= bitmap
            self.prefixes[first] = whole
            yield


def _move_postings(
    postings: dict[bytes, list[int]],
    arrays: dict[bytes, array[int]],
    pause: Callable[[], None] | None,
) -> None:
    """Append each word's numbers in `postings` to its array in `arrays`, and empty `postings`
    (numbers stay ascending: batches come in paper order)."""
    for count, (word, found) in enumerate(postings.items(), 1):
        target = arrays.get(word)
        if target is None:
            arrays[word] = array(_NUMBER, found)
        else:
            target.fromlist(found)
        if pause is not None and count % 1024 == 0:
            pause()
    postings.clear()


def _sorted_words(words: Iterable[str]) -> list[str]:
    """`sorted(words)`, by first character and then within each: one sort of a big vocabulary is
    a single C call that would keep every other thread waiting for tens of milliseconds."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word)
    out: list[str] = []
    for first in sorted(by_first):
        out += sorted(by_first[first])
    return out


def _prefixes(words: Iterable[str]) -> set[str]:
    return {word[:end] for word in words for end in range(1, len(word) + 1)}


@dataclass
class WordIndex:
    """One FieldIndex per text field."""

    fields: dict[str, FieldIndex]

    @classmethod
    def build(cls, papers: Sequence[Paper | None], names: Sequence[str] = TEXT_FIELDS) -> WordIndex:
        """Index fields `names` of every paper; `papers[n]` is paper number n (None = free)."""
        return cls({name: FieldIndex.from_scan(FieldScan(name, papers)) for name in names})

    def apply(self, changes: Sequence[tuple[int, Paper | None, Paper | None]]) -> None:
        """Papers changed: each (number, paper before, paper now); None = absent (added/removed)."""
        per_field: dict[str, list[tuple[int, set[str], set[str]]]] = {n: [] for n in self.fields}
        for number, old, new in changes:
            for name, changes_of_field in per_field.items():
                old_text = field_text(old, name) if old is not None else ""
                new_text = field_text(new, name) if new is not None else ""
                if old_text != new_text or old is None or new is None:
                    changes_of_field.append((number, word_set(old_text), word_set(new_text)))
        for name, index in self.fields.items():
            if per_field[name]:
                index.apply(per_field[name])
        self.grow(max((number + 1 for number, _old, _new in changes), default=0))

    def grow(self, size: int) -> None:
        """Room for paper numbers below `size` (bitmap builders size their buffers from it)."""
        for index in self.fields.values():
            index.size = max(index.size, size)
