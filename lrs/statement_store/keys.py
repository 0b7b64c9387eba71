"""What a statement is found by: the filter keys of GET /statements (xAPI 1.0.3 Part 3, 2.1.3).

Pure functions over a stored statement; the store writes their results into indexed columns and
side tables, so that no query ever scans statement JSON.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from statements.identifiers import ifi_key

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"


@dataclass
class FilterKeys:
    actor_key: str | None = None
    verb_iri: str = ""
    activity_iri: str | None = None
    object_ref: str | None = None
    registration: str | None = None
    # Agents besides the actor: key -> related (False: matched by the plain `agent` filter;
    # True: only with related_agents=true)
    agents: dict[str, bool] = field(default_factory=dict)
    related_activities: set[str] = field(default_factory=set)

    def add_agent(self, key: str | None, related: bool) -> None:
        if key is None or key == self.actor_key:
            return
        self.agents[key] = self.agents.get(key, True) and related


def _agent_and_members(agent: Any) -> Iterator[str | None]:
    """The agent's own key and, for a Group, its members' keys (Part 3, 2.1.3, `agent`)."""
    if not isinstance(agent, Mapping):
        return
    yield ifi_key(agent)
    for member in agent.get("member") or ():
        if isinstance(member, Mapping):
            yield ifi_key(member)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _context_agents(context: Mapping[str, Any]) -> Iterator[Any]:
    yield context.get("instructor")
    yield context.get("team")
    for entry in context.get("contextAgents") or ():  # xAPI 2.0
        if isinstance(entry, Mapping):
            yield entry.get("agent")
    for entry in context.get("contextGroups") or ():  # xAPI 2.0
        if isinstance(entry, Mapping):
            yield entry.get("group")


def _context_activities(context: Mapping[str, Any]) -> Iterator[str]:
    activities = context.get("contextActivities") or {}
    for kind in ("parent", "grouping", "category", "other"):
        for activity in _as_list(activities.get(kind)):
            if isinstance(activity, Mapping) and isinstance(activity.get("id"), str):
                yield activity["id"]


def _is_agent_object(obj: Mapping[str, Any]) -> bool:
    return obj.get("objectType") in {"Agent", "Group"}


def filter_keys(stmt: Mapping[str, Any]) -> FilterKeys:
    keys = FilterKeys(verb_iri=stmt["verb"]["id"])
    actor = stmt.get("actor") or {}
    # The actor's own key is the indexed `actor_key` column; only a Group actor's members need
    # side rows. The authority is found through the credential that stored the statement.
    keys.actor_key = ifi_key(actor)
    for member in actor.get("member") or ():
        if isinstance(member, Mapping):
            keys.add_agent(ifi_key(member), related=False)

    obj = stmt.get("object") or {}
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        keys.activity_iri = obj.get("id")
    elif object_type == "StatementRef":
        keys.object_ref = str(obj.get("id")).lower()
    elif _is_agent_object(obj):
        for key in _agent_and_members(obj):
            keys.add_agent(key, related=False)
    elif object_type == "SubStatement":
        for key in _agent_and_members(obj.get("actor")):
            keys.add_agent(key, related=True)
        sub_obj = obj.get("object") or {}
        if sub_obj.get("objectType", "Activity") == "Activity" and sub_obj.get("id"):
            keys.related_activities.add(sub_obj["id"])
        elif _is_agent_object(sub_obj):
            for key in _agent_and_members(sub_obj):
                keys.add_agent(key, related=True)
        sub_context = obj.get("context") or {}
        for agent in _context_agents(sub_context):
            for key in _agent_and_members(agent):
                keys.add_agent(key, related=True)
        keys.related_activities.update(_context_activities(sub_context))

    context = stmt.get("context") or {}
    registration = context.get("registration")
    keys.registration = registration.lower() if isinstance(registration, str) else None
    for agent in _context_agents(context):
        for key in _agent_and_members(agent):
            keys.add_agent(key, related=True)
    keys.related_activities.update(_context_activities(context))
    if keys.activity_iri is not None:
        keys.related_activities.discard(keys.activity_iri)
    return keys
