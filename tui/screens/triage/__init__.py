"""The triage screen and the helpers only it uses: loading, the store writer, the sync runner,
thread workers and its key bindings."""

from tui.screens.triage.screen import TriageScreen

__all__ = ["TriageScreen"]
