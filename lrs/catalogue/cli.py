"""`lernspur catalogue …`"""

from __future__ import annotations

from pathlib import Path

import click

from lrs.cli import app_for_cli, emit, fail, main, read_yaml


@main.group()
def catalogue() -> None:
    """The course catalogue (what can be deep-linked, what it evidences)."""


@catalogue.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def catalogue_load(file: Path, as_json: bool) -> None:
    """Load FILE (YAML, see examples/catalogue.yaml); courses are updated by their id."""
    from lrs.catalogue.services import load_catalogue
    from lrs.db import session_scope
    from lrs.errors import LernspurError

    data = read_yaml(file)
    app = app_for_cli()
    try:
        with session_scope(app) as session:
            result = load_catalogue(session, data)
    except LernspurError as exc:
        fail(exc)
    emit(
        {"created": result.created, "updated": result.updated},
        as_json,
        f"Catalogue loaded: {result.created} courses created, {result.updated} updated.",
    )


@catalogue.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def catalogue_list(as_json: bool) -> None:
    """List the catalogue's courses."""
    from lrs.catalogue.services import list_courses
    from lrs.db import session_scope

    app = app_for_cli()
    with session_scope(app) as session:
        courses = [c.as_dict() for c in list_courses(session)]
    lines = [f"{c['id']:<34} {c['title'].get('de', '')}" for c in courses]
    emit(courses, as_json, "\n".join(lines) or "The catalogue is empty.")
