"""State, Activity Profile and Agent Profile resources (xAPI 1.0.3 Part 3, 2.2-2.7, 3.1)."""

from __future__ import annotations

import hashlib
import json

import pytest

ACTIVITY = "https://lernspur.de/xapi/activities/course/datenschutz-kompakt"
AGENT = json.dumps({"objectType": "Agent", "mbox": "mailto:anna@example.org"})


def state_params(**more):
    return {"activityId": ACTIVITY, "agent": AGENT, **more}


def test_state_put_get_roundtrip_with_sha1_etag(xapi):
    """Part 3, 3.1: GET MUST send an ETag: the quoted hex SHA-1 of the contents."""
    body = b'{"bookmark": "page-3"}'
    put = xapi.put(
        "activities/state",
        data=body,
        query_string=state_params(stateId="s1"),
        headers={"Content-Type": "application/json"},
    )
    assert put.status_code == 204
    got = xapi.get("activities/state", query_string=state_params(stateId="s1"))
    assert got.status_code == 200
    assert got.data == body
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["ETag"] == f'"{hashlib.sha1(body).hexdigest()}"'  # noqa: S324
    assert "Last-Modified" in got.headers


def test_state_post_merges_json_objects(xapi):
    """Part 3, 2.2 (JSON procedure): POST merges the top-level keys; later values win."""
    params = state_params(stateId="progress")
    xapi.post("activities/state", json={"a": 1, "b": 1}, query_string=params)
    xapi.post("activities/state", json={"b": 2, "c": 3}, query_string=params)
    assert xapi.get("activities/state", query_string=params).get_json() == {"a": 1, "b": 2, "c": 3}


def test_state_post_merge_into_non_json_is_400_and_keeps_document(xapi):
    params = state_params(stateId="blob")
    xapi.put(
        "activities/state",
        data=b"\x00\x01",
        query_string=params,
        headers={"Content-Type": "application/octet-stream"},
    )
    response = xapi.post("activities/state", json={"a": 1}, query_string=params)
    assert response.status_code == 400
    assert xapi.get("activities/state", query_string=params).data == b"\x00\x01"


def test_state_ids_listing_and_delete_all(xapi):
    """Part 3, 2.3: GET without stateId lists ids; DELETE without stateId deletes all."""
    for sid in ("x", "y"):
        xapi.put("activities/state", json={"k": sid}, query_string=state_params(stateId=sid))
    assert xapi.get("activities/state", query_string=state_params()).get_json() == ["x", "y"]
    assert xapi.delete("activities/state", query_string=state_params()).status_code == 204
    assert xapi.get("activities/state", query_string=state_params()).get_json() == []


def test_state_registration_separates_documents(xapi):
    reg = "9b5b5d3a-4a8e-4a52-9a4e-2f0c56b1d0a1"
    xapi.put(
        "activities/state", json={"r": 1}, query_string=state_params(stateId="s", registration=reg)
    )
    other = xapi.get("activities/state", query_string=state_params(stateId="s"))
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("resource", "params"),
    [
        ("activities/state", state_params(stateId="c")),
        ("activities/profile", {"activityId": ACTIVITY, "profileId": "c"}),
        ("agents/profile", {"agent": AGENT, "profileId": "c"}),
    ],
)
def test_concurrency_rules_for_every_document_resource(xapi, resource, params):
    """Part 3, 3.1: If-Match mismatch -> 412; If-None-Match:* on existing -> 412; PUT without
    either header on an existing document -> 409 Conflict."""
    create = xapi.put(resource, json={"v": 1}, query_string=params, headers={"If-None-Match": "*"})
    assert create.status_code == 204
    etag = xapi.get(resource, query_string=params).headers["ETag"]
    assert (
        xapi.put(
            resource, json={"v": 2}, query_string=params, headers={"If-None-Match": "*"}
        ).status_code
        == 412
    )
    assert (
        xapi.put(
            resource, json={"v": 2}, query_string=params, headers={"If-Match": '"0000"'}
        ).status_code
        == 412
    )
    conflict = xapi.put(resource, json={"v": 2}, query_string=params)
    assert conflict.status_code == 409
    assert conflict.get_json()["error"]["message"]
    assert (
        xapi.put(
            resource, json={"v": 3}, query_string=params, headers={"If-Match": etag}
        ).status_code
        == 204
    )
    assert xapi.get(resource, query_string=params).get_json() == {"v": 3}


def test_profile_put_without_precondition_on_new_document_is_400(xapi):
    """Part 3, 3.1 Client Requirements: a profile PUT MUST include If-Match or If-None-Match."""
    response = xapi.put(
        "activities/profile",
        json={"v": 1},
        query_string={"activityId": ACTIVITY, "profileId": "new"},
    )
    assert response.status_code == 400


def test_documents_are_scoped_per_organisation(xapi_factory):
    ours = xapi_factory.as_(org="org-a")
    theirs = xapi_factory.as_(org="org-b")
    ours.put("activities/state", json={"secret": 1}, query_string=state_params(stateId="s"))
    assert theirs.get("activities/state", query_string=state_params(stateId="s")).status_code == 404
    assert theirs.get("activities/state", query_string=state_params()).get_json() == []


@pytest.mark.parametrize(
    "params",
    [
        {"agent": AGENT, "stateId": "s"},
        {"activityId": ACTIVITY, "stateId": "s"},
        {"activityId": ACTIVITY, "agent": "true", "stateId": "s"},
        {"activityId": ACTIVITY, "agent": AGENT, "registration": "nope", "stateId": "s"},
        {"activityId": ACTIVITY, "agent": AGENT, "since": "not a timestamp"},
    ],
)
def test_state_bad_parameters_are_400(xapi, params):
    """Part 3, 2.3: activityId and agent are required; registration a UUID; since a timestamp."""
    assert xapi.get("activities/state", query_string=params).status_code == 400


def test_agents_resource_returns_person_object(xapi):
    """Part 3, 2.4: GET /agents returns a Person object with array-valued properties."""
    response = xapi.get("agents", query_string={"agent": AGENT})
    assert response.get_json() == {"objectType": "Person", "mbox": ["mailto:anna@example.org"]}


def test_activities_resource_returns_merged_definition(xapi):
    """Part 3, 2.5: the LRS's canonical Activity definition, language maps merged."""
    from tests.integration.xapi.helpers import statement

    first = statement()
    first["object"]["definition"] = {"name": {"de-DE": "Datenschutz"}}
    first["object"]["id"] = ACTIVITY
    second = statement()
    second["object"]["definition"] = {"name": {"en-US": "Data protection"}}
    second["object"]["id"] = ACTIVITY
    xapi.post("statements", json=[first, second])
    activity = xapi.get("activities", query_string={"activityId": ACTIVITY}).get_json()
    assert activity == {
        "objectType": "Activity",
        "id": ACTIVITY,
        "definition": {"name": {"de-DE": "Datenschutz", "en-US": "Data protection"}},
    }
