"""Searching a text field without an index, at C speed: `FieldScan`.

A `FieldScan` holds one text field of a snapshot of the papers as normalised bytes: each paper's
text lower-cased, with every character that is not a letter or digit turned into a space (so its
`.split()` gives the words `tui.query.text.word_set` finds), UTF-8 encoded, after a space; a few
hundred papers make one chunk, with a list of where each paper starts. Then

* "a word of this paper starts with `diffu`" is `chunk.find(b" diffu")` and "a word equals
  `diffusion`" is `chunk.find(b" diffusion ")`: `bytes.find` runs in C, and after a hit the scan
  jumps to the next paper, so Python does work per *matching paper*, not per word or byte;
* a phrase (a case-insensitive substring) is `find` over a second, lazily built copy of the lower
  cased text with NUL between papers.

It serves the searches the word index cannot answer yet - the one-shot `Searcher(papers).search()`
the CLI runs, the first second of the app, abstracts until stage 2 of the build is done - and it is
the tokeniser the build reads its words from (`segments`). A scan is immutable: the searcher keeps a
note of the papers changed since its snapshot and checks those one by one.

Why UTF-8 bytes: a `str` holding a single emoji costs four bytes per character; the byte search of
a UTF-8 needle can only match on character boundaries (UTF-8 is self-synchronising), so it finds
exactly what a `str` search would.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate
from operator import attrgetter, methodcaller

from tui.models import Paper

CHUNK_PAPERS = 256
"""Papers per chunk: small enough that one C call on a chunk never holds the GIL for long."""

_SPACE = 32
_WORD_BYTES = bytes(
    byte + 32
    if 65 <= byte <= 90
    else byte
    if (48 <= byte <= 57 or 97 <= byte <= 122 or byte >= 128)
    else _SPACE
    for byte in range(256)
)
"""UTF-8 translation table: ASCII upper case -> lower case, ASCII letters and digits and every
byte of a multi-byte character kept, the rest -> space."""

_NON_ASCII_NON_WORD = re.compile(r"[^\w\x00-\x7f]")
"""A character outside ASCII that is not a letter or digit (a dash, a curly quote, a combining
mark, a lone surrogate): a word boundary the byte table cannot see, so it becomes a space first."""


_ASCII = bytes(range(128))
_PLUS_ONE = (1).__add__  # a text's length plus its separator
_ENCODE = methodcaller("encode", "utf-8", "surrogatepass")


def field_text(paper: Paper, name: str) -> str:
    """One searchable text field of a paper ("authors" is the names joined by ", ")."""
    if name == "title":
        return paper.title
    if name == "authors":
        return ", ".join(paper.authors)
    return paper.abstract


_TEXT_OF: dict[str, Callable[[Paper | None], str]] = {
    "title": attrgetter("title"),
    "abstract": attrgetter("abstract"),
}


def field_texts(papers: Sequence[Paper | None], name: str) -> list[str]:
    """Field `name` of each paper ("" for a free slot), without a Python call per paper."""
    if not all(papers):  # a free slot (Paper objects are always true)
        return [field_text(paper, name) if paper is not None else "" for paper in papers]
    if name == "authors":
        return list(map(", ".join, map(attrgetter("authors"), papers)))
    return list(map(_TEXT_OF[name], papers))


def normalise_words(texts: Sequence[str]) -> tuple[bytes, list[int]]:
    """`texts` as one chunk of word bytes, and where each paper starts (the last entry: the end).

    Paper n is `b" "` + its text lower-cased with every character but letters and digits turned
    into spaces, UTF-8 encoded; a final space ends the chunk. So `b" " + word` finds the papers
    with a word starting with `word`, and each paper's `.split()` is `word_set(text)`.
    """
    joined = " " + " ".join(texts) + " "
    if joined.isascii():
        # One translate for the whole chunk; byte lengths are character lengths.
        blob = joined.encode().translate(_WORD_BYTES)
        starts = list(accumulate(map(_PLUS_ONE, map(len, texts)), initial=0))
        return blob, starts
    lowered = list(map(str.lower, texts))
    encoded = list(map(_ENCODE, lowered))
    body = b" ".join(encoded)
    # The characters outside ASCII, all together: when they are all letters or digits (accents
    # in names, Greek letters), the byte table alone finds the words.
    if not body.translate(None, _ASCII).decode("utf-8", "surrogatepass").isalnum():
        cleaned = [
            text if text.isascii() else _NON_ASCII_NON_WORD.sub(" ", text) for text in lowered
        ]
        encoded = list(map(_ENCODE, cleaned))
        body = b" ".join(encoded)
    starts = list(accumulate(map(_PLUS_ONE, map(len, encoded)), initial=0))
    return (b" " + body + b" ").translate(_WORD_BYTES), starts


def _normalise_phrases(texts: Sequence[str]) -> tuple[bytes, list[int]] | None:
    """`texts` lower-cased as one chunk of UTF-8 (`b"\\0" + text 0 + b"\\0" + ... + b"\\0"`) and
    where each NUL is; None when a text holds NUL itself (then each text is checked alone)."""
    joined = "\0" + "\0".join(texts) + "\0"
    if joined.count("\0") != len(texts) + 1:
        return None
    blob = joined.lower().encode("utf-8", "surrogatepass")
    pieces = blob.split(b"\0")
    starts = list(accumulate(map(_PLUS_ONE, map(len, pieces[:-1])), initial=-1))
    del starts[0]
    return blob, starts


class _Chunk:
    """Papers base .. base+len(starts)-2 as one bytes object; `starts[n]` is where paper base+n
    begins (its NUL), the last entry where the chunk ends."""

    __slots__ = ("base", "blob", "starts")

    def __init__(self, base: int, blob: bytes, starts: list[int]) -> None:
        self.base = base
        self.blob = blob
        self.starts = starts


class FieldScan:
    """One text field of a snapshot of the papers (`papers[n]` is paper number n, None = a free
    slot), searchable without an index. Build with `FieldScan.build`."""

    def __init__(self, name: str, papers: Sequence[Paper | None], chunks: list[_Chunk]) -> None:
        self.name = name
        self.papers = papers
        self.size = len(papers)
        self._chunks = chunks
        self._phrase_chunks: list[tuple[int, tuple[bytes, list[int]] | None]] | None = None
        self._buckets: dict[str, frozenset[str]] = {}

    @classmethod
    def build(
        cls, name: str, papers: Sequence[Paper | None], pause: Callable[[], None] | None = None
    ) -> FieldScan:
        """Normalise field `name` of every paper; `pause()` runs between chunks (a build thread
        passes `time.sleep(0)` there so other threads get the interpreter)."""
        chunks: list[_Chunk] = []
        for base in range(0, len(papers), CHUNK_PAPERS):
            texts = field_texts(papers[base : base + CHUNK_PAPERS], name)
            blob, starts = normalise_words(texts)
            chunks.append(_Chunk(base, blob, starts))
            if pause is not None:
                pause()
        return cls(name, papers, chunks)

    # -- what the build reads ------------------------------------------------------------------

    def segments(self) -> Iterator[tuple[int, list[bytes]]]:
        """Per chunk: the number of its first paper and each paper's words as one bytes object
        (`.split()` gives the words, UTF-8 encoded)."""
        for chunk in self._chunks:
            blob, starts = chunk.blob, chunk.starts
            yield chunk.base, list(map(blob.__getitem__, map(slice, starts, starts[1:])))

    # -- words ----------------------------------------------------------------------------------

    def word_numbers(self, word: str) -> tuple[list[int], list[int]]:
        """(papers holding a word that starts with `word`, papers holding `word` itself).

        `word` must be a query word: lower case letters and digits only.
        """
        needle = b" " + word.encode()
        whole = needle + b" "
        after = len(needle)
        prefixed: list[int] = []
        exact: list[int] = []
        for chunk in self._chunks:
            blob, starts, base = chunk.blob, chunk.starts, chunk.base
            find = blob.find
            at = find(needle)
            while at >= 0:
                number = bisect_right(starts, at) - 1
                end = starts[number + 1]
                prefixed.append(base + number)
                # A space follows every paper (the next one's first byte, or the final one).
                if blob[at + after] == _SPACE or find(whole, at, end + 1) >= 0:
                    exact.append(base + number)
                at = find(needle, end)
        return prefixed, exact

    def whole_word_numbers(self, words: Sequence[str], prefixes: Sequence[str]) -> list[int]:
        """Papers holding one of `words` exactly or a word starting with one of `prefixes`
        (ascending, no repeats)."""
        needles = [b" " + word.encode() + b" " for word in words]
        needles += [b" " + prefix.encode() for prefix in prefixes]
        found: set[int] = set()
        for chunk in self._chunks:
            blob, starts, base = chunk.blob, chunk.starts, chunk.base
            find = blob.find
            for needle in needles:
                at = find(needle)
                while at >= 0:
                    number = bisect_right(starts, at) - 1
                    found.add(base + number)
                    at = find(needle, starts[number + 1])
        return sorted(found)

    def words_starting_with(self, letter: str) -> frozenset[str]:
        """Every distinct word of the field that starts with `letter` (typo candidates)."""
        found = self._buckets.get(letter)
        if found is None:
            pattern = re.compile(b" (" + re.escape(letter.encode()) + b"[^ ]*)")
            raw: set[bytes] = set()
            for chunk in self._chunks:
                raw.update(pattern.findall(chunk.blob))
            found = self._buckets[letter] = frozenset(word.decode() for word in raw)
        return found

    # -- phrases --------------------------------------------------------------------------------

    def phrase_numbers(self, phrase: str) -> list[int]:
        """Papers whose lower-cased field contains `phrase` (already lower case)."""
        needle = phrase.encode("utf-8", "surrogatepass")
        if not needle or b"\0" in needle:
            return self._phrase_one_by_one(phrase, 0, self.size)
        found: list[int] = []
        for base, chunk in self._phrase_blobs():
            if chunk is None:
                found += self._phrase_one_by_one(phrase, base, base + CHUNK_PAPERS)
                continue
            blob, starts = chunk
            find = blob.find
            at = find(needle)
            while at >= 0:
                number = bisect_right(starts, at) - 1
                found.append(base + number)
                at = find(needle, starts[number + 1])
        return found

    def _phrase_one_by_one(self, phrase: str, start: int, stop: int) -> list[int]:
        return [
            number
            for number, paper in enumerate(self.papers[start:stop], start)
            if paper is not None and phrase in field_text(paper, self.name).lower()
        ]

    def _phrase_blobs(self) -> list[tuple[int, tuple[bytes, list[int]] | None]]:
        if self._phrase_chunks is None:
            self._phrase_chunks = [
                (
                    base,
                    _normalise_phrases(
                        field_texts(self.papers[base : base + CHUNK_PAPERS], self.name)
                    ),
                )
                for base in range(0, self.size, CHUNK_PAPERS)
            ]
        return self._phrase_chunks
