"""Bulk insert of statements and their filter rows.

- Small requests on PostgreSQL (up to `COPY_FROM` statements): one INSERT … WITH statement
  writes the statements and their side rows, sent on the driver's cursor: one round trip,
  and a quarter of the client CPU of the same through SQLAlchemy and executemany (126 against
  433 µs for one statement with two side rows, measured). Where it is all the request
  writes, it runs outside a transaction; under a recalled credential it inserts only while
  that credential is unchanged (lrs.auth.recall). A single-statement POST of a known client
  is then this one round trip.
- Larger batches on PostgreSQL allocate a range of keys from the sequence and COPY the rows in
  the binary format, the fastest way into PostgreSQL once there are more than a few.
- SQLite, where a round trip is a function call: INSERT … RETURNING, which hands back the new
  primary keys for the side rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Text, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from lrs.auth.recall import StaleCredential, confirmed, guard
from lrs.db import autocommit_statement, driver_cursor
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
# PostgreSQL types of the columns, for binary COPY (the server then parses no timestamps or
# uuids: 5-6 µs less database CPU per statement than text COPY, measured).
COPY_TYPES = {
    "statements": (
        "int8",
        "int4",
        "uuid",
        "int4",
        "text",
        "text",
        "text",
        "uuid",
        "uuid",
        "timestamptz",
        "timestamptz",
        "bool",
        "text",
        "bytea",  # the body: jsonb's binary format, version byte 1 and the JSON text
    ),
    "statement_agents": ("int8", "int4", "text", "bool"),
    "statement_activities": ("int8", "int4", "text"),
}
JSONB_VERSION = b"\x01"
UUID_COLUMNS = ("statement_id", "object_ref", "registration")


# SQLite. The body is already JSON text: bound as text, so it is not encoded a second time.
_RETURNING = (
    insert(Statement)
    .values(
        {
            c: bindparam(c, type_=Text()) if c == "body" else bindparam(c)
            for c in STATEMENT_COLUMNS
            if c != "pk"
        }
    )
    .returning(Statement.pk, sort_by_parameter_order=True)
)


def insert_rows(
    session: Session,
    org_pk: int,
    statements: Sequence[dict[str, Any]],
    agents: Sequence[Sequence[tuple[str, bool]]],
    activities: Sequence[Sequence[str]],
    alone: bool = False,
) -> list[int]:
    """Insert statements and, per statement, its filter rows: (agent key, related) pairs and
    related Activity ids. Returns the statements' pks. The statement rows (dicts with the
    `STATEMENT_COLUMNS` but `pk`, ids as text) are the caller's to give away: they are
    changed in place.

    `alone`: these rows are all the request writes, so that one INSERT … WITH may run
    outside a transaction (`lrs.db.autocommit_statement`). Under a recalled credential the
    INSERT … WITH stores nothing unless it is unchanged (`lrs.auth.recall.guard`), and raises
    `StaleCredential` then; other writes are checked by the request (`confirm_recalled`).
    """
    if not statements:
        return []
    session.flush()
    for row in statements:
        for column in UUID_COLUMNS:
            if row[column] is not None:
                row[column] = uuid.UUID(row[column])
    if session.get_bind().dialect.name != "postgresql":
        return _insert_returning(session, org_pk, statements, agents, activities)
    if len(statements) <= COPY_FROM:
        with autocommit_statement(session) if alone else nullcontext():
            return _insert_with(session, statements, agents, activities, guard(session))
    return _insert_copy(session, org_pk, statements, agents, activities)


def _side_rows(
    pks: Sequence[int],
    org_pk: int,
    agents: Sequence[Sequence[tuple[str, bool]]],
    activities: Sequence[Sequence[str]],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The statement_agents and statement_activities rows (values in `AGENT_COLUMNS`' and
    `ACTIVITY_COLUMNS`' order) of statements with these pks."""
    agent_rows = [
        (pk, org_pk, key, related)
        for pk, pairs in zip(pks, agents, strict=True)
        for key, related in pairs
    ]
    activity_rows = [
        (pk, org_pk, iri) for pk, iris in zip(pks, activities, strict=True) for iri in iris
    ]
    return agent_rows, activity_rows


def _insert_returning(
    session: Session,
    org_pk: int,
    statements: Sequence[dict[str, Any]],
    agents: Sequence[Sequence[tuple[str, bool]]],
    activities: Sequence[Sequence[str]],
) -> list[int]:
    connection = session.connection()
    pks = list(connection.execute(_RETURNING, list(statements)).scalars().all())
    agent_rows, activity_rows = _side_rows(pks, org_pk, agents, activities)
    for model, columns, rows in (
        (StatementAgent, AGENT_COLUMNS, agent_rows),
        (StatementActivity, ACTIVITY_COLUMNS, activity_rows),
    ):
        if rows:
            connection.execute(
                insert(model.__table__),  # type: ignore[arg-type]
                [dict(zip(columns, row, strict=True)) for row in rows],
            )
    return pks


