"""Keeps the projections current in the transaction that stores the statements.

Registered on the statement store's after-store hook when this module is imported
(`create_app` does). Voiding statements remove their targets' facts; statements stored already
voided (their voiding statement came first) give none.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.learners.models import LearnerIdentifier
from lrs.learners.services import ensure_identifiers
from lrs.projections.definitions import definitions_for
from lrs.projections.facts import remove_facts, write_facts
from lrs.projections.summaries import refresh_learners
from lrs.statement_store.hooks import StoredBatch, register_after_store
from lrs.statement_store.models import Statement
from statements.mapping import VOIDED, map_statements, view_of


def _relevant(session: Session, batch: StoredBatch) -> list[bool]:
    """Per statement: does its verb matter to a projection (evidence, programmes, voiding)?
    Worked out once per batch."""
    found: list[bool] | None = batch.shared.get("projections.relevant")
    if found is None:
        verbs = definitions_for(session, batch).relevant_verbs() | {VOIDED}
        found = [(stmt.get("verb") or {}).get("id") in verbs for stmt in batch.statements]
        batch.shared["projections.relevant"] = found
    return found


def acts_on(session: Session, batch: StoredBatch) -> bool:
    """Will `project_batch` write for `batch`? Before the store (no pks yet) this maps the
    statements as `project_batch` will: only statements that give facts make it act. Not
    knowing which statements will be stored voided, it can only say yes wrongly."""
    relevant = _relevant(session, batch)
    if not any(relevant):
        return False
    if batch.statement_pks:  # asked after the store: project_batch decides from the facts
        return True
    facts = map_statements(
        (
            view_of(stmt, i, batch.org_pk)
            for i, (stmt, chosen) in enumerate(zip(batch.statements, relevant, strict=True))
            if chosen
        ),
        definitions_for(session, batch),
    )
    return bool(facts.evidence or facts.participation or facts.voids)


@register_after_store(acts_on)
def project_batch(session: Session, batch: StoredBatch) -> None:
    definitions = definitions_for(session, batch)
    chosen = [
        (stmt, pk)
        for stmt, pk, relevant in zip(
            batch.statements, batch.statement_pks, _relevant(session, batch), strict=True
        )
        if relevant
    ]
    facts = map_statements(
        (view_of(stmt, pk, batch.org_pk, voided=pk in batch.voided_pks) for stmt, pk in chosen),
        definitions,
    )
    actors = {f.actor for f in facts.evidence} | {f.actor for f in facts.participation}
    touched: set[int] = set()
    if facts.voids:
        targets = list(
            session.scalars(
                select(Statement.pk).where(
                    Statement.org_pk == batch.org_pk,
                    Statement.statement_id.in_([uuid.UUID(t) for t in facts.voids]),
                )
            )
        )
        touched |= remove_facts(session, targets)
    if not actors and not touched:
        return
    # Only people with facts need to be learners now: creating one for every actor of every
    # statement would make concurrent requests wait on each other's new identifiers. The
    # rebuild creates the rest, which no figure counts.
    identifiers = ensure_identifiers(session, batch.org_pk, actors)
    write_facts(session, facts, {(batch.org_pk, key): pk for key, (pk, _l) in identifiers.items()})
    learners = {learner for _pk, learner in identifiers.values()}
    if touched:
        learners.update(
            session.scalars(
                select(LearnerIdentifier.learner_pk).where(LearnerIdentifier.pk.in_(touched))
            )
        )
    refresh_learners(session, sorted(learners))
