"""Canonical Activity definitions (xAPI 1.0.3 Part 3, 2.5; Part 2, 2.4.4.1).

The LRS keeps one definition per Activity id and organisation, updated from the statements of
credentials that may define Activities (scope `define`): language maps are merged entry by
entry, every other property takes the newest value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def merge_activity_definitions(
    session: Session, org_pk: int, statements: Iterable[Mapping[str, Any]], now: datetime
) -> None:
    incoming: dict[str, dict[str, Any]] = {}
    for stmt in statements:
        for activity in _activities_in(stmt):
            definition = activity.get("definition")
            if isinstance(definition, Mapping) and activity.get("id"):
                incoming[activity["id"]] = merge_definition(
                    incoming.get(activity["id"], {}), definition
                )
    if not incoming:
        return
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
        else:
            merged = merge_definition(row.definition, definition)
            if merged != row.definition:
                row.definition = merged
                row.updated_at = now
    session.flush()


def get_activity(session: Session, org_pk: int, iri: str) -> dict[str, Any]:
    """The Activity object for GET /activities: id, objectType, and the known definition."""
    row = session.scalar(
        select(Activity).where(Activity.org_pk == org_pk, Activity.activity_iri == iri)
    )
    activity: dict[str, Any] = {"objectType": "Activity", "id": iri}
    if row is not None and row.definition:
        activity["definition"] = row.definition
    return activity
