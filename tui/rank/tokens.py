"""Tokenising for the ranking: a paper's title and abstract -> the terms its TF-IDF row counts.

A term is a lower-cased run of ASCII letters and digits that starts with a letter and has at
least two characters, minus English stop words and the boilerplate every abstract shares
("propose", "paper", "results"). Title terms count TITLE_WEIGHT times (1: as often as they
occur). Weighting them up (3, then 2) was measured on real arXiv papers and lost precision with
few decisions: a title's generic words ("integrated", "ready", "system") then outweigh the
abstract's specific ones (tests/benchmarks/bench_rank.py). Plain Python (no numpy).

At 100k papers tokenising is most of a matrix build, so it runs in C: `bytes.translate` turns
everything but letters and digits into spaces, `split` cuts (about 3x quicker than a regular
expression here). The build checks the other rules once per distinct term, not per word.
"""

from __future__ import annotations

from collections.abc import Iterable

TITLE_WEIGHT = 1
"""How many times a title term counts against an abstract term."""

_TABLE = bytes(
    c if 48 <= c <= 57 or 97 <= c <= 122 else c + 32 if 65 <= c <= 90 else 32 for c in range(256)
)

_STOP_TEXT = """
    a about above across after again against all almost along also although always am among an
    and another any are around as at be because been before being below between both but by can
    cannot could did do does doing done down during each either else enough etc even ever every
    few for from further had has have having he her here hers him his how however i if in into is
    it its itself just least less like made make makes many may me might more most much must my
    neither no nor not now of off often on once one only onto or other others otherwise our ours
    out over own per perhaps rather same several she should since so some such than that the
    their theirs them themselves then there therefore these they this those though through thus
    to together too toward towards under unless until up upon us use used uses using very via was
    we well were what whatever when where whereas whether which while who whom whose why will
    with within without would yet you your yours
    paper propose proposed proposes present presents show shows shown study studies approach
    approaches method methods result results work works based new novel existing recent recently
    demonstrate demonstrates significantly significant first two three various different
    furthermore moreover respectively addition additionally achieve achieves achieved across
    effective effectively improve improves improved improvement improvements performance task
    tasks introduce introduces introduced provide provides extensive experiments experimental
    available code github https http com www org
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_TEXT.split())


STOP_BYTES: frozenset[bytes] = frozenset(word.encode() for word in STOP_WORDS)


def raw_terms(text: str) -> list[bytes]:
    """The words of one text, lower-cased, as bytes, before the term rules are applied."""
    return text.encode("utf-8", "replace").translate(_TABLE).split()


def acceptable(word: bytes) -> bool:
    """True when a raw word is a term: two characters or more, a letter first, no stop word."""
    return len(word) >= 2 and 97 <= word[0] <= 122 and word not in STOP_BYTES


def terms(text: str) -> list[str]:
    """The terms of one text, in order."""
    return [w.decode() for w in raw_terms(text) if acceptable(w)]


def paper_terms(title: str, abstract: str) -> list[bytes]:
    """The weighted bag of a paper as a flat list of raw words: each title word TITLE_WEIGHT
    times (callers apply `acceptable`)."""
    return raw_terms(title) * TITLE_WEIGHT + raw_terms(abstract)


def keyword_terms(keywords: Iterable[str]) -> list[str]:
    """Interest keywords from config.toml (`"diffusion"`, `"reinforcement learning"`) as terms."""
    found: list[str] = []
    for keyword in keywords:
        found.extend(terms(keyword))
    return list(dict.fromkeys(found))
