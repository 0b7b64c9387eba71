"""Result, Context, Statement References and Attachments (xAPI 1.0.3, Part 2, 2.4.4.3-2.4.11;
2.0 adds contextAgents and contextGroups), for the statement validator."""

from __future__ import annotations

from statements._valid_activities import activity_only
from statements._valid_agents import AGENT, EITHER, GROUP, agent_or_group
from statements._valid_common import (
    MISSING,
    add,
    extensions,
    iri,
    is_number,
    language_map,
    required,
    unknown,
    uuid,
    wrong,
)
from statements._valid_formats import is_content_type, is_duration, is_sha2_hex
from statements._valid_langtag import is_language_tag
from statements.errors import Problem

_STATEMENT_REF_KEYS = frozenset({"objectType", "id"})
_RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
_SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
_CONTEXT_KEYS_1 = frozenset(
    {"registration", "instructor", "team", "contextActivities", "revision", "platform",
     "language", "statement", "extensions"}
)  # fmt: skip
_CONTEXT_KEYS_2 = _CONTEXT_KEYS_1 | {"contextAgents", "contextGroups"}
_CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})
_CONTEXT_AGENT_KEYS = frozenset({"objectType", "agent", "relevantTypes"})
_CONTEXT_GROUP_KEYS = frozenset({"objectType", "group", "relevantTypes"})
_ATTACHMENT_KEYS = frozenset(
    {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
)
_ATTACHMENT_REQUIRED = ("usageType", "display", "contentType", "length", "sha2")


def statement_ref(out: list[Problem], path: str, obj: object) -> None:
    """2.4.4.3.s4: objectType "StatementRef" (b1) and the id (UUID) of a Statement (b2)."""
    if type(obj) is not dict:
        wrong(out, path, obj, "a Statement Reference (an object)")
        return
    if not obj.keys() <= _STATEMENT_REF_KEYS:
        unknown(out, path, obj, _STATEMENT_REF_KEYS)
    object_type = obj.get("objectType", MISSING)
    if object_type is MISSING:
        required(out, path, "objectType", ' ("StatementRef")')
    elif object_type != "StatementRef":
        wrong(out, f"{path}.objectType", object_type, '"StatementRef"')
    ref_id = obj.get("id", MISSING)
    if ref_id is MISSING:
        required(out, path, "id")
    else:
        uuid(out, f"{path}.id", ref_id)


def result(out: list[Problem], path: str, value: object) -> None:
    """2.4.5: score, success and completion (booleans), response, duration, extensions."""
    if type(value) is not dict:
        wrong(out, path, value, "an object (Result)")
        return
    if not value.keys() <= _RESULT_KEYS:
        unknown(out, path, value, _RESULT_KEYS)
    item = value.get("success", MISSING)
    if item is not MISSING and type(item) is not bool:
        wrong(out, f"{path}.success", item, "a boolean")
    item = value.get("completion", MISSING)
    if item is not MISSING and type(item) is not bool:
        wrong(out, f"{path}.completion", item, "a boolean")
    item = value.get("response", MISSING)
    if item is not MISSING and type(item) is not str:
        wrong(out, f"{path}.response", item, "a string")
    item = value.get("duration", MISSING)
    if item is not MISSING:
        if type(item) is not str:
            wrong(out, f"{path}.duration", item, "an ISO 8601 duration (a string)")
        elif not is_duration(item):
            add(out, f"{path}.duration", "must be an ISO 8601 duration (e.g. PT1H30M)")
    item = value.get("extensions", MISSING)
    if item is not MISSING:
        extensions(out, f"{path}.extensions", item)
    item = value.get("score", MISSING)
    if item is not MISSING:
        _score(out, f"{path}.score", item)


def _score(out: list[Problem], path: str, score: object) -> None:
    """2.4.5.1: decimal numbers; scaled between -1 and 1, min less than max, raw between them."""
    if type(score) is not dict:
        wrong(out, path, score, "an object (Score)")
        return
    if not score.keys() <= _SCORE_KEYS:
        unknown(out, path, score, _SCORE_KEYS)
    numbers: list[float | None] = []
    for key in ("scaled", "raw", "min", "max"):
        value = score.get(key, MISSING)
        if value is MISSING:
            numbers.append(None)
        elif is_number(value):
            numbers.append(value)
        else:
            wrong(out, f"{path}.{key}", value, "a finite number")
            numbers.append(None)
    scaled, raw, low, high = numbers
    if scaled is not None and not -1 <= scaled <= 1:
        add(out, f"{path}.scaled", "must be between -1 and 1")
    if low is not None and high is not None and not low < high:
        add(out, f"{path}.min", "must be less than max")
    elif raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        add(out, f"{path}.raw", "must be between min and max")


def context(
    out: list[Problem], path: str, value: object, object_type: str | None, v2: bool
) -> None:
    """2.4.6 (2.0: Part 3, 1.2.2.5, which adds contextAgents and contextGroups).

    `object_type` is that of the statement's object (None when it was invalid): "revision" and
    "platform" "MUST only be used if the Statement's Object is an Activity" (2.4.6.s4.b1, b2).
    """
    if type(value) is not dict:
        wrong(out, path, value, "an object (Context)")
        return
    allowed = _CONTEXT_KEYS_2 if v2 else _CONTEXT_KEYS_1
    if not value.keys() <= allowed:
        unknown(out, path, value, allowed)
    item = value.get("registration", MISSING)
    if item is not MISSING:
        uuid(out, f"{path}.registration", item)
    item = value.get("contextActivities", MISSING)
    if item is not MISSING:
        _context_activities(out, f"{path}.contextActivities", item)
    item = value.get("extensions", MISSING)
    if item is not MISSING:
        extensions(out, f"{path}.extensions", item)
    item = value.get("instructor", MISSING)
    if item is not MISSING:
        agent_or_group(out, f"{path}.instructor", item, EITHER)
    item = value.get("team", MISSING)
    if item is not MISSING:
        agent_or_group(out, f"{path}.team", item, GROUP)
    for key in ("revision", "platform"):
        item = value.get(key, MISSING)
        if item is MISSING:
            continue
        if type(item) is not str:
            wrong(out, f"{path}.{key}", item, "a string")
        elif object_type is not None and object_type != "Activity":
            add(out, f"{path}.{key}", "only allowed when the object is an Activity")
    item = value.get("language", MISSING)
    if item is not MISSING:
        if type(item) is not str:
            wrong(out, f"{path}.language", item, "an RFC 5646 language tag (a string)")
        elif not is_language_tag(item):
            add(out, f"{path}.language", "must be an RFC 5646 language tag")
    item = value.get("statement", MISSING)
    if item is not MISSING:
        statement_ref(out, f"{path}.statement", item)
    if v2:
        item = value.get("contextAgents", MISSING)
        if item is not MISSING:
            _context_agents(out, f"{path}.contextAgents", item, "agent")
        item = value.get("contextGroups", MISSING)
        if item is not MISSING:
            _context_agents(out, f"{path}.contextGroups", item, "group")


def _context_activities(out: list[Problem], path: str, value: object) -> None:
    """2.4.6.2.s4: keys parent, grouping, category, other (b1); each value a single Activity or
    an array of Activities (b2). A single one is left as it is: the store wraps it (b3)."""
    if type(value) is not dict:
        wrong(out, path, value, "an object (parent, grouping, category, other)")
        return
    if not value.keys() <= _CONTEXT_ACTIVITY_KEYS:
        unknown(out, path, value, _CONTEXT_ACTIVITY_KEYS)
    for key, activities in value.items():
        if key not in _CONTEXT_ACTIVITY_KEYS:
            continue
        if type(activities) is list:
            for i, activity in enumerate(activities):
                activity_only(out, f"{path}.{key}[{i}]", activity)
        elif type(activities) is dict:
            activity_only(out, f"{path}.{key}", activities)
        else:
            wrong(out, f"{path}.{key}", activities, "an Activity or an array of Activities")


def _context_agents(out: list[Problem], path: str, value: object, member: str) -> None:
    """2.0, Part 3, 1.2.2.5 (Context Agents and Context Groups tables): objectType
    "contextAgent" / "contextGroup" and the Agent / Group are required; relevantTypes, if
    present, is "A collection of 1 or more" Activity type IRIs."""
    object_type = "contextAgent" if member == "agent" else "contextGroup"
    if type(value) is not list:
        wrong(out, path, value, f"an array of {object_type} Objects")
        return
    allowed = _CONTEXT_AGENT_KEYS if member == "agent" else _CONTEXT_GROUP_KEYS
    accepts = AGENT if member == "agent" else GROUP
    for i, entry in enumerate(value):
        where = f"{path}[{i}]"
        if type(entry) is not dict:
            wrong(out, where, entry, f"a {object_type} Object")
            continue
        if not entry.keys() <= allowed:
            unknown(out, where, entry, allowed)
        found = entry.get("objectType", MISSING)
        if found is MISSING:
            required(out, where, "objectType", f' ("{object_type}")')
        elif found != object_type:
            wrong(out, f"{where}.objectType", found, f'"{object_type}"')
        agent = entry.get(member, MISSING)
        if agent is MISSING:
            required(out, where, member)
        else:
            agent_or_group(out, f"{where}.{member}", agent, accepts)
        types = entry.get("relevantTypes", MISSING)
        if types is MISSING:
            continue
        if type(types) is not list:
            wrong(out, f"{where}.relevantTypes", types, "an array of IRIs")
        elif not types:
            add(out, f"{where}.relevantTypes", "must hold at least one IRI")
        else:
            for j, type_iri in enumerate(types):
                iri(out, f"{where}.relevantTypes[{j}]", type_iri)


def attachments(out: list[Problem], path: str, value: object) -> None:
    """2.4.11.s2: usageType (IRI), display (language map), contentType (Internet media type),
    length (integer) and sha2 (hex SHA-2) are required; description and fileUrl (IRL) optional."""
    if type(value) is not list:
        wrong(out, path, value, "an array of Attachments")
        return
    for i, attachment in enumerate(value):
        where = f"{path}[{i}]"
        if type(attachment) is not dict:
            wrong(out, where, attachment, "an Attachment (an object)")
            continue
        if not attachment.keys() <= _ATTACHMENT_KEYS:
            unknown(out, where, attachment, _ATTACHMENT_KEYS)
        for key in _ATTACHMENT_REQUIRED:
            if key not in attachment:
                required(out, where, key)
        item = attachment.get("usageType", MISSING)
        if item is not MISSING:
            iri(out, f"{where}.usageType", item)
        item = attachment.get("display", MISSING)
        if item is not MISSING:
            language_map(out, f"{where}.display", item)
        item = attachment.get("description", MISSING)
        if item is not MISSING:
            language_map(out, f"{where}.description", item)
        item = attachment.get("contentType", MISSING)
        if item is not MISSING:
            if type(item) is not str:
                wrong(out, f"{where}.contentType", item, "an Internet media type (a string)")
            elif not is_content_type(item):
                add(out, f"{where}.contentType", "must be an Internet media type (RFC 2046)")
        item = attachment.get("length", MISSING)
        if item is not MISSING:
            if type(item) is not int:
                wrong(out, f"{where}.length", item, "an integer")
            elif item < 0:
                add(out, f"{where}.length", "must not be negative")
        item = attachment.get("sha2", MISSING)
        if item is not MISSING:
            if type(item) is not str:
                wrong(out, f"{where}.sha2", item, "a hex SHA-2 hash (a string)")
            elif not is_sha2_hex(item):
                add(out, f"{where}.sha2", "must be a hex SHA-2 hash (56, 64, 96 or 128 digits)")
        item = attachment.get("fileUrl", MISSING)
        if item is not MISSING:
            iri(out, f"{where}.fileUrl", item)
