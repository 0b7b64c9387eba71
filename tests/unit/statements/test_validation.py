"""Strict statement validation (statements.validation): what is accepted, what is rejected, where.

Section numbers are those of xAPI 1.0.3 Part 2 (xAPI-Data.md) unless a test names another
document; 2.0 means xAPI 2.0 / IEEE 9274.1.1 (spec/2.0, Part 3 "LRS Data Requirements").
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from statements.errors import Problem, StatementInvalid
from statements.validation import (
    MAX_PROBLEMS,
    validate_agent,
    validate_iri,
    validate_language_tag,
    validate_statement,
    validate_statements,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "statements"
V1 = "1.0.3"
V2 = "2.0.0"
BOTH = pytest.mark.parametrize("version", [V1, V2])

Mutation = Callable[[dict[str, Any]], object]

# The rules as the validator words them.
UNKNOWN = "unknown property (keys are case-sensitive)"
NULL = "must not be null"
IRI = "must be an absolute IRI"
UUID = "must be a UUID"
ONE_IFI = "exactly one of mbox, mbox_sha1sum, openid, account is required"
TAG = "key must be an RFC 5646 language tag"
TIMESTAMP = "must be an ISO 8601 timestamp"
RFC3339 = "must be an RFC 3339 timestamp with time zone"
DURATION = "must be an ISO 8601 duration (e.g. PT1H30M)"
NUMBER = "must be a finite number"
MBOX = 'must be a "mailto:" IRI with one e-mail address'
INTERACTION_TYPE = (
    "must be one of true-false, choice, fill-in, long-fill-in, matching, performance, sequencing, "
    "likert, numeric, other (case-sensitive)"
)
OBJECT_TYPE = 'must be "Activity", "Agent", "Group", "StatementRef" or "SubStatement"'
AUTHORITY_GROUP = "a Group as authority must be an anonymous Group of exactly two Agents"
SHA2 = "must be a hex SHA-2 hash (56, 64, 96 or 128 digits)"
NEEDS_INTERACTION_TYPE = "required when correctResponsesPattern or interaction components are used"
ACTIVITY_ONLY = "only allowed when the object is an Activity"


def statement() -> dict[str, Any]:
    """A rich valid statement (every part used), fresh for each test."""
    return {
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": {
            "objectType": "Agent",
            "name": "Lernende 4711",
            "account": {"homePage": "https://moodle.stadt-beispiel.de", "name": "4711"},
        },
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-US": "completed", "de-DE": "abgeschlossen"},
        },
        "object": {
            "objectType": "Activity",
            "id": "https://moodle.stadt-beispiel.de/course/view.php?id=42",
            "definition": {
                "name": {"de-DE": "Digitale Verwaltung"},
                "description": {"de-DE": "Grundlagen der E-Akte"},
                "type": "http://adlnet.gov/expapi/activities/course",
                "moreInfo": "https://moodle.stadt-beispiel.de/course/info.php?id=42",
                "extensions": {"https://lernspur.de/xapi/extensions/hours": 8},
            },
        },
        "result": {
            "score": {"scaled": 0.85, "raw": 85, "min": 0, "max": 100},
            "success": True,
            "completion": True,
            "response": "done",
            "duration": "PT1H12M30S",
            "extensions": {"https://lernspur.de/xapi/extensions/attempt": 1},
        },
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "instructor": {"objectType": "Agent", "mbox": "mailto:trainer@example.com"},
            "team": {"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]},
            "contextActivities": {
                "parent": [{"id": "https://moodle.stadt-beispiel.de/course/view.php?id=42"}],
                "grouping": [{"objectType": "Activity", "id": "https://moodle.stadt-beispiel.de"}],
                "category": [{"id": "https://lernspur.de/xapi/profiles/weiterbildung"}],
            },
            "revision": "r1",
            "platform": "Moodle 4.3",
            "language": "de-DE",
            "statement": {
                "objectType": "StatementRef",
                "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
            },
            "extensions": {"https://lernspur.de/xapi/extensions/organisation": "stadt-beispiel"},
        },
        "timestamp": "2026-11-23T09:15:42.123+01:00",
        "attachments": [
            {
                "usageType": "http://adlnet.gov/expapi/attachments/certificate",
                "display": {"de-DE": "Zertifikat"},
                "description": {"de-DE": "Teilnahmebescheinigung"},
                "contentType": "application/pdf",
                "length": 12345,
                "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
                "fileUrl": "https://files.example.com/cert.pdf",
            }
        ],
    }


def substatement() -> dict[str, Any]:
    """A statement whose object is a SubStatement, itself using result, context, timestamp."""
    stmt = statement()
    inner = statement()
    del inner["id"]
    inner["objectType"] = "SubStatement"
    stmt["object"] = inner
    del stmt["context"]["revision"], stmt["context"]["platform"]
    return stmt


def problems(stmt: object, version: str = V1) -> list[tuple[str, str]]:
    """The (path, rule) pairs validate_statements reports; [] when the statement is valid."""
    try:
        validate_statements(stmt, version)
    except StatementInvalid as exc:
        return [(p.path, p.rule) for p in exc.problems]
    return []


def mutated(mutation: Mutation, base: Callable[[], dict[str, Any]] = statement) -> dict[str, Any]:
    stmt = base()
    mutation(stmt)
    return stmt


def put(path: str, value: object) -> Mutation:
    """A mutation setting `path` ("context.contextActivities.parent[0].id") to `value`."""

    def apply(stmt: dict[str, Any]) -> None:
        parent, key = _walk(stmt, path)
        parent[key] = copy.deepcopy(value)

    return apply


def drop(path: str) -> Mutation:
    def apply(stmt: dict[str, Any]) -> None:
        parent, key = _walk(stmt, path)
        del parent[key]

    return apply


def rename(path: str, new_key: str) -> Mutation:
    def apply(stmt: dict[str, Any]) -> None:
        parent, key = _walk(stmt, path)
        parent[new_key] = parent.pop(key)

    return apply


def both(*mutations: Mutation) -> Mutation:
    def apply(stmt: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(stmt)

    return apply


def as_object(obj: dict[str, Any]) -> Mutation:
    """Make `obj` the statement's object; drop context.revision/platform when it is no Activity
    (2.4.6.s4.b1/b2: they "MUST only be used if the Statement's Object is an Activity")."""
    if obj.get("objectType", "Activity") == "Activity":
        return put("object", obj)
    return both(put("object", obj), drop("context.revision"), drop("context.platform"))


def _walk(stmt: dict[str, Any], path: str) -> tuple[Any, Any]:
    steps: list[Any] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        steps.append(int(index) if index else name)
    node: Any = stmt
    for step in steps[:-1]:
        node = node[step]
    return node, steps[-1]


# ---------------------------------------------------------------------------------------------
# The interface.


@BOTH
def test_rich_statement_using_every_part_is_valid(version: str) -> None:
    """2.4.s1: the Statement properties id, actor, verb, object, result, context, timestamp,
    attachments, each used as its table allows, make a valid Statement."""
    assert problems(statement(), version) == []
    assert problems(substatement(), version) == []


def test_single_statement_is_returned_as_a_list_of_one() -> None:
    """Part 3, 2.1.2 (POST Statements): the body is "An array of Statements or a single
    Statement to be stored"; either way the store receives a list."""
    stmt = statement()
    assert validate_statements(stmt, V1) == [stmt]


def test_batch_is_returned_as_given() -> None:
    """Part 3, 2.1.2: "An array of Statements or a single Statement to be stored"."""
    batch = [statement(), statement()]
    assert validate_statements(batch, V1) is batch


def test_empty_batch_is_valid() -> None:
    """Part 3, 2.1.2: "An array of Statements" — an empty array is one, with nothing to store."""
    assert validate_statements([], V1) == []


@pytest.mark.parametrize("payload", ["statement", 42, 4.2, None, True])
def test_body_that_is_neither_object_nor_array_is_rejected_at_statements(payload: object) -> None:
    """Part 3, 2.1.2: the content of POST is "An array of Statements or a single Statement"."""
    assert problems(payload) == [
        ("statements", "must be a statement (an object) or an array of statements")
    ]


