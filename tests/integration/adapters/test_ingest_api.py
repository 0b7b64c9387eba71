"""Moodle and ILIAS statement traffic through HTTP: stored normalised, raw kept, idempotent.

Issue 5. What programme figures count (issue 4) cannot be checked here; these tests pin what
its projections rely on - the catalogue course in `context.contextActivities.other` of a mapped
completion - and that the related-activities index finds it there.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.moodle import logstore
from adapters.moodle.logstore import derive_id
from lrs.auth.services import create_credential, create_organisation, get_organisation
from lrs.catalogue.services import load_catalogue
from lrs.platform_adapters.models import StatementRaw
from lrs.platform_adapters.services import add_moodle_site, map_activity
from lrs.statement_store.models import Statement
from statements.privacy import mbox_sha1sum
from tests.conftest import XapiClient
from tests.integration.xapi.helpers import statement as plain_statement
from tests.platform_fixtures import captured_bodies, statements

CATALOGUE_IRI = "https://lernspur.de/xapi/activities/course/datenschutz-kompakt"


def _get(xapi: XapiClient, statement_id: str) -> dict[str, Any]:
    response = xapi.get("statements", query_string={"statementId": statement_id})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _raw_rows(db_session) -> list[StatementRaw]:
    db_session.expire_all()
    return list(db_session.scalars(select(StatementRaw).order_by(StatementRaw.statement_pk)))


def _count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Statement))


def _catalogue(db_session) -> None:
    load_catalogue(
        db_session,
        {
            "courses": [
                {
                    "id": "datenschutz-kompakt",
                    "activity": CATALOGUE_IRI,
                    "title": {"de": "Datenschutz"},
                }
            ]
        },
    )


def test_captured_moodle_session_is_stored_under_derived_ids_with_raw_copies(xapi, db_session):
    """The captured logstore_xapi 5.0.1 requests: POST arrays without ids, version 1.0.3."""
    bodies = captured_bodies()
    returned = []
    for body in bodies:
        response = xapi.post("statements", json=body)
        assert response.status_code == 200, response.get_data(as_text=True)
        returned += response.get_json()
    expected = [derive_id(s) for body in bodies for s in body]
    assert returned == expected
    rows = _raw_rows(db_session)
    assert len(rows) == len(expected)
    assert {r.adapter for r in rows} == {"moodle"}
    assert all(r.error is None for r in rows)
    assert [r.raw for r in rows] == [s for body in captured_bodies() for s in body]
    stored = _get(xapi, expected[1])  # the course completion
    assert stored["object"]["id"] == "http://127.0.0.1:8080/course/view.php?id=2"
    assert stored["actor"]["account"] == {"homePage": "http://127.0.0.1:8080", "name": "3"}


def test_resending_the_captured_session_stores_nothing_twice(xapi, db_session):
    """A lost response makes the plugin send the batch again (classes/task/failed_task.php)."""
    for body in captured_bodies():
        xapi.post("statements", json=body)
    before = _count(db_session)
    for body in captured_bodies():
        assert xapi.post("statements", json=body).status_code == 200
    assert _count(db_session) == before
    assert len(_raw_rows(db_session)) == before


def test_resend_transformed_anew_answers_with_the_stored_statement(xapi, db_session):
    """A re-transformed resend differs (new session registration, renamed user): not a 409."""
    body = statements("moodle/course_completed")
    (first,) = xapi.post("statements", json=body).get_json()
    again = copy.deepcopy(body)
    again[0]["context"]["registration"] = "6d1f7c3a-0b2e-5f4d-9a8c-7e6d5c4b3a21"
    again[0]["actor"]["name"] = "Erika Muster-Beispiel"
    response = xapi.post("statements", json=again)
    assert response.status_code == 200
    assert response.get_json() == [first]
    stored = _get(xapi, first)
    assert stored["actor"]["name"] == "Erika Muster"
    assert stored["context"]["registration"] == body[0]["context"]["registration"]
    assert _count(db_session) == 1


def test_the_same_event_twice_in_one_batch_is_stored_once(xapi, db_session):
    body = statements("moodle/course_completed")
    response = xapi.post("statements", json=body + copy.deepcopy(body))
    assert response.status_code == 200
    first, second = response.get_json()
    assert first == second
    assert _count(db_session) == 1


def test_client_chosen_ids_keep_xapi_conflict_rules(xapi):
    """Only ids the adapter derived are lenient; a client's own id conflicts as usual."""
    body = statements("moodle/course_completed")
    body[0]["id"] = "1c0a4f3e-2b7d-4e9a-8c6b-5d4e3f2a1b0c"
    assert xapi.post("statements", json=body).status_code == 200
    body[0]["verb"]["id"] = "http://adlnet.gov/expapi/verbs/passed"
    assert xapi.post("statements", json=body).status_code == 409


