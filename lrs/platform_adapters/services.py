"""Moodle sites of an organisation and platform activities mapped onto catalogue courses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adapters.moodle.activities import course_iri, parse_activity
from adapters.urls import activity_key, canonical_root, root_key
from lrs.auth.models import Organisation
from lrs.auth.services import create_credential
from lrs.catalogue.models import CatalogueCourse
from lrs.catalogue.services import course_by_slug
from lrs.errors import BadRequest, Conflict, NotFound
from lrs.platform_adapters.models import ActivityMapping, MoodleSite
from lrs.platform_adapters.outbound import check_url
from lrs.platform_adapters.sealing import seal
from lrs.statement_store.models import Statement
from statements.errors import Problem, StatementInvalid
from statements.validation import validate_iri


def add_moodle_site(
    session: Session,
    org: Organisation,
    url: str,
    token: str | None,
    secret_key: str,
    allow_private: bool,
) -> MoodleSite:
    """Register a Moodle (its wwwroot) for the organisation, with a web-service token for pull.

    Pulled statements are stored under a credential of their own (their authority), which no
    client can use: its secret is never shown.
    """
    check_url(url, allow_private, field="url")
    root = canonical_root(url)
    if session.scalar(
        select(MoodleSite).where(MoodleSite.org_pk == org.pk, MoodleSite.root_key == root_key(root))
    ):
        raise Conflict(
            f"{root} is registered for {org.slug} already.", [Problem("url", "must be new")]
        )
    issued = create_credential(
        session, org, ["statements/write"], label=f"Moodle web services ({root})"
    )
    credential = issued.credential
    site = MoodleSite(
        org_pk=org.pk,
        root=root,
        root_key=root_key(root),
        token_sealed=seal(token, secret_key) if token else None,
        credential_pk=credential.pk,
        created_at=datetime.now(UTC),
    )
    session.add(site)
    session.flush()
    return site


def get_moodle_site(session: Session, pk: int) -> MoodleSite:
    site = session.get(MoodleSite, pk)
    if site is None:
        raise NotFound(f"No Moodle site {pk}.", [Problem("platform", "must name a Moodle site")])
    return site


def moodle_sites(session: Session, org: Organisation | None = None) -> list[MoodleSite]:
    query = select(MoodleSite).order_by(MoodleSite.pk)
    if org is not None:
        query = query.where(MoodleSite.org_pk == org.pk)
    return list(session.scalars(query))


def moodle_activity(
    session: Session, org: Organisation, course_or_url: str, site_pk: int | None = None
) -> str:
    """The activity IRI of a Moodle course (given by id) or course/module (given by URL)."""
    given = course_or_url.strip()
    if given.isdigit():
        sites = moodle_sites(session, org)
        if site_pk is not None:
            sites = [s for s in sites if s.pk == site_pk]
        if len(sites) != 1:
            raise BadRequest(
                "A course given by id needs exactly one Moodle site of the organisation.",
                [
                    Problem(
                        "moodle-course",
                        "give the course URL (…/course/view.php?id=N), or --site with a "
                        "site added by `lernspur adapters moodle add-site`",
                    )
                ],
            )
        return course_iri(sites[0].root, int(given))
    parsed = parse_activity(given)
    if parsed is None:
        raise BadRequest(
            "Not a Moodle course or activity URL.",
            [
                Problem(
                    "moodle-course",
                    "must be <wwwroot>/course/view.php?id=N, <wwwroot>/mod/<type>/view.php?id=N "
                    "or a course id",
                )
            ],
        )
    return parsed.iri


@dataclass(frozen=True)
class MappingResult:
    mapping: ActivityMapping
    course: CatalogueCourse
    earlier_statements: int  # received before the mapping existed: they do not count


def map_activity(
    session: Session, org: Organisation, platform: str, activity_iri: str, course_slug: str
) -> MappingResult:
    """Count `activity_iri` (a platform activity) as catalogue course `course_slug`.

    Remapping an activity replaces its course. Statements stored before stay as they are
    (statements are immutable): the result says how many there are.
    """
    try:
        validate_iri(activity_iri, "activity")
    except StatementInvalid as exc:
        raise BadRequest("The activity is not an IRI.", list(exc.problems)) from None
    course = course_by_slug(session, course_slug)
    if course is None:
        raise NotFound(
            f"No catalogue course {course_slug!r}.",
            [Problem("course", "must be a course id from `lernspur catalogue list`")],
        )
    key = activity_key(activity_iri)
    mapping = session.scalar(
        select(ActivityMapping).where(
            ActivityMapping.org_pk == org.pk, ActivityMapping.activity_key == key
        )
    )
    if mapping is None:
        mapping = ActivityMapping(org_pk=org.pk, activity_key=key)
        session.add(mapping)
    mapping.platform = platform
    mapping.activity_iri = activity_iri
    mapping.course_pk = course.pk
    mapping.created_at = datetime.now(UTC)
    session.flush()
    earlier = session.scalar(
        select(func.count())
        .select_from(Statement)
        .where(Statement.org_pk == org.pk, Statement.activity_iri == activity_iri)
    )
    return MappingResult(mapping, course, int(earlier or 0))


def mappings(session: Session, org: Organisation) -> list[tuple[ActivityMapping, CatalogueCourse]]:
    rows = session.execute(
        select(ActivityMapping, CatalogueCourse)
        .join(CatalogueCourse, CatalogueCourse.pk == ActivityMapping.course_pk)
        .where(ActivityMapping.org_pk == org.pk)
        .order_by(ActivityMapping.activity_iri)
    )
    return [(m, c) for m, c in rows]
