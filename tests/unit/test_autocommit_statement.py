"""`lrs.db.autocommit_statement`: one SQL statement outside a transaction, where possible."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from lrs.db import autocommit_statement, driver_cursor, make_engine


def test_a_statement_runs_outside_the_transaction_only_on_an_untouched_postgresql_connection(
    database_url,
):
    """PostgreSQL: the statement is committed by itself (a rollback afterwards keeps it), and
    the connection is transactional again afterwards; once the transaction has sent anything,
    it stays in the transaction. SQLite: never."""
    engine = (
        make_engine(database_url, pool_size=1, max_overflow=0)
        if "postgresql" in (database_url)
        else make_engine(database_url)
    )
    try:
        with Session(engine) as session:
            if engine.dialect.name != "postgresql":
                with autocommit_statement(session) as alone:
                    assert alone is False
                return
            session.execute(text("CREATE TEMP TABLE scratch (n int)"))
            session.commit()
            with autocommit_statement(session) as alone:
                assert alone is True
                with driver_cursor(session, "INSERT") as cur:
                    cur.execute("INSERT INTO scratch VALUES (1)")
            session.rollback()
            assert session.connection().connection.driver_connection.autocommit is False
            session.execute(text("INSERT INTO scratch VALUES (2)"))  # begins a transaction
            with autocommit_statement(session) as alone:
                assert alone is False
            session.rollback()
            assert session.scalars(text("SELECT n FROM scratch")).all() == [1]
    finally:
        engine.dispose()
