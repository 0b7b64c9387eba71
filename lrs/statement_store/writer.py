"""Bulk insert of statements and their filter rows.

Small requests (up to `COPY_FROM` statements, and every request on SQLite) insert with one
INSERT … RETURNING, which hands back the new primary keys for the side rows: one round trip.
Larger batches on PostgreSQL allocate a range of keys from the sequence and COPY the rows,
the fastest way into PostgreSQL once there are more than a few.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import JSON, ColumnElement, Text, bindparam, cast, delete, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from lrs.statement_store.models import Statement, StatementActivity, StatementAgent

COPY_FROM = 20

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
AGENT_COLUMNS = ("statement_pk", "org_pk", "agent_key", "related")
ACTIVITY_COLUMNS = ("statement_pk", "org_pk", "activity_iri")


def _returning_insert(postgres: bool) -> Any:
    # The body is already JSON text: bind it as text, so it is not encoded a second time.
    body: Any = bindparam("body", type_=Text())
    values: dict[str, Any] = {c: bindparam(c) for c in STATEMENT_COLUMNS if c != "pk"}
    values["body"] = cast(body, JSON) if postgres else body
    return insert(Statement).values(values).returning(Statement.pk, sort_by_parameter_order=True)


_RETURNING = {True: _returning_insert(True), False: _returning_insert(False)}


def _allocate_pks(session: Session, count: int) -> list[int]:
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur:  # type: ignore[union-attr]
        cur.execute("SELECT nextval('statements_pk_seq') FROM generate_series(1, %s)", (count,))
        return [row[0] for row in cur.fetchall()]


def insert_rows(
    session: Session,
    org_pk: int,
    statements: Sequence[dict[str, Any]],
    agents: Sequence[Sequence[tuple[str, bool]]],
    activities: Sequence[Sequence[str]],
) -> list[int]:
    """Insert statements and, per statement, its filter rows: (agent key, related) pairs and
    related Activity ids. Returns the statements' pks."""
    if not statements:
        return []
    session.flush()
    postgres = session.get_bind().dialect.name == "postgresql"
    copy = postgres and len(statements) > COPY_FROM
    connection = session.connection()
    if copy:
        pks = _allocate_pks(session, len(statements))
        for pk, row in zip(pks, statements, strict=True):
            row["pk"] = pk
        _copy_rows(
            session,
            "statements",
            STATEMENT_COLUMNS,
            ([row[c] for c in STATEMENT_COLUMNS] for row in statements),
        )
    else:
        pks = list(
            connection.execute(_RETURNING[postgres], [_with_uuids(row) for row in statements])
            .scalars()
            .all()
        )
    agent_rows = [
        (pk, org_pk, key, related)
        for pk, pairs in zip(pks, agents, strict=True)
        for key, related in pairs
    ]
    activity_rows = [
        (pk, org_pk, iri) for pk, iris in zip(pks, activities, strict=True) for iri in iris
    ]
    for model, columns, rows in (
        (StatementAgent, AGENT_COLUMNS, agent_rows),
        (StatementActivity, ACTIVITY_COLUMNS, activity_rows),
    ):
        if not rows:
            continue
        if copy:
            _copy_rows(session, model.__tablename__, columns, rows)
        else:
            connection.execute(
                insert(model.__table__),  # type: ignore[arg-type]
                [dict(zip(columns, row, strict=True)) for row in rows],
            )
    return pks


def _with_uuids(row: dict[str, Any]) -> dict[str, Any]:
    converted = dict(row)
    for column in ("statement_id", "object_ref", "registration"):
        if converted[column] is not None:
            converted[column] = uuid.UUID(converted[column])
    return converted


def _copy_rows(
    session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """COPY `rows` (values in the order of `columns`) into `table` (PostgreSQL)."""
    import psycopg

    raw = session.connection().connection.driver_connection
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    try:
        with raw.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
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
