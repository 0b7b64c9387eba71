"""Authorization scopes through HTTP (xAPI 1.0.3 Part 4, 4.2 "OAuth 1.0 Authorization Scope",
table 4.2.s2; xAPI 2.0 keeps the same scope table)."""

from __future__ import annotations

import pytest

from tests.integration.xapi.helpers import COURSE, statement
from tests.integration.xapi.test_document_listing import CREATE
from tests.integration.xapi.test_documents_api import ACTIVITY, AGENT, state_params

STATE = ("activities/state", state_params(stateId="bookmark"))
ACTIVITY_PROFILE = ("activities/profile", {"activityId": ACTIVITY, "profileId": "settings"})
AGENT_PROFILE = ("agents/profile", {"agent": AGENT, "profileId": "preferences"})
DOCUMENTS = [STATE, ACTIVITY_PROFILE, AGENT_PROFILE]


def assert_refused(response):
    assert response.status_code == 403, response.get_data(as_text=True)
    assert response.get_json()["error"]["details"][0]["path"] == "scope"


def writes(resource, params):
    """Every way of changing one document of `resource`, as (method, keyword arguments)."""
    return [
        ("PUT", {"json": {"v": 1}, "query_string": params, "headers": CREATE}),
        ("POST", {"json": {"v": 1}, "query_string": params}),
        ("DELETE", {"query_string": params}),
    ]


@pytest.fixture
def seeded(xapi):
    """A statement and one document of every kind, written with scope `all`."""
    sid = xapi.post("statements", json=statement()).get_json()[0]
    for resource, params in DOCUMENTS:
        assert (
            xapi.put(resource, json={"v": 0}, query_string=params, headers=CREATE).status_code
            == 204
        )
    return sid


# --- all/read --------------------------------------------------------------------------------


def test_all_read_reads_statements_and_every_document_resource(xapi_factory, seeded):
    """Part 4, 4.2.s2.table1.row6: all/read, "unrestricted read access"."""
    reader = xapi_factory.as_(["all/read"])
    assert reader.get("statements", query_string={"statementId": seeded}).status_code == 200
    assert [s["id"] for s in reader.get("statements").get_json()["statements"]] == [seeded]
    for resource, params in DOCUMENTS:
        got = reader.get(resource, query_string=params)
        assert got.status_code == 200, resource
        assert got.get_json() == {"v": 0}
    assert reader.get("activities/state", query_string=state_params()).get_json() == ["bookmark"]
    assert reader.get("activities", query_string={"activityId": COURSE}).status_code == 200
    assert reader.get("agents", query_string={"agent": AGENT}).status_code == 200


def test_all_read_cannot_store_statements(xapi_factory, xapi):
    """Part 4, 4.2.s2.table1.row6: all/read grants read access only; writing needs
    statements/write (row1) or all (row7)."""
    reader = xapi_factory.as_(["all/read"])
    assert_refused(reader.post("statements", json=statement()))
    assert_refused(
        reader.put(
            "statements",
            json=statement(),
            query_string={"statementId": "2f8c9bd4-3a7c-4d4c-9a63-6a1f3b3f7d11"},
        )
    )
    assert xapi.get("statements").get_json()["statements"] == []


@pytest.mark.parametrize(("resource", "params"), DOCUMENTS)
def test_all_read_cannot_change_documents(xapi_factory, xapi, seeded, resource, params):
    """Part 4, 4.2.s2.table1.row6: all/read is read access; PUT, POST and DELETE are refused
    and leave the document as it was."""
    reader = xapi_factory.as_(["all/read"])
    for method, kwargs in writes(resource, params):
        assert_refused(reader.request(method, resource, **kwargs))
    assert xapi.get(resource, query_string=params).get_json() == {"v": 0}


# --- state -----------------------------------------------------------------------------------


def test_state_scope_uses_the_state_resource(xapi_factory):
    """Part 4, 4.2.s2 table, row "state": "read/write state data"."""
    client = xapi_factory.as_(["state"])
    resource, params = STATE
    assert client.put(resource, json={"page": 1}, query_string=params).status_code == 204
    assert client.post(resource, json={"done": False}, query_string=params).status_code == 204
    assert client.get(resource, query_string=params).get_json() == {"page": 1, "done": False}
    assert client.get(resource, query_string=state_params()).get_json() == ["bookmark"]
    assert client.delete(resource, query_string=params).status_code == 204
    assert client.get(resource, query_string=params).status_code == 404


@pytest.mark.parametrize(("resource", "params"), [ACTIVITY_PROFILE, AGENT_PROFILE])
def test_state_scope_cannot_use_profiles(xapi_factory, xapi, seeded, resource, params):
    """Part 4, 4.2.s2 table: profile documents need scope "profile" (row5), not "state"."""
    client = xapi_factory.as_(["state"])
    assert_refused(client.get(resource, query_string=params))
    for method, kwargs in writes(resource, params):
        assert_refused(client.request(method, resource, **kwargs))
    assert xapi.get(resource, query_string=params).get_json() == {"v": 0}


