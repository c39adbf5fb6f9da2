"""Importing paperdeck's own JSON export (`export --format json`, `list --json`, `show --json`).

The round trip must change nothing: export everything, import it into the same library (no
paper touched, no link invented) or into a fresh one (the same catalog, field by field, and the
user's states brought into papers that had none).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tui.cli import main
from tui.demo import fill_demo_if_empty
from tui.errors import InputFormatError
from tui.importers import detect_format, parse_bytes, parse_file
from tui.importers.paperdeck_json import FORMAT
from tui.models import State
from tui.store import Library


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def catalog(home: Path) -> dict[str, dict[str, Any]]:
    with Library.open(home) as lib:
        return {pid: paper.to_dict() for pid, paper in lib.papers().items()}


def decisions(home: Path) -> dict[str, tuple[str, bool, list[str], str]]:
    with Library.open(home) as lib:
        return {
            pid: (st.status, st.starred, sorted(st.tags), st.note)
            for pid, st in lib.states().items()
            if not st.is_default
        }


@pytest.fixture
def library(tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The demo library plus the HF and arXiv fixtures, with decisions made on a few papers."""
    home = tmp_path / "lib"
    with Library.open(home) as lib:
        fill_demo_if_empty(lib)
    code, _, err = run(
        capsys,
        "--home",
        str(home),
        "import",
        str(fixtures_dir / "hf_daily_papers_sample.json"),
        str(fixtures_dir / "arxiv_query_sample.atom"),
    )
    assert code == 0, err
    with Library.open(home) as lib:
        ids = sorted(lib.papers())
        title_keyed = [pid for pid in ids if pid.startswith("title:")]
        assert title_keyed, "the demo should hold papers known only by title"
        lib.set_status(ids[:3], "later")
        lib.set_status(ids[3:5], "done")
        lib.set_status([title_keyed[0]], "skipped")
        lib.set_starred([ids[0], title_keyed[0]], True)
        lib.edit_tags([ids[1], ids[3]], add=["diffusion", "to-read"], remove=[])
        lib.set_note([ids[2]], "compare with DDIM\n\nsecond paragraph")
    return home


