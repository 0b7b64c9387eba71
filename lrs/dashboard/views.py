"""Dashboard pages for programme managers (and site administrators)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from lrs import db
from lrs.dashboard import bp
from lrs.dashboard.charts import gauge, heat_class, series
from lrs.errors import NotFound
from lrs.programmes.services import get_programme, list_programmes
from lrs.reports import exports, services
from lrs.web.security import current_user, login_required

EXPORTS = {
    "report": (services.report, exports.report_tables),
    "timeseries": (services.timeseries, exports.timeseries_tables),
    "competencies": (services.competencies, exports.competency_tables),
}


def _may_see(slug: str) -> None:
    user = current_user()
    assert user is not None
    if user.role != "site_admin" and user.programme_slug != slug:
        abort(403)


def _figures(slug: str) -> services.ProgrammeFigures:
    _may_see(slug)
    try:
        programme = get_programme(db.session(), slug)
    except NotFound:
        abort(404)
    return services.compute(db.session(), programme)


@bp.get("/programme")
@login_required("manager", "site_admin")
def mine() -> str | BaseResponse:
    user = current_user()
    assert user is not None
    if user.role == "manager" and user.programme_slug:
        return redirect(url_for("dashboard.programme", slug=user.programme_slug))
    return render_template("dashboard/list.html", programmes=list_programmes(db.session()))


@bp.get("/programmes/<slug>")
@login_required("manager", "site_admin")
def programme(slug: str) -> str:
    figures = _figures(slug)
    report = services.report(figures)
    timeline = services.timeseries(figures)
    coverage = services.competencies(figures) if figures.areas else None
    months = [m["month"] for m in timeline["months"]]
    vouchers = figures.definition.get("vouchers")
    context: dict[str, Any] = {
        "programme": figures.programme,
        "runtime": services.runtime_of(figures.programme),
        "report": report,
        "timeline": timeline,
        "coverage": coverage,
        "gauges": [(t, gauge(t["actual"], t["target"])) for t in report["targets"]],
        "participation_chart": series(months, [m["participants"] for m in timeline["months"]]),
        "voucher_chart": series(
            months,
            [m["vouchers_remaining"] for m in timeline["months"]],
            top=vouchers["total"],
        )
        if vouchers
        else None,
        "heat_class": heat_class,
        "cost": figures.definition.get("cost"),
        "funding": figures.definition.get("funding"),
    }
    return render_template("dashboard/programme.html", **context)


@bp.get("/programmes/<slug>/export/<kind>.<fmt>")
@login_required("manager", "site_admin")
def export(slug: str, kind: str, fmt: str) -> Response:
    if kind not in EXPORTS or fmt not in ("csv", "xlsx"):
        abort(404)
    figures = _figures(slug)
    build, tables = EXPORTS[kind]
    data = build(figures)
    file = exports.download(
        tables(data),
        data.get("suppressed", ()),
        fmt,
        request.args.get("table"),
        f"{slug}-{kind}",
    )
    if file is None:
        abort(404)
    return Response(
        file.content,
        mimetype=file.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )
