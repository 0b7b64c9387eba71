"""Writing and removing facts: shared by the store's after-store listener and the rebuild."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from lrs.projections.models import EvidenceFact, ParticipationFact
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
    if session.get_bind().dialect.name == "postgresql":
        session.flush()
        _copy_tuples(
            session,
            "evidence_facts",
            EVIDENCE_COLUMNS,
            EVIDENCE_TYPES,
            [(f.statement, f.item, f.org, f.actor, f.at) for f in facts.evidence],
        )
        _copy_tuples(
            session,
            "participation_facts",
            PARTICIPATION_COLUMNS,
            PARTICIPATION_TYPES,
            [
                (f.statement, f.programme, f.kind, f.org, f.actor, f.activity, f.eligible, f.at)
                for f in facts.participation
            ],
        )
        return
    evidence = evidence_rows(facts)
    participation = participation_rows(facts)
    if evidence:
        session.execute(insert(EvidenceFact), evidence)
    if participation:
        session.execute(insert(ParticipationFact), participation)


EVIDENCE_TYPES = ("int8", "int4", "int4", "text", "timestamptz")
PARTICIPATION_TYPES = ("int8", "int4", "text", "int4", "text", "text", "bool", "timestamptz")


def _copy_tuples(
    session: Session,
    table: str,
    columns: Sequence[str],
    types: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    """Binary COPY of rows given as tuples in column order (a rebuild writes a million)."""
    if not rows:
        return
    raw = session.connection().connection.driver_connection
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    with raw.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[union-attr]
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


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
