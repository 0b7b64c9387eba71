"""Server-rendered pages: layout, languages, sign-in, CSRF protection."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request

from lrs.web.i18n import COOKIE, LANGUAGES, current_language, gettext, localised
from lrs.web.security import csrf_token, current_user

bp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets"
)


def init_app(app: Flask) -> None:
    from lrs.web import views  # noqa: F401  (routes register on import)

    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        _=gettext,
        lang=current_language,
        localised=localised,
        csrf_token=csrf_token,
        current_user=current_user,
        languages=LANGUAGES,
    )
    https = (app.config.get("BASE_URL") or "").startswith("https://")
    app.config.setdefault("SESSION_COOKIE_SECURE", https)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")

    @app.after_request
    def _page_headers(response: Response) -> Response:
        if response.mimetype == "text/html":
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                "script-src 'self'; frame-ancestors 'self'",
            )
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "same-origin")
        chosen = request.args.get("lang")
        if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
            response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
        return response
