"""Decoding the TeX accent escapes arXiv metadata carries in author names (`Vall\\'ee`).

Table-driven and deliberately small: the accent commands (`\\'e`, `\\"{o}`, `{\\c c}`,
`\\v{s}`, ...) become a letter plus a combining mark, NFC-composed; the special letters
(`\\o`, `\\ss`, `\\l`, `\\aa`, ...) map to their Unicode forms; braces left around a single
letter are dropped. Anything else (math, unknown macros) is left as written.
"""

from __future__ import annotations

import re
import unicodedata

# Accent command -> Unicode combining character.
_SYMBOL_ACCENTS: dict[str, str] = {
    "'": "\u0301",  # acute
    "`": "\u0300",  # grave
    "^": "\u0302",  # circumflex
    '"': "\u0308",  # diaeresis
    "~": "\u0303",  # tilde
    "=": "\u0304",  # macron
    ".": "\u0307",  # dot above
}
_LETTER_ACCENTS: dict[str, str] = {
    "u": "\u0306",  # breve
    "v": "\u030c",  # caron
    "H": "\u030b",  # double acute
    "c": "\u0327",  # cedilla
    "k": "\u0328",  # ogonek
    "r": "\u030a",  # ring above
    "d": "\u0323",  # dot below
    "b": "\u0331",  # macron below
}
_SPECIAL_LETTERS: dict[str, str] = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "i": "ı",
    "j": "ȷ",
}

_BASE = r"(?:\\[ij](?![A-Za-z])|[A-Za-z])"
_SYMBOL_RE = re.compile(r"\\(['`^\"~=.])\s*(?:\{\s*(" + _BASE + r")\s*\}|(" + _BASE + r"))")
_LETTER_RE = re.compile(r"\\([uvHckrdb])(?:\s*\{\s*(" + _BASE + r")\s*\}|\s+(" + _BASE + r"))")
_SPECIAL_RE = re.compile(
    r"\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])(?:\{\}|\s(?=[A-Za-z]))?"
)
_BRACED_LETTER = re.compile(r"\{(\w)\}")


def _base_letter(token: str) -> str:
    """`\\i` (dotless i, the TeX way to accent an i) -> `i`; a plain letter stays."""
    return {"\\i": "i", "\\j": "j"}.get(token, token)


def decode_tex_accents(text: str) -> str:
    """`Vall\\'ee` -> `Vallée`, `Erd\\H{o}s` -> `Erdős`, `{\\o}rsted` -> `ørsted`."""
    if "\\" not in text:
        return text

    def symbol(match: re.Match[str]) -> str:
        letter = _base_letter(match.group(2) or match.group(3))
        return letter + _SYMBOL_ACCENTS[match.group(1)]

    def letter_accent(match: re.Match[str]) -> str:
        letter = _base_letter(match.group(2) or match.group(3))
        return letter + _LETTER_ACCENTS[match.group(1)]

    out = _SYMBOL_RE.sub(symbol, text)
    out = _LETTER_RE.sub(letter_accent, out)
    out = _SPECIAL_RE.sub(lambda m: _SPECIAL_LETTERS[m.group(1)], out)
    out = unicodedata.normalize("NFC", out).replace("{}", "")  # `{}` ends a macro: drop it
    return _BRACED_LETTER.sub(r"\1", out)
