"""The programme-manager API: bearer tokens scoped to one programme, one error shape, OpenAPI,
formats."""

from __future__ import annotations

import pytest

from lrs.api.openapi import SCHEMAS


@pytest.fixture
def token(programmes):
    programmes.load("zukunft-bewegen")
    programmes.load("nachwuchs-steinfurt")
    return programmes.token("zukunft-bewegen")


def _error_shape(body):
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    for detail in body["error"]["details"]:
        assert set(detail) == {"path", "rule"}


def test_request_without_token_is_401_with_the_error_shape(client, token):
    response = client.get("/api/v1/programmes/zukunft-bewegen/report")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    _error_shape(response.get_json())
    wrong = client.get(
        "/api/v1/programmes/zukunft-bewegen/report", headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401


def test_token_of_one_programme_cannot_read_another(programmes, token):
    response = programmes.api("programmes/nachwuchs-steinfurt/report", token)
    assert response.status_code == 403
    _error_shape(response.get_json())
    assert response.get_json()["error"]["details"][0]["path"] == "programme"


def test_token_hash_not_token_is_stored(programmes, db_session, token):
    from sqlalchemy import select

    from lrs.programmes.models import ManagerToken

    stored = db_session.scalars(select(ManagerToken.token_hash)).all()
    assert token not in stored
    assert all(len(h) == 64 for h in stored)


def test_unknown_format_is_400_naming_the_parameter(programmes, token):
    response = programmes.api("programmes/zukunft-bewegen/report", token, format="pdf")
    assert response.status_code == 400
    _error_shape(response.get_json())
    assert response.get_json()["error"]["details"] == [
        {"path": "format", "rule": "must be one of json, csv, xlsx"}
    ]


def test_report_of_a_programme_without_statements_has_every_contract_field(programmes, token):
    report = programmes.api("programmes/zukunft-bewegen/report", token).get_json()
    assert list(report) == [
        "programme",
        "as_of",
        "participants",
        "organisations",
        "targets",
        "vouchers",
        "competency_coverage",
        "suppressed",
    ]
    assert list(report["organisations"][0]) == [
        "id",
        "name",
        "headcount",
        "participants",
        "participation_rate",
        "managers",
        "manager_participants",
        "first_time_participants",
        "vouchers_redeemed",
        "cost_share_eur",
    ]
    assert report["participants"] is None  # 0 is below min_cell
    assert "participants" in report["suppressed"]


def test_programmes_lists_the_tokens_programme(programmes, token):
    body = programmes.api("programmes", token).get_json()
    assert [p["id"] for p in body] == ["zukunft-bewegen"]
    assert body[0]["start"] == "2012-10-01"
    assert body[0]["min_cell"] == 5


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("path", ["report", "timeseries", "organisations/kommune-01"])
def test_every_table_exports(programmes, token, path, fmt):
    response = programmes.api(f"programmes/zukunft-bewegen/{path}", token, format=fmt)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]


def test_openapi_document_describes_every_route_and_schema(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {
        "/programmes",
        "/programmes/{programme}/report",
        "/programmes/{programme}/timeseries",
        "/programmes/{programme}/competencies",
        "/programmes/{programme}/organisations/{organisation}",
    }
    assert set(doc["components"]["schemas"]) == set(SCHEMAS)
    report = doc["components"]["schemas"]["Report"]
    assert report["properties"]["participants"]["anyOf"][1] == {"type": "null"}
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_a_small_cell_and_its_complement_are_suppressed(programmes, token):
    """A programme of three organisations with 7, 6 and 2 participants: 2 is hidden, and 6
    with it, since 15 - 7 - 6 would give it away."""
    from tests.integration.programmes.conftest import COMPLETED, COURSE, account, statement

    programmes.load(
        {
            "id": "drei",
            "name": "Drei",
            "runtime": {"start": "2024-01-01", "end": "2024-12-31"},
            "organisations": [
                {"id": "org-a", "name": "A", "headcount": 50},
                {"id": "org-b", "name": "B", "headcount": 50},
                {"id": "org-c", "name": "C", "headcount": 50},
            ],
            "eligible": "all",
            "completion": {"verbs": [COMPLETED]},
            "cost": {"total_eur": 1500, "model": "per_participant"},
        }
    )
    for org, count in (("org-a", 7), ("org-b", 6), ("org-c", 2)):
        programmes.post(
            org,
            [
                statement(
                    account(f"https://{org}.de", str(i)),
                    COMPLETED,
                    COURSE + "selbstlernen",
                    "2024-05-01T00:00:00Z",
                )
                for i in range(count)
            ],
        )
    drei = programmes.token("drei")
    report = programmes.api("programmes/drei/report", drei).get_json()
    orgs = {o["id"]: o for o in report["organisations"]}
    assert report["participants"] == 15
    assert orgs["org-a"]["participants"] == 7
    assert orgs["org-a"]["cost_share_eur"] == 700.0  # 1500 * 7 / 15
    assert orgs["org-b"]["participants"] is None
    assert orgs["org-c"]["participants"] is None
    assert orgs["org-b"]["cost_share_eur"] is None
    assert orgs["org-b"]["participation_rate"] is None
    assert {
        "organisations.org-b.participants",
        "organisations.org-c.participants",
    } <= set(report["suppressed"])
