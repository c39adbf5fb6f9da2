"""Widgets of the triage screen. They know models (Paper, State), never the store: attributes
go down from the screen, messages go up."""

from tui.widgets.abstract_pane import AbstractPane
from tui.widgets.filter_bar import FilterBar
from tui.widgets.footer import KeyFooter
from tui.widgets.paper_list import PaperList
from tui.widgets.sidebar import ViewSidebar
from tui.widgets.status_header import StatusHeader
from tui.widgets.sync_indicator import SyncIndicator

__all__ = [
    "AbstractPane",
    "FilterBar",
    "KeyFooter",
    "PaperList",
    "StatusHeader",
    "SyncIndicator",
    "ViewSidebar",
]
