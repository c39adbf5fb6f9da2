"""The per-interest linear models: a weight per term, trained on a few hundred rows at most.

Two trainers, numpy only, each a few milliseconds to ~100 ms:

* `rocchio`: the mean of the positives minus NEGATIVE_WEIGHT times the mean of the negatives,
  plus the interest keywords as a pseudo-document. No iterations; the natural choice for "like
  these papers" (the centroid) and for a handful of decisions.
* `logistic`: L2-regularised logistic regression with balanced classes, solved by Newton's
  method in its dual (w = X^T beta): the training set is small (n <= 2 * 300 + 200) and the
  vocabulary large, so the n x n system is the cheap one. Rows are L2-normalised TF-IDF, the
  kernel is their Gram matrix, kept between trainings by `Gram` (a decision adds one row).

Which one ranks the inbox is `DEFAULT_TRAINER` (the reason, with figures, is in the engine's
docstring and the benchmark tests/benchmarks/bench_rank.py). Both give a dense float32 weight
vector over the matrix's terms; a paper's score is weights . row, and the "why" of a paper is
the largest weights * row terms, up and down.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tui.rank.matrix import TermMatrix

NEGATIVE_WEIGHT = 0.5
BACKGROUND = 0.2
"""How much the library's centroid counts against a learned model (`against_background`)."""
PRIOR_WEIGHT = 1.0
SAMPLED_WEIGHT = 0.3
"""How much an unlabelled paper drawn as a stand-in negative counts against a real skip."""
L2 = 0.05
NEWTON_STEPS = 8
TOLERANCE = 1e-4
"""Newton stops once no dual weight moves by more (scores then move by ~1e-4 or less)."""


def against_background(weights: np.ndarray, centroid: np.ndarray) -> np.ndarray:
    """The model made unit length, minus BACKGROUND times the library's unit centroid: what
    is common to the whole library (half of arXiv is computer vision) counts against a paper,
    so a few kept papers rank what is distinctive about them, not their crowded field (the
    effect arxiv-sanity gets from training against every other paper)."""
    norm = float(np.linalg.norm(weights))
    centre = float(np.linalg.norm(centroid))
    if norm == 0.0 or centre == 0.0:
        return weights
    return weights / np.float32(norm) - np.float32(BACKGROUND / centre) * centroid


def keyword_vector(matrix: TermMatrix, keywords: Sequence[str]) -> np.ndarray | None:
    """The interest keywords as a unit vector over the terms (IDF-weighted); None when none of
    them occurs in the library."""
    columns = [c for c in (matrix.term_index(k) for k in keywords) if c is not None]
    if not columns:
        return None
    vector = np.zeros(matrix.n_terms, dtype=np.float32)
    vector[columns] = matrix.idf[columns]
    vector /= np.linalg.norm(vector)
    return vector


def rocchio(
    matrix: TermMatrix,
    positives: Sequence[int],
    negatives: Sequence[int],
    sampled: Sequence[int] = (),
    prior: np.ndarray | None = None,
    *,
    gram: Gram | None = None,
) -> np.ndarray:
    """mean(positives) - NEGATIVE_WEIGHT * mean(negatives and sampled) + prior. (`gram` is
    the logistic trainer's; Rocchio needs no row products.)"""
    weights = np.zeros(matrix.n_terms, dtype=np.float32)
    if positives:
        weights += matrix.dense_sum(positives) / np.float32(len(positives))
    against = list(negatives) + list(sampled)
    if against:
        scale = [1.0] * len(negatives) + [SAMPLED_WEIGHT] * len(sampled)
        total = np.float32(sum(scale))
        weights -= np.float32(NEGATIVE_WEIGHT) * matrix.dense_sum(against, scale) / total
    if prior is not None:
        weights += np.float32(PRIOR_WEIGHT) * prior
    return weights


class Gram:
    """Dot products of training rows, kept across trainings on one matrix (rows never change
    once written). A decision adds one row to a training set of hundreds: its products with
    the others are one sparse pass (well under a millisecond) instead of the whole n x n Gram
    matrix again (tens of milliseconds, a dense product over the union of their terms)."""

    CAPACITY = 2048

    def __init__(self, matrix: TermMatrix) -> None:
        self.matrix = matrix
        self._reset()

    def _reset(self) -> None:
        self._index: dict[int, int] = {}
        self._rows: list[int] = []
        self._parts: list[tuple[np.ndarray, np.ndarray]] = []
        self._kernel = np.zeros((0, 0), dtype=np.float32)

    def of(self, rows: Sequence[int]) -> np.ndarray:
        """The Gram matrix of `rows` (float64, n x n)."""
        missing = list(dict.fromkeys(r for r in rows if r not in self._index))
        if len(self._rows) + len(missing) > self.CAPACITY:
            self._reset()
            missing = list(dict.fromkeys(rows))
        if missing:
            self._add(missing)
        at = np.fromiter(map(self._index.__getitem__, rows), dtype=np.int64, count=len(rows))
        return self._kernel[np.ix_(at, at)].astype(np.float64)

    def _add(self, missing: list[int]) -> None:
        old = len(self._rows)
        for r in missing:
            self._index[r] = len(self._rows)
            self._rows.append(r)
            self._parts.append(self.matrix.row(r))
        total = len(self._rows)
        kernel = np.zeros((total, total), dtype=np.float32)
        kernel[:old, :old] = self._kernel
        if len(missing) > 32:  # many at once (a first training): one dense product
            dense, _union = _dense(self._parts)
            kernel[old:, :] = dense[old:] @ dense.T
        else:
            idx = np.concatenate([i for i, _v in self._parts])
            val = np.concatenate([v for _i, v in self._parts])
            lengths = np.fromiter((len(i) for i, _v in self._parts), dtype=np.int64)
            owner = np.repeat(np.arange(total), lengths)
            scattered = np.zeros(self.matrix.n_terms, dtype=np.float32)
            for k in range(old, total):
                r_idx, r_val = self._parts[k]
                scattered[r_idx] = r_val
                kernel[k, :] = np.bincount(owner, weights=val * scattered[idx], minlength=total)
                scattered[r_idx] = 0.0
        kernel[:, old:] = kernel[old:, :].T
        self._kernel = kernel


