"""Schema migrations (Alembic) driven from code: `lernspur db upgrade` and the test suite."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def current_revision(url: str) -> str | None:
    """The revision the database at `url` is at (None: no schema yet)."""
    from alembic.runtime.migration import MigrationContext

    from lrs.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def upgrade(url: str | None = None, connection: Connection | None = None) -> None:
    command.upgrade(alembic_config(url, connection), "head")


def upgrade_reporting(url: str) -> tuple[list[tuple[str, str]], str | None]:
    """Upgrade the database at `url` to head; return the migrations applied, oldest first, as
    (revision, description), and the revision the schema is at now."""
    from alembic.script import ScriptDirectory

    before = current_revision(url)
    upgrade(url)
    script = ScriptDirectory.from_config(alembic_config(url))
    head = script.get_current_head()  # where a successful upgrade leaves the schema
    applied = [
        (rev.revision, " ".join((rev.doc or "").split()))
        for rev in reversed(list(script.iterate_revisions(head, before)))
    ]
    return applied, head


def check(url: str | None = None, connection: Connection | None = None) -> None:
    """Fail if the models and the migrations disagree (`alembic check`)."""
    command.check(alembic_config(url, connection))
