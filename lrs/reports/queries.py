"""The SQL aggregates behind every report: counts of people per organisation and month."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from lrs.learners.models import Learner
from lrs.projections.models import (
    ProgrammeArea,
    ProgrammeCompetency,
    ProgrammeLearner,
    VoucherRedemption,
)


def _month_name(yyyymm: int) -> str:
    return f"{yyyymm // 100:04d}-{yyyymm % 100:02d}"


def participant_counts(
    session: Session, programme_pk: int, org_pks: Sequence[int]
) -> dict[int, tuple[int, int, int, int]]:
    """org pk -> (participants, manager participants, first-time participants, vouchers
    redeemed).

    The programme's learners are counted from their index alone; managers, a small group,
    are looked up from the learners marked as such instead of joining every participant."""
    pl = ProgrammeLearner
    participant = pl.first_completed_month.is_not(None)
    rows: Any = session.execute(
        select(
            pl.org_pk,
            func.count(pl.first_completed_month),
            func.coalesce(
                func.sum(case((and_(participant, pl.trained_before.is_(False)), 1), else_=0)), 0
            ),
            func.coalesce(func.sum(pl.vouchers), 0),
        )
        .where(pl.programme_pk == programme_pk, pl.org_pk.in_(org_pks))
        .group_by(pl.org_pk)
    )
    counts = {int(org): (int(p), int(f), int(v)) for org, p, f, v in rows}
    managers: Any = session.execute(
        select(pl.org_pk, func.count())
        .join(Learner, Learner.pk == pl.learner_pk)
        .where(
            Learner.is_manager.is_(True),
            pl.programme_pk == programme_pk,
            pl.org_pk.in_(org_pks),
            participant,
        )
        .group_by(pl.org_pk)
    )
    manager_counts = {int(org): int(n) for org, n in managers}
    return {org: (p, manager_counts.get(org, 0), f, v) for org, (p, f, v) in counts.items()}


def monthly_participants(
    session: Session, programme_pk: int, org_pks: Sequence[int]
) -> dict[str, int]:
    """'YYYY-MM' -> people whose first eligible completion in the runtime fell in it."""
    pl = ProgrammeLearner
    rows: Any = session.execute(
        select(pl.first_completed_month, func.count())
        .where(
            pl.programme_pk == programme_pk,
            pl.first_completed_month.is_not(None),
            pl.org_pk.in_(org_pks),
        )
        .group_by(pl.first_completed_month)
    )
    return {_month_name(m): int(n) for m, n in rows}


def monthly_redemptions(
    session: Session, programme_pk: int, org_pks: Sequence[int]
) -> dict[str, int]:
    vr = VoucherRedemption
    rows: Any = session.execute(
        select(vr.redeemed_month, func.count())
        .where(vr.programme_pk == programme_pk, vr.org_pk.in_(org_pks))
        .group_by(vr.redeemed_month)
    )
    return {_month_name(m): int(n) for m, n in rows}


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
    session: Session, programme_pk: int, org_pks: Sequence[int]
) -> dict[int, int]:
    """item pk -> participants with evidence of it by the runtime's end (one row per
    participant and item, so a plain count counts people)."""
    pc = ProgrammeCompetency
    rows: Any = session.execute(
        select(pc.item_pk, func.count())
        .where(pc.programme_pk == programme_pk, pc.org_pk.in_(org_pks))
        .group_by(pc.item_pk)
    )
    return {int(item): int(n) for item, n in rows}
