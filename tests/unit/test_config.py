"""config.toml: defaults, every documented key, and one-line errors for broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.config import Config, FeedConfig, load_config
from tui.errors import InputFormatError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nope.toml")
    assert config.feeds == [FeedConfig(source="hf-daily", name="hf-daily")]
    assert config.feeds[0].days == 7 and config.feeds[0].period == "day"
    assert config.hf_base_url == "https://huggingface.co"
    assert config.arxiv_api_url == "https://export.arxiv.org/api/query"
    assert config.arxiv_rss_url == "https://rss.arxiv.org/rss"
    assert config.arxiv_delay == 3.0
    assert config.reading_list is None and config.theme is None and config.keymap == {}


def test_full_config_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    path = write(
        tmp_path,
        """
theme = "gruvbox"
reading_list = "~/Sync/list.json"

[keymap]
star = "s"
skip = " x,delete "

[network]
timeout = 5
retries = 1
backoff = 0.25
max_wait = 10
arxiv_delay = 0
hf_base_url = "http://127.0.0.1:8000/"
arxiv_api_url = "http://127.0.0.1:8000/api/query"
arxiv_rss_url = "http://127.0.0.1:8000/rss"

[[feeds]]
source = "hf-daily"
period = "week"
days = 14
limit = 50

[[feeds]]
source = "hf-search"
query = "  diffusion "

[[feeds]]
source = "arxiv"
name = "lg-diffusion"
query = "cat:cs.LG AND abs:diffusion"
max_results = 300
page_size = 50

[[feeds]]
source = "arxiv-rss"
category = "cs.CL"
announce_types = ["new"]
""",
    )
    config = load_config(path)
    assert config.path == path
    assert config.theme == "gruvbox"
    assert config.reading_list == tmp_path / "Sync" / "list.json"
    assert config.keymap == {"star": "s", "skip": "x,delete"}
    assert (config.http_timeout, config.http_retries, config.http_backoff) == (5.0, 1, 0.25)
    assert (config.http_max_wait, config.arxiv_delay) == (10.0, 0.0)
    assert config.hf_base_url == "http://127.0.0.1:8000"  # trailing slash dropped
    daily, search, arxiv, rss = config.feeds
    assert (daily.name, daily.period, daily.days, daily.limit) == ("hf-daily", "week", 14, 50)
    assert (search.name, search.query, search.max_results) == ("hf-search", "diffusion", 50)
    assert (arxiv.name, arxiv.max_results, arxiv.page_size) == ("lg-diffusion", 300, 50)
    assert (rss.category, rss.announce_types) == ("cs.CL", ("new",))
    assert config.feed("lg-diffusion") is arxiv and config.feed("missing") is None


def test_rss_defaults_to_new_and_cross(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[[feeds]]\nsource = "arxiv-rss"\ncategory = "cs.LG"\n'))
    assert config.feeds[0].announce_types == ("new", "cross")


def test_empty_feed_list_means_no_feeds(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "feeds = []\n")).feeds == []


def test_broken_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'theme = "a"\n\n[network\ntimeout = 3\n')
    with pytest.raises(InputFormatError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: invalid TOML")
    assert "line 3" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("theme = 3\n", "theme"),
        ('[network]\ntimeout = "fast"\n', "network.timeout"),
        ("[network]\nretries = 1.5\n", "network.retries"),
        ("[network]\nretries = true\n", "network.retries"),
        ('[network]\nhf_base_url = "ftp://x"\n', "network.hf_base_url"),
        ("[network]\ntimeuot = 3\n", "network.timeuot"),
        ("[keymap]\nstar = 5\n", "keymap.star"),
        ('[[feeds]]\nsource = "reddit"\n', "feeds[0].source"),
        ('[[feeds]]\nsource = "hf-daily"\nperiod = "year"\n', "feeds[0].period"),
        ('[[feeds]]\nsource = "hf-daily"\ndays = "seven"\n', "feeds[0].days"),
        ('[[feeds]]\nsource = "hf-daily"\nlimit = 500\n', "feeds[0].limit"),
        ('[[feeds]]\nsource = "hf-daily"\nquery = "x"\n', "feeds[0].query"),
        ('[[feeds]]\nsource = "arxiv"\n', "feeds[0].query"),
        ('[[feeds]]\nsource = "arxiv-rss"\n', "feeds[0].category"),
        (
            '[[feeds]]\nsource = "arxiv-rss"\ncategory = "cs.LG"\nannounce_types = ["old"]\n',
            "feeds[0].announce_types",
        ),
        ('[[feeds]]\nsource = "hf-daily"\n[[feeds]]\nsource = "hf-daily"\n', "feeds[1].name"),
        ("feeds = 3\n", "feeds"),
        ("colour = 3\n", "colour"),
    ],
)
def test_wrong_values_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputFormatError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: {key} ")
    assert "\n" not in str(info.value)


def test_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'theme = "\xff"\n')
    with pytest.raises(InputFormatError, match="not UTF-8"):
        load_config(path)


def test_config_default_constructor_matches_missing_file(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.toml") == Config()


# -- network numbers must be finite and in range (issue 10, item 17) -------------------------


@pytest.mark.parametrize(
    "key",
    ["timeout", "backoff", "max_wait", "arxiv_delay", "deadline", "max_response_mb"],
    ids=lambda key: key,
)
@pytest.mark.parametrize("value", ["inf", "+inf", "-inf", "nan", "-1.0", "1e300", "10000000"])
def test_network_numbers_must_be_finite_and_sane(tmp_path: Path, key: str, value: str) -> None:
    path = write(tmp_path, f"[network]\n{key} = {value}\n")
    with pytest.raises(InputFormatError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: network.{key} must be a finite number in ")
    assert "\n" not in message


@pytest.mark.parametrize("value", ["-1", "1000000", "99999999999999999999"])
def test_network_retries_must_be_in_range(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"[network]\nretries = {value}\n")
    with pytest.raises(InputFormatError, match=r"network\.retries must be a whole number 0\.\.20"):
        load_config(path)


def test_network_numbers_at_their_bounds_are_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[network]\ntimeout = 3600\nretries = 20\nbackoff = 0\nmax_wait = 3600.0\n"
        "arxiv_delay = 0.0\n",
    )
    config = load_config(path)
    assert (config.http_timeout, config.http_retries, config.http_backoff) == (3600.0, 20, 0.0)
    assert (config.http_max_wait, config.arxiv_delay) == (3600.0, 0.0)


def test_an_infinite_timeout_is_one_line_on_the_command_line(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    # The base URL is a closed local port: a regression must not reach the network.
    (home / "config.toml").write_text(
        '[network]\ntimeout = inf\nretries = 0\nhf_base_url = "http://127.0.0.1:9"\n', "utf-8"
    )
    code = main(["sync", "--dry-run"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"paperdeck: {home / 'config.toml'}: network.timeout must be"), err
    assert err.count("\n") == 1
