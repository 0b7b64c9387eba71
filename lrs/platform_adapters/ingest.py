"""The statement write path with the platform adapters: privacy, normalisation, raw copies.

POST and PUT /statements (and the Moodle pull) call `ingest_statements` after validation:

1. With a credential's `strip_personal_data`, every statement loses names and plain e-mail
   addresses first (statements.privacy) - the raw copy too, so nothing personal is kept.
   Off by default: stored statements are then exactly what the client sent.
2. `adapters.registry.recognise` picks the adapter of each statement: a few dict look-ups, no
   database. Statements of no platform go to the store untouched.
3. Only if some statement was recognised, the organisation's context (registered site roots,
   activity mappings) is loaded - one query each - and the adapters normalise. An adapter
   that fails, or whose result is not valid xAPI, never costs the statement: it is stored as
   received and its raw copy records the error.
4. `store_statements` stores; the ids adapters derived go along as `assigned_ids`.
5. The raw copies of newly stored adapter statements go to `statement_raw`.

Signed statements (Part 2, 2.6) are left exactly as sent: changing one would break its
signature. Stripping one is refused, since the signature's payload repeats what it signs.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from adapters.base import Adapter, AdapterContext
from adapters.registry import recognise
from lrs.auth.services import Principal
from lrs.catalogue.models import CatalogueCourse
from lrs.errors import BadRequest
from lrs.platform_adapters.models import ActivityMapping, MoodleSite, StatementRaw
from lrs.statement_store.models import Statement
from lrs.statement_store.services import AttachmentPart, store_statements
from statements.errors import Problem
from statements.privacy import strip_personal_data
from statements.signature import SIGNATURE_USAGE_TYPE
from statements.validation import validate_statement

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Handled:
    """A statement an adapter handled: where it is in the request and what arrived."""

    position: int
    adapter: str
    raw: dict[str, Any]
    error: str | None = None


@dataclass
class Prepared:
    statements: list[dict[str, Any]]
    assigned_ids: frozenset[str] = frozenset()
    handled: list[Handled] = field(default_factory=list)


def _signed(statement: Mapping[str, Any]) -> bool:
    return any(
        isinstance(a, Mapping) and a.get("usageType") == SIGNATURE_USAGE_TYPE
        for a in statement.get("attachments") or ()
    )


def _stripped(statements: Sequence[dict[str, Any]], path: str, many: bool) -> list[dict[str, Any]]:
    out = []
    for i, statement in enumerate(statements):
        if _signed(statement):
            raise BadRequest(
                "This credential strips personal data, which a signed statement cannot lose.",
                [
                    Problem(
                        f"{path}[{i}].attachments" if many else f"{path}.attachments",
                        "a signed statement cannot be stored with strip-personal-data",
                    )
                ],
            )
        out.append(strip_personal_data(statement))
    return out


def load_context(session: Session, org_pk: int, activity_keys: Iterable[str]) -> AdapterContext:
    """The organisation's registered site roots and the mappings of these activities."""
    roots: dict[str, str] = dict(
        session.execute(
            select(MoodleSite.root_key, MoodleSite.root).where(MoodleSite.org_pk == org_pk)
        ).all()
    )
    keys = sorted(set(activity_keys))
    catalogue: dict[str, str] = {}
    if keys:
        query = (
            select(ActivityMapping.activity_key, CatalogueCourse.activity_iri)
            .join(CatalogueCourse, CatalogueCourse.pk == ActivityMapping.course_pk)
            .where(ActivityMapping.org_pk == org_pk, ActivityMapping.activity_key.in_(keys))
        )
        catalogue = dict(session.execute(query).all())
    return AdapterContext(site_roots=roots, catalogue=catalogue)


def _adapt(
    adapter: Adapter, raw: dict[str, Any], context: AdapterContext, version: str
) -> tuple[dict[str, Any], str | None, str | None]:
    """(statement to store, id the adapter derived, error) for one recognised statement."""
    errors = []
    statement_id = None
    try:
        statement_id = adapter.statement_id(raw, context)
    except Exception as exc:  # an adapter error never drops a statement
        errors.append(f"id: {exc.__class__.__name__}: {exc}")
    try:
        normalised = adapter.normalise(raw, context)
        validate_statement(normalised, version, path="normalised")
    except Exception as exc:  # likewise: stored as received, flagged
        errors.append(f"normalise: {exc.__class__.__name__}: {exc}")
        normalised = raw
    if statement_id is not None:
        normalised = {**normalised, "id": statement_id}
    error = "; ".join(errors) or None
    if error:
        logger.warning("adapter %s failed on a statement: %s", adapter.name, error)
    return normalised, statement_id, error


def prepare_statements(
    session: Session,
    credential: Principal,
    statements: Sequence[dict[str, Any]],
    version: str,
    path: str = "statements",
    many: bool = True,
) -> Prepared:
    """Steps 1-3 of the module doc: what `store_statements` should store."""
    if credential.strip_personal_data:
        statements = _stripped(statements, path, many)
    found: list[tuple[int, Adapter]] = []
    for i, statement in enumerate(statements):
        adapter = recognise(statement)
        if adapter is not None and not _signed(statement):
            found.append((i, adapter))
    if not found:
        return Prepared(list(statements))
    context = load_context(
        session,
        credential.org_pk,
        (key for i, adapter in found for key in adapter.activity_keys(statements[i])),
    )
    out = list(statements)
    assigned: set[str] = set()
    handled = []
    for i, adapter in found:
        out[i], statement_id, error = _adapt(adapter, statements[i], context, version)
        if statement_id is not None:
            assigned.add(statement_id)
        handled.append(Handled(i, adapter.name, statements[i], error))
    return Prepared(out, frozenset(assigned), handled)


def record_raw(session: Session, org_pk: int, prepared: Prepared, ids: Sequence[str]) -> int:
    """Keep the raw copies of adapter statements stored just now; the number written."""
    if not prepared.handled:
        return 0
    by_id: dict[str, Handled] = {}
    for item in prepared.handled:
        by_id.setdefault(ids[item.position], item)  # a repeat in the batch was not stored
    rows = session.execute(
        select(Statement.pk, Statement.statement_id).where(
            Statement.org_pk == org_pk,
            Statement.statement_id.in_([uuid.UUID(i) for i in by_id]),
            ~exists().where(StatementRaw.statement_pk == Statement.pk),
        )
    ).all()
    if not rows:
        return 0
    now = datetime.now(UTC)
    session.execute(
        insert(StatementRaw),
        [
            {
                "statement_pk": pk,
                "org_pk": org_pk,
                "adapter": by_id[str(sid).lower()].adapter,
                "raw": by_id[str(sid).lower()].raw,
                "error": by_id[str(sid).lower()].error,
                "received_at": now,
            }
            for pk, sid in rows
        ],
    )
    return len(rows)


def ingest_statements(
    session: Session,
    credential: Principal,
    statements: Sequence[dict[str, Any]],
    version: str,
    base_url: str,
    parts: Mapping[str, AttachmentPart] | None = None,
    path: str = "statements",
    many: bool = True,
    final: bool = False,
) -> list[str]:
    """Store validated statements through the adapters (module doc); their ids in order.
    `final`: the caller writes nothing more in this transaction (`store_statements`)."""
    prepared = prepare_statements(session, credential, statements, version, path, many)
    ids = store_statements(
        session,
        credential,
        prepared.statements,
        version,
        base_url,
        parts,
        path=path,
        many=many,
        assigned_ids=prepared.assigned_ids,
        final=final and not prepared.handled,
    )
    record_raw(session, credential.org_pk, prepared, ids)
    return ids
