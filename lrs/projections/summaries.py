"""Per-learner summaries, recomputed from the facts for the learners a change touched (or for
everyone, on rebuild) with set-based SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.orm import Session

from lrs.competencies.models import Framework, FrameworkItem
from lrs.learners.models import LearnerIdentifier
from lrs.programmes.models import Programme
from lrs.projections.models import (
    EvidenceFact,
    LearnerArea,
    LearnerCompetency,
    ParticipationFact,
    ProgrammeArea,
    ProgrammeCompetency,
    ProgrammeLearner,
    VoucherRedemption,
)
from statements.mapping import COMPLETION, REDEMPTION

CHUNK = 2000
LOCK_SPACE = 0x4C53  # advisory-lock namespace of learner summaries ("LS")


def _facts_of_learners(fact: Any, learners: Sequence[int] | None) -> Any:
    join = LearnerIdentifier.pk == fact.identifier_pk
    return join if learners is None else and_(join, LearnerIdentifier.learner_pk.in_(learners))


def month_number(session: Session, column: Any) -> Any:
    """The UTC month of a timestamp column as the integer YYYYMM, in the database's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.to_char(func.timezone("UTC", column), "YYYYMM"), Integer)
    return cast(func.strftime("%Y%m", column), Integer)  # SQLite keeps UTC, naive


def refresh_learners(
    session: Session,
    learners: Sequence[int] | None,
    programme_pks: Sequence[int] | None = None,
) -> None:
    """Recompute the summary rows of `learners` (None: of everyone)."""
    if learners is not None:
        ordered = sorted(set(learners))
        _lock_learners(session, ordered)
        for start in range(0, len(ordered), CHUNK):
            _refresh(session, ordered[start : start + CHUNK], programme_pks)
        return
    _refresh(session, None, programme_pks)


def _lock_learners(session: Session, learners: Sequence[int]) -> None:
    """Serialise concurrent refreshes of one learner's rows (PostgreSQL).

    Two requests about the same person would delete and re-insert the same summary rows in
    interleaved order and deadlock; a transaction-scoped advisory lock per learner, taken in
    sorted order, makes the second wait for the first to commit instead.
    """
    if not learners or session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT pg_advisory_xact_lock(:space, k) FROM unnest(CAST(:keys AS int[])) AS k"),
        {"space": LOCK_SPACE, "keys": list(learners)},
    )


