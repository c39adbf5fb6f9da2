"""Export papers and the user's decisions about them: JSON, Markdown, CSV, BibTeX and RIS.

Owns the text formats a user takes elsewhere (`paperdeck export`, the TUI's `Y` copy-BibTeX).
Everything here is pure: papers and states in, one string out. Titles, authors and abstracts come
from the network, so every format escapes them for its own syntax:

- Markdown escapes its special characters and only links `http(s)` URLs.
- CSV guards against formula injection: a cell starting with `= + - @` (or a tab or carriage
  return) gets a leading apostrophe, so a spreadsheet shows it as text instead of running it.
- BibTeX escapes `& % $ # _ { } ~ ^ \\` with commands that keep braces balanced (BibTeX counts
  `\\{` as an opening brace, so literal braces become `\\textbraceleft{}`), and keeps non-ASCII
  characters as UTF-8: biber, and LaTeX since 2018 (UTF-8 is the default input encoding), read
  them as they are. Citation keys are plain ASCII (`lu2022dpmsolver`), folded from the first
  author's surname, the year and the first significant title word, and made unique in a batch
  with `a`, `b`, ... suffixes.
- RIS writes one value per line, newlines folded to spaces.

Every format ends with a newline; CSV and RIS lines end with `\\n`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from tui.errors import UsageError
from tui.models import DEFAULT_STATE, Paper, State, clean_multiline, clean_text

FORMATS: tuple[str, ...] = ("json", "md", "csv", "bibtex", "ris")
"""Every format `export_papers` writes, as named on the command line."""

CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "arxiv_id",
    "title",
    "authors",
    "date",
    "upvotes",
    "status",
    "starred",
    "tags",
    "note",
    "url",
)

# Markdown: the order and headings of the status groups ("later" is the reading list, so first).
_MD_GROUPS: tuple[tuple[str, str], ...] = (
    ("later", "Reading list"),
    ("inbox", "Inbox"),
    ("done", "Done"),
    ("skipped", "Skipped"),
)
# `&` (entities), `#` (tags in Obsidian & co), `$` (maths) and `|` (tables) as well as the usual.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~$&])")

_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_BIBTEX_ESCAPES: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
}
_BIBTEX_SPECIAL = re.compile(r"[\\{}~^&%$#_]")
_BIBTEX_MONTHS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
# Words skipped when choosing the title word of a citation key.
_KEY_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "in",
        "for",
        "and",
        "to",
        "with",
        "from",
        "by",
        "at",
        "via",
        "is",
        "are",
        "do",
        "does",
        "towards",
        "toward",
    ]
)
_NAME_AND = re.compile(r"\band\b", re.IGNORECASE)


def export_papers(papers: Sequence[Paper], states: Mapping[str, State], fmt: str) -> str:
    """Render `papers` (in the given order) with the user's `states` (missing = inbox) as `fmt`."""
    writers = {
        "json": _export_json,
        "md": _export_markdown,
        "csv": _export_csv,
        "bibtex": _export_bibtex,
        "ris": _export_ris,
    }
    writer = writers.get(fmt)
    if writer is None:
        raise UsageError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return writer(list(papers), states)


def _state_of(states: Mapping[str, State], paper: Paper) -> State:
    return states.get(paper.id) or DEFAULT_STATE


def _year(paper: Paper) -> str | None:
    """The publication year: arXiv date, else listing day, else from a new-style arXiv id."""
    for date in (paper.published, paper.listed_on):
        if date and re.match(r"\d{4}", date):
            return date[:4]
    if paper.arxiv_id and re.match(r"\d{4}\.", paper.arxiv_id):
        return "20" + paper.arxiv_id[:2]
    return None


def _month(paper: Paper) -> int | None:
    date = paper.published or paper.listed_on
    if date and re.match(r"\d{4}-\d{2}", date):
        month = int(date[5:7])
        if 1 <= month <= 12:
            return month
    return None


def _web_url(url: str | None) -> str | None:
    """`url` if it is http(s) — the only links we ever hand to another program."""
    if url and re.match(r"https?://", url, re.IGNORECASE):
        return url
    return None


# ----- JSON ---------------------------------------------------------------------------------


