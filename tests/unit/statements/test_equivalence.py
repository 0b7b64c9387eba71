"""Statement comparison for id conflicts and signatures (statements.equivalence)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from statements.equivalence import (
    first_difference,
    immutable_projection,
    normalise_iri,
    statements_equivalent,
)

Statement = dict[str, Any]


def base() -> Statement:
    """A statement touching every comparable part, as a client sends it."""
    return {
        "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "actor": {"objectType": "Agent", "name": "Anna", "mbox": "mailto:anna@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": "http://example.com/courses/ethik",
            "definition": {"name": {"de": "Ethik"}},
        },
        "result": {"score": {"scaled": 0.5, "raw": 10}, "success": True, "duration": "PT1H0.5S"},
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "team": {
                "objectType": "Group",
                "member": [
                    {"mbox": "mailto:b@example.com"},
                    {"account": {"homePage": "http://moodle.example.com", "name": "42"}},
                ],
            },
            "contextActivities": {"parent": [{"id": "http://example.com/programme"}]},
            "language": "de-DE",
            "extensions": {"http://example.com/ext/points": 3},
        },
        "timestamp": "2024-03-01T10:00:00.000Z",
    }


def changed(edit: Callable[[Statement], object]) -> Statement:
    stmt = base()
    edit(stmt)
    return stmt


def _set(path: str, value: Any) -> Callable[[Statement], None]:
    def edit(stmt: Statement) -> None:
        *parents, last = path.split(".")
        target: Any = stmt
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[last] = value

    return edit


def _del(path: str) -> Callable[[Statement], None]:
    def edit(stmt: Statement) -> None:
        *parents, last = path.split(".")
        target: Any = stmt
        for key in parents:
            target = target[key]
        del target[int(last) if isinstance(target, list) else last]

    return edit


def test_a_statement_is_equivalent_to_itself_and_to_a_copy() -> None:
    """1.0.3 Part 3, 2.1.1.s2.b3: the LRS "SHOULD verify the received Statement matches the
    existing one" - the same statement sent twice matches."""
    assert statements_equivalent(base(), base())
    assert first_difference(base(), base()) is None


@pytest.mark.parametrize(
    "edit",
    [
        _set("id", "FD41C918-B88B-4B20-A0A5-A4C32391AAA0"),
        _del("id"),
        _set("stored", "2024-03-01T10:00:01.234Z"),
        _set("authority", {"objectType": "Agent", "mbox": "mailto:lrs@example.com"}),
        _set("version", "1.0.3"),
        _set("timestamp", "2024-03-01T12:00:00+02:00"),
        _del("timestamp"),
        _set("attachments", [{"usageType": "http://x.org/u", "sha2": "00", "length": 1}]),
    ],
    ids=["id-case", "no-id", "stored", "authority", "version", "timestamp", "no-ts", "attachments"],
)
def test_properties_the_lrs_may_assign_and_attachments_are_ignored(edit: Callable) -> None:
    """1.0.3 Part 2, 2.3.1.b1: exceptions are "Potential or required assignments of properties
    during LRS processing ('id', 'authority', 'stored', 'timestamp', 'version')"; b6
    "Attachments. These are not part of Statements"; 2.3.1.s9.b1 "Differences which could have
    been caused by exceptions to Statement immutability MUST be ignored". 2.0 Part 3, 1.2
    "shall specifically NOT consider ... Id, Authority, Stored, Timestamp, Version, Any
    attachments"."""
    assert statements_equivalent(base(), changed(edit))


@pytest.mark.parametrize(
    "edit",
    [
        _set("verb.display", {"de": "abgeschlossen"}),
        _del("verb.display"),
        _set("object.definition", {"name": {"de": "Ethik II"}, "type": "http://x.org/course"}),
        _del("object.definition"),
    ],
    ids=["verb-display", "no-display", "definition", "no-definition"],
)
def test_verb_display_and_activity_definitions_are_ignored(edit: Callable) -> None:
    """1.0.3 Part 2, 2.3.1.b2: "The content of Activity Definitions that are referenced in
    Statements is not considered part of the Statement itself"; b3: "The 'display' property of
    the Verb is not considered part of the Statement itself". 2.0: "Verb (except for display)",
    "Any referenced Activity Definitions"."""
    assert statements_equivalent(base(), changed(edit))


def test_group_member_order_is_ignored() -> None:
    """1.0.3 Part 2, 2.3.1.b5: "The list of Agents in a Group is not considered to be an ordered
    list"; 2.0: "Actor (except the ordering of group members)"."""
    other = changed(lambda s: s["context"]["team"]["member"].reverse())
    assert statements_equivalent(base(), other)


