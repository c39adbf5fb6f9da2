"""Importers: turn saved pages, API responses and feeds into `Paper` records.

One module per format - `hf_page` (a saved Hugging Face Papers page as text), `hf_json` (the
HF papers API), `arxiv_atom` (the arXiv API), `arxiv_rss` (arXiv listing feeds),
`paperdeck_json` (paperdeck's own JSON export, read back faithfully) - plus
`detect` (format from content, and the file/bytes entry points) and `common` (the parse
result, decoding, safe XML, clean-up rules shared by all). No I/O beyond reading the file
`parse_file` is given; no Textual or Rich.
"""

from __future__ import annotations

from tui.importers.arxiv_atom import parse_arxiv_atom
from tui.importers.arxiv_rss import parse_arxiv_rss
from tui.importers.common import FORMATS, OWN_EXPORT_FORMAT, ArxivAPIError, ParseResult
from tui.importers.detect import detect_format, parse_bytes, parse_file
from tui.importers.hf_json import parse_hf_json
from tui.importers.hf_page import parse_hf_page
from tui.importers.paperdeck_json import parse_paperdeck_json
from tui.importers.tex import decode_tex_accents

__all__ = [
    "FORMATS",
    "OWN_EXPORT_FORMAT",
    "ArxivAPIError",
    "ParseResult",
    "decode_tex_accents",
    "detect_format",
    "parse_arxiv_atom",
    "parse_arxiv_rss",
    "parse_bytes",
    "parse_file",
    "parse_hf_json",
    "parse_hf_page",
    "parse_paperdeck_json",
]