def paper_record(paper: Paper, state: State) -> dict[str, Any]:
    """A paper and the user's decisions about it as one JSON-ready dict (export, `list --json`)."""
    record = paper.to_dict()
    record["url"] = paper.abs_url
    record["status"] = state.status
    record["starred"] = state.starred
    record["tags"] = sorted(state.tags)
    record["note"] = state.note
    return record


def _export_json(papers: list[Paper], states: Mapping[str, State]) -> str:
    records = [paper_record(paper, _state_of(states, paper)) for paper in papers]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


# ----- Markdown -----------------------------------------------------------------------------


def escape_markdown(text: str) -> str:
    """Backslash-escape every character Markdown could read as syntax."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_url(url: str) -> str:
    # Spaces, parentheses and angle brackets would end or break a Markdown link target.
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def _author_credit(authors: Sequence[str]) -> str:
    names = [clean_text(name) for name in authors if clean_text(name)]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def _markdown_line(paper: Paper, state: State) -> list[str]:
    box = "[x]" if state.status == "done" else "[ ]"
    title = escape_markdown(clean_text(paper.title))
    url = _web_url(paper.abs_url)
    parts = [f"- {box} [{title}]({_md_url(url)})" if url else f"- {box} {title}"]
    credit = escape_markdown(_author_credit(paper.authors))
    year = _year(paper)
    byline = " ".join(part for part in (credit, f"({year})" if year else "") if part)
    if byline:
        parts.append(f"— {byline}")
    if state.starred:
        parts.append("★")
    parts.extend(f"#{escape_markdown(tag)}" for tag in sorted(state.tags))
    lines = [" ".join(parts)]
    note = clean_multiline(state.note)
    if note:
        lines.extend(f"  > {line}".rstrip() for line in note.splitlines())
    return lines


def _export_markdown(papers: list[Paper], states: Mapping[str, State]) -> str:
    grouped: dict[str, list[Paper]] = {status: [] for status, _ in _MD_GROUPS}
    for paper in papers:
        grouped.setdefault(_state_of(states, paper).status, []).append(paper)
    out = ["# Papers", ""]
    for status, heading in _MD_GROUPS:
        members = grouped.get(status) or []
        if not members:
            continue
        out.append(f"## {heading} ({len(members)})")
        out.append("")
        for paper in members:
            out.extend(_markdown_line(paper, _state_of(states, paper)))
        out.append("")
    if not papers:
        out.append("_No papers._")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# ----- CSV ----------------------------------------------------------------------------------


def _csv_cell(value: object) -> object:
    """Neutralise spreadsheet formulas in text cells (titles come from the network)."""
    if isinstance(value, str) and value.startswith(_CSV_FORMULA_START):
        return "'" + value
    return value


def _export_csv(papers: list[Paper], states: Mapping[str, State]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for paper in papers:
        state = _state_of(states, paper)
        row: list[object] = [
            paper.id,
            paper.arxiv_id or "",
            clean_text(paper.title),
            "; ".join(clean_text(name) for name in paper.authors),
            paper.date or "",
            "" if paper.upvotes is None else paper.upvotes,
            state.status,
            "true" if state.starred else "false",
            ";".join(sorted(state.tags)),
            state.note,
            paper.abs_url or "",
        ]
        writer.writerow([_csv_cell(cell) for cell in row])
    return buffer.getvalue()


# ----- BibTeX -------------------------------------------------------------------------------


def escape_bibtex(text: str) -> str:
    """Escape LaTeX specials so the value is literal text with balanced braces."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES[m.group(0)], clean_text(text))


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _surname(name: str) -> str:
    name = clean_text(name)
    if "," in name:  # "Lu, Cheng"
        return name.split(",", 1)[0]
    words = name.split()
    return words[-1] if words else ""


def citation_key(paper: Paper) -> str:
    """The base citation key: first author's surname + year + first significant title word."""
    surname = _ascii_word(_surname(paper.authors[0])) if paper.authors else ""
    word = ""
    for token in clean_text(paper.title).split():
        candidate = _ascii_word(token)
        if candidate and candidate not in _KEY_STOPWORDS:
            word = candidate
            break
    key = f"{surname or 'anon'}{_year(paper) or ''}{word}"
    # A key must start with a letter for some tools; surnames already do, digits-only names not.
    return key if key[:1].isalpha() else f"p{key}"


