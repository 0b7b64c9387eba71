"""The programme file format (see `examples/programmes/*.yaml`), validated with marshmallow."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates,
    validates_schema,
)

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$", error="lower-case letters, digits and '-'")
SHARE = validate.Range(min=0, max=1)
IRI = fields.Url(schemes={"http", "https"}, require_tld=False)


class RuntimeSchema(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @validates_schema
    def _order(self, data: dict[str, Any], **_: Any) -> None:
        if data["end"] < data["start"]:
            raise ValidationError("must not be before start", "end")


class MemberSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    headcount = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    managers = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=0))


class Eligible(fields.Field):  # type: ignore[type-arg]
    """`all` (every catalogue course) or `{courses: [catalogue ids]}`."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value == "all":
            return "all"
        if isinstance(value, dict) and isinstance(value.get("courses"), list):
            courses = value["courses"]
            if courses and all(isinstance(c, str) and c for c in courses):
                return {"courses": list(dict.fromkeys(courses))}
        raise ValidationError("must be 'all' or {courses: [catalogue course ids]}")


class CompletionSchema(Schema):
    verbs = fields.List(IRI, required=True, validate=validate.Length(min=1))


class GroupTargetSchema(Schema):
    participation_rate = fields.Float(load_default=None, validate=SHARE)
    share_of_participants = fields.Float(load_default=None, validate=SHARE)


class TargetGroupsSchema(Schema):
    manager = fields.Nested(GroupTargetSchema, load_default=None)
    first_time = fields.Nested(GroupTargetSchema, load_default=None)


class TargetsSchema(Schema):
    participation_rate = fields.Float(load_default=None, validate=SHARE)
    target_groups = fields.Nested(TargetGroupsSchema, load_default=None)
    competency_coverage = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1)),
        values=fields.Float(validate=SHARE),
        load_default=None,
    )


class VouchersSchema(Schema):
    total = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    redeemed_on = fields.Url(
        load_default="http://adlnet.gov/expapi/verbs/launched",
        schemes={"http", "https"},
        require_tld=False,
    )


class FundingSchema(Schema):
    amount_eur = fields.Decimal(required=True, as_string=True, validate=validate.Range(min=0))


class CostSchema(Schema):
    total_eur = fields.Decimal(required=True, as_string=True, validate=validate.Range(min=0))
    model = fields.String(required=True, validate=validate.OneOf(["per_participant"]))


class PrivacySchema(Schema):
    min_cell = fields.Integer(load_default=5, strict=True, validate=validate.Range(min=1))


class ProgrammeFileSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(min=1))
    runtime = fields.Nested(RuntimeSchema, required=True)
    organisations = fields.List(
        fields.Nested(MemberSchema), required=True, validate=validate.Length(min=1)
    )
    framework = fields.String(load_default=None, validate=SLUG)
    eligible = Eligible(required=True)
    completion = fields.Nested(CompletionSchema, required=True)
    targets = fields.Nested(TargetsSchema, load_default=None)
    vouchers = fields.Nested(VouchersSchema, load_default=None)
    funding = fields.Nested(FundingSchema, load_default=None)
    cost = fields.Nested(CostSchema, load_default=None)
    privacy = fields.Nested(PrivacySchema, load_default=lambda: {"min_cell": 5})

    @validates("organisations")
    def _unique(self, members: list[dict[str, Any]], **_: Any) -> None:
        ids = [m["id"] for m in members]
        doubled = sorted({i for i in ids if ids.count(i) > 1})
        if doubled:
            raise ValidationError(f"organisation {doubled[0]!r} appears twice")

    @validates_schema
    def _coverage_needs_framework(self, data: dict[str, Any], **_: Any) -> None:
        targets = data.get("targets") or {}
        if targets.get("competency_coverage") and not data.get("framework"):
            raise ValidationError("competency coverage targets need a framework", "framework")
