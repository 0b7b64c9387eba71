"""Property tests of statement validation: generated valid statements pass, every single
breakage of one is caught where it was made, and no input makes the validator fail otherwise."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statements._valid_formats import _TIMESTAMP_1, is_timestamp
from statements._valid_iri import _plain_iri, is_iri_by_grammar
from statements.errors import StatementInvalid
from statements.timestamps import parse_timestamp
from statements.validation import validate_statements

EXAMPLES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VERSIONS = st.sampled_from(["1.0.3", "2.0.0"])

# ---------------------------------------------------------------------------------------------
# A strategy for valid statements, written from the tables of 1.0.3 Part 2, 2.4 (and the 2.0
# Context Agents/Groups tables).

_SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-._~", min_size=1, max_size=8)
IRIS = st.one_of(
    st.sampled_from(
        [
            "http://adlnet.gov/expapi/verbs/completed",
            "https://lernspur.de/xapi/activities/course",
            "urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
            "http://例え.テスト/コース?q=ü#ß",
            "http://[2001:db8::1]:8080/x",
            "tag:lernspur.de,2026:x",
        ]
    ),
    st.builds(
        "{}://{}.example.com/{}?n={}#{}".format,
        st.sampled_from(["http", "https", "x-app+v1.2"]),
        _SEGMENT,
        _SEGMENT,
        st.integers(0, 99),
        _SEGMENT,
    ),
)
UUIDS = st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper())
TAGS = st.sampled_from(
    ["en", "en-US", "de-DE", "de", "zh-Hant-TW", "sr-Latn-RS", "es-419", "tlh", "x-klingon"]
)
TEXT = st.text(max_size=12)
LANGUAGE_MAPS = st.dictionaries(TAGS, TEXT, max_size=2)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=6,
)
EXTENSIONS = st.dictionaries(IRIS, JSON, max_size=2)
HEX = "0123456789abcdefABCDEF"


def _with_optional(
    required: dict[str, st.SearchStrategy[Any]], optional: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(required, optional=optional)


IFIS = st.one_of(
    st.builds(lambda local: {"mbox": f"mailto:{local}@example.com"}, _SEGMENT),
    st.builds(
        lambda digits: {"mbox_sha1sum": digits}, st.text(alphabet=HEX, min_size=40, max_size=40)
    ),
    st.builds(lambda segment: {"openid": f"https://openid.example.com/{segment}"}, _SEGMENT),
    st.builds(lambda home, name: {"account": {"homePage": home, "name": name}}, IRIS, TEXT),
)
AGENTS = st.builds(
    lambda ifi, extra: {**extra, **ifi},
    IFIS,
    _with_optional({}, {"objectType": st.just("Agent"), "name": TEXT}),
)
IDENTIFIED_GROUPS = st.builds(
    lambda ifi, extra: {"objectType": "Group", **extra, **ifi},
    IFIS,
    _with_optional({}, {"name": TEXT, "member": st.lists(AGENTS, max_size=2)}),
)
ANONYMOUS_GROUPS = _with_optional(
    {"objectType": st.just("Group"), "member": st.lists(AGENTS, min_size=1, max_size=2)},
    {"name": TEXT},
)
GROUPS = IDENTIFIED_GROUPS | ANONYMOUS_GROUPS
ACTORS = AGENTS | GROUPS


def _unique_components(min_size: int = 0) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(
        _with_optional({"id": TEXT}, {"description": LANGUAGE_MAPS}),
        min_size=min_size,
        max_size=3,
        unique_by=lambda component: component["id"],
    )


_LISTS = {
    "choice": ("choices",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "matching": ("source", "target"),
    "performance": ("steps",),
}
INTERACTIONS = st.one_of(
    [
        _with_optional(
            {"interactionType": st.just(kind)},
            {"correctResponsesPattern": st.lists(TEXT, max_size=2)}
            | {name: _unique_components() for name in _LISTS.get(kind, ())},
        )
        for kind in ("true-false", "choice", "fill-in", "long-fill-in", "matching",
                     "performance", "sequencing", "likert", "numeric", "other")
    ]
)  # fmt: skip
DEFINITIONS = st.builds(
    lambda basic, interaction: {**basic, **interaction},
    _with_optional(
        {},
        {
            "name": LANGUAGE_MAPS,
            "description": LANGUAGE_MAPS,
            "type": IRIS,
            "moreInfo": IRIS,
            "extensions": EXTENSIONS,
        },
    ),
    st.just({}) | INTERACTIONS,
)
ACTIVITIES = _with_optional(
    {"id": IRIS}, {"objectType": st.just("Activity"), "definition": DEFINITIONS}
)
STATEMENT_REFS = st.fixed_dictionaries({"objectType": st.just("StatementRef"), "id": UUIDS})


def _score(low: float, span: float, at: float, scaled: float, keys: set[str]) -> dict[str, float]:
    score = {"min": low, "max": low + span, "raw": low + span * at, "scaled": scaled}
    return {key: value for key, value in score.items() if key in keys}


SCORES = st.builds(
    _score,
    st.floats(-1e6, 1e6),
    st.floats(0.5, 1e6),
    st.floats(0, 1),
    st.floats(-1, 1),
    st.sets(st.sampled_from(["min", "max", "raw", "scaled"])),
)
DURATIONS = st.sampled_from(["PT1H0M0S", "P3Y1M29DT4H35M59.14S", "P4W", "PT16559.14S", "P1D"])
RESULTS = _with_optional(
    {},
    {
        "score": SCORES,
        "success": st.booleans(),
        "completion": st.booleans(),
        "response": TEXT,
        "duration": DURATIONS,
        "extensions": EXTENSIONS,
    },
)
_CONTEXT_ACTIVITY = _with_optional(
    {"id": IRIS}, {"objectType": st.just("Activity"), "definition": st.just({})}
)
CONTEXT_ACTIVITIES = st.dictionaries(
    st.sampled_from(["parent", "grouping", "category", "other"]),
    _CONTEXT_ACTIVITY | st.lists(_CONTEXT_ACTIVITY, max_size=2),
    max_size=3,
)
TIMESTAMPS = st.builds(
    lambda moment, minutes: moment.astimezone(timezone(timedelta(minutes=minutes))).isoformat(),
    st.datetimes(datetime(1970, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.integers(-12 * 60, 14 * 60),
)
ATTACHMENTS = _with_optional(
    {
        "usageType": IRIS,
        "display": LANGUAGE_MAPS,
        "contentType": st.sampled_from(["application/pdf", "text/plain; charset=utf-8"]),
        "length": st.integers(0, 2**40),
        "sha2": st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    },
    {"description": LANGUAGE_MAPS, "fileUrl": IRIS},
)
CONTEXT_AGENTS = _with_optional(
    {"objectType": st.just("contextAgent"), "agent": AGENTS},
    {"relevantTypes": st.lists(IRIS, min_size=1, max_size=2)},
)
CONTEXT_GROUPS = _with_optional(
    {"objectType": st.just("contextGroup"), "group": GROUPS},
    {"relevantTypes": st.lists(IRIS, min_size=1, max_size=2)},
)


def _contexts(v2: bool) -> st.SearchStrategy[dict[str, Any]]:
    optional: dict[str, st.SearchStrategy[Any]] = {
        "registration": UUIDS,
        "instructor": ACTORS,
        "team": GROUPS,
        "contextActivities": CONTEXT_ACTIVITIES,
        "revision": TEXT,
        "platform": TEXT,
        "language": TAGS,
        "statement": STATEMENT_REFS,
        "extensions": EXTENSIONS,
    }
    if v2:
        optional |= {
            "contextAgents": st.lists(CONTEXT_AGENTS, max_size=1),
            "contextGroups": st.lists(CONTEXT_GROUPS, max_size=1),
        }
    return _with_optional({}, optional)


def _assemble(parts: dict[str, Any]) -> dict[str, Any]:
    """revision and platform "MUST only be used if the Statement's Object is an Activity"
    (2.4.6.s4.b1/b2): drop them from the context otherwise."""
    context = parts.get("context")
    if context and parts["object"].get("objectType", "Activity") != "Activity":
        parts["context"] = {k: v for k, v in context.items() if k not in ("revision", "platform")}
    return parts


def _parts(v2: bool, objects: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Any]:
    """actor, verb, object, result, context, timestamp, attachments (what SubStatements share)."""
    return _with_optional(
        {
            "actor": ACTORS,
            "verb": _with_optional({"id": IRIS}, {"display": LANGUAGE_MAPS}),
            "object": objects,
        },
        {
            "result": RESULTS,
            "context": _contexts(v2),
            "timestamp": TIMESTAMPS,
            "attachments": st.lists(ATTACHMENTS, max_size=1),
        },
    ).map(_assemble)


def statements(v2: bool) -> st.SearchStrategy[dict[str, Any]]:
    non_nested = (
        ACTIVITIES | AGENTS.map(lambda a: {**a, "objectType": "Agent"}) | GROUPS | STATEMENT_REFS
    )
    substatements = _parts(v2, non_nested).map(lambda s: {"objectType": "SubStatement", **s})
    return st.builds(
        lambda parts, extra: {**extra, **parts},
        _parts(v2, non_nested | substatements),
        _with_optional(
            {},
            {
                "id": UUIDS,
                "stored": TIMESTAMPS,
                "version": st.sampled_from(["1.0", "1.0.0", "1.0.3"]),
                "authority": AGENTS,
            },
        ),
    )


VERSIONED_STATEMENTS = st.tuples(st.just("1.0.3"), statements(v2=False)) | st.tuples(
    st.just("2.0.0"), statements(v2=True)
)


@EXAMPLES
@given(VERSIONED_STATEMENTS)
def test_generated_valid_statements_are_accepted(case: tuple[str, dict[str, Any]]) -> None:
    """1.0.3 Part 2, 2.4 (every property as its table describes it, optional ones in any
    combination; 2.2.s2.b4 "A Statement MAY use its properties in any order") and 2.0 Part 3,
    1.2.2: a Statement built by the rules is accepted, and not modified."""
    version, stmt = case
    before = copy.deepcopy(stmt)
    assert validate_statements(stmt, version) == [stmt]
    assert stmt == before


# ---------------------------------------------------------------------------------------------
# Mutations of valid statements.

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAPS = {"extensions", "display", "description"}
_IFI_KEYS = {"mbox", "mbox_sha1sum", "openid", "account"}


def _prop(path: str, key: str) -> str:
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def _is_map(key: str | None, value: object) -> bool:
    """Extensions and language maps: their keys are data, not property names."""
    return key in _MAPS or (key == "name" and isinstance(value, dict))


def _spec_objects(
    node: Any, path: str, key: str | None = None
) -> Iterator[tuple[str, dict[str, Any], str | None]]:
    """Every JSON object of the statement whose keys are property names, with its path and the
    key it sits under (list items report their list's key)."""
    if isinstance(node, dict):
        if _is_map(key, node):
            return
        yield path, node, key
        for child_key, child in node.items():
            yield from _spec_objects(child, _prop(path, child_key), child_key)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _spec_objects(child, f"{path}[{i}]", key)


def _required(node: dict[str, Any], key: str | None) -> set[str]:
    """The properties 1.0.3 Part 2, 2.4 (and 2.0's contextAgent/contextGroup tables) require."""
    object_type = node.get("objectType")
    if key is None or object_type == "SubStatement":
        return {"actor", "verb", "object"}
    if key == "verb":
        return {"id"}
    if key == "account":
        return {"homePage", "name"}
    if key == "attachments":
        return {"usageType", "display", "contentType", "length", "sha2"}
    if key in {"choices", "scale", "source", "target", "steps"}:
        return {"id"}
    if key == "contextAgents":
        return {"objectType", "agent"}
    if key == "contextGroups":
        return {"objectType", "group"}
    if object_type == "StatementRef":
        return {"objectType", "id"}
    if key in {"result", "score", "context", "contextActivities", "definition"}:
        return set()  # every property optional
    ifis = node.keys() & _IFI_KEYS
    if (
        key in {"object", "parent", "grouping", "category", "other"}
        and object_type in (None, "Activity")
        and not ifis
    ):
        return {"id"}
    if object_type == "Group":
        # Anonymous: its members; identified: its IFI, unless members remain without it.
        return {"member"} if not ifis else set() if node.get("member") else ifis
    return ifis  # an Agent's one IFI


def _case_variant(key: str) -> str:
    variant = key.swapcase()
    return variant if variant != key else key.upper() + "X"


MUTATIONS = st.sampled_from(["null", "case", "unknown", "drop"])


@EXAMPLES
@given(VERSIONED_STATEMENTS, MUTATIONS, st.data())
def test_one_breakage_of_a_valid_statement_is_reported_where_it_was_made(
    case: tuple[str, dict[str, Any]], mutation: str, data: st.DataObject
) -> None:
    """1.0.3 Part 2, 2.2.s4.b1: the LRS MUST reject Statements "with any null values (except
    inside extensions)", "where the case of a key does not match the case specified in this
    specification", "where a key or value is not allowed by this specification"; 2.2.s2.b3 and
    the "Required" column of 2.4's tables. One such change anywhere in a valid statement is
    rejected, and a problem points at the changed property (or, for a dropped one, inside the
    object it was dropped from)."""
    version, stmt = case
    objects = list(_spec_objects(stmt, "statement"))
    path, node, key = data.draw(st.sampled_from(objects))
    if mutation == "drop":
        candidates = sorted(_required(node, key) & node.keys())
        if not candidates:
            mutation = "unknown"
        else:
            del node[data.draw(st.sampled_from(candidates))]
            found = _problem_paths(stmt, version)
            assert any(p == path or p.startswith((f"{path}.", f"{path}[")) for p in found), found
            return
    if mutation == "unknown":
        node["zzUnknown"] = 1
        assert _prop(path, "zzUnknown") in _problem_paths(stmt, version)
        return
    if not node:
        return
    name = data.draw(st.sampled_from(sorted(node)))
    if mutation == "null":
        node[name] = None
        assert _prop(path, name) in _problem_paths(stmt, version)
    else:
        variant = _case_variant(name)
        node[variant] = node.pop(name)
        assert _prop(path, variant) in _problem_paths(stmt, version)


def _problem_paths(stmt: dict[str, Any], version: str) -> list[str]:
    try:
        validate_statements(stmt, version)
    except StatementInvalid as exc:
        return [problem.path for problem in exc.problems]
    raise AssertionError("the broken statement was accepted")


# ---------------------------------------------------------------------------------------------
# Anything else.

_ALL_KEYS = sorted(
    {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
     "version", "attachments", "objectType", "name", "mbox", "mbox_sha1sum", "openid", "account",
     "member", "homePage", "display", "definition", "description", "type", "moreInfo",
     "extensions", "interactionType", "correctResponsesPattern", "choices", "scale", "source",
     "target", "steps", "score", "success", "completion", "response", "duration", "scaled", "raw",
     "min", "max", "registration", "instructor", "team", "contextActivities", "revision",
     "platform", "language", "statement", "parent", "grouping", "category", "other",
     "contextAgents", "contextGroups", "agent", "group", "relevantTypes", "usageType",
     "contentType", "length", "sha2", "fileUrl"}
)  # fmt: skip
_VALUES = st.sampled_from(
    ["Agent", "Group", "Activity", "SubStatement", "StatementRef", "contextAgent", "contextGroup",
     "mailto:a@example.com", "http://example.com/x", "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
     "2013-05-18T05:32:34Z", "en-US", "PT1H", "http://adlnet.gov/expapi/verbs/voided", "choice"]
)  # fmt: skip
STATEMENT_SHAPED = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5) | _VALUES,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(_ALL_KEYS) | st.text(max_size=4), children, max_size=6)
    ),
    max_leaves=30,
)