@pytest.mark.parametrize("element", ["statement", 1, None, []])
def test_batch_element_that_is_no_object_is_rejected_with_its_index(element: object) -> None:
    """2.2.s4.b1.b2: the LRS MUST reject Statements "where the wrong data type is used"."""
    found = problems([statement(), element])
    assert [path for path, _ in found] == ["statements[1]"]


def test_problem_paths_of_a_batch_carry_the_statement_index() -> None:
    """2.2.s4.b1.b8: reject "IRL or IRI values without a scheme"; the path names the
    statement of the batch and the property."""
    batch = [statement(), mutated(put("verb.id", "attended")), statement()]
    assert problems(batch) == [("statements[1].verb.id", "must be an absolute IRI")]


def test_problem_paths_of_a_single_statement_start_with_statement() -> None:
    """2.2.s4.b1.b8: reject "IRL or IRI values without a scheme"."""
    assert problems(mutated(put("verb.id", "attended"))) == [
        ("statement.verb.id", "must be an absolute IRI")
    ]


def test_validate_statement_reports_under_the_given_path() -> None:
    """2.2.s4.b1.b4: reject a value "where a string with a particular format (such as mailto
    IRI, UUID, or IRI) is required" — here under the path the caller chose."""
    with pytest.raises(StatementInvalid) as raised:
        validate_statement(mutated(put("id", "42")), V1, path="body")
    assert raised.value.problems == (Problem("body.id", "must be a UUID"),)
    assert raised.value.message == "body.id: must be a UUID"


def test_problems_of_every_statement_in_a_batch_are_collected() -> None:
    """Part 3, 2.1.2: a batch is stored whole or not at all, so every broken statement is named.
    (2.2.s4.b1.b1: reject "any null values".)"""
    batch = [mutated(put("result.success", None)), statement(), mutated(put("verb", None))]
    assert problems(batch) == [
        ("statements[0].result.success", "must not be null"),
        ("statements[2].verb", "must not be null"),
    ]


def test_problems_are_capped() -> None:
    """2.2.s4.b1.b1: reject "any null values" — a client gets the first MAX_PROBLEMS of them."""
    batch = [mutated(put("verb", None)) for _ in range(MAX_PROBLEMS + 10)]
    found = problems(batch)
    assert len(found) == MAX_PROBLEMS
    assert found[-1] == (f"statements[{MAX_PROBLEMS - 1}].verb", "must not be null")


def test_validation_does_not_modify_the_statement() -> None:
    """2.4.6.2.s4.b3: "The LRS MUST return every value in the contextActivities Object as an
    array, even if it arrived as a single Activity Object" — that is the store's work; the
    validator accepts the single object and leaves it (and a missing objectType) alone."""
    stmt = mutated(put("context.contextActivities.parent", {"id": "http://example.com/p"}))
    del stmt["object"]["objectType"]
    before = copy.deepcopy(stmt)
    validate_statements(stmt, V1)
    validate_statements([stmt], V2)
    assert stmt == before


# ---------------------------------------------------------------------------------------------
# The specification's own examples.

SPEC_EXAMPLES = json.loads((DATA / "spec_examples_1.0.3.json").read_text("utf-8"))["examples"]


@BOTH
@pytest.mark.parametrize(
    "example", SPEC_EXAMPLES, ids=[example["name"] for example in SPEC_EXAMPLES]
)
def test_every_example_of_the_specification_is_valid(example: dict[str, Any], version: str) -> None:
    """1.0.3 Part 2, Appendices A-D and the examples in 2.3-2.4 (statements, objects of every
    type, the ten interaction definitions, signed statements) are valid Statements; in 2.0
    too, whose data model keeps them (2.0, Part 3, 1.2.2)."""
    assert problems(example["statement"], version) == []


def test_context_agents_example_of_the_2_0_suite_is_valid() -> None:
    """2.0, Part 3, 1.2.2.5 "Context Agents Table": objectType "contextAgent", an Agent, and
    relevantTypes, "A collection of 1 or more Activity Type(s)"; contextGroups alike."""
    stmt = statement()
    stmt["context"]["contextAgents"] = [
        {
            "objectType": "contextAgent",
            "agent": {"objectType": "Agent", "mbox": "mailto:player-1@example.com"},
            "relevantTypes": ["https://example.com/xapi/activity-types/personnel/player"],
        },
        {"objectType": "contextAgent", "agent": {"mbox": "mailto:coach@example.com"}},
    ]
    stmt["context"]["contextGroups"] = [
        {
            "objectType": "contextGroup",
            "group": {
                "objectType": "Group",
                "mbox": "mailto:team-1@example.com",
                "member": [{"objectType": "Agent", "mbox": "mailto:player-1@example.com"}],
            },
            "relevantTypes": ["https://example.com/xapi/activity-types/team/a"],
        },
        {
            "objectType": "contextGroup",
            "group": {"objectType": "Group", "member": [{"mbox": "mailto:b@example.com"}]},
        },
    ]
    assert problems(stmt, V2) == []


# ---------------------------------------------------------------------------------------------
# Accepted: what the specification allows must pass.

ACCEPTED: list[tuple[str, Mutation]] = [
    ("activity with only an id", put("object", {"id": "http://example.com/a"})),
    ("activity without objectType", drop("object.objectType")),
    ("empty activity definition", put("object.definition", {})),
    ("agent as object", as_object({"objectType": "Agent", "mbox": "mailto:x@example.com"})),
    (
        "anonymous group as object",
        as_object({"objectType": "Group", "member": [{"openid": "http://id.example.com/1"}]}),
    ),
    (
        "identified group without members",
        put("actor", {"objectType": "Group", "mbox_sha1sum": "A" * 40}),
    ),
    (
        "identified group with members",
        put(
            "actor",
            {
                "objectType": "Group",
                "account": {"homePage": "http://example.com", "name": "team"},
                "member": [{"objectType": "Agent", "mbox": "mailto:a@example.com"}],
            },
        ),
    ),
    (
        "group as instructor",
        put("context.instructor", {"objectType": "Group", "mbox": "mailto:t@example.com"}),
    ),
    (
        "statement reference as object",
        as_object({"objectType": "StatementRef", "id": "6690E6C9-3EF0-4ED3-8B37-7F3964730BEE"}),
    ),
    ("upper-case UUIDs", put("id", "6690E6C9-3EF0-4ED3-8B37-7F3964730BEE")),
    ("nil UUID", put("context.registration", "00000000-0000-0000-0000-000000000000")),
    (
        "single context activity",
        put("context.contextActivities.other", {"id": "http://example.com/o"}),
    ),
    ("empty context activity array", put("context.contextActivities.parent", [])),
    ("empty contextActivities", put("context.contextActivities", {})),
    ("empty result and context", both(put("result", {}), put("context", {}))),
    ("empty attachments", put("attachments", [])),
    ("empty language map", put("verb.display", {})),
    ("verb without display", drop("verb.display")),
    ("null extension value", put("result.extensions", {"http://example.com/e": None})),
    ("nested extension value", put("context.extensions", {"urn:x:e": {"a": [None, {}, ""]}})),
    ("empty extensions", put("object.definition.extensions", {})),
    ("score with only raw", put("result.score", {"raw": -12.5})),
    ("score at its bounds", put("result.score", {"scaled": -1, "raw": 0, "min": 0, "max": 0.5})),
    ("score of one", put("result.score", {"scaled": 1.0, "raw": 100, "max": 100})),
    ("empty score", put("result.score", {})),
    ("version 1.0", put("version", "1.0")),
    ("version 1.0.0", put("version", "1.0.0")),
    ("version 1.0.9", put("version", "1.0.9")),
    ("stored", put("stored", "2013-05-18T05:32:34.804Z")),
    (
        "authority agent",
        put("authority", {"account": {"homePage": "http://lrs.example.com", "name": "key"}}),
    ),
    (
        "authority as OAuth group",
        put(
            "authority",
            {
                "objectType": "Group",
                "member": [
                    {
                        "account": {
                            "homePage": "http://example.com/xAPI/OAuth/Token",
                            "name": "oauth_consumer_x75db",
                        }
                    },
                    {"mbox": "mailto:bob@example.com"},
                ],
            },
        ),
    ),
    (
        "voiding statement",
        both(
            put("verb", {"id": "http://adlnet.gov/expapi/verbs/voided"}),
            put(
                "object",
                {"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"},
            ),
            drop("context.revision"),
            drop("context.platform"),
        ),
    ),
    ("openid", put("actor", {"openid": "http://toby.openid.example.org/"})),
    (
        "upper-case mbox_sha1sum",
        put("actor", {"mbox_sha1sum": "EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"}),
    ),
    (
        "unicode name and display",
        both(
            put("actor.name", "Jürgen Ölmann"), put("verb.display", {"de": "hat ✓ abgeschlossen"})
        ),
    ),
    (
        "empty strings where no format is required",
        both(put("actor.name", ""), put("result.response", ""), put("context.platform", "")),
    ),
    ("non-ASCII IRI", put("object.id", "http://例え.テスト/コース/ä?q=ü#ß")),
    ("URN", put("object.id", "urn:uuid:6690e6c9-3ef0-4ed3-8b37-7f3964730bee")),
    ("tag IRI", put("verb.id", "tag:lernspur.de,2026:verbs/attended")),
    (
        "IRI with port, query, fragment",
        put("object.definition.type", "http://example.com:8080/a/b;c?x=1&y=%20#frag"),
    ),
    ("IPv6 literal", put("object.definition.moreInfo", "http://[2001:db8::1]:8080/info")),
    ("mailto IRI as extension key", put("result.extensions", {"mailto:someone@example.com": 1})),
    (
        "attachment without description and fileUrl",
        both(drop("attachments[0].description"), drop("attachments[0].fileUrl")),
    ),
    ("SHA-512 attachment hash", put("attachments[0].sha2", "ab" * 64)),
    (
        "content type with quoted parameter",
        put("attachments[0].contentType", 'multipart/mixed; boundary="a b"'),
    ),
    ("empty attachment file", put("attachments[0].length", 0)),
    (
        "interaction with empty correct responses",
        put("object.definition", {"interactionType": "other", "correctResponsesPattern": []}),
    ),
    ("interaction type alone", put("object.definition", {"interactionType": "numeric"})),
    (
        "matching with source and target",
        put(
            "object.definition",
            {
                "interactionType": "matching",
                "source": [{"id": "a", "description": {"en": "A"}}, {"id": "b"}],
                "target": [{"id": "a"}, {"id": "1"}],
            },
        ),
    ),
    (
        "components with whitespace ids",
        put(
            "object.definition",
            {"interactionType": "choice", "choices": [{"id": "a b"}, {"id": ""}]},
        ),
    ),
    ("revision and platform with an implied Activity", drop("object.objectType")),
]


