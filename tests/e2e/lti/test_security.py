"""Refusals (issue 3, "Security"): each answered with a 4xx page, nothing recorded.

The references are the IMS LTI 1.3 Security Framework, 5.1.3 "Authentication Response
Validation", and OpenID Connect Core 1.0, 3.1.3.7 "ID Token Validation".
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.lti.conftest import count_launches, count_statements, errors
from tests.e2e.lti.platform import Key

PROBLEM_LINE = re.compile(r"<p><code>([\w.]+)</code>: [^<]+</p>")


def _assert_refused(response: Any, status: int, db_session: Any) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == status, page
    assert response.mimetype == "text/html"
    assert "Das hat nicht geklappt" in page
    assert PROBLEM_LINE.search(page), "a refusal names the field path and the rule broken"
    assert count_launches(db_session) == 0
    assert count_statements(db_session) == 0


def _now() -> int:
    return int(time.time())


ROGUE = Key.new()
ROGUE_WITH_PLATFORM_KID: Callable[[Any], Key] = lambda platform: Key(  # noqa: E731
    platform.key.kid, ROGUE.private, ROGUE.pem
)

# name -> (claims changes, signing options, expected status)
BAD_TOKENS: dict[
    str, tuple[Callable[[Any], dict[str, Any]], Callable[[Any], dict[str, Any]], int]
] = {
    "unknown issuer": (lambda p: {"iss": "https://evil.example"}, lambda p: {}, 403),
    "unknown client id (aud)": (lambda p: {"aud": "someone-else"}, lambda p: {}, 403),
    "unknown deployment": (
        lambda p: {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "99"},
        lambda p: {},
        403,
    ),
    "signed by an unknown key": (lambda p: {}, lambda p: {"key": ROGUE}, 403),
    "signed by another key under the platform's kid": (
        lambda p: {},
        lambda p: {"key": ROGUE_WITH_PLATFORM_KID(p)},
        403,
    ),
    "alg none": (lambda p: {}, lambda p: {"alg": "none"}, 403),
    "HS256 keyed with the platform's public key": (
        lambda p: {},
        lambda p: {"alg": "HS256", "secret": p.key.pem.encode()},
        403,
    ),
    "expired": (lambda p: {"iat": _now() - 600, "exp": _now() - 300}, lambda p: {}, 403),
    "issued in the future": (
        lambda p: {"iat": _now() + 600, "exp": _now() + 900},
        lambda p: {},
        403,
    ),
    "not valid before (nbf) in the future": (lambda p: {"nbf": _now() + 600}, lambda p: {}, 403),
    "without exp": (lambda p: {"exp": None}, lambda p: {}, 403),
    "azp names someone else": (lambda p: {"azp": "someone-else"}, lambda p: {}, 403),
    "several audiences without azp": (
        lambda p: {"aud": [p.state.client_id, "someone-else"]},
        lambda p: {},
        403,
    ),
    "nonce not the one issued": (lambda p: {"nonce": "a-nonce-we-never-issued"}, lambda p: {}, 403),
    "wrong message type": (
        lambda p: {"https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiFooRequest"},
        lambda p: {},
        400,
    ),
    "a message type the tool does not handle": (
        lambda p: {
            "https://purl.imsglobal.org/spec/lti/claim/message_type": "DataPrivacyLaunchRequest"
        },
        lambda p: {},
        400,
    ),
    "wrong LTI version": (
        lambda p: {"https://purl.imsglobal.org/spec/lti/claim/version": "1.1"},
        lambda p: {},
        403,
    ),
}


@pytest.mark.parametrize("case", list(BAD_TOKENS))
def test_bad_id_token_is_refused_with_a_page_and_nothing_recorded(
    case, tool, registered, db_session
):
    """Security Framework 5.1.3 steps 1-9 (signature, iss, aud, azp, alg RS256, exp, iat,
    nonce) and LTI Core 5.3 (message type, version, deployment)."""
    change, signing, status = BAD_TOKENS[case]
    claims = tool.platform.claims()
    claims.update(change(tool.platform))
    claims = {k: v for k, v in claims.items() if v is not None}
    response = tool.launch(claims, sign=signing(tool.platform))
    _assert_refused(response, status, db_session)
    [error] = errors(db_session)
    assert error.stage == "launch"


def test_unknown_issuer_is_refused_at_login(tool, registered, db_session):
    response = tool.get("/lti/login", query_string=tool.login_params(iss="https://evil.example"))
    _assert_refused(response, 403, db_session)
    [error] = errors(db_session)
    assert (error.stage, error.issuer) == ("login", "https://evil.example")


def test_unknown_client_id_is_refused_at_login(tool, registered, db_session):
    response = tool.get("/lti/login", query_string=tool.login_params(client_id="nope"))
    _assert_refused(response, 403, db_session)


def test_login_of_a_switched_off_registration_is_refused(tool, registered, db_session):
    registered.active = False
    db_session.commit()
    response = tool.get("/lti/login", query_string=tool.login_params())
    _assert_refused(response, 403, db_session)


def test_replayed_id_token_is_refused(tool, registered, db_session):
    """Security Framework 5.1.3 step 9: a nonce (and so an id_token) is accepted once."""
    form = tool.login()
    assert tool.post_form(dict(form)).status_code == 200
    replay = tool.post_form(dict(form))
    assert replay.status_code == 403
    assert count_launches(db_session) == 1
    assert "used already" in errors(db_session)[-1].message


def test_id_token_replayed_from_another_browser_is_refused(tool, registered, db_session, app):
    form = tool.login()
    assert tool.post_form(dict(form)).status_code == 200
    other = app.test_client()
    fields = dict(form)
    fields.pop("action")
    response = other.post("/lti/launch", data=fields, base_url="https://tool.test")
    assert response.status_code == 403
    assert count_launches(db_session) == 1


TAMPERED_FORMS: dict[str, tuple[dict[str, str | None], int]] = {
    # OIDC login: the state posted back must be the one in this browser's state cookie.
    "state mismatch": ({"state": "state-00000000-0000-0000-0000-000000000000"}, 403),
    "state missing": ({"state": None}, 403),
    "id_token garbage": ({"id_token": "not.a.jwt"}, 403),
    "resource link posted to the deep-link endpoint": (
        {"action": "https://tool.test/lti/deep-link"},
        400,
    ),
}


@pytest.mark.parametrize("case", list(TAMPERED_FORMS))
def test_tampered_launch_form_is_refused(case, tool, registered, db_session):
    changes, status = TAMPERED_FORMS[case]
    form = tool.login()
    for name, value in changes.items():
        if value is None:
            del form[name]
        else:
            form[name] = value
    _assert_refused(tool.post_form(form), status, db_session)


def test_launch_without_the_login_cookies_is_refused(tool, registered, db_session):
    form = tool.login()
    tool.client.delete_cookie("lti1p3-session-id", domain="tool.test")
    _assert_refused(tool.post_form(form), 403, db_session)


def test_learner_cannot_deep_link(tool, registered, db_session):
    claims = tool.platform.claims(message_type="LtiDeepLinkingRequest")
    response = tool.launch(claims, target="https://tool.test/lti/deep-link")
    _assert_refused(response, 403, db_session)


def test_refusals_are_shown_in_the_iframe_and_name_no_secrets(tool, registered, db_session):
    form = tool.login(sign={"alg": "none"})
    response = tool.post_form(form)
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    page = response.get_data(as_text=True)
    assert "Das hat nicht geklappt" in page
    assert form["id_token"] not in page


MALFORMED = {  # the claims, and the field path the refusal names
    "nonce a number": ({"nonce": 12345}, "id_token.nonce"),
    "issuer a number": ({"iss": 7}, "id_token.iss"),
    "audience a number": ({"aud": 7}, "id_token.aud"),
    "message type a list": (
        {"https://purl.imsglobal.org/spec/lti/claim/message_type": ["x"]},
        "id_token.message_type",
    ),
    "context a string": (
        {"https://purl.imsglobal.org/spec/lti/claim/context": "2"},
        "id_token.context",
    ),
    "resource link a list": (
        {"https://purl.imsglobal.org/spec/lti/claim/resource_link": []},
        "id_token.resource_link",
    ),
    "roles a string": (
        {"https://purl.imsglobal.org/spec/lti/claim/roles": "Learner"},
        "id_token.roles",
    ),
    "sub too long": ({"sub": "x" * 256}, "id_token.sub"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_claims_are_refused_not_crashed_on(case, tool, registered, db_session):
    """Claims are read before the signature is checked; their types are checked first."""
    change, path = MALFORMED[case]
    claims = tool.platform.claims()
    claims.update(change)
    response = tool.launch(claims)
    assert response.status_code in (400, 403)
    assert path in PROBLEM_LINE.findall(response.get_data(as_text=True))
    assert count_launches(db_session) == 0
