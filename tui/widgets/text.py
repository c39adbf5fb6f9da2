"""Making untrusted text (titles, abstracts, authors, tags, notes) safe to draw.

The store cleans text on import (models.clean_text); widgets clean it again on their own, so an
escape sequence never reaches the terminal whatever path a string took. Text is always drawn as
text (Content / Segment), never parsed as markup; this module only deals with the characters
themselves, through the core's one output guard (`models.terminal_safe`).
"""

from __future__ import annotations

from tui.models import terminal_safe


def safe_text(text: object, *, keep_newlines: bool = False) -> str:
    """`text` without escape sequences, invisible format or control characters (see
    `models.terminal_safe`): ESC, BEL, CR, … become spaces, bidi overrides disappear."""
    return terminal_safe(text, keep_newlines=keep_newlines)
