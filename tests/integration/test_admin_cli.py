"""The administrator's first commands (DESIGN.md, CLI): `db upgrade` on a new database says which
migrations it applied, and on one already at head that nothing was to do; `orgs create` and
`credentials create --json` give a key and secret that work over xAPI at once, `credentials
revoke` ends them; a database the commands cannot reach ends any of them with one message."""

from __future__ import annotations

import base64
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from lrs.app import create_app
from lrs.cli import main
from lrs.db import get_db, make_engine
from lrs.migrate import MIGRATIONS
from tests.conftest import fresh_database_like, unreachable_database_url
from tests.integration.xapi.helpers import statement


def test_upgrade_lists_each_migration_it_applies_then_none(database_url, tmp_path):
    url = fresh_database_like(database_url, "upgrade", tmp_path)
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
        assert message[0].startswith("Error: The database is unavailable or not set up: "), message
        assert (
            "unable to open database file" if "sqlite" in database_url else "refused"
        ) in message[0]
        assert message[1:] == [
            (
                "Check LERNSPUR_DATABASE_URL, that the database server is running, and that"
                " `lernspur db upgrade` has run."
            )
        ]


@pytest.fixture
def admin(database_url, tmp_path):
    """`lernspur …` in-process on a new, migrated database; returns (run, app of that database)."""
    url = fresh_database_like(database_url, "upgrade", tmp_path)
    env = {"LERNSPUR_DATABASE_URL": url, "LERNSPUR_SECRET_KEY": "admin-cli-test"}
    runner = CliRunner()

    def run(*args: str, ok: bool = True):
        result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
        assert (result.exit_code == 0) is ok, result.output
        return result

    run("db", "upgrade")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "admin-cli-test"})
    yield run, app
    get_db(app).engine.dispose()


def _basic(issued) -> dict[str, str]:
    token = base64.b64encode(f"{issued['key']}:{issued['secret']}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


def test_a_new_credential_works_over_xapi_with_its_scopes_until_revoked(admin):
    """Part 4 (Authorization), scope table: statements/write may store, not read."""
    run, app = admin
    run("orgs", "create", "stadt-a", "--name", "Stadt A")
    issued = json.loads(
        run(
            "credentials",
            "create",
            "--org",
            "stadt-a",
            "--scope",
            "statements/write",
            "--label",
            "Moodle",
            "--json",
        ).stdout
    )
    assert set(issued) == {"key", "secret", "org", "scopes"}
    assert (issued["org"], issued["scopes"]) == ("stadt-a", ["statements/write"])
    assert len(issued["key"]) >= 16
    assert len(issued["secret"]) >= 32
    client = app.test_client()
    stored = client.post("/xapi/statements", json=statement(), headers=_basic(issued))
    assert stored.status_code == 200, stored.get_json()
    assert client.get("/xapi/statements", headers=_basic(issued)).status_code == 403

    run("credentials", "revoke", issued["key"])
    refused = client.post("/xapi/statements", json=statement(), headers=_basic(issued))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["details"][0]["path"] == "headers.Authorization"


def test_an_unknown_scope_or_organisation_is_refused_naming_it(admin):
    run, _ = admin
    run("orgs", "create", "stadt-a", "--name", "Stadt A")
    bad_scope = run("credentials", "create", "--org", "stadt-a", "--scope", "everything", ok=False)
    assert "everything" in bad_scope.stderr
    no_org = run("credentials", "create", "--org", "stadt-x", "--scope", "all", ok=False)
    assert "stadt-x" in no_org.stderr
    twice = run("orgs", "create", "stadt-a", "--name", "Stadt A", ok=False)
    assert "id: must be unique" in twice.stderr
