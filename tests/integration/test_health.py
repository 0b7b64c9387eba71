"""Liveness and readiness endpoints, and the response headers every answer carries."""

from __future__ import annotations


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_answers_ready_when_database_reachable(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}


def test_unknown_route_is_404_in_the_json_error_shape(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "not_found"
    assert error["details"] == []
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
