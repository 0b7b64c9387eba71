"""The SQL aggregates behind every report: counts of people per organisation and month."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from lrs.competencies.models import FrameworkItem
from lrs.learners.models import Learner
from lrs.projections.models import (
    LearnerCompetency,
    ProgrammeArea,
    ProgrammeLearner,
    VoucherRedemption,
)


def month_of(session: Session, column: Any) -> Any:
    """'YYYY-MM' of a UTC timestamp column, in the database's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def participant_counts(
    session: Session, programme_pk: int, org_pks: Sequence[int]
) -> dict[int, tuple[int, int, int, int]]:
    """org pk -> (participants, manager participants, first-time participants, vouchers
    redeemed), in one scan of the programme's learners."""
    pl = ProgrammeLearner
    participant = pl.first_completed_at.is_not(None)
    rows: Any = session.execute(
        select(
            pl.org_pk,
            func.coalesce(func.sum(case((participant, 1), else_=0)), 0),
            func.coalesce(
                func.sum(case((and_(participant, Learner.is_manager.is_(True)), 1), else_=0)), 0
            ),
            func.coalesce(
                func.sum(case((and_(participant, pl.trained_before.is_(False)), 1), else_=0)), 0
            ),
            func.coalesce(func.sum(pl.vouchers), 0),
        )
        .join(Learner, Learner.pk == pl.learner_pk)
        .where(pl.programme_pk == programme_pk, pl.org_pk.in_(org_pks))
        .group_by(pl.org_pk)
    )
    return {int(org): (int(p), int(m), int(f), int(v)) for org, p, m, f, v in rows}


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


def area_counts(session: Session, programme_pk: int) -> dict[tuple[int, str], int]:
    """(org, area) -> participants with evidence in the area by the runtime's end."""
    pa = ProgrammeArea
    rows: Any = session.execute(
        select(pa.org_pk, pa.area_code, func.count())
        .where(pa.programme_pk == programme_pk)
        .group_by(pa.org_pk, pa.area_code)
    )
    return {(int(org), str(area)): int(n) for org, area, n in rows}


def competency_counts(
    session: Session,
    programme_pk: int,
    org_pks: Sequence[int],
    framework_pk: int,
    until: datetime,
) -> dict[int, int]:
    """item pk -> participants with evidence of it before `until` (one row per learner and
    item, so a plain count counts people)."""
    pl, lc, fi = ProgrammeLearner, LearnerCompetency, FrameworkItem
    rows: Any = session.execute(
        select(lc.item_pk, func.count())
        .join(pl, pl.learner_pk == lc.learner_pk)
        .where(
            pl.programme_pk == programme_pk,
            pl.first_completed_at.is_not(None),
            pl.org_pk.in_(org_pks),
            lc.first_achieved_at < until,
            lc.item_pk.in_(select(fi.pk).where(fi.framework_pk == framework_pk)),
        )
        .group_by(lc.item_pk)
    )
    return {int(item): int(n) for item, n in rows}
