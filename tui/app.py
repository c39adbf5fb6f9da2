"""The paperdeck Textual app: wiring only — styles, keymap, theme, the triage screen, quitting.

`run_app(home, config, notice)` is what plain `paperdeck` calls. The triage screen does the
work; this module finds the stylesheets, applies the user's `[keymap]` (warning, one line each,
about ids that name no binding and keys given to two live bindings) and theme, opens web
links safely (only what `tui.links` calls a web link, no shell), remembers the theme picked in
the palette, saves screenshots where they can be saved, and makes sure queued writes finish
before exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import termios
import threading
import time
import webbrowser
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from tui.commands import PaperdeckCommands
from tui.errors import StoreError
from tui.links import is_web_url
from tui.messages import LibraryFailed
from tui.models import terminal_safe
from tui.preferences import load_preferences, remember
from tui.screens.help import HelpScreen, help_rows
from tui.screens.triage.screen import TriageScreen

EXIT_GRACE = 0.1
"""Seconds the process waits, once the app has closed, for worker threads still computing
(reading the catalog, building the index or the ranking matrix) before it exits without them."""

DAMAGED_TIMEOUT = 7 * 24 * 3600.0
"""The damaged-library warning stays for the session (Textual toasts always have a timeout)."""

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen
    from textual.theme import Theme

    from tui.config import Config


def styles_dir() -> Path:
    """The stylesheets: `tui/styles` inside an installed wheel, else `styles/` in a checkout."""
    import tui

    package = Path(tui.__file__).resolve().parent
    packaged = package / "styles"
    return packaged if packaged.is_dir() else package.parent / "styles"


def stylesheets() -> list[Path]:
    """Every `*.tcss` file, in name order (app.tcss first sets the base)."""
    return sorted(styles_dir().glob("*.tcss"))


class PaperdeckApp(App[int]):
    """Triage research papers from the keyboard."""

    TITLE = "paperdeck"
    CSS_PATH = [str(path) for path in stylesheets()]  # noqa: RUF012 (App declares the type)
    COMMANDS = App.COMMANDS | {PaperdeckCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit (saves everything first)", id="quit"),
        Binding("question_mark", "help", "Help", tooltip="Show every key", id="help"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Palette",
            tooltip="Command palette",
            id="command_palette",
            show=False,
            priority=True,
        ),
    ]

    def __init__(
        self,
        home: Path,
        config: Config | None = None,
        notice: str | None = None,
        *,
        url_opener: Callable[[str], object] = webbrowser.open,
    ) -> None:
        super().__init__()
        self.home = home
        self.config = config
        self.notice = notice
        self.url_opener = url_opener
        self.triage = TriageScreen(home, config)
        self._quitting_on_signal = False
        self.open_failure: str | None = None
        """Why the library could not be opened at all (the loader opens it after the first
        frame): the user cannot go on, so quitting exits 1 and `run_app` reports it again."""
        stdin = sys.__stdin__
        self._terminal: int | None = (
            stdin.fileno() if stdin is not None and stdin.isatty() else None
        )
        """The terminal's descriptor when we run in one (None: headless, piped)."""

    def get_default_screen(self) -> Screen[object]:
        return self.triage  # type: ignore[return-value]

    def on_mount(self) -> None:
        self._handle_closing_signals()
        self._watch_terminal()
        config = self.config
        if config is not None and config.keymap:
            self.set_keymap(dict(config.keymap))
            for warning in keymap_warnings(config.keymap):
                self.notify(warning, severity="warning", markup=False, timeout=12)
        self._apply_theme(config.theme if config is not None else None)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.notice:
            self.notify(self.notice, markup=False, timeout=8)
        self._warn_damaged()

    def _apply_theme(self, configured: str | None) -> None:
        """The palette's last choice, else config's `theme`; set once (each change restyles
        every widget)."""
        chosen = load_preferences(self.home).get("theme")
        if configured and configured not in self.available_themes:
            self.notify(f"unknown theme {configured!r} in config", severity="warning", markup=False)
            configured = None
        theme = chosen if chosen in self.available_themes else configured
        if theme and theme != self.theme:
            self.theme = theme

    def _warn_damaged(self) -> None:
        """Store files set aside as damaged: a warning that stays until the app is closed."""
        from tui.store.recovery import warning_line

        damaged = warning_line(self.home)
        if damaged:
            self.notify(
                damaged,
                title="Library damaged",
                severity="error",
                markup=False,
                timeout=DAMAGED_TIMEOUT,
            )

    def _remember_theme(self, theme: Theme) -> None:
        home, name = self.home, theme.name

        def write() -> None:
            problem = remember(home, "theme", name)
            if problem is not None:
                self.call_from_thread(self.notify, problem, severity="warning", markup=False)

        self.run_worker(write, thread=True, group="preferences", exit_on_error=False)

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """Save an SVG of the screen (the palette's "Screenshot"): in the Downloads folder when
        there is one, else the current folder; say where, or why not. (Textual's own saves to
        Downloads only and reports a missing folder as a bare "Failed to save screenshot".)"""
        folder = Path(path).expanduser() if path else screenshot_folder()
        try:
            saved = self.save_screenshot(filename, str(folder), time_format)
        except OSError as exc:
            self.notify(
                f"Could not save the screenshot in {folder}: {exc.strerror or exc}",
                title="Screenshot",
                severity="error",
                markup=False,
            )
            return None
        self.notify(f"Saved the screenshot to {saved}", title="Screenshot", markup=False)
        return saved

    def open_web_link(self, url: str) -> bool:
        """Open `url` in the browser (in a thread; no shell); refuse anything but http(s)."""
        if not is_web_url(url):
            return False
        opener = self.url_opener
        self.run_worker(lambda: opener(url), thread=True, group="browser", exit_on_error=False)
        return True

    def _handle_closing_signals(self) -> None:
        """Closing the terminal (SIGHUP) or `kill` (SIGTERM) quits like `q`: every decision on
        screen is written first. (Without this the process died with writes still queued.)"""
        loop = asyncio.get_running_loop()
        for number in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, self._closing_signal, number)

    def _watch_terminal(self) -> None:
        """A terminal that goes away (tmux kill-server, a dropped ssh session) may leave us
        without a SIGHUP, stdin at end-of-file and Textual's input thread spinning for ever.
        Check the terminal every second; once it is gone, quit like on SIGHUP."""
        if self._terminal is None:
            return

        def check() -> None:
            if self._terminal_gone():
                self._closing_signal(signal.SIGHUP)

        self.set_interval(1.0, check, name="terminal-watch")

    def _terminal_gone(self) -> bool:
        """True once the terminal we started on has hung up (never in headless tests)."""
        if self._terminal is None:
            return False
        try:
            termios.tcgetattr(self._terminal)
        except (termios.error, OSError):
            return True
        return False

    def _closing_signal(self, number: int) -> None:
        if self._quitting_on_signal:
            return
        self._quitting_on_signal = True
        self.call_later(self._quit, 128 + number)  # call_next waits for a message that may not come

    def on_library_failed(self, message: LibraryFailed) -> None:
        if self.triage.library is None:  # not a later failure (abstracts, a reload)
            self.open_failure = message.message

    async def _quit(self, code: int) -> None:
        if code == 0 and self.open_failure is not None:
            code = 1
        await self.triage.shutdown()
        if self._terminal_gone():
            # Everything is written; there is no terminal to restore, and Textual's driver
            # would wait for ever on output nobody reads.
            os._exit(code)
        self.exit(code, return_code=code)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(help_rows(self, self.screen)))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast, whoever raised it, goes through the core's output guard: a message often
        carries a server's or a file's text, and an escape sequence in it would reach the
        terminal (tmux lets OSC sequences set the window title and the clipboard)."""
        super().notify(
            terminal_safe(message, keep_newlines=True),
            title=terminal_safe(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    async def action_quit(self) -> None:
        await self._quit(0)


def screenshot_folder() -> Path:
    """The user's Downloads folder if it exists (Textual's default, which fails without it),
    else the current folder."""
    from platformdirs import user_downloads_path

    downloads = user_downloads_path()
    return downloads if downloads.is_dir() else Path.cwd()


def binding_scopes() -> list[tuple[type, ...]]:
    """The classes whose bindings are live together: the app and the triage screen with the
    focused pane, or the app and one dialog. A key bound twice within one scope is a conflict."""
    from tui.screens.note_editor import NoteEditor
    from tui.screens.prompt import Prompt
    from tui.screens.tag_editor import TagEditor
    from tui.widgets import AbstractPane, PaperList, ViewSidebar

    panes = [(PaperdeckApp, TriageScreen, pane) for pane in (PaperList, AbstractPane, ViewSidebar)]
    dialogs = [(PaperdeckApp, dialog) for dialog in (TagEditor, NoteEditor, Prompt, HelpScreen)]
    return [*panes, *dialogs]


def _bindings(classes: Iterable[type]) -> list[Binding]:
    found: list[Binding] = []
    for cls in classes:
        found.extend(b for b in getattr(cls, "BINDINGS", []) if isinstance(b, Binding) and b.id)
    return found


def known_binding_ids() -> set[str]:
    """Every binding id a `[keymap]` may name, read from the bindings themselves."""
    return {b.id for scope in binding_scopes() for b in _bindings(scope) if b.id}


def _key_set(keys: str) -> set[str]:
    """The keys of a binding or keymap string ("x, delete"), named the way Textual names them."""
    return {b.key for b in Binding.make_bindings([Binding(keys, "keys")])}


def keymap_warnings(keymap: Mapping[str, str]) -> list[str]:
    """One line per problem in a `[keymap]`: ids that name no binding (with the known ones),
    and keys the keymap gives to two bindings that are live at the same time."""
    warnings: list[str] = []
    known = known_binding_ids()
    unknown = sorted(set(keymap) - known)
    if unknown:
        names = ", ".join(unknown)
        warnings.append(
            f"[keymap] unknown binding id{'s' if len(unknown) > 1 else ''} {names} ignored; "
            f"known ids: {', '.join(sorted(known))}"
        )
    clashes: dict[str, set[str]] = {}
    for scope in binding_scopes():
        holders: dict[str, set[str]] = {}
        moved: set[str] = set()  # ids the keymap gives keys other than their defaults
        for binding in _bindings(scope):
            assert binding.id is not None
            keys = _key_set(keymap.get(binding.id, binding.key))
            if keys != _key_set(binding.key):
                moved.add(binding.id)
            for key in keys:
                holders.setdefault(key, set()).add(binding.id)
        for key, ids in holders.items():
            if len(ids) > 1 and ids & moved:  # defaults that share a key do so on purpose
                clashes.setdefault(key, set()).update(ids)
    for key, ids in sorted(clashes.items()):
        warnings.append(
            f"[keymap] {key!r} is bound to {' and '.join(sorted(ids))}; only one of them will "
            "work, give the others another key"
        )
    return warnings


def run_app(home: Path, config: Config | None = None, notice: str | None = None) -> int:
    """Open the app on the library at `home`; returns the exit code.

    The library is opened after the first frame, in the app. When it cannot be opened at all
    (a damaged file, say) the app shows why; on leaving, that line is raised as a StoreError,
    so the terminal keeps it and the exit code says so, as when it failed before the app.
    """
    app = PaperdeckApp(home, config=config, notice=notice)
    run_without_waiting(app)
    code = app.return_code or 0
    if app.open_failure is not None and code == 1:
        raise StoreError(app.open_failure)
    leave_if_threads_linger(code)
    return code


def run_without_waiting(app: PaperdeckApp) -> None:
    """`app.run()`, on an event loop closed without waiting for the thread workers.

    `asyncio.run` (what `App.run` uses) waits for every thread of the loop's executor, and a
    worker in the middle of one long call - parsing a 500 MB catalog, building an index - does
    not stop at a cancel: `q` during the load took 15 s at 1M papers. Everything the user did
    is written before the app closes (`TriageScreen.shutdown`), and what those threads compute
    is only kept in memory or written atomically, so the process need not wait for them.
    """
    loop = asyncio.new_event_loop()
    try:
        app.run(loop=loop)
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        asyncio.set_event_loop(None)
        loop.close()  # shuts the executor down without waiting for its threads


def leave_if_threads_linger(code: int) -> None:
    """Exit now, with `code`, if a worker thread is still busy `EXIT_GRACE` seconds after the
    app closed (the interpreter would otherwise wait for it at exit, however long it takes)."""
    deadline = time.monotonic() + EXIT_GRACE
    for thread in threading.enumerate():
        if thread is threading.current_thread() or thread.daemon:
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(
        t.is_alive() and not t.daemon
        for t in threading.enumerate()
        if t is not threading.main_thread()
    ):
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
