"""The TF-IDF matrix of a library: one L2-normalised sparse row per paper over title + abstract.

`TermMatrix` holds the rows in blocks of BLOCK_ROWS papers (CSR: indptr, indices, data), the
vocabulary with its document frequencies, the paper id and a text hash per row. Weights are
sublinear TF (1 + log tf, title terms counted `tokens.TITLE_WEIGHT` times) times smoothed IDF.

Why blocks: every numpy call then touches ~100k numbers, well under a millisecond, so a build or
a scoring pass in a worker thread never holds the interpreter long enough to stall a UI thread
(a single 12M-element gather over 100k papers would take tens of milliseconds in one C call).

* `build_matrix` makes one from scratch: one tokenising pass with a provisional vocabulary,
  then terms seen in fewer than MIN_DF papers or in more than MAX_DF_SHARE of them are dropped
  (seconds at 100k papers, most of it `re.findall`).
* `TermMatrix.add` appends rows for papers added or changed since (about a tenth of a
  millisecond each) and the vocabulary grows. Every row stays weighted with one base IDF (the
  last full build's, a new term's from when it joined); the IDF the document frequencies give
  now is applied as a column scale, each row renormalised under it (`scale`, `row_norms`: one
  pass over the nonzeros per add, tens of milliseconds at 100k), so old and added rows read as
  a full build would weigh them. What this cannot follow (terms that became too common or
  rare enough to keep, dead rows) is bounded by `needs_rebuild`, which asks for a fresh build
  once the matrix holds many more rows, or many more dead ones, than at its last full build.
* `TermMatrix.scores(w)` is w . x for every row: per block one float32 gather-multiply and a
  segmented sum (`np.add.reduceat`), tens of milliseconds at 100k papers.
"""

from __future__ import annotations

import itertools
import time
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from tui.models import Paper
from tui.rank.tokens import STOP_BYTES, acceptable, paper_terms

BLOCK_ROWS = 1024
MIN_DF = 2
MAX_DF_SHARE = 0.5
MAX_TERMS = 200_000
_HASH = "I"
"""The array type code of a row's text hash: unsigned 32 bits (a CRC-32)."""
REBUILD_GROWTH = 0.25
"""A fresh build is due once rows added or killed since the last one exceed this share."""


@dataclass(slots=True)
class Block:
    """BLOCK_ROWS rows (fewer for the last) in CSR form; `indptr` starts at 0."""

    indptr: np.ndarray  # int64, rows + 1
    indices: np.ndarray  # `index_dtype(terms)`: uint16 up to 65,536 terms, else int32
    data: np.ndarray  # float32
    _filled: np.ndarray | None = None

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    @property
    def filled(self) -> np.ndarray:
        """The rows that have at least one term (what `np.add.reduceat` can sum)."""
        if self._filled is None:
            self._filled = np.flatnonzero(np.diff(self.indptr))
        return self._filled


def index_dtype(n_terms: int) -> type[np.integer]:
    """The dtype of a row's term indices over `n_terms` terms: two bytes a nonzero when they
    fit (a quarter of the matrix at 100k papers: 10M nonzeros), else four. The scores are the
    same either way: numpy widens any index array to a pointer-sized one as it gathers."""
    return np.uint16 if n_terms <= 1 << 16 else np.int32


def text_hash(paper: Paper) -> int:
    """A stable hash of what a row is computed from (title and abstract)."""
    return zlib.crc32(f"{paper.title}\x00{paper.abstract}".encode())


def idf_of(df: np.ndarray, n_docs: int) -> np.ndarray:
    """Smoothed IDF, as scikit-learn computes it: log((1 + n) / (1 + df)) + 1."""
    return (np.log((1.0 + n_docs) / (1.0 + df.astype(np.float64))) + 1.0).astype(np.float32)


