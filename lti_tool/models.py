"""Tables of the LTI tool: registrations, keys, launch state, launches, queues, rosters.

Everything a second gunicorn worker (or a second machine) needs lives here, never in process
memory: the OIDC state and nonces of a login in progress, launches, the score queue.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lrs.db import Base, JSONType, UTCDateTime


class ToolKey(Base):
    """One RSA key pair of the tool. JWKS serves the current and the previous key."""

    __tablename__ = "lti_tool_keys"

    pk: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when a rotation makes the key older than "previous": no longer served or used.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Platform(Base):
    """A platform registration (Moodle site, ILIAS installation) of one organisation."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(Text)
    auth_token_url: Mapped[str] = mapped_column(Text)
    # Some platforms want another `aud` than the token URL in client assertions.
    auth_audience: Mapped[str | None] = mapped_column(Text)
    key_set_url: Mapped[str] = mapped_column(Text)
    # product_family_code and version from the platform's configuration, e.g. "moodle 5.0.6".
    product: Mapped[str | None] = mapped_column(String(100))
    registered_via: Mapped[str] = mapped_column(String(20))  # "dynamic" or "manual"
    # Service scopes the platform granted (Dynamic Registration) or that are assumed (manual).
    scopes: Mapped[list[str]] = mapped_column(JSONType)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_launch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="platform", order_by="Deployment.pk"
    )


