"""The `paperdeck` command line: parse arguments, call the core, print results, map errors.

Plain `paperdeck` opens the app (filling an empty library with the demo papers first). Every
other command is headless and never imports Textual: they start fast and run from cron. Errors
are one line on stderr (`paperdeck: …`) with exit code 2 for usage mistakes and 1 for failures;
no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tui import __version__
from tui.actions import EditTags, RenameTag, SetNote, SetStar, SetStatus
from tui.cli_args import CommandParser, add_command, export_format, split_argv
from tui.errors import PaperdeckError, UsageError
from tui.export import FORMATS as EXPORT_FORMATS
from tui.export import paper_record
from tui.facts import first_authors, paper_facts
from tui.models import STATUSES, Paper, State, terminal_safe
from tui.paths import config_file, data_home
from tui.store import JournalEntry, Library
from tui.store.recovery import doctor, recover_library, warning_line


def build_parser() -> CommandParser:
    """The argument parser for every command (run argv through `split_argv` first)."""
    parser = CommandParser(
        prog="paperdeck",
        description="A keyboard-first terminal reader for research papers.",
        epilog=(
            "Run `paperdeck` with no command to open the app. Words after a command that start "
            "with `-` are query terms or tag edits (`list -tag:old`, `tag ID -name`); "
            "`--` ends the options."
        ),
    )
    parser.option("--home", metavar="DIR", help="library folder (default: $PAPERDECK_HOME)")
    parser.option("--version", action="version", version=f"paperdeck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)

    p = add_command(sub, "import", help="import saved pages, HF JSON, arXiv Atom or RSS files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.option("--dry-run", action="store_true", help="report what would change, write nothing")

    p = add_command(sub, "list", help="list papers matching a query")
    p.add_argument("query", nargs="*", help="query (see README: fuzzy words, tag:, is:, ...)")
    p.option("--json", action="store_true", help="print JSON (papers with their state)")
    p.option("--limit", type=int, metavar="N", help="at most N papers")

    p = add_command(sub, "show", help="show one paper in full")
    p.add_argument("id")
    p.option("--json", action="store_true")

    for name, text in (("star", "star papers"), ("unstar", "unstar papers")):
        p = add_command(sub, name, help=text)
        p.add_argument("ids", nargs="+", metavar="ID")

    p = add_command(sub, "tag", help="add (+name) and remove (-name) tags: tag ID... +a -b")
    p.add_argument("args", nargs="+", metavar="ID|+TAG|-TAG")

    p = add_command(sub, "rename-tag", help="rename a tag everywhere (merges into an existing one)")
    p.add_argument("old")
    p.add_argument("new")

    p = add_command(sub, "status", help=f"set status: {', '.join(STATUSES)}")
    p.add_argument("status")
    p.add_argument("ids", nargs="+", metavar="ID")

    p = add_command(sub, "note", help="set the note of a paper ('' clears it)")
    p.add_argument("id")
    p.add_argument("text")

    add_command(sub, "undo", help="undo the last action")
    add_command(sub, "redo", help="redo the last undone action")

    p = add_command(sub, "export", help="export papers matching a query")
    p.option(
        "--format",
        "-f",
        metavar="FORMAT",
        help=f"{'|'.join(EXPORT_FORMATS)} (bib = bibtex); default: from the -o file's extension",
    )
    p.add_argument("query", nargs="*")
    p.option("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")

    add_command(sub, "stats", help="library summary")

    add_command(sub, "doctor", help="list store files set aside as damaged and what they hold")
    p = add_command(sub, "recover", help="restore what can be read of files set aside as damaged")
    p.option("--dry-run", action="store_true", help="say what would be restored, write nothing")

    p = add_command(sub, "similar", help="papers most like a paper (by title and abstract)")
    p.add_argument("id")
    p.option("--limit", type=int, default=20, metavar="N", help="at most N papers (20)")
    p.option("--json", action="store_true", help="print JSON (papers with their state)")

    p = add_command(sub, "sync", help="pull new papers from the configured feeds")
    p.option("--dry-run", action="store_true", help="show what would change")
    p.option(
        "--list", metavar="PATH", help="merge the reading list PATH (alone, unless --feed is given)"
    )
    p.option("--feed", action="append", metavar="NAME", help="only this feed (repeatable)")
    for name, command in sub.choices.items():
        parser.commands[name] = command
        # `paperdeck stats --home X` as well as `paperdeck --home X stats`; SUPPRESS keeps the
        # command from resetting a --home given before it.
        command.option("--home", metavar="DIR", default=argparse.SUPPRESS, help="library folder")
    return parser


# ---------------------------------------------------------------------- helpers


def _say(text: str = "") -> None:
    # The one output guard: titles and server messages never reach the terminal raw.
    print(terminal_safe(text, keep_newlines=True))


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
    authors = first_authors(paper.authors)
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
    from tui.importers import OWN_EXPORT_FORMAT, parse_file

    failures = 0
    for name in args.files:
        try:
            parsed = parse_file(Path(name))
        except PaperdeckError as exc:
            print(f"paperdeck: {exc}", file=sys.stderr)
            failures += 1
            continue
        # paperdeck's own export is not a source: its papers keep the sources they had.
        source = "" if parsed.format == OWN_EXPORT_FORMAT else parsed.format
        result = lib.upsert_papers(parsed.papers, source=source, dry_run=args.dry_run)
        prefix = "would import" if args.dry_run else "imported"
        _say(
            f"{prefix} {name} ({parsed.format}): {len(result.added)} added, "
            f"{len(result.updated)} updated, {len(result.unchanged)} unchanged, "
            f"{len(parsed.rejected)} rejected"
        )
        if parsed.cuts:
            _say(f"  cut to the field limits: {parsed.cut_summary()}")
        for label, reason in parsed.rejected:
            _say(f"  rejected {label}: {reason}")
        if parsed.states:
            _say(_import_states(lib, parsed.papers, parsed.states, name, dry_run=args.dry_run))
    return 1 if failures else 0


def _import_states(
    lib: Library, papers: Sequence[Paper], states: dict[str, State], name: str, *, dry_run: bool
) -> str:
    """Bring the decisions of an own export into the papers that have no state yet, as one
    undoable step; papers the user here already decided keep their own."""
    from tui.errors import UnknownPaperError
    from tui.models import paper_key

    wanted: dict[str, State] = {}
    for paper in (p for p in papers if p.id in states):
        # The store may have keyed the paper anew (by arXiv id, or by title in a fresh library);
        # on a dry run a paper missing from the catalog is one the import would add.
        found = paper.id if dry_run else None
        for candidate in (paper.id, paper_key(paper.arxiv_id, paper.title), paper.arxiv_id or ""):
            with contextlib.suppress(UnknownPaperError):
                found = lib.resolve(candidate)
                break
        if found:
            wanted[found] = states[paper.id]

    def decided(st: State) -> tuple[object, ...]:
        return (st.status, st.starred, sorted(st.tags), st.note)

    own = [pid for pid in wanted if not lib.state(pid).is_default]
    same = sum(decided(lib.state(pid)) == decided(wanted[pid]) for pid in own)
    counts = f"{same} had them already, {len(own) - same} kept their own"
    if dry_run:
        n = len(wanted) - len(own)
        return f"  states: would bring status, star, tags and note into {n} papers; {counts}"
    entry = lib.apply_states(
        wanted,
        f"import states from {name}",
        merge=lambda now, given: now if not now.is_default else given.copy(),
    )
    took = len(entry.changes) if entry else 0
    return f"  states: {took} papers took their status, star, tags and note from the file; {counts}"


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
    for label, value in paper_facts(paper, state, web_links=True):
        _say(f"{label}: {value}" if label else value)
    if paper.abstract:
        _say()
        _say(paper.abstract)
    if paper.ai_summary:
        _say()
        _say(f"AI summary: {paper.ai_summary}")
    return 0


def cmd_star(lib: Library, args: argparse.Namespace) -> int:
    _report(lib.run(SetStar(args.command == "star"), _resolve_all(lib, args.ids)))
    return 0


def cmd_tag(lib: Library, args: argparse.Namespace) -> int:
    ids = [a for a in args.args if not a.startswith(("+", "-"))]
    add = [a[1:] for a in args.args if a.startswith("+")]
    remove = [a[1:] for a in args.args if a.startswith("-")]
    if not ids or not (add or remove):
        raise UsageError("usage: paperdeck tag ID... +name -name (at least one id and one tag)")
    _report(lib.run(EditTags(tuple(add), tuple(remove)), _resolve_all(lib, ids)))
    return 0


def cmd_rename_tag(lib: Library, args: argparse.Namespace) -> int:
    _report(lib.run(RenameTag(args.old, args.new)))
    return 0


def cmd_status(lib: Library, args: argparse.Namespace) -> int:
    _report(lib.run(SetStatus(args.status), _resolve_all(lib, args.ids)))
    return 0


def cmd_note(lib: Library, args: argparse.Namespace) -> int:
    _report(lib.run(SetNote(args.text), [lib.resolve(args.id)]))
    return 0


def cmd_undo(lib: Library, args: argparse.Namespace) -> int:
    entry = lib.undo() if args.command == "undo" else lib.redo()
    if entry is None:
        _say(f"nothing to {args.command}")
        return 0
    _say(f"{args.command}: {entry.label}")
    return 0


def cmd_doctor(home: Path, args: argparse.Namespace) -> int:
    """List the quarantined store files; exit 1 when there are any (a script can check)."""
    lines = doctor(home)
    for line in lines or [f"no damaged store files set aside in {home}"]:
        _say(line)
    return 1 if lines else 0


def cmd_recover(home: Path, args: argparse.Namespace) -> int:
    lines, complete = recover_library(home, dry_run=args.dry_run)
    for line in lines or [f"nothing to recover in {home}"]:
        _say(line)
    return 0 if complete else 1


def cmd_export(lib: Library, args: argparse.Namespace) -> int:
    from tui.export import export_papers

    fmt = export_format(args.format, args.output)
    papers = _search(lib, args.query)
    text = export_papers(papers, lib.states(), fmt)
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
    from tui.sync import run_sync

    config = load_config(config_file(args.home))
    listed = Path(args.list).expanduser() if args.list else None
    feeds = args.feed if args.feed or listed is None else []  # `--list` alone: only the list
    with _progress() as progress:
        report = run_sync(
            lib, config, feeds=feeds, reading_list=listed, dry_run=args.dry_run, progress=progress
        )
    lines = report.lines()
    for line in lines:
        if line.error:
            print(f"paperdeck: {line.text}", file=sys.stderr)
        else:
            _say(line.text)
    if not lines:
        _say(report.summary)
    if report.cancelled:
        return 130
    status = 1 if report.failed else 0
    if report.reading_list_error is not None:
        status = max(status, report.reading_list_error.exit_code)
    return status


class _progress:
    """A Rich progress bar per sync step (feed, reading list) on a terminal; plain lines
    otherwise."""

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
            # Plain lines while a step works; its final line (done == total) is the summary,
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


CREATES_LIBRARY = frozenset({"import", "sync"})
"""Commands that may start a library in a folder that does not exist yet (so does the app).
Any other command on a missing home says there is no library there and writes nothing: a
mistyped `--home` must not leave empty libraries about, nor look like an empty one."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `paperdeck` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(split_argv(parser, sys.argv[1:] if argv is None else argv))
    try:
        home = data_home(args.home)
        if args.command is None:
            return run_app_command(home, args)
        if args.command not in CREATES_LIBRARY and not home.exists():
            raise PaperdeckError(
                f"no library at {home} (`paperdeck --home {home} import FILE` starts one; "
                "plain `paperdeck` starts one with the demo papers)"
            )
        if args.command in ("doctor", "recover"):  # without opening the library's files
            return (cmd_doctor if args.command == "doctor" else cmd_recover)(home, args)
        damaged = warning_line(home)
        if damaged:
            print(f"paperdeck: {terminal_safe(damaged)}", file=sys.stderr)
        with Library.open(home) as lib:
            return COMMANDS[args.command](lib, args)
    except PaperdeckError as exc:
        print(f"paperdeck: {terminal_safe(exc)}", file=sys.stderr)
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
        print(f"paperdeck: {terminal_safe(f'{exc.strerror or exc}{where}')}", file=sys.stderr)
        return 1
