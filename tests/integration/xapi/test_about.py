"""The About resource and version negotiation."""

from __future__ import annotations

import pytest


def test_about_lists_supported_versions_without_authentication(client):
    """xAPI 1.0.3 Part 3, 2.8: About returns `version`, an array of supported versions."""
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert response.get_json()["version"] == ["1.0.3", "2.0.0"]


def test_about_answers_head(client):
    """Part 3, 2.0: an LRS answers HEAD wherever it answers GET, without a body."""
    response = client.head("/xapi/about")
    assert response.status_code == 200
    assert response.data == b""


@pytest.mark.parametrize(
    ("sent", "served"),
    [("1.0.3", "1.0.3"), ("1.0.0", "1.0.3"), ("2.0.0", "2.0.0"), ("2.0", "2.0.0")],
)
def test_request_version_selects_response_version(xapi, sent, served):
    """Part 3, 3.3: the LRS answers with the version it processed the request under."""
    xapi.version = sent
    response = xapi.get("activities", query_string={"activityId": "http://example.com/a"})
    assert response.headers["X-Experience-API-Version"] == served


def test_request_without_version_header_is_400_naming_the_header(xapi):
    """Part 3, 3.3: 'The LRS MUST reject requests without X-Experience-API-Version with 400'."""
    xapi.version = None
    headers = xapi.headers()
    headers.pop("X-Experience-API-Version")
    response = xapi.client.get("/xapi/statements", headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == (
        "headers.X-Experience-API-Version"
    )


def test_request_with_unsupported_version_is_400(xapi):
    xapi.version = "0.95"
    response = xapi.get("statements")
    assert response.status_code == 400
    assert "1.0.x or 2.0.x" in response.get_json()["error"]["details"][0]["rule"]
