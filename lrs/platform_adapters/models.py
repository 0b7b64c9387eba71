"""Tables of the platform adapters: raw statements, Moodle sites, activity mappings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, JSONType, UTCDateTime


class StatementRaw(Base):
    """A statement an adapter handled, as it was received (after the privacy option).

    The stored statement is the normalised one; this keeps what the platform sent beside it.
    `error` is set when the adapter failed on the statement: it was then stored as received.
    Deleted with its statement (erasure).
    """

    __tablename__ = "statement_raw"
    __table_args__ = (Index("ix_statement_raw_org_pk_adapter", "org_pk", "adapter"),)

    statement_pk: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("statements.pk", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"))
    adapter: Mapped[str] = mapped_column(String(32))
    raw: Mapped[dict[str, Any]] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MoodleSite(Base):
    """A Moodle an organisation connected for pull mode (`lernspur adapters moodle add-site`)."""

    __tablename__ = "moodle_sites"
    __table_args__ = (UniqueConstraint("org_pk", "root_key"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"), index=True)
    root: Mapped[str] = mapped_column(Text)  # wwwroot as registered (adapters.urls)
    root_key: Mapped[str] = mapped_column(Text)  # scheme-less, to find it whatever the spelling
    # The web-service token, encrypted with a key derived from SECRET_KEY (secrets.py).
    token_sealed: Mapped[str | None] = mapped_column(Text)
    # Pulled statements are stored under this credential (their authority).
    credential_pk: Mapped[int] = mapped_column(ForeignKey("credentials.pk"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_pulled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ActivityMapping(Base):
    """A platform activity (Moodle course or module, ILIAS object) counted as a catalogue course."""

    __tablename__ = "activity_mappings"
    __table_args__ = (UniqueConstraint("org_pk", "activity_key"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    org_pk: Mapped[int] = mapped_column(ForeignKey("organisations.pk"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    activity_iri: Mapped[str] = mapped_column(Text)  # as the platform writes it
    activity_key: Mapped[str] = mapped_column(Text)  # adapters.urls.activity_key(activity_iri)
    course_pk: Mapped[int] = mapped_column(ForeignKey("catalogue_courses.pk", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
