"""Recognising an input's format from its content, and the file/bytes entry points.

The extension says nothing (a saved page may be `.html`, `.txt` or nothing at all), so the
format comes from the content: JSON starts with `[` or `{` and is paperdeck's own export when
its records carry the user's decisions, else Hugging Face JSON; XML is told apart by its root
element (`<feed>` Atom, `<rss>` RSS); an HTML page is refused with a hint to save the page as
text; anything else must read like a saved Hugging Face Papers page.

`parse_file` reads only regular files, and at most `MAX_FILE_BYTES`: a FIFO would block the
read forever and `/dev/zero` would fill memory, so the file is opened without blocking and
checked with `fstat` on the open descriptor (a path swapped for a FIFO between a check and
the open cannot slip through) before one bounded read.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from tui.errors import InputFormatError, UsageError
from tui.importers.arxiv_atom import parse_arxiv_atom
from tui.importers.arxiv_rss import parse_arxiv_rss
from tui.importers.common import DEFAULT_NAME, ParseResult, decode_input, refuse_dtd
from tui.importers.hf_json import load_json, parse_hf_json
from tui.importers.hf_page import looks_like_hf_page, parse_hf_page
from tui.importers.paperdeck_json import FORMAT as OWN_JSON
from tui.importers.paperdeck_json import is_own_export, parse_paperdeck_payload
from tui.safefile import UnsafeFileError, read_regular

READING_LIST_FORMAT = "paperdeck-reading-list"
"""The `format` value of a reading-list file (see `readinglist`, which owns that format)."""

MAX_FILE_BYTES = 256 * 1024 * 1024
"""The largest file `parse_file` reads: ten times a 100k-paper export, far beyond any feed."""

_HTML_DOCTYPE = re.compile(r"<!doctype\s+html", re.IGNORECASE)
# The first element tag after any XML declaration, comments, processing instructions or DTD.
_ROOT_TAG = re.compile(r"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_PROLOG_NOISE = re.compile(r"<\?.*?\?>|<!--.*?-->", re.DOTALL)


def detect_format(data: str | bytes, name: str = DEFAULT_NAME) -> str:
    """The format of an input: "paperdeck-json", "hf-page", "hf-json", "arxiv-atom" or
    "arxiv-rss".

    Raises InputFormatError (naming `name`) for empty, binary, HTML or broken JSON input and for
    anything that is none of these; it never returns an unknown format.
    """
    text = decode_input(data, name)
    head = text.lstrip()
    if head[:1] in "[{":
        return _json_format(load_json(text, name), name)
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
    if text.lstrip()[:1] in "[{":
        # Load once: an own export may be a whole library, too big to parse twice.
        payload: Any = load_json(text, name)
        if _json_format(payload, name) == OWN_JSON:
            return parse_paperdeck_payload(payload)
        return parse_hf_json(text, name=name)
    fmt = detect_format(text, name)
    if fmt == "hf-page":
        return parse_hf_page(text, name=name, today=today)
    if fmt == "arxiv-atom":
        return parse_arxiv_atom(text, name=name)
    return parse_arxiv_rss(text, name=name)


def parse_file(path: Path | str, *, today: date | None = None) -> ParseResult:
    """Read a file and parse it by content. A missing path or a folder is a UsageError."""
    file = Path(path)
    return parse_bytes(read_input_file(file), str(file), today=today)


def read_input_file(file: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else is a one-line error.

    A missing path or a folder is a UsageError; a FIFO, socket or device, a file over the limit,
    or a read error is an InputFormatError. Never blocks on a FIFO and never reads past `limit`
    (`tui.safefile`; a link the user named is followed).
    """
    try:
        return read_regular(file, limit, follow=True)
    except FileNotFoundError:
        raise UsageError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{file}: is a folder, not a file") from None
    except UnsafeFileError as exc:
        if exc.reason.startswith("larger"):
            limit_mb = limit // (1024 * 1024)
            raise InputFormatError(
                f"{file}: larger than the {limit_mb} MB import limit; not read"
            ) from None
        raise InputFormatError(f"{file}: {exc.reason}, not a regular file; not read") from None
    except OSError as exc:
        raise InputFormatError(f"{file}: cannot read: {exc.strerror or exc}") from None


def _json_format(payload: Any, name: str) -> str:
    """paperdeck's own export, else Hugging Face JSON; a reading list is refused with a hint."""
    if is_own_export(payload):
        return OWN_JSON
    if isinstance(payload, dict) and payload.get("format") == READING_LIST_FORMAT:
        # Its papers would otherwise be read as Hugging Face ones (with made-up HF links).
        raise InputFormatError(
            f"{name}: a paperdeck reading list, not a paper list; merge it with "
            "`paperdeck sync --list FILE`"
        )
    return "hf-json"


def _html_error(name: str) -> InputFormatError:
    return InputFormatError(
        f"{name}: looks like an HTML page; save the page as text (or copy its text) and import that"
    )
