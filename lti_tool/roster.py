"""Names and Role Provisioning: who is in a platform context, for headcounts.

A launch carrying the NRPS claim makes its context known (`lti_memberships`, with the
memberships URL). A teacher's launch asks for a sync, done after the response like score
delivery; `lernspur platforms sync-roster` syncs every known context of a platform. A sync
reads all pages (LTI NRPS 2.0, 2.4 "Limit query parameter" and `Link: rel="next"`), keeps the
member and learner counts of the context and the platform user ids of its active members:
the ids are pseudonyms already used as `sub` in statements; names and e-mail addresses from
the roster are never stored.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from pylti1p3.exception import LtiException
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.roles import StudentRole
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lti_tool.connector import PlatformConnector
from lti_tool.errors import record_error
from lti_tool.models import Launch, Membership, Platform, RosterMember

logger = logging.getLogger(__name__)

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def note_context(session: Session, launch: Launch, request_sync: bool) -> Membership | None:
    """Remember the launch's context and its memberships URL; maybe ask for a sync."""
    if not launch.nrps_url or not launch.context_id:
        return None
    membership = session.scalar(
        select(Membership).where(
            Membership.platform_pk == launch.platform_pk,
            Membership.context_id == launch.context_id,
        )
    )
    if membership is None:
        membership = Membership(
            org_pk=launch.org_pk,
            platform_pk=launch.platform_pk,
            context_id=launch.context_id,
            memberships_url=launch.nrps_url,
            scopes=[NRPS_SCOPE],
        )
        session.add(membership)
    membership.context_title = launch.context_title or membership.context_title
    membership.memberships_url = launch.nrps_url
    if request_sync:
        membership.sync_requested_at = datetime.now(UTC)
    session.flush()
    return membership


@dataclass(frozen=True)
class SyncResult:
    context_id: str
    members: int | None
    learners: int | None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "context": self.context_id,
            "members": self.members,
            "learners": self.learners,
            "error": self.error,
        }


def _active(member: Mapping[str, Any]) -> bool:
    return str(member.get("status") or "Active") == "Active" and bool(member.get("user_id"))


def sync_membership(
    session: Session, membership: Membership, connector: PlatformConnector
) -> SyncResult:
    """Read the context's roster and keep its counts and member ids."""
    service = NamesRolesProvisioningService(
        connector, {"context_memberships_url": membership.memberships_url}
    )
    try:
        members = [m for m in service.get_members() if _active(m)]
    except (LtiException, requests.RequestException, ValueError) as exc:
        message = f"Roster of context {membership.context_id} not read: {exc}"
        membership.last_error = message[:2000]
        record_error(
            session, "roster", message, org_pk=membership.org_pk, platform_pk=membership.platform_pk
        )
        return SyncResult(membership.context_id, None, None, message)
    user_ids = sorted({str(m["user_id"]) for m in members})
    learners = {
        str(m["user_id"])
        for m in members
        if StudentRole(  # type: ignore[no-untyped-call]
            {"https://purl.imsglobal.org/spec/lti/claim/roles": m.get("roles") or []}
        ).check()
    }
    session.execute(delete(RosterMember).where(RosterMember.membership_pk == membership.pk))
    session.add_all(RosterMember(membership_pk=membership.pk, user_id=u) for u in user_ids)
    membership.member_count = len(user_ids)
    membership.learner_count = len(learners)
    membership.synced_at = datetime.now(UTC)
    membership.sync_requested_at = None
    membership.last_error = None
    session.flush()
    return SyncResult(membership.context_id, len(user_ids), len(learners))


def sync_platform(
    session: Session,
    platform: Platform,
    allow_private_urls: bool,
    context_id: str | None = None,
    only_requested: bool = False,
) -> list[SyncResult]:
    """Sync the known contexts of a platform (or one of them, or those asking for it)."""
    query = select(Membership).where(Membership.platform_pk == platform.pk)
    if context_id is not None:
        query = query.where(Membership.context_id == context_id)
    if only_requested:
        query = query.where(Membership.sync_requested_at.is_not(None))
    memberships = list(session.scalars(query.order_by(Membership.pk)))
    if not memberships:
        return []
    connector = PlatformConnector(session, platform, allow_private_urls)
    return [sync_membership(session, m, connector) for m in memberships]


def sync_requested(session: Session, allow_private_urls: bool) -> list[SyncResult]:
    """Sync every context a teacher's launch asked for."""
    platform_pks = session.scalars(
        select(Membership.platform_pk).where(Membership.sync_requested_at.is_not(None)).distinct()
    ).all()
    results: list[SyncResult] = []
    for pk in platform_pks:
        platform = session.get(Platform, pk)
        if platform is not None:
            results.extend(
                sync_platform(session, platform, allow_private_urls, only_requested=True)
            )
    return results


def headcount_for_org(session: Session, org_pk: int) -> int | None:
    """People in the organisation's synced platform contexts, each counted once; None if no
    roster has been read yet (programme reports then have no headcount from LTI).

    Counts distinct platform user ids across all contexts of all the organisation's platforms:
    a person in three Moodle courses is one head.
    """
    synced = session.scalar(
        select(func.count(Membership.pk)).where(
            Membership.org_pk == org_pk, Membership.synced_at.is_not(None)
        )
    )
    if not synced:
        return None
    people = (
        select(Membership.platform_pk, RosterMember.user_id)
        .join(RosterMember, RosterMember.membership_pk == Membership.pk)
        .where(Membership.org_pk == org_pk)
        .distinct()
        .subquery()
    )
    return int(session.scalar(select(func.count()).select_from(people)) or 0)