class TermMatrix:
    """The rows, vocabulary and row bookkeeping. Not thread-safe: `tui.rank.engine` locks."""

    def __init__(
        self,
        terms: list[str],
        df: np.ndarray,
        n_docs: int,
        blocks: list[Block],
        row_ids: list[str | None],
        hashes: Iterable[int],
        built_rows: int | None = None,
        common: Iterable[str] = (),
        base_idf: np.ndarray | None = None,
    ) -> None:
        self.terms = terms
        # Terms the last full build dropped as too common: an added paper must not bring them
        # back as new (and, counted over the added papers alone, falsely rare) terms.
        self.common = {term.encode() for term in common}
        self.vocab = {term.encode(): i for i, term in enumerate(terms)}
        self.df = df
        self.n_docs = n_docs
        self.idf = idf_of(df, n_docs)
        # The IDF the rows' data were weighted with (a fresh build's is the current one).
        self.base_idf = self.idf.copy() if base_idf is None else base_idf
        self.blocks = blocks
        self.row_ids = row_ids
        # Four bytes a row (a list of ints costs ten times that: 4 MB at 100k papers).
        self.hashes = hashes if isinstance(hashes, array) else array(_HASH, hashes)
        self.row_of = {pid: r for r, pid in enumerate(row_ids) if pid is not None}
        self.built_rows = len(row_ids) if built_rows is None else built_rows
        self._starts = _starts(blocks)
        self.scale: np.ndarray | None = None  # idf / base_idf per term; None: all ones
        self.row_norms: np.ndarray | None = None  # each row's norm under `scale`
        self._centroid: np.ndarray | None = None
        self._rescale()

    # -- reading ------------------------------------------------------------------------------

    @property
    def n_rows(self) -> int:
        return len(self.row_ids)

    @property
    def n_terms(self) -> int:
        return len(self.terms)

    @property
    def dead_rows(self) -> int:
        return len(self.row_ids) - len(self.row_of)

    def needs_rebuild(self) -> bool:
        """True when incremental changes have drifted far enough from the last full build."""
        changed = (self.n_rows - self.built_rows) + self.dead_rows
        return changed > REBUILD_GROWTH * max(self.built_rows, 1000)

    def term_index(self, term: str) -> int | None:
        """The column of `term`, None when no paper has it."""
        return self.vocab.get(term.encode())

    def row(self, r: int) -> tuple[np.ndarray, np.ndarray]:
        """(term indices, weights) of row `r`, under the current IDF (unit length)."""
        b = bisect_right(self._starts, r) - 1
        block = self.blocks[b]
        local = r - self._starts[b]
        lo, hi = block.indptr[local], block.indptr[local + 1]
        idx, val = block.indices[lo:hi], block.data[lo:hi]
        if self.scale is not None and self.row_norms is not None:
            val = val * self.scale[idx] / self.row_norms[r]
        return idx, val

    def dense_sum(
        self, rows: Iterable[int], weights: Sequence[float] | np.ndarray | None = None
    ) -> np.ndarray:
        """Sum (weighted when `weights` is given) of rows, as a dense vector over the terms."""
        out = np.zeros(self.n_terms, dtype=np.float32)
        for k, r in enumerate(rows):
            idx, val = self.row(r)
            out[idx] += val if weights is None else val * np.float32(weights[k])
        return out

    def centroid(self) -> np.ndarray:
        """The mean of the live rows (the library's "background"), dense over the terms;
        one pass over the nonzeros, kept until the rows change."""
        if self._centroid is None:
            total = np.zeros(self.n_terms, dtype=np.float64)
            alive = np.fromiter((pid is not None for pid in self.row_ids), bool, self.n_rows)
            start = 0
            for block in self.blocks:
                lengths = np.diff(block.indptr)
                factor = alive[start : start + block.rows].astype(np.float32)
                if self.row_norms is not None:
                    factor /= self.row_norms[start : start + block.rows]
                data = block.data * np.repeat(factor, lengths)
                if self.scale is not None:
                    data *= self.scale[block.indices]
                total += np.bincount(block.indices, weights=data, minlength=self.n_terms)
                start += block.rows
            self._centroid = (total / max(len(self.row_of), 1)).astype(np.float32)
        return self._centroid

    def scores(self, weights: np.ndarray, pause: Callable[[], None] | None = None) -> np.ndarray:
        """weights . row for every row (dead rows included; callers pick the rows they want)."""
        out = np.empty(self.n_rows, dtype=np.float32)
        if self.scale is not None:
            weights = weights * self.scale
        start = 0
        for block in self.blocks:
            out[start : start + block.rows] = _block_scores(block, weights)
            start += block.rows
            if pause is not None:
                pause()
        if self.row_norms is not None:
            out /= self.row_norms
        return out

    # -- changing ------------------------------------------------------------------------------

    def share_ids(self, ids: Iterable[str]) -> None:
        """Hold the strings of `ids` (the library's own) for the rows' ids that equal them,
        rather than the copies parsed from a saved file: 6 MB at 100k papers."""
        own = {pid: pid for pid in ids}
        self.row_ids = [own.get(pid, pid) if pid is not None else None for pid in self.row_ids]
        self.row_of = {pid: r for r, pid in enumerate(self.row_ids) if pid is not None}

    def kill(self, paper_ids: Iterable[str]) -> None:
        """Forget the rows of these papers (they stay in the blocks, unreferenced)."""
        for pid in paper_ids:
            r = self.row_of.pop(pid, None)
            if r is not None:
                self.row_ids[r] = None
                self._centroid = None

    def add(self, papers: Sequence[Paper]) -> None:
        """Append rows for `papers` (a changed paper's old row is killed first)."""
        if not papers:
            return
        self.kill(p.id for p in papers)
        vocab, terms = self.vocab, self.terms
        bags = [paper_terms(paper.title, paper.abstract) for paper in papers]
        # A new term joins the vocabulary when MIN_DF of these papers use it, as a full build
        # would decide; one paper's coinage (its own name, say) stays out.
        unseen: dict[bytes, int] = {}
        for bag in bags:
            for term in {t for t in bag if t not in vocab}:
                unseen[term] = unseen.get(term, 0) + 1
        for term, count in unseen.items():
            if count >= MIN_DF and acceptable(term) and term not in self.common:
                vocab[term] = len(terms)
                terms.append(term.decode())
        get = vocab.get
        docs = [[i for i in map(get, bag) if i is not None] for bag in bags]
        doc, term_ids, counts = _count(docs, 0)
        df = np.zeros(len(terms), dtype=np.int32)
        df[: len(self.df)] = self.df
        df += np.bincount(term_ids, minlength=len(terms)).astype(np.int32)
        self.df = df
        self.n_docs += len(papers)
        self.idf = idf_of(df, self.n_docs)
        base = self.idf.copy()  # a term new to the vocabulary joins at today's IDF
        base[: len(self.base_idf)] = self.base_idf
        self.base_idf = base
        block = _weighted_block(doc, term_ids, counts, base, len(papers))
        first = self.n_rows
        for k, paper in enumerate(papers):
            self.row_ids.append(paper.id)
            self.hashes.append(text_hash(paper))
            self.row_of[paper.id] = first + k
        tail = self.blocks[-1] if self.blocks else None
        if tail is not None and tail.rows + block.rows <= BLOCK_ROWS:
            self.blocks[-1] = _concat(tail, block)
        else:
            self.blocks.append(block)
        self._starts = _starts(self.blocks)
        self._rescale()

    def _rescale(self) -> None:
        """The column scale from the base IDF to today's, and every row's norm under it."""
        self._centroid = None
        scale = self.idf / self.base_idf
        if np.allclose(scale, 1.0, rtol=1e-6, atol=0.0):
            self.scale = self.row_norms = None
            return
        self.scale = scale.astype(np.float32)
        norms = np.empty(self.n_rows, dtype=np.float32)
        start = 0
        for block in self.blocks:
            owner = np.repeat(np.arange(block.rows), np.diff(block.indptr))
            squares = (block.data * self.scale[block.indices]) ** 2
            norms[start : start + block.rows] = np.sqrt(
                np.bincount(owner, weights=squares, minlength=block.rows)
            )
            start += block.rows
        norms[norms == 0] = 1.0
        self.row_norms = norms


