"""Bidi controls and invisible format characters never get into the store (issue 10, item 16).

They reorder text (U+202E shows "gpj.exe" as "exe.jpg"), hide it (U+200B, tag characters), or
are measured differently by the terminal and the layout, which pushes columns out of line.
Legitimate right-to-left text - Arabic and Hebrew letters - is kept as it is, and so are the
joiners ZWNJ and ZWJ, which Persian and Indic spelling and emoji sequences need.
"""

from __future__ import annotations

import json

import pytest

from tui.importers import parse_bytes
from tui.models import clean_multiline, clean_text

INVISIBLE = {
    "\u00ad": "soft hyphen",
    "\u061c": "arabic letter mark",
    "\u180e": "mongolian vowel separator",
    "\u200b": "zero width space",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
    "\u2060": "word joiner",
    "\u2061": "function application",
    "\u2062": "invisible times",
    "\u2063": "invisible separator",
    "\u2064": "invisible plus",
    "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate",
    "\u2069": "pop directional isolate",
    "\u206a": "inhibit symmetric swapping",
    "\u206f": "nominal digit shapes",
    "\ufeff": "zero width no-break space (BOM)",
    "\ufff9": "interlinear annotation anchor",
    "\ufffb": "interlinear annotation terminator",
    "\U000e0001": "language tag",
    "\U000e0041": "tag latin capital letter a",
    "\U000e007f": "cancel tag",
}


@pytest.mark.parametrize("char", list(INVISIBLE), ids=list(INVISIBLE.values()))
def test_each_invisible_character_is_removed(char: str) -> None:
    assert clean_text(f"Diffu{char}sion {char}models{char}") == "Diffusion models"
    assert clean_text(f"{char} a {char} b {char}") == "a b"
    assert clean_multiline(f"first{char} line\n\nsec{char}ond") == "first line\n\nsecond"


@pytest.mark.parametrize(
    "text",
    [
        "نماذج الانتشار للصور",  # Arabic
        "מודלי דיפוזיה",  # Hebrew
        "می\u200cخواهم",  # Persian with ZWNJ, which its spelling needs
        "Schrödinger Bridges 🚀 for 👍🏽 flows",  # emoji and a skin-tone modifier
        "👩\u200d🔬 scientists",  # a ZWJ emoji sequence: ZWJ is kept (scripts and emoji need it)
        "Ǆemal's naïve café",
    ],
)
def test_letters_of_every_script_are_kept(text: str) -> None:
    assert clean_text(text) == text
    assert clean_multiline(text) == text


def test_clean_text_otherwise_behaves_as_before() -> None:
    assert clean_text(None) == ""
    assert clean_text("  a \t b\n c  ") == "a b c"
    assert clean_text("a\x1b[31mb\x07c\x9bd") == "a [31mb c d"
    assert clean_text(42) == "42"
    assert clean_multiline("  one  \n\n two\x1b ") == "one\n\ntwo"


def test_importers_strip_them_from_titles_authors_and_abstracts() -> None:
    payload = [
        {
            "paper": {
                "id": "2608.00001",
                "title": "Sneaky \u202egpj.exe\u202c title\u200b",
                "summary": "An \u2066abstract\u2069 with \ufeffhidden\U000e0041 text.",
                "authors": [{"name": "Ada\u200f Lovelace"}, {"name": "\u061cعلي"}],
                "ai_keywords": ["diff\u2060usion"],
            }
        }
    ]
    paper = parse_bytes(json.dumps(payload), "x.json").papers[0]
    assert paper.title == "Sneaky gpj.exe title"
    assert paper.abstract == "An abstract with hidden text."
    assert paper.authors == ["Ada Lovelace", "علي"]
    assert paper.ai_keywords == ["diffusion"]


def test_a_lone_surrogate_becomes_a_replacement_character() -> None:
    assert clean_text("a\ud800b \udfff") == "a\ufffdb \ufffd"
    assert clean_multiline("a\ud800\nb") == "a\ufffd\nb"
    clean_text("x\udc80").encode("utf-8")  # writable as UTF-8 now
