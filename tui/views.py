"""What a view is: a slice of the library (a smart view such as Inbox or Later, a tag, or the
inbox ranked by a tag's model, "papers like #tag").

A `View` says which papers it holds as a query term (for the core's query language) and as a
predicate over a State (for re-checking a row without a search). The sidebar shows them, the
screen searches them, the palette goes to them, the start-up cache is keyed by one. Plain Python.
"""

from __future__ import annotations

from tui.models import State
from tui.records import Frozen

SMART_VIEWS: tuple[tuple[str, str], ...] = (
    ("inbox", "Inbox"),
    ("later", "Later"),
    ("done", "Done"),
    ("skipped", "Skipped"),
    ("starred", "Starred"),
    ("all", "All"),
    ("for-you", "For you"),
)
"""(key, label) of the smart views, in sidebar order; keys match Library.status_counts()."""


class View(Frozen):
    """A slice of the library: a smart view (`kind="smart"`), a tag (`kind="tag"`), or the
    inbox in the order of a tag's model (`kind="like"`, `key` the tag)."""

    __slots__ = ("key", "kind")
    kind: str
    key: str

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(kind=kind, key=key)

    @property
    def option_id(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def label(self) -> str:
        if self.kind == "tag":
            return f"#{self.key}"
        if self.kind == "like":
            return f"Like #{self.key}"
        return dict(SMART_VIEWS).get(self.key, self.key)

    @property
    def query(self) -> str:
        """The query-language term for this view ('' for All)."""
        if self.kind == "tag":
            return f'tag:"{self.key}"' if _needs_quotes(self.key) else f"tag:{self.key}"
        if self.kind == "like":
            tag = f'"#{self.key}"' if _needs_quotes(self.key) else f"#{self.key}"
            return f"is:inbox like:{tag}"
        if self.key == "all":
            return ""
        if self.key == "for-you":
            return "is:inbox sort:for-you"
        return f"is:{self.key}"

    @property
    def count_key(self) -> str:
        """The key of `Library.status_counts()` that counts this smart view."""
        return "inbox" if self.kind == "like" or self.key == "for-you" else self.key

    def holds(self, state: State) -> bool:
        """Whether a paper with this state belongs to the view."""
        if self.kind == "tag":
            return self.key in state.tags
        if self.kind == "like":
            return state.status == "inbox"
        if self.key == "all":
            return True
        if self.key == "starred":
            return state.starred
        return state.status == self.count_key

    @classmethod
    def from_option_id(cls, option_id: str) -> View:
        kind, _, key = option_id.partition(":")
        return cls(kind, key)


INBOX = View("smart", "inbox")


def _needs_quotes(text: str) -> bool:
    return any(ch in text for ch in ' "():') or text.startswith("-")
