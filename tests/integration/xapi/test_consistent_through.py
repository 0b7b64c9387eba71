"""X-Experience-API-Consistent-Through on Statement resource responses.

xAPI 1.0.3 Part 3, 2.1.3.s2.b5: "The LRS MUST include the header
"X-Experience-API-Consistent-Through", in ISO 8601 combined date and time format, on all
responses to Statements Resource requests, with a value of the timestamp for which all Statements
that have or will have a "stored" property before that time are known with reasonable certainty
to be available for retrieval. ... It is expected that this will be a recent timestamp, even if
there are no recently received Statements."
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.integration.xapi.helpers import new_id, statement

HEADER = "X-Experience-API-Consistent-Through"
# ISO 8601 combined date and time, with a UTC designator or offset.
ISO_8601 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def _stored_before(xapi):
    sid = xapi.post("statements", json=statement()).get_json()[0]
    body = xapi.get("statements", query_string={"statementId": sid}).get_json()
    return sid, datetime.fromisoformat(body["stored"])


REQUESTS = {  # name: (expected status, request made after one statement was stored)
    "GET single": (
        200,
        lambda xapi, sid: xapi.get("statements", query_string={"statementId": sid}),
    ),
    "GET voided single (404)": (
        404,
        lambda xapi, sid: xapi.get("statements", query_string={"voidedStatementId": sid}),
    ),
    "GET list": (200, lambda xapi, sid: xapi.get("statements", query_string={"limit": 1})),
    "GET list with attachments": (
        200,
        lambda xapi, sid: xapi.get("statements", query_string={"attachments": "true"}),
    ),
    "PUT": (
        204,
        lambda xapi, sid: xapi.put(
            "statements", json=statement(), query_string={"statementId": new_id()}
        ),
    ),
    "POST": (200, lambda xapi, sid: xapi.post("statements", json=statement())),
    "POST invalid (400)": (400, lambda xapi, sid: xapi.post("statements", json={"actor": {}})),
    "GET unknown parameter (400)": (
        400,
        lambda xapi, sid: xapi.get("statements", query_string={"statementid": sid}),
    ),
    "PUT conflicting id (409)": (
        409,
        lambda xapi, sid: xapi.put(
            "statements",
            json=statement(verb="http://adlnet.gov/expapi/verbs/attempted"),
            query_string={"statementId": sid},
        ),
    ),
    "GET without credentials (401)": (
        401,
        lambda xapi, sid: xapi.client.get(
            "/xapi/statements", headers={"X-Experience-API-Version": "1.0.3"}
        ),
    ),
}


@pytest.mark.parametrize("name", list(REQUESTS))
def test_consistent_through_is_on_every_statements_response_and_not_before_stored(xapi, name):
    """Part 3, 2.1.3.s2.b5: the header is "in ISO 8601 combined date and time format, on all
    responses to Statements Resource requests" (also 4xx ones), and covers every statement
    stored before the request: not earlier than such a statement's `stored`, and "a recent
    timestamp" - not later than the response's arrival."""
    sid, stored = _stored_before(xapi)
    status, make_request = REQUESTS[name]
    response = make_request(xapi, sid)
    received = datetime.now(UTC)
    assert response.status_code == status, response.get_data(as_text=True)
    assert HEADER in response.headers, f"{name}: no {HEADER}"
    value = response.headers[HEADER]
    assert ISO_8601.fullmatch(value), f"{name}: {value!r} is not ISO 8601 date and time"
    consistent_through = datetime.fromisoformat(value)
    assert consistent_through.tzinfo is not None
    assert stored <= consistent_through <= received, (stored, value, received)


def test_consistent_through_is_recent_without_recent_statements(xapi):
    """Part 3, 2.1.3.s2.b5: "It is expected that this will be a recent timestamp, even if
    there are no recently received Statements" - also for an organisation that has none."""
    before = datetime.now(UTC).replace(microsecond=0)
    response = xapi.get("statements")
    assert response.status_code == 200
    assert response.get_json()["statements"] == []
    value = datetime.fromisoformat(response.headers[HEADER])
    assert before <= value <= datetime.now(UTC)
