"""The application factory: the only place where extensions and blueprints are wired."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from lrs import db
from lrs.config import load_settings
from lrs.errors import (
    SHORT_BODY,
    SHORT_BODY_MESSAGE,
    BadRequest,
    error_response,
    register_error_handlers,
    unavailable_response,
)
from lrs.xapi import XAPI_PREFIXES

logger = logging.getLogger(__name__)


def create_app(config_override: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app from the environment, with `config_override` applied last."""
    override = dict(config_override or {})
    app = Flask(__name__)
    if "DATABASE_URL" in override and "SECRET_KEY" in override:
        settings = None
    else:
        settings = load_settings()
        app.config.update(
            DATABASE_URL=settings.database_url,
            SECRET_KEY=settings.secret_key,
            BASE_URL=settings.base_url,
            ALLOW_PRIVATE_URLS=settings.allow_private_urls,
            TRUST_PROXY=settings.trust_proxy,
            MAX_CONTENT_LENGTH=settings.max_body_bytes,
            XAPI_DEFAULT_VERSION=settings.xapi_default_version,
        )
    app.config.setdefault("BASE_URL", None)
    app.config.setdefault("ALLOW_PRIVATE_URLS", False)
    app.config.setdefault("TRUST_PROXY", 0)
    app.config.setdefault("MAX_CONTENT_LENGTH", 50 * 1024 * 1024)
    app.config.update(override)
    app.json.sort_keys = False  # type: ignore[attr-defined]

    if app.config["TRUST_PROXY"]:
        hops = int(app.config["TRUST_PROXY"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )

    db.init_app(app)
    register_error_handlers(app)
    _register_request_hooks(app)

    from lrs.api import init_app as init_api
    from lrs.dashboard import init_app as init_dashboard
    from lrs.health import bp as health_bp
    from lrs.platform_adapters.views import bp as platform_adapters_bp
    from lrs.projections import listener  # noqa: F401  (keeps projections current)
    from lrs.web import init_app as init_web
    from lrs.xapi import init_app as init_xapi
    from lti_tool import init_app as init_lti

    app.register_blueprint(health_bp)
    app.register_blueprint(platform_adapters_bp)
    init_xapi(app)
    init_web(app)
    init_lti(app)
    init_api(app)
    init_dashboard(app)
    return app


# Resources whose clients authenticate with an Authorization header (xAPI, the managers' API).
HEADER_AUTHENTICATED = (*XAPI_PREFIXES, "/api/")


def _read_body_first() -> None:
    """Read a write's body whole before any database work: a client that stalls mid-body must
    not hold a transaction open meanwhile (on SQLite, the write lock every other writer waits
    for). Not for requests answered without their body: no route (404, 405), or no
    credentials where the resource needs them (401). Bounded by MAX_CONTENT_LENGTH: a longer
    body is 413, a chunked one too (werkzeug's stream would end it at the limit unnoticed);
    a body shorter than its Content-Length is 400."""
    if request.routing_exception is not None:
        return
    if request.path.startswith(HEADER_AUTHENTICATED) and "Authorization" not in request.headers:
        return
    body = request.get_data(cache=True)
    limit = request.max_content_length
    if request.content_length is None:
        if limit is not None and len(body) >= limit and request.environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()
    elif len(body) < request.content_length:
        raise BadRequest(SHORT_BODY_MESSAGE, [SHORT_BODY])


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _write_intent() -> None:
        writes = request.method not in db.SAFE_METHODS
        db.sqlite_write_intent.set(writes)
        if writes:
            _read_body_first()

    @app.after_request
    def _commit(response: Response) -> Response:
        # One commit per request, before the response leaves: what we acknowledge is stored.
        if response.status_code >= 400:
            return response
        try:
            db.commit_request_session()
        except Exception as exc:
            if isinstance(exc, OperationalError) or (
                isinstance(exc, DBAPIError) and exc.connection_invalidated
            ):
                logger.warning("commit failed, database unavailable: %s", exc)
                return unavailable_response()
            logger.exception("commit failed")
            return error_response(500, "internal", "The change could not be stored.")
        return response