@pytest.mark.parametrize(("description", "mutation"), ACCEPTED, ids=[d for d, _ in ACCEPTED])
@BOTH
def test_statement_the_specification_allows_is_accepted(
    description: str, mutation: Mutation, version: str
) -> None:
    """2.2.s4.b7 (MAY best-effort) and Part 3, 3.2 (400 only for invalid requests): a Statement
    that follows the tables of 2.4 and the data types of 4 (optional properties omitted, empty
    objects and arrays, any extension values: 4.1.s3.b2 "An LRS MUST NOT reject a Statement
    based on the values of the extensions map") is accepted."""
    assert problems(mutated(mutation), version) == []


@pytest.mark.parametrize(
    "stamp",
    [
        "2013-05-18T05:32:34.804Z",
        "2013-05-18T05:32:34Z",
        "2013-05-18T05:32:34.804+00:00",
        "2013-05-18t05:32:34.804z",
        "2023-05-04T12:00:00-05:00",
        "2013-05-18T05:32:34.123456789+14:00",
        "2016-12-31T23:59:60Z",
        "2012-02-29T00:00:00Z",
        "1776-07-04T16:00:45.123Z",
    ],
)
@BOTH
def test_rfc3339_timestamps_are_accepted(stamp: str, version: str) -> None:
    """4.5.s1.b1/b2: "MUST be formatted according to ISO 8601", "SHOULD* be expressed using the
    format described in RFC 3339"; 2.0, Part 2, 2.2.7: "MUST be expressed using the format
    described in RFC 3339" (5.6 date-time; 5.7 allows second 60 for leap seconds)."""
    assert problems(mutated(put("timestamp", stamp)), version) == []


@pytest.mark.parametrize(
    "stamp",
    [
        "2013-05-18T05:32:34.804",
        "2013-05-18T05:32:34",
        "2013-05-18T07:32:34.804+0200",
        "2013-05-18T07:32:34.804+02",
        "2013-05-18T05:32:34,804Z",
    ],
)
def test_iso8601_timestamps_outside_rfc3339_are_accepted_in_1_0_3_only(stamp: str) -> None:
    """1.0.3: 4.5.s1.b1 "MUST be formatted according to ISO 8601", b4 "SHOULD* include the time
    zone" (so it may be missing); ISO 8601 allows "+hhmm", "+hh" and a decimal comma. 2.0,
    Part 2, 2.2.7 makes RFC 3339 a MUST: a time zone "Z" or "+hh:mm", a decimal point."""
    assert problems(mutated(put("timestamp", stamp)), V1) == []
    assert problems(mutated(put("timestamp", stamp)), V2) == [
        ("statement.timestamp", "must be an RFC 3339 timestamp with time zone")
    ]


@pytest.mark.parametrize(
    "duration",
    ["PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W", "PT1H0M0.1S", "P0D",
     "PT0S", "P1.5Y", "PT0,5S", "P1DT12H", "PT36H", "P10000Y"],
)  # fmt: skip
def test_iso8601_durations_are_accepted(duration: str) -> None:
    """4.6.s1.b1: "A Duration MUST be expressed using the format for Duration in ISO
    8601:2004(E) section 4.4.3.2" (the examples of 4.6.s2, decimal fractions on the lowest
    order component); b4: more than 0.01 s precision "SHOULD* NOT" be rejected."""
    assert problems(mutated(put("result.duration", duration))) == []


@pytest.mark.parametrize(
    "tag",
    ["en", "de-DE", "es-MX", "es-419", "zh-Hant", "zh-Hans-CN", "sr-Latn-RS", "cmn", "tlh",
     "ase", "de-CH-1901", "sl-rozaj-biske", "en-US-x-twain", "x-whatever", "i-klingon",
     "en-GB-oed", "zh-min-nan", "en-a-bbb-x-a-ccc", "EN-us", "hy-Latn-IT-arevela", "und",
     "qaa-Qaaa-QM-x-southern", "de-Latn-DE-1996-u-co-phonebk"],
)  # fmt: skip
def test_rfc5646_language_tags_are_accepted(tag: str) -> None:
    """2.2.s4.b2: "The LRS MUST at least validate that the sequence of token lengths for
    language map keys matches the RFC 5646 standard" (the tags of RFC 5646, Appendix A)."""
    stmt = mutated(both(put("verb.display", {tag: "x"}), put("context.language", tag)))
    assert problems(stmt) == []


# ---------------------------------------------------------------------------------------------
# Rejected: each broken rule with the exact place it is reported.

