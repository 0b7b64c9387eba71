"""Deep Linking 2.0: a teacher picks catalogue courses; the platform receives signed items."""

from __future__ import annotations

import json
import re

import jwt
from jwt.algorithms import RSAAlgorithm

from tests.e2e.lti.conftest import TOOL, count_statements, form_fields
from tests.e2e.lti.platform import DL, INSTRUCTOR

ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"


def _picker(tool, **settings):
    claims = tool.platform.claims(sub="2", roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest")
    claims[DL].update(settings)
    response = tool.launch(claims, target=f"{TOOL}/lti/deep-link")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def _decode(tool, token):
    keys = {k["kid"]: k for k in tool.jwks()["keys"]}
    public = RSAAlgorithm.from_jwk(json.dumps(keys[jwt.get_unverified_header(token)["kid"]]))
    return jwt.decode(token, public, algorithms=["RS256"], audience=tool.platform.issuer)


def test_teacher_deep_link_posts_to_the_deep_link_endpoint_and_lists_the_catalogue(
    tool, registered, db_session
):
    """The login's target link decides the redirect URI: Moodle sends the deep-linking
    target_link_uri of the registration's LtiDeepLinkingRequest message."""
    login = tool.login(
        tool.platform.claims(sub="2", roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest"),
        target=f"{TOOL}/lti/deep-link",
    )
    assert login["action"] == f"{TOOL}/lti/deep-link"
    html = tool.post_form(login).get_data(as_text=True)
    assert html.count('name="course"') == 8
    assert "Die Führungskraft als Weiterbildner" in html
    assert count_statements(db_session) == 0


def test_chosen_courses_come_back_as_signed_lti_resource_links_with_the_course_parameter(
    tool, registered
):
    """Deep Linking 2.0, 4.2 (response message) and 3.4.1 (ltiResourceLink); Moodle checks the
    JWT with the tool's key set and requires iss = client id (lti_verify_jwt_signature)."""
    fields = form_fields(_picker(tool).get_data(as_text=True))
    answer = tool.post(
        "/lti/deep-link/respond",
        data={**fields, "course": ["e-akte-grundlagen", "fuehren-auf-distanz"]},
    )
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)"', html).group(1)
    assert action.replace("&amp;", "&") == tool.platform.url(
        "/mod/lti/contentitem_return.php?course=2&id=1"
    )
    assert "/lti/assets/autosubmit.js" in html
    claims = _decode(tool, form_fields(html)["JWT"])
    assert claims["iss"] == tool.platform.state.client_id
    assert claims["aud"] == [tool.platform.issuer]
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == "1"
    assert (
        claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    )
    assert "https://purl.imsglobal.org/spec/lti-dl/claim/data" not in claims
    first, second = claims[ITEMS]
    assert first["type"] == "ltiResourceLink"
    assert first["url"] == f"{TOOL}/lti/launch"
    assert first["custom"] == {"course": "e-akte-grundlagen"}
    assert first["title"] == "E-Akte in der Praxis"
    assert first["lineItem"] == {
        "scoreMaximum": 100,
        "label": "E-Akte in der Praxis",
        "resourceId": "e-akte-grundlagen",
        "tag": "lernspur-completion",
    }
    assert second["custom"] == {"course": "fuehren-auf-distanz"}


def test_data_of_the_request_is_returned(tool, registered):
    """Deep Linking 2.0, 4.2.1: `data` must be echoed when the platform sent it."""
    fields = form_fields(_picker(tool, data="opaque-123").get_data(as_text=True))
    answer = tool.post("/lti/deep-link/respond", data={**fields, "course": "selbstlernen"})
    claims = _decode(tool, form_fields(answer.get_data(as_text=True))["JWT"])
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-123"


def test_a_deep_linking_launch_answers_once(tool, registered):
    fields = form_fields(_picker(tool).get_data(as_text=True))
    assert (
        tool.post("/lti/deep-link/respond", data={**fields, "course": "selbstlernen"}).status_code
        == 200
    )
    again = tool.post("/lti/deep-link/respond", data={**fields, "course": "selbstlernen"})
    assert again.status_code == 403


def test_single_choice_platform_gets_radio_buttons_and_refuses_two(tool, registered):
    html = _picker(tool, accept_multiple=False).get_data(as_text=True)
    assert 'type="radio"' in html
    fields = form_fields(html)
    two = tool.post(
        "/lti/deep-link/respond", data={**fields, "course": ["selbstlernen", "datenschutz-kompakt"]}
    )
    assert two.status_code == 400


def test_choosing_nothing_or_an_unknown_course_is_400(tool, registered):
    fields = form_fields(_picker(tool).get_data(as_text=True))
    assert tool.post("/lti/deep-link/respond", data=fields).status_code == 400
    unknown = tool.post("/lti/deep-link/respond", data={**fields, "course": "nope"})
    assert unknown.status_code == 400


def test_deep_link_answer_needs_the_form_token(tool, registered):
    fields = form_fields(_picker(tool).get_data(as_text=True))
    forged = tool.post(
        "/lti/deep-link/respond", data={**fields, "token": "x", "course": "selbstlernen"}
    )
    assert forged.status_code == 403


def test_deep_linking_request_at_the_launch_endpoint_also_shows_the_picker(tool, registered):
    """A platform configured with one URL only (ILIAS without a content selection URL) sends
    deep-linking requests to the launch endpoint; the tool handles them there too."""
    claims = tool.platform.claims(sub="2", roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest")
    response = tool.launch(claims)
    assert 'id="add-courses"' in response.get_data(as_text=True)


def test_linked_course_launches_into_that_course(tool, registered, db_session):
    """The item's custom parameter comes back in the launch's custom claim (Moodle:
    lti_convert_content_items keeps `custom`; ILIAS: ltidlreturn.php stores it per object)."""
    response = tool.launch(tool.platform.claims(course="fuehren-auf-distanz"))
    assert "Führen auf Distanz" in response.get_data(as_text=True)
