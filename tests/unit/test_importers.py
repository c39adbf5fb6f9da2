"""Importers on the recorded fixtures: both seed pages, HF JSON, arXiv Atom and RSS, detection."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tui.errors import InputFormatError
from tui.importers import (
    ArxivAPIError,
    ParseResult,
    decode_tex_accents,
    detect_format,
    parse_arxiv_atom,
    parse_arxiv_rss,
    parse_bytes,
    parse_file,
    parse_hf_json,
    parse_hf_page,
)
from tui.models import Paper, paper_key, title_key

SEED_000 = "000_c522ad30ce1a1ce2.txt"
SEED_004 = "004_4550fbad3469ce42.txt"
TODAY = date(2026, 11, 20)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def by_arxiv(result: ParseResult) -> dict[str, Paper]:
    return {p.arxiv_id: p for p in result.papers if p.arxiv_id}


def naive_pairs(path: Path) -> list[tuple[str, str]]:
    """The seed's paragraphs after the 4 header lines and the date line, paired up."""
    paragraphs = [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
    body = paragraphs[5:]
    return list(zip(body[0::2], body[1::2], strict=True))


# -- saved Hugging Face pages -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "first", "last", "listed"),
    [
        (
            SEED_000,
            "ISR-LLM: Iterative Self-Refined Large Language Model for Long-Horizon Sequential "
            "Task Planning",
            "PROSE: Predicting Operators and Symbolic Expressions using Multimodal Transformers",
            "2026-03-13",
        ),
        (
            SEED_004,
            "EquiNO: A Physics-Informed Neural Operator for Multiscale Simulations",
            "Qwen2.5-Math Technical Report: Toward Mathematical Expert Model via Self-Improvement",
            "2026-04-23",
        ),
    ],
)
def test_seed_page_imports_all_78_papers(
    fixtures_dir: Path, seed: str, first: str, last: str, listed: str
) -> None:
    result = parse_file(fixtures_dir / seed, today=TODAY)
    assert result.format == "hf-page"
    assert result.rejected == []
    assert len(result.papers) == 78
    assert result.papers[0].title == first
    assert result.papers[-1].title == last
    # Every title and abstract is exactly the paragraph the page has in that place.
    assert [(p.title, p.abstract) for p in result.papers] == naive_pairs(fixtures_dir / seed)
    for paper in result.papers:
        assert paper.listed_on == listed
        assert paper.id == paper_key(None, paper.title) == title_key(paper.title)
        assert paper.arxiv_id is None
        assert paper.sources == ["hf-page"]
        assert paper.first_seen is None and paper.last_synced is None
        # No abstract looks like a title and no title like an abstract.
        assert len(paper.title) < 200 and not paper.title.endswith(".")
        assert len(paper.abstract) > 1000 and paper.abstract.count(". ") >= 4
    assert len({p.id for p in result.papers}) == 78


def test_seed_abstracts_spot_check(fixtures_dir: Path) -> None:
    papers = parse_file(fixtures_dir / SEED_000, today=TODAY).papers
    assert papers[0].abstract.startswith(
        "Motivated by the substantial achievements observed in Large Language Models (LLMs)"
    )
    assert papers[-1].abstract.endswith("learning operators and governing equations from data.")
    schrodinger = next(p for p in papers if p.title.startswith("Multi-marginal Schrödinger"))
    assert schrodinger.abstract.startswith("Practitioners frequently aim to infer")

    papers = parse_file(fixtures_dir / SEED_004, today=TODAY).papers
    assert papers[0].abstract.startswith("Multiscale problems are ubiquitous in physics.")
    assert papers[-1].abstract.endswith("from grade school level to math competition problems.")
    # A title that starts with a digit is a title, not a date or a count.
    olmo = next(p for p in papers if p.title == "2 OLMo 2 Furious")
    assert olmo.abstract.startswith("We present OLMo 2, the next generation")