REJECTED: list[tuple[str, Mutation, str, str]] = [
    # 2.2.s4.b1.b5/b7: keys are case-sensitive; unknown keys are not allowed.
    (
        "Actor for actor",
        rename("actor", "Actor"),
        "statement.Actor",
        'unknown property (keys are case-sensitive); did you mean "actor"?',
    ),
    ("unknown top-level property", put("foo", 1), "statement.foo", UNKNOWN),
    ("unknown odd top-level key", put("a b", 1), 'statement["a b"]', UNKNOWN),
    ("unknown verb property", put("verb.name", "x"), "statement.verb.name", UNKNOWN),
    ("member on an Agent", put("actor.member", []), "statement.actor.member", UNKNOWN),
    (
        "unknown account property",
        put("actor.account.id", "1"),
        "statement.actor.account.id",
        UNKNOWN,
    ),
    (
        "unknown definition property",
        put("object.definition.Type", "x"),
        "statement.object.definition.Type",
        'unknown property (keys are case-sensitive); did you mean "type"?',
    ),
    ("unknown result property", put("result.passed", True), "statement.result.passed", UNKNOWN),
    (
        "unknown score property",
        put("result.score.percent", 1),
        "statement.result.score.percent",
        UNKNOWN,
    ),
    (
        "unknown context property",
        put("context.location", "x"),
        "statement.context.location",
        UNKNOWN,
    ),
    (
        "contextAgents in 1.0.3",
        put("context.contextAgents", []),
        "statement.context.contextAgents",
        UNKNOWN,
    ),
    (
        "unknown attachment property",
        put("attachments[0].size", 1),
        "statement.attachments[0].size",
        UNKNOWN,
    ),
    (
        "unknown contextActivities key",
        put("context.contextActivities.Parent", []),
        "statement.context.contextActivities.Parent",
        'unknown property (keys are case-sensitive); did you mean "parent"?',
    ),
    # 2.2.s2.b3: actor, verb and object are required.
    ("no actor", drop("actor"), "statement.actor", "required"),
    ("no verb", drop("verb"), "statement.verb", "required"),
    ("no object", drop("object"), "statement.object", "required"),
    ("no verb id", drop("verb.id"), "statement.verb.id", "required"),
    ("no activity id", drop("object.id"), "statement.object.id", "required"),
    # 2.2.s4.b1.b1: null values.
    ("null actor", put("actor", None), "statement.actor", NULL),
    ("null agent name", put("actor.name", None), "statement.actor.name", NULL),
    (
        "null display value",
        put("verb.display.en-US", None),
        'statement.verb.display["en-US"]',
        NULL,
    ),
    (
        "null registration",
        put("context.registration", None),
        "statement.context.registration",
        NULL,
    ),
    (
        "null moreInfo",
        put("object.definition.moreInfo", None),
        "statement.object.definition.moreInfo",
        NULL,
    ),
    ("null timestamp", put("timestamp", None), "statement.timestamp", NULL),
    ("null id", put("id", None), "statement.id", NULL),
    ("null extensions", put("result.extensions", None), "statement.result.extensions", NULL),
    ("null objectType", put("object.objectType", None), "statement.object.objectType", NULL),
    ("null score", put("result.score.raw", None), "statement.result.score.raw", NULL),
    # 2.2.s4.b1.b2/b3: wrong data types, even strings that contain numbers or booleans.
    ("score as string", put("result.score.max", "100"), "statement.result.score.max", NUMBER),
    ("score as boolean", put("result.score.raw", True), "statement.result.score.raw", NUMBER),
    (
        "score not finite",
        put("result.score.raw", float("inf")),
        "statement.result.score.raw",
        NUMBER,
    ),
    (
        "score NaN",
        put("result.score.scaled", float("nan")),
        "statement.result.score.scaled",
        NUMBER,
    ),
    (
        "success as string",
        put("result.success", "true"),
        "statement.result.success",
        "must be a boolean",
    ),
    (
        "completion as number",
        put("result.completion", 1),
        "statement.result.completion",
        "must be a boolean",
    ),
    (
        "response as number",
        put("result.response", 42),
        "statement.result.response",
        "must be a string",
    ),
    ("name as object", put("actor.name", {"en": "x"}), "statement.actor.name", "must be a string"),
    (
        "verb as string",
        put("verb", "completed"),
        "statement.verb",
        "must be an object (id and display)",
    ),
    (
        "display as string",
        put("verb.display", "completed"),
        "statement.verb.display",
        "must be a language map (an object)",
    ),
    (
        "display value as number",
        put("verb.display", {"en": 1}),
        'statement.verb.display["en"]',
        "must be a string",
    ),
    (
        "definition as string",
        put("object.definition", "x"),
        "statement.object.definition",
        "must be an object (Activity Definition)",
    ),
    (
        "extensions as array",
        put("context.extensions", []),
        "statement.context.extensions",
        "must be an object (extensions)",
    ),
    (
        "revision as number",
        put("context.revision", 1),
        "statement.context.revision",
        "must be a string",
    ),
    (
        "attachments as object",
        put("attachments", {}),
        "statement.attachments",
        "must be an array of Attachments",
    ),
    # 2.2.s4.b1.b4/b8, 4.3: IRIs (with a scheme), UUIDs, mailto IRIs, also the empty string.
    (
        "verb id without scheme",
        put("verb.id", "adlnet.gov/expapi/verbs/attended"),
        "statement.verb.id",
        IRI,
    ),
    ("verb id empty", put("verb.id", ""), "statement.verb.id", IRI),
    ("activity id relative", put("object.id", "/course/42"), "statement.object.id", IRI),
    (
        "activity id with space",
        put("object.id", "http://example.com/a b"),
        "statement.object.id",
        IRI,
    ),
    (
        "activity id with bad escape",
        put("object.id", "http://example.com/%zz"),
        "statement.object.id",
        IRI,
    ),
    (
        "activity id with two fragments",
        put("object.id", "http://example.com/#a#b"),
        "statement.object.id",
        IRI,
    ),
    (
        "activity id with bad port",
        put("object.id", "http://example.com:8o/"),
        "statement.object.id",
        IRI,
    ),
    (
        "activity id as number",
        put("object.id", 42),
        "statement.object.id",
        "must be an absolute IRI (a string)",
    ),
    (
        "type without scheme",
        put("object.definition.type", "example.com/type"),
        "statement.object.definition.type",
        IRI,
    ),
    (
        "moreInfo without scheme",
        put("object.definition.moreInfo", "www.example.com"),
        "statement.object.definition.moreInfo",
        IRI,
    ),
    (
        "homePage without scheme",
        put("actor.account.homePage", "homePage.com/testUser"),
        "statement.actor.account.homePage",
        IRI,
    ),
    (
        "extension key without scheme",
        put("object.definition.extensions", {"not.valid.com/extension": 1}),
        'statement.object.definition.extensions["not.valid.com/extension"]',
        "key must be an absolute IRI",
    ),
    (
        "context extension key empty",
        put("context.extensions", {"": 1}),
        'statement.context.extensions[""]',
        "key must be an absolute IRI",
    ),
    ("id without hyphens", put("id", "6690e6c93ef04ed38b377f3964730bee"), "statement.id", UUID),
    ("id in braces", put("id", "{6690e6c9-3ef0-4ed3-8b37-7f3964730bee}"), "statement.id", UUID),
    ("id as URN", put("id", "urn:uuid:6690e6c9-3ef0-4ed3-8b37-7f3964730bee"), "statement.id", UUID),
    (
        "id with a non-hex digit",
        put("id", "MA97B177-9383-4934-8543-0F91A7A02836"),
        "statement.id",
        UUID,
    ),
    ("id too long", put("id", "AA97B177-9383-4934-8543-0F91A7A028368"), "statement.id", UUID),
    ("id as number", put("id", 12345), "statement.id", "must be a UUID (a string)"),
    ("registration empty", put("context.registration", ""), "statement.context.registration", UUID),
    # 2.4.2: Agents, Groups and their Inverse Functional Identifiers.
    (
        "agent without IFI",
        put("actor", {"objectType": "Agent", "name": "x"}),
        "statement.actor",
        ONE_IFI,
    ),
    ("agent with two IFIs", put("actor.mbox", "mailto:x@example.com"), "statement.actor", ONE_IFI),
    ("mbox without mailto", put("actor", {"mbox": "x@example.com"}), "statement.actor.mbox", MBOX),
    (
        "mbox upper-case scheme",
        put("actor", {"mbox": "MAILTO:x@example.com"}),
        "statement.actor.mbox",
        MBOX,
    ),
    (
        "mbox with two addresses",
        put("actor", {"mbox": "mailto:a@example.com,b@example.com"}),
        "statement.actor.mbox",
        MBOX,
    ),
    ("mbox without address", put("actor", {"mbox": "mailto:"}), "statement.actor.mbox", MBOX),
    (
        "mbox_sha1sum too short",
        put("actor", {"mbox_sha1sum": "a" * 39}),
        "statement.actor.mbox_sha1sum",
        "must be 40 hexadecimal digits (a SHA-1 hash)",
    ),
    (
        "mbox_sha1sum not hex",
        put("actor", {"mbox_sha1sum": "g" * 40}),
        "statement.actor.mbox_sha1sum",
        "must be 40 hexadecimal digits (a SHA-1 hash)",
    ),
    (
        "openid without scheme",
        put("actor", {"openid": "open.id.com/testUser"}),
        "statement.actor.openid",
        "must be an absolute URI",
    ),
    (
        "openid not ASCII",
        put("actor", {"openid": "http://ä.example.com/"}),
        "statement.actor.openid",
        "must be an absolute URI",
    ),
    (
        "account without homePage",
        drop("actor.account.homePage"),
        "statement.actor.account.homePage",
        "required",
    ),
    (
        "account without name",
        drop("actor.account.name"),
        "statement.actor.account.name",
        "required",
    ),
    (
        "account name as object",
        put("actor.account.name", {"key": "should fail"}),
        "statement.actor.account.name",
        "must be a string",
    ),
    (
        "account as string",
        put("actor.account", "4711"),
        "statement.actor.account",
        "must be an object (homePage and name)",
    ),
    (
        "actor objectType lower case",
        put("actor.objectType", "agent"),
        "statement.actor.objectType",
        'must be "Agent" or "Group"',
    ),
    (
        "actor objectType Activity",
        put("actor.objectType", "Activity"),
        "statement.actor.objectType",
        'must be "Agent" or "Group"',
    ),
    (
        "anonymous group without member",
        put("actor", {"objectType": "Group", "name": "x"}),
        "statement.actor.member",
        "required (an anonymous Group must list its members)",
    ),
    (
        "anonymous group with no members",
        put("actor", {"objectType": "Group", "member": []}),
        "statement.actor.member",
        "must list at least one Agent (anonymous Group)",
    ),
    (
        "group with two IFIs",
        put(
            "actor",
            {
                "objectType": "Group",
                "mbox": "mailto:g@example.com",
                "openid": "http://g.example.com/",
            },
        ),
        "statement.actor",
        "at most one of mbox, mbox_sha1sum, openid, account is allowed",
    ),
    (
        "group in a group",
        put("context.team.member[0]", {"objectType": "Group", "mbox": "mailto:g@example.com"}),
        "statement.context.team.member[0].objectType",
        'must be "Agent" (a Group is not allowed here)',
    ),
    (
        "member as object",
        put("context.team.member", {"mbox": "mailto:a@example.com"}),
        "statement.context.team.member",
        "must be an array of Agents",
    ),
    (
        "member without IFI",
        put("context.team.member[0]", {"name": "x"}),
        "statement.context.team.member[0]",
        ONE_IFI,
    ),
    (
        "team as Agent",
        put("context.team", {"objectType": "Agent", "mbox": "mailto:a@example.com"}),
        "statement.context.team.objectType",
        'must be "Group" (this must be a Group)',
    ),
    (
        "team without objectType",
        put("context.team", {"mbox": "mailto:a@example.com"}),
        "statement.context.team.objectType",
        'required ("Group": this must be a Group)',
    ),
    (
        "instructor as string",
        put("context.instructor", "trainer"),
        "statement.context.instructor",
        "must be an Agent or a Group (an object)",
    ),
    # 2.4.4: objects.
    (
        "object objectType lower case",
        put("object.objectType", "activity"),
        "statement.object.objectType",
        OBJECT_TYPE,
    ),
    (
        "object objectType unknown",
        put("object.objectType", "Person"),
        "statement.object.objectType",
        OBJECT_TYPE,
    ),
    (
        "object objectType number",
        put("object.objectType", 1),
        "statement.object.objectType",
        OBJECT_TYPE,
    ),
    (
        "object as array",
        put("object", []),
        "statement.object",
        "must be an object (Activity, Agent, Group, StatementRef or SubStatement)",
    ),
    (
        "statement reference without UUID",
        put("object", {"objectType": "StatementRef", "id": "http://example.com/s"}),
        "statement.object.id",
        UUID,
    ),
    (
        "statement reference without id",
        put("object", {"objectType": "StatementRef"}),
        "statement.object.id",
        "required",
    ),
    (
        "statement reference with a definition",
        put(
            "object",
            {
                "objectType": "StatementRef",
                "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
                "definition": {},
            },
        ),
        "statement.object.definition",
        UNKNOWN,
    ),
    (
        "context statement without objectType",
        drop("context.statement.objectType"),
        "statement.context.statement.objectType",
        'required ("StatementRef")',
    ),
    (
        "context statement as Activity",
        put("context.statement.objectType", "Activity"),
        "statement.context.statement.objectType",
        'must be "StatementRef"',
    ),
    # 2.4.4.1: interaction activities.
    (
        "interactionType wrong case",
        put("object.definition", {"interactionType": "choiCe"}),
        "statement.object.definition.interactionType",
        INTERACTION_TYPE,
    ),
    (
        "interactionType as number",
        put("object.definition", {"interactionType": 1}),
        "statement.object.definition.interactionType",
        "must be a string",
    ),
    (
        "pattern without interactionType",
        put("object.definition", {"correctResponsesPattern": ["true"]}),
        "statement.object.definition.interactionType",
        NEEDS_INTERACTION_TYPE,
    ),
    (
        "choices without interactionType",
        put("object.definition", {"choices": [{"id": "a"}]}),
        "statement.object.definition.interactionType",
        NEEDS_INTERACTION_TYPE,
    ),
    (
        "pattern as string",
        put(
            "object.definition",
            {"interactionType": "true-false", "correctResponsesPattern": "true"},
        ),
        "statement.object.definition.correctResponsesPattern",
        "must be an array of strings",
    ),
    (
        "pattern element as boolean",
        put(
            "object.definition",
            {"interactionType": "true-false", "correctResponsesPattern": [True]},
        ),
        "statement.object.definition.correctResponsesPattern[0]",
        "must be a string",
    ),
    (
        "scale on a choice",
        put("object.definition", {"interactionType": "choice", "scale": [{"id": "a"}]}),
        "statement.object.definition.scale",
        "not allowed for interactionType choice",
    ),
    (
        "choices on true-false",
        put("object.definition", {"interactionType": "true-false", "choices": []}),
        "statement.object.definition.choices",
        "not allowed for interactionType true-false",
    ),
    (
        "duplicate component ids",
        put(
            "object.definition",
            {"interactionType": "likert", "scale": [{"id": "a"}, {"id": "b"}, {"id": "a"}]},
        ),
        "statement.object.definition.scale[2].id",
        "must be distinct within the list",
    ),
    (
        "component without id",
        put(
            "object.definition",
            {"interactionType": "performance", "steps": [{"description": {"en": "x"}}]},
        ),
        "statement.object.definition.steps[0].id",
        "required",
    ),
    (
        "component id as number",
        put("object.definition", {"interactionType": "sequencing", "choices": [{"id": 1}]}),
        "statement.object.definition.choices[0].id",
        "must be a string",
    ),
    (
        "component description key",
        put(
            "object.definition",
            {"interactionType": "matching", "target": [{"id": "a", "description": {"en_GB": "x"}}]},
        ),
        'statement.object.definition.target[0].description["en_GB"]',
        TAG,
    ),
    (
        "components as object",
        put("object.definition", {"interactionType": "matching", "source": {"id": "a"}}),
        "statement.object.definition.source",
        "must be an array of interaction components",
    ),
    # 4.2, 2.2.s4.b2: language tags.
    (
        "display key not a tag",
        put("verb.display", {"something": "x"}),
        'statement.verb.display["something"]',
        TAG,
    ),
    (
        "display key with underscore",
        put("verb.display", {"en_US": "x"}),
        'statement.verb.display["en_US"]',
        TAG,
    ),
    (
        "name key with duplicate singleton",
        put("object.definition.name", {"zh-z-aaa-z-bbb-c-ccc": "x"}),
        'statement.object.definition.name["zh-z-aaa-z-bbb-c-ccc"]',
        TAG,
    ),
    (
        "description key empty",
        put("object.definition.description", {"": "x"}),
        'statement.object.definition.description[""]',
        TAG,
    ),
    (
        "context language invalid",
        put("context.language", "something"),
        "statement.context.language",
        "must be an RFC 5646 language tag",
    ),
    (
        "context language as object",
        put("context.language", {"a12345": "x"}),
        "statement.context.language",
        "must be an RFC 5646 language tag (a string)",
    ),
    # 2.4.5: result and score.
    (
        "scaled above 1",
        put("result.score.scaled", 1.01),
        "statement.result.score.scaled",
        "must be between -1 and 1",
    ),
    (
        "scaled below -1",
        put("result.score.scaled", -2),
        "statement.result.score.scaled",
        "must be between -1 and 1",
    ),
    (
        "raw above max",
        put("result.score.raw", 101),
        "statement.result.score.raw",
        "must be between min and max",
    ),
    (
        "raw below min",
        put("result.score", {"raw": -1, "min": 0}),
        "statement.result.score.raw",
        "must be between min and max",
    ),
    (
        "min equal to max",
        put("result.score", {"min": 5, "max": 5}),
        "statement.result.score.min",
        "must be less than max",
    ),
    (
        "min above max",
        put("result.score", {"min": 10, "max": 5}),
        "statement.result.score.min",
        "must be less than max",
    ),
    (
        "score as number",
        put("result.score", 0.5),
        "statement.result.score",
        "must be an object (Score)",
    ),
    ("duration without P", put("result.duration", "1H"), "statement.result.duration", DURATION),
    (
        "duration weeks with days",
        put("result.duration", "P4W1D"),
        "statement.result.duration",
        DURATION,
    ),
    (
        "duration with bad designator",
        put("result.duration", "PA1H0M0S"),
        "statement.result.duration",
        DURATION,
    ),
    ("duration empty T", put("result.duration", "P1DT"), "statement.result.duration", DURATION),
    (
        "duration alternative format",
        put("result.duration", "P0003-06-04T12:30:05"),
        "statement.result.duration",
        DURATION,
    ),
    (
        "duration fraction not last",
        put("result.duration", "PT1.5H30M"),
        "statement.result.duration",
        DURATION,
    ),
    ("duration negative", put("result.duration", "-PT1H"), "statement.result.duration", DURATION),
    (
        "duration as number",
        put("result.duration", 3600),
        "statement.result.duration",
        "must be an ISO 8601 duration (a string)",
    ),
    # 2.4.6: context.
    (
        "revision with an Agent object",
        both(
            put("object", {"objectType": "Agent", "mbox": "mailto:a@example.com"}),
            drop("context.platform"),
        ),
        "statement.context.revision",
        ACTIVITY_ONLY,
    ),
    (
        "platform with a StatementRef object",
        both(
            put(
                "object",
                {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
            ),
            drop("context.revision"),
        ),
        "statement.context.platform",
        ACTIVITY_ONLY,
    ),
    (
        "contextActivities as string",
        put("context.contextActivities", "x"),
        "statement.context.contextActivities",
        "must be an object (parent, grouping, category, other)",
    ),
    (
        "context activity as string",
        put("context.contextActivities.category", "http://example.com/c"),
        "statement.context.contextActivities.category",
        "must be an Activity or an array of Activities",
    ),
    (
        "context activity that is an Agent",
        put(
            "context.contextActivities.parent[0]",
            {"objectType": "Agent", "mbox": "mailto:a@example.com"},
        ),
        "statement.context.contextActivities.parent[0].objectType",
        'must be "Activity"',
    ),
    (
        "context activity without id",
        put("context.contextActivities.grouping[0]", {"definition": {}}),
        "statement.context.contextActivities.grouping[0].id",
        "required",
    ),
    # 2.4.7, 2.4.8, 4.5: timestamps.
    ("timestamp not a date", put("timestamp", "01/011/2015"), "statement.timestamp", TIMESTAMP),
    (
        "timestamp -00:00",
        put("timestamp", "2008-09-15T15:53:00.601-00:00"),
        "statement.timestamp",
        TIMESTAMP,
    ),
    (
        "timestamp -0000",
        put("timestamp", "2008-09-15T15:53:00.601-0000"),
        "statement.timestamp",
        TIMESTAMP,
    ),
    (
        "timestamp -00",
        put("timestamp", "2008-09-15T15:53:00.601-00"),
        "statement.timestamp",
        TIMESTAMP,
    ),
    (
        "timestamp February 30",
        put("timestamp", "2013-02-30T00:00:00Z"),
        "statement.timestamp",
        TIMESTAMP,
    ),
    (
        "timestamp February 29 of a common year",
        put("timestamp", "2100-02-29T00:00:00Z"),
        "statement.timestamp",
        TIMESTAMP,
    ),
    (
        "timestamp hour 24",
        put("timestamp", "2013-05-18T24:00:00Z"),
        "statement.timestamp",
        TIMESTAMP,
    ),
    (
        "timestamp without seconds",
        put("timestamp", "2013-05-18T05:32Z"),
        "statement.timestamp",
        TIMESTAMP,
    ),
    ("timestamp date only", put("timestamp", "2013-05-18"), "statement.timestamp", TIMESTAMP),
    (
        "timestamp with space",
        put("timestamp", "2013-05-18 05:32:34Z"),
        "statement.timestamp",
        TIMESTAMP,
    ),
    (
        "timestamp offset hour 24",
        put("timestamp", "2013-05-18T05:32:34+24:00"),
        "statement.timestamp",
        TIMESTAMP,
    ),
    (
        "timestamp as number",
        put("timestamp", 1368855154),
        "statement.timestamp",
        "must be a timestamp (a string)",
    ),
    ("stored not a date", put("stored", "yesterday"), "statement.stored", TIMESTAMP),
    # 2.4.9: authority.
    (
        "authority group of three",
        put(
            "authority",
            {"objectType": "Group", "member": [{"mbox": f"mailto:{n}@example.com"} for n in "abc"]},
        ),
        "statement.authority",
        AUTHORITY_GROUP,
    ),
    (
        "authority identified group",
        put(
            "authority",
            {
                "objectType": "Group",
                "mbox": "mailto:g@example.com",
                "member": [{"mbox": "mailto:a@example.com"}, {"mbox": "mailto:b@example.com"}],
            },
        ),
        "statement.authority",
        AUTHORITY_GROUP,
    ),
    (
        "authority without IFI",
        put("authority", {"objectType": "Agent"}),
        "statement.authority",
        ONE_IFI,
    ),
    # 2.4.10: version.
    ("version 1.1.0", put("version", "1.1.0"), "statement.version", 'must be "1.0" or "1.0.x"'),
    ("version 0.9.9", put("version", "0.9.9"), "statement.version", 'must be "1.0" or "1.0.x"'),
    (
        "version 2.0.0 in a 1.0.3 request",
        put("version", "2.0.0"),
        "statement.version",
        'must be "1.0" or "1.0.x"',
    ),
    ("version as number", put("version", 1.0), "statement.version", "must be a string"),
    # 2.4.11: attachments.
    (
        "attachment without usageType",
        drop("attachments[0].usageType"),
        "statement.attachments[0].usageType",
        "required",
    ),
    (
        "attachment without display",
        drop("attachments[0].display"),
        "statement.attachments[0].display",
        "required",
    ),
    (
        "attachment without contentType",
        drop("attachments[0].contentType"),
        "statement.attachments[0].contentType",
        "required",
    ),
    (
        "attachment without length",
        drop("attachments[0].length"),
        "statement.attachments[0].length",
        "required",
    ),
    (
        "attachment without sha2",
        drop("attachments[0].sha2"),
        "statement.attachments[0].sha2",
        "required",
    ),
    (
        "usageType without scheme",
        put("attachments[0].usageType", "example.com/usage"),
        "statement.attachments[0].usageType",
        IRI,
    ),
    (
        "fileUrl without scheme",
        put("attachments[0].fileUrl", "over.there.com/file.txt"),
        "statement.attachments[0].fileUrl",
        IRI,
    ),
    (
        "contentType without subtype",
        put("attachments[0].contentType", "text"),
        "statement.attachments[0].contentType",
        "must be an Internet media type (RFC 2046)",
    ),
    (
        "contentType as number",
        put("attachments[0].contentType", 1),
        "statement.attachments[0].contentType",
        "must be an Internet media type (a string)",
    ),
    (
        "length as string",
        put("attachments[0].length", "27"),
        "statement.attachments[0].length",
        "must be an integer",
    ),
    (
        "length as decimal",
        put("attachments[0].length", 27.5),
        "statement.attachments[0].length",
        "must be an integer",
    ),
    (
        "length as boolean",
        put("attachments[0].length", True),
        "statement.attachments[0].length",
        "must be an integer",
    ),
    (
        "negative length",
        put("attachments[0].length", -1),
        "statement.attachments[0].length",
        "must not be negative",
    ),
    ("sha2 too short", put("attachments[0].sha2", "abc"), "statement.attachments[0].sha2", SHA2),
    ("sha2 not hex", put("attachments[0].sha2", "z" * 64), "statement.attachments[0].sha2", SHA2),
    (
        "attachment display key",
        put("attachments[0].display", {"something": "x"}),
        'statement.attachments[0].display["something"]',
        TAG,
    ),
    # 2.3.2.s2.b1: a voiding statement's object is a StatementRef.
    (
        "voiding an Activity",
        put("verb.id", "http://adlnet.gov/expapi/verbs/voided"),
        "statement.object.objectType",
        'must be "StatementRef" when voiding',
    ),
]


@pytest.mark.parametrize(
    ("description", "mutation", "path", "rule"), REJECTED, ids=[case[0] for case in REJECTED]
)
def test_statement_breaking_a_rule_is_rejected_where_it_breaks_it(
    description: str, mutation: Mutation, path: str, rule: str
) -> None:
    """2.2.s4.b1: "The LRS MUST reject Statements with any null values (except inside
    extensions); where the wrong data type is used; with any non-format-following key or value,
    including the empty string, where a string with a particular format (such as mailto IRI,
    UUID, or IRI) is required; where the case of a key does not match the case specified in
    this specification; where the case of a value restricted to enumerated values does not
    match; where a key or value is not allowed by this specification; containing IRL or IRI
    values without a scheme" — and the rules of 2.4 and 4 for each property. The problem names
    the property and the rule."""
    found = problems(mutated(mutation))
    assert (path, rule) in found, found


# The cases that concern what a SubStatement shares with a Statement (not its own keys, not
# id/stored/version/authority, which it must not have, and not voiding, which only a Statement
# does: 2.3.2).
INSIDE_SUBSTATEMENT = [
    case
    for case in REJECTED
    if not case[2].startswith(
        ("statement.id", "statement.stored", "statement.version", "statement.authority")
    )
    and case[0]
    not in {"Actor for actor", "unknown top-level property", "unknown odd top-level key",
            "voiding an Activity"}
]  # fmt: skip


@pytest.mark.parametrize(
    ("description", "mutation", "path", "rule"),
    INSIDE_SUBSTATEMENT,
    ids=[case[0] for case in INSIDE_SUBSTATEMENT],
)
def test_rules_hold_inside_a_substatement_too(
    description: str, mutation: Mutation, path: str, rule: str
) -> None:
    """2.4.4.3.s8.b2: "A SubStatement MUST be validated as a Statement in addition to other
    SubStatement requirements" — the same breakage inside the SubStatement is reported under
    statement.object."""
    stmt = substatement()
    mutation(stmt["object"])
    found = problems(stmt)
    assert ("statement.object" + path.removeprefix("statement"), rule) in found, found


def test_voiding_verb_in_a_substatement_needs_no_statement_reference() -> None:
    """2.3.2.s2.b1: "When issuing a Statement that voids another, the Object of that voiding
    Statement MUST have the "objectType" property set to StatementRef" — a SubStatement voids
    nothing, it only describes."""
    stmt = substatement()
    stmt["object"]["verb"] = {"id": "http://adlnet.gov/expapi/verbs/voided"}
    assert problems(stmt) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("id", "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"),
        ("stored", "2013-05-18T05:32:34.804Z"),
        ("version", "1.0.0"),
        ("authority", {"mbox": "mailto:lrs@example.com"}),
    ],
)
def test_substatement_with_statement_only_property_is_rejected(key: str, value: object) -> None:
    """2.4.4.3.s8.b3: "A SubStatement MUST NOT have the "id", "stored", "version" or
    "authority" properties"."""
    stmt = substatement()
    stmt["object"][key] = value
    assert problems(stmt) == [(f"statement.object.{key}", "not allowed in a SubStatement")]