def test_a_single_context_activity_equals_an_array_of_it() -> None:
    """1.0.3 Part 2, 2.4.6.2.s4.b3: the LRS returns a single Activity "as an array" - a difference
    the LRS itself causes (2.3.1.s9.b1)."""
    single = changed(
        _set("context.contextActivities.parent", {"id": "http://example.com/programme"})
    )
    assert statements_equivalent(base(), single)


@pytest.mark.parametrize(
    "edit",
    [
        _set("context.registration", "EC531277-B57B-4C15-8D91-D292C5B2B8F7"),
        _set("actor.mbox", "MAILTO:anna@EXAMPLE.com"),
        _set("object.id", "HTTP://Example.COM/courses/ethik"),
        _set("context.language", "de-de"),
        _set("context.extensions", {"HTTP://EXAMPLE.com/ext/points": 3}),
    ],
    ids=["uuid", "mbox-domain", "iri-scheme-host", "language-tag", "extension-key"],
)
def test_case_is_ignored_where_the_data_is_case_insensitive(edit: Callable) -> None:
    """1.0.3 Part 2, 2.3.1.b7: "Some properties are case insensitive and changes in case therefore
    do not affect immutability. For example, the domain portion an e-mail address is case
    insensitive". UUIDs (RFC 4122, 3), language tags (RFC 5646, 2.1.1), IRI scheme and host
    (RFC 3987, 5.3.2.1, allowed by 1.0.3 Part 2, 3.1.s2.b1)."""
    assert statements_equivalent(base(), changed(edit))


def test_mbox_sha1sum_and_statement_ref_ids_compare_case_insensitively() -> None:
    """2.3.1.b7: hex digests and UUIDs are case-insensitive text."""
    a = {
        "actor": {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
    }
    b = copy.deepcopy(a)
    b["actor"]["mbox_sha1sum"] = b["actor"]["mbox_sha1sum"].upper()
    b["object"]["id"] = b["object"]["id"].upper()
    assert statements_equivalent(a, b)


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (_set("verb.id", "http://example.com/different/verb/iri"), "verb.id"),
        (_set("actor.mbox", "mailto:Anna@example.com"), "actor.mbox"),
        (_set("actor.name", "anna"), "actor.name"),
        (_set("object.id", "http://example.com/courses/Ethik"), "object.id"),
        (_set("result.success", False), "result.success"),
        (_set("result.response", "Ja"), "result.response"),
        (_set("result.score.raw", 11), "result.score.raw"),
        (_set("context.extensions", {"http://example.com/ext/points": True}), "context.extensions"),
        (_set("context.platform", "Moodle"), "context.platform"),
        (_set("context.contextActivities.parent", []), "context.contextActivities"),
        (_del("context.team.member.1"), "context.team.member"),
    ],
)
def test_every_other_difference_is_a_different_statement(edit: Callable, where: str) -> None:
    """1.0.3 Part 2, 2.3.1.s9.b2: "Differences relating to a different serialization of any
    properties not listed as exceptions MUST not be ignored"; suite XAPI-00142 re-sends a
    statement whose verb id differs. The local part of an e-mail address and an IRI path are
    case-sensitive (RFC 5321, 2.4; RFC 3986, 6.2.2.1)."""
    other = changed(edit)
    assert not statements_equivalent(base(), other)
    assert (first_difference(base(), other) or "").startswith(where)


@pytest.mark.parametrize(
    ("mine", "theirs", "same"),
    [
        ("P1DT12H36M0.1237S", "P1DT12H36M0.12S", True),
        ("PT0.129S", "PT0.12S", True),
        ("PT1.10S", "PT1.1S", True),
        ("PT1.001S", "PT1S", True),
        ("PT1.5S", "PT1.4S", False),
        ("PT1H", "PT60M", False),
        ("P1D", "PT24H", False),
    ],
)
def test_durations_compare_as_strings_to_a_hundredth_of_a_second(
    mine: str, theirs: str, same: bool
) -> None:
    """1.0.3 Part 2, 2.3.1.b8: "the Result Duration is considered a string for purposes of
    Statement comparison"; 4.6.s1.b5 "any precision beyond 0.01 second precision SHOULD* NOT be
    included in the comparison" (2.0: MUST NOT; the 2.0 suite signs "P1DT12H36M0.12S" and sends
    "P1DT12H36M0.1237S")."""
    a = changed(_set("result.duration", mine))
    b = changed(_set("result.duration", theirs))
    assert statements_equivalent(a, b) is same


