"""Thin views: authenticate the bearer token, compute the figures, dump through a schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, g, jsonify, request

from lrs import db
from lrs.api import bp
from lrs.api.openapi import document
from lrs.api.schemas import (
    CompetenciesSchema,
    OrganisationDetailSchema,
    ProgrammeSummarySchema,
    ReportSchema,
    TimeseriesSchema,
)
from lrs.errors import BadRequest, Forbidden, NotFound, Unauthorized
from lrs.programmes.managers import authenticate_token
from lrs.programmes.services import get_programme
from lrs.reports import exports, services
from statements.errors import Problem


@bp.before_request
def _authenticate() -> None:
    if request.endpoint == "api.openapi":
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    found = authenticate_token(db.session(), token.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        raise Unauthorized(
            "A valid bearer token is required.",
            [Problem("Authorization", "Bearer <token> from `lernspur managers create`")],
            headers={"WWW-Authenticate": 'Bearer realm="lernspur"'},
        )
    g.programme_slug = found.programme_slug


def _figures(programme_id: str, **parts: bool) -> services.ProgrammeFigures:
    if programme_id != g.programme_slug:
        raise Forbidden(
            "This token is for another programme.",
            [Problem("programme", "must be the token's programme")],
        )
    return services.compute(db.session(), get_programme(db.session(), programme_id), **parts)


def _respond(
    data: dict[str, Any],
    schema: Any,
    tables: Callable[[dict[str, Any]], list[exports.Table]],
    filename: str,
) -> Response:
    fmt = request.args.get("format", "json")
    if fmt not in exports.FORMATS:
        raise BadRequest("Unknown format.", [Problem("format", "must be one of json, csv, xlsx")])
    body = schema().dump(data)
    if fmt == "json":
        return jsonify(body)
    all_tables = tables(body)
    file = exports.download(
        all_tables, body.get("suppressed", ()), fmt, request.args.get("table"), filename
    )
    if file is None:
        raise BadRequest(
            "Unknown table.",
            [Problem("table", "must be one of " + ", ".join(t.name for t in all_tables))],
        )
    return Response(
        file.content,
        mimetype=file.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


@bp.get("/programmes")
def programmes() -> Response:
    programme = get_programme(db.session(), g.programme_slug)
    runtime = programme.definition["runtime"]
    summary = {
        "id": programme.slug,
        "name": programme.name,
        "start": runtime["start"],
        "end": runtime["end"],
        "min_cell": programme.min_cell,
        "organisations": [m["id"] for m in programme.definition["organisations"]],
    }
    return jsonify([ProgrammeSummarySchema().dump(summary)])


@bp.get("/programmes/<programme_id>/report")
def report(programme_id: str) -> Response:
    figures = _figures(programme_id, series=False, competencies=False)
    return _respond(
        services.report(figures), ReportSchema, exports.report_tables, f"{programme_id}-report"
    )


@bp.get("/programmes/<programme_id>/timeseries")
def timeseries(programme_id: str) -> Response:
    figures = _figures(programme_id, competencies=False)
    return _respond(
        services.timeseries(figures),
        TimeseriesSchema,
        exports.timeseries_tables,
        f"{programme_id}-timeseries",
    )


@bp.get("/programmes/<programme_id>/competencies")
def competencies(programme_id: str) -> Response:
    figures = _figures(programme_id, series=False)
    return _respond(
        services.competencies(figures),
        CompetenciesSchema,
        exports.competency_tables,
        f"{programme_id}-competencies",
    )


@bp.get("/programmes/<programme_id>/organisations/<org_id>")
def organisation(programme_id: str, org_id: str) -> Response:
    figures = _figures(programme_id, series=False, competencies=False)
    detail = services.organisation_detail(figures, org_id)
    if detail is None:
        raise NotFound(
            f"{org_id!r} is not a member of this programme.",
            [Problem("organisation", "must be a member organisation")],
        )
    return _respond(
        detail,
        OrganisationDetailSchema,
        exports.organisation_tables,
        f"{programme_id}-{org_id}",
    )
