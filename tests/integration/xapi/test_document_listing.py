"""Document ids listed `since` a time, JSON merge and DELETE on the Profile resources
(xAPI 1.0.3 Part 3, 2.2, 2.3, 2.6, 2.7 and 3.1; xAPI 2.0, Part 3, 1.1.6.2, 1.1.6.5, 1.1.6.6)."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from lrs.documents.models import Document
from tests.integration.xapi.test_documents_api import ACTIVITY, AGENT, state_params

# (resource, parameters naming the set of documents, name of the document id parameter)
RESOURCES = [
    pytest.param("activities/state", state_params(), "stateId", id="state"),
    pytest.param(
        "activities/profile", {"activityId": ACTIVITY}, "profileId", id="activity-profile"
    ),
    pytest.param("agents/profile", {"agent": AGENT}, "profileId", id="agent-profile"),
]
PROFILES = [p for p in RESOURCES if p.id != "state"]
CREATE = {"If-None-Match": "*"}  # profiles are written with a precondition (Part 3, 3.1.s3.b1)


def ids_since(xapi, resource, params, since=None):
    query = dict(params) if since is None else {**params, "since": since}
    response = xapi.get(resource, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def write(xapi, resource, params, id_param, doc_id, content):
    """Create or merge a JSON document with POST (no precondition needed, Part 3, 3.1.s3.b2)."""
    response = xapi.post(resource, json=content, query_string={**params, id_param: doc_id})
    assert response.status_code == 204, response.get_data(as_text=True)


def moment_between_writes():
    """An instant strictly after every write so far and before every later one."""
    time.sleep(0.005)
    moment = datetime.now(UTC)
    time.sleep(0.005)
    return moment.isoformat()


@pytest.mark.parametrize(("resource", "params", "id_param"), RESOURCES)
def test_ids_listing_since_returns_documents_stored_or_updated_after_it(
    xapi, resource, params, id_param
):
    """Part 3, 2.3.s4 / 2.6.s4 / 2.7.s4 (Multiple Document GET): "Fetches ... ids of all ...
    documents ... If "since" parameter is specified, this is limited to entries that have been
    stored or updated since the specified Timestamp (exclusive)"."""
    write(xapi, resource, params, id_param, "early", {"n": 1})
    write(xapi, resource, params, id_param, "middle", {"n": 2})
    before_late = moment_between_writes()
    write(xapi, resource, params, id_param, "late", {"n": 3})
    assert sorted(ids_since(xapi, resource, params)) == ["early", "late", "middle"]
    assert ids_since(xapi, resource, params, before_late) == ["late"]
    before_update = moment_between_writes()
    assert ids_since(xapi, resource, params, before_update) == []
    write(xapi, resource, params, id_param, "early", {"n": 4})  # updated, so listed again
    assert ids_since(xapi, resource, params, before_update) == ["early"]
    assert sorted(ids_since(xapi, resource, params, before_late)) == ["early", "late"]


@pytest.mark.parametrize(("resource", "params", "id_param"), RESOURCES)
def test_ids_listing_since_is_exclusive(xapi, db_session, resource, params, id_param):
    """Part 3, 2.3.s4.table1.row4 / 2.6.s4.table1.row2 / 2.7.s4.table1.row2: "Only ids of ... stored
    since the specified Timestamp (exclusive) are returned": a document updated exactly at
    `since` is not listed."""
    write(xapi, resource, params, id_param, "first", {"n": 1})
    time.sleep(0.002)
    write(xapi, resource, params, id_param, "second", {"n": 2})
    updated = dict(db_session.execute(select(Document.doc_id, Document.updated_at)).all())
    assert updated["first"] < updated["second"]
    assert ids_since(xapi, resource, params, updated["first"].isoformat()) == ["second"]
    assert ids_since(xapi, resource, params, updated["second"].isoformat()) == []


@pytest.mark.parametrize(("resource", "params", "id_param"), RESOURCES)
def test_ids_listing_since_is_only_for_listing(xapi, resource, params, id_param):
    """xAPI 2.0, Part 3, 1.1.6.2 (State, single document): since "Do not use for single
    document GET request ... If the stateId parameter is included, Not Allowed" (and so for
    profileId); 1.0.3 Part 3, 3.2: the LRS rejects parameters not allowed in this context."""
    write(xapi, resource, params, id_param, "doc", {"n": 1})
    query = {**params, id_param: "doc", "since": "2020-01-01T00:00:00Z"}
    assert xapi.get(resource, query_string=query).status_code == 400


