"""The record checks every store read runs (`tui.store.validate`), through `problem`: whatever
mix of sound and wrong-typed records a catalog or texts file holds, a file is refused exactly
when one record has a value of a type its field does not allow, and the message names the first
such record and field. (The fast path for sound files must never let one through.)"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tui.store.validate import problem

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=3),
    st.lists(st.integers(0, 2), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(0, 2), max_size=2),
)
TEXT = (str,)
TEXT_OR_NONE = (str, type(None))
WHOLE_OR_NONE = (int, type(None))
ALLOWED: dict[str, tuple[type, ...]] = {
    "title": TEXT,
    "arxiv_id": TEXT_OR_NONE,
    "authors": (list,),
    "categories": (list,),
    "ai_keywords": (list,),
    "sources": (list,),
    "links": (dict,),
    "version": WHOLE_OR_NONE,
    "upvotes": WHOLE_OR_NONE,
    "comments": WHOLE_OR_NONE,
    "github_stars": WHOLE_OR_NONE,
    "published": TEXT_OR_NONE,
    "listed_on": TEXT_OR_NONE,
    "first_seen": TEXT_OR_NONE,
    "last_synced": TEXT_OR_NONE,
}
"""What the store allows in a catalog record, written out here on its own (True is no number)."""
FIELDS = st.sampled_from([*ALLOWED, "id", "github_repo", "doi", "something_new"])


def fits(name: str, value: object) -> bool:
    types = ALLOWED.get(name)
    if types is None:
        return True
    if isinstance(value, bool):
        return bool in types
    return isinstance(value, types)


def sound_record(n: int) -> dict[str, Any]:
    return {
        "id": f"arxiv:2611.{n:05d}",
        "title": f"Paper {n}",
        "arxiv_id": f"2611.{n:05d}",
        "authors": ["A. Author"],
        "categories": ["cs.LG"],
        "upvotes": n,
        "comments": None,
        "published": "2026-11-01",
        "sources": ["test"],
    }


@settings(max_examples=300, deadline=None)
@given(
    size=st.integers(1, 6),
    changes=st.lists(
        st.tuples(st.integers(0, 5), FIELDS, ANY_VALUE | st.just("<drop>")), max_size=4
    ),
)
@example(size=1, changes=[(0, "title", "<drop>"), (0, "title", None), (0, "authors", None)])
def test_a_catalog_is_refused_exactly_when_a_record_has_a_wrong_type(
    size: int, changes: list[tuple[int, str, object]]
) -> None:
    records = {f"p{n}": sound_record(n) for n in range(size)}
    for index, name, value in changes:
        doc = records[f"p{index % size}"]
        if value == "<drop>":
            doc.pop(name, None)
        else:
            doc[name] = value
    first_bad = next(
        (
            (pid, name)
            for pid, doc in records.items()
            # A missing title is named first; otherwise the first wrong field in the record's
            # own order (a title set again after a drop comes last).
            for name in ([] if "title" in doc else ["title"]) + list(doc)
            if (name == "title" and "title" not in doc)
            or (name in doc and not fits(name, doc[name]))
        ),
        None,
    )
    found = problem("catalog", {"papers": records})
    if first_bad is None:
        assert found is None
        return
    assert found is not None
    pid, name = first_bad
    assert pid in found
    assert (
        ("no title" in found) if name == "title" and "title" not in records[pid] else name in found
    )


@given(bad=st.sampled_from([[1], "text", 3, None]), position=st.integers(0, 3))
def test_a_record_that_is_not_an_object_is_named(bad: object, position: int) -> None:
    records: dict[str, Any] = {f"p{n}": sound_record(n) for n in range(4)}
    records[f"p{position}"] = bad
    found = problem("catalog", {"papers": records})
    assert found is not None and f"p{position}" in found and "not an object" in found


@settings(max_examples=100, deadline=None)
@given(abstract=ANY_VALUE, summary=ANY_VALUE, position=st.integers(0, 3))
def test_texts_are_refused_exactly_when_an_abstract_or_summary_is_not_text(
    abstract: object, summary: object, position: int
) -> None:
    texts: dict[str, Any] = {f"p{n}": {"abstract": "Fine.", "ai_summary": None} for n in range(4)}
    texts[f"p{position}"] = {"abstract": abstract, "ai_summary": summary}
    found = problem("texts", {"texts": texts})
    if isinstance(abstract, str) and (summary is None or isinstance(summary, str)):
        assert found is None
    else:
        assert found is not None and f"p{position}" in found


def state_fits(name: str, value: object) -> bool:
    if name in ("status", "note"):
        return isinstance(value, str)
    if name == "starred":
        return isinstance(value, bool)
    if name == "opened_at":
        return value is None or isinstance(value, str)
    if name == "tags":
        return isinstance(value, list) and all(isinstance(t, str) for t in value)
    if name == "times":
        return isinstance(value, dict) and all(
            isinstance(t, (int, float)) and not isinstance(t, bool) and math.isfinite(t)
            for t in value.values()
        )
    return True


STATE_VALUE = (
    ANY_VALUE
    | st.lists(st.text(max_size=2), max_size=2)
    | st.dictionaries(
        st.sampled_from(["status", "tag:x"]),
        st.one_of(st.floats(), st.integers(0, 9), st.booleans(), st.text(max_size=1)),
        max_size=2,
    )
)


@settings(max_examples=300, deadline=None)
@example(changes={"times": {"status": True}})
@example(changes={"times": {"status": math.nan}})
@example(changes={"times": {"status": math.inf}})
@example(changes={"tags": ["idea", 3]})
@example(changes={"starred": 1})
@given(
    changes=st.dictionaries(
        st.sampled_from(["status", "starred", "note", "opened_at", "tags", "times", "other"]),
        STATE_VALUE,
        max_size=3,
    )
)
def test_a_state_is_refused_exactly_when_a_field_has_a_wrong_type(
    changes: dict[str, object],
) -> None:
    doc: dict[str, Any] = {
        "status": "later",
        "starred": True,
        "tags": ["idea"],
        "note": "",
        "opened_at": None,
        "times": {"status": 1.7e9, "starred": 1_700_000_000},
    }
    doc.update(changes)
    found = problem("state", {"states": {"arxiv:1": doc}})
    order = ["status", "starred", "note", "opened_at", "tags", "times", "other"]
    wrong = [name for name in order if name in doc and not state_fits(name, doc[name])]
    if not wrong:
        assert found is None
    else:
        assert found is not None and "arxiv:1" in found and wrong[0] in found
