"""Liveness and readiness endpoints, and the response headers every answer carries."""

from __future__ import annotations

from lrs.app import create_app
from tests.conftest import unreachable_database_url


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_answers_ready_when_database_reachable(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}


def test_readyz_is_503_with_retry_after_when_the_database_cannot_be_reached(database_url):
    """A load balancer routes no traffic to an instance whose database is away: 503 with
    Retry-After (RFC 9110, 10.2.3), while /healthz still answers that the process is up."""
    app = create_app(
        {"DATABASE_URL": unreachable_database_url(database_url), "SECRET_KEY": "readyz-test"}
    )
    client = app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["error"]["code"] == "unavailable"
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_unknown_route_is_404_in_the_json_error_shape(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "not_found"
    assert error["details"] == [{"path": "url", "rule": "no resource at /no-such-page"}]
    assert response.headers["X-Experience-API-Version"] == "2.0.0"


def test_a_method_the_resource_does_not_allow_is_405_naming_the_allowed_ones(client):
    """RFC 9110, 15.5.6: a 405 response carries Allow; our error body names the rule too."""
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    [detail] = response.get_json()["error"]["details"]
    assert detail["path"] == "method"
    assert detail["rule"].endswith(", not DELETE")
    assert set(detail["rule"][len("must be one of ") : -len(", not DELETE")].split(", ")) == {
        "GET",
        "HEAD",
        "OPTIONS",
    }
