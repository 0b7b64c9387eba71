"""The launch in a real browser: Chromium shows the tool inside a platform page's iframe.

The platform page is on http://127.0.0.1:<port> and the tool on http://localhost:<port>: two
sites, so the iframe is cross-site and only `SameSite=None; Secure` cookies (partitioned by
the top-level site) reach the tool. Chromium treats http://localhost as potentially
trustworthy, so `Secure` cookies work there without TLS, as they do behind HTTPS in production.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest
import requests

from tests.conftest import (
    EXAMPLES,
    LERNSPUR,
    LiveServer,
    fresh_database_like,
    start_server,
    stop_server,
)
from tests.e2e.lti.platform import SimulatedPlatform

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def lti_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    url = fresh_database_like(database_url, "lti_browser", tmp_path_factory.mktemp("lti-browser"))
    server = start_server(url, workers=2, extra_env={"LERNSPUR_ALLOW_PRIVATE_URLS": "1"})
    yield server
    stop_server(server)


def _cli(server: LiveServer, *args: str) -> str:
    return subprocess.run(
        [LERNSPUR, *args], env=server.env, check=True, capture_output=True, text=True
    ).stdout


def test_launch_in_a_cross_site_iframe_shows_the_course_and_records_launched(
    browser, lti_server, simulated_platform: SimulatedPlatform
):
    platform = simulated_platform
    platform.reset()
    tool = lti_server.url.replace("127.0.0.1", "localhost")
    _cli(lti_server, "orgs", "create", "stadt-browser", "--name", "Stadt Browser")
    _cli(lti_server, "catalogue", "load", str(EXAMPLES / "catalogue.yaml"))
    _cli(
        lti_server,
        "platforms",
        "add",
        "--org",
        "stadt-browser",
        "--issuer",
        platform.issuer,
        "--client-id",
        platform.state.client_id,
        "--deployment-id",
        "1",
        "--auth-login-url",
        platform.auth_url,
        "--auth-token-url",
        platform.token_url,
        "--key-set-url",
        platform.jwks_url,
    )
    platform.state.redirect_uris = [f"{tool}/lti/launch", f"{tool}/lti/deep-link"]
    platform.expect_login(
        "3",
        platform.claims(
            **{"https://purl.imsglobal.org/spec/lti/claim/target_link_uri": f"{tool}/lti/launch"}
        ),
    )
    login = f"{tool}/lti/login?" + urlencode(
        {
            "iss": platform.issuer,
            "login_hint": "3",
            "target_link_uri": f"{tool}/lti/launch",
            "lti_message_hint": '{"cmid":1}',
            "client_id": platform.state.client_id,
            "lti_deployment_id": "1",
        }
    )

    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(platform.url("/launch-page?" + urlencode({"src": login})))

    frame = page.frame_locator("#tool")
    frame.locator("h1").wait_for(timeout=15000)
    assert frame.locator("h1").inner_text() == "E-Akte in der Praxis"

    cookies = {c["name"]: c for c in context.cookies(tool)}
    session = cookies["lti1p3-session-id"]
    assert session["sameSite"] == "None"
    assert session["secure"] is True
    # Partitioned (CHIPS): kept under the platform page's site, the top-level one.
    assert session["partitionKey"] == "http://127.0.0.1"

    frame.locator("#mark-completed").click()
    frame.locator("#completed").wait_for(timeout=15000)
    assert problems == []
    context.close()

    credential = orjson.loads(
        _cli(
            lti_server,
            "credentials",
            "create",
            "--org",
            "stadt-browser",
            "--scope",
            "all/read",
            "--json",
        )
    )
    found = requests.get(
        f"{lti_server.url}/xapi/statements",
        params={"activity": "https://lernspur.de/xapi/activities/course/e-akte-grundlagen"},
        auth=(credential["key"], credential["secret"]),
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=10,
    ).json()["statements"]
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in found)
    assert verbs == ["completed", "launched"]
    assert {s["actor"]["account"]["name"] for s in found} == {"3"}
    assert {s["actor"]["account"]["homePage"] for s in found} == {platform.issuer}
