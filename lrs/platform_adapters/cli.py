"""`lernspur adapters …`: Moodle sites, pull mode, and platform activities as catalogue courses."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from lrs.cli import app_for_cli, emit, fail, main
from lrs.errors import LernspurError

if TYPE_CHECKING:  # the command line imports the app lazily, so that --help stays quick
    from sqlalchemy.orm import Session

    from lrs.auth.models import Organisation


@main.group()
def adapters() -> None:
    """What Moodle and ILIAS send, and what they mean in the catalogue."""


@adapters.group()
def moodle() -> None:
    """Moodle: sites for pull mode, courses and activities counted as catalogue courses."""


@moodle.command("add-site")
@click.option("--org", "org_id", required=True, help="Organisation id.")
@click.option("--url", required=True, help="The Moodle's wwwroot, e.g. https://moodle.example.org")
@click.option(
    "--token",
    default=None,
    help="Web-service token for pull mode (Site administration › Server › Web services › "
    "Manage tokens). Stored encrypted, never shown again.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def moodle_add_site(org_id: str, url: str, token: str | None, as_json: bool) -> None:
    """Register a Moodle of an organisation (its wwwroot is its learners' homePage)."""
    from lrs.auth.services import get_organisation
    from lrs.db import session_scope
    from lrs.platform_adapters.services import add_moodle_site

    app = app_for_cli()
    try:
        with session_scope(app) as session:
            site = add_moodle_site(
                session,
                get_organisation(session, org_id),
                url,
                token,
                app.config["SECRET_KEY"],
                bool(app.config.get("ALLOW_PRIVATE_URLS")),
            )
            data = {"id": site.pk, "org": org_id, "url": site.root, "token": bool(token)}
    except LernspurError as exc:
        fail(exc)
    emit(
        data,
        as_json,
        f"Moodle site {data['id']} ({data['url']}) added for {org_id}"
        + (" with a web-service token (stored encrypted)." if token else ", no token (no pull)."),
    )


@moodle.command("sites")
@click.option("--org", "org_id", default=None, help="Only this organisation's sites.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def moodle_sites_list(org_id: str | None, as_json: bool) -> None:
    """List the registered Moodle sites."""
    from lrs.auth.models import Organisation
    from lrs.auth.services import get_organisation
    from lrs.db import session_scope
    from lrs.platform_adapters.services import moodle_sites

    app = app_for_cli()
    try:
        with session_scope(app) as session:
            org = get_organisation(session, org_id) if org_id else None
            slugs = {o.pk: o.slug for o in session.query(Organisation)}
            sites = [
                {
                    "id": s.pk,
                    "org": slugs[s.org_pk],
                    "url": s.root,
                    "token": s.token_sealed is not None,
                    "last_pulled_at": s.last_pulled_at.isoformat() if s.last_pulled_at else None,
                }
                for s in moodle_sites(session, org)
            ]
    except LernspurError as exc:
        fail(exc)
    lines = [f"{s['id']:>4}  {s['org']:<24} {s['url']}" for s in sites]
    emit(sites, as_json, "\n".join(lines) or "No Moodle sites.")


@moodle.command("map-course")
@click.option("--org", "org_id", required=True, help="Organisation id.")
@click.option(
    "--moodle-course",
    "moodle_course",
    required=True,
    help="Course id, or the URL of a course (…/course/view.php?id=N) or activity "
    "(…/mod/quiz/view.php?id=N).",
)
@click.option("--course", "course_id", required=True, help="Catalogue course id.")
@click.option("--site", "site_id", type=int, default=None, help="Moodle site, for a course id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def moodle_map_course(
    org_id: str, moodle_course: str, course_id: str, site_id: int | None, as_json: bool
) -> None:
    """Count a Moodle course's (or activity's) completions as a catalogue course."""
    from lrs.platform_adapters.services import moodle_activity

    _map(
        org_id,
        "moodle",
        lambda session, org: moodle_activity(session, org, moodle_course, site_id),
        course_id,
        as_json,
    )


def _map(
    org_id: str,
    platform: str,
    activity_of: Callable[[Session, Organisation], str],
    course_id: str,
    as_json: bool,
) -> None:
    """Map a platform activity onto a catalogue course and say so (both platforms)."""
    from lrs.auth.services import get_organisation
    from lrs.db import session_scope
    from lrs.platform_adapters.services import map_activity

    app = app_for_cli()
    try:
        with session_scope(app) as session:
            org = get_organisation(session, org_id)
            iri = activity_of(session, org)
            result = map_activity(session, org, platform, iri, course_id)
            data = {
                "org": org_id,
                "platform": platform,
                "platform_activity": iri,
                "course": course_id,
                "activity": result.course.activity_iri,
                "earlier_statements": result.earlier_statements,
            }
    except LernspurError as exc:
        fail(exc)
    text = f"{iri} counts as {course_id}."
    if result.earlier_statements:
        text += (
            f"\n{result.earlier_statements} statements about it arrived before this mapping; "
            "they keep what they said then and do not count for the course."
        )
    emit(data, as_json, text)


@adapters.command("mappings")
@click.option("--org", "org_id", required=True, help="Organisation id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def moodle_mappings(org_id: str, as_json: bool) -> None:
    """List an organisation's platform activities counted as catalogue courses."""
    from lrs.auth.services import get_organisation
    from lrs.db import session_scope
    from lrs.platform_adapters.services import mappings

    app = app_for_cli()
    try:
        with session_scope(app) as session:
            rows = [
                {"platform": m.platform, "activity": m.activity_iri, "course": c.slug}
                for m, c in mappings(session, get_organisation(session, org_id))
            ]
    except LernspurError as exc:
        fail(exc)
    lines = [f"{r['activity']}  ->  {r['course']}" for r in rows]
    emit(rows, as_json, "\n".join(lines) or "No mappings.")


@moodle.command("pull")
@click.option("--platform", "site_id", type=int, required=True, help="Moodle site id (see sites).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def moodle_pull(site_id: int, as_json: bool) -> None:
    """Record course completions read through the site's web services (idempotent)."""
    from lrs.db import get_db
    from lrs.platform_adapters.pull import pull_site
    from lrs.platform_adapters.services import get_moodle_site

    app = app_for_cli()
    base_url = app.config.get("BASE_URL") or "http://127.0.0.1:8000"
    totals = {"courses": 0, "skipped": 0, "learners": 0, "completions": 0, "new": 0}
    session = get_db(app).session_factory()
    try:
        site = get_moodle_site(session, site_id)
        click.echo(f"Pulling completions from {site.root} …", err=True)
        for result in pull_site(
            session,
            site,
            app.config["SECRET_KEY"],
            bool(app.config.get("ALLOW_PRIVATE_URLS")),
            base_url,
        ):
            session.commit()  # each course on its own: an interruption keeps what was read
            totals["courses"] += 1
            totals["skipped"] += result.skipped is not None
            totals["learners"] += result.learners
            totals["completions"] += result.completions
            totals["new"] += result.new
            note = f" (skipped: {result.skipped})" if result.skipped else ""
            click.echo(
                f"  course {result.course.id} {result.course.fullname!r}: {result.learners} "
                f"learners, {result.completions} completed, {result.new} new{note}",
                err=True,
            )
        session.commit()
    except LernspurError as exc:
        session.rollback()
        fail(exc)
    finally:
        session.close()
    emit(
        {"platform": site_id, **totals},
        as_json,
        f"{totals['courses']} courses, {totals['completions']} completions, "
        f"{totals['new']} recorded now.",
    )


@adapters.group()
def ilias() -> None:
    """ILIAS: xAPI/cmi5 objects counted as catalogue courses."""


@ilias.command("map-activity")
@click.option("--org", "org_id", required=True, help="Organisation id.")
@click.option(
    "--activity",
    required=True,
    help="Activity id of the xAPI/cmi5 object (its settings, or the cmi5 course structure).",
)
@click.option("--course", "course_id", required=True, help="Catalogue course id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def ilias_map_activity(org_id: str, activity: str, course_id: str, as_json: bool) -> None:
    """Count an ILIAS object's statements about its activity as a catalogue course."""
    _map(org_id, "ilias", lambda _session, _org: activity, course_id, as_json)
