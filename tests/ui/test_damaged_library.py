"""A library with a store file set aside as damaged: the app says so in a notification that
stays, and a key whose write would build over the gap is refused with that reason."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import make_app, settle, wait_ready

from tui.store import Library


async def test_the_app_warns_and_refuses_writes_over_a_set_aside_file(library_home: Path) -> None:
    with Library.open(library_home) as lib:
        shards = lib.shard_counts["state"]
    for n in range(shards):  # whichever paper is under the cursor, its state file is set aside
        (library_home / "state" / f"{n:02d}.json.corrupt-20260101-000000").write_text("{bad")
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        (warning,) = [m for m in app.messages("error") if "set aside" in m]
        assert "state/00.json.corrupt-" in warning and "recover" in warning
        assert "\n" not in warning
        await pilot.press("a")
        await settle(pilot)
        refused = [m for m in app.messages("error") if "not writing over it" in m]
        assert refused and "doctor" in refused[0]
        await pilot.press("q")
    assert not list((library_home / "state").glob("*.json"))


async def test_u_undoes_this_sessions_key_not_another_processs_later_tag(
    library_home: Path,
) -> None:
    app = make_app(library_home)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_ready(pilot)
        mine = app.triage.paper_list.current_id
        assert mine is not None
        await pilot.press("a")  # later, by the user in the app
        await settle(pilot)
        with Library.open(library_home) as other:  # then another process tags another paper
            theirs = next(pid for pid in other.papers() if pid != mine)
            other.edit_tags([theirs], add=["from-cli"])
        await pilot.press("u")
        await settle(pilot)
        with Library.open(library_home) as lib:
            assert lib.state(mine).status == "inbox"
            assert lib.state(theirs).tags == ["from-cli"]
        await pilot.press("u")  # nothing of its own left: the other one's, and it says so
        await settle(pilot)
        assert "Undone: reading list: 1 paper" in app.messages()  # its own: no mention
        assert "Undone (another session's action): tag +from-cli on 1 paper" in app.messages()
        with Library.open(library_home) as lib:
            assert lib.state(theirs).tags == []
        await pilot.press("q")
