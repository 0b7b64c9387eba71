"""Database wiring: declarative base, engine, one session per request, one commit per request.

Services only `flush()`; `commit_request_session` (called after the view, before the response
leaves) commits once, so an acknowledged write is durable, and anything that raised rolls back.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Flask, current_app, g
from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Dialect,
    Engine,
    Executable,
    MetaData,
    TypeDecorator,
    create_engine,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

logger = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")

# Requests with these methods only read.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# SQLite takes its write lock lazily; a request that reads and then writes would fail with
# "database is locked" instead of waiting. Writing requests therefore begin IMMEDIATE.
sqlite_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "sqlite_write_intent", default=False
)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Lernspur stores aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so that
        # SAVEPOINTs work (SQLAlchemy docs, "Serializable isolation / Savepoints").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before we acknowledge it, also across power loss.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if sqlite_write_intent.get() else "BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the settings this application relies on for `url`'s backend."""
    # JSON columns are parsed by orjson, as request bodies are (the standard library's json
    # cost 30-40 µs of a single-statement POST, for the credential's scope list).
    kwargs.setdefault("json_deserializer", orjson.loads)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", False)
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_timeout", 5)
    # A dead server must fail requests fast (503), not hang them.
    kwargs.setdefault("connect_args", {"connect_timeout": 3})
    return create_engine(url, **kwargs)


@contextmanager
def driver_cursor(session: Session, sql: str) -> Iterator[Any]:
    """A cursor of the session's PostgreSQL connection, for the few hot queries and COPYs that
    skip SQLAlchemy's execution machinery (a one-row query cost 50-90 µs of client CPU this way,
    160-240 µs through `Connection.execute`, measured). A driver error leaves as the
    SQLAlchemy error the same query would have raised (IntegrityError, OperationalError, …),
    and a lost server invalidates the connection, as SQLAlchemy does for its own queries."""
    import psycopg

    connection = session.connection()
    raw = connection.connection.driver_connection
    try:
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            yield cursor
    except psycopg.Error as exc:
        invalidated = connection.dialect.is_disconnect(exc, raw, None)  # type: ignore[arg-type]
        if invalidated:
            connection.invalidate(exc)
        raise DBAPIError.instance(
            sql, None, exc, psycopg.Error, connection_invalidated=invalidated
        ) from exc


_compiled: dict[int, tuple[Executable, str]] = {}


def first_row(session: Session, query: Executable, params: dict[str, Any]) -> Any:
    """The first row of a module-level `query` (a tuple), or None.

    On PostgreSQL the query is compiled once and sent on the driver's cursor (`driver_cursor`);
    its values come back as the driver reads them, without SQLAlchemy's type processing, so
    use it for columns the driver reads as wanted. Elsewhere it runs through SQLAlchemy.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return connection.execute(query, params).first()
    entry = _compiled.get(id(query))
    if entry is None:  # the entry keeps `query` alive, so its id is never reused
        entry = _compiled[id(query)] = (
            query,
            str(query.compile(dialect=connection.dialect)),  # type: ignore[attr-defined]
        )
    with driver_cursor(session, entry[1]) as cursor:
        cursor.execute(entry[1], params)
        return cursor.fetchone()


@dataclass
class Database:
    engine: Engine
    session_factory: sessionmaker[Session]


def init_app(app: Flask) -> None:
    """Create the engine and session factory; bind one session to each request."""
    external: Connection | None = app.config.get("DB_CONNECTION")
    if external is not None:
        # Tests: every session joins the test's outer transaction through a SAVEPOINT.
        engine = external.engine
        factory = sessionmaker(
            bind=external, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
    else:
        engine = make_engine(app.config["DATABASE_URL"])
        factory = sessionmaker(bind=engine, expire_on_commit=False)
    from lrs.auth.recall import install_authentication_memory
    from lrs.statement_store.activities import install_definition_cache

    install_definition_cache(factory)
    install_authentication_memory(factory)
    app.extensions["lernspur.db"] = Database(engine=engine, session_factory=factory)
    app.teardown_appcontext(_close_session)


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["lernspur.db"]  # type: ignore[no-any-return]


def session() -> Session:
    """The session of the current request (or app context), created on first use."""
    if "db_session" not in g:
        g.db_session = get_db().session_factory()
    return g.db_session  # type: ignore[no-any-return]


def read_only_request() -> None:
    """Run this request's queries outside a transaction (PostgreSQL autocommit).

    For requests that only read and whose queries need no common snapshot (each statement of
    a READ COMMITTED transaction has its own anyway): it saves the BEGIN and COMMIT round
    trips. Call it before the request's first query; elsewhere (a session joined to an outer
    connection, as in tests, or SQLite) it does nothing.
    """
    factory = get_db().session_factory
    if g.get("db_session") is not None or not isinstance(factory.kw.get("bind"), Engine):
        return
    sess = session()
    if sess.get_bind().dialect.name == "postgresql":
        sess.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def commit_request_session() -> None:
    """Commit the request's session if one was opened. Raises what the commit raises."""
    sess: Session | None = g.pop("db_session", None)
    if sess is None:
        return
    try:
        sess.commit()
    except BaseException:
        sess.rollback()
        raise
    finally:
        sess.close()


def discard_request_session() -> None:
    """Roll back and close this request's session; the next `session()` opens a new one."""
    sess: Session | None = g.pop("db_session", None)
    if sess is not None:
        sess.rollback()
        sess.close()


def _close_session(_exc: BaseException | None) -> None:
    discard_request_session()


@contextmanager
def autocommit_statement(session: Session) -> Iterator[bool]:
    """For a unit of work that is one SQL statement, sent on `driver_cursor`: run it outside a
    transaction, where that is possible, and say whether it is.

    A single statement is atomic by itself, and in autocommit it is durable once answered
    (synchronous_commit): BEGIN and COMMIT would add two round trips and nothing else. It
    is possible on PostgreSQL, for a session of the application's engine (not one joined to
    an outer transaction, as in tests) whose connection has sent nothing in this transaction.
    The session must send nothing more before it commits.
    """
    import psycopg.pq

    connection = session.connection()
    raw = connection.connection.driver_connection
    if (
        connection.dialect.name != "postgresql"
        or not isinstance(session.get_bind(), Engine)
        or raw.autocommit  # type: ignore[union-attr]
        or raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE  # type: ignore[union-attr]
    ):
        yield False
        return
    raw.autocommit = True  # type: ignore[union-attr]
    try:
        yield True
    finally:
        if not raw.closed:  # type: ignore[union-attr]
            raw.autocommit = False  # type: ignore[union-attr]


@contextmanager
def session_scope(app: Flask) -> Iterator[Session]:
    """A unit of work outside a request (command line): commit on success, else roll back."""
    sess = get_db(app).session_factory()
    try:
        yield sess
        sess.commit()
    except BaseException:
        sess.rollback()
        raise
    finally:
        sess.close()
