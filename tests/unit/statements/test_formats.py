"""GET /statements `format`, Accept-Language, stored shape (statements.formats)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from statements.formats import (
    best_language,
    canonical_language_map,
    format_statement,
    normalise_for_storage,
    parse_accept_language,
)

VERB = {
    "id": "http://adlnet.gov/expapi/verbs/attended",
    "display": {"en-GB": "attended", "en-US": "attended", "de-DE": "nahm teil"},
}
ACTIVITY = {
    "objectType": "Activity",
    "id": "http://www.example.com/unicode/1",
    "definition": {
        "name": {"en": "Other", "en-GB": "attended", "en-US": "attended", "ja-JP": "出席した"},
        "description": {
            "en-US": "On this map, please mark Franklin, TN",
            "en-GB": "On this map, please mark Franklin, TN",
        },
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "moreInfo": "http://virtualmeeting.example.com/345256",
        "interactionType": "other",
        "correctResponsesPattern": ["(35.937432,-86.868896)"],
        "extensions": {"http://example.com/profiles/meetings/extension/reporter": {"n": "T"}},
    },
}
AGENT = {"objectType": "Agent", "name": "xAPI mbox", "mbox": "mailto:agent-1@adlnet.gov"}
GROUP = {"objectType": "Group", "name": "Group Identified", "mbox": "mailto:group-1@adlnet.gov"}


def suite_statement() -> dict[str, Any]:
    """The statement of the ADL suite's format tests (XAPI-00168..171): a Group as actor, and a
    SubStatement with an identified Group and a multilingual interaction Activity."""
    return {
        "id": "f1f6e6c2-4d7e-4c5b-9a55-0a1c6d8b5e01",
        "actor": copy.deepcopy(GROUP),
        "verb": copy.deepcopy(VERB),
        "object": {
            "objectType": "SubStatement",
            "actor": copy.deepcopy(GROUP),
            "verb": copy.deepcopy(VERB),
            "object": copy.deepcopy(ACTIVITY),
        },
        "stored": "2013-05-18T05:32:34.804Z",
        "timestamp": "2013-05-18T05:32:34.804Z",
        "authority": {
            "objectType": "Group",
            "member": [
                {"account": {"homePage": "http://lrs.example.com", "name": "key"}, "name": "app"},
                {"mbox": "mailto:user@example.com", "name": "User"},
            ],
        },
        "version": "1.0.0",
    }


# --- Accept-Language --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, []),
        ("", []),
        ("en-US,en;q=0.8", ["en-US", "en"]),
        ("da, en-gb;q=0.8, en;q=0.7", ["da", "en-gb", "en"]),
        ("en;q=0.5, de, fr;q=0.9", ["de", "fr", "en"]),
        ("en;q=0.5, de;q=0.5", ["en", "de"]),
        ("de;q=0, en", ["en"]),
        ("*;q=0.1, en-GB", ["en-GB", "*"]),
        ("en;q=2, de;q=abc, fr", ["fr"]),
        ("12-ab, ,de-CH-1901", ["de-CH-1901"]),
    ],
)
def test_parse_accept_language_orders_by_q_value(header: str | None, expected: list[str]) -> None:
    """1.0.3 Part 3, 2.1.3.s4.b5: "the LRS MUST apply the 'Accept-Language' header as described
    in RFC 2616" - 14.4: ranges carry "an associated quality value ... which defaults to q=1";
    q=0 means not acceptable (RFC 7231, 5.3.1); the example is "da, en-gb;q=0.8, en;q=0.7"."""
    assert parse_accept_language(header) == expected


@pytest.mark.parametrize(
    ("keys", "languages", "expected"),
    [
        (["en-US", "en-GB"], ["en-GB"], "en-GB"),
        (["en-US", "en-GB"], ["EN-gb"], "en-GB"),
        (["en-US", "en-GB", "en"], ["en"], "en"),
        (["en-US", "en-GB"], ["en"], "en-US"),
        (["de", "fr"], ["it", "fr"], "fr"),
        (["de", "fr"], ["*"], "de"),
        (["de", "fr"], ["de-AT"], "de"),
        (["de", "fr"], ["it"], "de"),
        (["de", "fr"], [], "de"),
        ([], ["en"], None),
    ],
)
def test_best_language_follows_rfc2616_then_falls_back(
    keys: list[str], languages: list[str], expected: str | None
) -> None:
    """RFC 2616, 14.4: "A language-range matches a language-tag if it exactly equals the tag, or
    if it exactly equals a prefix of the tag such that the first tag character following the
    prefix is '-'"; "*" matches any. 1.0.3 Part 3, 2.1.3.s4.b1: "The LRS MUST return only one
    language in each of these maps" - so some entry is chosen even when none matches."""
    assert best_language(keys, languages) == expected


