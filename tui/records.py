"""Small value classes without `dataclasses`: equality and a repr over the fields a class names
in `__slots__` (`Record`), plus immutability and a hash (`Frozen`).

The modules a triage write imports (`paperdeck star ID`: the actions, the state, the steps, the
journal, the views, the store's own records) define their records with these instead of
`@dataclass`: importing `dataclasses` (it imports `inspect`, and with it `ast`, `dis` and
`tokenize`) and building its classes cost that command about 40 ms of a 180 ms process. A test
keeps `dataclasses` off that path (`tests/unit/test_cli_triage_imports.py`).

A record names its fields in `__slots__` and writes its own typed `__init__` (a frozen one
hands the values to `Frozen.__init__` by name). The semantics are a dataclass's with
`slots=True` (and `frozen=True` for `Frozen`): equal when of the same class with equal fields,
a mutable record unhashable, a frozen one hashed by its fields and refusing assignment; the
repr is `Name(field=value, ...)` in `__slots__` order. Only the class's own `__slots__` are
its fields (a record's bases hold none). Plain Python.
"""

from __future__ import annotations


class Record:
    """A mutable record: equality and a repr by the fields in `__slots__`; unhashable."""

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._values() == other._values()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({fields})"


class Frozen(Record):
    """An immutable record: `Record` with a hash by its fields, and assignment refused. A
    subclass's `__init__` hands every field's value, by name, to this one."""

    __slots__: tuple[str, ...] = ()

    def __init__(self, **values: object) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __hash__(self) -> int:
        return hash(self._values())

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")

    def __reduce__(self) -> tuple[object, ...]:
        # copy, deepcopy and pickle set a slotted object's fields with setattr, which a frozen
        # record refuses: they rebuild it through `_rebuilt` instead (as a frozen dataclass's
        # own __setstate__ does), without running `__init__`'s checks a second time.
        return (_rebuilt, (type(self), dict(zip(self.__slots__, self._values(), strict=True))))


def _rebuilt(cls: type[Frozen], values: dict[str, object]) -> Frozen:
    record = cls.__new__(cls)
    for name, value in values.items():
        object.__setattr__(record, name, value)
    return record
