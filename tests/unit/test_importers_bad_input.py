"""Bad input: every damaged or wrong file gives one line that names the file and says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.errors import InputFormatError, PaperdeckError, UsageError
from tui.importers import (
    detect_format,
    parse_arxiv_atom,
    parse_arxiv_rss,
    parse_bytes,
    parse_file,
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def error_for(path: Path) -> str:
    with pytest.raises(InputFormatError) as info:
        parse_file(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    return message


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t  \n"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    assert "empty file" in error_for(write(tmp_path, "empty.txt", data))


def test_binary_file(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert "binary file" in error_for(write(tmp_path, "image.txt", data))


def test_undecodable_utf8(tmp_path: Path) -> None:
    data = b"Mar 13\n\nA title\n\nCaf" + b"\xe9 latin-1 abstract.\n"
    message = error_for(write(tmp_path, "latin1.txt", data))
    assert "not UTF-8" in message and "line 5" in message and "0xe9" in message


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html>\n<html lang='en'><head><title>Daily Papers</title></head><body></body></html>",
        b"  <html><body><p>Mar 13</p></body></html>",
        b"<?xml version='1.0'?><!-- saved --><html xmlns='http://www.w3.org/1999/xhtml'></html>",
    ],
)
def test_html_page_saved_instead_of_text(tmp_path: Path, data: bytes) -> None:
    message = error_for(write(tmp_path, "Daily Papers - Hugging Face.html", data))
    assert "looks like an HTML page; save the page as text" in message


def test_truncated_json_says_where(fixtures_dir: Path, tmp_path: Path) -> None:
    data = (fixtures_dir / "hf_daily_papers_sample.json").read_bytes()
    cut = data[: len(data) // 2]
    message = error_for(write(tmp_path, "daily.json", cut))
    expected_line = cut.count(b"\n") + 1
    assert f"broken JSON at line {expected_line}, column" in message
    assert "truncated" in message


def test_broken_json_in_the_middle_says_where(tmp_path: Path) -> None:
    message = error_for(write(tmp_path, "bad.json", b'[\n  {"paper": {"id": "1"}}\n  {"x": 1}\n]'))
    assert "broken JSON at line 3, column 3" in message
    assert "truncated" not in message


def test_json_that_is_not_papers(tmp_path: Path) -> None:
    message = error_for(write(tmp_path, "config.json", b'{"theme": "dark", "keys": [1, 2]}'))
    assert "not a Hugging Face papers response" in message
    assert "wrong type" not in message


def test_unknown_text_format(tmp_path: Path) -> None:
    data = b"@article{key,\n  title = {Something},\n  author = {Someone}\n}\n"
    assert "unknown format" in error_for(write(tmp_path, "refs.bib", data))


def test_unknown_xml_root(tmp_path: Path) -> None:
    message = error_for(
        write(tmp_path, "data.xml", b"<?xml version='1.0'?><catalog><x/></catalog>")
    )
    assert "root <catalog>" in message and "unknown format" in message


def test_malformed_xml_says_where(fixtures_dir: Path, tmp_path: Path) -> None:
    data = (fixtures_dir / "arxiv_query_sample.atom").read_bytes()
    message = error_for(write(tmp_path, "query.atom", data[: len(data) // 3]))
    assert "malformed XML at line" in message and "truncated" in message
    broken = write(tmp_path, "broken.atom", data.replace(b"</title>", b"</titel>", 1))
    assert "malformed XML at line 4" in error_for(broken)


def test_doctype_is_refused_before_parsing(tmp_path: Path) -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&b;</title></entry></feed>'
    )
    message = error_for(write(tmp_path, "bomb.atom", bomb))
    assert "DOCTYPE" in message
    with pytest.raises(InputFormatError, match="DOCTYPE"):
        parse_arxiv_atom(bomb, name="bomb.atom")
    with pytest.raises(InputFormatError, match="DOCTYPE"):
        parse_arxiv_rss(bomb.replace(b"feed", b"rss"), name="bomb.rss")


def test_parsers_refuse_the_wrong_xml_kind(fixtures_dir: Path) -> None:
    rss = (fixtures_dir / "arxiv_rss_sample.xml").read_bytes()
    atom = (fixtures_dir / "arxiv_query_sample.atom").read_bytes()
    with pytest.raises(InputFormatError, match=r"feed\.xml: not an Atom feed"):
        parse_arxiv_atom(rss, name="feed.xml")
    with pytest.raises(InputFormatError, match=r"q\.atom: not an RSS 2\.0 feed"):
        parse_arxiv_rss(atom, name="q.atom")


def test_missing_path_and_folder_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        parse_file(tmp_path / "nope.txt")
    with pytest.raises(UsageError, match="is a folder"):
        parse_file(tmp_path)


def test_detect_format_names_the_input() -> None:
    with pytest.raises(InputFormatError, match=r"^clipboard: empty file"):
        detect_format("  ", "clipboard")
    with pytest.raises(PaperdeckError, match=r"^clipboard: unknown format"):
        detect_format("just one line of text", "clipboard")


def test_feed_mentioning_html_tags_is_not_mistaken_for_html() -> None:
    feed = (
        '<rss version="2.0"><channel><item><title>Parsing &lt;body&gt; tags</title>'
        "<description><![CDATA[arXiv:2608.00001v1 Announce Type: new \nAbstract: <html> "
        "and <body> are tags.]]></description>"
        '<guid isPermaLink="false">oai:arXiv.org:2608.00001v1</guid></item></channel></rss>'
    )
    assert detect_format(feed) == "arxiv-rss"
    (paper,) = parse_arxiv_rss(feed).papers
    assert paper.title == "Parsing <body> tags"
    assert paper.abstract == "<html> and <body> are tags."


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda t: t.encode("utf-8")),
        st.sampled_from(["[", "{", "<feed", "<rss", "Mar 13\n\n", "\ufeff"]).flatmap(
            lambda start: st.text(max_size=300).map(lambda t: (start + t).encode("utf-8"))
        ),
    )
)
def test_any_input_parses_or_fails_with_a_one_line_error(data: bytes) -> None:
    try:
        result = parse_bytes(data, "fuzz.bin")
    except PaperdeckError as exc:
        assert str(exc).startswith("fuzz.bin: ")
        assert "\n" not in str(exc)
    else:
        for paper in result.papers:
            assert paper.title
            assert paper.sources == [result.format]
