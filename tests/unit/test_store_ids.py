"""The id lookup (`tui.store.ids`): a triage write resolves ids without loading the catalog, and
the lookup is never believed when it is stale, missing or damaged — the catalog answers then,
and the lookup is written again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_process import cli

from tui.errors import UnknownPaperError
from tui.models import Paper
from tui.store import Library
from tui.store.db import file_signature
from tui.store.ids import HEADER, MAGIC, ids_path, write_ids


def make_library(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(
            [
                Paper(id="", title="Solver one", arxiv_id="2401.00001", version=2),
                Paper(id="", title="Solver two", arxiv_id="2401.00002"),
                Paper(id="", title="A saved page without an id"),
            ],
            source="t",
        )


def resolves(home: Path, text: str) -> tuple[str, bool]:
    """What `text` resolves to in a freshly opened library, and whether the catalog was read."""
    with Library.open(home) as lib:
        found = lib.resolve(text)
        return found, lib.catalog_loaded


def test_an_import_writes_the_lookup_and_a_write_then_never_reads_the_catalog(home: Path) -> None:
    make_library(home)
    assert ids_path(home).is_file()
    assert resolves(home, "2401.00001v2") == ("arxiv:2401.00001", False)
    assert resolves(home, "https://arxiv.org/abs/2401.00002") == ("arxiv:2401.00002", False)
    with Library.open(home) as lib:
        title_id = next(pid for pid in lib.papers() if pid.startswith("title:"))
    assert resolves(home, title_id) == (title_id, False)
    with Library.open(home) as lib:
        lib.set_starred([lib.resolve("2401.00001")], True)
        lib.set_status([title_id], "later")
        assert not lib.catalog_loaded
    with Library.open(home) as lib:
        assert lib.state("arxiv:2401.00001").starred and lib.state(title_id).status == "later"


def test_an_unknown_id_is_refused_from_the_lookup_with_the_usual_message(home: Path) -> None:
    make_library(home)
    with Library.open(home) as lib, pytest.raises(UnknownPaperError) as fast:
        lib.resolve("2401.09999")
    assert not lib.catalog_loaded
    ids_path(home).unlink()
    with Library.open(home) as lib, pytest.raises(UnknownPaperError) as slow:
        lib.resolve("2401.09999")
    assert lib.catalog_loaded
    assert str(fast.value) == str(slow.value)
    with Library.open(home) as lib, pytest.raises(UnknownPaperError):
        lib.set_starred(["arxiv:2401.09999"], True)  # a catalog id that is not there: refused
    done = cli(home, "star", "2401.09999")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == f"paperdeck: {fast.value}"


def test_after_another_process_imports_the_new_paper_is_found(home: Path) -> None:
    make_library(home)
    with Library.open(home) as lib:
        assert lib.resolve("2401.00001") == "arxiv:2401.00001"  # this one's lookup is read
        with Library.open(home) as other:
            other.upsert_papers([Paper(id="", title="Third", arxiv_id="2401.00003")], source="t")
        assert lib.resolve("2401.00003v1") == "arxiv:2401.00003"
    assert resolves(home, "2401.00003") == ("arxiv:2401.00003", False)
    done = cli(home, "star", "2401.00003")
    assert done.returncode == 0, done.stderr


def test_a_stale_lookup_is_not_believed(home: Path) -> None:
    """A catalog put back from a copy (no paperdeck write, so the lookup is not rewritten):
    the lookup still knows the papers the copy lacks, and must not be believed."""
    with Library.open(home) as lib:
        lib.upsert_papers([Paper(id="", title="First", arxiv_id="2401.00001")], source="t")
    shutil.copy(home / "catalog.json", home / "old-catalog.json")
    with Library.open(home) as lib:
        lib.upsert_papers([Paper(id="", title="Second", arxiv_id="2401.00002")], source="t")
    assert resolves(home, "2401.00002") == ("arxiv:2401.00002", False)
    shutil.copy(home / "old-catalog.json", home / "catalog.json")
    with Library.open(home) as lib, pytest.raises(UnknownPaperError):
        lib.resolve("2401.00002")
    done = cli(home, "star", "2401.00002")
    assert done.returncode == 2 and "no paper with id '2401.00002'" in done.stderr
    assert resolves(home, "2401.00001") == ("arxiv:2401.00001", False)  # rebuilt meanwhile


def test_a_deleted_lookup_is_rebuilt(home: Path) -> None:
    make_library(home)
    ids_path(home).unlink()
    assert resolves(home, "2401.00002") == ("arxiv:2401.00002", True)
    assert ids_path(home).is_file()
    assert resolves(home, "2401.00002") == ("arxiv:2401.00002", False)
    shutil.rmtree(home / "cache")
    done = cli(home, "star", "2401.00002")
    assert done.returncode == 0 and done.stdout.strip() == "star 1 paper"
    assert ids_path(home).is_file()


def _flip_an_id(data: bytes) -> bytes:
    return data.replace(b"2401.00002\t", b"2401.00009\t")


def _bad_table(data: bytes) -> bytes:
    """A bucket table entry pointing past the end of the file."""
    at = len(MAGIC) + HEADER.size
    return data[:at] + b"\xff" * 8 + data[at + 8 :]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"\x00\xff garbage \n\n\t",
        lambda data: data[: len(data) // 2],  # torn: the CRC no longer matches
        _flip_an_id,  # a changed byte under a good header
        lambda data: MAGIC[:-1] + b"\x63" + data[len(MAGIC) :],  # another format
        lambda data: data[len(MAGIC) + HEADER.size :],  # no header at all
        _bad_table,
    ],
    ids=["empty", "garbage", "torn", "flipped", "future-format", "headless", "bad-table"],
)
def test_a_damaged_lookup_is_rebuilt_not_fatal(home: Path, damage: object) -> None:
    make_library(home)
    path = ids_path(home)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    with Library.open(home) as lib:
        assert lib.resolve("2401.00002") == "arxiv:2401.00002"
        with pytest.raises(UnknownPaperError):
            lib.resolve("2401.00009")
        assert lib.catalog_loaded  # the damaged file was not believed
    assert resolves(home, "2401.00002") == ("arxiv:2401.00002", False)  # and it was rewritten


def test_a_lookup_in_the_way_is_not_fatal(home: Path) -> None:
    """A cache folder that cannot hold the file (a directory where the file goes): commands
    work from the catalog, every time."""
    make_library(home)
    ids_path(home).unlink()
    ids_path(home).mkdir()
    done = cli(home, "star", "2401.00001")
    assert done.returncode == 0 and done.stderr == ""
    assert resolves(home, "2401.00001") == ("arxiv:2401.00001", True)


def test_an_alias_resolves_through_the_lookup(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers([Paper(id="", title="Known by title first")], source="page")
        old = next(iter(lib.papers()))
        lib.upsert_papers(
            [Paper(id="", title="Known by title first", arxiv_id="2402.00001")], source="t"
        )
    assert resolves(home, old) == ("arxiv:2402.00001", False)


def test_every_id_of_a_library_of_many_buckets_is_found(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(
            [Paper(id="", title=f"Paper {i}", arxiv_id=f"2403.{i:05d}") for i in range(5000)]
            + [Paper(id="", title=f"Saved page {i}") for i in range(500)],
            source="t",
        )
        ids = sorted(lib.papers())
    assert ids_path(home).stat().st_size > 5 * 1024  # several buckets
    with Library.open(home) as lib:
        for pid in ids:
            assert lib.resolve(pid) == pid
        for i in range(0, 5000, 7):
            assert lib.resolve(f"2403.{i:05d}v3") == f"arxiv:2403.{i:05d}"
        for missing in ("2403.05000", "title:0000000000000000", "arxiv:2403.99999", "x\ty"):
            with pytest.raises(UnknownPaperError):
                lib.resolve(missing)
        assert not lib.catalog_loaded


def test_a_later_import_updates_the_buckets_it_touches_and_every_id_is_found(home: Path) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(
            [Paper(id="", title=f"Paper {i}", arxiv_id=f"2403.{i:05d}") for i in range(3000)]
            + [Paper(id="", title=f"Saved page {i}") for i in range(5)],
            source="t",
        )
    before = ids_path(home).read_bytes()
    with Library.open(home) as lib:
        # Two new papers, one refreshed, and a saved page re-keyed by the arXiv id it gained.
        lib.upsert_papers(
            [
                Paper(id="", title="New one", arxiv_id="2404.00001"),
                Paper(id="", title="New two"),
                Paper(id="", title="Paper 7", arxiv_id="2403.00007", upvotes=9),
                Paper(id="", title="Saved page 3", arxiv_id="2404.00003"),
            ],
            source="t",
        )
        papers = lib.papers(texts=False)
        ids = sorted(papers)
        old_key = next(iter(lib.get_meta("aliases", {})))
        rebuilt = home / "rebuilt.bin"
        assert write_ids(rebuilt, file_signature(home / "catalog.json"), papers)
    after = ids_path(home).read_bytes()
    assert after != before
    assert after == rebuilt.read_bytes()  # the patched buckets are what a rebuild writes
    with Library.open(home) as lib:
        for pid in ids:
            assert lib.resolve(pid) == pid
        for i in range(0, 3000, 11):
            assert lib.resolve(f"2403.{i:05d}") == f"arxiv:2403.{i:05d}"
        assert lib.resolve("2404.00001") == "arxiv:2404.00001"
        assert lib.resolve("2404.00003") == "arxiv:2404.00003"
        assert old_key not in ids
        assert not lib.catalog_loaded