def test_canonical_language_map_keeps_one_entry() -> None:
    """1.0.3 Part 3, 2.1.3.s4.b4: "The LRS SHOULD* return only one language within each language
    map for which it returns a canonical map"."""
    assert canonical_language_map(VERB["display"], ["de"]) == {"de-DE": "nahm teil"}
    assert canonical_language_map({}, ["de"]) == {}


# --- format=exact -----------------------------------------------------------------------------


def test_exact_format_returns_an_equal_copy() -> None:
    """1.0.3 Part 3, 2.1.3 row "format": "If exact, return Agent, Activity, Verb and Group Objects
    populated exactly as they were when the Statement was received"."""
    stmt = suite_statement()
    out = format_statement(stmt, "exact", ["en-GB"])
    assert out == stmt
    out["object"]["verb"]["id"] = "changed"
    assert stmt["object"]["verb"]["id"] == VERB["id"]


# --- format=ids -------------------------------------------------------------------------------


def test_ids_format_meets_the_suite_expectations_xapi_00171() -> None:
    """1.0.3 Part 3, 2.1.3 row "format": "If ids, only include minimum information necessary in
    Agent, Activity, Verb and Group Objects to identify them". Suite XAPI-00171 checks: actor
    1-2 keys, SubStatement actor exactly 2, its Activity exactly 1, each Verb exactly 1."""
    out = format_statement(suite_statement(), "ids", [])
    assert out["actor"] == {"objectType": "Group", "mbox": GROUP["mbox"]}
    assert out["verb"] == {"id": VERB["id"]}
    assert out["object"]["objectType"] == "SubStatement"
    assert out["object"]["actor"] == {"objectType": "Group", "mbox": GROUP["mbox"]}
    assert out["object"]["verb"] == {"id": VERB["id"]}
    assert out["object"]["object"] == {"id": ACTIVITY["id"]}
    assert (out["id"], out["stored"], out["version"]) == (
        "f1f6e6c2-4d7e-4c5b-9a55-0a1c6d8b5e01",
        "2013-05-18T05:32:34.804Z",
        "1.0.0",
    )


def test_ids_format_keeps_the_members_of_an_anonymous_group_as_ifis() -> None:
    """1.0.3 Part 3, 2.1.3 row "format": "For Anonymous Groups this means including the minimum
    information needed to identify each member" (here the OAuth-style authority Group)."""
    out = format_statement(suite_statement(), "ids", [])
    assert out["authority"] == {
        "objectType": "Group",
        "member": [
            {"account": {"homePage": "http://lrs.example.com", "name": "key"}},
            {"mbox": "mailto:user@example.com"},
        ],
    }


def test_ids_format_reduces_context_agents_groups_and_activities() -> None:
    """The "ids" rule covers every Agent, Group and Activity: context instructor and team
    (1.0.3 Part 2, 2.4.6), contextActivities (2.4.6.2), 2.0 contextAgents/contextGroups
    (2.0 Part 2, 2.2.2.5), and the Agent as object; other context properties stay."""
    stmt = {
        "actor": AGENT,
        "verb": VERB,
        "object": {"objectType": "Agent", "name": "Bob", "mbox": "mailto:bob@example.com"},
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "instructor": AGENT,
            "team": {"objectType": "Group", "name": "T", "member": [AGENT]},
            "contextActivities": {"parent": [ACTIVITY], "category": ACTIVITY},
            "contextAgents": [
                {
                    "objectType": "contextAgent",
                    "agent": AGENT,
                    "relevantTypes": ["https://example.com/types/coach"],
                }
            ],
            "contextGroups": [{"objectType": "contextGroup", "group": GROUP}],
        },
    }
    out = format_statement(stmt, "ids", [])
    ifi = {"objectType": "Agent", "mbox": AGENT["mbox"]}
    assert out["object"] == {"objectType": "Agent", "mbox": "mailto:bob@example.com"}
    context = out["context"]
    assert context["registration"] == "ec531277-b57b-4c15-8d91-d292c5b2b8f7"
    assert context["instructor"] == ifi
    assert context["team"] == {"objectType": "Group", "member": [ifi]}
    assert context["contextActivities"] == {
        "parent": [{"id": ACTIVITY["id"]}],
        "category": {"id": ACTIVITY["id"]},
    }
    assert context["contextAgents"] == [
        {
            "objectType": "contextAgent",
            "agent": ifi,
            "relevantTypes": ["https://example.com/types/coach"],
        }
    ]
    assert context["contextGroups"] == [
        {"objectType": "contextGroup", "group": {"objectType": "Group", "mbox": GROUP["mbox"]}}
    ]


