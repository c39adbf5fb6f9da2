"""The `paperdeck` command line: parse arguments, call the core, print results, map errors.

Plain `paperdeck` opens the app (filling an empty library with the demo papers first). Every
other command is headless and never imports Textual: they start fast and run from cron. Errors
are one line on stderr (`paperdeck: …`) with exit code 2 for usage mistakes and 1 for failures;
no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from tui import __version__
from tui.errors import PaperdeckError, UsageError
from tui.export import FORMATS as EXPORT_FORMATS
from tui.export import paper_record
from tui.models import STATUSES, Paper, State
from tui.paths import config_file, data_home
from tui.store import JournalEntry, Library


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"paperdeck: {message} (see `paperdeck --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = _Parser(
        prog="paperdeck",
        description="A keyboard-first terminal reader for research papers.",
        epilog="Run `paperdeck` with no command to open the app.",
    )
    parser.add_argument("--home", metavar="DIR", help="library folder (default: $PAPERDECK_HOME)")
    parser.add_argument("--version", action="version", version=f"paperdeck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("import", help="import saved pages, HF JSON, arXiv Atom or RSS files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")

    p = sub.add_parser("list", help="list papers matching a query")
    p.add_argument("query", nargs="*", help="query (see README: fuzzy words, tag:, is:, ...)")
    p.add_argument("--json", action="store_true", help="print JSON (papers with their state)")
    p.add_argument("--limit", type=int, metavar="N", help="at most N papers")

    p = sub.add_parser("show", help="show one paper in full")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")

    for name, text in (("star", "star papers"), ("unstar", "unstar papers")):
        p = sub.add_parser(name, help=text)
        p.add_argument("ids", nargs="+", metavar="ID")

    p = sub.add_parser("tag", help="add (+name) and remove (-name) tags: tag ID... +a -b")
    p.add_argument("args", nargs="+", metavar="ID|+TAG|-TAG")

    p = sub.add_parser("rename-tag", help="rename a tag everywhere (merges into an existing one)")
    p.add_argument("old")
    p.add_argument("new")

    p = sub.add_parser("status", help=f"set status: {', '.join(STATUSES)}")
    p.add_argument("status")
    p.add_argument("ids", nargs="+", metavar="ID")

    p = sub.add_parser("note", help="set the note of a paper ('' clears it)")
    p.add_argument("id")
    p.add_argument("text")

    sub.add_parser("undo", help="undo the last action")
    sub.add_parser("redo", help="redo the last undone action")

    p = sub.add_parser("export", help="export papers matching a query")
    p.add_argument("--format", "-f", required=True, metavar="FORMAT", help="|".join(EXPORT_FORMATS))
    p.add_argument("query", nargs="*")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")

    sub.add_parser("stats", help="library summary")

    p = sub.add_parser("similar", help="papers most like a paper (by title and abstract)")
    p.add_argument("id")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N papers (20)")
    p.add_argument("--json", action="store_true", help="print JSON (papers with their state)")

    p = sub.add_parser("sync", help="pull new papers from the configured feeds")
    p.add_argument("--dry-run", action="store_true", help="show what would change")
    p.add_argument("--list", metavar="PATH", help="sync only the reading list with PATH")
    p.add_argument("--feed", action="append", metavar="NAME", help="only this feed (repeatable)")
    return parser


# ---------------------------------------------------------------------- helpers


def _say(text: str = "") -> None:
    print(text)


def _search(
    lib: Library,
    words: Sequence[str],
    limit: int | None = None,
    *,
    texts: bool = True,
    home: str | None = None,
) -> list[Paper]:
    """The papers matching the query; abstracts are read only if `texts` or the query needs them
    (or a ranking term needs its matrix built). `home` is `--home`, to find config.toml."""
    from tui.query import Searcher, parse
    from tui.query.pages import run_query

    query = parse(" ".join(words))
    states, new_since, version = lib.states(), lib.get_meta("new_since"), lib.states_version
    papers = lib.papers(texts=texts or query.needs_texts)
    result = run_query(
        Searcher(papers.values()),
        states,
        query,
        limit=limit,
        new_since=new_since,
        states_version=version,
        ranker=_ranker(lib, home) if query.rank is not None else None,
    )
    return [papers[paper_id] for paper_id in result.rows]


def _ranker(lib: Library, home: str | None) -> Any:
    """The library's ranking engine, ready (imports numpy: only for ranking terms)."""
    from tui.config import load_config
    from tui.rank import Ranker

    ranker = Ranker(lib, interests=load_config(config_file(home)).interests)
    ranker.prepare()
    return ranker


