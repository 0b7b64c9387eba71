"""Sign-in, CSRF protection, first-sign-in password change, language switch."""

from __future__ import annotations

import re

import pytest

from lrs.accounts.services import create_user
from lrs.web.i18n import localised


def _csrf(client, path="/login"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture
def account(db_session):
    issued = create_user(db_session, "Leitung@Example.org", "site_admin")
    db_session.commit()
    return issued


def test_home_is_german_by_default_and_english_on_request(client):
    german = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="de">' in german
    assert "Lernnachweise für Weiterbildungsprogramme" in german
    english = client.get("/?lang=en")
    assert "Learning records for continuing-education programmes" in english.get_data(as_text=True)
    assert "lang=en" in english.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/").get_data(as_text=True), "the choice sticks"


def test_sign_in_with_one_time_password_then_must_set_own_password(client, account):
    token = _csrf(client)
    response = client.post(
        "/login",
        data={"email": "leitung@example.org", "password": account.password, "csrf_token": token},
    )
    assert response.status_code == 302
    follow = client.get("/password")
    assert follow.status_code == 200
    token = _csrf(client, "/password")
    short = client.post(
        "/password", data={"password": "short", "password2": "short", "csrf_token": token}
    )
    assert "mindestens 12 Zeichen" in short.get_data(as_text=True)
    done = client.post(
        "/password",
        data={
            "password": "ein-gutes-passwort",
            "password2": "ein-gutes-passwort",
            "csrf_token": token,
        },
    )
    assert done.status_code == 302
    assert account.user.must_change_password is False


def test_wrong_password_is_401_and_says_so(client, account):
    token = _csrf(client)
    response = client.post(
        "/login", data={"email": "leitung@example.org", "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "falsches Passwort" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client, account):
    response = client.post(
        "/login", data={"email": "leitung@example.org", "password": account.password}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "/\t/evil.example/"]
)
def test_next_parameter_cannot_redirect_off_site(client, account, target):
    """Each of these sends a browser to evil.example; the sign-in goes home ("/") instead."""
    token = _csrf(client)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "leitung@example.org", "password": account.password, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_next_parameter_to_a_local_page_is_followed(client, account):
    token = _csrf(client)
    response = client.post(
        "/login",
        query_string={"next": "/password?x=1"},
        data={"email": "leitung@example.org", "password": account.password, "csrf_token": token},
    )
    assert response.headers["Location"] == "/password?x=1"


def test_pages_carry_security_headers(client):
    response = client.get("/")
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_browser_gets_an_error_page_and_api_clients_json(client):
    page = client.get("/nowhere", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    assert "Seite nicht gefunden" in page.get_data(as_text=True)
    api = client.get("/xapi/nowhere", headers={"Accept": "text/html"})
    assert api.mimetype == "application/json"


@pytest.mark.parametrize(("lang", "expected"), [("de", "Datenschutz"), ("en", "Data protection")])
def test_language_map_shows_the_entry_of_the_page_language(app, lang, expected):
    title = {"en-GB": "Data protection", "de-DE": "Datenschutz"}
    with app.test_request_context(f"/?lang={lang}"):
        assert localised(title) == expected
        assert localised({"fr": "Protection des données"}) == "Protection des données"
        assert localised(None) == ""
