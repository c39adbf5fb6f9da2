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
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    # str.isascii() is a flag lookup, not a scan.
    special = [n for n, ascii in enumerate(map(str.isascii, texts)) if not ascii]
    if not special:
        # One join, encode and translate for the whole chunk; byte lengths are text lengths.
        blob = (" " + " ".join(texts) + " ").encode().translate(_WORD_BYTES)
        return blob, list(accumulate(map(_PLUS_ONE, map(len, texts)), initial=0))
    # Only the texts outside ASCII need lower() (slow per character on them) and a look at
    # their other characters: those that are not letters or digits (dashes, curly quotes,
    # symbols, combining marks) are word breaks the byte table cannot see.
    pieces = list(texts)
    for n in special:
        pieces[n] = pieces[n].lower()
    others = "".join([pieces[n] for n in special]).encode("utf-8", "surrogatepass")
    breaks = [
        char
        for char in set(others.translate(None, _ASCII).decode("utf-8", "surrogatepass"))
        if not char.isalnum()
    ]
    for n in special:
        text = pieces[n]
        for char in breaks:
            if char in text:
                text = text.replace(char, " ")
        pieces[n] = text
    encoded = list(map(str.encode, pieces))  # a plain copy for the ASCII ones
    blob = (b" " + b" ".join(encoded) + b" ").translate(_WORD_BYTES)
    return blob, list(accumulate(map(_PLUS_ONE, map(len, encoded)), initial=0))


def normalise_phrases(texts: Sequence[str]) -> tuple[bytes, list[int]] | None:
    """`texts` lower-cased as one chunk of UTF-8 (`b"\\0" + text 0 + b"\\0" + ... + b"\\0"`) and
    where each NUL is; None when a text holds NUL itself (then each text is checked alone)."""
    lowered = list(map(str.lower, texts))
    if any("\0" in text for text in lowered):
        return None
    if all(map(str.isascii, lowered)):
        joined = "\0" + "\0".join(lowered) + "\0"
        return joined.encode(), list(accumulate(map(_PLUS_ONE, map(len, lowered)), initial=0))
    encoded = list(map(_ENCODE, lowered))
    starts = list(accumulate(map(_PLUS_ONE, map(len, encoded)), initial=0))
    return b"\0" + b"\0".join(encoded) + b"\0", starts


WORDS_FORMAT = 1
"""The version of the word form (`normalise_words` and the chunking): a word form saved by
another version (`tui.store.scan_cache`) is used only while this matches. Bump it whenever
either changes what it makes."""

_Chunk = tuple[int, bytes, list[int]]
"""Papers base.. as one bytes object: (base, bytes, where each paper starts + where it ends)."""
WordChunks = list[_Chunk]

_CACHED_WORDS = 64


def _find_word(chunk: _Chunk, word: str, prefixed: list[int], exact: list[int]) -> None:
    """Append to `prefixed` the papers of `chunk` with a word starting with `word`, and to
    `exact` those with `word` itself."""
    base, blob, starts = chunk
    needle = b" " + word.encode()
    whole = needle + b" "
    after = len(needle)
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


