"""The catalogue file format (see `examples/catalogue.yaml`), validated with marshmallow."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,99}$", error="lower-case letters, digits and '-'")


class LanguageMap(fields.Dict):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            keys=fields.String(validate=validate.Length(min=2, max=35)),
            values=fields.String(validate=validate.Length(min=1)),
            **kwargs,
        )


class CourseSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, validate=SLUG)
    activity = fields.Url(required=True, schemes={"http", "https"}, require_tld=False)
    title = LanguageMap(required=True, validate=validate.Length(min=1))
    description = LanguageMap(load_default=None)
    hours = fields.Decimal(load_default=None, validate=validate.Range(min=0), places=2)
    launch_url = fields.Url(load_default=None, schemes={"http", "https"}, require_tld=False)
    competencies = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)


class CatalogueSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    framework = fields.String(load_default=None, validate=SLUG)
    courses = fields.List(fields.Nested(CourseSchema), required=True)

    @validates("courses")
    def _unique(self, courses: list[dict[str, Any]], **_: Any) -> None:
        for key in ("id", "activity"):
            seen: set[str] = set()
            for course in courses:
                value = course.get(key)
                if value is None:
                    continue
                if value in seen:
                    raise ValidationError(f"course {key} {value!r} appears twice")
                seen.add(value)
