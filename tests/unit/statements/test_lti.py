"""Statements from LTI launches, and gradebook scores from results."""

from __future__ import annotations

import uuid

import pytest

from statements import lti
from statements.validation import validate_statement

ISS = "http://127.0.0.1:8080"
COURSE = "https://lernspur.de/xapi/activities/course/e-akte-grundlagen"
TITLE = {"de": "E-Akte in der Praxis", "en": "Electronic records in practice"}


def test_learner_is_the_platform_account_as_moodles_xapi_output_names_it():
    """Moodle's logstore_xapi actor (examples/captured): {homePage: wwwroot, name: user id}."""
    assert lti.learner(ISS, "3") == {
        "objectType": "Agent",
        "account": {"homePage": ISS, "name": "3"},
    }
    assert lti.learner(ISS, "3", "Stu Dent")["name"] == "Stu Dent"


def test_registration_is_stable_per_learner_course_and_context():
    first = lti.registration_for(ISS, "3", COURSE, "2")
    assert first == lti.registration_for(ISS, "3", COURSE, "2")
    assert uuid.UUID(first).version == 5
    others = {
        lti.registration_for(ISS, "4", COURSE, "2"),
        lti.registration_for(ISS, "3", COURSE + "x", "2"),
        lti.registration_for(ISS, "3", COURSE, "7"),
        lti.registration_for(ISS, "3", COURSE, None),
    }
    assert first not in others
    assert len(others) == 4


def test_context_activity_id_escapes_the_context_id():
    assert lti.context_activity_id(ISS + "/", "2") == f"{ISS}/lti/context/2"
    assert lti.context_activity_id(ISS, "a/b c") == f"{ISS}/lti/context/a%2Fb%20c"


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize("build", [lti.launched, lti.completed])
def test_built_statements_are_valid_xapi(build, version):
    where = lti.CourseContext(
        COURSE,
        TITLE,
        lti.registration_for(ISS, "3", COURSE, "2"),
        context_iri=lti.context_activity_id(ISS, "2"),
        context_title="Recon Course",
        platform="moodle",
    )
    statement = build(lti.learner(ISS, "3"), where, "2026-11-23T10:00:00.000Z")
    validate_statement(statement, version)
    assert statement["context"]["contextActivities"]["parent"][0]["id"] == COURSE


def test_completed_declares_completion():
    where = lti.CourseContext(COURSE, TITLE, str(uuid.uuid4()))
    statement = lti.completed(lti.learner(ISS, "3"), where, "2026-11-23T10:00:00Z")
    assert statement["verb"]["id"] == lti.COMPLETED
    assert statement["result"] == {"completion": True}
    assert "grouping" not in statement["context"]["contextActivities"]


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (None, (100.0, 100.0)),
        ({"completion": True}, (100.0, 100.0)),
        ({"score": {"scaled": 0.85}}, (85.0, 100.0)),
        ({"score": {"scaled": -0.5}}, (0.0, 100.0)),
        ({"score": {"scaled": 1}}, (100.0, 100.0)),
        ({"score": {"raw": 7, "max": 10}}, (7.0, 10.0)),
        ({"score": {"raw": 15, "min": 10, "max": 20}}, (5.0, 10.0)),
        ({"score": {"raw": 30, "max": 20}}, (20.0, 20.0)),
        ({"score": {"raw": 7}}, (100.0, 100.0)),
        ({"score": {"raw": True, "max": 10}}, (100.0, 100.0)),
    ],
)
def test_score_for_gradebook(result, expected):
    """Issue 3: scoreGiven from result.score, scaled × scoreMaximum, or raw of max."""
    assert lti.score_for_gradebook(result) == expected
