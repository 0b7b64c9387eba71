"""Tables of the statement store.

The full statement is kept as JSON (JSONB on PostgreSQL); the columns beside it are what the
GET /statements filters need, indexed per organisation. Related-agent and related-activity
filters go through side tables, never through JSON scans.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, JSONType, UTCDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY, so the 64-bit key is INTEGER there.
BigPK = BigInteger().with_variant(Integer(), "sqlite")


class Statement(Base):
    __tablename__ = "statements"
    __table_args__ = (
        UniqueConstraint("org_pk", "statement_id"),
        # GET /statements?activity=…&verb=… newest first is one backward index range scan.
        Index("ix_statements_org_activity_verb_pk", "org_pk", "activity_iri", "verb_iri", "pk"),
        Index("ix_statements_org_verb_pk", "org_pk", "verb_iri", "pk"),
        Index("ix_statements_org_registration_pk", "org_pk", "registration", "pk"),
        Index("ix_statements_org_actor_pk", "org_pk", "actor_key", "pk"),
        Index("ix_statements_org_credential_pk", "org_pk", "credential_pk", "pk"),
        Index("ix_statements_org_stored_at", "org_pk", "stored_at"),
        # Few statements reference another; index only those.
        Index(
            "ix_statements_org_object_ref",
            "org_pk",
            "object_ref",
            postgresql_where=text("object_ref IS NOT NULL"),
            sqlite_where=text("object_ref IS NOT NULL"),
        ),
    )

    pk: Mapped[int] = mapped_column(BigPK, primary_key=True, autoincrement=True)
    # No foreign keys here or on the side tables: the store writes every row of a statement
    # itself, from the authenticated credential, and a per-row key check (a lookup and a
    # FOR KEY SHARE lock on the organisation) cost half of the ingest throughput (migration
    # 0010). Code that deletes statements deletes their side rows (`delete_statements`).
    org_pk: Mapped[int] = mapped_column(Integer)
    statement_id: Mapped[uuid.UUID] = mapped_column(Uuid())
    credential_pk: Mapped[int | None] = mapped_column(Integer)
    actor_key: Mapped[str | None] = mapped_column(Text)
    verb_iri: Mapped[str] = mapped_column(Text)
    # The object's id when the object is an Activity; the target id when it is a StatementRef.
    activity_iri: Mapped[str | None] = mapped_column(Text)
    object_ref: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    registration: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    timestamp_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[str] = mapped_column(String(16))
    body: Mapped[dict[str, Any]] = mapped_column(JSONType)


class StatementAgent(Base):
    """An Agent or Group a statement names besides its actor, for the `agent` filters.

    `related` is false for an Agent/Group object and for Group members of actor and object, the
    rows the plain `agent` filter matches; true for instructor, team, SubStatement agents and
    2.0 context agents, which only `related_agents=true` matches. The actor is the `actor_key`
    column of the statement; the authority is the credential that stored it.
    """

    __tablename__ = "statement_agents"
    __table_args__ = (Index("ix_statement_agents_lookup", "org_pk", "agent_key", "statement_pk"),)

    statement_pk: Mapped[int] = mapped_column(BigPK, primary_key=True)
    org_pk: Mapped[int] = mapped_column(Integer)
    agent_key: Mapped[str] = mapped_column(Text, primary_key=True)
    related: Mapped[bool] = mapped_column(Boolean)


class StatementActivity(Base):
    """An Activity a statement names besides its object, for `related_activities=true`."""

    __tablename__ = "statement_activities"
    __table_args__ = (
        Index("ix_statement_activities_lookup", "org_pk", "activity_iri", "statement_pk"),
    )

    statement_pk: Mapped[int] = mapped_column(BigPK, primary_key=True)
    org_pk: Mapped[int] = mapped_column(Integer)
    activity_iri: Mapped[str] = mapped_column(Text, primary_key=True)


class Attachment(Base):
    """Raw attachment data, stored once per organisation and SHA-2 (Part 3, 1.5.2)."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("org_pk", "sha2"),)

    pk: Mapped[int] = mapped_column(BigPK, primary_key=True, autoincrement=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"))
    sha2: Mapped[str] = mapped_column(String(128))
    content_type: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Activity(Base):
    """The LRS's canonical definition of an Activity (Part 3, 2.5), merged from statements."""

    __tablename__ = "activities"
    __table_args__ = (UniqueConstraint("org_pk", "activity_iri"),)

    pk: Mapped[int] = mapped_column(BigPK, primary_key=True, autoincrement=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"))
    activity_iri: Mapped[str] = mapped_column(Text)
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