def test_substatement_with_unknown_property_is_rejected() -> None:
    """2.2.s4.b1.b7: reject "where a key or value is not allowed by this specification"."""
    stmt = substatement()
    stmt["object"]["Verb"] = stmt["object"]["verb"]
    assert problems(stmt) == [
        (
            "statement.object.Verb",
            'unknown property (keys are case-sensitive); did you mean "verb"?',
        )
    ]


def test_nested_substatement_is_rejected() -> None:
    """2.4.4.3.s8.b4: "A SubStatement MUST NOT contain a SubStatement of its own, i.e., cannot
    be nested"."""
    stmt = substatement()
    stmt["object"]["object"] = substatement()["object"]
    del stmt["object"]["context"]
    assert problems(stmt) == [
        ("statement.object.object.objectType", "a SubStatement cannot contain a SubStatement")
    ]


def test_substatement_needs_actor_verb_and_object() -> None:
    """2.4.4.3.s8.b2 with 2.2.s2.b3: "A Statement MUST use "actor", "verb", and "object"."."""
    stmt = substatement()
    for key in ("actor", "verb", "object"):
        del stmt["object"][key]
    del stmt["object"]["context"]
    assert problems(stmt) == [
        ("statement.object.actor", "required"),
        ("statement.object.verb", "required"),
        ("statement.object.object", "required"),
    ]


