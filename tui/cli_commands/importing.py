"""The `import` command: files into the catalog, and the decisions an own export carries."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Sequence
from pathlib import Path

from tui.cli_commands.output import complain, say
from tui.errors import PaperdeckError
from tui.models import Paper, State
from tui.store import Library


def cmd_import(lib: Library, args: argparse.Namespace) -> int:
    from tui.importers import OWN_EXPORT_FORMAT, parse_file

    failures = 0
    for name in args.files:
        try:
            parsed = parse_file(Path(name))
        except PaperdeckError as exc:
            complain(exc)
            failures += 1
            continue
        # paperdeck's own export is not a source: its papers keep the sources they had.
        source = "" if parsed.format == OWN_EXPORT_FORMAT else parsed.format
        result = lib.upsert_papers(parsed.papers, source=source, dry_run=args.dry_run)
        prefix = "would import" if args.dry_run else "imported"
        say(
            f"{prefix} {name} ({parsed.format}): {len(result.added)} added, "
            f"{len(result.updated)} updated, {len(result.unchanged)} unchanged, "
            f"{len(parsed.rejected)} rejected"
        )
        if parsed.cuts:
            say(f"  cut to the field limits: {parsed.cut_summary()}")
        for label, reason in parsed.rejected:
            say(f"  rejected {label}: {reason}")
        if parsed.states:
            say(_import_states(lib, parsed.papers, parsed.states, name, dry_run=args.dry_run))
    if not args.dry_run:
        renew_first_screen(lib)
    return 1 if failures else 0


def renew_first_screen(lib: Library) -> None:
    """After a command that changed the library with its catalog in memory (an import, a
    sync): save the app's start-up cache anew, so the next start paints at once."""
    from tui.store.startup_cache import renew_startup_page
    from tui.views import INBOX

    renew_startup_page(lib, INBOX.query, new_since=lib.get_meta("new_since"))


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