def test_ids_format_leaves_a_statement_ref_as_it_is() -> None:
    """A StatementRef has only objectType and id (1.0.3 Part 2, 2.4.4.3) - nothing to drop."""
    stmt = {
        "actor": AGENT,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
    }
    assert format_statement(stmt, "ids", [])["object"] == stmt["object"]


# --- format=canonical -------------------------------------------------------------------------


def test_canonical_format_meets_the_suite_expectations_xapi_00169() -> None:
    """1.0.3 Part 3, 2.1.3 row "format": "If canonical, return Activity Objects and Verbs populated
    with the canonical definition ... after applying the language filtering process ..., and
    return the original Agent and Group Objects as in 'exact' mode". Suite XAPI-00169 with
    Accept-Language "en-GB" expects exactly these objects."""
    out = format_statement(suite_statement(), "canonical", parse_accept_language("en-GB"))
    assert out["actor"] == GROUP
    assert out["verb"] == {"id": VERB["id"], "display": {"en-GB": "attended"}}
    assert out["object"]["verb"] == {"id": VERB["id"], "display": {"en-GB": "attended"}}
    assert out["object"]["actor"] == GROUP
    definition = ACTIVITY["definition"]
    assert out["object"]["object"] == {
        "objectType": "Activity",
        "id": ACTIVITY["id"],
        "definition": {
            "name": {"en-GB": "attended"},
            "description": {"en-GB": "On this map, please mark Franklin, TN"},
            "type": definition["type"],
            "moreInfo": definition["moreInfo"],
            "interactionType": "other",
            "correctResponsesPattern": definition["correctResponsesPattern"],
            "extensions": definition["extensions"],
        },
    }


def test_canonical_format_filters_context_activities_of_the_stored_shape_xapi_00172() -> None:
    """Suite XAPI-00172: "If the 'Accept-Language' header is present ... and the 'format' parameter
    is set to 'canonical', the LRS MUST apply this data to choose the matching language" - the
    verb and contextActivities.category[0] keep no "en-US" entry for "en-GB"."""
    stmt = {
        "actor": AGENT,
        "verb": VERB,
        "object": {"id": "http://www.example.com/meetings/occurances/34534"},
        "context": {
            "contextActivities": {
                "category": {
                    "objectType": "Activity",
                    "id": "http://www.example.com/test/array/statements/pri",
                    "definition": {
                        "name": {"en-GB": "example meeting", "en-US": "example meeting"},
                        "description": {"en-GB": "An example", "en-US": "An example"},
                    },
                }
            }
        },
    }
    out = format_statement(normalise_for_storage(stmt), "canonical", ["en-GB"])
    category = out["context"]["contextActivities"]["category"][0]["definition"]
    assert out["verb"]["display"] == {"en-GB": "attended"}
    assert category["name"] == {"en-GB": "example meeting"}
    assert category["description"] == {"en-GB": "An example"}


def test_canonical_format_filters_interaction_components_and_attachments() -> None:
    """1.0.3 Part 3, 2.1.3.s4.b1: "Activity Objects contain Language Map Objects within their
    'name', 'description' and various interaction components. The LRS MUST return only one
    language in each of these maps"; b2 allows it for other language maps (attachments)."""
    stmt = {
        "actor": AGENT,
        "verb": VERB,
        "object": {
            "id": "http://example.com/q1",
            "definition": {
                "interactionType": "matching",
                "source": [{"id": "a", "description": {"en-US": "A", "de": "A-de"}}],
                "target": [{"id": "1", "description": {"en-US": "One", "de": "Eins"}}],
            },
        },
        "attachments": [
            {
                "usageType": "http://example.com/usage",
                "display": {"en-US": "Essay", "de": "Aufsatz"},
                "description": {"en-US": "My essay", "de": "Mein Aufsatz"},
                "contentType": "text/plain",
                "length": 5,
                "sha2": "ab" * 32,
            }
        ],
    }
    out = format_statement(stmt, "canonical", ["de"])
    definition = out["object"]["definition"]
    assert definition["source"] == [{"id": "a", "description": {"de": "A-de"}}]
    assert definition["target"] == [{"id": "1", "description": {"de": "Eins"}}]
    assert out["attachments"][0]["display"] == {"de": "Aufsatz"}
    assert out["attachments"][0]["description"] == {"de": "Mein Aufsatz"}
    assert out["actor"] == AGENT


