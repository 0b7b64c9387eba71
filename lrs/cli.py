"""The `lernspur` command line. `--help` on every command, `--json` where it prints data."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask

from lrs.config import ConfigError
from lrs.errors import LernspurError


def app_for_cli() -> Flask:
    """The app, configured from the environment; configuration errors end the command. Its
    database connections are closed when the command ends."""
    from lrs.app import create_app
    from lrs.db import get_db

    try:
        app = create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(get_db(app).engine.dispose)
    return app


def emit(data: Any, as_json: bool, text: str) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else text)


def read_yaml(file: Path) -> Any:
    """A YAML file's content; a parse error ends the command naming the file."""
    import yaml

    try:
        return yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise click.ClickException(f"{file}: not valid YAML ({exc})") from exc


def fail(exc: LernspurError) -> NoReturn:
    """Turn a domain error into a command-line error that names every problem."""
    raise click.ClickException(
        exc.message + "".join(f"\n  {p.path}: {p.rule}" for p in exc.details)
    ) from exc


class LernspurGroup(click.Group):
    """The top command: a database that cannot be reached ends any command with one clear
    message (which database, what it answered), not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from sqlalchemy.exc import OperationalError

        try:
            return super().invoke(ctx)
        except OperationalError as exc:
            detail = " ".join(str(exc.orig).split()) if exc.orig is not None else str(exc)
            raise click.ClickException(
                f"The database is unavailable or not set up: {detail}\n"
                "Check LERNSPUR_DATABASE_URL, that the database server is running, and that"
                " `lernspur db upgrade` has run."
            ) from exc


@click.group(cls=LernspurGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lernspur")
def main() -> None:
    """Lernspur: xAPI learning-record store and LTI 1.3 tool."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=os.cpu_count() or 1,
    show_default="one per core",
    type=int,
    help="gunicorn worker processes.",
)
@click.option("--threads", default=4, show_default=True, type=int, help="Threads per worker.")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the application with gunicorn."""
    from lrs.server import run_gunicorn

    app_for_cli()  # fail early, in this process, on bad configuration
    run_gunicorn(host=host, port=port, workers=workers, threads=threads)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations (Alembic) up to head."""
    from lrs.migrate import upgrade_reporting

    app = app_for_cli()
    applied, now = upgrade_reporting(app.config["DATABASE_URL"])
    for revision, description in applied:
        click.echo(f"  applied migration {revision}: {description}", err=True)
    click.echo(f"Database schema is up to date (revision {now}).", err=True)


@db.command("check-migrations")
def db_check() -> None:
    """Fail if the models and the migrations differ (on a scratch SQLite database)."""
    import tempfile

    from lrs.migrate import check, upgrade

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'check.db'}"
        upgrade(url)
        check(url)
    click.echo("Models and migrations agree.", err=True)


@main.group()
def orgs() -> None:
    """Organisations (tenants)."""


