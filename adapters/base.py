"""What every adapter is: a recogniser and a pure normaliser over one statement.

An adapter turns a platform's statements into Lernspur's canonical ones (DESIGN, `adapters/`).
It never sees the database: what it needs to know about the organisation - the site roots it
registered, the platform activities mapped onto catalogue courses - arrives as an
`AdapterContext` that the LRS loads once per request, and only for requests that carry
statements an adapter recognised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

Statement = dict[str, Any]


@dataclass(frozen=True)
class AdapterContext:
    """The organisation's side of normalisation.

    `site_roots`: `urls.root_key(root)` -> the root as the organisation registered it.
    `catalogue`: `urls.activity_key(platform activity IRI)` -> catalogue course activity IRI.
    """

    site_roots: Mapping[str, str] = field(default_factory=dict)
    catalogue: Mapping[str, str] = field(default_factory=dict)


class Adapter(Protocol):
    """One platform's dialect. `name` is what the raw-statement table records."""

    name: str

    def accepts(self, statement: Mapping[str, Any]) -> bool:
        """Second look after the registry's marker matched: is this really our traffic?"""
        ...

    def activity_keys(self, statement: Mapping[str, Any]) -> Iterable[str]:
        """`urls.activity_key`s this statement may need from `AdapterContext.catalogue`."""
        ...

    def statement_id(self, statement: Mapping[str, Any], context: AdapterContext) -> str | None:
        """The id this adapter stands behind, or None to leave the id to the client and LRS.

        An id returned here was derived from the event, not chosen by the client: the store
        treats a second statement under it as the same event sent again (never a conflict).
        """
        ...

    def normalise(self, statement: Mapping[str, Any], context: AdapterContext) -> Statement:
        """The canonical statement (a new dict; the input stays as received)."""
        ...
