"""Store safety on real files and processes: quarantined files are never forgotten nor built
over (doctor / recover), wrong-typed records are corruption, a journalled write is both or
neither, a session's undo undoes its own actions first, a lost journal entry fails its undo."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_process import cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.actions import SetStatus
from tui.cli import main
from tui.models import Paper
from tui.store import Library
from tui.triage_session import TriageSession, WriteJob


def make_library(home: Path, n: int = 3) -> list[str]:
    with Library.open(home) as lib:
        for i in range(n):  # one import per paper: the catalog is rewritten, a good copy kept
            lib.upsert_papers(
                [Paper(id="", title=f"Paper {i}", arxiv_id=f"2401.0000{i}")], source="t"
            )
        ids = sorted(lib.papers())
        lib.set_status(ids[:1], "later")
        lib.edit_tags(ids[:1], add=["x"])
    return ids


# ---------------------------------------------------------------- item 2: never forgotten


def test_quarantined_catalog_is_warned_about_blocks_writes_and_recovers(home: Path) -> None:
    ids = make_library(home)
    (home / "catalog.json").write_text("{not json")
    first = cli(home, "list")
    assert first.returncode == 1 and "moved aside" in first.stderr
    second = cli(home, "stats")
    assert "catalog.json.corrupt-" in second.stderr and "recover" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
    # Nothing builds a fresh catalog over the gap.
    imported = cli(
        home, "import", str(Path(__file__).parents[1] / "fixtures" / "arxiv_query_sample.atom")
    )
    assert imported.returncode == 1 and "set aside" in imported.stderr
    assert not (home / "catalog.json").exists()
    report = cli(home, "doctor")
    assert report.returncode == 1
    assert "does not parse" in report.stdout and "catalog.json.good: 2 papers" in report.stdout
    dry = cli(home, "recover", "--dry-run")
    assert dry.returncode == 0 and "would restore" in dry.stdout
    assert not (home / "catalog.json").exists()
    done = cli(home, "recover")
    assert done.returncode == 0, done.stderr
    after = cli(home, "list")
    assert after.returncode == 0 and after.stderr == ""
    assert len(after.stdout.strip().splitlines()) == 2  # the last good version: 2 of 3 papers
    assert cli(home, "doctor").returncode == 0
    assert ids


def test_quarantined_state_shard_recovers_its_records(home: Path) -> None:
    ids = make_library(home)
    with Library.open(home) as lib:
        shard = home / "state" / f"{lib.state_shard(ids[0]):02d}.json"
    data = json.loads(shard.read_text())
    data["states"]["bogus"] = {"tags": 5}
    shard.write_text(json.dumps(data))
    assert cli(home, "stats").returncode == 1
    blocked = cli(home, "status", "done", ids[0])
    assert blocked.returncode == 1 and "set aside" in blocked.stderr
    assert cli(home, "recover").returncode == 0
    shown = cli(home, "show", ids[0], "--json")
    assert shown.returncode == 0 and shown.stderr == ""
    with Library.open(home) as lib:
        state = lib.state(ids[0])
    assert state.status == "later" and state.tags == ["x"]


# ---------------------------------------------------------------- item 3: wrong inner types

WRONG = st.sampled_from(["abc", 5, [1], {"a": 1}, None, True, 1.5])


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    target=st.sampled_from(["time", "tags", "paper", "seq", "new_since", "status", "note"]),
    value=WRONG,
)
def test_wrong_typed_values_are_named_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, value: object
) -> None:
    home = tmp_path / f"h-{target}-{abs(hash(repr(value)))}"
    shutil.rmtree(home, ignore_errors=True)
    ids = make_library(home, 1)
    with Library.open(home) as lib:
        lib.set_meta("new_since", "2024-01-01")
        shard = f"state/{lib.state_shard(ids[0]):02d}.json"
    files = {
        "time": shard,
        "tags": shard,
        "status": shard,
        "note": shard,
        "paper": "catalog.json",
        "seq": "journal.json",
        "new_since": "meta.json",
    }
    path = home / files[target]
    data = json.loads(path.read_text())
    if target in ("time", "tags", "status", "note"):
        doc = data["states"][ids[0]]
        if target == "time":
            doc["times"]["status"] = value
        else:
            doc[target] = value
    elif target == "paper":
        data["papers"][ids[0]] = [value]
    elif target == "seq":
        next(iter(data["entries"].values()))["seq"] = value
    else:
        data["meta"]["new_since"]["value"] = value
    path.write_text(json.dumps(data))
    valid = {
        "time": isinstance(value, (int, float)) and not isinstance(value, bool),
        "tags": value is None,  # a missing list
        "status": isinstance(value, str),
        "note": isinstance(value, str),
        "seq": isinstance(value, int) and not isinstance(value, bool),
        "new_since": value is None or isinstance(value, str),
    }.get(target, False)
    capsys.readouterr()
    code = main(["--home", str(home), "list", "is:new"])
    err = capsys.readouterr().err
    if valid:
        return
    assert code == 1
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert path.name in err and "moved aside" in err


# ---------------------------------------------------------------- item 4: both or neither


@pytest.fixture
def full_journal(home: Path):
    journal = home / "journal"
    journal.mkdir(parents=True, exist_ok=True)
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", str(journal)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip("needs a tiny tmpfs (root) to fill the journal's disk")
    with contextlib.suppress(OSError):
        (journal / "filler").write_bytes(b"x" * 4096)
    yield journal
    subprocess.run(["umount", str(journal)], check=False)


def test_failed_journal_write_changes_nothing(home: Path, full_journal: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers([Paper(id="", title="Only", arxiv_id="2401.00001")], source="t")
        pid = next(iter(lib.papers()))
    result = cli(home, "status", "done", pid)
    assert result.returncode == 1 and "nothing was changed" in result.stderr
    with Library.open(home) as lib:
        assert lib.state(pid).status == "inbox"


# ---------------------------------------------------------------- item 5: own undo first


def test_session_undo_undoes_its_own_action_before_another_process(home: Path) -> None:
    ids = make_library(home)
    lib = Library.open(home)
    session = TriageSession()
    results = []

    def submit(job: WriteJob) -> None:
        results.append(job.run(lib))

    session.submit = submit
    lib.run(SetStatus("done"), [ids[1]], session=session.session_id)  # the user's key
    assert cli(home, "tag", ids[2], "+cli").returncode == 0  # another process, later
    session.step("undo")
    assert results[-1] is not None and not results[-1].foreign
    with Library.open(home) as other:
        assert other.state(ids[1]).status == "inbox"
        assert other.state(ids[2]).tags == ["cli"]
    session.step("undo")  # none of its own left: the other process's, said so
    assert results[-1] is not None and results[-1].foreign
    assert cli(home, "undo").returncode == 0  # the CLI: the latest overall
    lib.close()


# ---------------------------------------------------------------- item 6: lost entry


def test_undo_of_a_lost_journal_entry_fails_naming_it(home: Path) -> None:
    make_library(home)
    entry = max((home / "journal").glob("*.json"))
    entry.write_text("{broken")
    first = cli(home, "undo")
    assert first.returncode == 1 and entry.name in first.stderr
    second = cli(home, "undo")
    assert second.returncode == 1 and entry.name in second.stderr
    assert "cannot undo" in second.stderr and "Traceback" not in second.stderr
