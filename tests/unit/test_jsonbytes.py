"""`tui.store.jsonbytes` gives orjson's results (values, bytes, errors) without orjson loaded.

This test process has orjson loaded (the suite imports the whole store), where `jsonbytes`
hands everything to orjson; the standard-library path is what a fresh `paperdeck star` takes.
So each case runs in a fresh interpreter of its own that imports `jsonbytes` alone, computes
its answer, notes whether orjson got loaded for it, and only then imports orjson for the
reference answer (once loaded, orjson would answer every later case).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CHECK = r"""
import json, sys
from tui.store import jsonbytes

def outcome(call, arg):
    try:
        value = call(arg)
    except Exception as exc:
        return ["error", type(exc).__module__ + "." + type(exc).__name__, str(exc)]
    return ["value", repr(value), type(value).__name__]

kind, case = sys.argv[1], sys.stdin.buffer.read().decode("utf-8", "surrogatepass")
if kind == "loads":
    arg = case.encode("utf-8", "surrogatepass")
    mine = outcome(jsonbytes.loads, arg)
else:
    arg = eval(case)
    mine = outcome(jsonbytes.dumps, arg)
loaded = "orjson" in sys.modules
import orjson
ref = outcome(orjson.loads if kind == "loads" else orjson.dumps, arg)
print(json.dumps([mine, loaded, ref]))
"""


def run_check(kind: str, cases: list[str]) -> list[tuple[list[str], bool, list[str]]]:
    """(jsonbytes' outcome, whether it loaded orjson, orjson's outcome) of each case."""
    rows = []
    for case in cases:
        out = subprocess.run(
            [sys.executable, "-c", CHECK, kind],
            input=case.encode("utf-8", "surrogatepass"),
            capture_output=True,
            timeout=60,
            check=True,
        )
        mine, loaded, ref = json.loads(out.stdout)
        rows.append((mine, loaded, ref))
    return rows


PLAIN_TEXTS = [
    '{"state":{"arxiv:2206.00927":{"status":"later","starred":true,"tags":["a","b"],'
    '"note":"ch. 3\\nsee \\"fig 2\\"","opened_at":null,"times":{"status":1764640000.123456}}}}',
    '{"_meta":{"schema":{"kind":"meta","version":1}}}',
    '{"a":-0.0,"b":1e5,"c":[1,2.5,-3],"d":"é \\u00e9 😀 \u2028"}',
    "[9223372036854775807, 18446744073709551615, -9223372036854775808]",
    '  {"dup":1,"dup":2}  ',
    "[-0, 1E+2, 1e-07, 0.30000000000000004, 9007199254740993.0, 2.4703282292062327e-324]",
    "[-9223372036854775808, 18446744073709551615, 1.7976931348623157e308]",  # at the edges
    '{"t":"NaN, Infinity, 1e400, 123456789012345678901, -9999999999999999999"}',  # in text
]
"""Texts the standard library reads exactly as orjson does: read without loading orjson."""

ODD_TEXTS = [
    '{"a":"\\ud800"}',  # an unpaired surrogate escape: orjson refuses it
    '{"a":"\\ud83d\\ude00"}',  # a paired one, left to orjson too
    '{"a":NaN}',
    '{"a":Infinity}',
    '{"a":1e400}',
    '{"a":1.7976931348623159e308}',
    '{"a":18446744073709551616}',  # past 64 bits: orjson reads a float
    '{"a":-9223372036854775809}',
    "\ufeff{}",  # a byte order mark
    '{"a":"\x01"}',
    '{"a":1,}',
    "",
    "[" * 2000 + "]" * 2000,
    "\udcff",  # not UTF-8 (written with surrogatepass: the byte sequence of a lone surrogate)
]
"""Texts where the two parsers differ or refuse: orjson's answer, whichever it is."""


def test_plain_texts_read_as_orjson_reads_them_without_orjson() -> None:
    for (mine, loaded, ref), text in zip(run_check("loads", PLAIN_TEXTS), PLAIN_TEXTS, strict=True):
        assert mine == ref, text
        assert not loaded, text


def test_odd_texts_get_orjson_s_answer_and_error() -> None:
    for (mine, _, ref), text in zip(run_check("loads", ODD_TEXTS), ODD_TEXTS, strict=True):
        assert mine == ref, text


PLAIN_DATA = [
    '{"state": {"p1": {"status": "done", "starred": False, "tags": [], "note": "x\\ny",'
    ' "opened_at": None, "times": {"status": 1764640000.5, "tag:a": 1764640001.0}}}}',
    '{"entries": {"12": {"seq": 12, "label": "star 1 paper", "undone": False}}}',
    '{"n": "é\\u2028\\x00\\x1f\\x7f \\U0001f600", "big": 18446744073709551615, "neg": -5}',
]
"""Data the standard library encodes to orjson's very bytes: encoded without loading orjson."""

ODD_DATA = [
    'float("nan")',
    '{"t": float("inf")}',
    '"\\ud800"',
    "object()",
    "[1, {2, 3}]",
    "(lambda cycle: (cycle.append(cycle), cycle)[1])([])",  # a list holding itself
]
"""Data json refuses: orjson's answer (`null` for NaN) or its error."""


def test_plain_data_encodes_to_orjson_s_bytes_without_orjson() -> None:
    for (mine, loaded, ref), data in zip(run_check("dumps", PLAIN_DATA), PLAIN_DATA, strict=True):
        assert mine == ref, data
        assert not loaded, data


def test_odd_data_gets_orjson_s_bytes_or_error() -> None:
    for (mine, _, ref), data in zip(run_check("dumps", ODD_DATA), ODD_DATA, strict=True):
        assert mine == ref, data


@pytest.mark.parametrize("kind", ["loads", "dumps"])
def test_large_documents_go_to_orjson(kind: str) -> None:
    from tui.store import jsonbytes

    records = {f"p{n}": {"status": "done"} for n in range(jsonbytes.LARGE_RECORDS)}
    if kind == "loads":
        case = json.dumps({"state": records}, separators=(",", ":")) + " " * jsonbytes.LARGE
    else:
        case = repr({"state": records})
    [(mine, loaded, ref)] = run_check(kind, [case])
    assert loaded
    assert mine[0] == "value"
    assert mine == ref
