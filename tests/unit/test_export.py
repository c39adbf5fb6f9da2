"""Export formats: every format on ordinary, hostile and sparse papers, parsed back and checked."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tui.errors import UsageError
from tui.export import FORMATS, bibtex_entry, citation_key, export_papers, unique_keys
from tui.models import Paper, State

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
    links={"abs": "https://example.org/papers/zero (draft)"},
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
    # The note follows as an indented quote, one line per note line.
    after = lines[lines.index(dpm_line) + 1 : lines.index(dpm_line) + 3]
    assert after == ["  > read §3", "  > =1+1"]
    hostile_line = next(line for line in lines if "cmd" in line)
    assert hostile_line.startswith("- [x] [")  # done papers are ticked
    link_text = hostile_line[len("- [x] [") : hostile_line.index("](https://arxiv.org/abs/2608")]
    # Every Markdown-special character in the title is backslash-escaped, newline folded.
    for char in "[]*_`{}#()<>!|~$&":
        assert not re.search(rf"(?<!\\){re.escape(char)}", link_text), char
    assert "\\[link\\]\\(javascript:x\\)" in link_text
    assert "\n" not in hostile_line
    assert "Björn Engdahl et al. (2026)" in hostile_line


def test_markdown_only_links_web_urls_and_encodes_parentheses() -> None:
    out = export_papers([NO_AUTHORS, NO_LINK], {}, "md")
    assert "- [ ] [0](https://example.org/papers/zero%20%28draft%29)" in out.splitlines()
    assert "- [ ] +plus @at -minus — Ada Lovelace" in out.splitlines()
    javascript = Paper(id="title:1", title="x", links={"abs": "javascript:alert(1)"})
    assert "javascript" not in export_papers([javascript], {}, "md")


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
    assert unescaped(hostile["title"]) == []
    assert (
        "\\textbraceleft{}unbalanced 100\\% \\& \\$x\\_1\\textasciicircum{}2\\$ \\#1"
        in hostile["title"]
    )
    assert "\\textasciitilde{} \\textbackslash{}emph\\textbraceright{}" in hostile["title"]
    # Non-ASCII names are kept as UTF-8; a name containing "and" is braced so it stays one name.
    assert hostile["author"] == (
        "Björn Engdahl and Przemysław Uznański and {Research and Development Team}"
    )
    assert entries[1][1] == "engdahl2026cmdc"
    zero = entries[2][2]
    assert zero["title"] == "{0}"
    assert "author" not in zero and "eprint" not in zero and "year" not in zero
    assert zero["url"] == "https://example.org/papers/zero%20(draft)"
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