def test_site_root_spelled_with_a_slash_is_stored_as_the_registered_root(xapi, db_session):
    """homePage = LTI issuer: the stored actor is the learner's LTI identity."""
    org = get_organisation(db_session, xapi.org)
    add_moodle_site(
        db_session, org, "https://lernen.stadt-beispiel.de", None, "k", allow_private=True
    )
    db_session.commit()
    body = statements("moodle/course_completed")
    body[0]["actor"]["account"]["homePage"] = "http://LERNEN.stadt-beispiel.de/"
    (sid,) = xapi.post("statements", json=body).get_json()
    assert _get(xapi, sid)["actor"]["account"]["homePage"] == "https://lernen.stadt-beispiel.de"
    (raw,) = _raw_rows(db_session)
    assert raw.raw["actor"]["account"]["homePage"] == "http://LERNEN.stadt-beispiel.de/"
    found = xapi.get(
        "statements",
        query_string={
            "agent": '{"account": {"homePage": "https://lernen.stadt-beispiel.de", "name": "42"}}'
        },
    ).get_json()
    assert [s["id"] for s in found["statements"]] == [sid]


def test_mapped_course_completion_counts_for_the_catalogue_course(xapi, db_session):
    """The catalogue contract: the course IRI in contextActivities.other, found as related."""
    _catalogue(db_session)
    org = get_organisation(db_session, xapi.org)
    map_activity(
        db_session,
        org,
        "moodle",
        "https://lernen.stadt-beispiel.de/course/view.php?id=7",
        "datenschutz-kompakt",
    )
    db_session.commit()
    ids = []
    for name in ("course_completed", "course_module_completion_updated"):
        ids += xapi.post("statements", json=statements(f"moodle/{name}")).get_json()
    course_completion = _get(xapi, ids[0])
    assert {"objectType": "Activity", "id": CATALOGUE_IRI} in (
        course_completion["context"]["contextActivities"]["other"]
    )
    assert "other" not in _get(xapi, ids[1])["context"]["contextActivities"]
    related = xapi.get(
        "statements", query_string={"activity": CATALOGUE_IRI, "related_activities": "true"}
    ).get_json()
    assert [s["id"] for s in related["statements"]] == [ids[0]]


def _stripping_client(xapi_factory, db_session) -> XapiClient:
    org = create_organisation(db_session, "org-private", "Private")
    issued = create_credential(db_session, org, ["all"], strip_personal_data=True)
    db_session.commit()
    return XapiClient(xapi_factory._client, issued.key, issued.secret, "org-private")


def test_strip_personal_data_removes_names_and_hashes_mbox_before_storing(xapi_factory, db_session):
    client = _stripping_client(xapi_factory, db_session)
    body = statements("moodle/user_loggedin_mbox") + statements("moodle/course_completed")
    ids = client.post("statements", json=body).get_json()
    login, completion = _get(client, ids[0]), _get(client, ids[1])
    assert login["actor"] == {"mbox_sha1sum": mbox_sha1sum("mailto:erika.muster@stadt-beispiel.de")}
    assert completion["actor"] == {
        "account": {"homePage": "https://lernen.stadt-beispiel.de", "name": "42"}
    }
    for row in _raw_rows(db_session):  # nothing personal kept on the side either
        assert "name" not in row.raw["actor"]
        assert "mbox" not in row.raw["actor"]


