"""`lernspur admins …`: accounts for platform administrators."""

from __future__ import annotations

import click

from lrs.cli import app_for_cli, emit, fail, main


@main.group()
def admins() -> None:
    """Administrator accounts for the web pages."""


@admins.command("create")
@click.option("--email", required=True, help="Sign-in e-mail address.")
@click.option(
    "--org",
    "org_id",
    default=None,
    help="Organisation administered; without it, an administrator of the whole site.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def admins_create(email: str, org_id: str | None, as_json: bool) -> None:
    """Create an administrator; prints a one-time password (changed at first sign-in)."""
    from lrs.accounts.services import create_user
    from lrs.auth.services import get_organisation
    from lrs.db import session_scope
    from lrs.errors import LernspurError

    app = app_for_cli()
    try:
        with session_scope(app) as session:
            org = get_organisation(session, org_id) if org_id else None
            issued = create_user(
                session, email, "org_admin" if org else "site_admin", org_pk=org.pk if org else None
            )
            email = issued.user.email
    except LernspurError as exc:
        fail(exc)
    emit(
        {"email": email, "password": issued.password},
        as_json,
        f"Administrator {email}\none-time password: {issued.password}",
    )
