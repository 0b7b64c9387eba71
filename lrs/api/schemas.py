"""marshmallow schemas of what the API returns (and the OpenAPI document is made from)."""

from __future__ import annotations

from marshmallow import Schema, fields


def _nullable_int(description: str) -> fields.Integer:
    return fields.Integer(allow_none=True, metadata={"description": description})


def _nullable_float(description: str) -> fields.Float:
    return fields.Float(allow_none=True, metadata={"description": description})


SUPPRESSED = (
    "null: a count below the programme's min_cell, or one that would let such a count be "
    "recomputed; named in `suppressed`"
)


class OrganisationRowSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    headcount = fields.Integer(required=True)
    participants = _nullable_int("people with a qualifying completion; " + SUPPRESSED)
    participation_rate = _nullable_float("participants / headcount")
    managers = fields.Integer(allow_none=True, metadata={"description": "managers' headcount"})
    manager_participants = _nullable_int("participants who are managers")
    first_time_participants = _nullable_int(
        "participants with no qualifying completion before the runtime"
    )
    vouchers_redeemed = _nullable_int("null if the programme has no vouchers")
    cost_share_eur = _nullable_float("total cost × participants / all participants")


class TargetSchema(Schema):
    name = fields.String(required=True)
    target = fields.Float(required=True)
    actual = fields.Float(allow_none=True)
    met = fields.Boolean(allow_none=True)


class VouchersSchema(Schema):
    total = fields.Integer(required=True)
    redeemed = fields.Integer(allow_none=True)
    remaining = fields.Integer(allow_none=True)


class ReportSchema(Schema):
    programme = fields.String(required=True)
    as_of = fields.String(required=True, metadata={"format": "date-time"})
    participants = _nullable_int(SUPPRESSED)
    organisations = fields.List(fields.Nested(OrganisationRowSchema), required=True)
    targets = fields.List(fields.Nested(TargetSchema), required=True)
    vouchers = fields.Nested(VouchersSchema, allow_none=True)
    competency_coverage = fields.Dict(
        keys=fields.String(),
        values=fields.Float(allow_none=True),
        allow_none=True,
        metadata={"description": "area code -> share of participants with evidence in it"},
    )
    suppressed = fields.List(fields.String(), required=True)


class MonthSchema(Schema):
    month = fields.String(required=True, metadata={"description": "YYYY-MM"})
    participants = _nullable_int("cumulative participants at the end of the month")
    new_participants = _nullable_int("new since the previous published month")
    vouchers_redeemed = _nullable_int("cumulative")
    vouchers_remaining = _nullable_int("total minus cumulative redeemed")


class TimeseriesSchema(Schema):
    programme = fields.String(required=True)
    as_of = fields.String(required=True)
    months = fields.List(fields.Nested(MonthSchema), required=True)
    suppressed = fields.List(fields.String(), required=True)


class AreaSchema(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    participants = _nullable_int("participants with evidence in the area by the runtime's end")
    share = fields.Float(allow_none=True)
    target = fields.Float(allow_none=True)
    met = fields.Boolean(allow_none=True)


class CompetencySchema(Schema):
    code = fields.String(required=True)
    area = fields.String(required=True)
    title = fields.String(required=True)
    participants = _nullable_int("participants with evidence of the competency")
    share = fields.Float(allow_none=True)


class OrganisationCoverageSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    areas = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))


class CompetenciesSchema(Schema):
    programme = fields.String(required=True)
    framework = fields.String(allow_none=True)
    as_of = fields.String(required=True)
    areas = fields.List(fields.Nested(AreaSchema), required=True)
    competencies = fields.List(fields.Nested(CompetencySchema), required=True)
    organisations = fields.List(fields.Nested(OrganisationCoverageSchema), required=True)
    suppressed = fields.List(fields.String(), required=True)


class OrganisationDetailSchema(Schema):
    programme = fields.String(required=True)
    as_of = fields.String(required=True)
    organisation = fields.Nested(OrganisationRowSchema, required=True)
    participation_target = fields.Nested(TargetSchema, allow_none=True)
    competency_coverage = fields.Dict(
        keys=fields.String(), values=fields.Float(allow_none=True), allow_none=True
    )
    suppressed = fields.List(fields.String(), required=True)


class ProgrammeSummarySchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    start = fields.String(required=True, metadata={"format": "date"})
    end = fields.String(required=True, metadata={"format": "date"})
    min_cell = fields.Integer(required=True)
    organisations = fields.List(fields.String(), required=True)


class ProblemSchema(Schema):
    path = fields.String(required=True)
    rule = fields.String(required=True)


class ErrorInnerSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.List(fields.Nested(ProblemSchema), required=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorInnerSchema, required=True)
