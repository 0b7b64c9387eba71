"""`lernspur db upgrade` on a new database says which migrations it applied, and on one already
at head that nothing was to do (DESIGN.md: CLI `db upgrade`); a database it cannot reach ends
any command with one message, not a traceback."""

from __future__ import annotations

import os

from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url

from lrs.cli import main
from lrs.db import make_engine
from lrs.migrate import MIGRATIONS
from tests.conftest import PG_ENV, _fresh_postgres_database, unreachable_database_url


def _new_database(database_url: str, tmp_path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'upgrade.db'}"
    target = make_url(os.environ[PG_ENV])
    return _fresh_postgres_database(
        target.set(database=f"{target.database}_upgrade").render_as_string(hide_password=False)
    )


def test_upgrade_lists_each_migration_it_applies_then_none(database_url, tmp_path):
    url = _new_database(database_url, tmp_path)
    env = {"LERNSPUR_DATABASE_URL": url, "LERNSPUR_SECRET_KEY": "upgrade-test"}
    runner = CliRunner()
    revisions = sorted(p.name.split("_")[3] for p in (MIGRATIONS / "versions").glob("*.py"))

    first = runner.invoke(main, ["db", "upgrade"], env=env, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    applied = [
        line.split()[2].rstrip(":") for line in first.stderr.splitlines() if "applied" in line
    ]
    assert applied == revisions
    assert (
        first.stderr.splitlines()[-1]
        == f"Database schema is up to date (revision {revisions[-1]})."
    )

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert (
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                == revisions[-1]
            )
    finally:
        engine.dispose()

    again = runner.invoke(main, ["db", "upgrade"], env=env, catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert again.stderr.splitlines() == [
        f"Database schema is up to date (revision {revisions[-1]})."
    ]


def test_an_unreachable_database_is_named_in_one_message(database_url):
    env = {
        "LERNSPUR_DATABASE_URL": unreachable_database_url(database_url),
        "LERNSPUR_SECRET_KEY": "x",
    }
    for command in (["db", "upgrade"], ["orgs", "create", "acme", "--name", "Acme"]):
        result = CliRunner().invoke(main, command, env=env, catch_exceptions=False)
        assert result.exit_code == 1, result.output
        message = result.stderr.splitlines()
        assert message[0].startswith("Error: The database is unavailable: "), message
        assert (
            "unable to open database file" if "sqlite" in database_url else "refused"
        ) in message[0]
        assert message[1:] == [
            "Check LERNSPUR_DATABASE_URL and that the database server is running."
        ]