@orgs.command("create")
@click.argument("org_id")
@click.option("--name", required=True, help="Display name.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def orgs_create(org_id: str, name: str, as_json: bool) -> None:
    """Create organisation ORG_ID."""
    from lrs.auth.services import create_organisation
    from lrs.db import session_scope

    app = app_for_cli()
    try:
        with session_scope(app) as session:
            create_organisation(session, org_id, name)
    except LernspurError as exc:
        fail(exc)
    emit({"id": org_id, "name": name}, as_json, f"Created organisation {org_id} ({name}).")


@main.group()
def credentials() -> None:
    """xAPI credentials (HTTP Basic key and secret) of an organisation."""


def _split_scopes(values: tuple[str, ...]) -> list[str]:
    return [s for v in values for s in v.replace(",", " ").split() if s]


@credentials.command("create")
@click.option("--org", "org_id", required=True, help="Organisation id.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    help="xAPI scope (repeat or comma-separate): all, all/read, statements/write, "
    "statements/read, statements/read/mine, state, define, profile.",
)
@click.option("--label", default=None, help="What the credential is for, e.g. 'Moodle'.")
@click.option(
    "--strip-personal-data",
    is_flag=True,
    help="Remove names and plain e-mail addresses from statements before storing them.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def credentials_create(
    org_id: str,
    scopes: tuple[str, ...],
    label: str | None,
    strip_personal_data: bool,
    as_json: bool,
) -> None:
    """Issue a key and secret; the secret is shown only this once."""
    from lrs.auth.services import create_credential, get_organisation
    from lrs.db import session_scope

    app = app_for_cli()
    try:
        with session_scope(app) as session:
            issued = create_credential(
                session,
                get_organisation(session, org_id),
                _split_scopes(scopes),
                label,
                strip_personal_data,
            )
    except LernspurError as exc:
        fail(exc)
    data = {"key": issued.key, "secret": issued.secret, "org": issued.org, "scopes": issued.scopes}
    emit(
        data,
        as_json,
        f"key:    {issued.key}\nsecret: {issued.secret}\nscopes: {' '.join(issued.scopes)}\n"
        "Store the secret now; it cannot be shown again.",
    )


@credentials.command("revoke")
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def credentials_revoke(key: str, as_json: bool) -> None:
    """End the credential with KEY: its next request is refused."""
    from lrs.auth.services import revoke_credential
    from lrs.db import session_scope

    app = app_for_cli()
    try:
        with session_scope(app) as session:
            revoked = revoke_credential(session, key)
            revoked_at = revoked.revoked_at
    except LernspurError as exc:
        fail(exc)
    assert revoked_at is not None
    emit(
        {"key": key, "revoked_at": revoked_at.isoformat()},
        as_json,
        f"Revoked credential {key} ({revoked_at.isoformat()}).",
    )


@main.group()
def demo() -> None:
    """The demo organisation for a first look (`make run`)."""


DEMO_ORG = "demo"
DEMO_FILE = Path("var") / "demo-credentials.json"


@demo.command("init")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def demo_init(as_json: bool) -> None:
    """Create the demo organisation and its credential once; print how to reach the LRS."""
    from sqlalchemy import select

    from lrs.auth.models import Organisation
    from lrs.auth.services import create_credential, create_organisation
    from lrs.db import session_scope

    app = app_for_cli()
    with session_scope(app) as session:
        org = session.scalar(select(Organisation).where(Organisation.slug == DEMO_ORG))
        saved = json.loads(DEMO_FILE.read_text()) if DEMO_FILE.exists() else None
        if org is None or saved is None or saved.get("database") != app.config["DATABASE_URL"]:
            if org is None:
                org = create_organisation(session, DEMO_ORG, "Demo-Organisation (Beispieldaten)")
            issued = create_credential(session, org, ["all"], label="demo")
            saved = {
                "database": app.config["DATABASE_URL"],
                "org": DEMO_ORG,
                "key": issued.key,
                "secret": issued.secret,
            }
            DEMO_FILE.parent.mkdir(parents=True, exist_ok=True)
            DEMO_FILE.write_text(json.dumps(saved, indent=2))
            DEMO_FILE.chmod(0o600)
    base = app.config.get("BASE_URL") or "http://127.0.0.1:8000"
    data = {
        "endpoint": f"{base}/xapi/",
        "org": DEMO_ORG,
        "key": saved["key"],
        "secret": saved["secret"],
    }
    emit(
        data,
        as_json,
        "\n".join(
            [
                "Demo organisation 'demo' — xAPI access (HTTP Basic):",
                f"  endpoint: {data['endpoint']}",
                f"  key:      {data['key']}",
                f"  secret:   {data['secret']}",
                f"  try:      curl -u {data['key']}:{data['secret']} "
                f"-H 'X-Experience-API-Version: 1.0.3' {data['endpoint']}statements",
            ]
        ),
    )


# Feature command groups register themselves on `main` when imported.
from lrs.accounts import cli as _accounts_cli  # noqa: E402, F401
from lrs.catalogue import cli as _catalogue_cli  # noqa: E402, F401
from lrs.competencies import cli as _competencies_cli  # noqa: E402, F401
from lrs.demo import cli as _demo_cli  # noqa: E402, F401
from lrs.platform_adapters import cli as _platform_adapters_cli  # noqa: E402, F401
from lrs.programmes import cli as _programmes_cli  # noqa: E402, F401
from lti_tool import cli as _lti_cli  # noqa: E402, F401

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