@pytest.mark.parametrize(("resource", "params", "id_param"), PROFILES)
def test_profile_post_merges_top_level_properties_of_json_documents(
    xapi, resource, params, id_param
):
    """Part 3, 2.2.s7 (JSON Procedure): "for each property directly defined on the Object being
    posted, set the corresponding property on the existing Object equal to the value from the
    posted Object"; "only top-level properties are merged, even if a top-level property is an
    Object"; 2.2.s8.b2: "If the merge is successful, the LRS MUST respond with HTTP status code
    204 No Content"."""
    query = {**params, id_param: "settings"}
    existing = {"x": "foo", "y": "bar", "nested": {"a": 1}}
    assert xapi.put(resource, json=existing, query_string=query, headers=CREATE).status_code == 204
    posted = {"x": "bash", "z": "faz", "nested": {"b": 2}}
    assert xapi.post(resource, json=posted, query_string=query).status_code == 204
    got = xapi.get(resource, query_string=query)
    assert got.get_json() == {"x": "bash", "y": "bar", "nested": {"b": 2}, "z": "faz"}
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["ETag"] == f'"{hashlib.sha1(got.data).hexdigest()}"'  # noqa: S324


@pytest.mark.parametrize(("resource", "params", "id_param"), PROFILES)
def test_profile_post_creates_a_missing_document(xapi, resource, params, id_param):
    """Part 3, 2.6.s3 / 2.7.s3: POST "Stores, changes ..." the Profile document, 204."""
    query = {**params, id_param: "fresh"}
    assert xapi.post(resource, json={"k": "v"}, query_string=query).status_code == 204
    assert xapi.get(resource, query_string=query).get_json() == {"k": "v"}


@pytest.mark.parametrize(("resource", "params", "id_param"), PROFILES)
@pytest.mark.parametrize(
    ("stored", "stored_type", "posted", "posted_type"),
    [
        pytest.param(b"plain text", "text/plain", b'{"a": 1}', "application/json", id="stored"),
        pytest.param(b'{"a": 1}', "application/json", b'{"b": 2}', "text/plain", id="posted"),
        pytest.param(b'{"a": 1}', "application/json", b"[1, 2]", "application/json", id="array"),
    ],
)
def test_profile_post_merge_of_non_json_objects_is_400_and_changes_nothing(
    xapi, resource, params, id_param, stored, stored_type, posted, posted_type
):
    """Part 3, 2.2.s8.b1: "If the document being posted or any existing document does not have
    a Content-Type of application/json, or if either document cannot be parsed as a JSON
    Object, the LRS MUST respond with HTTP status code 400 Bad Request, and MUST NOT update the
    target document"."""
    query = {**params, id_param: "doc"}
    created = xapi.put(
        resource, data=stored, query_string=query, headers={**CREATE, "Content-Type": stored_type}
    )
    assert created.status_code == 204
    response = xapi.post(
        resource, data=posted, query_string=query, headers={"Content-Type": posted_type}
    )
    assert response.status_code == 400
    got = xapi.get(resource, query_string=query)
    assert got.data == stored
    assert got.headers["Content-Type"].startswith(stored_type)


@pytest.mark.parametrize(("resource", "params", "id_param"), PROFILES)
def test_profile_delete_removes_only_that_document(xapi, resource, params, id_param):
    """Part 3, 2.6.s3 / 2.7.s3: DELETE "deletes the specified Profile document", 204 No
    Content; the other documents stay."""
    for doc_id in ("gone", "kept"):
        write(xapi, resource, params, id_param, doc_id, {"id": doc_id})
    response = xapi.delete(resource, query_string={**params, id_param: "gone"})
    assert response.status_code == 204
    assert response.data == b""
    assert xapi.get(resource, query_string={**params, id_param: "gone"}).status_code == 404
    assert ids_since(xapi, resource, params) == ["kept"]


@pytest.mark.parametrize(("resource", "params", "id_param"), PROFILES)
def test_profile_delete_honours_if_match(xapi, resource, params, id_param):
    """Part 3, 3.1.s3.b3: a DELETE to a Profile resource "SHOULD* include the If-Match header"
    (RFC 2616, 14.24): a stale ETag gets 412 and keeps the document, the current one deletes."""
    query = {**params, id_param: "guarded"}
    write(xapi, resource, params, id_param, "guarded", {"v": 1})
    etag = xapi.get(resource, query_string=query).headers["ETag"]
    stale = xapi.delete(resource, query_string=query, headers={"If-Match": '"0000"'})
    assert stale.status_code == 412
    assert xapi.get(resource, query_string=query).get_json() == {"v": 1}
    assert xapi.delete(resource, query_string=query, headers={"If-Match": etag}).status_code == 204
    assert xapi.get(resource, query_string=query).status_code == 404


@pytest.mark.parametrize(("resource", "params", "id_param"), PROFILES)
def test_profile_delete_needs_a_profile_id(xapi, resource, params, id_param):
    """Part 3, 2.6.s3.table1.row2 / 2.7.s3.table1.row2: profileId is Required (only the State
    resource has a multiple-document DELETE, 2.3.s5); nothing is deleted."""
    write(xapi, resource, params, id_param, "doc", {"v": 1})
    assert xapi.delete(resource, query_string=params).status_code == 400
    assert ids_since(xapi, resource, params) == ["doc"]
