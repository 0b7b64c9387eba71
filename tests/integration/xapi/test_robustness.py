"""Bad input gets a clear 4xx, never a 5xx or a hang (issue #2, "Reliability")."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.xapi.helpers import statement


def test_oversized_body_is_413_in_the_error_shape(app, xapi):
    """Part 3, 3.2: 'The LRS MUST reject with 413 ... larger than the maximum allowed'."""
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = xapi.post(
        "statements",
        data=b"[" + b"1," * 10_000 + b"1]",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "request_entity_too_large"
    assert error["details"] == [{"path": "body", "rule": "must be at most 10000 bytes"}]


def test_deeply_nested_json_is_a_clear_400(xapi):
    body = b'{"a":' * 5000 + b"1" + b"}" * 5000
    response = xapi.post("statements", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "body"


def test_invalid_utf8_is_a_clear_400(xapi):
    response = xapi.post(
        "statements", data=b'{"actor": "\xff"}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_huge_array_of_non_statements_is_400_with_a_bounded_problem_list(xapi):
    response = xapi.post("statements", json=[1] * 50_000)
    assert response.status_code == 400
    details = response.get_json()["error"]["details"]
    assert 1 <= len(details) <= 20
    assert details[0]["path"] == "statements[0]"


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", ""])
def test_wrong_content_type_is_400_naming_the_header(xapi, content_type):
    response = xapi.post(
        "statements", data=json.dumps(statement()), headers={"Content-Type": content_type}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "headers.Content-Type"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)
KEYS = [
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "id",
    "attachments",
    "authority",
    "version",
    "Actor",
    "stored",
]


@st.composite
def mutated_statements(draw: st.DrawFn) -> object:
    """A valid statement with one property replaced by arbitrary JSON, or arbitrary JSON."""
    if draw(st.booleans()):
        return draw(JSON)
    body = statement()
    body[draw(st.sampled_from(KEYS))] = draw(JSON)
    return draw(st.sampled_from([body, [body], [statement(), body]]))


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=mutated_statements())
def test_fuzzed_statement_posts_never_cause_a_5xx(xapi, payload):
    """Property: whatever JSON arrives, the answer is 200 or a 4xx in the error shape."""
    response = xapi.post(
        "statements", data=json.dumps(payload), headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (200, 400, 409), response.get_data(as_text=True)
    if response.status_code != 200:
        error = response.get_json()["error"]
        assert error["details"], "every 4xx names the field path and the rule"
        assert all(d["path"] and d["rule"] for d in error["details"])
