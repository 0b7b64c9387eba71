"""The routes platforms and learners reach: thin over pylti1p3 and the services.

`/lti/login` (OIDC login initiation), `/lti/launch` (resource links; deep-linking requests
too), `/lti/jwks`, `/lti/register` (Dynamic Registration), `/lti/deep-link` and its answer,
`/lti/course/complete` (the "mark as completed" form of the course page).

Pages appear in the platform's iframe, where the app's Flask session cookie (SameSite=Lax) is
not sent: forms carry the launch id and an HMAC over it and the browser's LTI session cookie
(`SameSite=None; Secure; Partitioned`) instead of the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import urlsplit

import jwt
from flask import current_app, g, jsonify, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from lrs import db
from lrs.auth.models import Organisation
from lrs.catalogue.services import list_courses
from lrs.web.i18n import LANGUAGES
from lti_tool import bp
from lti_tool.deep_linking import respond
from lti_tool.errors import LtiBadRequest, LtiRefused
from lti_tool.keys import jwks as tool_jwks
from lti_tool.launch import (
    CLAIM,
    DEEP_LINKING,
    RESOURCE_LINK,
    RecordingSettings,
    complete_course,
    launch_for_form,
    start_course,
    start_deep_linking,
    validate_launch,
)
from lti_tool.launch_state import prune_expired
from lti_tool.login import start_login
from lti_tool.models import Launch, Platform
from lti_tool.registration import (
    ToolUrls,
    fetch_configuration,
    register_dynamically,
    registration_request,
    token_for,
)
from lti_tool.tool_config import find_platform
from statements.errors import Problem

SESSION_COOKIE = "lti1p3-session-id"


def tool_urls() -> ToolUrls:
    """The public base URL (LERNSPUR_BASE_URL), else the one this request came in on."""
    base = current_app.config.get("BASE_URL") or request.url_root
    return ToolUrls(str(base).rstrip("/"))


def allow_private() -> bool:
    return bool(current_app.config.get("ALLOW_PRIVATE_URLS"))


def recording_settings() -> RecordingSettings:
    return RecordingSettings(
        base_url=tool_urls().base,
        xapi_version=current_app.config.get("XAPI_DEFAULT_VERSION", "2.0.0"),
        content_credential_hours=float(current_app.config.get("LTI_CONTENT_CREDENTIAL_HOURS", 4)),
    )


def _origin(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def frame_platform(*urls: str | None) -> None:
    """Let the platform at these URLs show the page in its iframe (CSP frame-ancestors)."""
    g.lti_frame_ancestors = " ".join(sorted({o for o in map(_origin, urls) if o}))


def use_language(locale: str | None) -> None:
    lang = (locale or "").replace("_", "-").split("-")[0].lower()
    if lang in LANGUAGES:
        g.lang = lang


def form_token(launch_id: str) -> str:
    """Binds a page's forms to its launch and to this browser's LTI session cookie."""
    message = f"lti-form|{launch_id}|{request.cookies.get(SESSION_COOKIE, '')}"
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def form_launch(message_type: str) -> Launch:
    launch = launch_for_form(db.session(), request.form.get("launch_id", ""), message_type)
    if not hmac.compare_digest(request.form.get("token", ""), form_token(launch.launch_id)):
        raise LtiRefused(
            "The form does not belong to this browser's launch.",
            [Problem("form.token", "must belong to this browser's launch")],
        )
    use_language(launch.locale)
    platform = db.session().get(Platform, launch.platform_pk)
    frame_platform(platform.issuer if platform else None)
    return launch


def _course_page(page: Any, status: int = 200) -> tuple[str, int]:
    return render_template(
        "lti/course.html", page=page, token=form_token(page.launch.launch_id)
    ), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    g.lti_error = {
        "stage": "login",
        "issuer": request.values.get("iss"),
        "client_id": request.values.get("client_id"),
    }
    prune_expired(db.session())
    return start_login(db.session(), tool_urls())


def _claimed_sender(stage: str) -> dict[str, Any]:
    """Whom an id_token claims to come from, unverified: only to file a refusal under the
    registration it names (admin page), never to trust it."""
    info: dict[str, Any] = {"stage": stage}
    try:
        claims = jwt.decode(request.form.get("id_token", ""), options={"verify_signature": False})
    except jwt.PyJWTError:
        return info
    issuer, aud = claims.get("iss"), claims.get("aud")
    client_id = claims.get("azp") or (aud[0] if isinstance(aud, list) and aud else aud)
    if isinstance(issuer, str):
        info["issuer"] = issuer
    if isinstance(client_id, str):
        info["client_id"] = client_id
        platform = find_platform(db.session(), info.get("issuer", ""), client_id)
        if platform is not None:
            info.update(org_pk=platform.org_pk, platform_pk=platform.pk)
    return info


@bp.post("/launch")
def launch() -> Any:
    g.lti_error = _claimed_sender("launch")
    message_launch = validate_launch(
        db.session(), frozenset({RESOURCE_LINK, DEEP_LINKING}), allow_private()
    )
    return _answer_launch(message_launch)


@bp.post("/deep-link")
def deep_link() -> Any:
    g.lti_error = _claimed_sender("deep_link")
    message_launch = validate_launch(db.session(), frozenset({DEEP_LINKING}), allow_private())
    return _answer_launch(message_launch)


def _answer_launch(message_launch: Any) -> Any:
    claims = message_launch.claims()
    platform = message_launch.platform
    g.lti_error.update(
        org_pk=platform.org_pk,
        platform_pk=platform.pk,
        issuer=platform.issuer,
        client_id=platform.client_id,
    )
    frame_platform(platform.issuer, platform.auth_login_url)
    use_language((claims.get(CLAIM + "launch_presentation") or {}).get("locale"))
    if claims.get(CLAIM + "message_type") == DEEP_LINKING:
        launch = start_deep_linking(db.session(), platform, claims)
        return render_template(
            "lti/deep_link.html",
            launch=launch,
            token=form_token(launch.launch_id),
            courses=list_courses(db.session()),
            multiple=(launch.deep_linking_settings or {}).get("accept_multiple", True)
            not in (False, "false"),
        )
    page = start_course(db.session(), platform, claims, recording_settings())
    if page.roster_sync_requested:
        g.lti_work_pending = True
    return _course_page(page)


@bp.post("/deep-link/respond")
def deep_link_respond() -> Any:
    g.lti_error = {"stage": "deep_link"}
    launch = form_launch(DEEP_LINKING)
    g.lti_error.update(org_pk=launch.org_pk, platform_pk=launch.platform_pk)
    answer = respond(db.session(), launch, request.form.getlist("course"), tool_urls().launch)
    frame_platform(answer.return_url)
    return render_template("lti/deep_link_return.html", answer=answer)


@bp.post("/course/complete")
def course_complete() -> Any:
    g.lti_error = {"stage": "complete"}
    launch = form_launch(RESOURCE_LINK)
    return _course_page(complete_course(db.session(), launch, recording_settings()))


@bp.get("/jwks")
def jwks() -> BaseResponse:
    response = jsonify(tool_jwks(db.session()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/register", methods=["GET", "POST"])
def register() -> Any:
    g.lti_error = {"stage": "register"}
    values = request.values
    token = token_for(db.session(), values.get("t", ""))
    g.lti_error["org_pk"] = token.org_pk
    config_url = values.get("openid_configuration", "")
    if not config_url:
        raise LtiBadRequest(
            "Open this address from your platform's tool registration (it adds "
            "openid_configuration and registration_token).",
            [Problem("query.openid_configuration", "required")],
        )
    frame_platform(config_url)
    if request.method == "GET":
        conf = fetch_configuration(config_url, allow_private())
        org = db.session().get(Organisation, token.org_pk)
        assert org is not None
        return render_template(
            "lti/register.html",
            conf=conf,
            org=org,
            request_body=registration_request(conf, tool_urls(), org),
            values={
                "t": values.get("t", ""),
                "openid_configuration": config_url,
                "registration_token": values.get("registration_token", ""),
            },
        )
    platform = register_dynamically(
        db.session(),
        token,
        config_url,
        values.get("registration_token") or None,
        tool_urls(),
        allow_private(),
    )
    return render_template("lti/registered.html", platform=platform)