def test_agent_as_object_without_object_type_is_read_as_an_activity_and_rejected() -> None:
    """2.4.4.2.s1.b1: "Statements that specify an Agent or Group as an Object MUST specify an
    "objectType" property"; without one the Object is an Activity (2.4.4.s2)."""
    stmt = mutated(put("object", {"mbox": "mailto:a@example.com"}))
    del stmt["context"]
    assert problems(stmt) == [
        ("statement.object.mbox", "unknown property (keys are case-sensitive)"),
        ("statement.object.id", "required"),
    ]


def test_path_of_an_odd_key_is_quoted_shortened_and_encodable() -> None:
    """2.2.s4.b1.b7: reject "where a key or value is not allowed by this specification" — the
    path quotes the key as JSON, cuts an absurdly long one, and escapes a lone surrogate (which
    a lenient JSON parser lets through) so that the error response can always be encoded."""
    stmt = statement()
    stmt["x" * 300] = 1
    stmt["über"] = 1
    stmt["\ud800"] = 1
    assert [path for path, _ in problems(stmt)] == [
        f'statement["{"x" * 200}…"]',
        'statement["über"]',
        'statement["\\ud800"]',
    ]


def test_several_problems_of_one_statement_are_reported_in_document_order() -> None:
    """2.2.s4.b1: each rule the Statement breaks is a reason to reject it; all are named."""
    stmt = statement()
    stmt["id"] = "x"
    stmt["verb"]["id"] = "x"
    stmt["result"]["score"]["scaled"] = 2
    stmt["timestamp"] = "x"
    assert problems(stmt) == [
        ("statement.id", "must be a UUID"),
        ("statement.verb.id", "must be an absolute IRI"),
        ("statement.result.score.scaled", "must be between -1 and 1"),
        ("statement.timestamp", "must be an ISO 8601 timestamp"),
    ]


