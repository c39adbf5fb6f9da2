"""Recognising an input's format from its content, and the file/bytes entry points.

The extension says nothing (a saved page may be `.html`, `.txt` or nothing at all), so the
format comes from the content: JSON starts with `[` or `{`; XML is told apart by its root
element (`<feed>` Atom, `<rss>` RSS); an HTML page is refused with a hint to save the page as
text; anything else must read like a saved Hugging Face Papers page.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from tui.errors import InputFormatError, UsageError
from tui.importers.arxiv_atom import parse_arxiv_atom
from tui.importers.arxiv_rss import parse_arxiv_rss
from tui.importers.common import DEFAULT_NAME, ParseResult, decode_input, refuse_dtd
from tui.importers.hf_json import parse_hf_json
from tui.importers.hf_page import looks_like_hf_page, parse_hf_page

_HTML_DOCTYPE = re.compile(r"<!doctype\s+html", re.IGNORECASE)
# The first element tag after any XML declaration, comments, processing instructions or DTD.
_ROOT_TAG = re.compile(r"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_PROLOG_NOISE = re.compile(r"<\?.*?\?>|<!--.*?-->", re.DOTALL)


def detect_format(data: str | bytes, name: str = DEFAULT_NAME) -> str:
    """The format of an input: "hf-page", "hf-json", "arxiv-atom" or "arxiv-rss".

    Raises InputFormatError (naming `name`) for empty, binary or HTML input and for anything
    that is none of the four; it never returns an unknown format.
    """
    text = decode_input(data, name)
    head = text.lstrip()
    if head[:1] in "[{":
        return "hf-json"
    if head.startswith("<"):
        prolog = _PROLOG_NOISE.sub("", head[:8192]).lstrip()
        if _HTML_DOCTYPE.match(prolog):
            raise _html_error(name)
        refuse_dtd(head, name)
        match = _ROOT_TAG.match(prolog)
        root = match.group(2).lower() if match else ""
        if root == "feed":
            return "arxiv-atom"
        if root == "rss":
            return "arxiv-rss"
        if root in {"html", "head", "body", "div", "meta", "title"}:
            raise _html_error(name)
        what = f"an XML document with root <{root}>" if root else "markup"
        raise InputFormatError(f"{name}: {what}, not an arXiv Atom or RSS feed (unknown format)")
    if looks_like_hf_page(text):
        return "hf-page"
    raise InputFormatError(
        f"{name}: unknown format: not a saved Hugging Face Papers page, Hugging Face JSON, "
        "or an arXiv Atom/RSS feed"
    )


def parse_bytes(
    data: bytes | str, name: str = DEFAULT_NAME, *, today: date | None = None
) -> ParseResult:
    """Detect the format of `data` and parse it; errors name `name`. `today` dates HF pages."""
    text = decode_input(data, name)
    fmt = detect_format(text, name)
    if fmt == "hf-page":
        return parse_hf_page(text, name=name, today=today)
    if fmt == "hf-json":
        return parse_hf_json(text, name=name)
    if fmt == "arxiv-atom":
        return parse_arxiv_atom(text, name=name)
    return parse_arxiv_rss(text, name=name)


def parse_file(path: Path | str, *, today: date | None = None) -> ParseResult:
    """Read a file and parse it by content. A missing path or a folder is a UsageError."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{file}: is a folder, not a file") from None
    except OSError as exc:
        raise InputFormatError(f"{file}: cannot read: {exc.strerror or exc}") from None
    return parse_bytes(data, str(file), today=today)


def _html_error(name: str) -> InputFormatError:
    return InputFormatError(
        f"{name}: looks like an HTML page; save the page as text (or copy its text) and import that"
    )