def test_canonical_format_uses_the_lrs_definition_of_an_activity_when_given() -> None:
    """1.0.3 Part 3, 2.1.3 row "format": Activities "populated with the canonical definition of the
    Activity Objects ... as determined by the LRS"; Part 3, 2.5.s2 (the LRS's canonical
    definition)."""
    stmt = {"actor": AGENT, "verb": VERB, "object": {"id": "http://example.com/course"}}
    definitions = {
        "http://example.com/course": {"name": {"de": "Kurs", "en": "Course"}, "type": "http://t"}
    }
    out = format_statement(stmt, "canonical", ["en"], definitions=definitions)
    assert out["object"]["definition"] == {"name": {"en": "Course"}, "type": "http://t"}
    assert definitions["http://example.com/course"]["name"] == {"de": "Kurs", "en": "Course"}


@pytest.mark.parametrize("fmt", ["exact", "ids", "canonical"])
def test_no_format_changes_its_input(fmt: str) -> None:
    """Formatting is a view: the stored statement stays as stored (1.0.3 Part 2, 2.3.1)."""
    stmt = suite_statement()
    before = copy.deepcopy(stmt)
    format_statement(stmt, fmt, ["en-GB"])
    assert stmt == before


def test_unknown_format_is_a_value_error() -> None:
    """1.0.3 Part 3, 2.1.3 row "format": "String: (ids, exact, or canonical)"."""
    with pytest.raises(ValueError, match="format"):
        format_statement(suite_statement(), "Exact", [])


# --- normalise_for_storage ------------------------------------------------------------------


def test_normalise_for_storage_turns_single_context_activities_into_arrays() -> None:
    """1.0.3 Part 2, 2.4.6.2.s4.b3: "The LRS MUST return every value in the contextActivities
    Object as an array, even if it arrived as a single Activity Object"; b4: "as an array of
    length one containing the same Activity"."""
    stmt = {
        "actor": AGENT,
        "verb": VERB,
        "object": {"id": "http://example.com/a"},
        "context": {
            "contextActivities": {
                "parent": {"id": "http://example.com/p"},
                "grouping": [{"id": "http://example.com/g1"}, {"id": "http://example.com/g2"}],
            },
            "platform": "Moodle",
        },
    }
    before = copy.deepcopy(stmt)
    out = normalise_for_storage(stmt)
    assert out["context"]["contextActivities"] == {
        "parent": [{"id": "http://example.com/p"}],
        "grouping": [{"id": "http://example.com/g1"}, {"id": "http://example.com/g2"}],
    }
    assert out["context"]["platform"] == "Moodle"
    assert stmt == before


def test_normalise_for_storage_also_fixes_a_sub_statement() -> None:
    """2.4.6.2.s4.b3 applies to "every value in the contextActivities Object", also inside a
    SubStatement (which has a context like a statement: 1.0.3 Part 2, 2.4.4.3)."""
    stmt = {
        "actor": AGENT,
        "verb": VERB,
        "object": {
            "objectType": "SubStatement",
            "actor": AGENT,
            "verb": VERB,
            "object": {"id": "http://example.com/a"},
            "context": {"contextActivities": {"other": {"id": "http://example.com/o"}}},
        },
    }
    out = normalise_for_storage(stmt)
    assert out["object"]["context"]["contextActivities"] == {
        "other": [{"id": "http://example.com/o"}]
    }
    assert stmt["object"]["context"]["contextActivities"]["other"] == {"id": "http://example.com/o"}


def test_normalise_for_storage_leaves_a_statement_without_context_equal() -> None:
    """Nothing else changes: the LRS "MUST NOT return a different serialization of any
    properties except those listed as exceptions" (2.0 Part 3, 1.2.4.2)."""
    stmt = suite_statement()
    assert normalise_for_storage(stmt) == stmt
