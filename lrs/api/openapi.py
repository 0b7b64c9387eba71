"""The OpenAPI 3.1 document of `/api/v1/`, made from the marshmallow schemas in `schemas.py`."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from lrs.api import schemas

SCHEMAS: dict[str, type[Schema]] = {
    "Report": schemas.ReportSchema,
    "OrganisationRow": schemas.OrganisationRowSchema,
    "Target": schemas.TargetSchema,
    "Vouchers": schemas.VouchersSchema,
    "Timeseries": schemas.TimeseriesSchema,
    "Month": schemas.MonthSchema,
    "Competencies": schemas.CompetenciesSchema,
    "Area": schemas.AreaSchema,
    "Competency": schemas.CompetencySchema,
    "OrganisationCoverage": schemas.OrganisationCoverageSchema,
    "OrganisationDetail": schemas.OrganisationDetailSchema,
    "ProgrammeSummary": schemas.ProgrammeSummarySchema,
    "Error": schemas.ErrorSchema,
    "ErrorInner": schemas.ErrorInnerSchema,
    "Problem": schemas.ProblemSchema,
}
_NAMES = {cls: name for name, cls in SCHEMAS.items()}


def _field(field: fields.Field) -> dict[str, Any]:  # type: ignore[type-arg]
    out: dict[str, Any]
    if isinstance(field, fields.Nested):
        nested = field.nested if isinstance(field.nested, type) else type(field.nested)
        out = {"$ref": f"#/components/schemas/{_NAMES[nested]}"}
    elif isinstance(field, fields.List):
        out = {"type": "array", "items": _field(field.inner)}
    elif isinstance(field, fields.Dict):
        values = field.value_field
        out = {"type": "object"}
        if values is not None:
            out["additionalProperties"] = _field(values)
    elif isinstance(field, fields.Integer):
        out = {"type": "integer"}
    elif isinstance(field, fields.Float):
        out = {"type": "number"}
    elif isinstance(field, fields.Boolean):
        out = {"type": "boolean"}
    else:
        out = {"type": "string"}
    if field.metadata.get("format"):
        out["format"] = field.metadata["format"]
    if field.allow_none:
        out = {"anyOf": [out, {"type": "null"}]}
    if field.metadata.get("description"):
        out["description"] = field.metadata["description"]
    return out


def _component(schema: type[Schema]) -> dict[str, Any]:
    instance = schema()
    return {
        "type": "object",
        "properties": {name: _field(f) for name, f in instance.fields.items()},
        "required": [name for name, f in instance.fields.items() if f.required],
    }


def _get(summary: str, schema: str, tables: bool, params: list[str]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in params
    ]
    content: dict[str, Any] = {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
    }
    if tables:
        parameters.append(
            {
                "name": "format",
                "in": "query",
                "schema": {"type": "string", "enum": ["json", "csv", "xlsx"], "default": "json"},
                "description": "csv: one table (`table` picks which); xlsx: every table a sheet",
            }
        )
        parameters.append(
            {"name": "table", "in": "query", "schema": {"type": "string"}, "required": False}
        )
        content["text/csv"] = {"schema": {"type": "string"}}
        content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = {
            "schema": {"type": "string", "format": "binary"}
        }
    error = {
        "description": "error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {"description": "OK", "content": content},
                "400": error,
                "401": error,
                "403": error,
                "404": error,
            },
        }
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lernspur programme-manager API",
            "version": "1",
            "description": "Aggregates of one funded programme for its managers. Counts are of "
            "people; a count below the programme's `privacy.min_cell` is null and named in "
            "`suppressed`, as is every figure that would let it be recomputed.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/programmes": _get("Programmes this token may read", "ProgrammeSummary", False, []),
            "/programmes/{programme}/report": _get(
                "Programme report (DESIGN.md contract)", "Report", True, ["programme"]
            ),
            "/programmes/{programme}/timeseries": _get(
                "Participation and vouchers per month", "Timeseries", True, ["programme"]
            ),
            "/programmes/{programme}/competencies": _get(
                "Competency coverage per area, competency and organisation",
                "Competencies",
                True,
                ["programme"],
            ),
            "/programmes/{programme}/organisations/{organisation}": _get(
                "One member organisation", "OrganisationDetail", True, ["programme", "organisation"]
            ),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {name: _component(cls) for name, cls in SCHEMAS.items()},
        },
    }
