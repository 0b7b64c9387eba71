"""Projection tables: facts per statement, and per-learner summaries the reports read.

Facts are keyed by statement, so voiding or erasing a statement removes exactly what it gave;
they name the actor's identifier (a row of `learner_identifiers`, by its integer key), and
summaries resolve identifiers to learners, so linking two identifiers of one person only
recomputes that person's summary rows.

These tables are derived and rebuilt in bulk, so they have no foreign keys (a check per row
would halve the rebuild's speed); the services that delete statements, learners or programmes
delete their derived rows themselves, and `projections rebuild` recomputes everything.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, UTCDateTime

BigKey = BigInteger().with_variant(Integer(), "sqlite")


class EvidenceFact(Base):
    __tablename__ = "evidence_facts"
    __table_args__ = (Index("ix_evidence_facts_identifier_pk", "identifier_pk"),)

    statement_pk: Mapped[int] = mapped_column(BigKey, primary_key=True)
    item_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_pk: Mapped[int] = mapped_column(Integer)
    identifier_pk: Mapped[int] = mapped_column(Integer)
    achieved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ParticipationFact(Base):
    __tablename__ = "participation_facts"
    __table_args__ = (
        Index("ix_participation_facts_identifier_pk", "identifier_pk"),
        Index("ix_participation_facts_programme_pk", "programme_pk"),
    )

    statement_pk: Mapped[int] = mapped_column(BigKey, primary_key=True)
    programme_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)  # completion | redemption
    org_pk: Mapped[int] = mapped_column(Integer)
    identifier_pk: Mapped[int] = mapped_column(Integer)
    activity_iri: Mapped[str | None] = mapped_column(Text)
    eligible: Mapped[bool] = mapped_column(Boolean)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProgrammeLearner(Base):
    """A learner with a completion or voucher fact in a programme: participant when
    `first_completed_at` is set (an eligible completion within the runtime)."""

    __tablename__ = "programme_learners"
    # Every column a report counts, so that it reads the index alone (index-only scan).
    __table_args__ = (
        Index(
            "ix_programme_learners_programme_org_figures",
            "programme_pk",
            "org_pk",
            "first_completed_month",
            "trained_before",
            "vouchers",
        ),
    )

    programme_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_pk: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    org_pk: Mapped[int] = mapped_column(Integer)
    first_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Its UTC month as YYYYMM (202403): the monthly series groups by this integer instead of
    # converting every timestamp at report time.
    first_completed_month: Mapped[int | None] = mapped_column(Integer)
    # A completion (any activity) before the runtime began: not a first-time participant.
    trained_before: Mapped[bool] = mapped_column(Boolean)
    # Vouchers redeemed within the runtime (eligible courses launched), so that a report
    # counts them in the same scan as the participants.
    vouchers: Mapped[int] = mapped_column(Integer)


class ProgrammeArea(Base):
    """A participant with evidence in an area of the programme's framework by its end."""

    __tablename__ = "programme_areas"
    __table_args__ = (
        Index("ix_programme_areas_programme_org_area", "programme_pk", "org_pk", "area_code"),
    )

    programme_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_pk: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    area_code: Mapped[str] = mapped_column(String(100), primary_key=True)
    org_pk: Mapped[int] = mapped_column(Integer)


class ProgrammeCompetency(Base):
    """A participant with evidence of a competency of the programme's framework by its end:
    a report counts these rows per competency instead of joining every learner's evidence."""

    __tablename__ = "programme_competencies"
    __table_args__ = (
        Index("ix_programme_competencies_programme_item_org", "programme_pk", "item_pk", "org_pk"),
    )

    programme_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_pk: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    item_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_pk: Mapped[int] = mapped_column(Integer)


class VoucherRedemption(Base):
    """One voucher: a learner's first launch of an eligible course within the runtime."""

    __tablename__ = "voucher_redemptions"
    __table_args__ = (
        Index(
            "ix_voucher_redemptions_programme_org_month",
            "programme_pk",
            "org_pk",
            "redeemed_month",
        ),
    )

    programme_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_pk: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    activity_iri: Mapped[str] = mapped_column(Text, primary_key=True)
    org_pk: Mapped[int] = mapped_column(Integer)
    redeemed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    redeemed_month: Mapped[int] = mapped_column(Integer)  # UTC month as YYYYMM


class LearnerCompetency(Base):
    __tablename__ = "learner_competencies"

    learner_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_achieved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LearnerArea(Base):
    """A learner with evidence in an area (top-level item) of a framework: coverage per area
    counts these rows instead of distinct learners over all their competencies."""

    __tablename__ = "learner_areas"

    learner_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(100), primary_key=True)
    first_achieved_at: Mapped[datetime] = mapped_column(UTCDateTime())
