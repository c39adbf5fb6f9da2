"""Starting core work in a Textual thread worker, the one way the screen and its helpers do.

Each worker gets a fixed name and description: `@work` would `repr()` every argument (the
states dict: ~35 ms at 100k papers) on the UI thread each time. A worker of the same group
cancels the previous one (`exclusive`), and errors are reported, never raised into the app.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.dom import DOMNode
from textual.worker import Worker


def run_in_thread(owner: DOMNode, work: Callable[[], None], group: str) -> Worker[None]:
    """Run `work()` in a thread worker of `owner`; a newer one of `group` cancels it."""
    return owner.run_worker(
        work,
        name=group,
        description=group,
        group=group,
        thread=True,
        exclusive=True,
        exit_on_error=False,
    )
