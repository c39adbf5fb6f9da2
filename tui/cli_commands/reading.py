"""The reading commands: `list`, `show`, `export`, `stats` and `similar`.

The query engine and the ranking engine (numpy) are imported only when a command needs them,
and abstracts are read only when the output or the query needs them (`tui.cli_commands.oneshot`),
so `list` starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tui.cli_args import export_format
from tui.cli_commands.oneshot import ranker, search, states_of
from tui.cli_commands.output import note, say
from tui.errors import PaperdeckError, UsageError
from tui.export import paper_record
from tui.facts import first_authors, paper_facts
from tui.models import Paper, State
from tui.store import Library


def _row(paper: Paper, state: State) -> str:
    star = "★" if state.starred else " "
    ident = paper.arxiv_id or paper.id
    authors = first_authors(paper.authors)
    votes = f"▲{paper.upvotes}" if paper.upvotes is not None else ""
    tags = " ".join(f"#{t}" for t in state.tags)
    parts = [f"{star} {ident:<22}", f"{paper.date or '':<10}", f"{state.status:<7}", f"{votes:>5}"]
    line = "  ".join(parts) + f"  {paper.title}"
    if authors:
        line += f" — {authors}"
    return f"{line}  {tags}".rstrip()


def cmd_list(lib: Library, args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    papers = search(lib, args.query, args.limit, texts=args.json, home=args.home)  # no abstract
    if args.json:
        out = [paper_record(p, lib.state(p.id)) for p in papers]
        say(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for paper in papers:
        say(_row(paper, lib.state(paper.id)))
    return 0


def cmd_show(lib: Library, args: argparse.Namespace) -> int:
    paper = lib.papers()[lib.resolve(args.id)]
    state = lib.state(paper.id)
    if args.json:
        say(json.dumps(paper_record(paper, state), ensure_ascii=False, indent=2))
        return 0
    say(paper.title)
    if paper.authors:
        say(", ".join(paper.authors))
    for label, value in paper_facts(paper, state, web_links=True):
        say(f"{label}: {value}" if label else value)
    if paper.abstract:
        say()
        say(paper.abstract)
    if paper.ai_summary:
        say()
        say(f"AI summary: {paper.ai_summary}")
    return 0


def cmd_export(lib: Library, args: argparse.Namespace) -> int:
    from tui.export import export_papers

    fmt = export_format(args.format, args.output)
    papers = search(lib, args.query)
    text = export_papers(papers, states_of(lib, papers), fmt)
    if args.output:
        out = Path(args.output)
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise PaperdeckError(f"cannot write {out}: {exc.strerror}") from None
        note(f"exported {len(papers)} papers to {out}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_stats(lib: Library, args: argparse.Namespace) -> int:
    counts = lib.status_counts()
    say(f"library: {lib.home}")
    say(
        f"{counts['all']} papers · inbox {counts['inbox']} · later {counts['later']} · "
        f"done {counts['done']} · skipped {counts['skipped']} · starred {counts['starred']}"
    )
    tags = lib.tag_counts()
    if tags:
        say("tags: " + ", ".join(f"{t} ({n})" for t, n in tags.items()))
    last = lib.get_meta("last_sync")
    if last:
        say(f"last sync: {last}")
    if counts["all"] == 0:
        say("the library is empty: run `paperdeck` to load the demo papers, or `paperdeck import`")
    return 0


def cmd_similar(lib: Library, args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    paper_id = lib.resolve(args.id)
    found = ranker(lib, args.home).similar([paper_id], args.limit)
    papers = lib.papers(texts=args.json)
    if args.json:
        out = [
            {**paper_record(papers[pid], lib.state(pid)), "similarity": round(score, 4)}
            for pid, score in found
        ]
        say(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for pid, score in found:
        say(f"{score:4.2f}  " + _row(papers[pid], lib.state(pid)))
    return 0
