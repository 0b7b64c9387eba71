"""Admin pages (German/English): the tool's URLs, registrations, their status, errors.

Site administrators see every organisation; an organisation's administrator only their own.
"""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from lrs import db
from lrs.auth.models import Organisation
from lrs.web.security import current_user, login_required
from lti_tool import admin_bp
from lti_tool.models import Platform
from lti_tool.registration import create_registration_url
from lti_tool.status import memberships, organisations, platform_statuses, recent_errors
from lti_tool.views import tool_urls


def _scope() -> int | None:
    """The organisation the signed-in admin may see, or None for all (site admin)."""
    user = current_user()
    assert user is not None
    if user.role == "site_admin":
        return None
    if user.org_pk is None:
        abort(403)
    return user.org_pk


def _page(new_url: str | None = None, new_url_org: Organisation | None = None) -> str:
    org_pk = _scope()
    session = db.session()
    return render_template(
        "lti/admin.html",
        urls=tool_urls(),
        platforms=platform_statuses(session, org_pk),
        errors=recent_errors(session, org_pk),
        memberships=memberships(session, org_pk),
        orgs=organisations(session, org_pk),
        new_url=new_url,
        new_url_org=new_url_org,
    )


@admin_bp.get("/")
@login_required("site_admin", "org_admin")
def overview() -> str:
    return _page()


@admin_bp.post("/registration-url")
@login_required("site_admin", "org_admin")
def registration_url() -> Any:
    org_pk = _scope()
    wanted = request.form.get("org", type=int)
    target = org_pk if org_pk is not None else wanted
    org = db.session().get(Organisation, target) if target is not None else None
    if org is None:
        abort(400, description="Choose an organisation.")
    url = create_registration_url(db.session(), org, tool_urls())
    return _page(new_url=url, new_url_org=org)


@admin_bp.post("/platforms/<int:pk>/active")
@login_required("site_admin", "org_admin")
def toggle_active(pk: int) -> BaseResponse:
    org_pk = _scope()
    platform = db.session().get(Platform, pk)
    if platform is None or (org_pk is not None and platform.org_pk != org_pk):
        abort(404)
    platform.active = request.form.get("active") == "1"
    db.session().flush()
    return redirect(url_for("lti_admin.overview"))
