"""Dynamic Registration (IMS LTI Dynamic Registration 1.0) as Moodle 5.0 runs it, and
registration by hand (ILIAS)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lrs.auth.services import get_organisation
from lti_tool.models import Platform, RegistrationToken
from lti_tool.registration import ToolUrls, create_registration_url, save_platform
from tests.e2e.lti.conftest import TOOL, errors, form_fields
from tests.e2e.lti.platform import SCOPES, moodle_registration_error

TOOL_CONF = "https://purl.imsglobal.org/spec/lti-tool-configuration"


@pytest.fixture
def registration_url(db_session, org, catalogue):
    url = create_registration_url(db_session, org, ToolUrls(TOOL))
    db_session.commit()
    return url


def _params(platform, url, **extra):
    token = extra.pop("registration_token", None) or platform.new_registration_token()
    return {
        "t": url.split("t=", 1)[1],
        "openid_configuration": platform.openid_configuration_url,
        "registration_token": token,
        **extra,
    }


def _register(tool, url, **extra):
    params = _params(tool.platform, url, **extra)
    page = tool.get("/lti/register", query_string=params)
    assert page.status_code == 200, page.get_data(as_text=True)
    return tool.post("/lti/register", data=form_fields(page.get_data(as_text=True)))


def test_registration_url_is_one_time_and_names_the_register_endpoint(registration_url):
    assert registration_url.startswith(f"{TOOL}/lti/register?t=")


def test_dynamic_registration_as_moodle_does_it(tool, registration_url, db_session):
    """DR 1.0, 3.3-3.6: configuration fetched, registration posted with the token, client id
    and deployment id stored; the final page closes the platform's dialog by postMessage."""
    page = tool.get("/lti/register", query_string=_params(tool.platform, registration_url))
    html = page.get_data(as_text=True)
    assert tool.platform.issuer in html
    assert "moodle 5.0.6+ (Build: 20260403)" in html
    assert f"frame-ancestors {tool.platform.issuer}" in page.headers["Content-Security-Policy"]

    done = tool.post("/lti/register", data=form_fields(html))
    assert done.status_code == 200
    body = done.get_data(as_text=True)
    assert 'src="/lti/assets/close.js"' in body
    assert "<script>" not in body
    assert "Ausstehend" in body
    assert "Aktivieren" in body
    assert "script-src 'self'" in done.headers["Content-Security-Policy"]

    platform = db_session.scalar(select(Platform))
    assert platform.issuer == tool.platform.issuer
    assert platform.client_id == tool.platform.state.client_id
    assert [d.deployment_id for d in platform.deployments] == ["1"]
    assert platform.auth_login_url == tool.platform.auth_url
    assert platform.auth_token_url == tool.platform.token_url
    assert platform.key_set_url == tool.platform.jwks_url
    assert platform.registered_via == "dynamic"
    assert platform.org_pk == get_organisation(db_session, "stadt-a").pk
    assert sorted(platform.scopes) == sorted(SCOPES)


def test_close_script_posts_the_lti_close_message(tool):
    with tool.get("/lti/assets/close.js") as script:
        source = script.get_data(as_text=True)
    assert 'postMessage({ subject: "org.imsglobal.lti.close" }, "*")' in source
    assert "window.opener || window.parent" in source


def test_registration_request_meets_moodles_requirements(tool, registration_url):
    """mod/lti/classes/local/ltiopenid/registration_helper.php, registration_to_config."""
    _register(tool, registration_url)
    [payload] = tool.platform.state.registrations
    assert moodle_registration_error(payload) is None
    assert "id_token" in payload["response_types"]
    assert payload["token_endpoint_auth_method"] == "private_key_jwt"
    assert payload["redirect_uris"] == [f"{TOOL}/lti/launch", f"{TOOL}/lti/deep-link"]
    assert payload["initiate_login_uri"] == f"{TOOL}/lti/login"
    assert payload["jwks_uri"] == f"{TOOL}/lti/jwks"
    assert payload["application_type"] == "web"
    assert set(payload["grant_types"]) == {"implicit", "client_credentials"}
    tool_conf = payload[TOOL_CONF]
    assert tool_conf["domain"] == "tool.test"
    assert tool_conf["target_link_uri"] == f"{TOOL}/lti/launch"
    assert tool_conf["messages"] == [
        {
            "type": "LtiDeepLinkingRequest",
            "target_link_uri": f"{TOOL}/lti/deep-link",
            "label": "Lernspur: Kurs auswählen",
        }
    ]
    assert set(payload["scope"].split()) == set(SCOPES), "AGS and NRPS switched on"


def test_claims_ask_for_no_names_unless_the_organisation_keeps_them(
    tool, registration_url, org, db_session
):
    """Moodle sends name and e-mail only if `claims` ask for them (registration_to_config)."""
    _register(tool, registration_url)
    assert tool.platform.state.registrations[0][TOOL_CONF]["claims"] == ["iss", "sub"]
    org.store_personal_data = True
    db_session.commit()
    second = create_registration_url(db_session, org, ToolUrls(TOOL))
    db_session.commit()
    _register(tool, second)
    claims = tool.platform.state.registrations[1][TOOL_CONF]["claims"]
    assert {"name", "given_name", "family_name", "email"} <= set(claims)