def test_seed_year_is_the_most_recent_not_after_today(fixtures_dir: Path) -> None:
    seed = fixtures_dir / SEED_000  # "Mar 13"
    assert parse_file(seed, today=date(2026, 3, 13)).papers[0].listed_on == "2026-03-13"
    assert parse_file(seed, today=date(2026, 3, 12)).papers[0].listed_on == "2025-03-13"
    assert parse_file(seed, today=date(2027, 1, 2)).papers[0].listed_on == "2026-03-13"


def test_seed_with_crlf_line_endings(fixtures_dir: Path, tmp_path: Path) -> None:
    original = (fixtures_dir / SEED_004).read_bytes()
    crlf = tmp_path / "page.txt"
    crlf.write_bytes(original.replace(b"\n", b"\r\n"))
    plain = parse_file(fixtures_dir / SEED_004, today=TODAY)
    pasted = parse_file(crlf, today=TODAY)
    assert pasted.format == "hf-page"
    assert [p.to_dict() for p in pasted.papers] == [p.to_dict() for p in plain.papers]
    assert all("\r" not in p.abstract and "\r" not in p.title for p in pasted.papers)


def test_two_seeds_share_papers_under_the_same_id(fixtures_dir: Path) -> None:
    first = {p.id: p for p in parse_file(fixtures_dir / SEED_000, today=TODAY).papers}
    second = {p.id: p for p in parse_file(fixtures_dir / SEED_004, today=TODAY).papers}
    shared = first.keys() & second.keys()
    assert shared  # e.g. Qwen2.5-Math, PROSE and MAG-SQL are on both pages
    for paper_id in shared:
        assert first[paper_id].title == second[paper_id].title


# -- Hugging Face JSON ------------------------------------------------------------------------


def test_hf_daily_list(fixtures_dir: Path) -> None:
    result = parse_file(fixtures_dir / "hf_daily_papers_sample.json")
    assert result.format == "hf-json"
    assert result.rejected == []
    assert [p.arxiv_id for p in result.papers] == [
        "2608.09888",
        "2608.15089",
        "2608.14391",
        "2608.11408",
        "2608.11233",
        "2608.11249",
        "2608.11232",
        "2608.11788",
    ]
    papers = by_arxiv(result)
    bdh = papers["2608.09888"]
    assert bdh.id == "arxiv:2608.09888"
    assert bdh.version is None
    assert bdh.title == "BDH-CQ: In-Context Learning with Recurrent Latent Reasoning"
    assert bdh.upvotes == 781
    assert bdh.comments == 6
    assert bdh.listed_on == "2026-08-11"  # paper.submittedOnDailyAt, not a publishedAt
    assert bdh.published == "2026-08-10"  # paper.publishedAt (the wrapper's is shifted a day)
    assert bdh.authors[0] == "Björn Engdahl"
    assert bdh.github_repo == "https://github.com/pathwaycom/arc-task-gen"
    assert bdh.github_stars == 11184
    assert bdh.project_page is not None and bdh.project_page.startswith("https://pathway.com/")
    assert bdh.ai_summary is not None and bdh.ai_summary.startswith("A 150M-parameter")
    assert "in-context learning" in bdh.ai_keywords
    assert bdh.links == {
        "hf": "https://huggingface.co/papers/2608.09888",
        "thumbnail": "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2608.09888.png",
    }
    assert bdh.sources == ["hf-json"]
    assert bdh.first_seen is None and bdh.last_synced is None

    statem = papers["2608.15089"]
    assert "a $15 Frontier Run" in statem.title  # TeX-escaped `\$` unescaped
    assert "\n" not in statem.abstract and "  " not in statem.abstract
    assert papers["2608.11232"].comments == 0  # zero is kept, not turned into None
    assert papers["2608.11233"].github_repo is None
    assert papers["2608.11233"].project_page is None
    assert len(papers["2608.14391"].authors) == 10


