"""The SQL aggregates behind every report: counts of people per organisation and month."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from lrs.competencies.models import FrameworkItem
from lrs.learners.models import Learner
from lrs.projections.models import LearnerCompetency, ProgrammeLearner, VoucherRedemption


def month_of(session: Session, column: Any) -> Any:
    """'YYYY-MM' of a UTC timestamp column, in the database's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def participant_counts(
    session: Session, programme_pk: int, org_pks: Sequence[int]
) -> dict[int, tuple[int, int, int]]:
    """org pk -> (participants, manager participants, first-time participants)."""
    pl = ProgrammeLearner
    rows: Any = session.execute(
        select(
            pl.org_pk,
            func.count(),
            func.coalesce(func.sum(case((Learner.is_manager.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(case((pl.trained_before.is_(False), 1), else_=0)), 0),
        )
        .join(Learner, Learner.pk == pl.learner_pk)
        .where(
            pl.programme_pk == programme_pk,
            pl.first_completed_at.is_not(None),
            pl.org_pk.in_(org_pks),
        )
        .group_by(pl.org_pk)
    )
    return {int(org): (int(p), int(m), int(f)) for org, p, m, f in rows}


def voucher_counts(session: Session, programme_pk: int, org_pks: Sequence[int]) -> dict[int, int]:
    vr = VoucherRedemption
    rows: Any = session.execute(
        select(vr.org_pk, func.count())
        .where(vr.programme_pk == programme_pk, vr.org_pk.in_(org_pks))
        .group_by(vr.org_pk)
    )
    return {org: int(n) for org, n in rows}


def monthly_participants(
    session: Session, programme_pk: int, org_pks: Sequence[int]
) -> dict[str, int]:
    """'YYYY-MM' -> people whose first eligible completion in the runtime fell in it."""
    pl = ProgrammeLearner
    month = month_of(session, pl.first_completed_at)
    rows: Any = session.execute(
        select(month, func.count())
        .where(
            pl.programme_pk == programme_pk,
            pl.first_completed_at.is_not(None),
            pl.org_pk.in_(org_pks),
        )
        .group_by(month)
    )
    return {str(m): int(n) for m, n in rows}


def monthly_redemptions(
    session: Session, programme_pk: int, org_pks: Sequence[int]
) -> dict[str, int]:
    vr = VoucherRedemption
    month = month_of(session, vr.redeemed_at)
    rows: Any = session.execute(
        select(month, func.count())
        .where(vr.programme_pk == programme_pk, vr.org_pk.in_(org_pks))
        .group_by(month)
    )
    return {str(m): int(n) for m, n in rows}


def coverage_counts(
    session: Session,
    programme_pk: int,
    org_pks: Sequence[int],
    framework_pk: int,
    until: datetime,
) -> tuple[dict[tuple[int, str], int], dict[int, int]]:
    """Participants with evidence by `until`: per (org, area), and per competency item."""
    pl, lc, fi = ProgrammeLearner, LearnerCompetency, FrameworkItem
    base = and_(
        pl.programme_pk == programme_pk,
        pl.first_completed_at.is_not(None),
        pl.org_pk.in_(org_pks),
        fi.framework_pk == framework_pk,
        lc.first_achieved_at < until,
    )
    joined = (
        select(pl.org_pk)
        .join(lc, lc.learner_pk == pl.learner_pk)
        .join(fi, fi.pk == lc.item_pk)
        .where(base)
    )
    by_area = session.execute(
        joined.with_only_columns(
            pl.org_pk, fi.area_code, func.count(func.distinct(pl.learner_pk))
        ).group_by(pl.org_pk, fi.area_code)
    )
    by_item = session.execute(
        joined.with_only_columns(fi.pk, func.count(func.distinct(pl.learner_pk))).group_by(fi.pk)
    )
    return (
        {(org, area): int(n) for org, area, n in by_area},
        {item: int(n) for item, n in by_item},
    )
