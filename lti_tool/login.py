"""OIDC third-party initiated login (LTI 1.3 Core, 5.1.1; Security Framework 5.1.1).

pylti1p3's Flask login with the shared database storage and cross-site cookies, and with
the registration checked before anything else: an unknown platform is told so at once, not
after the cookie check page has reloaded.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import request
from pylti1p3.contrib.flask.oidc_login import FlaskOIDCLogin
from pylti1p3.contrib.flask.request import FlaskRequest
from pylti1p3.exception import LtiException, OIDCException
from sqlalchemy.orm import Session

from lrs.web.i18n import gettext
from lti_tool.errors import LtiRefused
from lti_tool.launch_state import (
    CrossSiteCookieService,
    DatabaseLaunchStorage,
    OneTimeNonceSessionService,
)
from lti_tool.registration import ToolUrls
from lti_tool.tool_config import DatabaseToolConf
from statements.errors import Problem

# From login to launch the browser only travels to the platform and back.
NONCE_SECONDS = 600


class ToolOIDCLogin(FlaskOIDCLogin):
    cookie_check_template_name = "lti/cookie_check.html"

    def __init__(self, session: Session) -> None:
        lti_request = FlaskRequest()  # type: ignore[no-untyped-call]
        self.tool_conf = DatabaseToolConf(session)
        super().__init__(
            lti_request,
            self.tool_conf,
            session_service=OneTimeNonceSessionService(lti_request),
            cookie_service=CrossSiteCookieService(lti_request, request),
        )
        self.set_launch_data_storage(DatabaseLaunchStorage(session))
        self.set_launch_data_lifetime(NONCE_SECONDS)
        self.enable_check_cookies(
            main_msg=gettext("Your browser does not allow Lernspur to set cookies in this frame."),
            click_msg=gettext("Open the course in a new tab."),
            loading_msg=gettext("Loading …"),
        )

    def redirect(self, launch_url: str, js_redirect: bool = False) -> Any:
        self.validate_oidc_login()
        return super().redirect(launch_url, js_redirect)


def redirect_uri_for(urls: ToolUrls, target_link_uri: str | None) -> str:
    """Where the platform posts the id_token: the deep-link or the launch endpoint.

    Both are registered redirect URIs; the target link decides, anything else is a launch.
    """
    if target_link_uri and urlsplit(target_link_uri).path.rstrip("/").endswith("/lti/deep-link"):
        return urls.deep_link
    return urls.launch


def start_login(session: Session, urls: ToolUrls) -> Any:
    """The response to a login initiation: the cookie check page or the redirect."""
    try:
        login = ToolOIDCLogin(session)
        target = login._get_request_param("target_link_uri")
        return login.redirect(redirect_uri_for(urls, target))
    except (OIDCException, LtiException) as exc:
        message = str(exc) or exc.__class__.__name__
        raise LtiRefused(message, [Problem("params", message)]) from None