def test_state_scope_cannot_read_or_write_statements(xapi_factory):
    """Part 4, 4.2.s2 table: statements need statements/read (row3) or statements/write
    (row1); "state" grants state data only."""
    client = xapi_factory.as_(["state"])
    assert_refused(client.get("statements"))
    assert_refused(client.post("statements", json=statement()))


# --- profile ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("resource", "params"), [ACTIVITY_PROFILE, AGENT_PROFILE])
def test_profile_scope_uses_the_profile_resources(xapi_factory, resource, params):
    """Part 4, 4.2.s2.table1.row5: profile, "read/write Profile document data"."""
    client = xapi_factory.as_(["profile"])
    assert (
        client.put(resource, json={"a": 1}, query_string=params, headers=CREATE).status_code == 204
    )
    assert client.post(resource, json={"b": 2}, query_string=params).status_code == 204
    assert client.get(resource, query_string=params).get_json() == {"a": 1, "b": 2}
    listing = {k: v for k, v in params.items() if k != "profileId"}
    assert client.get(resource, query_string=listing).get_json() == [params["profileId"]]
    assert client.delete(resource, query_string=params).status_code == 204
    assert client.get(resource, query_string=params).status_code == 404


def test_profile_scope_cannot_use_the_state_resource(xapi_factory, xapi, seeded):
    """Part 4, 4.2.s2 table: state data needs scope "state"; "profile" (row5) covers Profile
    documents only."""
    client = xapi_factory.as_(["profile"])
    resource, params = STATE
    assert_refused(client.get(resource, query_string=params))
    assert_refused(client.get(resource, query_string=state_params()))
    for method, kwargs in writes(resource, params):
        assert_refused(client.request(method, resource, **kwargs))
    assert xapi.get(resource, query_string=params).get_json() == {"v": 0}


# --- define ----------------------------------------------------------------------------------


def statement_defining(name):
    body = statement()
    body["object"]["definition"] = {"name": {"de-DE": name}}
    return body


def stored_definition(client):
    activity = client.get("activities", query_string={"activityId": COURSE}).get_json()
    return activity.get("definition")


def test_without_define_a_statement_does_not_define_a_new_activity(xapi_factory):
    """Part 4, 4.2.s2.table1.row4: define, "(re)Define Activities and Actors. If storing a
    Statement when this is not granted, ids will be saved ... but SHOULD NOT update its
    canonical representation of any Actors or Activities"."""
    writer = xapi_factory.as_(["statements/write", "statements/read"])
    sid = writer.post("statements", json=statement_defining("Erster Name")).get_json()[0]
    stored = writer.get("statements", query_string={"statementId": sid}).get_json()
    assert stored["object"]["definition"] == {"name": {"de-DE": "Erster Name"}}
    assert writer.get("activities", query_string={"activityId": COURSE}).get_json() == {
        "objectType": "Activity",
        "id": COURSE,
    }


def test_without_define_a_statement_does_not_replace_the_stored_definition(xapi_factory):
    """Part 4, 4.2.s2.table1.row4: without define the LRS "SHOULD NOT update its canonical
    representation of any ... Activities" (GET /activities, Part 3, 2.5)."""
    definer = xapi_factory.as_(["statements/write", "define"])
    writer = xapi_factory.as_(["statements/write"])
    assert definer.post("statements", json=statement_defining("Erster Name")).status_code == 200
    assert writer.post("statements", json=statement_defining("Zweiter Name")).status_code == 200
    assert stored_definition(writer) == {"name": {"de-DE": "Erster Name"}}


def test_with_define_a_statement_updates_the_stored_definition(xapi_factory):
    """Part 4, 4.2.s2.table1.row4: define, "(re)Define Activities": a credential with it
    changes the LRS's canonical Activity definition (GET /activities, Part 3, 2.5)."""
    definer = xapi_factory.as_(["statements/write", "define"])
    assert definer.post("statements", json=statement_defining("Erster Name")).status_code == 200
    assert stored_definition(definer) == {"name": {"de-DE": "Erster Name"}}
    assert definer.post("statements", json=statement_defining("Zweiter Name")).status_code == 200
    assert stored_definition(definer) == {"name": {"de-DE": "Zweiter Name"}}


def test_define_alone_does_not_allow_storing_statements(xapi_factory):
    """Part 4, 4.2.s2.table1.row1: storing statements needs statements/write; define (row4)
    only decides what a stored statement may (re)define."""
    definer = xapi_factory.as_(["define"])
    assert_refused(definer.post("statements", json=statement_defining("Name")))
    assert stored_definition(definer) is None
