"""`lernspur frameworks …`"""

from __future__ import annotations

from pathlib import Path

import click

from lrs.cli import app_for_cli, emit, fail, main


@main.group()
def frameworks() -> None:
    """Competency frameworks (IMS CASE JSON, Moodle competency CSV)."""


@frameworks.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--id",
    "slug",
    default=None,
    help="Framework id (default: the file name without extensions).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def frameworks_import(file: Path, slug: str | None, as_json: bool) -> None:
    """Import FILE (CASE JSON package or Moodle CSV); re-import updates items by identifier."""
    from lrs.competencies.services import import_framework, read_framework_file, slug_from_path
    from lrs.db import session_scope
    from lrs.errors import LernspurError
    from lrs.projections.rebuild import rebuild

    app = app_for_cli()
    slug = slug or slug_from_path(file)
    try:
        definition = read_framework_file(file)
        with session_scope(app) as session:
            result = import_framework(session, definition, slug)
            # Evidence from context activities naming item URIs may change with the items.
            rebuild(session)
    except LernspurError as exc:
        fail(exc)
    emit(
        {
            "id": result.slug,
            "created": result.created,
            "updated": result.updated,
            "areas": result.areas,
        },
        as_json,
        f"Framework {result.slug}: {result.created} items created, {result.updated} updated; "
        f"areas {', '.join(result.areas)}.",
    )