def _row(paper: Paper, state: State) -> str:
    star = "★" if state.starred else " "
    ident = paper.arxiv_id or paper.id
    authors = ", ".join(paper.authors[:2]) + (" et al." if len(paper.authors) > 2 else "")
    votes = f"▲{paper.upvotes}" if paper.upvotes is not None else ""
    tags = " ".join(f"#{t}" for t in state.tags)
    parts = [f"{star} {ident:<22}", f"{paper.date or '':<10}", f"{state.status:<7}", f"{votes:>5}"]
    line = "  ".join(parts) + f"  {paper.title}"
    if authors:
        line += f" — {authors}"
    return f"{line}  {tags}".rstrip()


def _resolve_all(lib: Library, ids: Sequence[str]) -> list[str]:
    return [lib.resolve(i) for i in ids]


def _report(entry: JournalEntry | None, nothing: str = "nothing changed") -> None:
    if entry is None or not entry.changes:
        _say(nothing)
    else:
        _say(entry.label)


# ---------------------------------------------------------------------- commands


def cmd_import(lib: Library, args: argparse.Namespace) -> int:
    from tui.importers import parse_file

    failures = 0
    for name in args.files:
        try:
            parsed = parse_file(Path(name))
        except PaperdeckError as exc:
            print(f"paperdeck: {exc}", file=sys.stderr)
            failures += 1
            continue
        result = lib.upsert_papers(parsed.papers, source=parsed.format, dry_run=args.dry_run)
        prefix = "would import" if args.dry_run else "imported"
        _say(
            f"{prefix} {name} ({parsed.format}): {len(result.added)} added, "
            f"{len(result.updated)} updated, {len(result.unchanged)} unchanged, "
            f"{len(parsed.rejected)} rejected"
        )
        for label, reason in parsed.rejected:
            _say(f"  rejected {label}: {reason}")
    return 1 if failures else 0


