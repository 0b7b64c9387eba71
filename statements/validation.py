"""Strict validation of xAPI statements (1.0.3 and 2.0), with a field path for every problem.

The second of the two validation tiers (STYLE.md): the edge has parsed the JSON, this module
decides whether it is a statement the specification allows. The oracle is the specification —
xAPI 1.0.3, Part 2 (Data) 2.2-2.4 and 4, and xAPI 2.0 (IEEE 9274.1.1), Part 3, 1.2 "LRS Data
Requirements" — read together with what the ADL LRS conformance suite checks. In short:

* Part 2, 2.2.s4.b1 (2.0: Part 3, 1.2.1): reject null values (except inside extensions), the
  wrong data type, badly formatted IRIs/UUIDs/mailto IRIs/timestamps (the empty string too),
  keys and enumerated values in the wrong case, keys the specification does not allow, and IRIs
  without a scheme.
* Empty objects are accepted: "SHOULD NOT" is addressed to Learning Record Providers
  (2.2.s2.b1), and the suite stores `"definition": {}` and `"extensions": {}`.
* Nothing is modified: a single contextActivities Activity stays an object here; the store
  wraps it in an array (2.4.6.2.s4.b3) and fills `id`, `stored`, `authority`, `version`.

Problem paths read like code: `statements[2].verb.id`,
`statement.object.definition.extensions["http://example.com/ext"]`,
`statement.verb.display["en-US"]`. Up to MAX_PROBLEMS are collected before StatementInvalid is
raised. The parts live in `_valid_*` modules (values, agents, activities, result/context/
attachments); this one holds the statement itself and the public functions.

Speed matters (the ingest path; `bench/validate.py`): plain dict and type checks, precompiled
expressions, IRIs and language tags remembered once valid. `type(x) is dict` rather than
`isinstance` is deliberate: the input is parsed JSON, and a `bool` must not pass for an `int`.
"""

from __future__ import annotations

import contextlib
from typing import Any, Final

from statements._valid_activities import activity
from statements._valid_agents import (
    AGENT,
    EITHER,
    GROUP,
    IFIS,
    ONE_IFI,
    agent_or_group,
    authority,
)
from statements._valid_common import (
    MAX_PROBLEMS,
    MISSING,
    Enough,
    add,
    iri,
    language_map,
    prop,
    required,
    timestamp,
    unknown,
    uuid,
    wrong,
)
from statements._valid_formats import is_version
from statements._valid_iri import is_iri
from statements._valid_langtag import is_language_tag
from statements._valid_parts import attachments, context, result, statement_ref
from statements.errors import Problem, StatementInvalid

__all__ = [
    "MAX_PROBLEMS",
    "VOIDED",
    "validate_agent",
    "validate_iri",
    "validate_language_tag",
    "validate_statement",
    "validate_statements",
]

VOIDED: Final = "http://adlnet.gov/expapi/verbs/voided"

_STATEMENT_KEYS = frozenset(
    {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
     "version", "attachments"}
)  # fmt: skip
_SUBSTATEMENT_KEYS = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
_NOT_IN_SUBSTATEMENT = frozenset({"id", "stored", "version", "authority"})
_VERB_KEYS = frozenset({"id", "display"})
_OBJECT_TYPES = '"Activity", "Agent", "Group", "StatementRef" or "SubStatement"'


def _verb(out: list[Problem], path: str, verb: object) -> str | None:
    """2.4.3: id (IRI, required) and display (language map). Returns the id when it is valid."""
    if type(verb) is not dict:
        wrong(out, path, verb, "an object (id and display)")
        return None
    if not verb.keys() <= _VERB_KEYS:
        unknown(out, path, verb, _VERB_KEYS)
    display = verb.get("display", MISSING)
    if display is not MISSING:
        language_map(out, f"{path}.display", display)
    verb_id = verb.get("id", MISSING)
    if verb_id is MISSING:
        required(out, path, "id")
        return None
    if type(verb_id) is not str or not is_iri(verb_id):
        iri(out, f"{path}.id", verb_id)
        return None
    return verb_id


