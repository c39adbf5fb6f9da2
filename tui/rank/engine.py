"""The ranking engine's face: `Ranker` keeps a library's TF-IDF matrix ready and answers "in
what order would this user keep these papers", "why this one", and "what is like this".

    ranker = Ranker(library, interests=config.interests)
    ranker.prepare()                       # a worker: load the saved matrix (< 1 s at 100k) or
                                           # build it (seconds; never holds the interpreter long)
    ranker.order(Rank("for-you"), ids, library.states(), library.states_version)
    ranker.explain(Rank("for-you"), paper_id, states, version)   # -> Why, for the abstract pane
    ranker.similar(["arxiv:2206.00927"], limit=20)               # "more like this"
    ranker.papers_changed(papers)          # after a sync or import: new rows, no rebuild

Every method is thread-safe and blocking: call them from a thread worker, never the UI thread.
The query layer calls `order` (through `QueryContext.ranker`) only for `sort:for-you`,
`like:#tag` and `like:ID`; nothing else in paperdeck loads numpy.

Models are trained on demand and cached by what they learn from (the rows of their positives,
negatives and sampled stand-ins), with their scores: a decision retrains only the interests
whose examples it changed (a star "for you", a tag that tag's model), and a re-rank is then one
training (the row products of its examples are kept in `models.Gram`, so only the new row's
are computed) and one scoring pass over the matrix (tens of milliseconds at 100k papers).
The trainer is logistic regression (`tui.rank.models`): on real arXiv papers
(tests/benchmarks/bench_rank.py) it matches Rocchio at 10 decisions and beats it from 30 on,
because skips then carry real information; Rocchio is kept for "like these papers", where
there are no negatives.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from tui.errors import UnknownPaperError, UsageError
from tui.memory import release_free_memory
from tui.models import Paper, State
from tui.query.nodes import Rank
from tui.rank import models, signals, storage
from tui.rank.matrix import TermMatrix, build_matrix, text_hash
from tui.rank.tokens import keyword_terms

if TYPE_CHECKING:
    from tui.store import Library

_CACHE_SIZE = 6
_K = TypeVar("_K")
_V = TypeVar("_V")


@dataclass(frozen=True, slots=True)
class Why:
    """Why a paper ranks where it does: the interest (`signal`: "for you", "#tag", "like ID"),
    the terms that pushed it up (positive) or down (negative) with their push, and for a learned
    interest the kept paper most like it (`nearest`)."""

    signal: str
    terms: tuple[tuple[str, float], ...]
    nearest: str | None = None

    def line(self) -> str:
        """`★ for you: +diffusion +sampler −survey` (terms are ASCII letters and digits)."""
        marks = " ".join(("+" if push > 0 else "−") + term for term, push in self.terms)
        prefix = {"for you": "★ for you"}.get(self.signal, self.signal)
        return f"{prefix}: {marks}" if marks else prefix


@dataclass(frozen=True, slots=True)
class MatrixStatus:
    """How the matrix stands: rows in use, rows appended since its last full build, terms."""

    rows: int
    rows_since_build: int
    terms: int


@dataclass(frozen=True, slots=True)
class _Examples:
    """What one interest's model learns from (rows of the matrix); hashable, so a model is
    cached by exactly what it was trained on."""

    kind: str
    signal: str
    positives: tuple[int, ...]
    negatives: tuple[int, ...]
    sampled: tuple[int, ...]
    prior: bool


@dataclass(slots=True)
class _Model:
    weights: np.ndarray
    signal: str
    positives: tuple[int, ...]
    scores: np.ndarray | None = None


class Ranker:
    """A library's ranking: the matrix (loaded, built or kept up to date) and its models."""

    def __init__(
        self,
        library: Library,
        *,
        interests: Sequence[str] = (),
        trainer: str = models.DEFAULT_TRAINER,
    ) -> None:
        self.library = library
        self.interests = keyword_terms(interests)
        self._train = models.TRAINERS[trainer]
        self._lock = threading.RLock()
        self._matrix: TermMatrix | None = None
        self._version = 0  # bumped whenever the matrix changes
        self._on_disk: tuple[int, object] | None = None
        """(version, catalog fingerprint) of the matrix as the file holds it: a save then has
        nothing to write (at quit, 0.3 s for a 67 MB matrix at 100k papers)."""
        self._models: dict[tuple[object, ...], _Model] = {}
        self._examples: dict[tuple[object, ...], _Examples | None] = {}
        self._gram: models.Gram | None = None  # row products, kept while the matrix is
        self._prior: np.ndarray | None = None  # the interest keywords over the terms
        self.trainings = 0
        """How many models have been trained (a decision should retrain only what it changed)."""

    # -- the matrix ---------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """True once the matrix is loaded or built."""
        return self._matrix is not None

    @property
    def path(self) -> Path:
        """The saved matrix's file."""
        return storage.matrix_path(self.library.home)

    def prepare(self, *, cancelled: Callable[[], bool] | None = None) -> bool:
        """Make the matrix ready: the saved one when it still describes the catalog (brought up
        to date when an import or sync changed it since), else a fresh build, which is then saved.
        False when `cancelled()` stopped a build. Abstracts are read only when rows must be made.
        """
        with self._lock:
            if self._matrix is not None:
                return True
            fingerprint = self.library.catalog_fingerprint()
            loaded = storage.load(self.path)
            matrix: TermMatrix | None = None
            dirty = True
            if loaded is not None:
                matrix, saved_fingerprint = loaded
                papers = self.library.papers(texts=False)
                matrix.share_ids(papers)
                if saved_fingerprint == fingerprint and _same_ids(matrix, papers):
                    dirty = False
                else:
                    _reconcile(matrix, self.library.papers(texts=True))
                    if matrix.needs_rebuild():
                        matrix = None
            if matrix is None:
                papers = self.library.papers(texts=True)
                matrix = build_matrix(list(papers.values()), cancelled=cancelled)
                # The build's token lists and chunks are freed: ~40 MB of heap at 100k papers
                # that would otherwise stay in the process's resident size.
                release_free_memory()
                if matrix is None:
                    return False
            self._set(matrix)
            if not dirty or storage.save(self.path, matrix, fingerprint):
                self._on_disk = (self._version, fingerprint)
            return True

    @property
    def status(self) -> MatrixStatus | None:
        """The matrix's size (None before `prepare`)."""
        with self._lock:
            m = self._matrix
            if m is None:
                return None
            return MatrixStatus(len(m.row_of), m.n_rows - m.built_rows, m.n_terms)

    def papers_changed(self, papers: Iterable[Paper]) -> None:
        """Rows for papers a sync or import added or changed (their abstracts loaded): appended,
        no rebuild, unless the matrix has drifted far from its last full build."""
        with self._lock:
            matrix = self._matrix
            if matrix is None:
                return
            fresh = [p for p in papers if _stale(matrix, p)]
            if not fresh:
                return
            matrix.add(fresh)
            if matrix.needs_rebuild():
                rebuilt = build_matrix(list(self.library.papers(texts=True).values()))
                release_free_memory()
                if rebuilt is not None:
                    matrix = rebuilt
            self._set(matrix)

    def papers_removed(self, paper_ids: Iterable[str]) -> None:
        """Forget the rows of papers no longer in the library."""
        with self._lock:
            if self._matrix is not None:
                self._matrix.kill(paper_ids)
                self._set(self._matrix)

    def save(self) -> bool:
        """Write the matrix beside the library, unless the file holds it as it is already
        (False when there is none or it cannot be written)."""
        with self._lock:
            if self._matrix is None:
                return False
            fingerprint = self.library.catalog_fingerprint()
            if self._on_disk == (self._version, fingerprint) and self.path.exists():
                return True
            if not storage.save(self.path, self._matrix, fingerprint):
                return False
            self._on_disk = (self._version, fingerprint)
            return True

    def _set(self, matrix: TermMatrix) -> None:
        self._matrix = matrix
        self._version += 1
        self._models.clear()
        self._examples.clear()
        self._gram = None
        self._prior = models.keyword_vector(matrix, self.interests)

    def _ready_matrix(self) -> TermMatrix:
        if self._matrix is None:
            self.prepare()
        assert self._matrix is not None
        return self._matrix

    # -- ranking ------------------------------------------------------------------------------

    def order(
        self,
        term: Rank,
        ids: Sequence[str],
        states: Mapping[str, State],
        states_version: object = None,
    ) -> tuple[list[int], list[float]] | None:
        """Positions of `ids` best first, with their scores; ties (and papers without a row)
        keep the order they came in. None when there is nothing to learn from yet (no decision,
        no interest keyword): the caller keeps today's order. Raises UsageError for a `like:`
        naming an unknown paper or an unused tag."""
        with self._lock:
            model = self._model(term, states, states_version)
            if model is None:
                return None
            matrix = self._ready_matrix()
            if model.scores is None:
                model.scores = matrix.scores(model.weights)
            found = map(matrix.row_of.get, ids, repeat(-1))
            rows = np.fromiter(found, dtype=np.int64, count=len(ids))
            known = rows >= 0
            scores = np.full(len(ids), -np.inf, dtype=np.float32)
            scores[known] = model.scores[rows[known]]
        order = np.argsort(-scores, kind="stable")
        ranked = scores[order]
        ranked[~np.isfinite(ranked)] = 0.0
        return order.tolist(), ranked.tolist()

    def explain(
        self, term: Rank, paper_id: str, states: Mapping[str, State], states_version: object = None
    ) -> Why | None:
        """Why `paper_id` ranks where it does under `term` (None without a model or a row)."""
        with self._lock:
            model = self._model(term, states, states_version)
            matrix = self._ready_matrix()
            row = matrix.row_of.get(paper_id)
            if model is None or row is None:
                return None
            pushes = models.contributions(matrix, model.weights, row)
            nearest = _nearest(matrix, row, model.positives) if term.kind != "like" else None
        return Why(model.signal, tuple(pushes), nearest)

    def weights(
        self,
        term: Rank,
        states: Mapping[str, State],
        states_version: object = None,
        count: int = 10,
    ) -> list[tuple[str, float]]:
        """The interest's model: its `count` largest weights up and down, largest first (what
        "for you" has learned, say). Empty when there is nothing to learn from."""
        with self._lock:
            model = self._model(term, states, states_version)
            if model is None:
                return []
            matrix = self._ready_matrix()
            w = model.weights
            order = np.argsort(-w)
            up = [int(k) for k in order[:count] if w[k] > 0]
            down = [int(k) for k in order[::-1][:count] if w[k] < 0]
            return [(matrix.terms[k], float(w[k])) for k in up + down]

    def features(self, paper_id: str) -> dict[str, float]:
        """A paper's TF-IDF row as term -> weight (empty when it has none)."""
        with self._lock:
            matrix = self._ready_matrix()
            row = matrix.row_of.get(paper_id)
            if row is None:
                return {}
            idx, val = matrix.row(row)
            return {matrix.terms[int(i)]: float(v) for i, v in zip(idx, val, strict=True)}

    def weight_of(
        self, term: Rank, states: Mapping[str, State], word: str, states_version: object = None
    ) -> float:
        """The model's weight for one term (0 when unknown or no model)."""
        with self._lock:
            model = self._model(term, states, states_version)
            column = self._ready_matrix().term_index(word)
            if model is None or column is None:
                return 0.0
            return float(model.weights[column])

    def similar(
        self, paper_ids: Sequence[str], limit: int | None = 20, among: Iterable[str] | None = None
    ) -> list[tuple[str, float]]:
        """The papers most like `paper_ids` (themselves left out), best first, with their
        cosine similarity to the papers' centroid; `among` restricts the candidates."""
        term = Rank("like", tuple(paper_ids))
        with self._lock:
            model = self._model(term, {}, None)
            assert model is not None
            matrix = self._ready_matrix()
            if model.scores is None:
                model.scores = matrix.scores(model.weights)
            anchors = set(model.positives)
            if among is None:
                rows = np.fromiter(
                    (r for r in matrix.row_of.values() if r not in anchors), dtype=np.int64
                )
            else:
                get = matrix.row_of.get
                rows = np.fromiter(
                    (r for r in map(get, among) if r is not None and r not in anchors),
                    dtype=np.int64,
                )
            scores = model.scores[rows]
            want = len(rows) if limit is None else min(limit, len(rows))
            if want < len(rows):
                top = np.argpartition(-scores, want - 1)[:want]
            else:
                top = np.arange(len(rows))
            top = top[np.argsort(-scores[top], kind="stable")]
            return [(matrix.row_ids[int(rows[k])] or "", float(scores[k])) for k in top]

    # -- models -------------------------------------------------------------------------------

    def _model(
        self, term: Rank, states: Mapping[str, State], states_version: object
    ) -> _Model | None:
        # Keyed by what the model learns from, not by the state version: a decision retrains
        # only the interests whose examples it changed (a tag edit leaves "for you" alone).
        examples = self._examples_of(term, states, states_version)
        if examples is None:
            return None
        key = (term.kind, term.values, examples)
        model = self._models.pop(key, None)  # put back last: the least recently used goes
        if model is None:
            model = self._fit(examples)
        _remember(self._models, key, model)
        return model

    def _examples_of(
        self, term: Rank, states: Mapping[str, State], states_version: object
    ) -> _Examples | None:
        # The examples are cached per state version when the caller gives one (the "why" of
        # every cursor move asks again); "like" needs no state at all.
        volatile = states_version is None and term.kind != "like"
        key = (term.kind, term.values, states_version if term.kind != "like" else None)
        if not volatile and key in self._examples:
            return self._examples[key]
        examples = self._gather(term, states)
        if not volatile:
            _remember(self._examples, key, examples)
        return examples

    def _gather(self, term: Rank, states: Mapping[str, State]) -> _Examples | None:
        matrix = self._ready_matrix()
        if term.kind == "like":
            rows = tuple(self._rows_of(matrix, term.values))
            return _Examples(term.kind, _like_label(term.values), rows, (), (), prior=False)
        if term.kind == "tag":
            tag = term.values[0]
            found = signals.for_tag(tag, states)
            if not any(pid in matrix.row_of for pid in found.positives):
                raise UsageError(f"like:#{tag}: no paper in the library has the tag {tag!r}")
            prior = False
            signal = f"#{tag}"
        else:
            found = signals.for_you(states)
            prior = self._prior is not None
            signal = "for you"
        positives = _rows(matrix, found.positives)
        negatives = _rows(matrix, found.negatives)
        if not positives and not negatives and not prior:
            return None  # nothing at all to learn from: today's order
        sampled: tuple[int, ...] = ()
        if term.kind == "tag" or not negatives:
            alive = [pid for pid in matrix.row_ids if pid is not None]
            exclude = {*found.positives, *found.negatives}
            sampled = _rows(matrix, signals.sample(alive, exclude, signal))
        return _Examples(term.kind, signal, positives, negatives, sampled, prior)

    def _fit(self, examples: _Examples) -> _Model:
        matrix = self._ready_matrix()
        self.trainings += 1
        if examples.kind == "like":
            weights = models.rocchio(matrix, examples.positives, ())
            return _Model(weights, examples.signal, examples.positives)
        if self._gram is None:
            self._gram = models.Gram(matrix)
        weights = self._train(
            matrix,
            examples.positives,
            examples.negatives,
            examples.sampled,
            self._prior if examples.prior else None,
            gram=self._gram,
        )
        weights = models.against_background(weights, matrix.centroid())
        return _Model(weights, examples.signal, examples.positives)

    def _rows_of(self, matrix: TermMatrix, typed: Sequence[str]) -> list[int]:
        rows = []
        for text in typed:
            pid = text if text in matrix.row_of else self.library.resolve(text)
            row = matrix.row_of.get(pid)
            if row is None:
                raise UnknownPaperError(f"like:{text}: that paper has no text to compare yet")
            rows.append(row)
        return rows


