"""Storing statements: one transaction per request, a batch stored whole or not at all.

xAPI 1.0.3 Part 3, 2.1.1 (PUT) and 2.1.2 (POST); Part 2, 2.3.2 (voiding), 2.4.7-2.4.9 (timestamp,
stored, authority), 2.4.10 (version), 2.4.11 (attachments), 2.6 (signed statements).
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import orjson
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lrs.auth.scopes import grants
from lrs.auth.services import Principal
from lrs.errors import BadRequest, Conflict
from lrs.statement_store.activities import (
    definitions_to_merge,
    merge_activity_definitions,
    note_stored,
)
from lrs.statement_store.hooks import StoredBatch, listeners_act_on, run_after_store
from lrs.statement_store.keys import VOIDED_VERB, FilterKeys, filter_keys
from lrs.statement_store.models import Attachment, Statement
from lrs.statement_store.writer import COPY_FROM, insert_rows
from statements.equivalence import statements_equivalent
from statements.errors import Problem
from statements.formats import normalise_for_storage
from statements.signature import SIGNATURE_USAGE_TYPE, verify_signed_statement
from statements.timestamps import (
    format_timestamp,
    normalise_statement_timestamps,
    parse_timestamp,
    utc_now,
)

logger = logging.getLogger(__name__)

DEFAULT_VERSION = {"1.0.3": "1.0.0", "2.0.0": "2.0.0"}
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class AttachmentPart:
    """Raw data of one attachment received in a multipart/mixed request."""

    sha2: str
    content_type: str
    content: bytes


def new_statement_ids(count: int) -> list[str]:
    """Random (version 4) UUIDs as text, the ids the LRS assigns (Part 2, 2.4.1).

    What `str(uuid.uuid4())` gives, from one read of the system's random source for all of
    them and without building UUID objects (this runs for every statement sent without id).
    """
    entropy = bytearray(os.urandom(16 * count))
    ids = []
    for start in range(0, 16 * count, 16):
        entropy[start + 6] = (entropy[start + 6] & 0x0F) | 0x40  # version 4
        entropy[start + 8] = (entropy[start + 8] & 0x3F) | 0x80  # RFC 4122 variant
        h = entropy[start : start + 16].hex()
        ids.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return ids


def authority_for(credential: Principal, base_url: str) -> dict[str, Any]:
    """The Agent the LRS names as authority for what this credential stores (Part 2, 2.4.9)."""
    return {
        "objectType": "Agent",
        "name": credential.label or credential.organisation.name,
        "account": {"homePage": base_url, "name": credential.key},
    }


@dataclass
class _Prepared:
    statement_id: str
    body: dict[str, Any]
    keys: FilterKeys
    timestamp_at: datetime
    position: int = 0  # index in the request, for error paths


def _prepare(
    raw: Mapping[str, Any],
    version: str,
    stored_at: datetime,
    stored: str,
    authority: dict[str, Any],
    fresh_ids: Iterator[str],
) -> _Prepared:
    body = normalise_statement_timestamps(normalise_for_storage(raw), version)
    given_id = body.get("id")
    statement_id = str(given_id).lower() if given_id else next(fresh_ids)
    body["id"] = statement_id
    body["stored"] = stored
    # A missing timestamp (or, in 2.0, a null one) is the stored time (Part 2, 2.4.7).
    given = body.get("timestamp")
    if given is None:
        body["timestamp"] = stored
    body["authority"] = authority
    body.setdefault("version", DEFAULT_VERSION[version])
    return _Prepared(
        statement_id=statement_id,
        body=body,
        keys=filter_keys(body),
        timestamp_at=parse_timestamp(given) if given is not None else stored_at,
    )


def _check_attachments(
    statements: Sequence[Mapping[str, Any]],
    parts: Mapping[str, AttachmentPart],
    path: str,
    many: bool,
) -> None:
    """Every attachment without fileUrl must arrive as a part (Part 3, 1.5.2.s3.b5)."""
    used: set[str] = set()
    for i, stmt in enumerate(statements):
        where = f"{path}[{i}]" if many else path
        for j, att in enumerate(stmt.get("attachments") or ()):
            sha2 = att.get("sha2")
            if sha2 in parts:
                used.add(sha2)
                continue
            if not att.get("fileUrl"):
                raise BadRequest(
                    "An attachment's data is missing.",
                    [
                        Problem(
                            f"{where}.attachments[{j}].sha2",
                            "needs a multipart part with this X-Experience-API-Hash, or a fileUrl",
                        )
                    ],
                )
            if att.get("usageType") == SIGNATURE_USAGE_TYPE:
                raise BadRequest(
                    "A signature attachment must be sent as a part.",
                    [Problem(f"{where}.attachments[{j}]", "signature data must be included")],
                )
        for j, att in enumerate(stmt.get("attachments") or ()):
            if att.get("usageType") == SIGNATURE_USAGE_TYPE and att.get("sha2") in parts:
                if att.get("contentType") != "application/octet-stream":
                    raise BadRequest(
                        "A statement signature must be application/octet-stream.",
                        [
                            Problem(
                                f"{where}.attachments[{j}].contentType",
                                "must be application/octet-stream for a signature",
                            )
                        ],
                    )
                verify_signed_statement(
                    dict(stmt), parts[att["sha2"]].content, f"{where}.attachments[{j}]"
                )
    unused = set(parts) - used
    if unused:
        raise BadRequest(
            "A multipart part matches no attachment of the statements.",
            [
                Problem("attachments", f"part with hash {sha2} is not declared by any statement")
                for sha2 in sorted(unused)
            ],
        )


def store_statements(
    session: Session,
    credential: Principal,
    statements: Sequence[Mapping[str, Any]],
    version: str,
    base_url: str,
    parts: Mapping[str, AttachmentPart] | None = None,
    path: str = "statements",
    many: bool = True,
    assigned_ids: frozenset[str] = frozenset(),
    final: bool = False,
) -> list[str]:
    """Store validated statements; returns their ids in order. All or nothing.

    Statements whose id is stored already are skipped if equivalent (Part 3, 2.1.2.s2.b4) and
    make the whole request fail with 409 if not (2.1.2.s2.b5).

    `assigned_ids` are ids a platform adapter derived from the event for statements the client
    sent without one (lrs.platform_adapters.ingest). The client never chose them, so a
    statement under such an id that is stored already, or came earlier in the same batch, is
    the same event sent again: it answers for the repeat even where details differ (a resend
    transformed anew carries another session registration) - no 409, no 400, nothing stored.

    `final`: the caller writes nothing more in this transaction. Then, if nothing but the
    statement rows is to be written (no client ids, attachments, voiding, new Activity
    definitions, nor a listener acting on the batch), the rows may go in one statement
    outside a transaction (`writer.insert_rows`' `alone`).
    """
    parts = parts or {}
    _check_attachments(statements, parts, path, many)
    stored_at = utc_now()
    stored = format_timestamp(stored_at)
    authority = authority_for(credential, base_url)
    fresh_ids = iter(new_statement_ids(sum(1 for s in statements if not s.get("id"))))
    prepared = [_prepare(s, version, stored_at, stored, authority, fresh_ids) for s in statements]

    seen: dict[str, int] = {}
    repeats: set[int] = set()
    for i, item in enumerate(prepared):
        item.position = i
        if item.statement_id in seen:
            if item.statement_id in assigned_ids:
                repeats.add(i)
                continue
            raise BadRequest(
                "The batch contains the same statement id twice.",
                [Problem(f"{path}[{i}].id", f"duplicates {path}[{seen[item.statement_id]}].id")],
            )
        seen[item.statement_id] = i

    org_pk = credential.org_pk
    # Ids the LRS generated (uuid4) cannot be stored already; only ids that came with the
    # statement (from the client, or derived by an adapter) are locked, looked up, compared.
    client_ids = {
        p.statement_id for p, raw in zip(prepared, statements, strict=True) if "id" in raw
    }
    _lock_client_ids(session, org_pk, sorted(client_ids))
    unique = [p for p in prepared if p.position not in repeats] if repeats else prepared
    for attempt in range(1, MAX_ATTEMPTS + 1):
        new = _without_known(session, org_pk, unique, client_ids, path, many, assigned_ids)
        if not new:
            break
        # Rows go in id order, so concurrent batches with overlapping ids take their locks in
        # the same order and wait for each other instead of deadlocking.
        new = sorted(new, key=lambda p: p.statement_id)
        definitions = (
            definitions_to_merge(session, org_pk, [p.body for p in new])
            if grants(credential.scopes, "activities", "write")
            else {}
        )
        # Only client-chosen ids, new Activity definitions and attachments can meet a
        # concurrent request's rows on a unique key; a batch without them (LRS-assigned ids,
        # known definitions: the common case) needs no SAVEPOINT to retry in.
        contended = bool(client_ids or definitions or parts)
        bodies = [p.body for p in new]
        shared: dict[str, Any] = {}
        # Larger batches are COPYed, several statements: the listeners need not be asked.
        alone = final and not (
            contended
            or len(new) > COPY_FROM
            or any(p.keys.verb_iri == VOIDED_VERB for p in new)
            or listeners_act_on(session, StoredBatch(org_pk, credential, bodies, (), shared=shared))
        )
        written: dict[tuple[int, str], dict[str, Any]] = {}
        try:
            with session.begin_nested() if contended else nullcontext():
                pks, voided_pks = _insert(
                    session, org_pk, credential.pk, new, client_ids, stored_at, alone
                )
                _store_attachments(session, org_pk, parts)
                _apply_voiding(session, org_pk, new, path, many)
                written = merge_activity_definitions(session, org_pk, definitions, stored_at)
                run_after_store(
                    session, StoredBatch(org_pk, credential, bodies, pks, voided_pks, shared)
                )
            note_stored(session, written)
            break
        except IntegrityError:
            # A concurrent request stored one of these ids (or activities) first: compare again.
            if attempt == MAX_ATTEMPTS or not contended:
                raise
            logger.info("concurrent insert in org %s; re-checking (attempt %s)", org_pk, attempt)
    return [p.statement_id for p in prepared]


def _lock_client_ids(session: Session, org_pk: int, ids: list[str]) -> None:
    """Serialise concurrent writers of the same statement ids (PostgreSQL).

    Client-chosen ids can arrive in several requests at once. A transaction-scoped advisory
    lock per id, taken in sorted order, makes the second writer wait until the first has
    committed, so it then finds the statement and compares instead of failing on the unique
    constraint. SQLite needs none: its writers are serialised by BEGIN IMMEDIATE.
    """
    if not ids or session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({_lock_key(org_pk, sid) for sid in ids})
    session.execute(
        text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k"),
        {"keys": keys},
    )


def _lock_key(org_pk: int, statement_id: str) -> int:
    value = (uuid.UUID(statement_id).int >> 64) ^ (org_pk * 0x9E3779B97F4A7C15)
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def _without_known(
    session: Session,
    org_pk: int,
    prepared: list[_Prepared],
    client_ids: set[str],
    path: str,
    many: bool,
    assigned_ids: frozenset[str] = frozenset(),
) -> list[_Prepared]:
    if not client_ids:
        return prepared
    ids = [uuid.UUID(i) for i in client_ids]
    rows = session.execute(
        select(Statement.statement_id, Statement.body).where(
            Statement.org_pk == org_pk, Statement.statement_id.in_(ids)
        )
    ).all()
    if not rows:
        return prepared
    existing = {str(sid).lower(): cast("dict[str, Any]", body) for sid, body in rows}
    fresh = []
    for item in prepared:
        known = existing.get(item.statement_id)
        if known is None:
            fresh.append(item)
        elif item.statement_id not in assigned_ids and not statements_equivalent(known, item.body):
            where = f"{path}[{item.position}].id" if many else f"{path}.id"
            raise Conflict(
                f"A different statement with id {item.statement_id} is stored already.",
                [Problem(where, "a statement id, once used, stands for one statement only")],
            )
    return fresh


def _insert(
    session: Session,
    org_pk: int,
    credential_pk: int,
    items: list[_Prepared],
    client_ids: set[str],
    stored_at: datetime,
    alone: bool,
) -> tuple[list[int], frozenset[int]]:
    """Write the statements and their filter rows; their pks, and those stored voided."""
    # A voiding statement may arrive before its target (Part 2, 2.3.2): such a target is
    # stored voided. Only a client-chosen id can have been referenced before it was stored.
    target_ids = [p.statement_id for p in items if p.statement_id in client_ids]
    already_voided: set[str] = set()
    if target_ids:
        already_voided = {
            str(ref).lower()
            for ref in session.scalars(
                select(Statement.object_ref).where(
                    Statement.org_pk == org_pk,
                    Statement.verb_iri == VOIDED_VERB,
                    Statement.object_ref.in_([uuid.UUID(i) for i in target_ids]),
                )
            )
        }
    voided_in_batch = {
        p.keys.object_ref for p in items if p.keys.verb_iri == VOIDED_VERB and p.keys.object_ref
    }
    statement_rows = []
    agent_rows = []
    activity_rows = []
    voided_at: list[int] = []
    for position, item in enumerate(items):
        keys = item.keys
        voided = keys.verb_iri != VOIDED_VERB and (
            item.statement_id in already_voided or item.statement_id in voided_in_batch
        )
        if voided:
            voided_at.append(position)
        statement_rows.append(
            {
                "org_pk": org_pk,
                "statement_id": item.statement_id,
                "credential_pk": credential_pk,
                "actor_key": keys.actor_key,
                "verb_iri": keys.verb_iri,
                "activity_iri": keys.activity_iri,
                "object_ref": keys.object_ref,
                "registration": keys.registration,
                "timestamp_at": item.timestamp_at,
                "stored_at": stored_at,
                "voided": voided,
                "version": str(item.body.get("version")),
                "body": orjson.dumps(item.body).decode(),
            }
        )
        agent_rows.append(list(keys.agents.items()))
        activity_rows.append(sorted(keys.related_activities))
    pks = insert_rows(session, org_pk, statement_rows, agent_rows, activity_rows, alone)
    return pks, frozenset(pks[i] for i in voided_at)


def _store_attachments(session: Session, org_pk: int, parts: Mapping[str, AttachmentPart]) -> None:
    if not parts:
        return
    known = set(
        session.scalars(
            select(Attachment.sha2).where(
                Attachment.org_pk == org_pk, Attachment.sha2.in_(list(parts))
            )
        )
    )
    for sha2, part in parts.items():
        if sha2 not in known:
            session.add(
                Attachment(
                    org_pk=org_pk,
                    sha2=sha2,
                    content_type=part.content_type,
                    content=part.content,
                )
            )
    session.flush()


def _apply_voiding(
    session: Session, org_pk: int, items: list[_Prepared], path: str, many: bool
) -> None:
    """Mark the targets of voiding statements voided (Part 2, 2.3.2).

    A voiding statement cannot itself be voided: such a request is refused with 400.
    """
    targets: dict[str, int] = {}  # voided statement id -> the voiding one's index in the request
    for item in items:
        if item.keys.verb_iri == VOIDED_VERB and item.keys.object_ref:
            targets[item.keys.object_ref] = item.position
    if not targets:
        return
    voiding = (
        session.execute(
            select(Statement.statement_id).where(
                Statement.org_pk == org_pk,
                Statement.statement_id.in_([uuid.UUID(t) for t in targets]),
                Statement.verb_iri == VOIDED_VERB,
            )
        )
        .scalars()
        .all()
    )
    if voiding:
        target = str(voiding[0]).lower()
        i = targets[target]
        raise BadRequest(
            "A voiding statement cannot be voided.",
            [
                Problem(
                    f"{path}[{i}].object.id" if many else f"{path}.object.id",
                    "must not reference a voiding statement (xAPI Part 2, 2.3.2)",
                )
            ],
        )
    session.execute(
        update(Statement)
        .where(
            Statement.org_pk == org_pk,
            Statement.statement_id.in_([uuid.UUID(t) for t in targets]),
        )
        .values(voided=True)
    )


def latest_stored(session: Session, org_pk: int) -> datetime | None:
    return session.scalar(select(func.max(Statement.stored_at)).where(Statement.org_pk == org_pk))
