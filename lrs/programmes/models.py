"""Programmes, their member organisations, and the API tokens of their managers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lrs.db import Base, JSONType, UTCDateTime


class Programme(Base):
    __tablename__ = "programmes"

    pk: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(Text)
    # The runtime as a half-open interval [starts_at, ends_at): the end date counts whole.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    framework_slug: Mapped[str | None] = mapped_column(String(100))
    min_cell: Mapped[int] = mapped_column(Integer)
    # The programme file as loaded and validated (targets, vouchers, funding, cost, …).
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    members: Mapped[list[ProgrammeMember]] = relationship(
        back_populates="programme",
        order_by="ProgrammeMember.position",
        cascade="all, delete-orphan",
    )


class ProgrammeMember(Base):
    __tablename__ = "programme_members"
    __table_args__ = (UniqueConstraint("programme_pk", "org_pk"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    programme_pk: Mapped[int] = mapped_column(ForeignKey("programmes.pk", ondelete="CASCADE"))
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"))
    headcount: Mapped[int] = mapped_column(Integer)
    managers: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)

    programme: Mapped[Programme] = relationship(back_populates="members")


class ManagerToken(Base):
    """A programme manager's bearer token for `/api/v1/` (only its SHA-256 is kept)."""

    __tablename__ = "manager_tokens"

    pk: Mapped[int] = mapped_column(primary_key=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.pk", ondelete="CASCADE"), index=True)
    programme_slug: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
