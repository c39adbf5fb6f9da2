"""Importing a saved Hugging Face Papers page (the page's text, copied or saved as text).

Layout: a few header lines ("new", "Get trending papers in your email inbox!", "Subscribe",
"byAK and the research community"), a date line such as `Mar 13` that applies to every paper
after it (there may be several), then paragraphs alternating title / abstract.

How the text is cut into paragraphs: blank lines separate paragraphs and a paragraph's inner
line breaks are soft wraps, joined with a space - except that header and date lines always stand
alone, and when a run of lines contains a full abstract-length line the page was pasted without
blank lines, so each line is its own paragraph. CRLF/CR line endings are accepted.

How paragraphs pair up: by alternation, corrected where the text clearly says otherwise.
- A title followed by another title-like paragraph that is itself followed by an abstract has
  no abstract (imported with an empty one); so does a title followed by a date line or the end.
- Abstract-length text where a title is due (its title was lost) is rejected, not imported.
- Header-like lines and stray UI lines (bare counts such as upvotes, "Submitted by ...") are
  skipped, unless one sits where a title is due and an abstract follows it: then it is a title
  (a paper may well be called "Subscribe").

Dates have no year: each is the most recent such day not after `today`. The papers carry no
arXiv id, so their id is `models.paper_key(None, title)`; sync later merges them by title.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise

from tui.importers.common import (
    DEFAULT_NAME,
    ParseResult,
    decode_input,
    dedupe,
    short_label,
)
from tui.models import Paper, clean_text, paper_key

FORMAT = "hf-page"

_HEADER_LINES = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "get trending papers in your email inbox",
        "subscribe",
        "byak and the research community",
        "by ak and the research community",
        "daily papers",
        "trending papers",
        "submit paper",
        "previous",
        "next",
        "load more",
    }
)
# Stray page furniture that can come along when a page is copied: counts, bylines, dots.
_STRAY_LINE = re.compile(
    r"^(?:[\d.,]+\s*[kKmM]?|[·•|\-–—]+|submitted by\b.*|upvote[sd]?|\d+\s+authors?|"
    r"\d+\s+comments?|view arxiv page|view pdf|add to collection)$",
    re.IGNORECASE,
)

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("jan", "january"),
        ("feb", "february"),
        ("mar", "march"),
        ("apr", "april"),
        ("may",),
        ("jun", "june"),
        ("jul", "july"),
        ("aug", "august"),
        ("sep", "sept", "september"),
        ("oct", "october"),
        ("nov", "november"),
        ("dec", "december"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number

_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_PREFIX = r"(?:(?:published|submitted|listed)\s+on\s+)?"
_DATE_FORMS = [
    re.compile(rf"^{_PREFIX}{_WEEKDAY}{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?$", re.IGNORECASE),
    re.compile(rf"^{_PREFIX}{_WEEKDAY}{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?$", re.IGNORECASE),
]
_ISO_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$")

# An abstract is long, or several sentences ending in a full stop; a title is neither.
_ABSTRACT_MIN_LEN = 300
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z(]")
# Detection reads this much of the text: enough for the header, a date and a dozen papers.
_DETECT_PREFIX = 64 * 1024
_LONGEST_HEADER = max(len(line) for line in _HEADER_LINES)


def parse_hf_page(
    data: str | bytes, *, name: str = DEFAULT_NAME, today: date | None = None
) -> ParseResult:
    """Parse a saved Hugging Face Papers page into papers (see the module docstring)."""
    text = decode_input(data, name)
    today = today or date.today()
    paragraphs = split_paragraphs(text)
    kinds = [_kind(p) for p in paragraphs]

    found: list[tuple[str, Paper]] = []
    rejected: list[tuple[str, str]] = []
    listed_on: str | None = None
    pending: tuple[str, str | None] | None = None  # (title, its date)

    def emit(title: str, abstract: str, day: str | None) -> None:
        paper = Paper(
            id=paper_key(None, title),
            title=title,
            abstract=abstract,
            listed_on=day,
            sources=[FORMAT],
        )
        found.append((short_label(title), paper))

    # For each paragraph: does the next one that is not page furniture read like an abstract?
    # Computed back to front once, so a page full of stray lines stays linear.
    abstract_follows = [False] * len(paragraphs)
    upcoming = False
    for index in range(len(paragraphs) - 1, -1, -1):
        abstract_follows[index] = upcoming
        if kinds[index] != "noise":
            upcoming = kinds[index] == "text" and looks_like_abstract(paragraphs[index])

    for index, paragraph in enumerate(paragraphs):
        kind = kinds[index]
        if kind == "date":
            if pending is not None:
                emit(pending[0], "", pending[1])
                pending = None
            listed_on = resolve_date(paragraph, today)
            continue
        if kind == "noise" and not (pending is None and abstract_follows[index]):
            continue
        if pending is None:
            if looks_like_abstract(paragraph) and not abstract_follows[index]:
                rejected.append((short_label(paragraph), "abstract without a title"))
            else:
                pending = (paragraph, listed_on)
            continue
        if not looks_like_abstract(paragraph) and abstract_follows[index]:
            # Two titles in a row, the second followed by its abstract: the first has none.
            emit(pending[0], "", pending[1])
            pending = (paragraph, listed_on)
            continue
        emit(pending[0], paragraph, pending[1])
        pending = None
    if pending is not None:
        emit(pending[0], "", pending[1])

    return ParseResult(format=FORMAT, papers=dedupe(found, rejected), rejected=rejected)


def split_paragraphs(text: str) -> list[str]:
    """Cut page text into cleaned paragraphs (rules in the module docstring)."""
    paragraphs: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if not run:
            return
        if any(len(line) >= _ABSTRACT_MIN_LEN for line in run):
            paragraphs.extend(run)  # pasted without blank lines: one paragraph per line
        else:
            paragraphs.append(" ".join(run))  # hard-wrapped paragraph
        run.clear()

    for raw in text.splitlines():
        line = clean_text(raw)
        if not line:
            flush()
        elif _kind(line) != "text":
            flush()
            paragraphs.append(line)
        else:
            run.append(line)
    flush()
    return paragraphs


def looks_like_hf_page(text: str) -> bool:
    """Whether plain text is plausibly a saved HF Papers page (used by format detection)."""
    paragraphs = split_paragraphs(text[:_DETECT_PREFIX])
    if any(_kind(p) == "date" for p in paragraphs[:50]):
        return True
    if sum(1 for p in paragraphs[:20] if _kind(p) == "noise" and _is_header(p)) >= 2:
        return True
    # No header and no date: accept a bare title/abstract list.
    texts = [p for p in paragraphs if _kind(p) == "text"]
    pairs = sum(
        1
        for first, second in pairwise(texts)
        if not looks_like_abstract(first) and looks_like_abstract(second)
    )
    return pairs >= 1 and pairs * 2 >= len(texts) - 1


def looks_like_abstract(paragraph: str) -> bool:
    """Abstract-length prose, as opposed to a title."""
    if len(paragraph) >= _ABSTRACT_MIN_LEN:
        return True
    return (
        len(paragraph) >= 120
        and paragraph.endswith((".", "!"))
        and len(_SENTENCE_BREAK.findall(paragraph)) >= 1
    )


def _is_header(paragraph: str) -> bool:
    if len(paragraph) > 2 * _LONGEST_HEADER:
        return False
    return " ".join(paragraph.casefold().split()) in _HEADER_LINES


def _kind(paragraph: str) -> str:
    """'date', 'noise' (header or stray page furniture) or 'text'."""
    if _match_date(paragraph) is not None:
        return "date"
    if _is_header(paragraph) or _STRAY_LINE.match(paragraph):
        return "noise"
    return "text"


def _match_date(paragraph: str) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) when the paragraph is a date line."""
    if len(paragraph) > 40:
        return None
    parts: tuple[int, int, int | None]
    iso = _ISO_DATE.match(paragraph)
    if iso:
        parts = (int(iso["month"]), int(iso["day"]), int(iso["year"]))
    else:
        for form in _DATE_FORMS:
            match = form.match(paragraph)
            if match:
                month = _MONTHS.get(match["month"].lower())
                if month is None:
                    return None
                year = int(match["year"]) if match["year"] else None
                parts = (month, int(match["day"]), year)
                break
        else:
            return None
    month, day, year = parts
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: Feb 29 is a possible date line
    except ValueError:
        return None
    return month, day, year


def resolve_date(paragraph: str, today: date) -> str | None:
    """A date line as an ISO date: the most recent such day not after `today` if no year."""
    parts = _match_date(paragraph)
    if parts is None:
        return None
    month, day, year = parts
    if year is not None:
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return None
    for candidate_year in range(today.year, today.year - 9, -1):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:  # Feb 29 outside a leap year
            continue
        if candidate <= today:
            return candidate.isoformat()
    return None
