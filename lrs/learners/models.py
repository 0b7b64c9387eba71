"""Learners and the identifiers that name them; erasure records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, UTCDateTime


class Learner(Base):
    """A person of an organisation. Every count in a report is of these, not of identifiers."""

    __tablename__ = "learners"

    pk: Mapped[int] = mapped_column(primary_key=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"), index=True)
    # From `lernspur learners import`; None until an organisation says.
    is_manager: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LearnerIdentifier(Base):
    """One xAPI identifier key (`account:HOMEPAGE|NAME`, `sha1:…`, `mbox:…`) of a learner."""

    __tablename__ = "learner_identifiers"
    __table_args__ = (UniqueConstraint("org_pk", "ifi_key"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"))
    ifi_key: Mapped[str] = mapped_column(Text)
    learner_pk: Mapped[int] = mapped_column(
        ForeignKey("learners.pk", ondelete="CASCADE"), index=True
    )


class Erasure(Base):
    """That a learner was erased (DSGVO Art. 17), without who it was."""

    __tablename__ = "erasures"

    pk: Mapped[int] = mapped_column(primary_key=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"))
    statements: Mapped[int] = mapped_column(Integer)
    documents: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(100))
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime())


__all__ = ["Erasure", "Learner", "LearnerIdentifier"]
