"""A line's segments in as few styled runs as it looks: what is sent to the terminal shrinks.

Each segment reaches the terminal as its style's escape sequence, its text and a reset, about
25 bytes around the text. Lines are built of many segments that look alike: a row's mark,
star and status columns are blanks in their own colours before a title in the row's colour,
an abstract's text and the blanks that pad it to the pane's width come as two segments of one
style. Neighbours with the same style become one segment, and so do blanks after a segment
whose style differs from theirs only in what a blank does not show (its colour, weight or
slant; never its background, an underline or strike, reverse video, a link or what a click
on it does). A list row
goes from eight segments to three or four, an abstract line from four to two.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

_SHOWN_ON_BLANKS = ("underline", "underline2", "strike", "overline", "reverse", "conceal", "blink")
"""Style attributes a blank cell shows (besides its background and link)."""


def merge_alike(segments: Iterable[Segment], sent: ColorSystem | None = None) -> list[Segment]:
    """`segments` with neighbours that look alike joined (see the module docstring).

    With `sent` (the terminal's colour system), for what is written to the terminal only:
    styles are alike when they send the same codes (two shades one colour once downgraded to
    256 colours, say), and what a click does is not compared (it is not sent)."""
    out: list[Segment] = []
    texts: list[str] = []
    run: Style | None = None
    for segment in segments:
        text, style, control = segment
        if control:
            if texts:
                out.append(Segment("".join(texts), run))
                texts = []
            out.append(segment)
            continue
        if texts and (
            _same(run, style, sent) or (not text.strip(" ") and _blank_alike(run, style, sent))
        ):
            texts.append(text)
            continue
        if texts:
            out.append(Segment("".join(texts), run))
        texts, run = [text], style
    if texts:
        out.append(Segment("".join(texts), run))
    return out


def _same(run: Style | None, style: Style | None, sent: ColorSystem | None) -> bool:
    if run is None or style is None or sent is None:
        return run == style
    return _codes(run, sent) == _codes(style, sent) and run.link == style.link


@lru_cache(maxsize=1024)
def _codes(style: Style, sent: ColorSystem) -> str:
    """The codes `style` is sent as in colour system `sent` (Textual's own reckoning, which
    keeps its answer with the style: put back, so that nothing else sees `sent`'s)."""
    kept = style._ansi
    try:
        return Strip.render_ansi(style, sent)
    finally:
        style._ansi = kept


def _blank_alike(run: Style | None, blank: Style | None, sent: ColorSystem | None) -> bool:
    """Whether blanks in style `blank` look the same drawn in style `run`."""
    if run is None or blank is None or run.link != blank.link:
        return False
    if sent is None:
        if run.bgcolor != blank.bgcolor or run._meta != blank._meta:
            return False  # (meta: what a click on the cell does)
    elif _background(run, sent) != _background(blank, sent):
        return False
    return not any(getattr(style, name) for style in (run, blank) for name in _SHOWN_ON_BLANKS)


def _background(style: Style, sent: ColorSystem) -> tuple[str, ...] | None:
    bgcolor = style.bgcolor
    return None if bgcolor is None else tuple(bgcolor.downgrade(sent).get_ansi_codes(False))
