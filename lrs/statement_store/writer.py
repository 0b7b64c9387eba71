"""Bulk insert of statements and their filter rows: COPY on PostgreSQL, executemany on SQLite.

Primary keys are allocated up front (a sequence range on PostgreSQL; under SQLite's write lock
the next free numbers), so the side tables can be written in the same pass without reading
anything back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Text, bindparam, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from lrs.statement_store.models import Statement, StatementActivity, StatementAgent

STATEMENT_COLUMNS = (
    "pk",
    "org_pk",
    "statement_id",
    "credential_pk",
    "actor_key",
    "verb_iri",
    "activity_iri",
    "object_ref",
    "registration",
    "timestamp_at",
    "stored_at",
    "voided",
    "version",
    "body",
)


def _allocate_pks(session: Session, count: int) -> list[int]:
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(
            session.scalars(
                text("SELECT nextval('statements_pk_seq') FROM generate_series(1, :n)"),
                {"n": count},
            )
        )
    start = (session.scalar(select(func.max(Statement.pk))) or 0) + 1
    return list(range(start, start + count))


def insert_rows(
    session: Session,
    statements: Sequence[dict[str, Any]],
    agents: Sequence[Sequence[dict[str, Any]]],
    activities: Sequence[Sequence[dict[str, Any]]],
) -> list[int]:
    """Insert statements and, per statement, its agent and activity filter rows; the pks."""
    session.flush()
    pks = _allocate_pks(session, len(statements))
    agent_rows: list[dict[str, Any]] = []
    activity_rows: list[dict[str, Any]] = []
    for pk, row, agent_list, activity_list in zip(pks, statements, agents, activities, strict=True):
        row["pk"] = pk
        agent_rows.extend({**a, "statement_pk": pk} for a in agent_list)
        activity_rows.extend({**a, "statement_pk": pk} for a in activity_list)
    if session.get_bind().dialect.name == "postgresql":
        _copy(session, "statements", STATEMENT_COLUMNS, statements)
        _copy(
            session,
            "statement_agents",
            ("statement_pk", "org_pk", "agent_key", "related"),
            agent_rows,
        )
        _copy(
            session,
            "statement_activities",
            ("statement_pk", "org_pk", "activity_iri"),
            activity_rows,
        )
        return pks
    # The body is already JSON text: bind it as text, so it is not encoded a second time.
    insert_statement = insert(Statement).values(
        {c: bindparam(c, type_=Text()) if c == "body" else bindparam(c) for c in STATEMENT_COLUMNS}
    )
    session.execute(insert_statement, [_with_uuids(row) for row in statements])
    if agent_rows:
        session.execute(insert(StatementAgent), agent_rows)
    if activity_rows:
        session.execute(insert(StatementActivity), activity_rows)
    return pks


def _with_uuids(row: dict[str, Any]) -> dict[str, Any]:
    converted = dict(row)
    for column in ("statement_id", "object_ref", "registration"):
        if converted[column] is not None:
            converted[column] = uuid.UUID(converted[column])
    return converted


def _copy(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]
) -> None:
    if not rows:
        return
    import psycopg

    raw = session.connection().connection.driver_connection
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    try:
        with raw.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row([row[c] for c in columns])
    except psycopg.IntegrityError as exc:
        # Surface driver errors as SQLAlchemy's, as if the ORM had run the statement.
        raise IntegrityError(sql, None, exc) from exc
    except psycopg.OperationalError as exc:
        raise OperationalError(sql, None, exc) from exc


def delete_statements(session: Session, *where: ColumnElement[bool]) -> int:
    """Delete the statements matching `where` and their side rows; how many statements."""
    chosen = select(Statement.pk).where(*where).scalar_subquery()
    for side in (StatementAgent, StatementActivity):
        session.execute(delete(side).where(side.statement_pk.in_(chosen)))
    return int(session.execute(delete(Statement).where(*where)).rowcount)  # type: ignore[attr-defined]