def _remember(cache: dict[_K, _V], key: _K, value: _V) -> None:
    if len(cache) >= _CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[key] = value


def _rows(matrix: TermMatrix, ids: Iterable[str]) -> tuple[int, ...]:
    get = matrix.row_of.get
    return tuple(r for r in map(get, ids) if r is not None)


def _like_label(values: Sequence[str]) -> str:
    shown = ", ".join(v.removeprefix("arxiv:") for v in values[:2])
    return f"like {shown}" + (f" +{len(values) - 2}" if len(values) > 2 else "")


def _nearest(matrix: TermMatrix, row: int, positives: Sequence[int]) -> str | None:
    """The positive paper most like `row` (the kept paper that explains it best)."""
    if not positives:
        return None
    idx, val = matrix.row(row)
    dense = np.zeros(matrix.n_terms, dtype=np.float32)
    dense[idx] = val
    best, best_score = None, 0.0
    for r in positives:
        if r == row:
            continue
        p_idx, p_val = matrix.row(r)
        score = float(np.dot(p_val, dense[p_idx]))
        if score > best_score:
            best, best_score = r, score
    return matrix.row_ids[best] if best is not None else None


def _same_ids(matrix: TermMatrix, papers: Mapping[str, Paper]) -> bool:
    row_of = matrix.row_of
    return len(row_of) == len(papers) and all(pid in row_of for pid in papers)


def _stale(matrix: TermMatrix, paper: Paper) -> bool:
    row = matrix.row_of.get(paper.id)
    return row is None or matrix.hashes[row] != text_hash(paper)


def _reconcile(matrix: TermMatrix, papers: Mapping[str, Paper]) -> None:
    """Bring a saved matrix up to date with the catalog: drop gone papers, add new and changed
    ones (by text hash)."""
    matrix.kill([pid for pid in matrix.row_of if pid not in papers])
    matrix.add([p for p in papers.values() if _stale(matrix, p)])
