"""The learned order in the app (issue 12): the For you view puts what this user keeps first,
the abstract pane says why, `l` ranks the view by likeness to the paper under the cursor, and
`l` on a tag row in the sidebar shows the inbox ranked by that tag's model.
A real library with two clear topics; decisions made with the real keys."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Footer
from ui_helpers import fill_library, make_app, settle, wait_ready

from tui.actions import EditTags, SetStar, SetStatus
from tui.models import Paper
from tui.query.nodes import Rank
from tui.rank import Ranker
from tui.store import Library
from tui.views import View

TOPICS = {
    "diffusion": "Diffusion models sample images with a fast ODE solver and few denoising steps.",
    "graphs": "Graph neural networks pass messages between nodes to classify molecules.",
}


def topic_papers() -> list[Paper]:
    papers = []
    for n in range(40):
        topic = "diffusion" if n % 2 == 0 else "graphs"
        papers.append(
            Paper(
                id=f"arxiv:2601.{n:05d}",
                arxiv_id=f"2601.{n:05d}",
                title=f"{'Diffusion sampler' if topic == 'diffusion' else 'Graph network'} {n}",
                abstract=f"{TOPICS[topic]} Variant {n}.",
                listed_on=f"2026-01-{1 + n % 28:02d}",
            )
        )
    return papers


def is_diffusion(paper_id: str) -> bool:
    return int(paper_id.rsplit(".", 1)[1]) % 2 == 0


async def wait_for_ranker(pilot, app) -> None:  # type: ignore[no-untyped-def]
    for _ in range(300):
        await pilot.pause(0.02)
        if app.triage.ranking.ranker is not None:
            await settle(pilot)
            return
    raise AssertionError("the ranker never became ready")


async def test_for_you_puts_the_kept_topic_first_and_says_why(home: Path) -> None:
    papers = topic_papers()
    fill_library(home, papers)
    with Library.open(home) as lib:
        lib.run(SetStar(True), [papers[0].id, papers[2].id])
        lib.run(SetStatus("later"), [papers[4].id])
        lib.run(SetStatus("skipped"), [papers[1].id, papers[3].id, papers[5].id])
    app = make_app(home)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(pilot)
        await wait_for_ranker(pilot, app)
        await pilot.press("7")
        await settle(pilot)
        assert app.triage.view.key == "for-you"
        rows = list(app.triage.paper_list.rows)
        assert len(rows) == 40 - 4  # the inbox: skips and the later paper left it
        assert all(is_diffusion(pid) for pid in rows[:10]), rows[:10]
        await pilot.press("g")
        await settle(pilot)
        for _ in range(100):
            await pilot.pause(0.02)
            if "why" in str(app.triage.abstract.content):
                break
        text = str(app.triage.abstract.content)
        assert "why ★ for you:" in text, text
        assert "+diffusion" in text or "+sampler" in text, text


async def test_like_key_ranks_the_view_by_likeness_to_the_paper(home: Path) -> None:
    papers = topic_papers()
    fill_library(home, papers)
    app = make_app(home)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(pilot)
        await wait_for_ranker(pilot, app)
        plist = app.triage.paper_list
        graph_row = next(i for i, pid in enumerate(plist.rows) if not is_diffusion(pid))
        plist.move_to(graph_row)
        await pilot.pause()
        target = plist.current_id
        await pilot.press("l")
        await settle(pilot)
        assert app.triage.filter_bar.text == f"like:{target.removeprefix('arxiv:')}"  # type: ignore[union-attr]
        rows = list(plist.rows)
        assert all(not is_diffusion(pid) for pid in rows[:10]), rows[:10]


async def test_l_on_a_tag_row_shows_the_inbox_ranked_by_that_tags_model(home: Path) -> None:
    papers = topic_papers()
    fill_library(home, papers)
    tagged = [papers[n].id for n in (1, 3, 5)]  # three graph papers
    with Library.open(home) as lib:
        lib.run(EditTags(add=("graphs",)), tagged)
    app = make_app(home)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(pilot)
        await wait_for_ranker(pilot, app)
        inbox_order = list(app.triage.paper_list.rows)  # the Inbox, today's order
        assert not all(not is_diffusion(pid) for pid in inbox_order[:10])
        sidebar = app.triage.sidebar
        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index("smart:inbox")
        await pilot.pause()
        assert ("l", "Like #tag") not in footer_keys(app)  # only a tag row offers it
        sidebar.highlighted = sidebar.get_option_index("tag:graphs")
        await pilot.pause()
        assert ("l", "Like #tag") in footer_keys(app)
        await pilot.press("l")
        await settle(pilot)
        assert app.triage.view == View("like", "graphs")
        assert "Like #graphs" in app.triage.header.text
        assert sidebar.highlighted_option is not None
        assert sidebar.highlighted_option.id == "tag:graphs"  # the tag row stays the cursor
        rows = list(app.triage.paper_list.rows)
        with Library.open(home) as lib:
            expected = Ranker(lib).order(Rank("tag", ("graphs",)), inbox_order, lib.states())
        assert expected is not None
        assert rows == [inbox_order[i] for i in expected[0]]  # the ranker's order, all of it
        assert all(not is_diffusion(pid) for pid in rows[:15]), rows[:15]
        assert app.triage.paper_list.has_focus  # as after choosing any view
        sidebar.focus()
        await pilot.press("enter")  # the tag row itself still shows that tag's papers
        await settle(pilot)
        assert app.triage.view == View("tag", "graphs")
        assert sorted(app.triage.paper_list.rows) == sorted(tagged)


def footer_keys(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(key.key, key.description) for key in app.triage.query_one(Footer).query("FooterKey")]


async def test_renaming_the_tag_of_the_like_view_shown_follows_it(home: Path) -> None:
    """Papers like #graphs is open and #graphs is renamed: the view follows to #networks (it
    stayed on #graphs, which then said no paper has the tag)."""
    papers = topic_papers()
    fill_library(home, papers)
    with Library.open(home) as lib:
        lib.run(EditTags(add=("graphs",)), [papers[n].id for n in (1, 3, 5)])
    app = make_app(home)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(pilot)
        await wait_for_ranker(pilot, app)
        app.triage.go_to_view(View("like", "graphs"))
        await settle(pilot)
        assert app.triage.view == View("like", "graphs")
        app.triage.rename_tag("graphs", "networks")
        await settle(pilot)
        assert app.triage.view == View("like", "networks")
        assert "Like #networks" in app.triage.header.text
        assert app.triage.paper_list.rows  # the inbox, ranked by the renamed tag's model
        assert not app.triage.filter_bar.query_one("#filter-error").display
