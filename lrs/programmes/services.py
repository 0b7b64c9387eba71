"""Loading programme files, and looking programmes up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lrs.auth.models import Organisation
from lrs.auth.services import create_organisation
from lrs.catalogue.models import CatalogueCourse
from lrs.catalogue.services import flatten_errors
from lrs.competencies.models import Framework, FrameworkItem
from lrs.errors import BadRequest, NotFound
from lrs.programmes.models import Programme, ProgrammeMember
from lrs.programmes.schemas import ProgrammeFileSchema
from statements.errors import Problem


@dataclass(frozen=True)
class LoadedProgramme:
    slug: str
    created: bool
    organisations_created: list[str]


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _json_ready(value: Any) -> Any:
    """The validated file as JSON: dates as ISO strings, decimals as strings (exact money)."""
    if isinstance(value, Mapping):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _check_references(session: Session, parsed: Mapping[str, Any]) -> None:
    problems: list[Problem] = []
    eligible = parsed["eligible"]
    if eligible != "all":
        known = set(session.scalars(select(CatalogueCourse.slug)))
        for i, course in enumerate(eligible["courses"]):
            if course not in known:
                problems.append(
                    Problem(f"eligible.courses[{i}]", f"{course!r} is not in the catalogue")
                )
    slug = parsed.get("framework")
    coverage = (parsed.get("targets") or {}).get("competency_coverage") or {}
    if slug:
        framework = session.scalar(select(Framework).where(Framework.slug == slug))
        if framework is None:
            problems.append(
                Problem("framework", f"{slug!r} is not imported (lernspur frameworks import)")
            )
        else:
            areas = set(
                session.scalars(
                    select(FrameworkItem.code).where(
                        FrameworkItem.framework_pk == framework.pk,
                        FrameworkItem.parent_pk.is_(None),
                    )
                )
            )
            for area in coverage:
                if area not in areas:
                    problems.append(
                        Problem(
                            f"targets.competency_coverage.{area}",
                            f"not an area of {slug} ({', '.join(sorted(areas))})",
                        )
                    )
    if problems:
        raise BadRequest("The programme refers to unknown things.", problems)


def load_programme(session: Session, data: Any) -> LoadedProgramme:
    """Create or update a programme from its file (parsed YAML); member organisations that do
    not exist yet are created (their id is their slug)."""
    try:
        parsed = ProgrammeFileSchema().load(data if isinstance(data, Mapping) else {})
    except ValidationError as exc:
        raise BadRequest("The programme is not valid.", flatten_errors(exc.messages)) from None
    _check_references(session, parsed)
    now = datetime.now(UTC)
    programme = session.scalar(
        select(Programme)
        .options(selectinload(Programme.members))
        .where(Programme.slug == parsed["id"])
    )
    created = programme is None
    if programme is None:
        programme = Programme(slug=parsed["id"])
        session.add(programme)
    programme.name = parsed["name"]
    programme.starts_at = day_start(parsed["runtime"]["start"])
    programme.ends_at = day_start(parsed["runtime"]["end"] + timedelta(days=1))
    programme.framework_slug = parsed["framework"]
    programme.min_cell = parsed["privacy"]["min_cell"]
    programme.definition = _json_ready(parsed)
    programme.updated_at = now
    organisations = {
        o.slug: o
        for o in session.scalars(
            select(Organisation).where(
                Organisation.slug.in_([m["id"] for m in parsed["organisations"]])
            )
        )
    }
    new_orgs = []
    for member in parsed["organisations"]:
        if member["id"] not in organisations:
            organisations[member["id"]] = create_organisation(session, member["id"], member["name"])
            new_orgs.append(member["id"])
    programme.members.clear()
    session.flush()
    for position, member in enumerate(parsed["organisations"]):
        programme.members.append(
            ProgrammeMember(
                org_pk=organisations[member["id"]].pk,
                headcount=member["headcount"],
                managers=member["managers"],
                position=position,
            )
        )
    session.flush()
    return LoadedProgramme(slug=programme.slug, created=created, organisations_created=new_orgs)


def get_programme(session: Session, slug: str) -> Programme:
    programme = session.scalar(
        select(Programme).options(selectinload(Programme.members)).where(Programme.slug == slug)
    )
    if programme is None:
        raise NotFound(f"No programme {slug!r}.", [Problem("programme", "unknown programme")])
    return programme


def list_programmes(session: Session) -> list[Programme]:
    return list(session.scalars(select(Programme).order_by(Programme.slug)))


def eligible_activities(session: Session, programme: Programme) -> frozenset[str]:
    eligible = programme.definition["eligible"]
    query = select(CatalogueCourse.activity_iri)
    if eligible != "all":
        query = query.where(CatalogueCourse.slug.in_(eligible["courses"]))
    return frozenset(session.scalars(query))
