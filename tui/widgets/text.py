"""Making untrusted text (titles, abstracts, authors, tags, notes) safe to draw.

The store strips control characters on import (models.clean_text); widgets strip them again on
their own, so an escape sequence never reaches the terminal whatever path a string took. Text is
always drawn as text (Content / Segment), never parsed as markup; this module only deals with
the characters themselves.
"""

from __future__ import annotations

_CONTROL = {i: " " for i in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}
_CONTROL_KEEP_NEWLINE = {k: v for k, v in _CONTROL.items() if k != 0x0A}


def safe_text(text: object, *, keep_newlines: bool = False) -> str:
    """`text` with every control character (ESC, BEL, CR, …) replaced by a space."""
    if text is None:
        return ""
    table = _CONTROL_KEEP_NEWLINE if keep_newlines else _CONTROL
    return str(text).translate(table)
