"""The pure mapping of statements onto evidence and participation facts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from statements.mapping import (
    COMPLETION,
    REDEMPTION,
    Definitions,
    ProgrammeRules,
    figures,
    map_statements,
    view_of,
)

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
COURSE_A = "https://lernspur.de/xapi/activities/course/a"
COURSE_B = "https://lernspur.de/xapi/activities/course/b"
OTHER = "https://lms.example.org/course/9"
ITEM_URI = "https://lernspur.de/case/x/CFItems/v1"

DEFINITIONS = Definitions(
    course_items={COURSE_A: (1, 2), COURSE_B: (3,)},
    item_by_uri={ITEM_URI: 4},
    programmes=(
        ProgrammeRules(
            key="p",
            orgs=frozenset({"org"}),
            completion_verbs=frozenset({COMPLETED, PASSED}),
            eligible=frozenset({COURSE_A, COURSE_B}),
            voucher_verb=LAUNCHED,
        ),
    ),
)
RUNTIMES = {"p": (datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))}


def _statement(actor, verb, activity, timestamp, context=None):
    stmt = {
        "id": str(uuid.uuid4()),
        "actor": {"account": {"homePage": "https://lms.example.org", "name": actor}},
        "verb": {"id": verb},
        "object": {"id": activity},
        "timestamp": timestamp,
    }
    if context:
        stmt["context"] = {"contextActivities": {"other": [{"id": context}]}}
    return stmt


def _voiding(target):
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:admin@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target["id"]},
        "timestamp": "2024-06-01T00:00:00Z",
    }


def test_completion_of_a_catalogue_course_evidences_its_competencies():
    stmt = _statement("1", COMPLETED, COURSE_A, "2024-03-01T10:00:00Z")
    facts = map_statements([view_of(stmt, 1, "org")], DEFINITIONS)
    assert sorted(f.item for f in facts.evidence) == [1, 2]
    (fact,) = facts.participation
    assert (fact.kind, fact.eligible, fact.actor) == (
        COMPLETION,
        True,
        "account:https://lms.example.org|1",
    )


def test_context_activity_naming_a_framework_item_evidences_it():
    stmt = _statement("1", PASSED, OTHER, "2024-03-01T10:00:00Z", context=ITEM_URI)
    facts = map_statements([view_of(stmt, 1, "org")], DEFINITIONS)
    assert [f.item for f in facts.evidence] == [4]
    assert facts.participation[0].eligible is False


def test_launch_of_an_eligible_course_is_a_redemption_and_attempts_are_nothing():
    launch = _statement("1", LAUNCHED, COURSE_B, "2024-03-01T10:00:00Z")
    attempt = _statement("1", ATTEMPTED, COURSE_B, "2024-03-01T10:00:00Z")
    facts = map_statements([view_of(launch, 1, "org"), view_of(attempt, 2, "org")], DEFINITIONS)
    assert [f.kind for f in facts.participation] == [REDEMPTION]
    assert facts.evidence == []


def test_statements_of_organisations_outside_the_programme_give_only_evidence():
    stmt = _statement("1", COMPLETED, COURSE_A, "2024-03-01T10:00:00Z")
    facts = map_statements([view_of(stmt, 1, "elsewhere")], DEFINITIONS)
    assert facts.participation == []
    assert len(facts.evidence) == 2


def test_voiding_statement_names_its_target():
    target = _statement("1", COMPLETED, COURSE_A, "2024-03-01T10:00:00Z")
    facts = map_statements([view_of(_voiding(target), 2, "org")], DEFINITIONS)
    assert facts.voids == [target["id"]]


actors = st.sampled_from(["1", "2", "3", "4"])
verbs = st.sampled_from([COMPLETED, PASSED, LAUNCHED, ATTEMPTED])
activities = st.sampled_from([COURSE_A, COURSE_B, OTHER])
timestamps = st.sampled_from(
    ["2023-06-01T00:00:00Z", "2024-01-01T00:00:00Z", "2024-07-01T00:00:00Z", "2025-01-01T00:00:00Z"]
)
contexts = st.sampled_from([None, ITEM_URI])
statements_ = st.lists(
    st.builds(_statement, actors, verbs, activities, timestamps, contexts), min_size=1, max_size=12
)


@settings(max_examples=200)
@given(statements_, st.data())
def test_voiding_a_statement_gives_the_figures_of_never_having_sent_it(history, data):
    victim = data.draw(st.integers(min_value=0, max_value=len(history) - 1))
    voided = [*history, _voiding(history[victim])]
    never_sent = history[:victim] + history[victim + 1 :]
    assert figures(voided, "org", DEFINITIONS, RUNTIMES) == figures(
        never_sent, "org", DEFINITIONS, RUNTIMES
    )


@given(statements_)
def test_figures_do_not_depend_on_statement_order(history):
    assert figures(history, "org", DEFINITIONS, RUNTIMES) == figures(
        list(reversed(history)), "org", DEFINITIONS, RUNTIMES
    )
