"""Names a package or module hands out on first use: `lazy_names` makes the module-level
`__getattr__` that imports a name's home module only when the name is first asked for, then
keeps it in the module's namespace (later lookups are ordinary ones).

Used where importing everything up front would cost every command: `tui.models` hands out
`Paper` (a msgspec struct; msgspec costs a triage command tens of milliseconds to import) and
`tui.store` its classes. Plain Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(
    module: str, namespace: dict[str, Any], homes: Mapping[str, str]
) -> Callable[[str], Any]:
    """The `__getattr__` for `module` (whose globals are `namespace`): each name of `homes` is
    imported from the module `homes[name]` names when first asked for."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(import_module(home), name)
        namespace[name] = value
        return value

    return __getattr__