def test_hf_paper_info_bare_object(fixtures_dir: Path) -> None:
    result = parse_file(fixtures_dir / "hf_paper_info_sample.json")
    assert len(result.papers) == 1
    paper = result.papers[0]
    assert paper.id == "arxiv:2608.09888"
    assert paper.upvotes == 782
    assert paper.comments is None  # the bare object has no numComments
    assert paper.listed_on == "2026-08-11"
    assert paper.github_stars == 11184
    assert paper.links == {"hf": "https://huggingface.co/papers/2608.09888"}


def test_hf_search_result(fixtures_dir: Path) -> None:
    result = parse_file(fixtures_dir / "hf_papers_search_sample.json")
    (paper,) = result.papers
    assert paper.arxiv_id == "2006.11239"
    assert paper.title == "Denoising Diffusion Probabilistic Models"
    assert paper.listed_on is None  # never on a daily list
    assert paper.published == "2020-06-19"
    assert "\n" not in paper.abstract
    assert paper.abstract.startswith(
        "We present high quality image synthesis results using diffusion probabilistic models, "
    )


def test_hf_json_reads_hf_fields_only_inside_paper() -> None:
    item = """[{"paper": {"id": "2608.00001v2", "title": "Inner", "summary": "S",
                 "upvotes": 5, "authors": [{"name": " Ana  Díaz "}, {"_id": "x"}, "bogus"]},
               "title": "Outer", "upvotes": 999, "ai_summary": "outer summary",
               "githubRepo": "https://github.com/outer/outer", "numComments": 4,
               "thumbnail": "javascript:alert(1)"}]"""
    (paper,) = parse_hf_json(item).papers
    assert paper.title == "Inner"
    assert paper.upvotes == 5
    assert paper.ai_summary is None
    assert paper.github_repo is None
    assert paper.comments == 4
    assert (paper.arxiv_id, paper.version) == ("2608.00001", 2)
    assert paper.authors == ["Ana Díaz"]
    assert "thumbnail" not in paper.links  # not an http(s) URL


def test_hf_json_unusable_items_are_rejected_not_fatal() -> None:
    payload = '[{"paper": {"id": "2608.00002", "summary": "no title"}}, 7, {"paper": {"id": "2608.00003", "title": "Kept"}}]'
    result = parse_hf_json(payload)
    assert [p.title for p in result.papers] == ["Kept"]
    assert result.rejected == [
        ("item 1 (2608.00002)", "no title"),
        ("item 2", "not a JSON object"),
    ]


def test_hf_json_empty_list_and_api_error() -> None:
    assert parse_hf_json("[]").papers == []
    with pytest.raises(InputFormatError, match=r"resp\.json: Hugging Face API error: .*Too big"):
        parse_hf_json(
            '{"error": "✖ Too big: expected number to be <=100\\n  → at limit"}', name="resp.json"
        )


# -- arXiv API Atom ---------------------------------------------------------------------------


def test_arxiv_atom_sample(fixtures_dir: Path) -> None:
    result = parse_file(fixtures_dir / "arxiv_query_sample.atom")
    assert result.format == "arxiv-atom"
    assert result.rejected == []
    assert (result.total_results, result.start_index) == (5, 0)
    assert [p.id for p in result.papers] == [
        "arxiv:2608.11232",
        "arxiv:1706.03762",
        "arxiv:hep-th/9711200",
        "arxiv:astro-ph/0601001",
        "arxiv:2104.12255",
    ]
    papers = by_arxiv(result)

    attention = papers["1706.03762"]
    assert attention.version == 7
    assert attention.title == "Attention Is All You Need"
    assert attention.published == "2017-06-12"
    assert attention.updated == "2023-08-02"
    assert len(attention.authors) == 8 and attention.authors[0] == "Ashish Vaswani"
    assert attention.categories[0] == "cs.CL"
    assert attention.arxiv_comment == "15 pages, 5 figures"
    assert attention.links == {
        "abs": "https://arxiv.org/abs/1706.03762v7",
        "pdf": "https://arxiv.org/pdf/1706.03762v7",
    }

    maldacena = papers["hep-th/9711200"]
    assert maldacena.version == 3
    assert maldacena.journal_ref == "Adv.Theor.Math.Phys.2:231-252,1998"
    assert maldacena.doi == "10.1023/A:1026654312961"
    assert maldacena.links["pdf"] == "https://arxiv.org/pdf/hep-th/9711200v3"  # not the doi link
    assert maldacena.abstract == maldacena.abstract.strip()
    assert maldacena.authors == ["Juan M. Maldacena"]

    hot_jupiters = papers["astro-ph/0601001"]
    assert hot_jupiters.version == 1
    assert hot_jupiters.authors == [
        "Andrew Gould",
        "Susan Dorsher",
        "B. Scott Gaudi",
        "Andrzej Udalski",
    ]  # affiliations are not names
    assert hot_jupiters.categories[0] == "astro-ph"

    zero = papers["2104.12255"]
    assert zero.title == "0"  # falsy, but a real title
    assert zero.id == "arxiv:2104.12255"
    for paper in result.papers:
        assert paper.sources == ["arxiv-atom"]


