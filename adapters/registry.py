"""Which adapter, if any, speaks for a statement.

This runs for every statement the LRS receives (ingest target 10,000 statements/s), so it is a
couple of dict look-ups: each platform marks its statements with a context extension of its
own, and the registry looks the statement's `context.extensions` keys up among those markers
(well under a microsecond a statement; see the test of this module). Only a hit costs more (the
adapter's `accepts`). Statements of no platform pass untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.base import Adapter
from adapters.ilias.cmi5 import ACTIVITY_EXTENSION, Cmi5Adapter
from adapters.moodle.logstore import INFO_EXTENSION, LogstoreAdapter
from adapters.moodle.webservice import PULL_EXTENSION, PullAdapter

__all__ = ["ADAPTERS", "adapter_named", "recognise"]

# context extension IRI -> the adapter whose traffic carries it
_MARKERS: dict[str, Adapter] = {
    INFO_EXTENSION: LogstoreAdapter(),
    ACTIVITY_EXTENSION: Cmi5Adapter(),
    PULL_EXTENSION: PullAdapter(),
}
ADAPTERS: tuple[Adapter, ...] = tuple(_MARKERS.values())


def recognise(statement: Mapping[str, Any]) -> Adapter | None:
    """The adapter for this (valid) statement, or None for ordinary xAPI traffic."""
    context = statement.get("context")
    if context is None:
        return None
    extensions = context.get("extensions")
    if not extensions:
        return None
    for key in extensions:  # a statement has few extensions; each is one dict look-up
        adapter = _MARKERS.get(key)
        if adapter is not None:
            return adapter if adapter.accepts(statement) else None
    return None


def adapter_named(name: str) -> Adapter | None:
    return next((a for a in ADAPTERS if a.name == name), None)
