"""Helpers for the interface tests: a real library on disk with fixed papers, and app helpers.

The library is built with the real store (Library.open(home).upsert_papers(...)); nothing is
mocked. The papers are fixed and carry absolute dates, so screenshots are deterministic. Three
of them have hostile titles (markup, a link to a local file, a terminal escape sequence).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tui.app import PaperdeckApp
from tui.config import Config
from tui.models import Paper, title_key
from tui.store import Library

HOSTILE_MARKUP = "[bold red]x[/] is not bold"
HOSTILE_LINK = "[link=file:///etc/passwd]y[/] is not a link"
HOSTILE_ESCAPE = "Clear \x1b[2J the screen\x07 please"


def _arxiv(
    arxiv_id: str,
    title: str,
    authors: list[str],
    listed_on: str,
    upvotes: int,
    abstract: str,
    **extra: object,
) -> Paper:
    return Paper(
        id=f"arxiv:{arxiv_id}",
        arxiv_id=arxiv_id,
        version=1,
        title=title,
        authors=authors,
        abstract=abstract,
        published=listed_on,
        listed_on=listed_on,
        upvotes=upvotes,
        categories=["cs.LG"],
        **extra,  # type: ignore[arg-type]
    )


def sample_papers() -> list[Paper]:
    """Ten papers, newest first by listing day (the list's default order)."""
    papers = [
        _arxiv(
            "2206.00927",
            "DPM-Solver: A Fast ODE Solver for Diffusion Probabilistic Model Sampling",
            ["Cheng Lu", "Yuhao Zhou", "Fan Bao", "Jianfei Chen", "Chongxuan Li", "Jun Zhu"],
            "2026-11-20",
            81,
            "Diffusion probabilistic models (DPMs) are emerging powerful generative models.",
            github_repo="https://github.com/LuChengTHU/dpm-solver",
        ),
        _arxiv(
            "2405.20320",
            "Improving the Training of Rectified Flows",
            ["Sangyun Lee", "Zinan Lin", "Giulia Fanti"],
            "2026-11-19",
            40,
            "Diffusion models have shown great promise for image and video generation.",
        ),
        _arxiv(
            "2303.16852",
            "Multi-marginal Schrödinger Bridges with Iterative Reference Refinement",
            ["Yunyi Shen", "Renato Berlinghieri", "Tamara Broderick"],
            "2026-11-18",
            12,
            "Practitioners frequently aim to infer an unobserved population trajectory.",
        ),
        _arxiv(
            "1706.03762",
            "Attention Is All You Need",
            ["Ashish Vaswani", "Noam Shazeer"],
            "2026-11-17",
            300,
            "The dominant sequence transduction models are based on recurrent networks.",
        ),
        _arxiv(
            "2106.09685",
            "LoRA: Low-Rank Adaptation of Large Language Models",
            ["Edward J. Hu", "Yelong Shen"],
            "2026-11-16",
            150,
            "An important paradigm of natural language processing consists of pre-training.",
        ),
        _arxiv(
            "2010.11929",
            "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
            ["Alexey Dosovitskiy"],
            "2026-11-15",
            90,
            "While the Transformer architecture has become the de-facto standard for NLP.",
        ),
        _arxiv(
            "1312.6114",
            "Auto-Encoding Variational Bayes",
            ["Diederik P Kingma", "Max Welling"],
            "2026-11-14",
            55,
            "How can we perform efficient inference and learning in directed models?",
        ),
    ]
    for day, title in (
        ("2026-11-13", HOSTILE_MARKUP),
        ("2026-11-12", HOSTILE_LINK),
        ("2026-11-11", HOSTILE_ESCAPE),
    ):
        papers.append(
            Paper(
                id=title_key(title),
                title=title,
                authors=["[i]Mallory[/i]"],
                abstract=f"{title} — the abstract repeats it: [b]bold?[/b]",
                listed_on=day,
                upvotes=1,
                links={"abs": "file:///etc/passwd"},
            )
        )
    return papers


def fill_library(home: Path, papers: Iterable[Paper] | None = None) -> None:
    with Library.open(home) as lib:
        lib.upsert_papers(list(papers or sample_papers()), source="test")


class Opened(list[str]):
    """Records the URLs the app asked the browser to open (the stdlib call it replaces)."""

    def __call__(self, url: str) -> bool:
        self.append(url)
        return True


class RecordingApp(PaperdeckApp):
    """The real app, keeping the (message, severity) of every notification it shows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notices: list[tuple[str, str]] = []

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.notices.append((message, kwargs.get("severity", "information")))
        super().notify(message, **kwargs)

    def messages(self, severity: str | None = None) -> list[str]:
        return [m for m, s in self.notices if severity is None or s == severity]


def make_app(
    home: Path, config: Config | None = None, opened: Opened | None = None
) -> RecordingApp:
    return RecordingApp(home, config=config, url_opener=opened if opened is not None else Opened())


async def wait_ready(pilot: Pilot[object]) -> None:
    """Wait until the library is loaded and the first results are painted (not only the start-up
    cache's page: its loader may have finished and its library not arrived yet)."""
    app = pilot.app
    assert isinstance(app, PaperdeckApp)
    for _ in range(400):
        await pilot.pause()
        screen = app.triage
        if screen.results_ready and not screen.workers_busy and not screen.preview:
            return
        await pilot.pause(0.01)
    raise AssertionError("the app did not finish loading")


async def settle(pilot: Pilot[object]) -> None:
    """Wait for queued store writes and searches to finish and their messages to be handled."""
    app = pilot.app
    assert isinstance(app, PaperdeckApp)
    for _ in range(400):
        await pilot.pause()
        if not app.triage.workers_busy:
            await pilot.pause()
            return
        await pilot.pause(0.01)
    raise AssertionError("workers did not settle")
