"""Writing untrusted text (titles, names, notes) into TeX and Markdown so it reads back as itself.

Owns two escapers the exports use, pure functions of one string:

- `escape_bibtex`: a BibTeX field value. `$...$` spans that are TeX maths stay maths (arXiv's own
  BibTeX keeps them, and LaTeX typesets them); the rest is literal text: `& % # _ $` get a
  backslash, `\\ ~ ^` become `\\textbackslash{}` and friends, paired braces `\\{ \\}`. Braces
  must balance both the way BibTeX counts them (every brace, escaped or not) and the way
  bibtexparser 2 does (escaped ones skipped), so a lone brace becomes `\\ensuremath{\\lbrace}`.
  pylatexenc (the decoder bibtexparser 2 and pybtex users rely on) reads each of these back as
  the character (`^` as the look-alike U+02C6), so a title survives a reference manager.
- `escape_markdown`: CommonMark inline text, escaping only what would be syntax where it stands,
  so `R&D`, `x_1` and `{Braces}` read as they are and nothing turns into a link, image or HTML.
"""

from __future__ import annotations

import re

from tui.models import clean_text

# Markdown (CommonMark, plus what GFM and Obsidian add). Always escaped: code spans, emphasis,
# links and images, raw HTML and autolinks, strikethrough (GFM).
_MD_ALWAYS = frozenset("`*[]<~")
_MD_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_MD_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# At the start of a list item's text: a heading, quote, nested list or thematic break marker.
_MD_BLOCK_START = re.compile(r">|[+-](?=\s|$)|-(?=-)|\d{1,9}[.)](?=\s|$)")

# BibTeX text outside maths: each special becomes a command that reads back as the character
# (pylatexenc, which bibtexparser 2 and pybtex use, decodes every one of these to it).
_BIBTEX_ESCAPES: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
}
_BIBTEX_SPECIAL = re.compile(r"[\\{}~^&%$#_]")
# A brace with no partner: BibTeX counts `\{` as an opening brace, so a lone `\{` would end the
# entry early. LaTeX's own default `\textbraceleft` is this, and both brace counts stay even.
_LONE_BRACE = {"{": r"\ensuremath{\lbrace}", "}": r"\ensuremath{\rbrace}"}
# TeX maths in a title, by pandoc's rule: `$` opens before a non-space, closes after one and not
# before a digit, so "from $5 to $10" stays text.
_TEX_MATH = re.compile(r"(?<!\\)\$(?=[^\s$])([^$]*?[^\s\\$])\$(?!\d)")
# Inside maths these would end the value (`%`), break LaTeX (`#`, `&`) or unbalance braces.
_MATH_UNSAFE = re.compile(r"(?<!\\)[%#&]")


def escape_markdown(text: str, *, line_start: bool = False) -> str:
    """`text` as Markdown inline text that renders as exactly `text`: no link, image or HTML.

    Backslash-escapes only what would be syntax in context: a `_` inside a word, a `&` that does
    not start an entity or a `\\` before a letter are left alone. `line_start`: the text begins a
    list item's content, where `-`, `+`, `>` and `1.` would start a block.
    """
    out: list[str] = []
    last = len(text) - 1
    for i, char in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i < last else " "
        if char in _MD_ALWAYS:
            escape = True
        elif char == "\\":  # an escape itself only before punctuation (or at the end, before `]`)
            escape = i == last or after in _MD_PUNCTUATION
        elif char == "_":  # intraword `_` never emphasises in CommonMark
            escape = not (before.isalnum() and after.isalnum())
        elif char == "&":
            escape = _MD_ENTITY.match(text, i) is not None
        elif char == "#":  # a heading at the start; a tag in Obsidian & co at a word's start
            escape = i == 0 or (before.isspace() and not after.isspace())
        else:
            escape = False
        out.append("\\" + char if escape else char)
    escaped = "".join(out)
    if line_start:
        block = _MD_BLOCK_START.match(escaped)
        if block:
            cut = block.end() - 1
            escaped = f"{escaped[:cut]}\\{escaped[cut:]}"
    return escaped


def _safe_math(body: str) -> bool:
    """Whether `$body$` can go into a BibTeX value as it is: braces even however counted."""
    if _MATH_UNSAFE.search(body):
        return False
    # BibTeX counts every brace; bibtexparser 2 skips escaped ones: both must balance.
    for braces in (re.findall(r"[{}]", body), re.findall(r"(?<!\\)[{}]", body)):
        depth = 0
        for brace in braces:
            depth += 1 if brace == "{" else -1
            if depth < 0:
                return False
        if depth:
            return False
    return True


def _escape_bibtex_text(text: str, lone: set[int], offset: int) -> str:
    def replace(match: re.Match[str]) -> str:
        char = match.group(0)
        if char in "{}":
            return _LONE_BRACE[char] if match.start() + offset in lone else "\\" + char
        return _BIBTEX_ESCAPES[char]

    return _BIBTEX_SPECIAL.sub(replace, text)


def escape_bibtex(text: str) -> str:
    """`text` as a BibTeX value with balanced braces: literal text, TeX maths kept as maths.

    `$...$` spans that are safe TeX maths stay as they are (as arXiv's own BibTeX has them);
    everything else reads back as the very characters of `text`: specials become `\\&`,
    `\\textbackslash{}` and the like, paired braces `\\{ \\}`, a lone brace `\\ensuremath{\\lbrace}`.
    """
    text = clean_text(text)
    spans = [m.span() for m in _TEX_MATH.finditer(text) if _safe_math(m.group(1))]
    # Pair the braces of the text outside maths; the unpaired ones are `lone`.
    lone: set[int] = set()
    opened: list[int] = []
    start = 0
    for end, next_start in [*spans, (len(text), len(text))]:
        for i in range(start, end):
            if text[i] == "{":
                opened.append(i)
            elif text[i] == "}":
                if opened:
                    opened.pop()
                else:
                    lone.add(i)
        start = next_start
    lone.update(opened)
    out: list[str] = []
    start = 0
    for begin, end in spans:
        out.append(_escape_bibtex_text(text[start:begin], lone, start))
        out.append(text[begin:end])
        start = end
    out.append(_escape_bibtex_text(text[start:], lone, start))
    return "".join(out)