class FieldScan:
    """One text field of a snapshot of the papers (`papers[n]` is paper number n, None = a free
    slot), searchable without an index. Each form (words, phrases) is built on first use, or
    ahead with `prepare` (outside any lock, with pauses)."""

    def __init__(self, name: str, papers: Sequence[Paper | None]) -> None:
        self.name = name
        self.papers = papers
        self.size = len(papers)
        self._word_chunks: list[_Chunk] | None = None
        self._phrase_chunks: list[tuple[int, tuple[bytes, list[int]] | None]] | None = None
        self._buckets: dict[str, frozenset[str]] = {}
        self._word_cache: dict[str, tuple[list[int], list[int]]] = {}

    def prepare(
        self, *, words: bool = False, phrases: bool = False, pause: Callable[[], None] | None = None
    ) -> None:
        """Build the word and/or phrase form now; `pause()` runs between chunks (a build thread
        passes one that sleeps now and then, so other threads get the interpreter). Several
        threads may call it at once: each form is a value computed from the snapshot."""
        if words and self._word_chunks is None:
            word_chunks: list[_Chunk] = []
            for base, texts in self._texts():
                word_chunks.append((base, *normalise_words(texts)))
                if pause is not None:
                    pause()
            self._word_chunks = word_chunks
        if phrases and self._phrase_chunks is None:
            phrase_chunks: list[tuple[int, tuple[bytes, list[int]] | None]] = []
            for base, texts in self._texts():
                phrase_chunks.append((base, normalise_phrases(texts)))
                if pause is not None:
                    pause()
            self._phrase_chunks = phrase_chunks

    @property
    def word_chunks(self) -> WordChunks | None:
        """The word form, once built (what `seed_words` takes back in another process)."""
        return self._word_chunks

    def seed_words(self, chunks: WordChunks) -> bool:
        """Take `chunks` as the word form (built before from papers equal to these, in this
        order: the caller vouches for that); False, and nothing taken, when their shape does
        not fit this snapshot (chunk count, bases, papers per chunk)."""
        expected = range(0, self.size, CHUNK_PAPERS)
        if len(chunks) != len(expected):
            return False
        for base, (start, blob, starts) in zip(expected, chunks, strict=True):
            papers = min(CHUNK_PAPERS, self.size - base)
            if start != base or len(starts) != papers + 1 or starts[-1] + 1 != len(blob):
                return False
        self._word_chunks = chunks
        return True

    def has(self, *, words: bool = False, phrases: bool = False) -> bool:
        """True when the forms asked for are built."""
        return (not words or self._word_chunks is not None) and (
            not phrases or self._phrase_chunks is not None
        )

    def _texts(self) -> Iterator[tuple[int, list[str]]]:
        for base in range(0, self.size, CHUNK_PAPERS):
            yield base, field_texts(self.papers[base : base + CHUNK_PAPERS], self.name)

    def _words(self) -> list[_Chunk]:
        if self._word_chunks is None:
            self.prepare(words=True)
        assert self._word_chunks is not None
        return self._word_chunks

    # -- what the build reads ------------------------------------------------------------------

    def segments(self) -> Iterator[tuple[int, list[bytes]]]:
        """Per chunk: the number of its first paper and each paper's words as one bytes object
        (`.split()` gives the words, UTF-8 encoded).

        From the word form when a search built it; else each chunk is normalised for the reader
        alone and not kept: an index build then never holds a second copy of the field (for
        abstracts, about as many bytes as the abstracts themselves: the build's peak)."""
        chunks: Iterable[_Chunk]
        if self._word_chunks is not None:
            chunks = self._word_chunks
        else:
            chunks = ((base, *normalise_words(texts)) for base, texts in self._texts())
        for base, blob, starts in chunks:
            yield base, list(map(blob.__getitem__, map(slice, starts, starts[1:])))

    # -- words ----------------------------------------------------------------------------------

    def word_numbers(self, word: str) -> tuple[list[int], list[int]]:
        """(papers holding a word that starts with `word`, papers holding `word` itself).

        `word` must be a query word: lower case letters and digits only. Answers are cached
        (the scan never changes), so typing "diffusion s", "diffusion so" scans "diffusion" once.
        """
        cached = self._word_cache.get(word)
        if cached is None:
            prefixed: list[int] = []
            exact: list[int] = []
            for chunk in self._words():
                _find_word(chunk, word, prefixed, exact)
            if len(self._word_cache) >= _CACHED_WORDS:
                del self._word_cache[next(iter(self._word_cache))]
            cached = self._word_cache[word] = (prefixed, exact)
        return cached

    def whole_word_numbers(self, words: Sequence[str], prefixes: Sequence[str]) -> list[int]:
        """Papers holding one of `words` exactly or a word starting with one of `prefixes`
        (ascending, no repeats)."""
        needles = [b" " + word.encode() + b" " for word in words]
        needles += [b" " + prefix.encode() for prefix in prefixes]
        found: set[int] = set()
        for base, blob, starts in self._words():
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
            for _base, blob, _starts in self._words():
                raw.update(pattern.findall(blob))
            found = self._buckets[letter] = frozenset(word.decode() for word in raw)
        return found

    # -- phrases --------------------------------------------------------------------------------

    def phrase_numbers(self, phrase: str) -> list[int]:
        """Papers whose lower-cased field contains `phrase` (already lower case)."""
        needle = phrase.encode("utf-8", "surrogatepass")
        if not needle or b"\0" in needle:
            return self._phrase_one_by_one(phrase, 0, self.size)
        if self._phrase_chunks is None:
            self.prepare(phrases=True)
        assert self._phrase_chunks is not None
        found: list[int] = []
        for base, chunk in self._phrase_chunks:
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