def _insert_copy(
    session: Session,
    org_pk: int,
    statements: Sequence[dict[str, Any]],
    agents: Sequence[Sequence[tuple[str, bool]]],
    activities: Sequence[Sequence[str]],
) -> list[int]:
    sql = "SELECT nextval('statements_pk_seq') FROM generate_series(1, %s)"
    with driver_cursor(session, sql) as cur:
        cur.execute(sql, (len(statements),))
        pks = [row[0] for row in cur.fetchall()]
    for pk, row in zip(pks, statements, strict=True):
        row["pk"] = pk
        # jsonb's binary format: a version byte, then the JSON text, sent as raw bytes.
        row["body"] = JSONB_VERSION + row["body"].encode()
    _copy_rows(
        session,
        "statements",
        STATEMENT_COLUMNS,
        ([r[c] for c in STATEMENT_COLUMNS] for r in statements),
    )
    agent_rows, activity_rows = _side_rows(pks, org_pk, agents, activities)
    if agent_rows:
        _copy_rows(session, "statement_agents", AGENT_COLUMNS, agent_rows)
    if activity_rows:
        _copy_rows(session, "statement_activities", ACTIVITY_COLUMNS, activity_rows)
    return pks


def _side_insert(name: str, table: str, columns: str, types: Sequence[str], count: int) -> str:
    """A CTE `name` inserting `count` side rows of `table` (`columns` after statement_pk and
    org_pk); each VALUES row starts with its statement's id, which finds the new pk in `s`."""
    row = "(%s::uuid, " + ", ".join(f"%s::{t}" for t in types) + ")"
    values = ", ".join([row] * count)
    names = ", ".join(f"v.{c.strip()}" for c in columns.split(","))
    return (
        f", {name} AS (INSERT INTO {table} (statement_pk, org_pk, {columns})"  # noqa: S608
        f" SELECT s.pk, s.org_pk, {names} FROM (VALUES {values}) AS v(statement_id, {columns})"
        " JOIN s ON s.statement_id = v.statement_id)"
    )


@lru_cache(maxsize=256)
def _insert_with_sql(statements: int, agents: int, activities: int, check: str | None) -> str:
    """INSERT … WITH for this many statements, agent rows and activity rows, inserting only
    while the SQL condition `check` holds if one is given. Built from constants, counts and
    `check` only; every value is a positional parameter: the statements' columns row by row,
    then those of `check`, then (statement id, key, related) per agent row, then (statement
    id, Activity id) per activity row."""
    columns = STATEMENT_COLUMNS[1:]
    types = (
        "jsonb" if c == "body" else t
        for c, t in zip(columns, COPY_TYPES["statements"][1:], strict=True)
    )
    row = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
    rows = ", ".join([row] * statements)
    source = f"VALUES {rows}"
    if check is not None:
        source = f"SELECT * FROM ({source}) AS v WHERE {check}"  # noqa: S608
    sql = (
        f"WITH s AS (INSERT INTO statements ({', '.join(columns)}) {source}"
        " RETURNING pk, org_pk, statement_id)"
    )
    if agents:
        sql += _side_insert(
            "g", "statement_agents", "agent_key, related", ("text", "boolean"), agents
        )
    if activities:
        sql += _side_insert("a", "statement_activities", "activity_iri", ("text",), activities)
    sql += " SELECT pk, statement_id FROM s"
    return sql


def _insert_with(
    session: Session,
    statements: Sequence[dict[str, Any]],
    agents: Sequence[Sequence[tuple[str, bool]]],
    activities: Sequence[Sequence[str]],
    check: tuple[str, tuple[Any, ...]] | None,
) -> list[int]:
    """Small requests on PostgreSQL: statements and side rows in one statement. The side rows
    find their statement's new pk through its id, unique in a batch (the store refuses
    repeats)."""
    params: list[Any] = [row[c] for row in statements for c in STATEMENT_COLUMNS[1:]]
    if check is not None:
        params.extend(check[1])
    agent_values = [
        (row["statement_id"], key, related)
        for row, pairs in zip(statements, agents, strict=True)
        for key, related in pairs
    ]
    activity_values = [
        (row["statement_id"], iri)
        for row, iris in zip(statements, activities, strict=True)
        for iri in iris
    ]
    for values in (*agent_values, *activity_values):
        params.extend(values)
    sql = _insert_with_sql(
        len(statements), len(agent_values), len(activity_values), check and check[0]
    )
    with driver_cursor(session, sql) as cur:
        cur.execute(sql, params)
        pk_of = {sid: pk for pk, sid in cur.fetchall()}
    if check is not None:
        if not pk_of:
            raise StaleCredential
        confirmed(session)
    return [pk_of[row["statement_id"]] for row in statements]


def _copy_rows(
    session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """COPY `rows` (values in the order of `columns`, as `COPY_TYPES` says) into `table`
    (PostgreSQL), in the binary format."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    with driver_cursor(session, sql) as cur, cur.copy(sql) as copy:
        copy.set_types(list(COPY_TYPES[table]))
        for row in rows:
            copy.write_row(row)


def delete_statements(session: Session, *where: ColumnElement[bool]) -> int:
    """Delete the statements matching `where` and their side rows; how many statements."""
    chosen = select(Statement.pk).where(*where).scalar_subquery()
    for side in (StatementAgent, StatementActivity):
        session.execute(delete(side).where(side.statement_pk.in_(chosen)))
    return int(session.execute(delete(Statement).where(*where)).rowcount)  # type: ignore[attr-defined]
