"""Which of the user's papers teach which interest: the training sets of the ranking models.

* For you: positives are papers starred, on the reading list (later) or done; negatives are the
  papers skipped (a starred paper is a positive whatever its status).
* A tag: positives are the papers carrying it; negatives are skipped papers without it plus a
  random sample of the rest of the library (arxiv-sanity's recipe: "everything else"), which a
  model needs when the user never skips.
* Like these papers: the papers themselves, no negatives.

Each set is capped at MAX_PER_CLASS papers, the most recently decided first: what a user kept
last month says more than what they kept two years ago, and the cap bounds training time.
Plain Python.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tui.models import State

MAX_PER_CLASS = 300
SAMPLE = 200
"""Unlabelled papers drawn as weak negatives for a tag (or for-you with no skips)."""

POSITIVE_STATUSES = ("later", "done")


@dataclass(frozen=True, slots=True)
class TrainingSet:
    """Paper ids: positives, negatives, and unlabelled papers standing in for negatives."""

    positives: tuple[str, ...]
    negatives: tuple[str, ...]
    sampled: tuple[str, ...] = ()


def _recent(ids: list[str], states: Mapping[str, State]) -> tuple[str, ...]:
    def decided(pid: str) -> float:
        times = states[pid].times
        return max(times.values()) if times else 0.0

    ids.sort(key=decided, reverse=True)
    return tuple(ids[:MAX_PER_CLASS])


def for_you(states: Mapping[str, State]) -> TrainingSet:
    """Keeps (star, later, done) against skips."""
    positives: list[str] = []
    negatives: list[str] = []
    for pid, st in states.items():
        if st.starred or st.status in POSITIVE_STATUSES:
            positives.append(pid)
        elif st.status == "skipped":
            negatives.append(pid)
    return TrainingSet(_recent(positives, states), _recent(negatives, states))


def for_tag(tag: str, states: Mapping[str, State]) -> TrainingSet:
    """The tag's papers against skips without it (the sample is drawn by the engine)."""
    positives = [pid for pid, st in states.items() if tag in st.tags]
    negatives = [pid for pid, st in states.items() if st.status == "skipped" and tag not in st.tags]
    return TrainingSet(_recent(positives, states), _recent(negatives, states))


def sample(
    candidates: Sequence[str], exclude: set[str], seed_text: str, size: int = SAMPLE
) -> tuple[str, ...]:
    """A deterministic random sample of `candidates` outside `exclude` (the same library and
    interest give the same sample, so an order does not shuffle between two runs)."""
    rng = random.Random(zlib.crc32(seed_text.encode()))
    if len(candidates) <= 4 * size:
        pool = [pid for pid in candidates if pid not in exclude]
        return tuple(rng.sample(pool, min(size, len(pool))))
    picked: list[str] = []
    seen: set[str] = set()
    for _ in range(size * 3):
        pid = candidates[rng.randrange(len(candidates))]
        if pid not in exclude and pid not in seen:
            seen.add(pid)
            picked.append(pid)
            if len(picked) == size:
                break
    return tuple(picked)
