"""The ranking matrix stores its term indices in two bytes while the vocabulary fits (a quarter
of the matrix at 100k papers), four past 65,536 terms: scores, the saved file and added rows
are what the same matrix with plain 64-bit indices gives."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from tui.models import Paper
from tui.rank import storage
from tui.rank.matrix import TermMatrix, build_matrix, index_dtype


def papers(count: int, words_each: int, start: int = 0) -> list[Paper]:
    # Paper n holds terms w<n>x<k> and w<n-1>x<k> (so each term is in two papers: MIN_DF) and
    # a few shared ones, repeated unevenly so the weights differ.
    out = []
    for n in range(start, start + count):
        own = [f"w{m}x{k}" for m in (n, n - 1) for k in range(words_each)]
        shared = [f"shared{(n * k) % 17}" for k in range(1, 6)] * (1 + n % 3)
        out.append(Paper(id=f"p{n}", title=f"title{n % 11} words", abstract=" ".join(own + shared)))
    return out


def widened(matrix: TermMatrix) -> TermMatrix:
    """The same matrix with 64-bit indices (the straightforward form)."""
    wide = [dataclasses.replace(b, indices=b.indices.astype(np.int64)) for b in matrix.blocks]
    copy = TermMatrix(
        list(matrix.terms),
        matrix.df.copy(),
        matrix.n_docs,
        wide,
        list(matrix.row_ids),
        list(matrix.hashes),
        matrix.built_rows,
        base_idf=matrix.base_idf.copy(),
    )
    return copy


def weights(matrix: TermMatrix) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(matrix.n_terms).astype(np.float32)


def test_index_dtype_is_two_bytes_up_to_65536_terms() -> None:
    assert index_dtype(1) is np.uint16 and index_dtype(1 << 16) is np.uint16
    assert index_dtype((1 << 16) + 1) is np.int32


def test_small_vocabulary_scores_equal_the_wide_form_and_survive_saving(tmp_path: Path) -> None:
    matrix = build_matrix(papers(300, 5))
    assert matrix is not None and matrix.n_terms < 1 << 16
    assert all(block.indices.dtype == np.uint16 for block in matrix.blocks)
    w = weights(matrix)
    expected = widened(matrix).scores(w)
    assert np.array_equal(matrix.scores(w), expected)
    assert np.array_equal(matrix.centroid(), widened(matrix).centroid())
    path = tmp_path / "m.bin"
    assert storage.save(path, matrix, "fp")
    loaded = storage.load(path)
    assert loaded is not None
    again, fingerprint = loaded
    assert fingerprint == "fp"
    assert all(block.indices.dtype == np.uint16 for block in again.blocks)
    assert np.array_equal(again.scores(w), expected)


def test_a_vocabulary_growing_past_65536_terms_widens_and_scores_the_same(tmp_path: Path) -> None:
    # 65,5xx terms at the build (two-byte indices), then added papers bring a few hundred more.
    matrix = build_matrix(papers(8180, 8))
    assert matrix is not None and 65_000 < matrix.n_terms <= 1 << 16
    assert matrix.blocks[0].indices.dtype == np.uint16
    matrix.add(papers(120, 8, start=9000))
    assert matrix.n_terms > 1 << 16
    assert matrix.blocks[-1].indices.dtype == np.int32
    assert matrix.blocks[0].indices.dtype == np.uint16  # old rows are not rewritten
    w = weights(matrix)
    expected = widened(matrix).scores(w)
    assert np.array_equal(matrix.scores(w), expected)
    path = tmp_path / "m.bin"
    assert storage.save(path, matrix, "fp")
    loaded = storage.load(path)
    assert loaded is not None
    assert all(block.indices.dtype == np.int32 for block in loaded[0].blocks)
    assert np.array_equal(loaded[0].scores(w), expected)