def _object(out: list[Problem], path: str, obj: object, v2: bool, in_sub: bool) -> str | None:
    """2.4.4: dispatch on objectType ("Activity" when absent, s2); return it, None if invalid.

    An Agent or Group as object needs its objectType (2.4.4.2.s1.b1): without one, the object
    is an Activity, and an Agent's properties are unknown there. A SubStatement cannot contain
    a SubStatement (2.4.4.3.s8.b4).
    """
    if type(obj) is not dict:
        wrong(out, path, obj, "an object (Activity, Agent, Group, StatementRef or SubStatement)")
        return None
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        activity(out, path, obj)
    elif object_type == "Agent":
        agent_or_group(out, path, obj, AGENT)
    elif object_type == "Group":
        agent_or_group(out, path, obj, GROUP)
    elif object_type == "StatementRef":
        statement_ref(out, path, obj)
    elif object_type == "SubStatement":
        if in_sub:
            add(out, f"{path}.objectType", "a SubStatement cannot contain a SubStatement")
        else:
            _statement_body(out, path, obj, v2, sub=True)
    else:
        wrong(out, f"{path}.objectType", object_type, _OBJECT_TYPES)
        return None
    return str(object_type)


def _statement_body(
    out: list[Problem], path: str, stmt: dict[str, Any], v2: bool, sub: bool
) -> None:
    """What a Statement and a SubStatement share: a SubStatement "MUST be validated as a
    Statement in addition to other SubStatement requirements" (2.4.4.3.s8.b2)."""
    if sub:
        if not stmt.keys() <= _SUBSTATEMENT_KEYS:
            for key in stmt:
                if key in _NOT_IN_SUBSTATEMENT:  # 2.4.4.3.s8.b3
                    add(out, prop(path, key), "not allowed in a SubStatement")
                elif key not in _SUBSTATEMENT_KEYS:
                    unknown(out, path, (key,), _SUBSTATEMENT_KEYS)
    elif not stmt.keys() <= _STATEMENT_KEYS:
        unknown(out, path, stmt, _STATEMENT_KEYS)

    # 2.2.s2.b3: "A Statement MUST use "actor", "verb", and "object"."
    value = stmt.get("actor", MISSING)
    if value is MISSING:
        required(out, path, "actor")
    else:
        agent_or_group(out, f"{path}.actor", value, EITHER)
    value = stmt.get("verb", MISSING)
    verb_id = None
    if value is MISSING:
        required(out, path, "verb")
    else:
        verb_id = _verb(out, f"{path}.verb", value)
    value = stmt.get("object", MISSING)
    object_type = None
    if value is MISSING:
        required(out, path, "object")
    else:
        object_type = _object(out, f"{path}.object", value, v2, in_sub=sub)
        if verb_id == VOIDED and not sub and object_type not in ("StatementRef", None):
            # 2.3.2.s2.b1 (2.0: Part 3, 1.2.5, "The LRS shall reject").
            add(out, f"{path}.object.objectType", 'must be "StatementRef" when voiding')

    value = stmt.get("result", MISSING)
    if value is not MISSING:
        result(out, f"{path}.result", value)
    value = stmt.get("context", MISSING)
    if value is not MISSING:
        context(out, f"{path}.context", value, object_type, v2)
    value = stmt.get("timestamp", MISSING)
    if value is not MISSING:
        timestamp(out, f"{path}.timestamp", value, v2)
    value = stmt.get("attachments", MISSING)
    if value is not MISSING:
        attachments(out, f"{path}.attachments", value)


