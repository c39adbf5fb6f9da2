"""The store writer: one thread worker that applies triage actions to the store in order.

The screen never waits on the disk: it queues a job and carries on. One thread keeps the jobs
in the order the keys were pressed (an undo right after a star undoes that star), and on quit
(or SIGHUP/SIGTERM) the queue is drained before the app exits so no decision is lost. The jobs
themselves (`WriteJob`) are made by the Textual-free `tui.triage_session`.

A job is written as soon as the screen has painted its key's effect, not before: the write is
Python that holds the GIL, and the person is looking at the screen, not at the disk. Each job
has its own "painted" flag, set by a callback after the refresh that follows its key; there is
no fixed wait. When the writer gets to work, every painted job queued at the front goes into
one `Library.run_steps` call: one lock, one write per file touched, instead of one round of
fsyncs per key. Five keys typed fast land on disk about as soon as one does, which is what
keeps a `kill -9` shortly after the repaint from losing decisions the screen showed as made.

After each batch the writer posts, per job, `StatesChanged` with the states as stored (or
`StoreFailed` with the states to roll back to when that job alone could not run). When the
write itself fails, one `StoreFailed` rolls every job of the batch back to the states before
its first key (after a `PartialWriteError`, to the states the disk kept instead).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import TYPE_CHECKING

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from tui.errors import PaperdeckError, PartialWriteError
from tui.messages import StatesChanged, StoreFailed
from tui.models import State
from tui.triage_session import WriteJob

if TYPE_CHECKING:
    from tui.store import Library, StepOutcome

PAINT_LIMIT = 0.5
"""Longest a job waits for its repaint callback (seconds): a guard for a refresh that never
comes (the screen suspended, say), not a wait any key normally sees."""
IDLE_POLL = 0.2
"""How often an idle writer checks whether its worker was cancelled (seconds)."""


def step_toast(message: StatesChanged) -> str:
    """What an undo or redo says: `Undone: star 1 paper`, `Undone (another session's action):
    tag 1 paper +x` when it stepped over another session's action, `Nothing to undo`."""
    if not message.label:
        return f"Nothing to {message.kind}"
    verb = "Undone" if message.kind == "undo" else "Redone"
    whose = " (another session's action)" if message.foreign else ""
    return f"{verb}{whose}: {message.label}"


class _Queued:
    """A submitted job and whether the screen has painted its key yet."""

    __slots__ = ("job", "painted", "since")

    def __init__(self, job: WriteJob) -> None:
        self.job = job
        self.painted = False
        self.since = time.monotonic()


class StoreWriter:
    """Runs write jobs in order, in batches, in a Textual thread worker owned by `owner`."""

    def __init__(self, owner: DOMNode, library: Library) -> None:
        self._owner = owner
        self._library = library
        self._jobs: deque[_Queued] = deque()
        self._cond = threading.Condition()
        self._stopping = False
        self._worker: Worker[None] | None = None
        self._in_flight = 0

    def start(self) -> None:
        self._worker = self._owner.run_worker(
            self._loop, thread=True, name="store-writer", group="store", exit_on_error=False
        )

    def submit(self, job: WriteJob) -> None:
        """Queue `job`; it is written once the screen has painted it."""
        queued = _Queued(job)
        with self._cond:
            self._in_flight += 1
            self._jobs.append(queued)
        if not self._owner.call_after_refresh(self._painted, queued):
            self._painted(queued)  # the screen is closing: no refresh will come

    def _painted(self, queued: _Queued) -> None:
        with self._cond:
            queued.painted = True
            self._cond.notify()

    @property
    def busy(self) -> bool:
        """True while a submitted job has not yet posted its result."""
        return self._in_flight > 0

    async def drain(self) -> None:
        """Finish every queued job, then stop the thread (called before the app exits)."""
        self.stop()
        if self._worker is not None:
            await self._worker.wait()

    def stop(self) -> None:
        """Let the thread end after the jobs already queued, painted or not (does not wait)."""
        with self._cond:
            self._stopping = True
            self._cond.notify()

    def _loop(self) -> None:
        worker = get_current_worker()
        while True:
            with self._cond:
                batch = self._take_ready()
                while not batch:
                    if not self._jobs and (self._stopping or worker.is_cancelled):
                        return
                    self._cond.wait(self._wait_time())
                    batch = self._take_ready()
            try:
                self._run([queued.job for queued in batch])
            finally:
                with self._cond:
                    self._in_flight -= len(batch)

    def _take_ready(self) -> list[_Queued]:
        """(Under the condition.) The jobs at the front whose keys are painted, in order."""
        now = time.monotonic()
        batch: list[_Queued] = []
        while self._jobs:
            head = self._jobs[0]
            if not (head.painted or self._stopping or now - head.since >= PAINT_LIMIT):
                break
            batch.append(self._jobs.popleft())
        return batch

    def _wait_time(self) -> float:
        if not self._jobs:
            return IDLE_POLL
        return max(0.0, PAINT_LIMIT - (time.monotonic() - self._jobs[0].since))

    def _run(self, jobs: list[WriteJob]) -> None:
        library = self._library
        try:
            outcomes = library.run_steps([job.step for job in jobs])
        except PartialWriteError as exc:  # on disk after all: show it, do not roll it back
            kept = {pid: library.state(pid) for pid in exc.kept}
            self._failed(exc.message, jobs, kept)
        except PaperdeckError as exc:
            self._failed(exc.message, jobs)
        except OSError as exc:
            message = f"could not write the library at {library.home}: {exc.strerror or exc}"
            self._failed(message, jobs)
        except Exception as exc:  # a bug must not kill the writer: later keys still need it
            self._failed(f"could not save: {exc!r}", jobs)
        else:
            for job, outcome in zip(jobs, outcomes, strict=True):
                self._report(job, outcome)

    def _report(self, job: WriteJob, outcome: StepOutcome) -> None:
        if outcome.error is not None:
            self._owner.post_message(StoreFailed(outcome.error.message, job.rollback))
            return
        entry = outcome.entry
        ids = set(job.ids) | set(entry.ids if entry else ())
        states = {pid: self._library.state(pid) for pid in ids}
        label = entry.label if entry else ""
        foreign = entry is not None and entry.foreign
        self._owner.post_message(StatesChanged(label, states, job.kind, foreign=foreign))

    def _failed(
        self, message: str, jobs: list[WriteJob], kept: dict[str, State] | None = None
    ) -> None:
        """The whole batch failed: back to the states before its first key (or what was kept)."""
        rollback: dict[str, State] = {}
        for job in jobs:
            for pid, state in job.rollback.items():
                rollback.setdefault(pid, state)
        self._owner.post_message(StoreFailed(message, {**rollback, **(kept or {})}))
