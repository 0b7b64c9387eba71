"""Admin pages: tool URLs to copy, registrations with status, errors; scoped by organisation."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from werkzeug.security import generate_password_hash

from lrs.accounts.models import User
from lrs.auth.services import create_organisation


def _sign_in(client, db_session, role, org=None):
    # A cheap hash: the account's password is not what these tests are about.
    user = User(
        email=f"{role}@example.org",
        password_hash=generate_password_hash("ein-gutes-passwort", "pbkdf2:sha256:1"),
        role=role,
        org_pk=org.pk if org else None,
        must_change_password=False,
        created_at=datetime.now(UTC),
    )
    db_session.add(user)
    db_session.commit()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"email": user.email, "password": "ein-gutes-passwort", "csrf_token": token},
    )
    assert response.status_code == 302
    # Signing in starts a new session with a new CSRF token.
    page = client.get("/admin/lti/").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    return match.group(1) if match else token


@pytest.fixture
def other_platform(db_session, lti_platform):
    from lti_tool.registration import save_platform

    other = create_organisation(db_session, "kreis-b", "Kreis B")
    platform = save_platform(
        db_session,
        other,
        issuer="https://ilias.kreis-b.example",
        client_id="kreis-b-client",
        deployment_id="5",
        auth_login_url="https://ilias.kreis-b.example/ltiauth.php",
        auth_token_url="https://ilias.kreis-b.example/ltitoken.php",
        key_set_url="https://ilias.kreis-b.example/lticerts.php",
        registered_via="manual",
    )
    db_session.commit()
    return platform


def test_admin_page_needs_an_administrator(client, db_session):
    assert client.get("/admin/lti/").status_code == 302
    _sign_in(client, db_session, "manager")
    assert client.get("/admin/lti/").status_code == 403


def test_site_admin_sees_every_registration_and_the_tool_urls(
    client, db_session, registered, other_platform
):
    _sign_in(client, db_session, "site_admin")
    html = client.get("/admin/lti/").get_data(as_text=True)
    assert "Tool-Adressen für die Plattform" in html
    for url in (
        "https://tool.test/lti/login",
        "https://tool.test/lti/launch",
        "https://tool.test/lti/jwks",
        "https://tool.test/lti/deep-link",
    ):
        assert url in html
    assert registered.issuer in html
    assert "https://ilias.kreis-b.example" in html
    assert html.count("noch keine Deployment-ID") == 0


def test_org_admin_sees_only_their_organisation(
    client, db_session, registered, org, other_platform, tool
):
    tool.get("/lti/login", query_string=tool.login_params(client_id="wrong"))
    _sign_in(client, db_session, "org_admin", org)
    html = client.get("/admin/lti/?lang=en").get_data(as_text=True)
    assert registered.issuer in html
    assert "kreis-b" not in html
    assert "Could not find registration details" in html, "its issuer's refused login"
    assert "Last launch" in html


def test_status_shows_last_launch_and_errors(client, db_session, registered, tool):
    tool.launch()
    _sign_in(client, db_session, "site_admin")
    html = client.get("/admin/lti/?lang=en").get_data(as_text=True)
    assert "never" not in html.split("Registrations", 1)[1].split("</table>", 1)[0]
    tool.launch(sign={"alg": "none"})
    html = client.get("/admin/lti/?lang=en").get_data(as_text=True)
    assert "status-failing" in html
    assert "only RS256 is accepted" in html


def test_button_creates_a_one_time_registration_url(client, db_session, org):
    token = _sign_in(client, db_session, "org_admin", org)
    response = client.post("/admin/lti/registration-url", data={"csrf_token": token})
    assert response.status_code == 200
    url = re.search(r'id="registration-url">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert url.startswith("https://tool.test/lti/register?t=")
    assert client.post("/admin/lti/registration-url", data={}).status_code == 400, "CSRF"


def test_org_admin_cannot_create_urls_for_another_organisation(client, db_session, org):
    other = create_organisation(db_session, "kreis-c", "Kreis C")
    token = _sign_in(client, db_session, "org_admin", org)
    response = client.post(
        "/admin/lti/registration-url", data={"csrf_token": token, "org": other.pk}
    )
    assert "Stadt A" in response.get_data(as_text=True)
    assert "Kreis C" not in response.get_data(as_text=True)


def test_switching_a_registration_off_refuses_its_launches(
    client, db_session, registered, tool, org
):
    token = _sign_in(client, db_session, "org_admin", org)
    response = client.post(
        f"/admin/lti/platforms/{registered.pk}/active", data={"csrf_token": token, "active": "0"}
    )
    assert response.status_code == 302
    assert tool.get("/lti/login", query_string=tool.login_params()).status_code == 403


def test_org_admin_cannot_switch_off_another_organisations_platform(
    client, db_session, org, other_platform
):
    token = _sign_in(client, db_session, "org_admin", org)
    response = client.post(
        f"/admin/lti/platforms/{other_platform.pk}/active",
        data={"csrf_token": token, "active": "0"},
    )
    assert response.status_code == 404
