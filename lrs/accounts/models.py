"""User accounts for the web pages (learners never have one: they come through LTI)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, UTCDateTime

ROLES = ("site_admin", "org_admin", "manager")


class User(Base):
    __tablename__ = "users"

    pk: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    # org_admin: the organisation administered; manager: none (see programme_slug).
    org_pk: Mapped[int | None] = mapped_column(ForeignKey("organisations.pk"))
    # manager: the programme managed (its id in the programme files).
    programme_slug: Mapped[str | None] = mapped_column(String(100))
    # A one-time password from the command line must be replaced at first sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
