"""Hugging Face JSON whose fields have the wrong JSON type: the record is used without the
field (or rejected), never a traceback. Found while testing sync (issue 10 item 12)."""

from __future__ import annotations

import json

import pytest

from tui.importers import parse_hf_json


@pytest.mark.parametrize("authors", [5, 1.5, True, "A. Author", {"name": "x"}])
def test_authors_that_are_not_a_list_are_dropped(authors: object) -> None:
    body = json.dumps([{"paper": {"id": "2608.00001", "title": "T", "authors": authors}}])
    result = parse_hf_json(body)
    assert [p.id for p in result.papers] == ["arxiv:2608.00001"]
    assert result.papers[0].authors == []