def test_strip_personal_data_applies_to_every_client(xapi_factory, db_session):
    client = _stripping_client(xapi_factory, db_session)
    (sid,) = client.post("statements", json=plain_statement()).get_json()
    assert _get(client, sid)["actor"] == {
        "objectType": "Agent",
        "mbox_sha1sum": mbox_sha1sum("mailto:anna@example.org"),
    }
    assert _raw_rows(db_session) == []


def test_without_the_option_statements_are_stored_as_sent(xapi, db_session):
    body = plain_statement(actor="mailto:Anna.Beispiel@example.org")
    body["actor"]["name"] = "Anna Beispiel"
    (sid,) = xapi.post("statements", json=body).get_json()
    stored = _get(xapi, sid)
    for key in ("actor", "verb", "object"):
        assert stored[key] == body[key]
    assert _raw_rows(db_session) == []


def test_adapter_error_stores_the_statement_as_received_and_flags_it(xapi, db_session, monkeypatch):
    def broken(self, statement, context):
        raise RuntimeError("transformer broke")

    monkeypatch.setattr(logstore.LogstoreAdapter, "normalise", broken)
    body = statements("moodle/course_completed")
    response = xapi.post("statements", json=body)
    assert response.status_code == 200
    (sid,) = response.get_json()
    assert sid == derive_id(body[0])  # the id still makes a resend idempotent
    assert _get(xapi, sid)["actor"] == body[0]["actor"]
    (row,) = _raw_rows(db_session)
    assert row.error == "normalise: RuntimeError: transformer broke"


def test_ilias_launched_statement_put_is_stored_with_its_raw_copy(xapi, db_session):
    """ilCmiXapiLaunchGUI::CMI5preLaunch PUTs the launched statement under its own id."""
    launched = statements("ilias/cmi5_launched")[0]
    response = xapi.put("statements", json=launched, query_string={"statementId": launched["id"]})
    assert response.status_code == 204
    stored = _get(xapi, launched["id"])
    assert stored["verb"]["id"] == "http://adlnet.gov/expapi/verbs/launched"
    (row,) = _raw_rows(db_session)
    assert row.adapter == "ilias"
    assert row.raw == launched


def test_ilias_hidden_timestamp_becomes_the_stored_time(xapi):
    """XapiProxyPolyFill.php "hide data": the epoch placeholder is no date of learning."""
    body = statements("ilias/proxy_hide_data")
    (sid,) = xapi.post("statements", json=body).get_json()
    stored = _get(xapi, sid)
    assert stored["timestamp"] == stored["stored"]


@pytest.mark.parametrize("name", ["cmi5_satisfied", "cmi5_au_completed"])
def test_ilias_cmi5_statements_are_accepted(xapi, name):
    body = statements(f"ilias/{name}")
    assert xapi.post("statements", json=body).status_code == 200
    assert _get(xapi, body[0]["id"])["verb"] == body[0]["verb"]


def test_ilias_proxy_reads_a_learners_statements_of_its_object(xapi):
    """XapiProxyRequest::handleGetStatementsRequest appends `activity=<object activity id>
    &related_activities=true` and the learner's `registration`; it sends Content-Type JSON."""
    body = statements("ilias/cmi5_au_completed")
    launched = statements("ilias/cmi5_launched")[0]
    xapi.post("statements", json=[*body, launched])
    xapi.post("statements", json=statements("ilias/xapi_generic_mbox"))
    response = xapi.get(
        "statements",
        query_string={
            "activity": body[0]["object"]["id"],
            "related_activities": "true",
            "registration": body[0]["context"]["registration"],
        },
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200
    found = [s["id"] for s in response.get_json()["statements"]]
    assert sorted(found) == sorted([body[0]["id"], launched["id"]])