def test_arxiv_atom_primary_category_comes_first() -> None:
    feed = atom_feed(
        """<entry><id>http://arxiv.org/abs/2401.00001v2</id><title>T</title>
        <category term="cs.LG"/><category term="stat.ML"/>
        <arxiv:primary_category term="stat.ML"/></entry>"""
    )
    (paper,) = parse_arxiv_atom(feed).papers
    assert paper.categories == ["stat.ML", "cs.LG"]
    assert paper.version == 2


def test_arxiv_atom_error_entry_raises(fixtures_dir: Path) -> None:
    with pytest.raises(ArxivAPIError, match="arXiv API error: start must be an integer") as info:
        parse_file(fixtures_dir / "arxiv_query_error_400.atom")
    assert "arxiv_query_error_400.atom" in str(info.value)
    assert isinstance(info.value, InputFormatError)


def test_arxiv_atom_empty_feed_is_zero_papers(fixtures_dir: Path) -> None:
    result = parse_file(fixtures_dir / "arxiv_query_empty.atom")
    assert result.papers == [] and result.rejected == []
    assert result.total_results == 0


def test_arxiv_atom_entry_without_title_or_id_is_rejected() -> None:
    feed = atom_feed(
        "<entry><id>http://arxiv.org/abs/2401.00001v1</id><title>  </title></entry>"
        "<entry><id>http://example.org/x</id><title>No id</title></entry>"
        "<entry><id>http://arxiv.org/abs/2401.00002v1</id><title>Good</title></entry>"
    )
    result = parse_arxiv_atom(feed)
    assert [p.title for p in result.papers] == ["Good"]
    assert result.rejected[0] == ("entry 1 (2401.00001v1)", "no title")
    assert result.rejected[1][0] == "entry 2 (http://example.org/x)"


def atom_feed(entries: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
        f"<opensearch:totalResults>9</opensearch:totalResults>{entries}</feed>"
    )


# -- arXiv RSS --------------------------------------------------------------------------------