class Deployment(Base):
    """A deployment id the platform uses for this tool (Moodle: the tool type id)."""

    __tablename__ = "lti_deployments"
    __table_args__ = (UniqueConstraint("platform_pk", "deployment_id"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    platform_pk: Mapped[int] = mapped_column(ForeignKey("lti_platforms.pk"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    platform: Mapped[Platform] = relationship(back_populates="deployments")


class RegistrationToken(Base):
    """A one-time Dynamic Registration URL of an organisation (only its hash is kept)."""

    __tablename__ = "lti_registration_tokens"

    pk: Mapped[int] = mapped_column(primary_key=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    platform_pk: Mapped[int | None] = mapped_column(ForeignKey("lti_platforms.pk"))


class LaunchState(Base):
    """pylti1p3's launch data storage: OIDC state, nonces, cached key sets (with expiry)."""

    __tablename__ = "lti_launch_state"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Launch(Base):
    """A validated launch: who came from which platform context to which course."""

    __tablename__ = "lti_launches"
    __table_args__ = (
        # "Which launches of this learner lead to this course?" (score passback).
        Index("ix_lti_launches_learner_course", "org_pk", "platform_pk", "sub", "course_pk"),
    )

    pk: Mapped[int] = mapped_column(primary_key=True)
    launch_id: Mapped[str] = mapped_column(String(64), unique=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"))
    platform_pk: Mapped[int] = mapped_column(ForeignKey("lti_platforms.pk"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    message_type: Mapped[str] = mapped_column(String(40))
    sub: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(JSONType)
    course_pk: Mapped[int | None] = mapped_column(ForeignKey("catalogue_courses.pk"))
    context_id: Mapped[str | None] = mapped_column(String(255))
    context_title: Mapped[str | None] = mapped_column(Text)
    resource_link_id: Mapped[str | None] = mapped_column(String(255))
    # xAPI registration of this learner in this course in this platform context.
    registration: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    locale: Mapped[str | None] = mapped_column(String(20))
    lineitem_url: Mapped[str | None] = mapped_column(Text)
    lineitems_url: Mapped[str | None] = mapped_column(Text)
    ags_scopes: Mapped[list[str]] = mapped_column(JSONType)
    nrps_url: Mapped[str | None] = mapped_column(Text)
    deep_linking_settings: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # Only filled when the organisation stores personal data (Organisation.store_personal_data).
    person_name: Mapped[str | None] = mapped_column(String(255))
    person_email: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Forms on the pages of this launch (mark as completed, deep-link choice) work until then.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A deep-linking launch answers the platform once.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ScoreJob(Base):
    """A score to send to a platform's gradebook (AGS), retried with backoff until delivered."""

    __tablename__ = "lti_score_jobs"
    __table_args__ = (
        UniqueConstraint("statement_id", "target"),
        Index("ix_lti_score_jobs_due", "status", "next_attempt_at"),
    )

    pk: Mapped[int] = mapped_column(primary_key=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"), index=True)
    platform_pk: Mapped[int] = mapped_column(ForeignKey("lti_platforms.pk"))
    launch_pk: Mapped[int] = mapped_column(ForeignKey("lti_launches.pk"))
    statement_id: Mapped[uuid.UUID] = mapped_column(Uuid())
    # SHA-256 of where the score goes (line item, or line items + resource link).
    target: Mapped[str] = mapped_column(String(64))
    lineitem_url: Mapped[str | None] = mapped_column(Text)
    lineitems_url: Mapped[str | None] = mapped_column(Text)
    resource_link_id: Mapped[str | None] = mapped_column(String(255))
    label: Mapped[str | None] = mapped_column(String(255))
    scopes: Mapped[list[str]] = mapped_column(JSONType)
    user_id: Mapped[str] = mapped_column(String(255))
    score_given: Mapped[float] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float)
    activity_progress: Mapped[str] = mapped_column(String(20))
    grading_progress: Mapped[str] = mapped_column(String(20))
    timestamp: Mapped[str] = mapped_column(String(40))
    # pending -> sent | superseded (the platform holds a newer score) | failed (gave up)
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A worker sending this job holds it until then; a crashed worker's lease runs out.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Membership(Base):
    """Member counts of one platform context (course), from Names and Role Provisioning."""

    __tablename__ = "lti_memberships"
    __table_args__ = (UniqueConstraint("platform_pk", "context_id"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"), index=True)
    platform_pk: Mapped[int] = mapped_column(ForeignKey("lti_platforms.pk"))
    context_id: Mapped[str] = mapped_column(String(255))
    context_title: Mapped[str | None] = mapped_column(Text)
    memberships_url: Mapped[str] = mapped_column(Text)
    scopes: Mapped[list[str]] = mapped_column(JSONType)
    # Active members, and of them those with a learner role; None until the first sync.
    member_count: Mapped[int | None] = mapped_column(Integer)
    learner_count: Mapped[int | None] = mapped_column(Integer)
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sync_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)


class RosterMember(Base):
    """An active member of a context, by the platform's user id (for distinct headcounts)."""

    __tablename__ = "lti_roster_members"
    __table_args__ = (UniqueConstraint("membership_pk", "user_id"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    membership_pk: Mapped[int] = mapped_column(ForeignKey("lti_memberships.pk"))
    user_id: Mapped[str] = mapped_column(String(255))


class LtiError(Base):
    """A refused login or launch, a failed registration or delivery: shown on the admin page."""

    __tablename__ = "lti_errors"

    pk: Mapped[int] = mapped_column(primary_key=True)
    org_pk: Mapped[int | None] = mapped_column(ForeignKey("organisations.pk"), index=True)
    platform_pk: Mapped[int | None] = mapped_column(ForeignKey("lti_platforms.pk"))
    stage: Mapped[str] = mapped_column(String(20))
    issuer: Mapped[str | None] = mapped_column(String(255))
    client_id: Mapped[str | None] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ContentCredential(Base):
    """A short-lived xAPI credential handed to self-reporting content for one launch."""

    __tablename__ = "lti_content_credentials"

    pk: Mapped[int] = mapped_column(primary_key=True)
    credential_pk: Mapped[int] = mapped_column(ForeignKey("credentials.pk"), unique=True)
    launch_pk: Mapped[int] = mapped_column(ForeignKey("lti_launches.pk"))
    # The only actor this credential may write statements about.
    actor_home_page: Mapped[str] = mapped_column(String(255))
    actor_name: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
