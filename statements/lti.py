"""Statements built from LTI launches, and scores built from statements (for AGS).

Identity: a learner from LTI is `{"account": {"homePage": <issuer>, "name": <sub>}}`. Moodle's
xAPI output (logstore_xapi) names the same person `{"homePage": <wwwroot>, "name": <user id>}`,
and Moodle's issuer is its wwwroot and its `sub` the user id, so both resolve to one learner.

Context of a statement about a catalogue course (xAPI 1.0.3, Part 2, 2.4.6):
- `registration`: one UUID per learner, course and platform context (cmi5's "registration" is
  an enrolment: relaunching the course continues it), derived, so every worker and every
  relaunch arrives at the same value without a lookup.
- `contextActivities.parent`: the course activity, on every statement of the course, also on
  statements whose object is the course itself. Content reporting on its own sub-activities
  sets the same parent, so `GET /statements?activity=<course>&related_activities=true` finds
  all of a course uniformly.
- `contextActivities.grouping`: the platform context (the Moodle course, the ILIAS course or
  group the link sits in) as `<issuer>/lti/context/<id>`. LTI 1.3 (5.4.1) makes a context id
  stable and unique only within the platform; prefixing the issuer makes it a global IRI that
  reads as what it is, as the account's homePage does for the learner.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
COMPLETION_VERBS = frozenset({COMPLETED, PASSED})
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
# Our own namespace (DESIGN.md): the registration UUIDs are name-based (RFC 9562, version 5).
REGISTRATION_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://lernspur.de/xapi/registration")

_VERB_DISPLAY = {
    LAUNCHED: {"en-US": "launched", "de-DE": "gestartet"},
    COMPLETED: {"en-US": "completed", "de-DE": "abgeschlossen"},
}


def learner(issuer: str, sub: str, name: str | None = None) -> dict[str, Any]:
    """The learner of a launch as an xAPI Agent; `name` only where personal data is kept."""
    agent: dict[str, Any] = {
        "objectType": "Agent",
        "account": {"homePage": issuer, "name": sub},
    }
    if name:
        agent["name"] = name
    return agent


def registration_for(issuer: str, sub: str, course_activity: str, context_id: str | None) -> str:
    """The registration of one learner in one course in one platform context."""
    name = "\n".join((issuer, sub, course_activity, context_id or ""))
    return str(uuid.uuid5(REGISTRATION_NAMESPACE, name))


def context_activity_id(issuer: str, context_id: str) -> str:
    """The platform context as an activity IRI (see the module docstring)."""
    return f"{issuer.rstrip('/')}/lti/context/{quote(context_id, safe='')}"


@dataclass(frozen=True)
class CourseContext:
    """Where a learner meets a catalogue course: what every statement about it carries."""

    course_activity: str
    course_title: Mapping[str, str]
    registration: str
    context_iri: str | None = None
    context_title: str | None = None
    platform: str | None = None


def _course_statement(
    verb: str, actor: Mapping[str, Any], where: CourseContext, timestamp: str
) -> dict[str, Any]:
    course = {
        "objectType": "Activity",
        "id": where.course_activity,
        "definition": {"type": COURSE_TYPE, "name": dict(where.course_title)},
    }
    activities: dict[str, Any] = {
        "parent": [{"objectType": "Activity", "id": where.course_activity}]
    }
    if where.context_iri:
        grouping: dict[str, Any] = {"objectType": "Activity", "id": where.context_iri}
        if where.context_title:
            grouping["definition"] = {"name": {"und": where.context_title}}
        activities["grouping"] = [grouping]
    context: dict[str, Any] = {"registration": where.registration, "contextActivities": activities}
    if where.platform:
        context["platform"] = where.platform
    return {
        "id": str(uuid.uuid4()),
        "actor": dict(actor),
        "verb": {"id": verb, "display": _VERB_DISPLAY[verb]},
        "object": course,
        "context": context,
        "timestamp": timestamp,
    }


def launched(actor: Mapping[str, Any], where: CourseContext, timestamp: str) -> dict[str, Any]:
    """`launched` on the course: the learner arrived through an LTI launch."""
    return _course_statement(LAUNCHED, actor, where, timestamp)


def completed(actor: Mapping[str, Any], where: CourseContext, timestamp: str) -> dict[str, Any]:
    """`completed` on the course, as the learner's own declaration (result.completion)."""
    statement = _course_statement(COMPLETED, actor, where, timestamp)
    statement["result"] = {"completion": True}
    return statement


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def score_for_gradebook(
    result: Mapping[str, Any] | None, maximum: float = 100.0
) -> tuple[float, float]:
    """(scoreGiven, scoreMaximum) for LTI AGS from an xAPI result.

    - `score.scaled` (-1..1): scaled × `maximum`, negative values as 0;
    - else `score.raw` with `score.max` (and `min`): raw − min out of max − min;
    - else (completion without a score) full marks: the gradebook shows the completion.
    """
    score = (result or {}).get("score") or {}
    scaled = _number(score.get("scaled"))
    if scaled is not None:
        return round(max(0.0, min(1.0, scaled)) * maximum, 4), maximum
    raw, high, low = _number(score.get("raw")), _number(score.get("max")), _number(score.get("min"))
    if raw is not None and high is not None:
        low = low or 0.0
        if high > low:
            return round(max(0.0, min(raw, high) - low), 4), high - low
    return maximum, maximum
