"""`tui.records`: the records on a triage write's path keep a dataclass's semantics."""

from __future__ import annotations

import copy
import pickle

import pytest

from tui.actions import EditTags, SetNote, SetStar, SetStatus, ToggleStar
from tui.models import State
from tui.store.steps import ActionStep, UndoStep
from tui.views import View


def test_frozen_records_are_values() -> None:
    assert SetStar(True) == SetStar(True)
    assert SetStar(True) != SetStar(False)
    assert hash(View("tag", "ml")) == hash(View("tag", "ml"))
    assert len({View("tag", "ml"), View("tag", "ml"), View("smart", "inbox")}) == 2
    assert ToggleStar() == ToggleStar()
    assert ActionStep(SetStar(True), ("p1",), "s") == ActionStep(SetStar(True), ("p1",), "s")
    assert UndoStep() == UndoStep(True, None)


def test_records_of_other_classes_differ_even_with_equal_fields() -> None:
    assert SetStar(True) != SetNote("x")
    assert ActionStep(SetStar(True)) != UndoStep()
    assert View("smart", "inbox") != ("smart", "inbox")


def test_frozen_records_refuse_assignment() -> None:
    view = View("tag", "ml")
    with pytest.raises(AttributeError):
        view.key = "rl"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del view.kind
    with pytest.raises(AttributeError):
        view.other = 1  # type: ignore[attr-defined]
    assert view == View("tag", "ml")


def test_constructors_still_check_and_normalise() -> None:
    with pytest.raises(Exception, match="unknown status"):
        SetStatus("maybe")
    assert EditTags((" Deep Learning", ""), ("X,",)) == EditTags(("deep-learning",), ("x",))


def test_mutable_records_compare_by_fields_and_are_unhashable() -> None:
    a, b = State(status="done", tags=["x"]), State(status="done", tags=["x"])
    assert a == b
    b.tags.append("y")
    assert a != b
    with pytest.raises(TypeError):
        hash(a)


def test_mutable_defaults_are_not_shared() -> None:
    a, b = State(), State()
    a.tags.append("x")
    a.times["status"] = 1.0
    assert b.tags == [] and b.times == {}


def test_repr_names_the_class_and_fields() -> None:
    assert repr(SetStar(True)) == "SetStar(starred=True)"
    assert repr(View("tag", "ml")) == "View(key='ml', kind='tag')"


def test_frozen_records_copy_and_pickle() -> None:
    step = ActionStep(EditTags(("a",), ("b",)), ("p1",), "s")
    assert copy.copy(step) == step
    assert copy.deepcopy(step) == step
    assert pickle.loads(pickle.dumps(step)) == step
    assert copy.deepcopy(View("tag", "ml")) == View("tag", "ml")
    assert copy.deepcopy(State(tags=["x"])) == State(tags=["x"])
