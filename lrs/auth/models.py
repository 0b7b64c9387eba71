"""Tenants and their xAPI credentials."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lrs.db import Base, JSONType, UTCDateTime


class Organisation(Base):
    """A tenant: a town hall, a district, a job centre, a small firm."""

    __tablename__ = "organisations"

    pk: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # Names and e-mail addresses from launches are kept only if the organisation opts in.
    store_personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    credentials: Mapped[list[Credential]] = relationship(back_populates="organisation")


class Credential(Base):
    """An xAPI client's key and secret (HTTP Basic), with the xAPI scopes it may use."""

    __tablename__ = "credentials"

    pk: Mapped[int] = mapped_column(primary_key=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"), index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    # SHA-256 of a 256-bit random secret: a slow password hash adds nothing against guessing
    # such a secret and would cost milliseconds on every xAPI request.
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSONType)
    label: Mapped[str | None] = mapped_column(String(255))
    # Issue 5: strip personal names from incoming statements for organisations that want it.
    strip_personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Short-lived credentials (issue 3: handed to self-reporting course content) stop working then.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(back_populates="credentials")

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "org": self.organisation.slug, "scopes": list(self.scopes)}