@EXAMPLES
@given(JSON | STATEMENT_SHAPED, VERSIONS)
def test_any_json_is_either_valid_or_statement_invalid(payload: Any, version: str) -> None:
    """1.0.3 Part 3, 3.2 (Error Codes): a request whose content is not a valid Statement gets
    400 Bad Request — so for any JSON value the validator returns the statements or raises
    StatementInvalid with at least one problem, and nothing else (no crash, no 500)."""
    try:
        validate_statements(payload, version)
    except StatementInvalid as exc:
        problems = exc.problems
    else:
        return
    assert problems
    assert all(problem.path.startswith("statement") for problem in problems)


# ---------------------------------------------------------------------------------------------
# Format checks agree with their references.

_IRI_CHARS = [*"ab:/?#[]%@!$&'()*+,;=-._~ 09AFz\"<>\\^`{|}", "ä", "\ue000", "\x7f", "\n"]


@EXAMPLES
@given(
    st.one_of(st.just(""), st.sampled_from(["http://", "http:", "a:", "x://u@h:1/"])),
    st.text(alphabet=st.sampled_from(_IRI_CHARS), max_size=25),
)
def test_iri_shortcut_agrees_with_the_rfc3987_grammar(prefix: str, rest: str) -> None:
    """xAPI 1.0.3 Part 2, 2.2.s4.b1.b8 and 4.3 (RFC 3987 IRIs): the fast check decides exactly
    as the full grammar does whenever it decides at all."""
    value = prefix + rest
    decided = _plain_iri(value)
    if decided is not None:
        assert decided == is_iri_by_grammar(value), value


@EXAMPLES
@given(st.from_regex(_TIMESTAMP_1, fullmatch=True))
def test_every_timestamp_validation_accepts_can_be_converted_by_the_store(value: str) -> None:
    """2.0 Part 3, 1.2.7: "An LRS MUST convert Timestamps to UTC rather than rejecting
    Statements that send Timestamps not in UTC form" — every accepted timestamp converts."""
    if is_timestamp(value, v2=False):
        assert parse_timestamp(value).utcoffset() == timedelta(0)


@EXAMPLES
@given(TIMESTAMPS)
def test_rfc3339_timestamps_of_any_offset_are_accepted(value: str) -> None:
    """2.0 Part 2, 2.2.7 "A Timestamp MUST be expressed using the format described in RFC 3339"
    (any offset: the LRS converts to UTC, Part 3, 1.2.7); 1.0.3 Part 2, 4.5.s1.b1-b2."""
    assert is_timestamp(value, v2=True)
    assert is_timestamp(value, v2=False)
