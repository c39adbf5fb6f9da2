"""Command-line argument handling on a real home: words starting with `-` are query terms and
tag edits, options work in any position, export formats from names and extensions, `--home`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import main
from tui.store import Library

LLM = "arxiv:2608.11408"  # "Measure, Don't Optimize: Forecasting Recovery in LLM Unlearning"
DIFFUSE = "arxiv:2608.11249"  # "Diffuse to Compress: Leveraging Diffusion LMs ..."


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    assert err.startswith("paperdeck: "), err
    assert err.count("\n") == 1, err
    return err


def listed(out: str) -> list[str]:
    return [row["id"] for row in json.loads(out)]


@pytest.fixture
def seeded(home: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    files = [fixtures_dir / "hf_daily_papers_sample.json", fixtures_dir / "arxiv_query_sample.atom"]
    code, _, err = run(capsys, "import", *map(str, files))
    assert code == 0, err
    with Library.open(home) as lib:
        every = list(lib.papers())
    assert LLM in every and DIFFUSE in every
    return home


def test_tag_removes_with_a_dash_as_documented(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "tag", "2608.11408", "+llm", "+old")[0] == 0
    code, _, err = run(capsys, "tag", "2608.11408", "+new", "-old")
    assert code == 0, err
    assert Library.open(seeded).state(LLM).tags == ["llm", "new"]


def test_negated_query_terms_after_the_command(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "tag", "2608.11408", "+llm")
    code, out, err = run(capsys, "list", "--json", "-tag:llm")
    assert code == 0, err
    ids = listed(out)
    assert LLM not in ids and len(ids) == len(Library.open(seeded).papers()) - 1

    code, out, err = run(capsys, "list", "diffusion", "-solver", "--json")
    assert code == 0, err
    assert listed(out) == []  # its abstract says "solve"
    code, out, err = run(capsys, "list", "diffusion", "-trading", "--json")
    assert code == 0, err
    assert listed(out) == [DIFFUSE]
    code, out, _ = run(capsys, "list", "diffusion", "-compress", "--json")
    assert listed(out) == []


def test_options_mix_with_dash_terms_in_any_position(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "tag", "2608.11249", "+llm")
    code, out, err = run(capsys, "list", "-tag:llm", "--limit", "5", "diffusion")
    assert code == 0, err
    assert out == ""  # the only diffusion paper carries the tag
    code, out, err = run(capsys, "list", "-tag:llm", "--limit=2", "--json")
    assert code == 0, err
    assert len(listed(out)) == 2 and DIFFUSE not in listed(out)
    # `--` ends the options: what follows is all query.
    code, out, err = run(capsys, "list", "--json", "--", "-tag:llm", "diffusion")
    assert code == 0, err
    assert listed(out) == []


def test_export_with_a_negated_term(
    seeded: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "status", "skipped", "2608.11249")
    code, out, err = run(capsys, "export", "--format", "md", "-is:skipped")
    assert code == 0, err
    assert "Diffuse to Compress" not in out and "LLM Unlearning" in out
    target = tmp_path / "out.md"
    code, _, err = run(capsys, "export", "-is:skipped", "-o", str(target), "--format", "md")
    assert code == 0, err
    assert "Diffuse to Compress" not in target.read_text(encoding="utf-8")


def test_an_unknown_long_option_is_still_a_usage_error(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "list", "--limt", "3")
    assert code == 2 and "--limt" in one_line_error(err)


# ------------------------------------------------------------------------------ export formats


def test_format_bib_is_bibtex(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "export", "--format", "bib", "diffusion")
    assert code == 0, err
    assert out.lstrip().startswith("@") and "Diffuse to Compress" in out


@pytest.mark.parametrize(
    ("name", "starts"),
    [("x.bib", "@"), ("x.BibTeX", "@"), ("x.ris", "TY  -"), ("x.markdown", "#"), ("x.md", "#")],
)
def test_output_extension_picks_the_format(
    seeded: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, starts: str
) -> None:
    target = tmp_path / name
    code, _, err = run(capsys, "export", "diffusion", "-o", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert text.lstrip().startswith(starts), text[:80]


def test_output_extension_json_and_csv(
    seeded: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "export", "diffusion", "-o", str(tmp_path / "x.json"))
    assert [r["id"] for r in json.loads((tmp_path / "x.json").read_text())] == [DIFFUSE]
    run(capsys, "export", "diffusion", "-o", str(tmp_path / "x.csv"))
    assert (tmp_path / "x.csv").read_text().startswith("id,")


def test_explicit_format_wins_over_an_extension_that_says_nothing(
    seeded: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "notes.txt"
    code, _, err = run(capsys, "export", "--format", "bibtex", "diffusion", "-o", str(target))
    assert code == 0, err
    assert target.read_text().lstrip().startswith("@")


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--format", "csv", "-o", "x.bib"], ["csv", "x.bib"]),
        (["-o", "x.txt"], ["x.txt", "--format"]),
        ([], ["--format"]),
        (["--format", "docx"], ["docx", "bib"]),
    ],
)
def test_export_format_mistakes_exit_2(
    seeded: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    needles: list[str],
) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    code, out, err = run(capsys, "export", *args)
    assert code == 2
    assert all(n in one_line_error(err) for n in needles), err
    assert out == "" and list(workdir.iterdir()) == []


# ------------------------------------------------------------------------------------ --home


def test_home_after_the_command(
    seeded: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PAPERDECK_HOME", str(tmp_path / "elsewhere"))
    code, out, err = run(capsys, "stats", "--home", str(seeded))
    assert code == 0, err
    assert f"library: {seeded}" in out and "12 papers" in out
    code, out, err = run(capsys, "list", "diffusion", f"--home={seeded}", "--json")
    assert code == 0, err
    assert listed(out) == [DIFFUSE]
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize(
    "args", [["stats"], ["list"], ["export", "--format", "md"], ["show", "1706.03762"], ["undo"]]
)
def test_commands_on_a_missing_home_create_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    missing = tmp_path / "new" / "library"
    code, out, err = run(capsys, "--home", str(missing), *args)
    assert code == 1
    assert f"no library at {missing}" in one_line_error(err)
    assert out == "" and not (tmp_path / "new").exists()


def test_import_still_starts_a_library_in_a_new_folder(
    tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new"
    source = str(fixtures_dir / "arxiv_query_sample.atom")
    code, _, err = run(capsys, "--home", str(new), "import", source)
    assert code == 0, err
    assert run(capsys, "--home", str(new), "stats")[0] == 0


@pytest.mark.parametrize("where", ["flag", "env"])
def test_home_that_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    a_file = tmp_path / "some_file"
    a_file.write_text("mine\n")
    if where == "flag":
        code, _, err = run(capsys, "--home", str(a_file), "stats")
        assert f"--home {a_file} is not a folder" in one_line_error(err)
    else:
        monkeypatch.setenv("PAPERDECK_HOME", str(a_file))
        code, _, err = run(capsys, "import", "whatever.json")
        assert f"PAPERDECK_HOME {a_file} is not a folder" in one_line_error(err)
    assert code == 2
    assert a_file.read_text() == "mine\n"


def test_home_after_the_command_needs_a_value(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "list", "diffusion", "--home")
    assert code == 2 and "--home" in one_line_error(err) and out == ""


ARGVS = [
    ["star", "2206.00927v2"],
    ["--home", "/x", "unstar", "a", "b"],
    ["--home=/x", "tag", "a", "+b", "-c"],
    ["tag", "a", "-c", "--home", "/y"],
    ["status", "later", "a"],
    ["note", "a", ""],
    ["undo"],
    ["redo", "--home", "/z"],
    ["rename-tag", "old", "new"],
    ["list", "-tag:old", "diffusion", "--limit", "5", "--json"],
    ["export", "-f", "bib", "-o", "-", "is:starred"],
    ["show", "a", "--json"],
    ["similar", "a", "--limit", "3"],
    ["sync", "--dry-run", "--feed", "hf", "--feed", "arxiv"],
    ["import", "a.json", "--dry-run"],
    ["stats"],
    ["doctor"],
    ["recover", "--dry-run"],
]


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_the_parser_for_one_command_reads_it_as_the_whole_one(argv: list[str]) -> None:
    from tui.cli import build_parser, command_word
    from tui.cli_args import split_argv

    only = command_word(argv)
    assert only is not None
    whole, alone = build_parser(), build_parser(only)
    assert list(alone.commands) == [only]
    assert alone.parse_args(split_argv(alone, argv)) == whole.parse_args(split_argv(whole, argv))


@pytest.mark.parametrize(
    "argv", [[], ["--help", "star"], ["--version", "star"], ["stra", "x"], ["--home", "/x"]]
)
def test_the_whole_parser_reads_anything_else(argv: list[str]) -> None:
    from tui.cli import command_word

    assert command_word(argv) is None


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import COMMANDS

    with pytest.raises(SystemExit):
        main(["--help", "star"])
    out = capsys.readouterr().out
    assert all(name in out for name in COMMANDS)
