"""Moodle logstore_xapi traffic: recognition, stable ids, identity, catalogue mapping."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from adapters.base import AdapterContext
from adapters.moodle.activities import course_iri, module_iri, parse_activity
from adapters.moodle.logstore import INFO_EXTENSION, PLUGIN_URL, LogstoreAdapter, derive_id
from adapters.registry import recognise
from adapters.urls import activity_key, root_key
from statements.validation import validate_statement
from tests.platform_fixtures import LTI_CLAIMS, MOODLE, captured_bodies, statements

ADAPTER = LogstoreAdapter()
CATALOGUE_COURSE = "https://lernspur.de/xapi/activities/course/datenschutz-kompakt"


def _all_moodle_statements() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name in MOODLE:
        found += [(f"{name}[{i}]", s) for i, s in enumerate(statements(f"moodle/{name}"))]
    for r, body in enumerate(captured_bodies()):
        found += [(f"captured[{r}][{i}]", s) for i, s in enumerate(body)]
    return found


ALL = _all_moodle_statements()


@pytest.mark.parametrize(("where", "statement"), ALL, ids=[w for w, _ in ALL])
def test_logstore_statements_are_recognised_as_moodle(where, statement):
    """logstore_xapi src/transformer/utils/extensions/info.php: the plugin URL key marks them."""
    adapter = recognise(statement)
    assert adapter is not None
    assert adapter.name == "moodle"


@pytest.mark.parametrize(("where", "statement"), ALL, ids=[w for w, _ in ALL])
def test_normalised_logstore_statements_are_valid_xapi(where, statement):
    """The adapter's output is stored: it must stay a valid 1.0.3 statement."""
    context = AdapterContext(catalogue={activity_key(statement["object"]["id"]): CATALOGUE_COURSE})
    normalised = ADAPTER.normalise(statement, context)
    validate_statement({**normalised, "id": derive_id(statement)}, "1.0.3")


def test_info_extension_without_the_plugin_key_is_not_moodle():
    """Learning Locker's info extension is used by others too; only the plugin URL decides."""
    statement = statements("moodle/course_completed")[0]
    del statement["context"]["extensions"][INFO_EXTENSION][PLUGIN_URL]
    assert recognise(statement) is None


def test_renamed_context_platform_is_still_moodle():
    """The "Context Platform" setting (classes/log/store.php `context_platform`) is free text."""
    statement = statements("moodle/course_completed")[0]
    statement["context"]["platform"] = "Lernplattform der Stadt"
    assert recognise(statement).name == "moodle"


def test_every_captured_statement_gets_a_distinct_id():
    ids = [derive_id(s) for body in captured_bodies() for s in body]
    assert None not in ids
    assert len(set(ids)) == len(ids)


def test_resend_transformed_again_gets_the_same_id():
    """failed_task.php re-transforms the event: new session registration, names read again."""
    first = statements("moodle/quiz_attempt_submitted")[0]
    again = copy.deepcopy(first)
    again["context"]["registration"] = "00000000-1111-5222-8333-444444444444"
    again["actor"]["name"] = "Erika Muster-Beispiel"
    again["object"]["definition"]["name"] = {"en": "Renamed quiz Attempt 88"}
    again["result"]["score"]["raw"] = 9
    again["context"]["extensions"][INFO_EXTENSION]["http://moodle.org"] = "5.0.7 (Build: 1)"
    assert derive_id(again) == derive_id(first)


@pytest.mark.parametrize(
    "home_page",
    [
        "https://LERNEN.stadt-beispiel.de/",
        "http://lernen.stadt-beispiel.de",
        "https://lernen.stadt-beispiel.de:443",
    ],
)
def test_id_ignores_how_the_site_root_is_spelled(home_page):
    statement = statements("moodle/course_completed")[0]
    variant = copy.deepcopy(statement)
    variant["actor"]["account"]["homePage"] = home_page
    assert derive_id(variant) == derive_id(statement)


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.update(timestamp="2026-11-20T09:15:43.000Z"),
        lambda s: s["actor"]["account"].update(name="43"),
        lambda s: s["verb"].update(id="http://adlnet.gov/expapi/verbs/passed"),
        lambda s: s["object"].update(id=course_iri("https://lernen.stadt-beispiel.de", 8)),
        lambda s: s["context"]["extensions"][INFO_EXTENSION].update(event_name="\\x\\event\\y"),
    ],
    ids=["timestamp", "user", "verb", "object", "event"],
)
def test_another_event_gets_another_id(change):
    statement = statements("moodle/course_completed")[0]
    other = copy.deepcopy(statement)
    change(other)
    assert derive_id(other) != derive_id(statement)


def test_same_instant_in_another_zone_is_the_same_event():
    statement = statements("moodle/course_completed")[0]
    other = {**statement, "timestamp": "2026-11-20T10:15:42+01:00"}
    assert derive_id(other) == derive_id(statement)


