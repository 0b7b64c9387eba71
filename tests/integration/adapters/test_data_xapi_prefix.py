"""The LRS also under `/data/xAPI/`, Learning Locker's path that ILIAS and Moodle admins copy."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.integration.xapi.helpers import statement

PREFIX = "/data/xAPI"


def test_statements_under_data_xapi_page_with_more_links_of_that_prefix(xapi):
    for n in range(3):
        response = xapi.client.post(
            f"{PREFIX}/statements",
            json=statement(actor=f"mailto:p{n}@example.org"),
            headers=xapi.headers(),
        )
        assert response.status_code == 200
    first = xapi.client.get(f"{PREFIX}/statements?limit=2", headers=xapi.headers()).get_json()
    assert first["more"].startswith(f"{PREFIX}/statements?more=")
    second = xapi.client.get(first["more"], headers=xapi.headers()).get_json()
    assert len(first["statements"]) + len(second["statements"]) == 3
    # The same statements through the other prefix.
    assert len(xapi.get("statements").get_json()["statements"]) == 3


def test_alternate_request_syntax_under_data_xapi(xapi):
    """xAPI 1.0.3 Part 3, 1.3: POST ...?method=GET with the headers in the form body."""
    form = {
        "Authorization": xapi.headers()["Authorization"],
        "X-Experience-API-Version": "1.0.3",
        "limit": "1",
    }
    response = xapi.client.post(
        f"{PREFIX}/statements?method=GET",
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.get_json()["statements"] == []


def test_about_under_data_xapi(client):
    response = client.get(f"{PREFIX}/about")
    assert response.status_code == 200
    assert "1.0.3" in response.get_json()["version"]
