"""The LTI 1.3 Advantage tool: registrations, launches, Deep Linking, AGS, NRPS.

`init_app(app)` registers the routes under `/lti/` and the admin pages under `/admin/lti/`,
the after-store listeners (actor check for content credentials, score queueing), HTML error
pages for refused launches, and the delivery of queued work right after a response.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    has_app_context,
    render_template,
    request,
)

from lrs import db
from lrs.errors import LernspurError
from lrs.statement_store.hooks import StoredBatch, register_after_store

logger = logging.getLogger(__name__)

bp = Blueprint(
    "lti",
    __name__,
    url_prefix="/lti",
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)
admin_bp = Blueprint("lti_admin", __name__, url_prefix="/admin/lti", template_folder="templates")

PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "base-uri 'none'; frame-ancestors {ancestors}"
)


def init_app(app: Flask) -> None:
    from lti_tool import admin, i18n, views  # noqa: F401  (routes and strings register on import)
    from lti_tool.content import refuse_foreign_actors

    app.config.setdefault("LTI_DELIVER_AFTER_RESPONSE", True)
    app.config.setdefault("LTI_CONTENT_CREDENTIAL_HOURS", 4)
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    register_after_store(_by_content_credential)(refuse_foreign_actors)
    register_after_store(_wants_scores)(_queue_scores)
    app.after_request(_work_after_response)


def _by_content_credential(_session: Any, batch: StoredBatch) -> bool:
    from lti_tool.content import is_content_credential

    return is_content_credential(batch.credential)


def _wants_scores(session: Any, batch: StoredBatch) -> bool:
    from lti_tool.grades import scores_wanted

    return bool(scores_wanted(session, batch))


def _queue_scores(session: Any, batch: StoredBatch) -> None:
    from lti_tool.grades import queue_scores

    if queue_scores(session, batch) and has_app_context():
        g.lti_work_pending = True


def _work_after_response(response: Response) -> Response:
    if g.get("lti_work_pending") and response.status_code < 400:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        if app.config.get("LTI_DELIVER_AFTER_RESPONSE"):
            response.call_on_close(lambda: run_pending_work(app))
    return response


def run_pending_work(app: Flask) -> None:
    """Deliver due scores and requested roster syncs; failures stay queued for the worker."""
    from lti_tool.grades import deliver_due_scores, writing
    from lti_tool.roster import sync_requested

    allow = bool(app.config.get("ALLOW_PRIVATE_URLS"))
    try:
        with app.app_context():
            factory = db.get_db(app).session_factory
            deliver_due_scores(factory, allow)
            with writing(factory) as session:
                sync_requested(session, allow)
    except Exception:
        logger.exception("LTI work after a response failed; `lernspur lti work` will retry it")


@bp.before_request
def _write_intent() -> None:
    # Login and launch write state even when they arrive as GET; SQLite must begin IMMEDIATE.
    db.sqlite_write_intent.set(request.endpoint != "lti.jwks")


@bp.errorhandler(LernspurError)
def _refused(exc: LernspurError) -> tuple[str, int]:
    """A refused LTI request: an HTML page (it shows in the platform's frame), and a record."""
    from lti_tool.errors import record_error

    info = dict(g.get("lti_error") or {})
    session = db.session()
    session.rollback()  # nothing of a refused request is kept, except the record of it
    try:
        record_error(session, str(info.pop("stage", "lti")), exc.message, **info)
        session.commit()
    except Exception:
        logger.exception("could not record an LTI error")
        session.rollback()
    return render_template("lti/error.html", error=exc), exc.status


@bp.after_request
def _page_policy(response: Response) -> Response:
    """LTI pages live in a platform's iframe: allow that platform (CSP frame-ancestors)."""
    if response.mimetype == "text/html":
        ancestors = g.get("lti_frame_ancestors") or "*"
        response.headers["Content-Security-Policy"] = PAGE_POLICY.format(ancestors=ancestors)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response
