"""How text is cut into words and how a query word matches a paper's word.

One definition shared by the index, the linear fallback and highlighting, so the three always
agree:

* a word is a run of letters and digits (`[^\\W_]+`) of the lower-cased text, so "Self-Refine"
  holds "self" and "refine";
* a query word matches a paper word **exactly** when the paper word starts with it (typing
  "diffu" finds "diffusion") and **as a typo** when typo tolerance is on for that query word
  (4+ characters and the exact prefix found fewer than `TYPO_MIN_EXACT` papers in the whole
  library), the paper word has the same first letter, and the query word is within `typo_budget`
  edits (rapidfuzz Levenshtein) of the whole paper word or of its first L-1, L or L+1 characters
  (L = length of the query word). So "difusion" finds "diffusion".

Relevance: each query word scores the best place it matched in a paper - whole word beats a
prefix beats a typo, and title beats authors beats abstract (`WEIGHTS`); a paper's score is the
sum over the query's words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

WORD_RE = re.compile(r"[^\W_]+")

TYPO_MIN_EXACT = 5
"""Typo tolerance switches on for a query word whose exact prefix matches fewer papers than this."""

WHOLE, PREFIX, TYPO = "whole", "prefix", "typo"

WEIGHTS: dict[tuple[str, str], int] = {
    ("title", WHOLE): 12,
    ("title", PREFIX): 10,
    ("title", TYPO): 6,
    ("authors", WHOLE): 8,
    ("authors", PREFIX): 6,
    ("authors", TYPO): 3,
    ("abstract", WHOLE): 3,
    ("abstract", PREFIX): 2,
    ("abstract", TYPO): 1,
}
"""Score of a query word by where and how it matched (title > authors > abstract)."""


def words_of(text: str) -> list[str]:
    """The words of `text`, lower case, in order (duplicates kept)."""
    return WORD_RE.findall(text.lower())


_SPLIT_TABLE = bytes(
    byte if (48 <= byte <= 57 or 97 <= byte <= 122 or byte >= 128) else 32 for byte in range(256)
)


def word_set(text: str, cache: dict[str, tuple[str, ...]] | None = None) -> set[str]:
    """The distinct words of `text`; same result as `set(words_of(text))`, faster on ASCII.

    `cache` (raw whitespace-separated chunk -> its words) speeds up bulk indexing, where the
    same chunks ("model,", "(LLMs)") recur in thousands of abstracts.
    """
    lowered = text.lower()
    if lowered.isascii():
        return set(lowered.encode().translate(_SPLIT_TABLE).decode().split())
    if cache is None:
        return set(WORD_RE.findall(lowered))
    out: set[str] = set()
    for chunk in set(lowered.split()):
        found = cache.get(chunk)
        if found is None:
            found = cache[chunk] = tuple(WORD_RE.findall(chunk))
        out.update(found)
    return out


def typo_budget(word: str) -> int:
    """Edits a typo may be away from `word`: none below 4 characters, 1 up to 7, then 2."""
    if len(word) < 4:
        return 0
    return 1 if len(word) <= 7 else 2


def typo_prefix_lengths(word: str) -> tuple[int, int, int]:
    """The paper-word prefix lengths a typo of `word` is compared against."""
    size = len(word)
    return (size - 1, size, size + 1)


def typo_length(query: str, candidate: str, budget: int) -> int:
    """How much of `candidate` a typo of `query` covers (0 when it is not a typo of it)."""
    if not candidate or candidate[0] != query[0]:
        return 0
    best_size, best_distance = 0, budget + 1
    for size in (*typo_prefix_lengths(query), len(candidate)):
        if 0 < size <= len(candidate):
            distance = Levenshtein.distance(query, candidate[:size], score_cutoff=budget)
            # Prefer the closest cut; on a tie the longer one, so a highlight covers the word.
            if distance < best_distance or (distance == best_distance and size > best_size):
                best_size, best_distance = size, distance
    return best_size if best_distance <= budget else 0


def word_kind(query: str, candidate: str, typo_budget_: int) -> str | None:
    """How paper word `candidate` matches query word `query`: WHOLE, PREFIX, TYPO or None."""
    if candidate.startswith(query):
        return WHOLE if len(candidate) == len(query) else PREFIX
    if typo_budget_ and typo_length(query, candidate, typo_budget_):
        return TYPO
    return None


def best_kind(query: str, words: Iterable[str], typo_budget_: int) -> str | None:
    """The best way any of `words` matches `query` (WHOLE > PREFIX > TYPO), or None."""
    best: str | None = None
    for candidate in words:
        kind = word_kind(query, candidate, typo_budget_)
        if kind == WHOLE:
            return WHOLE
        if kind == PREFIX or (kind == TYPO and best is None):
            best = kind
    return best


@lru_cache(maxsize=256)
def _word_start(query: str) -> re.Pattern[str]:
    """Occurrences of `query` at the start of a word (not preceded by a letter or digit)."""
    return re.compile(r"(?<![^\W_])" + re.escape(query))


def word_spans(text: str, query: str, typo_budget_: int) -> list[tuple[int, int]]:
    """Character spans in `text` of the words `query` matches: the typed prefix, or for a typo
    the part of the word it covers."""
    lowered = text.lower()
    # lower() can change the length of a few exotic characters; then match word by word on the
    # original so offsets stay true.
    source = lowered if len(lowered) == len(text) else text
    if not typo_budget_ and source is lowered:
        size = len(query)
        return [(m.start(), m.start() + size) for m in _word_start(query).finditer(lowered)]
    spans: list[tuple[int, int]] = []
    for match in WORD_RE.finditer(source):
        candidate = match.group().lower()
        start = match.start()
        if candidate.startswith(query):
            spans.append((start, start + len(query)))
        elif typo_budget_:
            covered = typo_length(query, candidate, typo_budget_)
            if covered:
                spans.append((start, start + min(covered, len(candidate))))
    return spans


def phrase_spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Every case-insensitive occurrence of `phrase` in `text`."""
    lowered = text.lower()
    if len(lowered) != len(text) or not phrase:
        return [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), text, re.IGNORECASE)]
    spans: list[tuple[int, int]] = []
    start = lowered.find(phrase)
    while start >= 0:
        spans.append((start, start + len(phrase)))
        start = lowered.find(phrase, start + 1)
    return spans


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, with overlapping or touching spans joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def normalise_phrase(text: str) -> str:
    """A phrase as it is searched: lower case, whitespace collapsed."""
    return " ".join(text.lower().split())
