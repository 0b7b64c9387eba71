"""Normalisation steps every platform adapter shares: the learner's site root, catalogue courses.

Catalogue contract (read by the programme and competency projections, issue 4): a statement
about a platform activity that the organisation mapped onto a catalogue course carries that
course's activity IRI in `context.contextActivities.other`. Its object stays the platform's
activity (the statement still says what the platform reported); the projections count a
statement for a catalogue course when the course IRI is its object id *or* one of its context
activities. Only the statement whose object is the mapped activity gets the entry - a module
completion inside a mapped course does not complete the course.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.base import AdapterContext, Statement
from adapters.urls import activity_key, resolve_root


def object_activity_iri(statement: Mapping[str, Any]) -> str | None:
    """The object's id when the object is an Activity (objectType absent or "Activity")."""
    obj = statement.get("object")
    if not isinstance(obj, Mapping) or obj.get("objectType", "Activity") != "Activity":
        return None
    iri = obj.get("id")
    return iri if isinstance(iri, str) else None


def object_activity_keys(statement: Mapping[str, Any]) -> list[str]:
    iri = object_activity_iri(statement)
    return [activity_key(iri)] if iri is not None else []


def with_canonical_actor_root(statement: Statement, context: AdapterContext) -> Statement:
    """The actor's `account.homePage` in the organisation's spelling of that site (urls)."""
    actor = statement.get("actor")
    if not isinstance(actor, Mapping):
        return statement
    account = actor.get("account")
    if not isinstance(account, Mapping) or not isinstance(account.get("homePage"), str):
        return statement
    root = resolve_root(account["homePage"], context.site_roots)
    if root == account["homePage"]:
        return statement
    return {**statement, "actor": {**actor, "account": {**account, "homePage": root}}}


def with_catalogue_activity(statement: Statement, context: AdapterContext) -> Statement:
    """Add the mapped catalogue course to `contextActivities.other` (module doc: the contract)."""
    iri = object_activity_iri(statement)
    if iri is None or not context.catalogue:
        return statement
    course = context.catalogue.get(activity_key(iri))
    if course is None or course == iri:
        return statement
    ctx = statement.get("context")
    ctx = dict(ctx) if isinstance(ctx, Mapping) else {}
    activities = ctx.get("contextActivities")
    activities = dict(activities) if isinstance(activities, Mapping) else {}
    other = activities.get("other")
    # 1.0.3 lets a single Activity stand for a list of one (Part 2, 2.4.6.2).
    entries = [other] if isinstance(other, Mapping) else list(other or [])
    if any(isinstance(e, Mapping) and e.get("id") == course for e in entries):
        return statement
    entries.append({"objectType": "Activity", "id": course})
    activities["other"] = entries
    ctx["contextActivities"] = activities
    return {**statement, "context": ctx}


class CanonicalAdapter:
    """What every platform adapter shares: catalogue look-ups for its statements' objects and
    the normalisation steps above, after the platform's own correction (`adjust`)."""

    def activity_keys(self, statement: Mapping[str, Any]) -> list[str]:
        return object_activity_keys(statement)

    def adjust(self, statement: Statement) -> Statement:
        """A platform's own correction of a (copied) statement; none by default."""
        return statement

    def normalise(self, statement: Mapping[str, Any], context: AdapterContext) -> Statement:
        out = self.adjust(dict(statement))
        out = with_canonical_actor_root(out, context)
        return with_catalogue_activity(out, context)