def _key_suffixes() -> Iterator[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    for first in letters:
        for second in letters:
            yield first + second
    n = 0
    while True:  # beyond 702 collisions: numbers (never reached in practice)
        n += 1
        yield f"x{n}"


def unique_keys(papers: Sequence[Paper]) -> list[str]:
    """Citation keys for `papers`, unique within the batch: the first keeps the bare key."""
    used: set[str] = set()
    keys: list[str] = []
    for paper in papers:
        base = citation_key(paper)
        key = base
        if key in used:
            key = next(base + s for s in _key_suffixes() if base + s not in used)
        used.add(key)
        keys.append(key)
    return keys


def _bib_author(name: str) -> str:
    name = escape_bibtex(name)
    # A literal "and" inside one name would split it in two; braces keep it whole.
    return f"{{{name}}}" if _NAME_AND.search(name) else name


def _bib_url(url: str) -> str:
    # url/doi fields are read verbatim by biblatex: escaping would corrupt them, but braces,
    # backslashes and spaces would break the entry, so those are percent-encoded instead.
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def bibtex_entry(paper: Paper, key: str | None = None) -> str:
    """One `@misc` entry for `paper` (key from `citation_key` unless given), ending in a newline."""
    fields: list[tuple[str, str]] = [("title", f"{{{escape_bibtex(paper.title)}}}")]
    authors = [name for name in paper.authors if clean_text(name)]
    if authors:
        fields.append(("author", " and ".join(_bib_author(name) for name in authors)))
    year = _year(paper)
    if year:
        fields.append(("year", year))
    month = _month(paper)
    if month:
        fields.append(("month", _BIBTEX_MONTHS[month - 1]))
    if paper.arxiv_id:
        fields.append(("eprint", escape_bibtex(paper.arxiv_id)))
        fields.append(("archivePrefix", "arXiv"))
        if paper.categories:
            fields.append(("primaryClass", escape_bibtex(paper.categories[0])))
    if paper.doi:
        fields.append(("doi", _bib_url(clean_text(paper.doi))))
    url = _web_url(paper.abs_url)
    if url:
        fields.append(("url", _bib_url(url)))
    if paper.journal_ref:
        fields.append(("note", escape_bibtex(paper.journal_ref)))
    lines = [f"@misc{{{key or citation_key(paper)},"]
    for name, value in fields:
        # Month macros are bare words; every other value is brace-delimited.
        rendered = value if name == "month" else f"{{{value}}}"
        lines.append(f"  {name} = {rendered},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _export_bibtex(papers: list[Paper], states: Mapping[str, State]) -> str:
    keys = unique_keys(papers)
    return "\n".join(bibtex_entry(paper, key) for paper, key in zip(papers, keys, strict=True))


# ----- RIS ----------------------------------------------------------------------------------


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {clean_text(value)}"


def _export_ris(papers: list[Paper], states: Mapping[str, State]) -> str:
    lines: list[str] = []
    for paper in papers:
        state = _state_of(states, paper)
        url = _web_url(paper.abs_url)
        kind = "JOUR" if paper.journal_ref else ("ELEC" if url else "GEN")
        lines.append(_ris_line("TY", kind))
        lines.append(_ris_line("TI", paper.title))
        lines.extend(_ris_line("AU", name) for name in paper.authors if clean_text(name))
        year = _year(paper)
        if year:
            lines.append(_ris_line("PY", year))
        date = paper.published or paper.listed_on
        if date and re.match(r"\d{4}-\d{2}-\d{2}", date):
            lines.append(_ris_line("DA", date[:10].replace("-", "/")))
        if paper.journal_ref:
            lines.append(_ris_line("JO", paper.journal_ref))
        if paper.arxiv_id:
            lines.append(_ris_line("AN", f"arXiv:{paper.arxiv_id}"))
        if url:
            lines.append(_ris_line("UR", url))
        if paper.doi:
            lines.append(_ris_line("DO", paper.doi))
        if paper.abstract:
            lines.append(_ris_line("AB", paper.abstract))
        lines.extend(_ris_line("KW", tag) for tag in sorted(state.tags))
        if state.note:
            lines.append(_ris_line("N1", state.note))
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines) + ("\n" if lines else "")