def cmd_list(lib: Library, args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    papers = _search(lib, args.query, args.limit, texts=args.json, home=args.home)  # no abstract
    if args.json:
        out = [paper_record(p, lib.state(p.id)) for p in papers]
        _say(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for paper in papers:
        _say(_row(paper, lib.state(paper.id)))
    return 0


def cmd_show(lib: Library, args: argparse.Namespace) -> int:
    paper = lib.papers()[lib.resolve(args.id)]
    state = lib.state(paper.id)
    if args.json:
        _say(json.dumps(paper_record(paper, state), ensure_ascii=False, indent=2))
        return 0
    _say(paper.title)
    if paper.authors:
        _say(", ".join(paper.authors))
    facts = [
        f"arXiv:{paper.arxiv_id}" + (f"v{paper.version}" if paper.version else "")
        if paper.arxiv_id
        else paper.id,
        f"date {paper.date}" if paper.date else "",
        f"▲ {paper.upvotes}" if paper.upvotes is not None else "",
        f"{paper.comments} comments" if paper.comments else "",
        ", ".join(paper.categories),
    ]
    _say(" · ".join(f for f in facts if f))
    for label, url in (
        ("abs", paper.abs_url),
        ("pdf", paper.pdf_url),
        ("code", paper.github_repo),
        ("project", paper.project_page),
    ):
        if url:
            _say(f"{label}: {url}")
    star = "★ starred · " if state.starred else ""
    _say(
        f"{star}status {state.status}" + (f" · tags: {', '.join(state.tags)}" if state.tags else "")
    )
    if state.note:
        _say(f"note: {state.note}")
    if paper.abstract:
        _say()
        _say(paper.abstract)
    if paper.ai_summary:
        _say()
        _say(f"AI summary: {paper.ai_summary}")
    return 0


def cmd_star(lib: Library, args: argparse.Namespace) -> int:
    _report(lib.set_starred(_resolve_all(lib, args.ids), args.command == "star"))
    return 0


def cmd_tag(lib: Library, args: argparse.Namespace) -> int:
    ids = [a for a in args.args if not a.startswith(("+", "-"))]
    add = [a[1:] for a in args.args if a.startswith("+")]
    remove = [a[1:] for a in args.args if a.startswith("-")]
    if not ids or not (add or remove):
        raise UsageError("usage: paperdeck tag ID... +name -name (at least one id and one tag)")
    _report(lib.edit_tags(_resolve_all(lib, ids), add=add, remove=remove))
    return 0


def cmd_rename_tag(lib: Library, args: argparse.Namespace) -> int:
    _report(lib.rename_tag(args.old, args.new))
    return 0


def cmd_status(lib: Library, args: argparse.Namespace) -> int:
    if args.status not in STATUSES:
        raise UsageError(f"unknown status {args.status!r}; use one of {', '.join(STATUSES)}")
    _report(lib.set_status(_resolve_all(lib, args.ids), args.status))
    return 0


def cmd_note(lib: Library, args: argparse.Namespace) -> int:
    _report(lib.set_note([lib.resolve(args.id)], args.text))
    return 0


def cmd_undo(lib: Library, args: argparse.Namespace) -> int:
    entry = lib.undo() if args.command == "undo" else lib.redo()
    if entry is None:
        _say(f"nothing to {args.command}")
        return 0
    _say(f"{args.command}: {entry.label}")
    return 0


def cmd_export(lib: Library, args: argparse.Namespace) -> int:
    from tui.export import export_papers

    papers = _search(lib, args.query)
    text = export_papers(papers, lib.states(), args.format)
    if args.output:
        out = Path(args.output)
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise PaperdeckError(f"cannot write {out}: {exc.strerror}") from None
        print(f"exported {len(papers)} papers to {out}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_stats(lib: Library, args: argparse.Namespace) -> int:
    counts = lib.status_counts()
    _say(f"library: {lib.home}")
    _say(
        f"{counts['all']} papers · inbox {counts['inbox']} · later {counts['later']} · "
        f"done {counts['done']} · skipped {counts['skipped']} · starred {counts['starred']}"
    )
    tags = lib.tag_counts()
    if tags:
        _say("tags: " + ", ".join(f"{t} ({n})" for t, n in tags.items()))
    last = lib.get_meta("last_sync")
    if last:
        _say(f"last sync: {last}")
    if counts["all"] == 0:
        _say("the library is empty: run `paperdeck` to load the demo papers, or `paperdeck import`")
    return 0


def cmd_similar(lib: Library, args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    paper_id = lib.resolve(args.id)
    found = _ranker(lib, args.home).similar([paper_id], args.limit)
    papers = lib.papers(texts=args.json)
    if args.json:
        out = [
            {**paper_record(papers[pid], lib.state(pid)), "similarity": round(score, 4)}
            for pid, score in found
        ]
        _say(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for pid, score in found:
        _say(f"{score:4.2f}  " + _row(papers[pid], lib.state(pid)))
    return 0


def cmd_sync(lib: Library, args: argparse.Namespace) -> int:
    from tui.config import load_config

    config = load_config(config_file(args.home))
    if args.list:
        return _sync_list(lib, Path(args.list).expanduser(), args.dry_run)
    from tui.sync import run_sync

    with _progress() as progress:
        report = run_sync(lib, config, feeds=args.feed, dry_run=args.dry_run, progress=progress)
    for feed, line in zip(report.feeds, report.summary_lines(), strict=False):
        if feed.error is not None:
            print(f"paperdeck: {feed.error}", file=sys.stderr)
        else:
            _say(line)
    if report.cancelled:
        print("paperdeck: sync cancelled; feeds not listed above were not fetched", file=sys.stderr)
        return 130
    status = 0 if report.ok else 1
    if config.reading_list is not None:
        status = max(status, _sync_list(lib, config.reading_list, args.dry_run))
    return status


def _sync_list(lib: Library, path: Path, dry_run: bool) -> int:
    from tui.readinglist import sync_reading_list

    _say(sync_reading_list(lib, path, dry_run=dry_run).summary())
    return 0


class _progress:
    """A Rich progress bar per feed on a terminal; plain lines otherwise."""

    def __enter__(self) -> Callable[[str, int, int | None, str], None]:
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}
        if sys.stderr.isatty():
            from rich.progress import Progress

            self._bar = Progress(transient=False)
            self._bar.start()
        return self.update

    def update(self, feed: str, done: int, total: int | None, message: str) -> None:
        if self._bar is None:
            # Plain lines while a feed works; its final line (done == total) is the summary,
            # which the command prints itself, errors going to stderr.
            if total is None or done < total:
                print(f"{feed}: {message}", flush=True)
            return
        if feed not in self._tasks:
            self._tasks[feed] = self._bar.add_task(feed, total=total)
        self._bar.update(self._tasks[feed], completed=done, total=total, description=feed)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def run_app_command(home: Path, args: argparse.Namespace) -> int:
    """Plain `paperdeck`: fill an empty library with the demo papers, then open the app."""
    from tui.config import load_config
    from tui.demo import fill_demo_if_empty

    config = load_config(config_file(args.home))
    with Library.open(home) as lib:
        notice = fill_demo_if_empty(lib)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "the app needs a terminal; use a command such as `paperdeck list` in scripts"
        )
    from tui.app import run_app

    return run_app(home, config=config, notice=notice)


COMMANDS: dict[str, Callable[[Library, argparse.Namespace], int]] = {
    "import": cmd_import,
    "list": cmd_list,
    "show": cmd_show,
    "star": cmd_star,
    "unstar": cmd_star,
    "tag": cmd_tag,
    "rename-tag": cmd_rename_tag,
    "status": cmd_status,
    "note": cmd_note,
    "undo": cmd_undo,
    "redo": cmd_undo,
    "export": cmd_export,
    "stats": cmd_stats,
    "similar": cmd_similar,
    "sync": cmd_sync,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `paperdeck` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        home = data_home(args.home)
        if args.command is None:
            return run_app_command(home, args)
        with Library.open(home) as lib:
            return COMMANDS[args.command](lib, args)
    except PaperdeckError as exc:
        print(f"paperdeck: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("paperdeck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `paperdeck list | head`: the reader went away; that is not an error worth a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"paperdeck: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
