"""Stripping personal data (statements.privacy), per credential (issue 5)."""

from __future__ import annotations

import copy
import hashlib

from statements.privacy import mbox_sha1sum, strip_personal_data
from statements.validation import validate_statement
from tests.platform_fixtures import statements


def test_mbox_sha1sum_is_sha1_of_the_whole_mailto_iri():
    """xAPI 1.0.3 Part 2, 2.4.2.3: "The hex-encoded SHA1 hash of a mailto IRI"."""
    expected = hashlib.sha1(b"mailto:anna@example.org").hexdigest()  # noqa: S324 - the spec's hash
    assert mbox_sha1sum("mailto:anna@example.org") == expected
    assert expected == expected.lower()


def test_every_agent_loses_its_name_and_plain_address():
    statement = {
        "actor": {"objectType": "Agent", "name": "Anna", "mbox": "mailto:anna@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/mentored"},
        "object": {"objectType": "Agent", "name": "Ben", "mbox": "mailto:ben@example.org"},
        "context": {
            "instructor": {
                "name": "Carla",
                "account": {"homePage": "https://m.example", "name": "7"},
            },
            "team": {
                "objectType": "Group",
                "name": "Team Nord",
                "member": [{"name": "Dora", "mbox": "mailto:dora@example.org"}],
            },
        },
    }
    stripped = strip_personal_data(statement)
    validate_statement(stripped, "1.0.3")
    assert stripped["actor"] == {
        "objectType": "Agent",
        "mbox_sha1sum": mbox_sha1sum("mailto:anna@example.org"),
    }
    assert stripped["object"] == {
        "objectType": "Agent",
        "mbox_sha1sum": mbox_sha1sum("mailto:ben@example.org"),
    }
    assert stripped["context"]["instructor"] == {
        "account": {"homePage": "https://m.example", "name": "7"}
    }
    assert stripped["context"]["team"] == {
        "objectType": "Group",
        "member": [{"mbox_sha1sum": mbox_sha1sum("mailto:dora@example.org")}],
    }


def test_substatement_and_2_0_context_agents_are_stripped_too():
    statement = {
        "actor": {"name": "A", "mbox": "mailto:a@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/planned"},
        "object": {
            "objectType": "SubStatement",
            "actor": {"name": "B", "mbox": "mailto:b@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
            "object": {"id": "https://example.org/meeting"},
            "context": {"instructor": {"name": "C", "mbox": "mailto:c@example.org"}},
        },
        "context": {
            "contextAgents": [
                {
                    "objectType": "contextAgent",
                    "agent": {"name": "D", "mbox": "mailto:d@example.org"},
                }
            ],
            "contextGroups": [
                {
                    "objectType": "contextGroup",
                    "group": {
                        "objectType": "Group",
                        "name": "G",
                        "member": [{"name": "E", "mbox": "mailto:e@example.org"}],
                    },
                }
            ],
        },
    }
    stripped = strip_personal_data(statement)
    validate_statement(stripped, "2.0.0")
    text = str(stripped)
    for name in ("'A'", "'B'", "'C'", "'D'", "'E'", "'G'", "mailto:"):
        assert name not in text


def test_logstore_actor_keeps_its_account():
    statement = statements("moodle/course_completed")[0]
    stripped = strip_personal_data(statement)
    assert stripped["actor"] == {"account": statement["actor"]["account"]}
    assert stripped["object"] == statement["object"]


def test_input_is_not_changed():
    statement = statements("moodle/user_loggedin_mbox")[0]
    before = copy.deepcopy(statement)
    strip_personal_data(statement)
    assert statement == before
