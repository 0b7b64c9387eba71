"""Loading the catalogue (upsert by course id) and looking courses up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.catalogue.models import CatalogueCourse
from lrs.catalogue.schemas import CatalogueSchema
from lrs.errors import BadRequest
from statements.errors import Problem


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


def flatten_errors(messages: Any, prefix: str = "") -> list[Problem]:
    """marshmallow's nested error dict as field-path problems (`courses[2].activity`)."""
    problems: list[Problem] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix or "$"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            problems.extend(flatten_errors(value, path))
    elif isinstance(messages, list):
        problems.extend(Problem(prefix or "$", str(m)) for m in messages)
    else:
        problems.append(Problem(prefix or "$", str(messages)))
    return problems


def load_catalogue(session: Session, data: Any) -> LoadResult:
    """Create or update every course in `data` (parsed YAML). Courses not named stay."""
    try:
        parsed = CatalogueSchema().load(data if isinstance(data, Mapping) else {})
    except ValidationError as exc:
        raise BadRequest("The catalogue is not valid.", flatten_errors(exc.messages)) from None
    now = datetime.now(UTC)
    existing = {c.slug: c for c in session.scalars(select(CatalogueCourse))}
    created = updated = 0
    for course in parsed["courses"]:
        row = existing.get(course["id"])
        values = {
            "activity_iri": course["activity"],
            "title": course["title"],
            "description": course["description"],
            "hours": course["hours"],
            "launch_url": course["launch_url"],
            "framework_slug": parsed["framework"],
            "competencies": course["competencies"],
            "updated_at": now,
        }
        if row is None:
            session.add(CatalogueCourse(slug=course["id"], **values))
            created += 1
        else:
            for key, value in values.items():
                setattr(row, key, value)
            updated += 1
    session.flush()
    return LoadResult(created=created, updated=updated)


def list_courses(session: Session) -> list[CatalogueCourse]:
    return list(session.scalars(select(CatalogueCourse).order_by(CatalogueCourse.slug)))


def course_by_slug(session: Session, slug: str) -> CatalogueCourse | None:
    return session.scalar(select(CatalogueCourse).where(CatalogueCourse.slug == slug))


def courses_by_activity(session: Session, iris: Iterable[str]) -> dict[str, CatalogueCourse]:
    wanted = list(set(iris))
    if not wanted:
        return {}
    rows = session.scalars(select(CatalogueCourse).where(CatalogueCourse.activity_iri.in_(wanted)))
    return {row.activity_iri: row for row in rows}