def _starts(blocks: Sequence[Block]) -> list[int]:
    starts, total = [], 0
    for block in blocks:
        starts.append(total)
        total += block.rows
    return starts


def _block_scores(block: Block, weights: np.ndarray) -> np.ndarray:
    # One float32 gather-multiply and a segmented sum per block: about twice as quick as a
    # float64 running sum, and a row's ~100 terms lose nothing that matters to an order.
    out = np.zeros(block.rows, dtype=np.float32)
    filled = block.filled
    if len(filled):
        products = block.data * weights[block.indices]
        out[filled] = np.add.reduceat(products, block.indptr[filled])
    return out


def _concat(a: Block, b: Block) -> Block:
    return Block(
        np.concatenate([a.indptr, b.indptr[1:] + a.indptr[-1]]),
        np.concatenate([a.indices, b.indices]).astype(b.indices.dtype, copy=False),
        np.concatenate([a.data, b.data]),
    )


def _count(docs: list[list[int]], drop_below: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (doc, term) counts of a chunk of documents given as term-id lists, sorted by doc then
    term; term ids below `drop_below` (the stop words of a provisional vocabulary) left out."""
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    total = int(lengths.sum())
    flat = np.fromiter(itertools.chain.from_iterable(docs), dtype=np.int64, count=total)
    doc = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    keys, counts = np.unique((doc << 32) | flat, return_counts=True)
    terms = keys & 0xFFFFFFFF
    if drop_below:
        keep = terms >= drop_below
        keys, terms, counts = keys[keep], terms[keep], counts[keep]
    return keys >> 32, terms, counts


def _weighted_block(
    doc: np.ndarray, terms: np.ndarray, counts: np.ndarray, idf: np.ndarray, n_docs: int
) -> Block:
    """The L2-normalised TF-IDF block of `n_docs` documents from their (doc, term, count)."""
    weights = (1.0 + np.log(counts.astype(np.float32))) * idf[terms]
    lengths = np.bincount(doc, minlength=n_docs)
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    norms = np.sqrt(np.bincount(doc, weights=weights.astype(np.float64) ** 2, minlength=n_docs))
    norms[norms == 0] = 1.0
    weights = (weights / norms[doc]).astype(np.float32)
    return Block(indptr, terms.astype(index_dtype(len(idf))), weights)


def build_matrix(
    papers: Sequence[Paper],
    *,
    cancelled: Callable[[], bool] | None = None,
) -> TermMatrix | None:
    """A fresh matrix of `papers` (their abstracts must be loaded); None if `cancelled()` said
    so. Runs in the calling thread (a worker); no step holds the interpreter for long."""
    checked = time.perf_counter()

    def stop() -> bool:
        # Pure-Python loops give up the interpreter by themselves every few milliseconds, and
        # every numpy call here is short: only cancelling needs asking for.
        nonlocal checked
        if cancelled is None or time.perf_counter() - checked < 0.01:
            return False
        checked = time.perf_counter()
        return cancelled()

    provisional = _Numbering((word, i) for i, word in enumerate(sorted(STOP_BYTES)))
    n_stop = len(provisional)
    number = provisional.__getitem__
    chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray, int]] = []  # per-doc lengths
    df_parts: list[np.ndarray] = []
    for start in range(0, len(papers), BLOCK_ROWS):
        docs = [
            list(map(number, paper_terms(paper.title, paper.abstract)))
            for paper in papers[start : start + BLOCK_ROWS]
        ]
        if stop():
            return None
        doc, terms, counts = _count(docs, n_stop)
        lengths = np.bincount(doc, minlength=len(docs)).astype(np.int32)
        chunks.append((lengths, terms.astype(np.int32), counts.astype(np.uint16), len(docs)))
        df_parts.append(np.bincount(terms, minlength=len(provisional)))
        if stop():
            return None
    n_docs = len(papers)
    df_all = np.zeros(len(provisional), dtype=np.int64)
    for part in df_parts:
        df_all[: len(part)] += part
    del df_parts
    by_id = list(provisional)
    usable = np.fromiter(map(acceptable, by_id), dtype=bool, count=len(by_id))
    too_common = df_all > _max_df(n_docs)
    kept = np.flatnonzero(usable & ~too_common & (df_all >= min(MIN_DF, max(n_docs, 1))))
    if len(kept) > MAX_TERMS:
        kept = np.sort(kept[np.argsort(-df_all[kept], kind="stable")[:MAX_TERMS]])
    remap = np.full(len(provisional), -1, dtype=np.int64)
    remap[kept] = np.arange(len(kept))
    terms_kept = [by_id[i].decode() for i in kept.tolist()]
    df = df_all[kept].astype(np.int32)
    idf = idf_of(df, n_docs)
    blocks: list[Block] = []
    while chunks:
        lengths, terms, counts, size = chunks.pop(0)
        doc = np.repeat(np.arange(size, dtype=np.int64), lengths)
        new = remap[terms]
        keep = new >= 0
        blocks.append(_weighted_block(doc[keep], new[keep], counts[keep], idf, size))
        if stop():
            return None
    row_ids: list[str | None] = [p.id for p in papers]
    hashes = array(_HASH, map(text_hash, papers))
    common = [by_id[i].decode() for i in np.flatnonzero(usable & too_common).tolist()]
    return TermMatrix(terms_kept, df, n_docs, blocks, row_ids, hashes, common=common)


class _Numbering(dict[bytes, int]):
    """term -> number, numbering a new term on first lookup (from C, via `__missing__`)."""

    def __missing__(self, key: bytes) -> int:
        value = self[key] = len(self)
        return value


def _max_df(n_docs: int) -> float:
    # Small libraries (tests, a first import) keep every term: a share means little under 50.
    return MAX_DF_SHARE * n_docs if n_docs >= 50 else float(n_docs)