def test_arxiv_rss_sample(fixtures_dir: Path) -> None:
    result = parse_file(fixtures_dir / "arxiv_rss_sample.xml")
    assert result.format == "arxiv-rss"
    assert result.rejected == []
    assert len(result.papers) == 7
    papers = by_arxiv(result)

    first = papers["2608.11232"]
    assert first.authors == ["Ruoxi Zhao", "Maziar Raissi"]
    assert first.title.startswith("Backtrader-Bench")
    assert first.abstract.startswith("Evaluating LLM coding agents")  # "Abstract: " cut off
    assert "Announce Type" not in first.abstract
    assert first.categories == ["cs.CL", "cs.AI"]
    # pubDate is the announcement day: not the submission date, version date or HF listing day
    dates = (first.published, first.updated, first.listed_on, first.announced)
    assert dates == (None, None, None, "2026-08-13")
    assert first.version == 1

    assert papers["2608.11249"].categories == ["cs.CL", "cs.AI", "cs.IT", "cs.LG", "math.IT"]
    assert "\n" not in papers["2608.11249"].abstract

    vallee = papers["2608.11531"]
    assert vallee.authors == ["Baptiste Vallée", "Ivan Lanese"]
    assert vallee.doi == "10.1007/978-3-032-30839-9"
    assert vallee.journal_ref is not None and vallee.journal_ref.startswith(
        "Reversible Computation"
    )

    assert len(papers["2608.11788"].authors) == 9
    assert papers["2608.08514"].categories[0] == "cs.AI"  # cross-list: primary is not cs.CL

    replaced = papers["2502.00837"]
    assert replaced.version == 3  # from the guid; the link has no version
    assert replaced.published is None  # the v1 date is unknown for a replacement
    assert replaced.updated is None  # so is the date vN was submitted
    assert replaced.announced == replaced.date == "2026-08-13"  # what the feed says
    assert papers["2408.06849"].version == 3

    assert result.announce_types == {
        "arxiv:2608.11232": "new",
        "arxiv:2608.11249": "new",
        "arxiv:2608.11531": "new",
        "arxiv:2608.11788": "new",
        "arxiv:2608.08514": "cross",
        "arxiv:2502.00837": "replace",
        "arxiv:2408.06849": "replace-cross",
    }
    for paper in result.papers:
        assert paper.sources == ["arxiv-rss"]
        assert paper.links["abs"] == f"https://arxiv.org/abs/{paper.arxiv_id}"


def test_rss_author_string_with_and_and_suffixes() -> None:
    feed = rss_feed(
        "<dc:creator>Ana Gómez, Bo Li and Carl Smith, Jr., and J. Erd\\H{o}s</dc:creator>"
    )
    (paper,) = parse_arxiv_rss(feed).papers
    assert paper.authors == ["Ana Gómez", "Bo Li", "Carl Smith, Jr.", "J. Erdős"]


def test_rss_item_without_arxiv_id_is_rejected() -> None:
    feed = rss_feed("", guid="urn:something-else", link="https://example.org/", description="x")
    result = parse_arxiv_rss(feed)
    assert result.papers == []
    assert result.rejected == [("item 1 (A title)", "no arXiv id in guid, description or link")]


def rss_feed(
    extra: str,
    *,
    guid: str = "oai:arXiv.org:2608.00001v1",
    link: str = "https://arxiv.org/abs/2608.00001",
    description: str = "arXiv:2608.00001v1 Announce Type: new \nAbstract: Text.",
) -> str:
    return (
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom"><channel><title>t</title>'
        "<pubDate>Thu, 13 Aug 2026 00:00:00 -0400</pubDate><item><title>A title</title>"
        f"<link>{link}</link><description>{description}</description>"
        f'<guid isPermaLink="false">{guid}</guid>{extra}</item></channel></rss>'
    )


@pytest.mark.parametrize(
    ("tex", "plain"),
    [
        ("Vall\\'ee", "Vallée"),
        ('G\\"{o}del', "Gödel"),
        ('{\\"U}ber', "Über"),
        ("\\c{C}a\\u{g}lar", "Çağlar"),
        ("{\\o}rsted", "ørsted"),
        ("\\L{}ukasiewicz", "Łukasiewicz"),
        ("Stra\\ss e", "Straße"),
        ("Mart\\'{\\i}nez", "Martínez"),
        ("Pe\\~na", "Peña"),
        ("Plain Name", "Plain Name"),
        ("$\\alpha$-Team", "$\\alpha$-Team"),
    ],
)
def test_decode_tex_accents(tex: str, plain: str) -> None:
    assert decode_tex_accents(tex) == plain


