"""`lernspur platforms …`, `lernspur keys …`, `lernspur lti …`"""

from __future__ import annotations

import time
from typing import Any

import click

from lrs.cli import app_for_cli, emit, fail, main
from lrs.errors import LernspurError


def _base_url(app: Any) -> str:
    base = app.config.get("BASE_URL")
    if not base:
        raise click.ClickException(
            "LERNSPUR_BASE_URL is not set: platforms must know Lernspur's public address "
            "(e.g. https://lernspur.example.org)."
        )
    return str(base).rstrip("/")


@main.group()
def platforms() -> None:
    """LTI platform registrations (Moodle, ILIAS) of the organisations."""


@platforms.command("register-url")
@click.option("--org", "org_id", required=True, help="Organisation id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def platforms_register_url(org_id: str, as_json: bool) -> None:
    """Print a one-time Dynamic Registration URL (valid for 7 days) to paste into Moodle."""
    from lrs.auth.services import get_organisation
    from lrs.db import session_scope
    from lti_tool.registration import ToolUrls, create_registration_url

    app = app_for_cli()
    urls = ToolUrls(_base_url(app))
    try:
        with session_scope(app) as session:
            url = create_registration_url(session, get_organisation(session, org_id), urls)
    except LernspurError as exc:
        fail(exc)
    emit({"url": url}, as_json, url)


def _platform_dict(platform: Any, org_slug: str) -> dict[str, Any]:
    return {
        "id": platform.pk,
        "org": org_slug,
        "issuer": platform.issuer,
        "client_id": platform.client_id,
        "deployment_ids": [d.deployment_id for d in platform.deployments],
        "auth_login_url": platform.auth_login_url,
        "auth_token_url": platform.auth_token_url,
        "key_set_url": platform.key_set_url,
        "product": platform.product,
        "registered_via": platform.registered_via,
        "active": platform.active,
        "last_launch_at": platform.last_launch_at.isoformat() if platform.last_launch_at else None,
    }


@platforms.command("add")
@click.option("--org", "org_id", required=True, help="Organisation id.")
@click.option("--issuer", required=True, help="Platform ID / issuer (Moodle: its wwwroot).")
@click.option("--client-id", required=True, help="Client ID the platform gave the tool.")
@click.option("--deployment-id", required=True, help="Deployment ID (Moodle: tool type id).")
@click.option("--auth-login-url", required=True, help="OIDC authentication request URL.")
@click.option("--auth-token-url", required=True, help="Access token URL.")
@click.option("--key-set-url", required=True, help="The platform's public keyset URL.")
@click.option(
    "--auth-audience", default=None, help="Audience of client assertions if not the token URL."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def platforms_add(
    org_id: str,
    issuer: str,
    client_id: str,
    deployment_id: str,
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    auth_audience: str | None,
    as_json: bool,
) -> None:
    """Register a platform by hand (ILIAS); a second call adds another deployment id."""
    from lrs.auth.services import get_organisation
    from lrs.db import session_scope
    from lti_tool.keys import current_key
    from lti_tool.outbound import check_url
    from lti_tool.registration import save_platform

    app = app_for_cli()
    allow = bool(app.config.get("ALLOW_PRIVATE_URLS"))
    try:
        for name, url in (
            ("auth-login-url", auth_login_url),
            ("auth-token-url", auth_token_url),
            ("key-set-url", key_set_url),
        ):
            check_url(url, allow, name)
        with session_scope(app) as session:
            org = get_organisation(session, org_id)
            platform = save_platform(
                session,
                org,
                issuer=issuer.rstrip("/"),
                client_id=client_id,
                deployment_id=deployment_id,
                auth_login_url=auth_login_url,
                auth_token_url=auth_token_url,
                key_set_url=key_set_url,
                registered_via="manual",
                auth_audience=auth_audience,
            )
            current_key(session)
            data = _platform_dict(platform, org.slug)
    except LernspurError as exc:
        fail(exc)
    emit(data, as_json, f"Platform {data['id']} registered: {issuer} (client {client_id}).")


@platforms.command("list")
@click.option("--org", "org_id", default=None, help="Only this organisation.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def platforms_list(org_id: str | None, as_json: bool) -> None:
    """List the registrations."""
    from lrs.auth.models import Organisation
    from lrs.auth.services import get_organisation
    from lrs.db import session_scope
    from lti_tool.registration import platforms_of

    app = app_for_cli()
    try:
        with session_scope(app) as session:
            org_pk = get_organisation(session, org_id).pk if org_id else None
            slugs = {o.pk: o.slug for o in session.query(Organisation)}
            rows = [_platform_dict(p, slugs[p.org_pk]) for p in platforms_of(session, org_pk)]
    except LernspurError as exc:
        fail(exc)
    lines = [
        f"{r['id']:>4}  {r['org']:<20} {r['issuer']}  client {r['client_id']}  "
        f"deployments {','.join(r['deployment_ids']) or '-'}"
        + ("" if r["active"] else "  (switched off)")
        for r in rows
    ]
    emit(rows, as_json, "\n".join(lines) or "No platform is registered.")


@platforms.command("sync-roster")
@click.option("--platform", "platform_pk", required=True, type=int, help="Platform id (see list).")
@click.option("--context", "context_id", default=None, help="Only this context (course) id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def platforms_sync_roster(platform_pk: int, context_id: str | None, as_json: bool) -> None:
    """Read the memberships (NRPS) of the platform's known contexts; keep member counts."""
    from lrs.db import session_scope
    from lti_tool.models import Platform
    from lti_tool.roster import sync_platform

    app = app_for_cli()
    with session_scope(app) as session:
        platform = session.get(Platform, platform_pk)
        if platform is None:
            raise click.ClickException(f"No platform {platform_pk}.")
        results = sync_platform(
            session, platform, bool(app.config.get("ALLOW_PRIVATE_URLS")), context_id
        )
    data = [r.as_dict() for r in results]
    lines = [
        f"{r['context']}: "
        + (
            f"error: {r['error']}"
            if r["error"]
            else f"{r['members']} members, {r['learners']} learners"
        )
        for r in data
    ]
    emit(
        data,
        as_json,
        "\n".join(lines) or "No context of this platform is known yet (launch first).",
    )
    if any(r.error for r in results):
        raise SystemExit(1)


@main.group()
def keys() -> None:
    """The tool's signing keys (served at /lti/jwks)."""


@keys.command("rotate")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def keys_rotate(as_json: bool) -> None:
    """Make a new signing key; the previous one stays published until the next rotation."""
    from lrs.db import session_scope
    from lti_tool.keys import jwks, rotate

    app = app_for_cli()
    with session_scope(app) as session:
        new = rotate(session)
        published = [k["kid"] for k in jwks(session)["keys"]]
    emit(
        {"current": new.kid, "published": published},
        as_json,
        f"New signing key {new.kid}; published: {', '.join(published)}.",
    )


@main.group()
def lti() -> None:
    """Background work of the LTI tool (gradebook scores, rosters)."""


@lti.command("send-scores")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def lti_send_scores(as_json: bool) -> None:
    """Send the scores that are due to the platforms' gradebooks (once)."""
    from lrs.db import get_db
    from lti_tool.grades import deliver_due_scores

    app = app_for_cli()
    report = deliver_due_scores(
        get_db(app).session_factory, bool(app.config.get("ALLOW_PRIVATE_URLS"))
    )
    data = report.as_dict()
    emit(
        data,
        as_json,
        f"{data['sent']} sent, {data['superseded']} superseded, {data['retrying']} to retry, "
        f"{data['failed']} failed.",
    )


@lti.command("work")
@click.option("--loop", is_flag=True, help="Keep going (a service), instead of one round.")
@click.option("--interval", default=15.0, show_default=True, help="Seconds between rounds.")
def lti_work(loop: bool, interval: float) -> None:
    """Send due scores and read requested rosters; with --loop, run as a service."""
    from lti_tool import run_pending_work

    app = app_for_cli()
    while True:
        run_pending_work(app)
        if not loop:
            return
        time.sleep(interval)
