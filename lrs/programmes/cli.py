"""`lernspur programmes …`, `managers …`, `learners …`, `projections …`"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lrs.cli import app_for_cli, emit, fail, main, read_yaml


@main.group()
def programmes() -> None:
    """Funded programmes (see examples/programmes/)."""


@programmes.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def programmes_load(file: Path, as_json: bool) -> None:
    """Load FILE (YAML); a programme is updated by its id, missing organisations created."""
    from lrs.db import session_scope
    from lrs.errors import LernspurError
    from lrs.programmes.services import get_programme, load_programme
    from lrs.projections.rebuild import rebuild

    data = read_yaml(file)
    app = app_for_cli()
    try:
        with session_scope(app) as session:
            loaded = load_programme(session, data)
            rebuild(session, programme_pks=[get_programme(session, loaded.slug).pk])
    except LernspurError as exc:
        fail(exc)
    emit(
        {
            "id": loaded.slug,
            "created": loaded.created,
            "organisations_created": loaded.organisations_created,
        },
        as_json,
        f"Programme {loaded.slug} {'created' if loaded.created else 'updated'}"
        + (
            f"; organisations created: {', '.join(loaded.organisations_created)}."
            if loaded.organisations_created
            else "."
        ),
    )


@programmes.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def programmes_list(as_json: bool) -> None:
    """List the programmes."""
    from lrs.db import session_scope
    from lrs.programmes.services import list_programmes

    app = app_for_cli()
    with session_scope(app) as session:
        rows = [{"id": p.slug, "name": p.name} for p in list_programmes(session)]
    emit(rows, as_json, "\n".join(f"{r['id']:<28} {r['name']}" for r in rows) or "None yet.")


@main.group()
def managers() -> None:
    """Programme managers (web sign-in and API token)."""


@managers.command("create")
@click.option("--programme", "programme_slug", required=True, help="Programme id.")
@click.option("--email", default=None, help="Sign-in e-mail address (default: generated).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def managers_create(programme_slug: str, email: str | None, as_json: bool) -> None:
    """Create a manager; prints an API token and a one-time password, shown only now."""
    from lrs.db import session_scope
    from lrs.errors import LernspurError
    from lrs.programmes.managers import create_manager

    app = app_for_cli()
    try:
        with session_scope(app) as session:
            issued = create_manager(session, programme_slug, email)
    except LernspurError as exc:
        fail(exc)
    emit(
        {
            "token": issued.token,
            "password": issued.password,
            "email": issued.email,
            "programme": issued.programme,
        },
        as_json,
        f"Manager of {issued.programme}: {issued.email}\n"
        f"one-time password: {issued.password}   (sign in at /login, then choose your own)\n"
        f"API token:         {issued.token}   (Authorization: Bearer …)\n"
        "Store both now; they cannot be shown again.",
    )


@main.group()
def learners() -> None:
    """Learners (pseudonymous): attributes, linked identifiers, erasure."""


@learners.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_id", required=True, help="Organisation id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def learners_import(file: Path, org_id: str, as_json: bool) -> None:
    """Import FILE, CSV `homepage,name,manager` (optional `mbox_sha1sum`, `also`)."""
    from lrs.auth.services import get_organisation
    from lrs.db import session_scope
    from lrs.errors import LernspurError
    from lrs.learners.services import import_learners

    app = app_for_cli()
    try:
        with session_scope(app) as session:
            org = get_organisation(session, org_id)
            result = import_learners(session, org.pk, file.read_text(encoding="utf-8"))
    except LernspurError as exc:
        fail(exc)
    emit(
        {"rows": result.rows, "created": result.learners_created, "managers": result.managers},
        as_json,
        f"{result.rows} rows: {result.learners_created} learners created, "
        f"{result.managers} marked as managers.",
    )


@learners.command("erase")
@click.option("--homepage", required=True, help="The account's homePage.")
@click.option("--name", required=True, help="The account's name.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def learners_erase(homepage: str, name: str, as_json: bool) -> None:
    """Erase a learner: statements, documents, derived rows (DSGVO Art. 17)."""
    from lrs.db import session_scope
    from lrs.errors import LernspurError
    from lrs.learners.services import erase_learner

    app = app_for_cli()
    try:
        with session_scope(app) as session:
            result = erase_learner(session, homepage, name)
    except LernspurError as exc:
        fail(exc)
    emit(
        {"statements": result.statements, "documents": result.documents},
        as_json,
        f"Erased: {result.statements} statements, {result.documents} documents. "
        "The erasure is recorded without the identity.",
    )


@main.group()
def projections() -> None:
    """Derived tables (evidence, participation)."""


@projections.command("rebuild")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def projections_rebuild(as_json: bool) -> None:
    """Recompute evidence and participation from the statements (progress on stderr)."""
    import time

    from lrs.db import get_db, session_scope
    from lrs.projections.definitions import load_definitions
    from lrs.projections.rebuild import rebuild, relevant_count, vacuum_analyze

    app = app_for_cli()
    started = time.perf_counter()
    with session_scope(app) as session:
        total = relevant_count(session, sorted(load_definitions(session).relevant_verbs()))
        with click.progressbar(
            length=total, label="statements", file=sys.stderr, show_pos=True
        ) as bar:
            result = rebuild(session, progress=bar.update)
    vacuum_analyze(get_db(app).engine)
    elapsed = time.perf_counter() - started
    emit(
        {
            "statements": result.statements,
            "evidence_facts": result.evidence_facts,
            "participation_facts": result.participation_facts,
            "seconds": round(elapsed, 3),
        },
        as_json,
        f"Rebuilt from {result.statements} statements in {elapsed:.1f} s: "
        f"{result.evidence_facts} evidence facts, {result.participation_facts} participation "
        "facts.",
    )
