"""The link policy: which URLs paperdeck stores, exports, or hands to a browser.

Links come from the network and from files other people wrote (reading lists, saved pages), so
one rule decides them all: an absolute `http` or `https` URL with a host, printable, without
whitespace or control characters, and of a sane length (a real paper link is a few hundred
characters; a megabyte-long one is an attack or a bug). Anything else (`javascript:`,
`file:`, `data:`, a scheme-relative `//host`, a URL with an embedded newline or escape
sequence) is not a link: importers drop it, exports leave it out, the app refuses to open it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_URL_LENGTH = 4096
"""Longer than any link a paper page carries, far shorter than what would hurt a terminal."""


def is_web_url(url: object) -> bool:
    """True for an absolute http(s) URL with a host and nothing unprintable or blank in it."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        return False
    if " " in url or not url.isprintable():  # isprintable: no control or other blank characters
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def web_url(value: object) -> str | None:
    """`value` as a web link (surrounding whitespace dropped) if it passes `is_web_url`, else
    None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    return url if is_web_url(url) else None
