"""Alternate request syntax, xAPI 1.0.3 Part 3, 1.3: a POST whose `method` query parameter names
the intended method, with headers, query parameters and `content` as form parameters."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from tests.integration.xapi.helpers import new_id, statement

FORM = "application/x-www-form-urlencoded"


def _tunnel(xapi, method: str, resource: str, query: str = "", **form: str):
    fields = {
        "Authorization": xapi.headers()["Authorization"],
        "X-Experience-API-Version": xapi.version,
        **form,
    }
    return xapi.client.post(
        f"/xapi/{resource}?method={method}{query}", data=urlencode(fields), content_type=FORM
    )


def test_tunnelled_put_stores_and_tunnelled_get_reads_the_statement(xapi):
    """1.3.s3.b2: 'The intended xAPI method MUST be included as the value of the "method" query
    string parameter'; 1.3.s3.b7: 'The LRS MUST treat the form parameters listed above as header
    parameters'; 1.3.s3.b14: '… any form parameters other than "content" or the header
    parameters … as query string parameters'."""
    sid = new_id()
    put = _tunnel(
        xapi,
        "PUT",
        "statements",
        statementId=sid,
        content=json.dumps(statement()),
        **{"Content-Type": "application/json"},
    )
    assert put.status_code == 204, put.get_json()
    got = _tunnel(xapi, "GET", "statements", statementId=sid)
    assert got.status_code == 200
    assert got.get_json()["id"] == sid
    assert got.get_json()["verb"]["id"] == statement()["verb"]["id"]


def test_tunnelled_delete_removes_a_state_document(xapi):
    """1.3.s3.b15: 'The LRS MUST support the syntax above' — DELETE too."""
    params = {
        "activityId": "https://lernspur.de/xapi/activities/course/alt",
        "agent": json.dumps({"mbox": "mailto:anna@example.org"}),
        "stateId": "bookmark",
    }
    stored = xapi.put(f"activities/state?{urlencode(params)}", json={"page": 3})
    assert stored.status_code == 204
    deleted = _tunnel(xapi, "DELETE", "activities/state", **params)
    assert deleted.status_code == 204
    assert xapi.get(f"activities/state?{urlencode(params)}").status_code == 404


def test_other_query_parameters_are_refused_with_the_rule(xapi):
    """1.3.s3.b3: 'The Learning Record Provider MUST NOT include any other query string
    parameters on the request.'"""
    response = _tunnel(xapi, "GET", "statements", query="&limit=1")
    assert response.status_code == 400
    assert response.get_json()["error"]["details"] == [
        {"path": "query", "rule": "only `method` is allowed in the query string (Part 3, 1.3)"}
    ]


def test_a_method_that_is_no_xapi_method_is_refused(xapi):
    """1.3.s3.b2: the value of "method" is the intended xAPI method (GET, PUT, POST, DELETE)."""
    response = _tunnel(xapi, "PATCH", "statements")
    assert response.status_code == 400
    assert response.get_json()["error"]["details"] == [
        {"path": "query.method", "rule": "must be one of GET, PUT, POST, DELETE"}
    ]


def test_the_body_must_be_form_encoded(xapi):
    """1.3.s3.b4: content, headers and query parameters travel as form parameters."""
    response = xapi.client.post(
        "/xapi/statements?method=GET",
        data=json.dumps({"limit": 1}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["details"] == [
        {"path": "headers.Content-Type", "rule": "must be application/x-www-form-urlencoded"}
    ]


def test_xapi_2_0_has_no_alternate_syntax(xapi_factory):
    """IEEE 9274.1.1 (xAPI 2.0) removed the alternate request syntax: such a request is 400."""
    xapi = xapi_factory.as_(["all"], version="2.0.0")
    response = _tunnel(xapi, "GET", "statements")
    assert response.status_code == 400
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    assert response.get_json()["error"]["details"][0]["path"] == "query.method"


def test_an_oversized_form_body_is_413_before_it_is_read(app, xapi):
    """Part 3, 3.2 (via 1.3): an LRS MUST reject with 413 a request larger than it accepts —
    also when the request comes in the alternate syntax, whose form the LRS would otherwise
    read whole."""
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = _tunnel(
        xapi, "PUT", "statements", statementId=new_id(), content=json.dumps([statement()] * 50)
    )
    assert response.status_code == 413
    assert response.get_json()["error"] == {
        "code": "request_entity_too_large",
        "message": "The request body is too large.",
        "details": [{"path": "body", "rule": "must be at most 10000 bytes"}],
    }


def test_a_form_body_shorter_than_its_content_length_is_400(xapi):
    """A tunnelled request whose body ends early is refused, not stored as far as it came
    (the partial `content` would otherwise pass for the whole document)."""
    form = urlencode({"Authorization": xapi.headers()["Authorization"], "content": "{}"})
    response = xapi.client.post(
        "/xapi/statements?method=GET",
        data=form,
        content_type=FORM,
        environ_overrides={"CONTENT_LENGTH": str(len(form) + 500)},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["details"] == [
        {"path": "body", "rule": "must be as long as Content-Length says; it ended early"}
    ]