# -- detection --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "fmt"),
    [
        (SEED_000, "hf-page"),
        (SEED_004, "hf-page"),
        ("hf_daily_papers_sample.json", "hf-json"),
        ("hf_paper_info_sample.json", "hf-json"),
        ("hf_papers_search_sample.json", "hf-json"),
        ("arxiv_query_sample.atom", "arxiv-atom"),
        ("arxiv_query_empty.atom", "arxiv-atom"),
        ("arxiv_query_error_400.atom", "arxiv-atom"),
        ("arxiv_rss_sample.xml", "arxiv-rss"),
    ],
)
def test_detect_format_from_content(
    fixtures_dir: Path, tmp_path: Path, fixture: str, fmt: str
) -> None:
    data = (fixtures_dir / fixture).read_bytes()
    assert detect_format(data) == fmt
    assert detect_format(data.decode("utf-8")) == fmt
    # The extension is ignored: the same bytes under a misleading name parse the same way.
    misnamed = tmp_path / "download.html"
    misnamed.write_bytes(data)
    if fmt != "arxiv-atom" or "error" not in fixture:
        assert parse_file(misnamed, today=TODAY).format == fmt


def test_parse_bytes_matches_parse_file(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "arxiv_rss_sample.xml").read_bytes()
    via_bytes = parse_bytes(data, "feed.xml")
    via_file = parse_file(fixtures_dir / "arxiv_rss_sample.xml")
    assert [p.to_dict() for p in via_bytes.papers] == [p.to_dict() for p in via_file.papers]


def test_utf8_bom_and_utf16_are_read(fixtures_dir: Path) -> None:
    text = (fixtures_dir / "hf_paper_info_sample.json").read_text("utf-8")
    for data in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-16")):
        (paper,) = parse_bytes(data, "x.json").papers
        assert paper.authors[0] == "Björn Engdahl"


# -- untrusted text ---------------------------------------------------------------------------


def all_strings(paper: Paper) -> list[str]:
    out: list[str] = []
    for value in paper.to_dict().values():
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            out.extend(v for v in value if isinstance(v, str))
        elif isinstance(value, dict):
            out.extend(str(v) for v in value.values())
    return out


HOSTILE = "Evil \x1b[2J\x1b]0;pwned\x07 Title\x9b"


def test_no_parser_emits_control_characters() -> None:
    results = [
        parse_hf_page(
            f"Mar 13\n\n{HOSTILE}\n\n" + "An abstract sentence. " * 20 + "\x1b[31mred\x1b[0m.",
            today=TODAY,
        ),
        parse_hf_json(
            '[{"paper": {"id": "2608.00001", "title": "Evil \\u001b[2J Title",'
            ' "summary": "a\\u0007b", "authors": [{"name": "X\\u001bY"}],'
            ' "ai_summary": "\\u009b1m", "ai_keywords": ["k\\u0000"]}, "numComments": 1}]'
        ),
        # XML 1.0 cannot carry C0 controls, but C1 ones (CSI is U+009B) and DEL are legal.
        parse_arxiv_atom(
            atom_feed(
                "<entry><id>http://arxiv.org/abs/2608.00001v1</id>"
                "<title>Evil &#x9b;2J Title</title><summary>a&#x7f;b</summary>"
                "<author><name>X&#x9b;Y</name></author>"
                "<arxiv:comment>c&#x85;d</arxiv:comment></entry>"
            )
        ),
        parse_arxiv_rss(rss_feed("<dc:creator>X\x9b2JY, Z&#x9b;</dc:creator>")),
    ]
    for result in results:
        assert result.papers, result
        for paper in result.papers:
            for value in all_strings(paper):
                assert not _CONTROL.search(value), (result.format, value)
    assert results[0].papers[0].title == "Evil [2J ]0;pwned Title"
    assert results[1].papers[0].title == "Evil [2J Title"
    assert results[2].papers[0].title == "Evil 2J Title"
    assert results[3].papers[0].authors == ["X 2JY", "Z"]


def test_text_with_a_nul_character_is_refused() -> None:
    with pytest.raises(InputFormatError, match="binary"):
        parse_hf_page("Mar 13\n\nTitle\x00\n\nAbstract.", name="p.txt")
