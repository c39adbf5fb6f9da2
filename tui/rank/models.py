"""The per-interest linear models: a weight per term, trained on a few hundred rows at most.

Two trainers, numpy only, each a few milliseconds to ~100 ms:

* `rocchio`: the mean of the positives minus NEGATIVE_WEIGHT times the mean of the negatives,
  plus the interest keywords as a pseudo-document. No iterations; the natural choice for "like
  these papers" (the centroid) and for a handful of decisions.
* `logistic`: L2-regularised logistic regression with balanced classes, solved by Newton's
  method in its dual (w = X^T beta): the training set is small (n <= 2 * 300 + 200) and the
  vocabulary large, so the n x n system is the cheap one. Rows are L2-normalised TF-IDF, the
  kernel is their Gram matrix on the union of their terms.

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
PRIOR_WEIGHT = 1.0
SAMPLED_WEIGHT = 0.3
"""How much an unlabelled paper drawn as a stand-in negative counts against a real skip."""
L2 = 0.05
NEWTON_STEPS = 8


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
) -> np.ndarray:
    """mean(positives) - NEGATIVE_WEIGHT * mean(negatives and sampled) + prior."""
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


def logistic(
    matrix: TermMatrix,
    positives: Sequence[int],
    negatives: Sequence[int],
    sampled: Sequence[int] = (),
    prior: np.ndarray | None = None,
) -> np.ndarray:
    """Balanced L2 logistic regression of positives (and the prior as one more) against
    negatives and the sampled stand-ins. Falls back to Rocchio when a class is empty."""
    n_pos = len(positives) + (prior is not None)
    n_neg = len(negatives) + len(sampled)
    if n_pos == 0 or n_neg == 0:
        return rocchio(matrix, positives, negatives, sampled, prior)
    rows = [*positives, *negatives, *sampled]
    parts = [matrix.row(r) for r in rows]
    if prior is not None:
        columns = np.flatnonzero(prior).astype(np.int32)
        parts.append((columns, prior[columns]))
    union = np.unique(np.concatenate([idx for idx, _val in parts]))
    dense = np.zeros((len(parts), len(union)), dtype=np.float32)
    for i, (idx, val) in enumerate(parts):
        dense[i, np.searchsorted(union, idx)] = val
    n = len(parts)
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
    kernel = (dense @ dense.T).astype(np.float64) + 1.0  # + 1: the bias as a constant feature
    beta = np.zeros(n)
    for _ in range(NEWTON_STEPS):
        f = kernel @ beta
        p = 1.0 / (1.0 + np.exp(-f))
        gradient = weight * (p - labels) + L2 * beta
        curvature = weight * p * (1.0 - p)
        step = np.linalg.solve(curvature[:, None] * kernel + L2 * np.eye(n), gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-6:
            break
    weights = np.zeros(matrix.n_terms, dtype=np.float32)
    weights[union] = beta.astype(np.float32) @ dense
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
