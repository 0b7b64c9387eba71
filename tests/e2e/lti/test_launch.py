"""Login and launch: the learner arrives, is known pseudonymously, and `launched` is recorded."""

from __future__ import annotations

import re

from sqlalchemy import select

from lti_tool.models import Launch, LaunchState, Membership
from tests.e2e.lti.conftest import (
    COMPLETED,
    LAUNCHED,
    count_launches,
    count_statements,
    form_fields,
    statements,
)
from tests.e2e.lti.platform import INSTRUCTOR


def test_login_redirects_to_the_platforms_auth_endpoint_with_state_and_nonce(tool, registered):
    """LTI 1.3 Core 5.1.1.2 / Security Framework 5.1.1.2: the tool answers the login
    initiation with an authentication request: scope openid, response_type id_token,
    response_mode form_post, prompt none, client_id, redirect_uri, login_hint, state, nonce."""
    response = tool.get("/lti/login", query_string=tool.login_params())
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(tool.platform.auth_url + "?")
    for expected in (
        "scope=openid",
        "response_type=id_token",
        "response_mode=form_post",
        "prompt=none",
        f"client_id={tool.platform.state.client_id}",
        "redirect_uri=https%3A%2F%2Ftool.test%2Flti%2Flaunch",
        "login_hint=3",
        "lti_message_hint=",
        "state=state-",
        "nonce=",
    ):
        assert expected in location


def test_login_cookies_are_samesite_none_secure_partitioned(tool, registered):
    """Moodle 5.0 shows the tool in a cross-site iframe and has no platform storage: the
    tool's cookies must be `SameSite=None; Secure` (and `Partitioned` for CHIPS)."""
    response = tool.get("/lti/login", query_string=tool.login_params())
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=", 1)[0] for c in cookies} >= {"lti1p3-session-id"}
    assert any(c.startswith("lti1p3-state-") for c in cookies)
    for cookie in cookies:
        assert "Secure" in cookie
        assert "SameSite=None" in cookie
        assert "Partitioned" in cookie
        assert "HttpOnly" in cookie


def test_first_login_request_shows_the_cookie_check_page_with_a_static_script(tool, registered):
    """pylti1p3's cookie check: without `lti1p3_new_window` the tool first checks in the
    browser that cookies survive in this frame; its script is a file (CSP script-src 'self')."""
    params = tool.login_params(lti1p3_new_window=None)
    response = tool.get("/lti/login", query_string=params)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/lti/assets/cookie_check.js" in html
    assert "<script>" not in html
    assert "lti1p3_new_window" in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    with tool.get("/lti/assets/cookie_check.js") as script:
        assert script.status_code == 200


def test_login_by_post_as_moodle_sends_it(tool, registered):
    """Moodle initiates the login with an auto-submitted POST form."""
    tool.platform.expect_login("3", tool.platform.claims())
    response = tool.post("/lti/login", data=tool.login_params())
    assert response.status_code == 302


def test_launch_shows_the_course_and_records_launched_for_a_pseudonymous_learner(
    tool, registered, db_session
):
    """Issue 3: the learner is `{"account": {"homePage": <issuer>, "name": <sub>}}`, no name
    or e-mail unless the organisation opts in; `launched` on the course's activity id."""
    response = tool.launch()
    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    assert "E-Akte in der Praxis" in html
    assert 'id="mark-completed"' in html
    [statement] = statements(db_session, LAUNCHED)
    assert statement["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": tool.platform.issuer, "name": "3"},
    }
    assert "Stu" not in str(statement)
    assert "student1@example.com" not in str(statement)
    assert statement["object"]["id"] == (
        "https://lernspur.de/xapi/activities/course/e-akte-grundlagen"
    )
    launch = db_session.scalar(select(Launch))
    assert launch.person_name is None
    assert launch.person_email is None
    kept = str([row.value for row in db_session.scalars(select(LaunchState))])
    assert "student1@example.com" not in kept, "no copy of the id_token in the launch state"


def test_launched_statement_context_has_registration_parent_course_and_platform_grouping(
    tool, registered, db_session
):
    """xAPI 1.0.3 Part 2, 2.4.6: registration, contextActivities parent (the course) and
    grouping (the platform context as `<issuer>/lti/context/<id>`)."""
    tool.launch()
    tool.launch()
    first, second = statements(db_session, LAUNCHED)
    context = first["context"]
    assert context["registration"] == second["context"]["registration"], "same enrolment"
    course = "https://lernspur.de/xapi/activities/course/e-akte-grundlagen"
    assert context["contextActivities"]["parent"] == [{"objectType": "Activity", "id": course}]
    [grouping] = context["contextActivities"]["grouping"]
    assert grouping["id"] == f"{tool.platform.issuer}/lti/context/2"
    assert grouping["definition"]["name"] == {"und": "Recon Course"}
    assert context["platform"] == "moodle"


def test_registration_differs_per_course_and_per_platform_context(tool, registered, db_session):
    tool.launch()
    tool.launch(tool.platform.claims(course="datenschutz-kompakt"))
    tool.launch(tool.platform.claims(context_id="7"))
    registrations = {s["context"]["registration"] for s in statements(db_session, LAUNCHED)}
    assert len(registrations) == 3