def _statement(out: list[Problem], path: str, stmt: object, v2: bool) -> None:
    if type(stmt) is not dict:
        wrong(out, path, stmt, "a statement (a JSON object)")
        return
    value = stmt.get("id", MISSING)
    if value is not MISSING:
        uuid(out, f"{path}.id", value)  # 2.4.1
    _statement_body(out, path, stmt, v2, sub=False)
    value = stmt.get("stored", MISSING)
    if value is not MISSING:
        timestamp(out, f"{path}.stored", value, v2)  # 2.4.8.s3.b2 "SHOULD validate"
    value = stmt.get("version", MISSING)
    if value is not MISSING:
        if type(value) is not str:
            wrong(out, f"{path}.version", value, "a string")
        elif not is_version(value, v2):
            # 2.4.10.s3.b2 "reject all Statements with a version ... that does not start with 1.0."
            allowed = '"1.0", "1.0.x" or "2.0.x"' if v2 else '"1.0" or "1.0.x"'
            add(out, f"{path}.version", f"must be {allowed}")
    value = stmt.get("authority", MISSING)
    if value is not MISSING:
        authority(out, f"{path}.authority", value)


def _is_v2(version: str) -> bool:
    return version.startswith("2")


def validate_statement(stmt: object, version: str, path: str = "statement") -> None:
    """Raise StatementInvalid listing the problems (up to MAX_PROBLEMS) of one statement.

    `version` is the request's X-Experience-API-Version ("1.0.3" or "2.0.0"); it decides what a
    Timestamp is, whether contextAgents/contextGroups exist, and which `version` values a
    statement may carry. The statement is not modified.
    """
    out: list[Problem] = []
    with contextlib.suppress(Enough):
        _statement(out, path, stmt, _is_v2(version))
    if out:
        raise StatementInvalid(out)


def validate_statements(payload: object, version: str) -> list[dict[str, Any]]:
    """Validate the parsed body of POST /statements and return its statements as a list.

    A single statement (problem paths "statement...") or an array of them ("statements[i]...");
    an empty array is valid. Anything else is a problem at "statements". Problems of all
    statements are collected (up to MAX_PROBLEMS): the batch is stored whole or not at all
    (Part 3, 2.1.2), so the client learns at once everything that is wrong with it.
    """
    if type(payload) is dict:
        validate_statement(payload, version, "statement")
        return [payload]
    if type(payload) is not list:
        raise StatementInvalid(
            [Problem("statements", "must be a statement (an object) or an array of statements")]
        )
    v2 = _is_v2(version)
    out: list[Problem] = []
    with contextlib.suppress(Enough):
        for i, stmt in enumerate(payload):
            _statement(out, f"statements[{i}]", stmt, v2)
    if out:
        raise StatementInvalid(out)
    return payload


def validate_agent(obj: object, path: str, version: str, allow_group: bool = True) -> None:
    """Validate the Agent (or, when allowed, identified Group) of an `agent` query parameter.

    For GET /statements (Part 3, 2.1.3: "Agent or identified Group Object") and the State and
    Agent Profile resources (2.3, 2.6: an Agent). Part 2, 2.2.s4.b4: parameters are validated
    "to the same standards required for values of the same types in Statements"; as a filter a
    Group must be identified, i.e. carry exactly one IFI. Agents are the same in 1.0.3 and 2.0,
    so `version` does not change the rules.
    """
    del version
    out: list[Problem] = []
    with contextlib.suppress(Enough):
        kind = agent_or_group(out, path, obj, EITHER if allow_group else AGENT)
        if kind == GROUP and not out and type(obj) is dict and len(obj.keys() & IFIS) != 1:
            add(out, path, ONE_IFI)
    if out:
        raise StatementInvalid(out)


def validate_iri(value: object, path: str) -> None:
    """Raise StatementInvalid unless `value` is an absolute IRI (`verb`, `activity` parameters)."""
    out: list[Problem] = []
    iri(out, path, value)
    if out:
        raise StatementInvalid(out)


def validate_language_tag(value: object, path: str) -> None:
    """Raise StatementInvalid unless `value` is an RFC 5646 language tag."""
    if type(value) is not str or not is_language_tag(value):
        raise StatementInvalid([Problem(path, "must be an RFC 5646 language tag")])
