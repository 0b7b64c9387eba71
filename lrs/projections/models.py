"""Projection tables: facts per statement, and per-learner summaries the reports read.

Facts are keyed by statement, so voiding or erasing a statement removes exactly what it gave;
they carry the actor's identifier key, and summaries resolve keys to learners, so linking two
identifiers of one person only recomputes that person's summary rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, UTCDateTime

BigKey = BigInteger().with_variant(Integer(), "sqlite")


class EvidenceFact(Base):
    __tablename__ = "evidence_facts"
    __table_args__ = (Index("ix_evidence_facts_actor", "org_pk", "actor_key"),)

    statement_pk: Mapped[int] = mapped_column(
        BigKey, ForeignKey("statements.pk", ondelete="CASCADE"), primary_key=True
    )
    item_pk: Mapped[int] = mapped_column(
        ForeignKey("framework_items.pk", ondelete="CASCADE"), primary_key=True, index=True
    )
    org_pk: Mapped[int] = mapped_column(Integer)
    actor_key: Mapped[str] = mapped_column(Text)
    achieved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ParticipationFact(Base):
    __tablename__ = "participation_facts"
    __table_args__ = (
        Index("ix_participation_facts_actor", "org_pk", "actor_key"),
        Index("ix_participation_facts_programme_pk", "programme_pk"),
    )

    statement_pk: Mapped[int] = mapped_column(
        BigKey, ForeignKey("statements.pk", ondelete="CASCADE"), primary_key=True
    )
    programme_pk: Mapped[int] = mapped_column(
        ForeignKey("programmes.pk", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)  # completion | redemption
    org_pk: Mapped[int] = mapped_column(Integer)
    actor_key: Mapped[str] = mapped_column(Text)
    activity_iri: Mapped[str | None] = mapped_column(Text)
    eligible: Mapped[bool] = mapped_column(Boolean)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProgrammeLearner(Base):
    """A learner with a completion fact in a programme: participant when
    `first_completed_at` is set (an eligible completion within the runtime)."""

    __tablename__ = "programme_learners"
    __table_args__ = (Index("ix_programme_learners_programme_org", "programme_pk", "org_pk"),)

    programme_pk: Mapped[int] = mapped_column(
        ForeignKey("programmes.pk", ondelete="CASCADE"), primary_key=True
    )
    learner_pk: Mapped[int] = mapped_column(
        ForeignKey("learners.pk", ondelete="CASCADE"), primary_key=True, index=True
    )
    org_pk: Mapped[int] = mapped_column(Integer)
    first_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A completion (any activity) before the runtime began: not a first-time participant.
    trained_before: Mapped[bool] = mapped_column(Boolean)


class VoucherRedemption(Base):
    """One voucher: a learner's first launch of an eligible course within the runtime."""

    __tablename__ = "voucher_redemptions"
    __table_args__ = (Index("ix_voucher_redemptions_programme_org", "programme_pk", "org_pk"),)

    programme_pk: Mapped[int] = mapped_column(
        ForeignKey("programmes.pk", ondelete="CASCADE"), primary_key=True
    )
    learner_pk: Mapped[int] = mapped_column(
        ForeignKey("learners.pk", ondelete="CASCADE"), primary_key=True, index=True
    )
    activity_iri: Mapped[str] = mapped_column(Text, primary_key=True)
    org_pk: Mapped[int] = mapped_column(Integer)
    redeemed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LearnerCompetency(Base):
    __tablename__ = "learner_competencies"

    learner_pk: Mapped[int] = mapped_column(
        ForeignKey("learners.pk", ondelete="CASCADE"), primary_key=True
    )
    item_pk: Mapped[int] = mapped_column(
        ForeignKey("framework_items.pk", ondelete="CASCADE"), primary_key=True, index=True
    )
    first_achieved_at: Mapped[datetime] = mapped_column(UTCDateTime())