def test_names_are_kept_when_the_organisation_opts_in(tool, registered, org, db_session):
    org.store_personal_data = True
    db_session.commit()
    tool.launch()
    [statement] = statements(db_session, LAUNCHED)
    assert statement["actor"]["name"] == "Stu Dent"
    launch = db_session.scalar(select(Launch))
    assert (launch.person_name, launch.person_email) == ("Stu Dent", "student1@example.com")


def test_course_page_speaks_the_launch_locale(tool, registered):
    english = tool.launch(tool.platform.claims(locale="en")).get_data(as_text=True)
    assert "Electronic records in practice" in english
    assert "Mark as completed" in english
    german = tool.launch(tool.platform.claims(locale="de_DE")).get_data(as_text=True)
    assert "Als abgeschlossen markieren" in german


def test_launch_pages_may_be_framed_by_the_platform_only(tool, registered):
    response = tool.launch()
    policy = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors {tool.platform.issuer}" in policy
    assert "script-src 'self'" in policy


def test_mark_as_completed_records_completed_once(tool, registered, db_session):
    html = tool.launch().get_data(as_text=True)
    fields = form_fields(html)
    done = tool.post("/lti/course/complete", data=fields)
    assert done.status_code == 200
    assert 'id="completed"' in done.get_data(as_text=True)
    again = tool.post("/lti/course/complete", data=fields)
    assert again.status_code == 200
    [statement] = statements(db_session, COMPLETED)
    assert statement["result"] == {"completion": True}
    assert statement["actor"]["account"] == {"homePage": tool.platform.issuer, "name": "3"}
    relaunch = tool.launch().get_data(as_text=True)
    assert 'id="completed"' in relaunch
    assert 'id="mark-completed"' not in relaunch


def test_mark_as_completed_needs_the_form_token_of_this_browser(tool, registered, db_session):
    """The page lives in a cross-site frame where the app's session cookie is not sent; the
    form token binds the form to the launch and to this browser's LTI session cookie."""
    fields = form_fields(tool.launch().get_data(as_text=True))
    forged = tool.post("/lti/course/complete", data={**fields, "token": "0" * 64})
    assert forged.status_code == 403
    tool.client.delete_cookie("lti1p3-session-id", domain="tool.test")
    other_browser = tool.post("/lti/course/complete", data=fields)
    assert other_browser.status_code == 403
    assert count_statements(db_session, COMPLETED) == 0


def test_launch_of_a_link_without_catalogue_course_is_404_and_records_nothing(
    tool, registered, db_session
):
    response = tool.launch(tool.platform.claims(course=None))
    assert response.status_code == 404
    assert "text/html" in response.headers["Content-Type"]
    assert count_launches(db_session) == 0
    assert count_statements(db_session) == 0
    unknown = tool.launch(tool.platform.claims(course="no-such-course"))
    assert unknown.status_code == 404


def test_content_that_reports_itself_gets_cmi5_style_launch_parameters(
    tool, registered, db_session, client
):
    """Issue 3: endpoint, short-lived scoped credentials, actor and registration."""
    from lrs.catalogue.services import course_by_slug

    course_by_slug(db_session, "e-akte-grundlagen").launch_url = "https://content.test/e-akte/"
    db_session.commit()
    html = tool.launch().get_data(as_text=True)
    link = re.search(r'id="open-content" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link.startswith(
        "https://content.test/e-akte/?endpoint=https%3A%2F%2Ftool.test%2Fxapi%2F"
    )
    for name in ("auth=Basic", "actor=", "registration=", "activity_id="):
        assert name in link
    assert 'id="mark-completed"' not in html


def test_teacher_launch_makes_the_context_known_and_asks_for_its_roster(
    tool, registered, db_session
):
    tool.launch(tool.platform.claims(sub="2", roles=[INSTRUCTOR]))
    membership = db_session.scalar(select(Membership))
    assert membership.context_id == "2"
    assert membership.memberships_url == tool.platform.memberships_url("2")
    assert membership.sync_requested_at is not None


def test_behind_a_tls_proxy_cookies_stay_secure_when_the_proxy_is_trusted(
    app_config, registered, lti_platform
):
    """LERNSPUR_TRUST_PROXY=1: X-Forwarded-Proto from the TLS-terminating proxy makes the
    request secure (werkzeug ProxyFix), so the cookies keep `Secure; SameSite=None`."""
    from lrs.app import create_app
    from tests.e2e.lti.conftest import Tool

    behind_proxy = create_app({**app_config, "TRUST_PROXY": 1}).test_client()
    tool = Tool(behind_proxy, lti_platform)
    response = behind_proxy.get(
        "/lti/login",
        query_string=tool.login_params(),
        base_url="http://tool.test",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"},
    )
    assert response.status_code == 302
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "Secure" in cookie
        assert "SameSite=None" in cookie


def test_without_https_cookies_cannot_be_cross_site(client, registered, lti_platform):
    """Plain HTTP to a non-loopback host (an untrusted proxy, a misconfiguration): browsers
    would drop `Secure` cookies, so the tool sets first-party ones; the admin guide explains."""
    from tests.e2e.lti.conftest import Tool

    tool = Tool(client, lti_platform)
    response = client.get(
        "/lti/login",
        query_string=tool.login_params(),
        base_url="http://tool.test",
        headers={"X-Forwarded-Proto": "https"},
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    assert all("Secure" not in c and "SameSite=Lax" in c for c in cookies)