def test_client_chosen_id_is_left_alone():
    statement = {
        **statements("moodle/course_completed")[0],
        "id": "9f1b1a90-7f43-4d3e-8e8b-6f9c2c7f5f10",
    }
    assert ADAPTER.statement_id(statement, AdapterContext()) is None


def test_actor_is_the_lti_identity_of_the_same_moodle():
    """The captured launch: iss = wwwroot, sub = user id; the logstore actor must equal it."""
    claims = orjson.loads(LTI_CLAIMS.read_bytes())
    lti_agent = {
        "objectType": "Agent",
        "account": {"homePage": claims["iss"], "name": claims["sub"]},
    }
    statement = captured_bodies()[0][0]
    statement["actor"]["account"]["homePage"] += "/"  # as if typed with a slash
    actor = ADAPTER.normalise(statement, AdapterContext())["actor"]
    assert actor["account"] == lti_agent["account"]


def test_registered_spelling_of_the_site_wins():
    """A site registered as https:// keeps its learners when it still logs http:// URLs."""
    statement = statements("moodle/course_completed")[0]
    statement["actor"]["account"]["homePage"] = "http://Lernen.Stadt-Beispiel.de/"
    registered = {root_key("https://lernen.stadt-beispiel.de"): "https://lernen.stadt-beispiel.de"}
    actor = ADAPTER.normalise(statement, AdapterContext(site_roots=registered))["actor"]
    assert actor["account"]["homePage"] == "https://lernen.stadt-beispiel.de"
    assert actor["name"] == "Erika Muster"


def test_mbox_actor_stays_as_sent():
    """get_user.php mbox branch: no user id, nothing to link to the LTI identity."""
    statement = statements("moodle/user_loggedin_mbox")[0]
    assert ADAPTER.normalise(statement, AdapterContext())["actor"] == statement["actor"]


def _mapped(iri: str) -> AdapterContext:
    return AdapterContext(catalogue={activity_key(iri): CATALOGUE_COURSE})


def test_mapped_course_completion_names_the_catalogue_course_in_context_other():
    """adapters.canonical contract: object kept, course in contextActivities.other."""
    statement = statements("moodle/course_completed")[0]
    normalised = ADAPTER.normalise(statement, _mapped(statement["object"]["id"]))
    assert normalised["object"] == statement["object"]
    assert normalised["context"]["contextActivities"]["other"] == [
        {"objectType": "Activity", "id": CATALOGUE_COURSE}
    ]
    assert (
        normalised["context"]["contextActivities"]["category"]
        == (statement["context"]["contextActivities"]["category"])
    )


def test_mapping_matches_the_course_however_the_site_is_spelled():
    statement = statements("moodle/course_completed")[0]
    mapped = _mapped("http://LERNEN.stadt-beispiel.de/course/view.php?id=7")
    assert "other" in ADAPTER.normalise(statement, mapped)["context"]["contextActivities"]


def test_module_completion_inside_a_mapped_course_does_not_complete_the_course():
    statement = statements("moodle/course_module_completion_updated")[0]
    mapped = _mapped(course_iri("https://lernen.stadt-beispiel.de", 7))
    assert "other" not in ADAPTER.normalise(statement, mapped)["context"]["contextActivities"]


def test_mapped_module_completion_names_its_catalogue_course():
    statement = statements("moodle/course_module_completion_updated")[0]
    mapped = _mapped(module_iri("https://lernen.stadt-beispiel.de", "scorm", 15))
    other = ADAPTER.normalise(statement, mapped)["context"]["contextActivities"]["other"]
    assert other == [{"objectType": "Activity", "id": CATALOGUE_COURSE}]


def test_normalising_twice_adds_the_course_once():
    statement = statements("moodle/course_completed")[0]
    context = _mapped(statement["object"]["id"])
    twice = ADAPTER.normalise(ADAPTER.normalise(statement, context), context)
    assert len(twice["context"]["contextActivities"]["other"]) == 1


def test_normalise_does_not_change_its_input():
    statement = statements("moodle/course_completed")[0]
    before = copy.deepcopy(statement)
    statement["actor"]["account"]["homePage"] += "/"
    before["actor"]["account"]["homePage"] += "/"
    ADAPTER.normalise(statement, _mapped(statement["object"]["id"]))
    assert statement == before


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        ("https://m.example/course/view.php?id=7", ("https://m.example", "course", 7)),
        (
            "https://m.example/moodle/mod/quiz/view.php?id=16",
            ("https://m.example/moodle", "quiz", 16),
        ),
        ("HTTP://M.example/mod/scorm/view.php?id=3", ("http://m.example", "scorm", 3)),
        ("https://m.example/course/section.php?id=1", None),
        ("https://m.example/mod/quiz/attempt.php?attempt=88&cmid=16", None),
    ],
)
def test_moodle_activity_urls_are_taken_apart(iri, expected):
    """get_activity/course.php and course_module.php build these URLs."""
    parsed = parse_activity(iri)
    assert (None if parsed is None else (parsed.root, parsed.kind, parsed.id)) == expected
    if parsed is not None:
        assert activity_key(parsed.iri) == activity_key(iri)
