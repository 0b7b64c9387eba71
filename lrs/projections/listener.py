"""Keeps the projections current in the transaction that stores the statements.

Registered on the statement store's after-store hook when this module is imported
(`create_app` does). Voiding statements remove their targets' facts; statements stored already
voided (their voiding statement came first) give none.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.learners.services import ensure_learners
from lrs.projections.definitions import load_definitions
from lrs.projections.facts import remove_facts, write_facts
from lrs.projections.summaries import refresh_learners
from lrs.statement_store.hooks import StoredBatch, register_after_store
from lrs.statement_store.models import Statement
from statements.mapping import map_statements, view_of


@register_after_store
def project_batch(session: Session, batch: StoredBatch) -> None:
    voided = set(
        session.scalars(
            select(Statement.pk).where(
                Statement.pk.in_(list(batch.statement_pks)), Statement.voided.is_(True)
            )
        )
    )
    views = [
        view_of(stmt, pk, batch.org_pk, voided=pk in voided)
        for stmt, pk in zip(batch.statements, batch.statement_pks, strict=True)
    ]
    actors = {v.actor for v in views if v.actor is not None}
    learners = ensure_learners(session, batch.org_pk, actors)
    definitions = load_definitions(session)
    facts = map_statements(views, definitions)
    touched: set[str] = {f.actor for f in facts.evidence} | {f.actor for f in facts.participation}
    if facts.voids:
        targets = list(
            session.scalars(
                select(Statement.pk).where(
                    Statement.org_pk == batch.org_pk,
                    Statement.statement_id.in_([uuid.UUID(t) for t in facts.voids]),
                )
            )
        )
        touched |= {key for _org, key in remove_facts(session, targets)}
    if not touched:
        return
    write_facts(session, facts)
    learners.update(ensure_learners(session, batch.org_pk, touched - learners.keys()))
    refresh_learners(session, [learners[key] for key in touched])
