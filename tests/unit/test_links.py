"""The one link policy (tui.links), and that every place which takes or hands out a link uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.config import load_config
from tui.errors import InputFormatError
from tui.export import export_papers
from tui.importers import parse_file
from tui.links import MAX_URL_LENGTH, is_web_url, web_url
from tui.models import Paper, State
from tui.readinglist import parse_reading_list

GOOD = [
    "https://arxiv.org/abs/2206.00927",
    "http://127.0.0.1:8765/api/daily_papers",
    "HTTPS://GitHub.com/LuChengTHU/dpm-solver",
    "https://example.org/a?b=c&d=e#f",
    "https://[::1]:8080/",
    "https://bücher.example/ä",
]

HOSTILE = [
    "javascript:alert(1)",
    "JavaScript://example.org/%0aalert(1)",
    "file:///etc/passwd",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.org/paper.pdf",
    "https://",
    "https:///path-without-host",
    "http://:80/",
    "//example.org/scheme-relative",
    "example.org/no-scheme",
    "https://example.org/a\nb",
    "https://example.org/\r\nSet-Cookie: x",
    "https://exa\x1b[2Jmple.org/",
    "https://example.org/\x07",
    "https://example.org/a\u2028b",
    "https://example.org/\u200b",
    "https://example.org/a b",
    "https://example.org/a\tb",
    "https://example.org:notaport/",
    "http://[::1/",
    "https://example.org/" + "a" * MAX_URL_LENGTH,
    "",
]


@pytest.mark.parametrize("url", GOOD)
def test_web_links_pass(url: str) -> None:
    assert is_web_url(url) and web_url(url) == url


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_links_are_refused(url: str) -> None:
    assert not is_web_url(url)
    assert web_url(url) is None


@pytest.mark.parametrize("value", [None, 42, b"https://example.org", ["https://example.org"]])
def test_non_strings_are_not_links(value: object) -> None:
    assert not is_web_url(value) and web_url(value) is None


def test_surrounding_blanks_are_dropped_but_not_inner_ones() -> None:
    assert web_url("  https://example.org/x \n") == "https://example.org/x"
    assert not is_web_url(" https://example.org/x")  # what is opened must be exact
    assert web_url(" https://example.org/x y ") is None


def test_the_longest_link_allowed() -> None:
    url = "https://example.org/" + "a" * (MAX_URL_LENGTH - len("https://example.org/"))
    assert len(url) == MAX_URL_LENGTH and is_web_url(url)


# ----- the places that take links in, or hand them out, all apply the policy -------------


def test_importers_drop_hostile_links(tmp_path: Path) -> None:
    item = {
        "paper": {
            "id": "2608.00001",
            "title": "A paper",
            "authors": [{"name": "A. Author"}],
            "githubRepo": "javascript:alert(1)",
            "projectPage": "https://",
        },
        "thumbnail": "https://cdn.example/\x1b[2J.png",
    }
    path = tmp_path / "daily.json"
    path.write_text(json.dumps([item]), encoding="utf-8")
    (paper,) = parse_file(path).papers
    assert paper.github_repo is None and paper.project_page is None
    assert "javascript" not in json.dumps(paper.to_dict())


def test_a_reading_list_keeps_only_web_links() -> None:
    def url_of(url: str) -> str | None:
        record = {"id": "title:x", "title": "A paper", "url": url}
        text = json.dumps({"format": "paperdeck-reading-list", "version": 1, "papers": [record]})
        return parse_reading_list(text).entries["title:x"].paper.abs_url

    assert url_of("https://example.org/paper") == "https://example.org/paper"
    assert url_of("file:///etc/passwd") is None
    assert url_of("https://") is None


def test_exports_leave_hostile_links_out() -> None:
    paper = Paper(id="title:x", title="A paper", links={"abs": "https://"})
    text = export_papers([paper], {"title:x": State()}, "md")
    assert "https://" not in text and "A paper" in text


def test_config_refuses_a_base_url_without_a_host(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[network]\nhf_base_url = "https://"\n', encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"network\.hf_base_url.*http\(s\) URL"):
        load_config(path)
