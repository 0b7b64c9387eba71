"""What the admin page shows: registrations, their status, last launch, errors, queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lrs.auth.models import Organisation
from lti_tool.models import LtiError, Membership, Platform, ScoreJob


@dataclass(frozen=True)
class PlatformStatus:
    platform: Platform
    org: Organisation
    deployments: list[str]
    status: str  # active | inactive | no_deployment | failing
    pending_scores: int
    failed_scores: int
    last_error_at: datetime | None


def _counts(session: Session, status: str) -> dict[int, int]:
    rows = session.execute(
        select(ScoreJob.platform_pk, func.count())
        .where(ScoreJob.status == status)
        .group_by(ScoreJob.platform_pk)
    )
    return {int(pk): int(n) for pk, n in rows}


def platform_statuses(session: Session, org_pk: int | None) -> list[PlatformStatus]:
    """Every registration the viewer may see (one organisation, or all for site admins)."""
    query = select(Platform, Organisation).join(Organisation, Organisation.pk == Platform.org_pk)
    if org_pk is not None:
        query = query.where(Platform.org_pk == org_pk)
    pending, failed = _counts(session, "pending"), _counts(session, "failed")
    last_errors = dict(
        session.execute(
            select(LtiError.platform_pk, func.max(LtiError.created_at))
            .where(LtiError.platform_pk.is_not(None))
            .group_by(LtiError.platform_pk)
        ).all()
    )
    result = []
    for platform, org in session.execute(query.order_by(Organisation.name, Platform.pk)).all():
        deployments = [d.deployment_id for d in platform.deployments]
        last_error = last_errors.get(platform.pk)
        if not platform.active:
            status = "inactive"
        elif not deployments:
            status = "no_deployment"
        elif failed.get(platform.pk) or (
            last_error is not None
            and (platform.last_launch_at is None or last_error > platform.last_launch_at)
        ):
            status = "failing"
        else:
            status = "active"
        result.append(
            PlatformStatus(
                platform,
                org,
                deployments,
                status,
                pending.get(platform.pk, 0),
                failed.get(platform.pk, 0),
                last_error,
            )
        )
    return result


def recent_errors(session: Session, org_pk: int | None, limit: int = 25) -> list[LtiError]:
    """Recent errors; an organisation also sees refusals of its issuers not yet attributed
    (e.g. a launch with an unknown client id from its Moodle)."""
    query = select(LtiError)
    if org_pk is not None:
        issuers = select(Platform.issuer).where(Platform.org_pk == org_pk)
        query = query.where(
            or_(
                LtiError.org_pk == org_pk,
                LtiError.org_pk.is_(None) & LtiError.issuer.in_(issuers),
            )
        )
    return list(session.scalars(query.order_by(LtiError.created_at.desc()).limit(limit)))


def memberships(session: Session, org_pk: int | None) -> list[Membership]:
    query = select(Membership)
    if org_pk is not None:
        query = query.where(Membership.org_pk == org_pk)
    return list(session.scalars(query.order_by(Membership.platform_pk, Membership.context_id)))


def organisations(session: Session, org_pk: int | None) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.name)
    if org_pk is not None:
        query = query.where(Organisation.pk == org_pk)
    return list(session.scalars(query))
