"""Export formats: every format on ordinary, hostile and sparse papers, parsed back and checked."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tui.errors import UsageError
from tui.escaping import escape_bibtex
from tui.export import FORMATS, bibtex_entry, citation_key, export_papers, unique_keys
from tui.models import Paper, State, clean_multiline, clean_text

DPM = Paper(
    id="arxiv:2206.00927",
    arxiv_id="2206.00927",
    version=2,
    title="DPM-Solver: A Fast ODE Solver for Diffusion Probabilistic Model Sampling in Around 10 Steps",
    authors=["Cheng Lu", "Yuhao Zhou", "Fan Bao", "Jianfei Chen", "Chongxuan Li", "Jun Zhu"],
    abstract="Diffusion probabilistic models (DPMs) are emerging powerful generative models.",
    published="2022-06-02",
    categories=["cs.LG", "stat.ML"],
    upvotes=81,
    doi="10.48550/arXiv.2206.00927",
    journal_ref="NeurIPS 2022",
)
HOSTILE = Paper(
    id="arxiv:2608.00001",
    arxiv_id="2608.00001",
    title='=cmd|"/C calc"!A0 {unbalanced 100% & $x_1^2$ #1 ~ \\emph} "quoted"\nsecond line [link](javascript:x) *bold* `code`',
    authors=["Björn Engdahl", "Przemysław Uznański", "Research and Development Team"],
    abstract="Line one\nline two with } and %",
    published="2026-08-10",
    categories=["cs.CL"],
    upvotes=3,
)
NO_AUTHORS = Paper(
    id="title:0123456789abcdef",
    title="0",
    authors=[],
    links={"abs": "https://example.org/papers/zero_(draft)"},
)
NO_LINK = Paper(id="title:fedcba9876543210", title="+plus @at -minus", authors=["Ada Lovelace"])
PAPERS = [DPM, HOSTILE, NO_AUTHORS, NO_LINK]
STATES = {
    DPM.id: State(
        status="later", starred=True, tags=["diffusion", "sampling"], note="read §3\n=1+1"
    ),
    HOSTILE.id: State(status="done", tags=["weird"], note="-danger"),
    NO_AUTHORS.id: State(status="skipped"),
}


# ----- a small BibTeX reader used to check the output is valid -----------------------------


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """Parse `@type{key, name = {value} | word, ...}` entries strictly; fail on anything odd."""
    entries: list[tuple[str, str, dict[str, str]]] = []
    pos = 0
    while True:
        at = text.find("@", pos)
        if at < 0:
            assert text[pos:].strip() == "", f"junk after last entry: {text[pos:]!r}"
            return entries
        assert text[pos:at].strip() == "", f"junk between entries: {text[pos:at]!r}"
        head = re.compile(r"@(\w+)\{([A-Za-z][A-Za-z0-9]*),\n").match(text, at)
        assert head, f"bad entry head at {text[at : at + 40]!r}"
        kind, key = head.group(1), head.group(2)
        pos = head.end()
        fields: dict[str, str] = {}
        while True:
            if text.startswith("}", pos):
                pos += 1
                break
            field = re.compile(r"  (\w+) = ").match(text, pos)
            assert field, f"bad field at {text[pos : pos + 40]!r}"
            name = field.group(1).lower()
            assert name not in fields, f"duplicate field {name} in {key}"
            pos = field.end()
            if text[pos] == "{":
                depth, start = 0, pos
                while True:
                    char = text[pos]
                    # BibTeX counts every brace, escaped or not: the value must balance as is.
                    if char == "{":
                        depth += 1
                    elif char == "}":
                        depth -= 1
                    assert char != "\n", f"newline inside {name} of {key}"
                    pos += 1
                    if depth == 0:
                        break
                value = text[start + 1 : pos - 1]
            else:
                word = re.compile(r"[a-z]+").match(text, pos)
                assert word, f"bad bare value for {name}"
                value, pos = word.group(0), word.end()
            assert text.startswith(",\n", pos), f"missing ',\\n' after {name} of {key}"
            pos += 2
            fields[name] = value
        entries.append((kind, key, fields))


def decode_bibtex(text: str) -> list[dict[str, str]]:
    """The entries as bibtexparser 2 reads them with its LaTeX decoding (pylatexenc)."""
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks, [type(block).__name__ for block in library.failed_blocks]
    return [{f.key.lower(): f.value for f in entry.fields} for entry in library.entries]


# TeX reads these input ligatures as dashes and curly quotes, and so does pylatexenc; and
# pylatexenc decodes LaTeX's `\textasciicircum` as U+02C6 MODIFIER LETTER CIRCUMFLEX ACCENT.
_TYPESET = {"---": "—", "--": "–", "``": "“", "''": "”", "?`": "¿", "!`": "¡"}
_LIGATURE = re.compile("|".join(map(re.escape, _TYPESET)))  # longest first, left to right


def typeset(text: str) -> str:
    """`text` as LaTeX typesets it: the form a decoded BibTeX title is compared in."""
    return _LIGATURE.sub(lambda m: _TYPESET[m.group(0)], text).replace("\u02c6", "^")


def _md_tokens(text: str) -> list[Token]:
    """Every block and inline token CommonMark (markdown-it) reads from `text`, flattened."""
    flat: list[Token] = []
    for token in MarkdownIt("commonmark").parse(text):
        flat.append(token)
        flat.extend(token.children or [])
    return flat


def rendered_links(text: str) -> list[tuple[str, str]]:
    """(href, rendered link text) of every link a CommonMark reader finds in `text`."""
    links: list[tuple[str, str]] = []
    href: str | None = None
    label: list[str] = []
    for token in _md_tokens(text):
        if token.type == "link_open":
            href, label = str(token.attrs["href"]), []
        elif token.type == "link_close":
            assert href is not None
            links.append((href, "".join(label)))
            href = None
        elif href is not None:
            assert token.type in ("text", "softbreak", "code_inline"), token.type
            label.append(token.content)
    return links


def unescaped(value: str, specials: str = "&%$#_") -> list[str]:
    """The special characters that appear without a preceding backslash."""
    return [m.group(0) for m in re.finditer(rf"(?<!\\)[{re.escape(specials)}]", value)]


# ----- formats --------------------------------------------------------------------------------


def test_unknown_format_is_a_usage_error_naming_the_choices() -> None:
    with pytest.raises(UsageError) as caught:
        export_papers(PAPERS, STATES, "docx")
    message = str(caught.value)
    assert "'docx'" in message
    for fmt in FORMATS:
        assert fmt in message


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_handles_an_empty_list_and_ends_with_a_newline(fmt: str) -> None:
    assert isinstance(export_papers([], {}, fmt), str)
    out = export_papers(PAPERS, STATES, fmt)
    assert out.endswith("\n")


def test_json_round_trips_papers_and_state() -> None:
    records = json.loads(export_papers(PAPERS, STATES, "json"))
    assert [r["id"] for r in records] == [p.id for p in PAPERS]
    dpm = records[0]
    assert dpm["title"] == DPM.title
    assert dpm["authors"] == DPM.authors
    assert dpm["status"] == "later" and dpm["starred"] is True
    assert dpm["tags"] == ["diffusion", "sampling"]
    assert dpm["note"] == "read §3\n=1+1"
    assert dpm["url"] == "https://arxiv.org/abs/2206.00927"
    assert records[1]["title"] == HOSTILE.title  # JSON needs no neutering: kept exactly
    assert records[1]["authors"][0] == "Björn Engdahl"
    assert records[3]["status"] == "inbox" and records[3]["tags"] == []
    assert records[2]["title"] == "0"


def test_markdown_reading_list_groups_by_status_and_escapes_titles() -> None:
    out = export_papers(PAPERS, STATES, "md")
    lines = out.splitlines()
    assert lines[0] == "# Papers"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == ["## Reading list (1)", "## Inbox (1)", "## Done (1)", "## Skipped (1)"]
    dpm_line = next(line for line in lines if "DPM" in line)
    assert dpm_line == (
        "- [ ] [DPM-Solver: A Fast ODE Solver for Diffusion Probabilistic Model Sampling in "
        "Around 10 Steps](https://arxiv.org/abs/2206.00927) — Cheng Lu et al. (2022) ★ "
        "#diffusion #sampling"
    )
    # The note follows as a fenced block inside the item, one line per note line, verbatim.
    after = lines[lines.index(dpm_line) + 1 : lines.index(dpm_line) + 5]
    assert after == ["  ```", "  read §3", "  =1+1", "  ```"]
    hostile_line = next(line for line in lines if "cmd" in line)
    assert hostile_line.startswith("- [x] [")  # done papers are ticked
    link_text = hostile_line[len("- [x] [") : hostile_line.index("](https://arxiv.org/abs/2608")]
    # Only what would be syntax is escaped; the newline is folded.
    assert link_text == (
        '=cmd|"/C calc"!A0 {unbalanced 100% & $x_1^2$ \\#1 \\~ \\emph} "quoted" second line '
        "\\[link\\](javascript:x) \\*bold\\* \\`code\\`"
    )
    assert "Björn Engdahl et al. (2026)" in hostile_line
    assert rendered_links(out) == [
        ("https://arxiv.org/abs/2206.00927", DPM.title),
        ("https://arxiv.org/abs/2608.00001", clean_text(HOSTILE.title)),
        ("https://example.org/papers/zero_%28draft%29", "0"),
    ]


def test_markdown_only_links_web_urls_and_encodes_parentheses() -> None:
    out = export_papers([NO_AUTHORS, NO_LINK], {}, "md")
    assert "- [ ] [0](https://example.org/papers/zero_%28draft%29)" in out.splitlines()
    assert "- [ ] +plus @at -minus — Ada Lovelace" in out.splitlines()
    javascript = Paper(id="title:1", title="x", links={"abs": "javascript:alert(1)"})
    assert "javascript" not in export_papers([javascript], {}, "md")
    spaced = Paper(id="title:2", title="y", links={"abs": "https://example.org/a b"})
    assert "example.org" not in export_papers([spaced], {}, "md")  # not a link (tui.links)


# ----- Markdown read back by a CommonMark parser ---------------------------------------------

HOSTILE_NOTE = (
    "tracking ![](http://evil/p.gif) and [click](javascript:alert(1)) <script>x()</script>\n"
    "\n"
    "<img src=x onerror=alert(1)>\n"
    "<http://evil/auto> &amp; [[wiki]] ![[embed]] *not bold* `tick`\n"
    "```\n"
    "# not a heading\n"
    "- [ ] not a task\x1b]52;c;AAAA\x07"
)


def test_markdown_titles_read_naturally_and_render_as_themselves() -> None:
    titles = [
        "Costs {Braces} (RASP) for R&D in C# at 100%",
        "x_1 and LVLM_CSP but _emphasis_ and __strong__ and snake_ case",
        "$\\mathcal{O}(n \\log n)$ Sorting",
        "A* Search, *bold*, `code` and ~~strike~~",
        "[x](javascript:alert(1)) ![img](http://evil/p.gif) <b>html</b> <http://auto>",
        "Entities &amp; &#65; &#x41; stay text, R&D too",
        "Back\\slash\\ \\* and trailing \\",
        "#hashtag and # heading and C#",
    ]
    papers = [
        Paper(id=f"arxiv:2601.{n:05d}", arxiv_id=f"2601.{n:05d}", title=title)
        for n, title in enumerate(titles)
    ]
    out = export_papers(papers, {}, "md")
    links = rendered_links(out)
    # Every title renders as exactly itself, inside the one link we made: nothing else is live.
    assert links == [(p.abs_url, p.title) for p in papers]
    assert not [t.type for t in _md_tokens(out) if t.type in ("image", "html_inline", "html_block")]
    lines = out.splitlines()
    assert "[Costs {Braces} (RASP) for R&D in C# at 100%]" in lines[4]
    assert "[x_1 and LVLM_CSP but \\_emphasis\\_" in lines[5]
    assert "[$\\mathcal{O}(n \\log n)$ Sorting]" in lines[6]


def test_markdown_notes_are_inert_blocks_kept_line_by_line() -> None:
    note_paper = Paper(id="title:n", title="Noted", authors=["Ada Lovelace"])
    out = export_papers(
        [note_paper], {note_paper.id: State(status="later", note=HOSTILE_NOTE)}, "md"
    )
    tokens = _md_tokens(out)
    assert not [t.type for t in tokens if t.type in ("image", "html_inline", "html_block")]
    assert rendered_links(out) == []
    assert [t.type for t in tokens if t.type.endswith("_open")] == [
        "heading_open",
        "heading_open",
        "bullet_list_open",
        "list_item_open",
        "paragraph_open",
    ]
    (fence,) = [t for t in tokens if t.type == "fence"]
    expected = HOSTILE_NOTE.replace("\x1b", " ").replace("\x07", "").replace(" \n", "\n")
    assert fence.content == expected + "\n"  # every line as typed, control characters dropped
    assert "\x1b" not in out and "\x07" not in out
    # The list stays tight: the note belongs to its item and does not split the list.
    (item,) = [t for t in tokens if t.type == "paragraph_open"]
    assert item.hidden


def test_markdown_to_dos_bylines_and_tags() -> None:
    bare = Paper(id="title:b", title="- Bare (no authors)", published="2026-02-01")
    papers = [bare, NO_LINK, DPM, HOSTILE]
    states = {
        bare.id: State(status="skipped", tags=["a\nb", "<x>"]),
        NO_LINK.id: State(status="skipped"),
        DPM.id: State(status="done"),
        HOSTILE.id: State(status="inbox"),
    }
    lines = export_papers(papers, states, "md").splitlines()
    # No authors: the year alone, no dangling dash. Skipped: a plain item, not an open to-do;
    # at the start of an item a leading `-` would be a nested list, so it is escaped.
    assert "- \\- Bare (no authors) (2026) #\\<x> #a b" in lines
    assert "- +plus @at -minus — Ada Lovelace" in lines  # `+plus` starts no list: left alone
    assert any(line.startswith("- [x] [DPM-Solver") for line in lines)
    assert any(line.startswith("- [ ] [=cmd") for line in lines)
    tokens = _md_tokens("\n".join(lines))
    assert [t.type for t in tokens if t.type == "bullet_list_open"] == ["bullet_list_open"] * 3


def test_csv_columns_values_and_formula_guard() -> None:
    out = export_papers(PAPERS, STATES, "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
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
    ]
    dpm, hostile, zero, plus = rows
    assert dpm["authors"] == "Cheng Lu; Yuhao Zhou; Fan Bao; Jianfei Chen; Chongxuan Li; Jun Zhu"
    assert dpm["tags"] == "diffusion;sampling"
    assert dpm["starred"] == "true" and dpm["status"] == "later"
    assert dpm["date"] == "2022-06-02" and dpm["upvotes"] == "81"
    assert dpm["note"] == "read §3\n=1+1"  # multi-line note survives quoting
    assert dpm["url"] == "https://arxiv.org/abs/2206.00927"
    assert hostile["title"].startswith("'=cmd")
    assert "\n" not in hostile["title"]
    assert hostile["note"] == "'-danger"
    assert zero["title"] == "0" and zero["authors"] == "" and zero["upvotes"] == ""
    assert plus["title"] == "'+plus @at -minus"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_bibtex_is_valid_with_unique_keys_and_escaped_fields() -> None:
    out = export_papers(PAPERS, STATES, "bibtex")
    entries = parse_bibtex(out)
    assert [kind for kind, _, _ in entries] == ["misc"] * 4
    keys = [key for _, key, _ in entries]
    assert len(set(keys)) == 4
    assert keys[0] == "lu2022dpmsolver"
    dpm = entries[0][2]
    assert dpm["title"] == (
        "{DPM-Solver: A Fast ODE Solver for Diffusion Probabilistic Model Sampling in Around 10 Steps}"
    )
    assert (
        dpm["author"]
        == "Cheng Lu and Yuhao Zhou and Fan Bao and Jianfei Chen and Chongxuan Li and Jun Zhu"
    )
    assert dpm["year"] == "2022" and dpm["month"] == "jun"
    assert dpm["eprint"] == "2206.00927"
    assert dpm["archiveprefix"] == "arXiv" and dpm["primaryclass"] == "cs.LG"
    assert dpm["doi"] == "10.48550/arXiv.2206.00927"
    assert dpm["url"] == "https://arxiv.org/abs/2206.00927"
    assert dpm["note"] == "NeurIPS 2022"
    hostile = entries[1][2]
    # The maths span stays TeX maths; every special outside it is escaped; braces pair up.
    assert hostile["title"] == (
        '{=cmd|"/C calc"!A0 \\{unbalanced 100\\% \\& $x_1^2$ \\#1 \\textasciitilde{} '
        '\\textbackslash{}emph\\} "quoted" second line [link](javascript:x) *bold* `code`}'
    )
    assert unescaped(hostile["title"].replace("$x_1^2$", "")) == []
    # Non-ASCII names are kept as UTF-8; a name containing "and" is braced so it stays one name.
    assert hostile["author"] == (
        "Björn Engdahl and Przemysław Uznański and {Research and Development Team}"
    )
    assert entries[1][1] == "engdahl2026cmdc"
    zero = entries[2][2]
    assert zero["title"] == "{0}"
    assert "author" not in zero and "eprint" not in zero and "year" not in zero
    assert zero["url"] == "https://example.org/papers/zero_(draft)"
    assert entries[2][1] == "anon0"
    assert entries[3][1] == "lovelaceplus"
    assert "url" not in entries[3][2]  # no link at all: still a valid entry


def test_bibtex_keys_are_disambiguated_across_colliding_papers() -> None:
    base = dict(authors=["Cheng Lu", "Someone Else"], published="2022-06-02")
    papers = [
        Paper(id=f"arxiv:2206.0{n:04d}", arxiv_id=f"2206.0{n:04d}", title=title, **base)  # type: ignore[arg-type]
        for n, title in enumerate(
            ["DPM-Solver", "DPM-Solver++", "The DPM solver", "dpm solver revisited", "Other"]
        )
    ]
    papers.append(Paper(id="title:x", title="DPM-Solver", authors=["Lü, C."], published="2022"))
    keys = unique_keys(papers)
    # "The DPM solver" and "dpm solver revisited" share "lu2022dpm"; the non-ASCII "Lü, C."
    # folds to "lu" and collides with the first paper too.
    assert keys == [
        "lu2022dpmsolver",
        "lu2022dpmsolvera",
        "lu2022dpm",
        "lu2022dpma",
        "lu2022other",
        "lu2022dpmsolverb",
    ]
    entries = parse_bibtex(export_papers(papers, {}, "bibtex"))
    assert [key for _, key, _ in entries] == keys


def test_bibtex_suffixes_never_collide_with_a_real_base_key() -> None:
    # "lu2022dpma" is both a base key and the first suffix of "lu2022dpm".
    papers = [
        Paper(id="t1", title="DPM", authors=["C Lu"], published="2022-01-01"),
        Paper(id="t2", title="dpma", authors=["C Lu"], published="2022-01-01"),
        Paper(id="t3", title="DPM", authors=["C Lu"], published="2022-01-01"),
    ]
    keys = unique_keys(papers)
    assert keys == ["lu2022dpm", "lu2022dpma", "lu2022dpmb"]


def test_bibtex_entry_alone_uses_the_base_key() -> None:
    entry = bibtex_entry(DPM)
    assert entry.startswith("@misc{lu2022dpmsolver,\n")
    assert parse_bibtex(entry)[0][1] == citation_key(DPM)


def test_ris_records() -> None:
    out = export_papers(PAPERS, STATES, "ris")
    records = [r for r in out.split("ER  - \n") if r.strip()]
    assert len(records) == 4
    for record in records:
        for line in record.strip("\n").splitlines():
            assert re.match(r"^[A-Z][A-Z0-9]  - ", line), line
    dpm = records[0].strip("\n").splitlines()
    assert dpm[0] == "TY  - JOUR"
    assert [line for line in dpm if line.startswith("AU")] == [f"AU  - {a}" for a in DPM.authors]
    assert "TI  - " + DPM.title in dpm
    assert "PY  - 2022" in dpm and "DA  - 2022/06/02" in dpm
    assert "UR  - https://arxiv.org/abs/2206.00927" in dpm
    assert "DO  - 10.48550/arXiv.2206.00927" in dpm
    assert "KW  - diffusion" in dpm and "KW  - sampling" in dpm
    assert any(line.startswith("AB  - Diffusion probabilistic") for line in dpm)
    hostile = records[1].strip("\n").splitlines()
    assert hostile[0] == "TY  - ELEC"
    assert "AU  - Przemysław Uznański" in hostile
    assert any(line.startswith("TI  - =cmd") and "second line" in line for line in hostile)
    assert "AB  - Line one line two with } and %" in hostile
    zero = records[2].strip("\n").splitlines()
    assert zero[:2] == ["TY  - ELEC", "TI  - 0"]
    assert not any(line.startswith("AU") for line in zero)
    assert records[3].strip("\n").splitlines()[0] == "TY  - GEN"


# ----- BibTeX read back by bibtexparser 2 ----------------------------------------------------

# Hostile and real titles (the real ones from arXiv, as its API gives them).
ROUND_TRIP_TITLES = [
    "Costs {Braces}",
    "R&D at 100% in C# with x_1 and y^2 ~ z",
    "A lone $ dollar, from $5 to $10, and $ spaced $",
    "Unbalanced { brace",
    "Unbalanced } brace { twice",
    "}{ crossed",
    "Back\\slash \\ and \\\\ double and trailing \\",
    "Schrödinger meets Ångström: Ærø, Łódź and 北京",
    "Quotes \"straight\" and 'single' with @at and |bar| and <angle>",
    "Unsafe maths $a%b$ and $x#y$ and $p&q$ and ${open$",
    "Ends with a percent 100%",
    "$\\mathcal{O}(n \\log n)$ Sorting",
    "Exactly {{nested} braces} and {é}",
    "${D}^{3}${ETOR}: ${D}$ebate-Enhanced Pseudo Labeling",
    "Active Domain Knowledge Acquisition with \\$100 Budget",
    "\\textsc{T-Mask}: Temporal Masking for Probing Foundation Models",
    "A\\textsuperscript{2}FM: An Adaptive Agent Foundation Model",
    "Light and 3D: objects from the Mus{é}e d'Arch{é}ologie Nationale",
    "Prompt Design in Reasoner-Guided Repair of LLM Overcaution on Entailed Negations under OWL~2~DL",
    'R^3-VQA: "Read the Room" by Video Social Reasoning',
    "1%>100%: High-Efficiency Visual Adapter",
    "CareLab at #SMM4H-HeaRD 2025",
    "<think> So let's replace this phrase with insult... </think> Lessons learned",
    "[De|Re]constructing VLMs' Reasoning in Counting",
    "How Important is `Perfect' English for Machine Translation Prompts?",
    "ICL CIPHERS: Quantifying \"Learning'' in In-Context Learning via Substitution Ciphers",
    "UltraFlwr -- An Efficient Federated Medical and Surgical Object Detection Framework",
    "SAEs $\\textit{Can}$ Improve Unlearning",
    "GSBAK$^K$: $top$-$K$ Geometric Score-based Black-box Attack",
]


@pytest.mark.parametrize("title", ROUND_TRIP_TITLES)
def test_bibtex_titles_read_back_by_bibtexparser_as_the_original(title: str) -> None:
    paper = Paper(id="title:1", title=title, authors=["Ada Lovelace"], published="2026-01-01")
    out = export_papers([paper], {}, "bibtex")
    parse_bibtex(out)  # BibTeX's own brace counting: every value balanced
    (fields,) = decode_bibtex(out)
    assert typeset(fields["title"]) == typeset(title)


def test_bibtex_keeps_tex_maths_as_maths_and_braces_as_braces() -> None:
    def raw_title(title: str) -> str:
        (_, _, fields), *_ = parse_bibtex(bibtex_entry(Paper(id="t", title=title)))
        return fields["title"][1:-1]

    # arXiv's own BibTeX keeps the maths: LaTeX typesets it, pylatexenc keeps it verbatim.
    assert raw_title("$\\mathcal{O}(n \\log n)$ Sorting") == "$\\mathcal{O}(n \\log n)$ Sorting"
    assert (
        decode_bibtex(bibtex_entry(Paper(id="t", title="Fast $\\mathcal{O}(n)$ sorts")))[0]["title"]
        == "Fast $\\mathcal{O}(n)$ sorts"
    )
    assert raw_title("Costs {Braces}") == "Costs \\{Braces\\}"
    assert raw_title("a { b") == "a \\ensuremath{\\lbrace} b"
    assert raw_title("R&D 100% C# x_1 ~ ^ \\") == (
        "R\\&D 100\\% C\\# x\\_1 \\textasciitilde{} \\textasciicircum{} \\textbackslash{}"
    )
    # Money is not maths (pandoc's rule), nor is maths that would break the entry.
    assert raw_title("from $5 to $10") == "from \\$5 to \\$10"
    assert raw_title("$a%b$") == "\\$a\\%b\\$"
    assert escape_bibtex("x $\\{a\\}$ y") == "x $\\{a\\}$ y"
    assert escape_bibtex("x $\\{a$ y") == "x \\$\\textbackslash{}\\ensuremath{\\lbrace}a\\$ y"


def test_bibtex_carries_tags_as_keywords_and_the_note_as_annote() -> None:
    out = export_papers(PAPERS, STATES, "bibtex")
    entries = parse_bibtex(out)
    dpm, hostile = entries[0][2], entries[1][2]
    assert dpm["keywords"] == "diffusion, sampling"
    # `annote`: the user's note; `note` (printed in reference lists) stays the journal ref.
    assert dpm["annote"] == "read §3 =1+1" and dpm["note"] == "NeurIPS 2022"
    assert hostile["keywords"] == "weird" and hostile["annote"] == "-danger"
    assert "keywords" not in entries[3][2] and "annote" not in entries[3][2]
    decoded = decode_bibtex(out)
    assert decoded[0]["keywords"] == "diffusion, sampling"
    state = State(tags=["R&D", "x_1", "\x1b[31m"], note="100% {sure}\nline two $x$")
    (fields,) = decode_bibtex(bibtex_entry(DPM, state=state))
    assert fields["keywords"] == "[31m, R&D, x_1"  # the escape character is dropped
    assert fields["annote"] == "100% {sure} line two $x$"
    assert "keywords" not in parse_bibtex(bibtex_entry(DPM))[0][2]  # no state, no user fields


SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "arxiv-sample.jsonl.gz"
"""The real arXiv sample beside the checkout (../shared/data), as on every machine and in CI."""


@pytest.mark.skipif(not SAMPLE.exists(), reason=f"real arXiv sample not found at {SAMPLE}")
def test_bibtex_real_titles_and_authors_survive_bibtexparser() -> None:
    """The first 2,000 real arXiv papers read back from BibTeX without loss.

    "Without loss" means: bibtexparser 2 with its LaTeX decoding reads every entry (none fails),
    each title decodes to the original title as LaTeX typesets it (`typeset`: TeX's input
    ligatures `--`, `---`, ``` `` ```, `''` read as dashes and quotes, by LaTeX and pylatexenc
    alike; `\\textasciicircum` read as U+02C6 by pylatexenc), every other character identical,
    TeX maths kept verbatim (pylatexenc's `keep_math_mode`); and the author list decodes to the
    original names joined by " and ".
    """
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as lines:
        rows = [json.loads(next(lines)) for _ in range(2000)]
    papers = [
        Paper(
            id=f"arxiv:{row['id']}",
            arxiv_id=row["id"],
            title=row["title"],
            authors=row["authors"],
            listed_on=row["listed_on"],
        )
        for row in rows
    ]
    out = export_papers(papers, {}, "bibtex")
    decoded = decode_bibtex(out)
    assert len(decoded) == len(papers)
    lost = [
        (paper.title, fields["title"])
        for paper, fields in zip(papers, decoded, strict=True)
        if typeset(fields["title"]) != typeset(clean_text(paper.title))
    ]
    assert lost == []
    wrong_authors = [
        paper.authors
        for paper, fields in zip(papers, decoded, strict=True)
        if fields.get("author", "") != " and ".join(clean_text(a) for a in paper.authors)
    ]
    assert wrong_authors == []
    # The sample has TeX maths in titles: it reaches the BibTeX file as maths.
    maths = [p.title for p in papers if "$" in p.title]
    assert maths
    for title in maths:
        for span in re.findall(r"\$[^$]+\$", title):
            assert span in out, span


# ----- CSV, RIS, JSON: control characters, formulas and line breaks ---------------------------

# A state as a hostile reading list from another machine could carry it.
DIRTY = Paper(
    id="title:d",
    title="Dirty",
    authors=["@SUM(A1)"],
    links={"abs": "javascript:alert(1)"},
)
DIRTY_STATE = State(
    status="later",
    tags=["\x1b]0;pwned\x07", "=HYPERLINK(1)", "ok"],
    note="=cmd\x1b[2J\r\nsecond\x9b line\u2028third",
)


def test_csv_drops_control_characters_and_non_web_links_and_guards_every_cell() -> None:
    out = export_papers([DIRTY], {DIRTY.id: DIRTY_STATE}, "csv")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out)
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["authors"] == "'@SUM(A1)"
    assert row["tags"] == "'=HYPERLINK(1);]0;pwned;ok"
    assert row["note"] == "'=cmd [2J\nsecond line\nthird"  # lines kept, inside one quoted cell
    assert row["url"] == ""  # only http(s) links leave paperdeck


def test_ris_keeps_one_line_per_value_and_drops_control_characters() -> None:
    out = export_papers([DIRTY], {DIRTY.id: DIRTY_STATE}, "ris")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028]", out.replace("\n", ""))
    lines = out.splitlines()
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines if line), lines
    assert "N1  - =cmd [2J second line third" in lines
    assert [line for line in lines if line.startswith("KW")] == [
        "KW  - ]0;pwned",
        "KW  - =HYPERLINK(1)",
        "KW  - ok",
    ]
    assert not any(line.startswith("UR") for line in lines)
    blank = export_papers([NO_LINK], {NO_LINK.id: State(tags=["\x07"], note=" \n ")}, "ris")
    assert "KW  - " not in blank and "N1  - " not in blank  # nothing left: no empty field


def test_json_writes_invisible_and_control_characters_as_escapes_and_loads_back_the_same() -> None:
    sneaky = Paper(id="title:s", title="pay\u202egnp.exe \x9b31m\x7f\u2028x", authors=["A"])
    state = State(note="n\u2066o\u2069te \u200b\x85")
    out = export_papers([sneaky], {sneaky.id: state}, "json")
    assert not re.search("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]", out)
    assert "\\u202e" in out and "\\u009b" in out and "\\u2066" in out
    (record,) = json.loads(out)
    assert record["title"] == sneaky.title and record["note"] == state.note  # nothing lost


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_can_be_written_as_utf8_even_with_a_lone_surrogate(fmt: str) -> None:
    broken = Paper(id="title:u", title="half \ud800 a pair", authors=["B\udfff"])
    out = export_papers([broken], {broken.id: State(note="x\ud83d", tags=["t\udc00"])}, fmt)
    out.encode("utf-8")  # would raise UnicodeEncodeError (a traceback in `paperdeck export`)
    assert "half \ufffd a pair" in out
    bibtex_entry(broken).encode("utf-8")


# ----- any text at all: properties over Markdown and TeX syntax soup ---------------------------

_SYNTAX = [*"ab _*`[]()<>!#&;$\\{}~^%-+=|:/.\"'1 é\n", "http://", "&amp;", "<b>", "--", "``"]
syntax_soup = st.lists(st.sampled_from([*_SYNTAX, "''", "1. ", "- ", "```"]), max_size=20).map(
    "".join
)


@settings(max_examples=300, deadline=None)
@given(syntax_soup)
def test_markdown_any_title_renders_as_itself_and_any_note_stays_inert(text: str) -> None:
    title = clean_text(text) or "x"
    linked = Paper(id="arxiv:2601.00001", arxiv_id="2601.00001", title=title)
    bare = Paper(id="title:x", title=title)
    states = {bare.id: State(status="skipped", note=text)}
    out = export_papers([linked, bare], states, "md")
    tokens = _md_tokens(out)
    assert rendered_links(out) == [(linked.abs_url, title)]
    assert not [t.type for t in tokens if t.type in ("image", "html_inline", "html_block")]
    rendered = [t for t in tokens if t.type == "inline"][-1].children or []
    assert "".join(t.content for t in rendered) == title  # the skipped, link-less item
    fences = [t.content for t in tokens if t.type == "fence"]
    assert fences == ([clean_multiline(text) + "\n"] if clean_multiline(text) else [])


@settings(max_examples=300, deadline=None)
@given(syntax_soup)
def test_bibtex_any_title_reads_back_through_bibtexparser(text: str) -> None:
    entry = bibtex_entry(Paper(id="title:x", title=text, authors=["Ada Lovelace"]))
    parse_bibtex(entry)
    (fields,) = decode_bibtex(entry)
    assert typeset(fields["title"]) == typeset(clean_text(text))