def _sub_statement(timestamp: str) -> Statement:
    return {
        "actor": {"mbox": "mailto:anna@example.com"},
        "verb": {"id": "http://example.com/verbs/will-visit"},
        "object": {
            "objectType": "SubStatement",
            "actor": {"mbox": "mailto:anna@example.com"},
            "verb": {"id": "http://example.com/verbs/visited"},
            "object": {"id": "http://example.com/place"},
            "timestamp": timestamp,
        },
    }


@pytest.mark.parametrize(
    ("theirs", "same"),
    [
        ("2024-03-01T12:00:00.000+02:00", True),
        ("2024-03-01T10:00:00.0009Z", True),
        ("2024-03-01T10:00:00.001Z", False),
        ("2024-03-01T10:00:00Z", True),
    ],
)
def test_a_sub_statement_timestamp_compares_as_an_instant(theirs: str, same: bool) -> None:
    """1.0.3 Part 2, 2.3.1.b4: "Serialization of Timestamp data ... can be returned in a different
    timezone ... so long as the point in time referenced is not affected"; 4.5.s1.b7 allows
    truncation to milliseconds. The SubStatement's timestamp is part of the Object."""
    a = _sub_statement("2024-03-01T10:00:00Z")
    assert statements_equivalent(a, _sub_statement(theirs)) is same


@pytest.mark.parametrize(
    "edit",
    [
        _del("actor.objectType"),
        _set("object", {"id": "http://example.com/courses/ethik"}),
        _set("result.score", {"scaled": 0.5, "raw": 10.0}),
        _set("result.extensions", {}),
        _set("context.contextActivities.grouping", []),
        _set("context.revision", None),
    ],
    ids=["agent-default", "activity-default", "int-float", "empty-ext", "empty-list", "null"],
)
def test_logically_equal_serialisations_are_equivalent(edit: Callable) -> None:
    """1.0.3 Part 2, 2.6.s5.b3.b2: the signed statement must be "logically equivalent". An omitted
    objectType is its default (2.4.2.1: "Agent"; 2.4.4.1: "Activity"); JSON numbers 10 and 10.0
    are one number; empty or null optional parts say nothing."""
    assert statements_equivalent(base(), changed(edit))


def test_immutable_projection_does_not_change_its_input() -> None:
    """Comparison reads the stored statement, it must never alter it (Part 3, 2.1.1.s2.b2: "it
    MUST NOT modify the Statement or any other Object")."""
    stmt = base()
    before = copy.deepcopy(stmt)
    projection = immutable_projection(stmt)
    assert stmt == before
    assert set(projection) == {"actor", "verb", "object", "result", "context"}


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        (
            "HTTP://User@Example.COM:8080/Path/%7e?Q=%aa#F",
            "http://User@example.com:8080/Path/%7E?Q=%AA#F",
        ),
        ("urn:ISBN:0451450523", "urn:ISBN:0451450523"),
        ("not an iri", "not an iri"),
    ],
)
def test_normalise_iri_applies_case_normalisation_only(iri: str, expected: str) -> None:
    """RFC 3987, 5.3.2.1 "Case Normalization": scheme and host are case-insensitive, percent-
    encoding hex digits are normalised to uppercase; the rest of an IRI is compared as a string
    (5.3.1), one of the approaches 1.0.3 Part 2, 3.1.s2.b1 allows."""
    assert normalise_iri(iri) == expected


def _with_context_agents(member_order: int, relevant_host: str, agent_name: str) -> Statement:
    members = [{"mbox": "mailto:p1@example.com"}, {"openid": "http://openid.example.com/p2"}]
    return changed(
        _set(
            "context.contextGroups",
            [
                {
                    "objectType": "contextGroup",
                    "group": {"objectType": "Group", "member": members[::member_order]},
                    "relevantTypes": [f"https://{relevant_host}/types/team"],
                }
            ],
        )
    ) | {
        "authority": {"mbox": "mailto:ignored@example.com"},
        "object": {
            "objectType": "Agent",
            "account": {"homePage": "https://Moodle.Example.com", "name": agent_name},
        },
    }


@pytest.mark.parametrize(
    ("member_order", "relevant_host", "agent_name", "same"),
    [
        (-1, "EXAMPLE.com", "42", True),
        (1, "example.com", "43", False),
    ],
)
def test_context_groups_and_agent_objects_follow_the_same_rules(
    member_order: int, relevant_host: str, agent_name: str, same: bool
) -> None:
    """2.0 Part 2, 2.2.2.5 contextGroups hold a Group and relevantTypes IRIs; 2.0 Part 3, 1.2:
    "Order of any Group Members" and "Case" are not considered. An account name is
    case-sensitive text and part of the Object, which is immutable."""
    a = _with_context_agents(1, "example.com", "42")
    b = _with_context_agents(member_order, relevant_host, agent_name)
    assert statements_equivalent(a, b) is same
