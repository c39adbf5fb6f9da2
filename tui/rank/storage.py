"""The saved TF-IDF matrix: `<home>/cache/rank-matrix.bin`, a derived file that is always safe
to delete.

Building the matrix takes seconds at 100k papers; reading it back takes a fraction of one. The
file holds a short JSON header (format, paperdeck version, the catalog fingerprint it was built
from, the row ids, the vocabulary, a CRC of the payload) and then the raw arrays. It is written
atomically (`tui.atomic`), so a kill mid-write leaves the old file or the new one, never a torn
one. Anything wrong with it - missing, truncated, a bad CRC, an older format - makes `load`
return None and the caller rebuilds; it is never an error the user sees.

A fingerprint that no longer matches (an import or sync since) does not discard the file: the
engine brings the rows up to date from the ids and text hashes it holds (see `tui.rank.engine`).
"""

from __future__ import annotations

import contextlib
import struct
import zlib
from array import array
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from tui import __version__
from tui.atomic import atomic_write_parts
from tui.errors import StoreError
from tui.rank.matrix import BLOCK_ROWS, Block, TermMatrix, index_dtype
from tui.rank.tokens import TITLE_WEIGHT

MAGIC = b"PDRANK1\n"
FORMAT = 3  # 2: the base IDF rows are weighted with; 3: term indices in `index_dtype`
_LENGTH = struct.Struct("<Q")
_TOKENS = {"title_weight": TITLE_WEIGHT}
"""The tokenising rules a saved matrix was made with; a file made with others is rebuilt."""


def matrix_path(home: Path) -> Path:
    """Where a library's ranking matrix lives (inside the library's own folder)."""
    return home / "cache" / "rank-matrix.bin"


def save(path: Path, matrix: TermMatrix, fingerprint: object) -> bool:
    """Write `matrix` atomically; False (and the old file intact) when it cannot be written."""
    indptr_parts = [np.zeros(1, dtype=np.int64)]
    offset = 0
    for block in matrix.blocks:
        indptr_parts.append(block.indptr[1:] + offset)
        offset += int(block.indptr[-1])
    indices = np.dtype(index_dtype(matrix.n_terms))
    arrays = [
        np.concatenate(indptr_parts),
        *(block.indices.astype(indices, copy=False) for block in matrix.blocks),
        *(block.data for block in matrix.blocks),
        matrix.df.astype(np.int32),
        matrix.base_idf.astype(np.float32),
        np.asarray(matrix.hashes, dtype=np.uint32),
    ]
    crc = 0
    for part in arrays:
        crc = zlib.crc32(_bytes_of(part), crc)
    header = orjson.dumps(
        {
            "format": FORMAT,
            "version": __version__,
            "fingerprint": fingerprint,
            "rows": matrix.row_ids,
            "built_rows": matrix.built_rows,
            "terms": matrix.terms,
            "common": sorted(term.decode() for term in matrix.common),
            "n_docs": matrix.n_docs,
            "tokens": _TOKENS,
            "nnz": offset,
            "indices": indices.str,
            "crc": crc,
        }
    )
    parts: list[bytes | memoryview] = [MAGIC, _LENGTH.pack(len(header)), header]
    parts += [_bytes_of(a) for a in arrays]
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write_parts(path, parts, what="ranking matrix")
    except (StoreError, OSError):
        return False
    return True


def _bytes_of(array: np.ndarray) -> memoryview:
    return np.ascontiguousarray(array).data.cast("B")


def load(path: Path) -> tuple[TermMatrix, Any] | None:
    """(the saved matrix, the fingerprint it was built from), or None when there is none that
    can be trusted (a damaged or foreign file is removed)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        return _parse(raw)
    except Exception:  # any damage at all: rebuild, never fail
        discard(path)
        return None


def discard(path: Path) -> None:
    """Remove the saved matrix (it is only derived data)."""
    with contextlib.suppress(OSError):
        path.unlink()


def _parse(raw: bytes) -> tuple[TermMatrix, Any]:
    if not raw.startswith(MAGIC):
        raise ValueError("not a ranking matrix")
    start = len(MAGIC)
    (size,) = _LENGTH.unpack_from(raw, start)
    start += _LENGTH.size
    header = orjson.loads(raw[start : start + size])
    if header.get("format") != FORMAT or header.get("version") != __version__:
        raise ValueError("another format")
    if header.get("tokens") != _TOKENS:
        raise ValueError("made with other tokenising rules")
    start += size
    rows: list[str | None] = header["rows"]
    terms: list[str] = header["terms"]
    n_rows, n_terms, nnz = len(rows), len(terms), int(header["nnz"])
    indices_type = np.dtype(index_dtype(n_terms))
    if header.get("indices") != indices_type.str:
        raise ValueError("term indices of another size")
    buffer = memoryview(raw)
    expected = (n_rows + 1) * 8 + nnz * (indices_type.itemsize + 4) + n_terms * 8 + n_rows * 4
    if len(raw) - start != expected:
        raise ValueError("truncated")
    if zlib.crc32(buffer[start:]) != header["crc"]:
        raise ValueError("bad checksum")

    def take(dtype: Any, count: int) -> np.ndarray:
        nonlocal start
        array = np.frombuffer(buffer, dtype=dtype, count=count, offset=start)
        start += array.nbytes
        return array

    indptr = take(np.int64, n_rows + 1)
    indices = take(indices_type, nnz)
    data = take(np.float32, nnz)
    df = take(np.int32, n_terms).copy()
    base_idf = take(np.float32, n_terms).copy()
    hashes = array("I", take(np.uint32, n_rows).tobytes())
    if indptr[0] != 0 or indptr[-1] != nnz or np.any(np.diff(indptr) < 0):
        raise ValueError("bad row pointers")
    if not np.all(base_idf > 0):
        raise ValueError("bad base IDF")
    if nnz and (int(indices.min()) < 0 or int(indices.max()) >= n_terms):
        raise ValueError("bad term index")
    blocks = []
    for lo in range(0, n_rows, BLOCK_ROWS):
        hi = min(lo + BLOCK_ROWS, n_rows)
        a, b = int(indptr[lo]), int(indptr[hi])
        blocks.append(Block(indptr[lo : hi + 1] - a, indices[a:b], data[a:b]))
    matrix = TermMatrix(
        terms,
        df,
        int(header["n_docs"]),
        blocks,
        rows,
        hashes,
        int(header["built_rows"]),
        common=header["common"],
        base_idf=base_idf,
    )
    return matrix, header["fingerprint"]
