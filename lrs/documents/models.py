"""Stored documents (xAPI 1.0.3 Part 3, 2.2-2.7)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, UTCDateTime
from lrs.statement_store.models import BigPK


class Document(Base):
    """One document of one kind: `state`, `activity_profile` or `agent_profile`.

    Keys that a kind does not use are stored as '' rather than NULL, so that the unique
    constraint also holds for them.
    """

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("org_pk", "kind", "activity_iri", "agent_key", "registration", "doc_id"),
    )

    pk: Mapped[int] = mapped_column(BigPK, primary_key=True, autoincrement=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"))
    kind: Mapped[str] = mapped_column(String(20))
    activity_iri: Mapped[str] = mapped_column(Text, default="")
    agent_key: Mapped[str] = mapped_column(Text, default="")
    registration: Mapped[str] = mapped_column(String(36), default="")
    doc_id: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    etag: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