# ---------------------------------------------------------------------------------------------
# 2.0 differences.


def test_version_2_0_0_is_accepted_in_2_0_requests() -> None:
    """2.0, Part 2, 2.2.4.1: "If an LRP sets the Statement version, it MUST set it to 2.0.0";
    the 2.0 suite also keeps accepting "1.0" and "1.0.x" (XAPI-00101)."""
    for version in ("2.0.0", "2.0", "1.0", "1.0.3"):
        assert problems(mutated(put("version", version)), V2) == []
    assert problems(mutated(put("version", "2.1.0")), V2) == [
        ("statement.version", 'must be "1.0", "1.0.x" or "2.0.x"')
    ]


REJECTED_2_0: list[tuple[str, Mutation, str, str]] = [
    (
        "context agent without objectType",
        put("context.contextAgents", [{"agent": {"mbox": "mailto:a@example.com"}}]),
        "statement.context.contextAgents[0].objectType",
        'required ("contextAgent")',
    ),
    (
        "context agent objectType in other case",
        put(
            "context.contextAgents",
            [{"objectType": "ContextAgent", "agent": {"mbox": "mailto:a@example.com"}}],
        ),
        "statement.context.contextAgents[0].objectType",
        'must be "contextAgent"',
    ),
    (
        "context agent without agent",
        put("context.contextAgents", [{"objectType": "contextAgent"}]),
        "statement.context.contextAgents[0].agent",
        "required",
    ),
    (
        "context agent that is a Group",
        put(
            "context.contextAgents",
            [
                {
                    "objectType": "contextAgent",
                    "agent": {"objectType": "Group", "mbox": "mailto:g@example.com"},
                }
            ],
        ),
        "statement.context.contextAgents[0].agent.objectType",
        'must be "Agent" (a Group is not allowed here)',
    ),
    (
        "context agent with empty relevantTypes",
        put(
            "context.contextAgents",
            [
                {
                    "objectType": "contextAgent",
                    "agent": {"mbox": "mailto:a@example.com"},
                    "relevantTypes": [],
                }
            ],
        ),
        "statement.context.contextAgents[0].relevantTypes",
        "must hold at least one IRI",
    ),
    (
        "context agent with non-IRI type",
        put(
            "context.contextAgents",
            [
                {
                    "objectType": "contextAgent",
                    "agent": {"mbox": "mailto:a@example.com"},
                    "relevantTypes": ["abc"],
                }
            ],
        ),
        "statement.context.contextAgents[0].relevantTypes[0]",
        IRI,
    ),
    (
        "context agent with unknown key",
        put(
            "context.contextAgents",
            [
                {
                    "objectType": "contextAgent",
                    "agent": {"mbox": "mailto:a@example.com"},
                    "role": "x",
                }
            ],
        ),
        "statement.context.contextAgents[0].role",
        UNKNOWN,
    ),
    (
        "context agents as object",
        put("context.contextAgents", {"objectType": "contextAgent"}),
        "statement.context.contextAgents",
        "must be an array of contextAgent Objects",
    ),
    (
        "context group with an Agent",
        put(
            "context.contextGroups",
            [{"objectType": "contextGroup", "group": {"mbox": "mailto:a@example.com"}}],
        ),
        "statement.context.contextGroups[0].group.objectType",
        'required ("Group": this must be a Group)',
    ),
    (
        "context group with agent key",
        put(
            "context.contextGroups",
            [{"objectType": "contextGroup", "agent": {"mbox": "mailto:a@example.com"}}],
        ),
        "statement.context.contextGroups[0].group",
        "required",
    ),
    (
        "timestamp without time zone",
        put("timestamp", "2013-05-18T05:32:34.804"),
        "statement.timestamp",
        RFC3339,
    ),
    (
        "timestamp with basic offset",
        put("timestamp", "2013-05-18T05:32:34+0100"),
        "statement.timestamp",
        RFC3339,
    ),
    (
        "timestamp -00:00",
        put("timestamp", "2008-09-15T15:53:00.601-00:00"),
        "statement.timestamp",
        RFC3339,
    ),
]


