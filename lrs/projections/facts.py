"""Writing and removing facts: shared by the store's after-store listener and the rebuild."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from lrs.projections.models import EvidenceFact, ParticipationFact
from lrs.statement_store.writer import _copy
from statements.mapping import Facts


def evidence_rows(facts: Facts) -> list[dict[str, Any]]:
    return [
        {
            "statement_pk": f.statement,
            "item_pk": f.item,
            "org_pk": f.org,
            "actor_key": f.actor,
            "achieved_at": f.at,
        }
        for f in facts.evidence
    ]


def participation_rows(facts: Facts) -> list[dict[str, Any]]:
    return [
        {
            "statement_pk": f.statement,
            "programme_pk": f.programme,
            "kind": f.kind,
            "org_pk": f.org,
            "actor_key": f.actor,
            "activity_iri": f.activity,
            "eligible": f.eligible,
            "occurred_at": f.at,
        }
        for f in facts.participation
    ]


EVIDENCE_COLUMNS = ("statement_pk", "item_pk", "org_pk", "actor_key", "achieved_at")
PARTICIPATION_COLUMNS = (
    "statement_pk",
    "programme_pk",
    "kind",
    "org_pk",
    "actor_key",
    "activity_iri",
    "eligible",
    "occurred_at",
)


def write_facts(session: Session, facts: Facts) -> None:
    evidence = evidence_rows(facts)
    participation = participation_rows(facts)
    if session.get_bind().dialect.name == "postgresql":
        session.flush()
        _copy(session, "evidence_facts", EVIDENCE_COLUMNS, evidence)
        _copy(session, "participation_facts", PARTICIPATION_COLUMNS, participation)
        return
    if evidence:
        session.execute(insert(EvidenceFact), evidence)
    if participation:
        session.execute(insert(ParticipationFact), participation)


def remove_facts(session: Session, statement_pks: Sequence[int]) -> set[tuple[int, str]]:
    """Delete the facts of these statements; the (org, actor key) pairs they concerned."""
    if not statement_pks:
        return set()
    touched: set[tuple[int, str]] = set()
    for table in (EvidenceFact, ParticipationFact):
        touched.update(
            (org, key)
            for org, key in session.execute(
                select(table.org_pk, table.actor_key).where(table.statement_pk.in_(statement_pks))
            )
        )
        session.execute(delete(table).where(table.statement_pk.in_(statement_pks)))
    return touched
