"""Recognising platform traffic (adapters.registry): cheap, and nothing for ordinary clients."""

from __future__ import annotations

import pytest

from adapters.registry import ADAPTERS, adapter_named, recognise


@pytest.mark.parametrize(
    "statement",
    [
        {
            "actor": {"mbox": "mailto:a@example.org"},
            "verb": {"id": "http://x.example/v"},
            "object": {"id": "http://x.example/o"},
        },
        {"actor": {}, "verb": {"id": "v"}, "object": {"id": "o"}, "context": {"registration": "x"}},
        {"actor": {}, "verb": {"id": "v"}, "object": {"id": "o"}, "context": {"extensions": {}}},
        {
            "actor": {},
            "verb": {"id": "v"},
            "object": {"id": "o"},
            "context": {"extensions": {"http://x.example/e": 1}},
        },
    ],
    ids=["no-context", "no-extensions", "empty-extensions", "foreign-extension"],
)
def test_ordinary_statements_belong_to_no_adapter(statement):
    assert recognise(statement) is None


def test_adapters_have_distinct_names():
    names = [a.name for a in ADAPTERS]
    assert len(set(names)) == len(names)
    assert all(adapter_named(n) is a for n, a in zip(names, ADAPTERS, strict=True))
    assert adapter_named("scorm-cloud") is None