@pytest.mark.parametrize(
    ("description", "mutation", "path", "rule"), REJECTED_2_0, ids=[c[0] for c in REJECTED_2_0]
)
def test_2_0_statement_breaking_a_rule_is_rejected_where_it_breaks_it(
    description: str, mutation: Mutation, path: str, rule: str
) -> None:
    """2.0, Part 3, 1.2.2.5 "Context Agents Table" / "Context Group Table" (objectType
    "contextAgent" / "contextGroup" and the Agent / Group are required, relevantTypes is "A
    collection of 1 or more Activity Type(s)") and 1.2.1 "The LRS SHALL reject any Statement
    that doesn't conform to the "Type" field"; Part 2, 2.2.7 "A Timestamp MUST be expressed
    using the format described in RFC 3339"."""
    found = problems(mutated(mutation), V2)
    assert (path, rule) in found, found


# ---------------------------------------------------------------------------------------------
# validate_agent, validate_iri, validate_language_tag (query parameters).


@pytest.mark.parametrize(
    "agent",
    [
        {"mbox": "mailto:a@example.com"},
        {"objectType": "Agent", "account": {"homePage": "http://www.example.com", "name": "x"}},
        {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9", "name": "A"},
        {"openid": "http://toby.openid.example.org/"},
    ],
)
@BOTH
def test_agent_parameter_with_one_ifi_is_valid(agent: dict[str, Any], version: str) -> None:
    """Part 3, 2.3/2.6 (State, Agent Profile): "agent | Agent object (JSON)"; 2.2.s4.b4 "The LRS
    MUST validate parameter values to the same standards required for values of the same types
    in Statements"; 2.4.2.1.s2.b1 "An Agent MUST be identified by one (1) of the four types of
    Inverse Functional Identifiers"."""
    validate_agent(agent, "query.agent", version)
    validate_agent(agent, "query.agent", version, allow_group=False)


@pytest.mark.parametrize(
    ("agent", "path", "rule"),
    [
        (True, "query.agent", "must be an Agent (an object)"),
        ("mailto:a@example.com", "query.agent", "must be an Agent (an object)"),
        (None, "query.agent", "must not be null"),
        (
            {"objectType": "Agent"},
            "query.agent",
            "exactly one of mbox, mbox_sha1sum, openid, account is required",
        ),
        (
            {"mbox": "a@example.com"},
            "query.agent.mbox",
            'must be a "mailto:" IRI with one e-mail address',
        ),
        ({"account": {"name": "x"}}, "query.agent.account.homePage", "required"),
        (
            {"mbox": "mailto:a@example.com", "Name": "x"},
            "query.agent.Name",
            'unknown property (keys are case-sensitive); did you mean "name"?',
        ),
        (
            {"objectType": "Group", "mbox": "mailto:g@example.com"},
            "query.agent.objectType",
            'must be "Agent" (a Group is not allowed here)',
        ),
    ],
)
def test_agent_parameter_must_be_an_agent_with_one_ifi(agent: object, path: str, rule: str) -> None:
    """Part 3, 2.3/2.6: the State and Agent Profile resources take an "agent | Agent object
    (JSON)"; 2.4.s2 (Agents Resource, XAPI-00249): reject "agent" that "is not a valid, in
    structure, Agent"."""
    with pytest.raises(StatementInvalid) as raised:
        validate_agent(agent, "query.agent", V1, allow_group=False)
    assert (path, rule) in [(p.path, p.rule) for p in raised.value.problems]


def test_agent_parameter_may_be_an_identified_group_when_allowed() -> None:
    """Part 3, 2.1.3 (GET Statements): "agent | Agent or identified Group Object (JSON)"; an
    anonymous Group identifies nothing to filter by (2.4.2.2.s3.b1)."""
    validate_agent({"objectType": "Group", "mbox": "mailto:g@example.com"}, "query.agent", V2)
    anonymous = {"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]}
    with pytest.raises(StatementInvalid) as raised:
        validate_agent(anonymous, "query.agent", V2)
    assert raised.value.problems == (
        Problem("query.agent", "exactly one of mbox, mbox_sha1sum, openid, account is required"),
    )


def test_iri_parameter_needs_a_scheme() -> None:
    """2.2.s4.b4: parameters are validated "to the same standards required for values of the
    same types in Statements" (XAPI-00012: verb "not.a.valid.iri.com/verb" is rejected)."""
    validate_iri("http://adlnet.gov/expapi/verbs/attended", "query.verb")
    for value in ("not.a.valid.iri.com/verb", "", None, 3):
        with pytest.raises(StatementInvalid) as raised:
            validate_iri(value, "query.verb")
        assert raised.value.problems[0].path == "query.verb"


def test_language_tag_parameter_is_an_rfc5646_tag() -> None:
    """4.2: a language map's keys are "RFC 5646 Language Tag"s; so are Accept-Language ranges."""
    validate_language_tag("de-DE", "headers.Accept-Language")
    with pytest.raises(StatementInvalid):
        validate_language_tag("de_DE", "headers.Accept-Language")
