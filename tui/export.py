"""Export papers and the user's decisions about them: JSON, Markdown, CSV, BibTeX and RIS.

Owns the text formats a user takes elsewhere (`paperdeck export`, the TUI's `Y` copy-BibTeX).
Everything here is pure: papers and states in, one string out. Titles, authors and abstracts come
from the network, so every format escapes them for its own syntax:

- Markdown (`escape_markdown`) escapes only what would be syntax, so titles read as they are,
  and only links `http(s)` URLs. The user's note is a fenced block: shown as typed, never live.
  Done papers are ticked to-dos, later and inbox open ones; skipped ones are plain items.
- CSV guards against formula injection: a cell starting with `= + - @` (or a tab or carriage
  return) gets a leading apostrophe, so a spreadsheet shows it as text instead of running it.
- BibTeX (`escape_bibtex`) keeps TeX maths as maths and the rest as literal text that
  bibtexparser 2 reads back as it was; tags go into `keywords`, the user's note into
  `annote` (never `note`, which styles print). Non-ASCII characters stay UTF-8: biber, and LaTeX
  since 2018 (UTF-8 is the default input encoding), read them as they are. Citation keys are
  plain ASCII (`lu2022dpmsolver`), folded from the first author's surname, the year and the
  first significant title word, and made unique in a batch with `a`, `b`, ... suffixes.
- RIS writes one value per line, newlines folded to spaces.
- JSON keeps every value exactly; DEL, C1, bidi and invisible format characters are written as
  `\\uXXXX` escapes, so the file is inert when printed to a terminal.

Control characters never appear in any format; a lone surrogate becomes U+FFFD, so every
export can be written as UTF-8. Every format ends with a newline; CSV and RIS lines end with `\\n`.
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
from tui.escaping import escape_bibtex, escape_markdown
from tui.facts import first_authors
from tui.links import web_url
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
# Characters a JSON export writes as `\uXXXX` (only ever inside strings, so the data is the same).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# Lone surrogates (a broken file or feed) cannot be written as UTF-8: every export shows U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")

_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

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
    return _SURROGATE.sub("\ufffd", writer(list(papers), states))


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


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def _export_json(papers: list[Paper], states: Mapping[str, State]) -> str:
    records = [paper_record(paper, _state_of(states, paper)) for paper in papers]
    text = json.dumps(records, ensure_ascii=False, indent=2)
    # `json` escapes only C0 controls; DEL, C1 controls, bidi controls and line separators are
    # written as `\\uXXXX` too, so the file is inert in a terminal and loads back to the same data.
    return _JSON_UNSAFE.sub(_json_escape, text) + "\n"


# ----- Markdown -----------------------------------------------------------------------------


def _md_url(url: str) -> str:
    # Spaces, parentheses and angle brackets would end or break a Markdown link target.
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def _md_note(note: str) -> list[str]:
    """The user's note as a fenced code block inside the list item: shown exactly as typed, and
    inert in every Markdown flavour (no link, image, HTML, autolink or wiki link can come alive)."""
    longest = max((len(run) for run in re.findall(r"`+", note)), default=0)
    fence = "`" * max(3, longest + 1)
    body = [f"  {line}" if line else "" for line in note.splitlines()]
    return [f"  {fence}", *body, f"  {fence}"]


def _markdown_line(paper: Paper, state: State) -> list[str]:
    # A to-do list: done is ticked, later and inbox are open; a skipped paper is no to-do at all,
    # so it is a plain item (under "Skipped") that task plugins do not count as open.
    box = {"done": "[x] ", "skipped": ""}.get(state.status, "[ ] ")
    url = web_url(paper.abs_url)
    if url:
        head = f"[{escape_markdown(clean_text(paper.title))}]({_md_url(url)})"
    else:
        head = escape_markdown(clean_text(paper.title), line_start=not box)
    parts = [f"- {box}{head}"]
    credit = escape_markdown(first_authors(paper.authors, pair=" and "))
    year = _year(paper)
    if credit:
        parts.append(f"— {credit}")
    if year:
        parts.append(f"({year})")
    if state.starred:
        parts.append("★")
    tags = (clean_text(tag) for tag in sorted(state.tags))
    parts.extend(f"#{escape_markdown(tag)}" for tag in tags if tag)
    lines = [" ".join(parts)]
    note = clean_multiline(state.note)
    if note:
        lines.extend(_md_note(note))
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
            ";".join(tag for tag in sorted(map(clean_text, state.tags)) if tag),
            clean_multiline(state.note),
            web_url(paper.abs_url) or "",
        ]
        writer.writerow([_csv_cell(cell) for cell in row])
    return buffer.getvalue()


# ----- BibTeX -------------------------------------------------------------------------------


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


def bibtex_entry(paper: Paper, key: str | None = None, state: State | None = None) -> str:
    """One `@misc` entry for `paper` (key from `citation_key` unless given), ending in a newline.

    With the user's `state`, its tags go into `keywords` and its note into `annote`.
    """
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
    url = web_url(paper.abs_url)
    if url:
        fields.append(("url", _bib_url(url)))
    if paper.journal_ref:
        fields.append(("note", escape_bibtex(paper.journal_ref)))
    if state is not None:
        tags = [escape_bibtex(tag) for tag in sorted(state.tags) if clean_text(tag)]
        if tags:
            fields.append(("keywords", ", ".join(tags)))
        # `annote`, not `note`: styles print `note` in the reference list, and a private note
        # does not belong in someone's paper (Zotero and JabRef read `annote` as the note).
        if clean_text(state.note):
            fields.append(("annote", escape_bibtex(state.note)))
    lines = [f"@misc{{{key or citation_key(paper)},"]
    for name, value in fields:
        # Month macros are bare words; every other value is brace-delimited.
        rendered = value if name == "month" else f"{{{value}}}"
        lines.append(f"  {name} = {rendered},")
    lines.append("}")
    return _SURROGATE.sub("\ufffd", "\n".join(lines) + "\n")


def _export_bibtex(papers: list[Paper], states: Mapping[str, State]) -> str:
    keys = unique_keys(papers)
    return "\n".join(
        bibtex_entry(paper, key, _state_of(states, paper))
        for paper, key in zip(papers, keys, strict=True)
    )


# ----- RIS ----------------------------------------------------------------------------------


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {clean_text(value)}"


def _export_ris(papers: list[Paper], states: Mapping[str, State]) -> str:
    lines: list[str] = []
    for paper in papers:
        state = _state_of(states, paper)
        url = web_url(paper.abs_url)
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
        lines.extend(_ris_line("KW", tag) for tag in sorted(state.tags) if clean_text(tag))
        if clean_text(state.note):
            lines.append(_ris_line("N1", state.note))
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines) + ("\n" if lines else "")
