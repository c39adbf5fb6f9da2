"""Ranking: the inbox in the order this user would keep it, "more like this", and why.

A TF-IDF matrix of every paper's title and abstract (`tui.rank.matrix`, saved beside the
library by `tui.rank.storage`), small linear models per interest trained on the user's own
decisions (`tui.rank.signals`, `tui.rank.models`), and the face the query layer, the CLI and the
app call, `tui.rank.engine.Ranker`. Core: no Textual, no Rich.

numpy (~0.1-0.2 s to import) is loaded only when something ranks: importing this package does
not import it, and neither does any query without a ranking term. `Ranker` and `Why` are
imported on first access.

numpy's BLAS runs single-threaded here (set before numpy's first import, which is ours): the
models' products and solves are a few hundred rows, where BLAS threads only spin against the
UI thread and the other programs on a two-core machine. Measured: training after a decision
~1.3 s with threads on a loaded box, ~60 ms with one.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

if TYPE_CHECKING:
    from tui.rank.engine import Ranker, Why

__all__ = ["Ranker", "Why"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from tui.rank import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'tui.rank' has no attribute {name!r}")
