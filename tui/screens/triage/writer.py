"""The store writer: one thread worker that applies triage actions to the store in order.

The screen never waits on the disk: it queues a job and carries on. One thread keeps the jobs
in the order the keys were pressed (an undo right after a star undoes that star), and on quit
the queue is drained before the app exits so no decision is lost. The jobs themselves
(`WriteJob`) are made by the Textual-free `tui.triage_session`. A job waits (briefly) for the
screen to have repainted the key's effect first: the write is Python that holds the GIL, and
the person is looking at the screen, not at the disk. After each job the writer
posts `StatesChanged` with the states as stored (or `StoreFailed` with the states to roll back;
after a `PartialWriteError` those are the states the disk kept, not the ones before the key). An
undo that reached another session's action says so in its label.
"""

from __future__ import annotations

import queue
import threading
from typing import TYPE_CHECKING

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from tui.errors import PaperdeckError, PartialWriteError
from tui.messages import StatesChanged, StoreFailed
from tui.triage_session import WriteJob

if TYPE_CHECKING:
    from tui.store import Library

_STOP = object()
PAINT_WAIT = 0.1
"""Longest a write waits for the repaint of its key (seconds)."""


class StoreWriter:
    """Runs write jobs one after another in a Textual thread worker owned by `owner`."""

    def __init__(self, owner: DOMNode, library: Library) -> None:
        self._owner = owner
        self._library = library
        self._queue: queue.Queue[object] = queue.Queue()
        self._worker: Worker[None] | None = None
        self._in_flight = 0
        self._count_lock = threading.Lock()
        self._painted = threading.Event()
        self._painted.set()

    def start(self) -> None:
        self._worker = self._owner.run_worker(
            self._loop, thread=True, name="store-writer", group="store", exit_on_error=False
        )

    def submit(self, job: WriteJob) -> None:
        """Queue `job`; it runs once the screen has repainted (or after PAINT_WAIT seconds)."""
        with self._count_lock:
            self._in_flight += 1
        self._painted.clear()
        self._queue.put(job)
        self._owner.call_after_refresh(self._painted.set)

    @property
    def busy(self) -> bool:
        """True while a submitted job has not yet posted its result."""
        return self._in_flight > 0

    async def drain(self) -> None:
        """Finish every queued job, then stop the thread (called before the app exits)."""
        self._painted.set()
        self._queue.put(_STOP)
        if self._worker is not None:
            await self._worker.wait()

    def stop(self) -> None:
        """Let the thread end after the jobs already queued (does not wait)."""
        self._painted.set()
        self._queue.put(_STOP)

    def _loop(self) -> None:
        worker = get_current_worker()
        while True:
            try:
                job = self._queue.get(timeout=0.2)
            except queue.Empty:
                if worker.is_cancelled:  # the app is closing without a proper quit
                    return
                continue
            if job is _STOP or not isinstance(job, WriteJob):
                return
            self._painted.wait(PAINT_WAIT)
            try:
                self._run(job)
            finally:
                with self._count_lock:
                    self._in_flight -= 1

    def _run(self, job: WriteJob) -> None:
        library = self._library
        try:
            entry = job.run(library)
        except PartialWriteError as exc:  # on disk after all: show it, do not roll it back
            kept = {pid: library.state(pid) for pid in exc.kept}
            self._owner.post_message(StoreFailed(exc.message, {**job.rollback, **kept}))
            return
        except PaperdeckError as exc:
            self._owner.post_message(StoreFailed(exc.message, job.rollback))
            return
        except OSError as exc:
            message = f"could not write the library at {library.home}: {exc.strerror or exc}"
            self._owner.post_message(StoreFailed(message, job.rollback))
            return
        except Exception as exc:  # a bug must not kill the writer: later keys still need it
            self._owner.post_message(StoreFailed(f"could not save: {exc!r}", job.rollback))
            return
        ids = set(job.ids) | set(entry.ids if entry else ())
        states = {pid: library.state(pid) for pid in ids}
        label = entry.label if entry else ""
        if entry is not None and entry.foreign:
            label = f"(from another session) {label}"
        self._owner.post_message(StatesChanged(label, states, job.kind))
