"""Course completions from Moodle's web services as statements (adapters.moodle.webservice)."""

from __future__ import annotations

import pytest

from adapters.base import AdapterContext
from adapters.moodle.activities import course_iri, module_iri
from adapters.moodle.webservice import (
    GET_ENROLLED_USERS,
    Course,
    MoodleError,
    PullAdapter,
    course_completion_statement,
    course_completion_time,
    courses,
    derive_id,
    enrolled_user_ids,
    module_completion_statements,
    rest_query,
)
from adapters.registry import recognise
from adapters.urls import activity_key
from statements.validation import validate_statement

ROOT = "https://moodle.example.org"
COURSE = Course(7, "Datenschutz kompakt", "de_du")


def _status(completed: bool, aggregation: int = 1) -> dict:
    return {
        "completionstatus": {
            "completed": completed,
            "aggregation": aggregation,
            "completions": [
                {"type": 4, "complete": True, "timecompleted": 1795000000},
                {"type": 4, "complete": True, "timecompleted": 1795100000},
                {"type": 4, "complete": False, "timecompleted": None},
            ],
        },
        "warnings": [],
    }


def test_rest_arguments_are_flattened_the_php_way():
    """webservice/rest/server.php reads nested parameters as PHP arrays."""
    query = rest_query(
        "tok",
        GET_ENROLLED_USERS,
        {"courseid": 7, "options": [{"name": "userfields", "value": "id"}]},
    )
    assert query == [
        ("wstoken", "tok"),
        ("wsfunction", "core_enrol_get_enrolled_users"),
        ("moodlewsrestformat", "json"),
        ("courseid", "7"),
        ("options[0][name]", "userfields"),
        ("options[0][value]", "id"),
    ]


def test_front_page_and_courses_without_completion_are_skipped():
    """course/externallib.php get_courses returns the site course (format "site") too."""
    answer = [
        {"id": 1, "fullname": "Site", "format": "site"},
        {"id": 2, "fullname": "A", "format": "topics", "enablecompletion": 0},
        {"id": 3, "fullname": "B", "format": "topics", "enablecompletion": 1, "lang": "de"},
        {"id": 4, "fullname": "C", "format": "weeks"},
    ]
    assert [c.id for c in courses(answer)] == [3, 4]


def test_error_answers_raise():
    with pytest.raises(MoodleError) as caught:
        enrolled_user_ids(
            {"exception": "moodle_exception", "errorcode": "invalidtoken", "message": "x"}
        )
    assert caught.value.errorcode == "invalidtoken"


def test_completed_course_becomes_a_completed_statement_like_the_logstore_one():
    statement = course_completion_statement(ROOT + "/", COURSE, 42, _status(True))
    assert statement is not None
    validate_statement(statement, "1.0.3")
    assert statement["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": ROOT, "name": "42"},
    }
    assert statement["object"]["id"] == course_iri(ROOT, 7)
    assert statement["object"]["definition"]["name"] == {"de-du": "Datenschutz kompakt"}
    assert statement["timestamp"] == "2026-11-19T14:53:20.000Z"  # the latest criterion ("all")
    assert recognise(statement).name == "moodle-webservice"


def test_course_not_completed_gives_nothing():
    assert course_completion_statement(ROOT, COURSE, 42, _status(False)) is None


def test_any_aggregation_takes_the_first_completed_criterion():
    """aggregation 2 = any (completion/classes/external.php)."""
    assert (
        course_completion_time(_status(True, 2)["completionstatus"]) == "2026-11-18T11:06:40.000Z"
    )


def test_only_wanted_completed_modules_become_statements():
    answer = {
        "statuses": [
            {"cmid": 15, "modname": "scorm", "state": 2, "timecompleted": 1795000000},
            {"cmid": 16, "modname": "quiz", "state": 1, "timecompleted": 1795000000},
            {"cmid": 17, "modname": "page", "state": 0, "timecompleted": 0},
        ]
    }
    wanted = [
        activity_key(module_iri(ROOT, "scorm", 15)),
        activity_key(module_iri(ROOT, "page", 17)),
    ]
    found = module_completion_statements(ROOT, COURSE, 42, answer, wanted)
    assert [s["object"]["id"] for s in found] == [module_iri(ROOT, "scorm", 15)]
    assert found[0]["result"] == {"completion": True, "success": True}
    validate_statement(found[0], "1.0.3")


def test_pulled_completion_gets_the_same_id_on_every_pull():
    one = course_completion_statement(ROOT, COURSE, 42, _status(True))
    later = course_completion_statement("http://MOODLE.example.org", COURSE, 42, _status(True, 2))
    assert derive_id(one) == derive_id(later)
    assert derive_id(one) != derive_id(course_completion_statement(ROOT, COURSE, 43, _status(True)))
    assert PullAdapter().statement_id(one, AdapterContext()) == derive_id(one)