def _refresh(
    session: Session, learners: Sequence[int] | None, programme_pks: Sequence[int] | None
) -> None:
    def scoped(table: Any) -> Any:
        query = delete(table)
        if learners is not None:
            query = query.where(table.learner_pk.in_(learners))
        if programme_pks is not None and hasattr(table, "programme_pk"):
            query = query.where(table.programme_pk.in_(programme_pks))
        return query

    session.execute(scoped(ProgrammeLearner))
    session.execute(scoped(ProgrammeArea))
    session.execute(scoped(ProgrammeCompetency))
    session.execute(scoped(VoucherRedemption))
    if programme_pks is None:
        session.execute(scoped(LearnerCompetency))
        session.execute(scoped(LearnerArea))

    pf = ParticipationFact
    in_runtime = and_(pf.occurred_at >= Programme.starts_at, pf.occurred_at < Programme.ends_at)
    vouchers = (
        select(
            pf.programme_pk,
            LearnerIdentifier.learner_pk,
            pf.activity_iri,
            func.min(pf.org_pk),
            func.min(pf.occurred_at),
            month_number(session, func.min(pf.occurred_at)),
        )
        .join(LearnerIdentifier, _facts_of_learners(pf, learners))
        .join(Programme, Programme.pk == pf.programme_pk)
        .where(pf.kind == REDEMPTION, in_runtime)
        .group_by(pf.programme_pk, LearnerIdentifier.learner_pk, pf.activity_iri)
    )
    if programme_pks is not None:
        vouchers = vouchers.where(pf.programme_pk.in_(programme_pks))
    session.execute(
        insert(VoucherRedemption).from_select(
            [
                "programme_pk",
                "learner_pk",
                "activity_iri",
                "org_pk",
                "redeemed_at",
                "redeemed_month",
            ],
            vouchers,
        )
    )
    vr = VoucherRedemption
    counted = select(vr.programme_pk, vr.learner_pk, func.count().label("n")).group_by(
        vr.programme_pk, vr.learner_pk
    )
    if learners is not None:
        counted = counted.where(vr.learner_pk.in_(learners))
    if programme_pks is not None:
        counted = counted.where(vr.programme_pk.in_(programme_pks))
    redeemed = counted.subquery()
    first_completed = func.min(
        case(
            (and_(pf.kind == COMPLETION, pf.eligible, in_runtime), pf.occurred_at),
            else_=None,
        )
    )
    participation = (
        select(
            pf.programme_pk,
            LearnerIdentifier.learner_pk,
            func.min(pf.org_pk),
            first_completed,
            month_number(session, first_completed),
            func.max(
                case(
                    (and_(pf.kind == COMPLETION, pf.occurred_at < Programme.starts_at), 1), else_=0
                )
            )
            == literal(1),
            func.coalesce(func.max(redeemed.c.n), 0),
        )
        .join(LearnerIdentifier, _facts_of_learners(pf, learners))
        .join(Programme, Programme.pk == pf.programme_pk)
        .outerjoin(
            redeemed,
            and_(
                redeemed.c.programme_pk == pf.programme_pk,
                redeemed.c.learner_pk == LearnerIdentifier.learner_pk,
            ),
        )
        .group_by(pf.programme_pk, LearnerIdentifier.learner_pk)
    )
    if programme_pks is not None:
        participation = participation.where(pf.programme_pk.in_(programme_pks))
    session.execute(
        insert(ProgrammeLearner).from_select(
            [
                "programme_pk",
                "learner_pk",
                "org_pk",
                "first_completed_at",
                "first_completed_month",
                "trained_before",
                "vouchers",
            ],
            participation,
        )
    )
    if programme_pks is None:
        ef = EvidenceFact
        evidence = (
            select(LearnerIdentifier.learner_pk, ef.item_pk, func.min(ef.achieved_at))
            .join(LearnerIdentifier, _facts_of_learners(ef, learners))
            .group_by(LearnerIdentifier.learner_pk, ef.item_pk)
        )
        session.execute(
            insert(LearnerCompetency).from_select(
                ["learner_pk", "item_pk", "first_achieved_at"], evidence
            )
        )
        lc = LearnerCompetency
        areas = (
            select(
                lc.learner_pk,
                FrameworkItem.framework_pk,
                FrameworkItem.area_code,
                func.min(lc.first_achieved_at),
            )
            .join(FrameworkItem, FrameworkItem.pk == lc.item_pk)
            .group_by(lc.learner_pk, FrameworkItem.framework_pk, FrameworkItem.area_code)
        )
        if learners is not None:
            areas = areas.where(lc.learner_pk.in_(learners))
        session.execute(
            insert(LearnerArea).from_select(
                ["learner_pk", "framework_pk", "area_code", "first_achieved_at"], areas
            )
        )
    _refresh_programme_evidence(session, learners, programme_pks)


def _refresh_programme_evidence(
    session: Session, learners: Sequence[int] | None, programme_pks: Sequence[int] | None
) -> None:
    """Participants with evidence in an area, and of a competency, of their programme's
    framework by the programme's end (`programme_areas`, `programme_competencies`)."""
    pl, la, lc, fi = ProgrammeLearner, LearnerArea, LearnerCompetency, FrameworkItem

    def participants(column: Any) -> Any:
        rows = (
            select(pl.programme_pk, pl.learner_pk, column, pl.org_pk)
            .join(Programme, Programme.pk == pl.programme_pk)
            .join(Framework, Framework.slug == Programme.framework_slug)
            .where(pl.first_completed_at.is_not(None))
        )
        if learners is not None:
            rows = rows.where(pl.learner_pk.in_(learners))
        if programme_pks is not None:
            rows = rows.where(pl.programme_pk.in_(programme_pks))
        return rows

    areas = participants(la.area_code).join(
        la, and_(la.learner_pk == pl.learner_pk, la.framework_pk == Framework.pk)
    )
    competencies = (
        participants(lc.item_pk)
        .join(lc, lc.learner_pk == pl.learner_pk)
        .join(fi, and_(fi.pk == lc.item_pk, fi.framework_pk == Framework.pk))
    )
    for model, key, rows in (
        (ProgrammeArea, "area_code", areas.where(la.first_achieved_at < Programme.ends_at)),
        (
            ProgrammeCompetency,
            "item_pk",
            competencies.where(lc.first_achieved_at < Programme.ends_at),
        ),
    ):
        session.execute(
            insert(model).from_select(["programme_pk", "learner_pk", key, "org_pk"], rows)
        )
