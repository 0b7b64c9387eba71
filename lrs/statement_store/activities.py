"""Canonical Activity definitions (xAPI 1.0.3 Part 3, 2.5; Part 2, 2.4.4.1).

The LRS keeps one definition per Activity id and organisation, updated from the statements of
credentials that may define Activities (scope `define`): language maps are merged entry by
entry, every other property takes the newest value.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from lrs.statement_store.models import Activity

LANGUAGE_MAPS = ("name", "description")


def _activities_in(stmt: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    obj = stmt.get("object") or {}
    if obj.get("objectType", "Activity") == "Activity":
        yield obj
    if obj.get("objectType") == "SubStatement":
        yield from _activities_in(obj)
    context = stmt.get("context") or {}
    for values in (context.get("contextActivities") or {}).values():
        yield from values if isinstance(values, list) else [values]


def merge_definition(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(old)
    for key, value in new.items():
        if key in LANGUAGE_MAPS and isinstance(value, Mapping) and isinstance(old.get(key), dict):
            merged[key] = {**old[key], **value}
        else:
            merged[key] = value
    return merged


class DefinitionCache:
    """Definitions this process knows to be stored, so that a statement repeating a known
    definition costs no database round trip. Only a shortcut: a miss reads the database, and
    an entry is added only after the transaction that stored it has committed."""

    def __init__(self, size: int = 20_000) -> None:
        self._known: OrderedDict[tuple[int, str], dict[str, Any]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def covers(self, org_pk: int, iri: str, definition: Mapping[str, Any]) -> bool:
        with self._lock:
            known = self._known.get((org_pk, iri))
        # The same definition again (the common case) needs no merge to tell.
        return known is not None and (
            known == definition or merge_definition(known, definition) == known
        )

    def remember(self, entries: Mapping[tuple[int, str], dict[str, Any]]) -> None:
        with self._lock:
            for key, definition in entries.items():
                self._known[key] = definition
                self._known.move_to_end(key)
            while len(self._known) > self._size:
                self._known.popitem(last=False)


PENDING = "lernspur.pending_definitions"


def install_definition_cache(factory: sessionmaker[Session]) -> None:
    """Give every session of `factory` the shared cache; fill it when a session commits."""
    cache = DefinitionCache()
    factory.kw.setdefault("info", {})["definition_cache"] = cache

    @event.listens_for(factory, "after_commit")
    def _committed(session: Session) -> None:
        pending = session.info.pop(PENDING, None)
        if pending:
            cache.remember(pending)

    @event.listens_for(factory, "after_rollback")
    def _rolled_back(session: Session) -> None:
        session.info.pop(PENDING, None)


def definitions_to_merge(
    session: Session, org_pk: int, statements: Iterable[Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The statements' Activity definitions that may change what is stored, by Activity id:
    all of them, less those this process knows to be stored already (no database access)."""
    cache: DefinitionCache | None = session.info.get("definition_cache")
    incoming: dict[str, dict[str, Any]] = {}
    for stmt in statements:
        for activity in _activities_in(stmt):
            definition = activity.get("definition")
            iri = activity.get("id")
            if isinstance(definition, Mapping) and iri:
                seen = incoming.get(iri)
                if seen != definition:
                    incoming[iri] = merge_definition(seen or {}, definition)
    if cache is not None:
        incoming = {iri: d for iri, d in incoming.items() if not cache.covers(org_pk, iri, d)}
    return incoming


def merge_activity_definitions(
    session: Session, org_pk: int, incoming: Mapping[str, dict[str, Any]], now: datetime
) -> dict[tuple[int, str], dict[str, Any]]:
    """Merge `incoming` (from `definitions_to_merge`) into the stored definitions.

    Returns the definitions now stored for the Activities it wrote, for the caller to hand to
    `note_stored` once they are safely in the transaction.
    """
    if not incoming:
        return {}
    written: dict[tuple[int, str], dict[str, Any]] = {}
    existing = {
        a.activity_iri: a
        for a in session.scalars(
            select(Activity).where(
                Activity.org_pk == org_pk, Activity.activity_iri.in_(list(incoming))
            )
        )
    }
    for iri, definition in sorted(incoming.items()):
        row = existing.get(iri)
        if row is None:
            session.add(
                Activity(org_pk=org_pk, activity_iri=iri, definition=definition, updated_at=now)
            )
            written[(org_pk, iri)] = definition
        else:
            merged = merge_definition(row.definition, definition)
            if merged != row.definition:
                row.definition = merged
                row.updated_at = now
            written[(org_pk, iri)] = merged
    session.flush()
    return written


def note_stored(session: Session, written: Mapping[tuple[int, str], dict[str, Any]]) -> None:
    """Remember `written` for the cache when (and only if) the session's transaction commits."""
    if written and "definition_cache" in session.info:
        session.info.setdefault(PENDING, {}).update(written)


def canonical_definitions(
    session: Session, org_pk: int, statements: Iterable[Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The LRS's definitions of the Activities these statements name (for format=canonical,
    Part 3, 2.1.3: "populated with the canonical definition of the Activity Objects")."""
    iris = {
        activity["id"]
        for stmt in statements
        for activity in _activities_in(stmt)
        if isinstance(activity, Mapping) and isinstance(activity.get("id"), str)
    }
    if not iris:
        return {}
    rows = session.execute(
        select(Activity.activity_iri, Activity.definition).where(
            Activity.org_pk == org_pk, Activity.activity_iri.in_(sorted(iris))
        )
    )
    return {row.activity_iri: row.definition for row in rows if row.definition}


def get_activity(session: Session, org_pk: int, iri: str) -> dict[str, Any]:
    """The Activity object for GET /activities: id, objectType, and the known definition."""
    row = session.scalar(
        select(Activity).where(Activity.org_pk == org_pk, Activity.activity_iri == iri)
    )
    activity: dict[str, Any] = {"objectType": "Activity", "id": iri}
    if row is not None and row.definition:
        activity["definition"] = row.definition
    return activity
