"""Writing and removing facts: shared by the store's after-store listener and the rebuild."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from lrs.projections.models import EvidenceFact, ParticipationFact
from statements.mapping import Facts

# (org pk, identifier key) -> learner_identifiers.pk, for every actor the facts name.
Identifiers = Mapping[tuple[Any, str], int]

EVIDENCE_COLUMNS = ("statement_pk", "item_pk", "org_pk", "identifier_pk", "achieved_at")
PARTICIPATION_COLUMNS = (
    "statement_pk",
    "programme_pk",
    "kind",
    "org_pk",
    "identifier_pk",
    "activity_iri",
    "eligible",
    "occurred_at",
)


def evidence_tuples(facts: Facts, ids: Identifiers) -> list[tuple[Any, ...]]:
    return [(f.statement, f.item, f.org, ids[f.org, f.actor], f.at) for f in facts.evidence]


def participation_tuples(facts: Facts, ids: Identifiers) -> list[tuple[Any, ...]]:
    return [
        (
            f.statement,
            f.programme,
            f.kind,
            f.org,
            ids[f.org, f.actor],
            f.activity,
            f.eligible,
            f.at,
        )
        for f in facts.participation
    ]


def write_facts(session: Session, facts: Facts, ids: Identifiers) -> None:
    evidence = evidence_tuples(facts, ids)
    participation = participation_tuples(facts, ids)
    if session.get_bind().dialect.name == "postgresql":
        session.flush()
        _copy_tuples(session, "evidence_facts", EVIDENCE_COLUMNS, EVIDENCE_TYPES, evidence)
        _copy_tuples(
            session,
            "participation_facts",
            PARTICIPATION_COLUMNS,
            PARTICIPATION_TYPES,
            participation,
        )
        return
    if evidence:
        session.execute(
            insert(EvidenceFact),
            [dict(zip(EVIDENCE_COLUMNS, row, strict=True)) for row in evidence],
        )
    if participation:
        session.execute(
            insert(ParticipationFact),
            [dict(zip(PARTICIPATION_COLUMNS, row, strict=True)) for row in participation],
        )


EVIDENCE_TYPES = ("int8", "int4", "int4", "int4", "timestamptz")
PARTICIPATION_TYPES = ("int8", "int4", "text", "int4", "int4", "text", "bool", "timestamptz")


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


def remove_facts(session: Session, statement_pks: Sequence[int]) -> set[int]:
    """Delete the facts of these statements; the identifiers (pks) they concerned."""
    if not statement_pks:
        return set()
    touched: set[int] = set()
    for table in (EvidenceFact, ParticipationFact):
        touched.update(
            session.scalars(
                select(table.identifier_pk).where(table.statement_pk.in_(statement_pks))
            )
        )
        session.execute(delete(table).where(table.statement_pk.in_(statement_pks)))
    return touched
