"""Importing frameworks (upsert by identifier) and looking their items up."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.moodle_competency_csv import read_moodle_csv
from lrs.competencies.models import Framework, FrameworkItem
from lrs.errors import BadRequest, NotFound
from statements.errors import Problem, StatementInvalid
from statements.frameworks import FrameworkDef, read_case


@dataclass(frozen=True)
class ImportResult:
    slug: str
    created: int
    updated: int
    areas: list[str]


def slug_from_path(path: Path) -> str:
    """`kompetenzmodell-kommunal.case.json` -> `kompetenzmodell-kommunal`."""
    return path.name.split(".", 1)[0]


def read_framework_file(path: Path) -> FrameworkDef:
    """A CASE JSON package (`.json`) or a Moodle competency CSV (anything else)."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
            try:
                package = json.loads(text)
            except ValueError as exc:
                raise BadRequest(
                    f"{path.name} is not valid JSON.", [Problem("$", str(exc))]
                ) from None
            return read_case(package)
        return read_moodle_csv(text)
    except StatementInvalid as exc:
        raise BadRequest(
            f"{path.name} is not a usable competency framework.", list(exc.problems)
        ) from None


def import_framework(session: Session, definition: FrameworkDef, slug: str) -> ImportResult:
    """Create or update the framework `slug` and its items, matched by identifier.

    Items keep their primary key across re-imports, so evidence recorded against them stays;
    items missing from the new file are kept (evidence may point at them).
    """
    now = datetime.now(UTC)
    framework = session.scalar(select(Framework).where(Framework.slug == slug))
    if framework is None:
        framework = Framework(slug=slug, identifier="", title="", source="", updated_at=now)
        session.add(framework)
    framework.identifier = definition.identifier
    framework.title = definition.title
    framework.source = definition.source
    framework.uri = definition.uri
    framework.updated_at = now
    session.flush()
    existing = {
        item.identifier: item
        for item in session.scalars(
            select(FrameworkItem).where(FrameworkItem.framework_pk == framework.pk)
        )
    }
    areas = definition.area_of()
    created = updated = 0
    rows: dict[str, FrameworkItem] = {}
    for position, item in enumerate(definition.items):
        row = existing.get(item.identifier)
        if row is None:
            row = FrameworkItem(framework_pk=framework.pk, identifier=item.identifier)
            session.add(row)
            created += 1
        else:
            updated += 1
        row.code = item.code
        row.title = item.title
        row.item_type = item.item_type
        row.uri = item.uri
        row.area_code = areas[item.identifier]
        row.position = position
        row.updated_at = now
        rows[item.identifier] = row
    session.flush()
    for item in definition.items:
        rows[item.identifier].parent_pk = rows[item.parent].pk if item.parent else None
    session.flush()
    return ImportResult(
        slug=slug,
        created=created,
        updated=updated,
        areas=[item.code for item in definition.items if item.parent is None],
    )


def get_framework(session: Session, slug: str) -> Framework:
    framework = session.scalar(select(Framework).where(Framework.slug == slug))
    if framework is None:
        raise NotFound(f"No framework {slug!r}.", [Problem("framework", "unknown framework")])
    return framework


def framework_items(session: Session, framework_pk: int) -> list[FrameworkItem]:
    return list(
        session.scalars(
            select(FrameworkItem)
            .where(FrameworkItem.framework_pk == framework_pk)
            .order_by(FrameworkItem.position)
        )
    )