def _dense(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Rows as a dense array over the union of their terms, and that union."""
    union = np.unique(np.concatenate([idx for idx, _val in parts]))
    dense = np.zeros((len(parts), len(union)), dtype=np.float32)
    for i, (idx, val) in enumerate(parts):
        dense[i, np.searchsorted(union, idx)] = val
    return dense, union


def logistic(
    matrix: TermMatrix,
    positives: Sequence[int],
    negatives: Sequence[int],
    sampled: Sequence[int] = (),
    prior: np.ndarray | None = None,
    *,
    gram: Gram | None = None,
) -> np.ndarray:
    """Balanced L2 logistic regression of positives (and the prior as one more) against
    negatives and the sampled stand-ins. Falls back to Rocchio when a class is empty.

    `gram` keeps row products between trainings. (Starting Newton from the last solution was
    measured and saves nothing: the changed row is far from its optimum, it still takes 4-5
    steps, so each training starts from zero.)"""
    n_pos = len(positives) + (prior is not None)
    n_neg = len(negatives) + len(sampled)
    if n_pos == 0 or n_neg == 0:
        return rocchio(matrix, positives, negatives, sampled, prior)
    rows = [*positives, *negatives, *sampled]
    n = len(rows) + (prior is not None)
    kernel = np.empty((n, n), dtype=np.float64)
    kernel[: len(rows), : len(rows)] = (gram or Gram(matrix)).of(rows)
    if prior is not None:
        against_prior = np.array([float(np.dot(v, prior[i])) for i, v in map(matrix.row, rows)])
        kernel[-1, : len(rows)] = kernel[: len(rows), -1] = against_prior
        kernel[-1, -1] = float(np.dot(prior, prior))
    kernel += 1.0  # the bias as a constant feature
    labels = np.zeros(n, dtype=np.float64)
    labels[: len(positives)] = 1.0
    if prior is not None:
        labels[-1] = 1.0
    # Balanced classes: each class weighs the same in all; sampled stand-ins count less.
    weight = np.ones(n, dtype=np.float64)
    weight[labels == 1.0] = n / (2.0 * n_pos)
    neg_scale = np.ones(n_neg)
    neg_scale[len(negatives) :] = SAMPLED_WEIGHT
    weight[len(positives) : len(positives) + n_neg] = neg_scale * n / (2.0 * neg_scale.sum())
    beta = np.zeros(n)
    for _ in range(NEWTON_STEPS):
        f = kernel @ beta
        p = 1.0 / (1.0 + np.exp(-f))
        gradient = weight * (p - labels) + L2 * beta
        if np.max(np.abs(gradient)) < TOLERANCE:
            break
        curvature = weight * p * (1.0 - p)
        step = np.linalg.solve(curvature[:, None] * kernel + L2 * np.eye(n), gradient)
        beta -= step
        if np.max(np.abs(step)) < TOLERANCE:
            break
    weights = matrix.dense_sum(rows, beta[: len(rows)].astype(np.float32))
    if prior is not None:
        weights += np.float32(beta[-1]) * prior
    return weights


TRAINERS = {"rocchio": rocchio, "logistic": logistic}
DEFAULT_TRAINER = "logistic"


def contributions(
    matrix: TermMatrix, weights: np.ndarray, row: int, count: int = 3
) -> list[tuple[str, float]]:
    """The terms that pushed `row`'s score up (positive) and down (negative) the most: the
    largest |weight * feature| of its terms, at most `count` up and `count - 1` down."""
    idx, val = matrix.row(row)
    if len(idx) == 0:
        return []
    pushes = weights[idx] * val
    order = np.argsort(-pushes)
    up = [(matrix.terms[int(idx[k])], float(pushes[k])) for k in order[:count] if pushes[k] > 0]
    down_order = order[::-1][: max(count - 1, 0)]
    down = [(matrix.terms[int(idx[k])], float(pushes[k])) for k in down_order if pushes[k] < 0]
    return up + down