def export_all(home: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _, err = run(capsys, "--home", str(home), "export", "--format", "json", "-o", str(out))
    assert code == 0, err
    return out


def test_own_export_is_recognised(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = export_all(library, tmp_path / "all.json", capsys)
    assert detect_format(path.read_bytes()) == FORMAT
    parsed = parse_file(path)
    assert parsed.format == FORMAT
    assert parsed.rejected == []
    assert len(parsed.papers) == len(catalog(library))
    # No Hugging Face link is made up for a paper that never came from Hugging Face.
    for paper in parsed.papers:
        assert not any("/papers/title:" in url for url in paper.links.values())


def test_round_trip_into_the_same_library_changes_nothing(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, states_before = catalog(library), decisions(library)
    path = export_all(library, tmp_path / "all.json", capsys)

    code, out, err = run(capsys, "--home", str(library), "import", str(path))

    assert code == 0, err
    assert f"({FORMAT}): 0 added, 0 updated, {len(before)} unchanged, 0 rejected" in out
    assert "states" not in out or "0 papers" in out
    after = catalog(library)
    assert after.keys() == before.keys()
    for pid, record in before.items():
        assert after[pid] == record, pid
    assert decisions(library) == states_before


def test_round_trip_into_a_fresh_library_reproduces_papers_and_decisions(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, states_before = catalog(library), decisions(library)
    path = export_all(library, tmp_path / "all.json", capsys)
    fresh = tmp_path / "fresh"

    code, out, err = run(capsys, "--home", str(fresh), "import", str(path))

    assert code == 0, err
    assert f"{len(before)} added, 0 updated, 0 unchanged, 0 rejected" in out
    assert f"states: {len(states_before)} papers took their status, star, tags and note" in out
    after = catalog(fresh)
    assert after.keys() == before.keys()
    for pid, record in before.items():
        assert after[pid] == record, pid
    assert decisions(fresh) == states_before

    # A second import settles: nothing changes, no state is written again.
    with Library.open(fresh) as lib:
        journal = len(lib.history())
    code, out, err = run(capsys, "--home", str(fresh), "import", str(path))
    assert code == 0, err
    assert f"0 added, 0 updated, {len(before)} unchanged" in out
    assert catalog(fresh) == after
    with Library.open(fresh) as lib:
        assert len(lib.history()) == journal


def test_states_go_only_into_papers_without_a_state(
    library: Path, tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = export_all(library, tmp_path / "all.json", capsys)
    states_before = decisions(library)
    other = tmp_path / "other"
    with Library.open(other) as lib:
        fill_demo_if_empty(lib)
    code, _, err = run(
        capsys, "--home", str(other), "import", str(fixtures_dir / "hf_daily_papers_sample.json")
    )
    assert code == 0, err
    with Library.open(other) as lib:
        decided = sorted(pid for pid in states_before if pid in lib.papers())
        assert len(decided) >= 2
        lib.set_status([decided[0]], "skipped")  # the user here already decided this one

    code, out, err = run(capsys, "--home", str(other), "import", str(path))

    assert code == 0, err
    assert "1 kept their own" in out, out
    with Library.open(other) as lib:
        mine = lib.state(decided[0])
        assert (mine.status, mine.starred, mine.tags, mine.note) == ("skipped", False, [], "")
        theirs = lib.state(decided[1])
        status, starred, tags, note = states_before[decided[1]]
        assert (theirs.status, theirs.starred, theirs.tags, theirs.note) == (
            status,
            starred,
            tags,
            note,
        )
        # One undoable step brings the states; undo takes them away again.
        assert lib.history()[-1].label.startswith("import states")
        lib.undo()
        assert lib.state(decided[1]).is_default or lib.state(decided[1]).status == "inbox"


def test_dry_run_writes_nothing(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = export_all(library, tmp_path / "all.json", capsys)
    fresh = tmp_path / "fresh"
    code, out, err = run(capsys, "--home", str(fresh), "import", "--dry-run", str(path))
    assert code == 0, err
    assert "would import" in out and "states: would bring" in out
    assert catalog(fresh) == {}
    assert decisions(fresh) == {}


def test_list_json_and_show_json_are_read_too(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--home", str(library), "list", "--json", "--limit", "3")
    assert code == 0
    records = json.loads(out)
    assert detect_format(out) == FORMAT
    assert [p.id for p in parse_bytes(out).papers] == [r["id"] for r in records]
    code, out, _ = run(capsys, "--home", str(library), "show", "--json", records[0]["id"])
    assert code == 0
    assert detect_format(out) == FORMAT
    assert [p.id for p in parse_bytes(out).papers] == [records[0]["id"]]


def test_hugging_face_json_is_still_hugging_face(fixtures_dir: Path) -> None:
    for name in ("hf_daily_papers_sample.json", "hf_paper_info_sample.json"):
        assert detect_format((fixtures_dir / name).read_bytes()) == "hf-json"


def record(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "arxiv:2206.00927",
        "title": "DPM-Solver",
        "arxiv_id": "2206.00927",
        "authors": ["Cheng Lu"],
        "abstract": "Fast sampling.",
        "links": {},
        "sources": ["hf-json"],
        "url": "https://arxiv.org/abs/2206.00927",
        "status": "later",
        "starred": True,
        "tags": ["diffusion"],
        "note": "",
    }
    base.update(changes)
    return base


def test_bad_records_are_rejected_one_by_one() -> None:
    data = json.dumps(
        [
            record(),
            record(id="title:x", title="", arxiv_id=None),
            record(id="arxiv:2301.00001", arxiv_id="2301.00001", title="Ok", status="maybe"),
            record(id="arxiv:2301.00002", arxiv_id="2301.00002", title="Links", links=["x"]),
            record(
                id="arxiv:2301.00003",
                arxiv_id="2301.00003",
                title="Bad link",
                links={"hf": "javascript:alert(1)", "pdf": "https://example.org/a.pdf"},
                upvotes="many",
                authors=["A", 5],
            ),
        ]
    )
    parsed = parse_bytes(data, "x.json")
    assert parsed.format == FORMAT
    assert [p.id for p in parsed.papers] == ["arxiv:2206.00927", "arxiv:2301.00003"]
    reasons = dict(parsed.rejected)
    assert reasons["record 2 (title:x)"] == "no title"
    assert "status" in reasons["record 3 (arxiv:2301.00001)"]
    assert "links" in reasons["record 4 (arxiv:2301.00002)"]
    bad = parsed.papers[1]
    assert bad.links == {"pdf": "https://example.org/a.pdf"}
    assert bad.upvotes is None
    assert bad.authors == ["A"]
    assert parsed.states["arxiv:2206.00927"] == State(
        status="later",
        starred=True,
        tags=["diffusion"],
        times=parsed.states["arxiv:2206.00927"].times,
    )


def test_a_non_object_among_records_is_rejected_not_fatal() -> None:
    parsed = parse_bytes(json.dumps([record(), 5]), "x.json")
    assert parsed.format == FORMAT
    assert [p.id for p in parsed.papers] == ["arxiv:2206.00927"]
    assert parsed.rejected == [("record 2", "not a JSON object")]


def test_a_reading_list_file_is_refused_with_a_hint(tmp_path: Path) -> None:
    from tui.readinglist import FORMAT_NAME

    path = tmp_path / "list.json"
    path.write_text(
        json.dumps({"format": FORMAT_NAME, "version": 1, "papers": [record()]}), "utf-8"
    )
    with pytest.raises(InputFormatError) as info:
        parse_file(path)
    assert str(info.value) == (
        f"{path}: a paperdeck reading list, not a paper list; merge it with "
        "`paperdeck sync --list FILE`"
    )
