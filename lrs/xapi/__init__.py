"""The xAPI resources under `/xapi/`: version negotiation, authentication, alternate syntax."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface

from lrs.xapi.alternate import AlternateRequestSyntax
from lrs.xapi.versions import negotiate_version, response_version

bp = Blueprint("xapi", __name__)

# `/data/xAPI` is where Learning Locker serves xAPI; ILIAS and Moodle admins copy that path.
XAPI_PREFIXES = ("/xapi", "/data/xAPI")
_XAPI_PATHS = tuple(f"{prefix}/" for prefix in XAPI_PREFIXES)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session (sign-in, CSRF) everywhere but under the xAPI prefixes.

    xAPI clients authenticate every request with HTTP Basic and carry no session cookie;
    opening one for them (a signing serializer per request) was 3 % of a single-statement
    POST. They get Flask's null session, which refuses writes.
    """

    def open_session(self, app: Flask, request: Any) -> Any:
        if request.path.startswith(_XAPI_PATHS):
            return None  # Flask then makes a null session
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    # Routes register on import.
    from lrs.documents import views as _documents  # noqa: F401
    from lrs.statement_store import views as _statements  # noqa: F401
    from lrs.xapi import about, people  # noqa: F401

    app.session_interface = SessionInterface()
    app.wsgi_app = AlternateRequestSyntax(  # type: ignore[method-assign]
        app.wsgi_app, XAPI_PREFIXES, lambda: app.config.get("MAX_CONTENT_LENGTH")
    )
    for prefix in XAPI_PREFIXES:
        app.register_blueprint(bp, url_prefix=prefix, name=f"xapi{prefix.replace('/', '_')}")

    @app.after_request
    def _version_header(response: Response) -> Response:
        response.headers["X-Experience-API-Version"] = g.get("xapi_version") or response_version()
        return response


@bp.before_request
def _negotiate() -> None:
    # About answers every client, whatever version it speaks (Part 3, 2.8).
    if request.endpoint and request.endpoint.endswith(".about"):
        return
    g.xapi_version = negotiate_version(request.headers.get("X-Experience-API-Version"))
