"""Competency frameworks and their items (competencies and areas)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, UTCDateTime


class Framework(Base):
    __tablename__ = "frameworks"

    pk: Mapped[int] = mapped_column(primary_key=True)
    # What catalogues and programmes name the framework by (`--id`, default the file name).
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    identifier: Mapped[str] = mapped_column(Text)  # CASE CFDocument identifier / Moodle ID number
    title: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))  # "case" or "moodle"
    uri: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FrameworkItem(Base):
    """A competency or an area; updated in place by identifier on re-import, so the evidence
    that refers to it stays."""

    __tablename__ = "framework_items"
    __table_args__ = (
        UniqueConstraint("framework_pk", "identifier"),
        Index("ix_framework_items_uri", "uri"),
    )

    pk: Mapped[int] = mapped_column(primary_key=True)
    framework_pk: Mapped[int] = mapped_column(ForeignKey("frameworks.pk", ondelete="CASCADE"))
    identifier: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    item_type: Mapped[str | None] = mapped_column(String(100))
    uri: Mapped[str | None] = mapped_column(Text)
    parent_pk: Mapped[int | None] = mapped_column(
        ForeignKey("framework_items.pk", ondelete="SET NULL")
    )
    # Code of the top-level ancestor: the area the item belongs to (its own code for an area).
    area_code: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