def test_only_scopes_the_platform_supports_are_requested(tool, registration_url):
    tool.platform.state.openid_overrides = {"scopes_supported": ["openid", SCOPES[3]]}
    _register(tool, registration_url)
    assert tool.platform.state.registrations[0]["scope"] == SCOPES[3]


def test_ilias_numeric_deployment_id_is_stored_as_text(tool, registration_url, db_session):
    """ILIAS (ilObjLTIConsumer::registerClient) answers the provider id as a number."""
    tool.platform.state.deployment_id = 7
    _register(tool, registration_url)
    platform = db_session.scalar(select(Platform))
    assert [d.deployment_id for d in platform.deployments] == ["7"]


def test_registration_url_works_once(tool, registration_url, db_session):
    _register(tool, registration_url)
    again = tool.get("/lti/register", query_string=_params(tool.platform, registration_url))
    assert again.status_code == 403
    assert db_session.scalar(select(RegistrationToken)).used_at is not None


def test_expired_or_unknown_registration_url_is_refused(tool, registration_url, db_session):
    token = db_session.scalar(select(RegistrationToken))
    token.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db_session.commit()
    expired = tool.get("/lti/register", query_string=_params(tool.platform, registration_url))
    assert expired.status_code == 403
    unknown = tool.get(
        "/lti/register", query_string=_params(tool.platform, f"{TOOL}/lti/register?t=forged")
    )
    assert unknown.status_code == 403


def test_issuer_must_match_the_configuration_urls_origin(tool, registration_url, db_session):
    """DR 1.0, 3.5.1: the issuer of the configuration must match its URL's origin."""
    tool.platform.state.openid_overrides = {"issuer": "https://moodle.evil.example"}
    page = tool.get("/lti/register", query_string=_params(tool.platform, registration_url))
    assert page.status_code == 400
    assert "issuer" in page.get_data(as_text=True)
    assert tool.platform.state.registrations == []
    assert db_session.scalar(select(Platform)) is None
    assert errors(db_session)[-1].stage == "register"


def test_configuration_without_registration_endpoint_is_refused(tool, registration_url):
    tool.platform.state.openid_overrides = {"registration_endpoint": None}
    page = tool.get("/lti/register", query_string=_params(tool.platform, registration_url))
    assert page.status_code == 400


def test_platform_refusing_the_registration_stores_nothing_and_keeps_the_url(
    tool, registration_url, db_session
):
    tool.platform.state.registration_status = 400
    response = _register(tool, registration_url)
    assert response.status_code == 400
    assert db_session.scalar(select(Platform)) is None
    assert db_session.scalar(select(RegistrationToken)).used_at is None


def test_wrong_registration_token_is_refused_by_the_platform(tool, registration_url, db_session):
    params = _params(tool.platform, registration_url, registration_token="forged")
    page = tool.get("/lti/register", query_string=params)
    response = tool.post("/lti/register", data=form_fields(page.get_data(as_text=True)))
    assert response.status_code == 400
    assert db_session.scalar(select(Platform)) is None


def test_private_addresses_are_refused_unless_allowed(tool, registration_url, app):
    """Without LERNSPUR_ALLOW_PRIVATE_URLS the tool fetches nothing on 127.0.0.1 (SSRF)."""
    app.config["ALLOW_PRIVATE_URLS"] = False
    page = tool.get("/lti/register", query_string=_params(tool.platform, registration_url))
    assert page.status_code == 400
    assert "unsafe_url" in page.get_data(as_text=True)
    assert tool.platform.state.requests == []


def test_registered_platform_launches(tool, registration_url, db_session):
    _register(tool, registration_url)
    tool.platform.state.redirect_uris = [f"{TOOL}/lti/launch", f"{TOOL}/lti/deep-link"]
    response = tool.launch()
    assert response.status_code == 200, response.get_data(as_text=True)


def test_manual_registration_then_a_second_deployment(db_session, org, lti_platform):
    """ILIAS has no registration dialog for the tool: its admin enters the tool's URLs and
    copies Platform ID, Client ID, Deployment ID and the three URLs into Lernspur."""
    fields = {
        "issuer": lti_platform.issuer,
        "client_id": "ilias-client",
        "auth_login_url": lti_platform.auth_url,
        "auth_token_url": lti_platform.token_url,
        "key_set_url": lti_platform.jwks_url,
        "registered_via": "manual",
    }
    first = save_platform(db_session, org, deployment_id="3", **fields)
    second = save_platform(db_session, org, deployment_id="4", **fields)
    assert first.pk == second.pk
    assert [d.deployment_id for d in second.deployments] == ["3", "4"]


def test_same_client_of_another_organisation_is_a_conflict(db_session, org, lti_platform):
    from lrs.auth.services import create_organisation
    from lrs.errors import Conflict

    other = create_organisation(db_session, "stadt-b", "Stadt B")
    fields = {
        "issuer": lti_platform.issuer,
        "client_id": "shared",
        "deployment_id": "1",
        "auth_login_url": lti_platform.auth_url,
        "auth_token_url": lti_platform.token_url,
        "key_set_url": lti_platform.jwks_url,
        "registered_via": "manual",
    }
    save_platform(db_session, org, **fields)
    with pytest.raises(Conflict):
        save_platform(db_session, other, **fields)
