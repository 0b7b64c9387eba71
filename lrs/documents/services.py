"""Document storage with optimistic concurrency (xAPI 1.0.3 Part 3, 2.2 and 3.1).

ETags are the quoted SHA-1 of the content (3.1: "MUST calculate the value of the ETag header to
be a hexadecimal string of the SHA-1 digest of the contents").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lrs.documents.models import Document
from lrs.errors import BadRequest, Conflict, PreconditionFailed
from statements.errors import Problem


@dataclass(frozen=True)
class DocumentKey:
    org_pk: int
    kind: str
    activity_iri: str = ""
    agent_key: str = ""
    registration: str = ""

    def where(self) -> list[Any]:
        return [
            Document.org_pk == self.org_pk,
            Document.kind == self.kind,
            Document.activity_iri == self.activity_iri,
            Document.agent_key == self.agent_key,
            Document.registration == self.registration,
        ]


@dataclass(frozen=True)
class Preconditions:
    if_match: str | None
    if_none_match: str | None

    @property
    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}


def _check(doc: Document | None, pre: Preconditions) -> None:
    """RFC 7232 If-Match / If-None-Match, as xAPI 3.1 requires; 412 when they fail."""
    if pre.if_match is not None:
        tags = _etags(pre.if_match)
        if doc is None or ("*" not in tags and doc.etag not in tags):
            raise PreconditionFailed(
                "If-Match does not match the document's current ETag.",
                [Problem("headers.If-Match", "must be the current ETag of the document")],
            )
    if pre.if_none_match is not None and doc is not None:
        tags = _etags(pre.if_none_match)
        if "*" in tags or doc.etag in tags:
            raise PreconditionFailed(
                "The document exists already.",
                [Problem("headers.If-None-Match", "the document must not exist for '*'")],
            )


def get_document(session: Session, key: DocumentKey, doc_id: str) -> Document | None:
    return session.scalar(select(Document).where(*key.where(), Document.doc_id == doc_id))


def list_ids(session: Session, key: DocumentKey, since: datetime | None) -> list[str]:
    query = select(Document.doc_id).where(*key.where())
    if since is not None:
        query = query.where(Document.updated_at > since)
    return list(session.scalars(query.order_by(Document.doc_id)))


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def put_document(
    session: Session,
    key: DocumentKey,
    doc_id: str,
    content: bytes,
    content_type: str,
    pre: Preconditions,
    require_precondition: bool,
) -> None:
    """Create or replace a document (PUT)."""
    doc = get_document(session, key, doc_id)
    if not pre.given:
        if doc is not None:
            raise Conflict(
                "The document exists already. Fetch it, then send If-Match with its ETag "
                "(or If-None-Match: * to create only).",
                [Problem("headers.If-Match", "required when replacing an existing document")],
            )
        if require_precondition:
            raise BadRequest(
                "Profile documents are written with If-Match or If-None-Match.",
                [Problem("headers.If-Match", "If-Match or If-None-Match is required")],
            )
    _check(doc, pre)
    _write(session, key, doc_id, doc, content, content_type)


def post_document(
    session: Session,
    key: DocumentKey,
    doc_id: str,
    content: bytes,
    content_type: str,
    pre: Preconditions,
) -> None:
    """Create a document or merge a JSON object into it (POST, Part 3, 2.2 JSON procedure)."""
    doc = get_document(session, key, doc_id)
    _check(doc, pre)
    incoming = _json_object(content, content_type, "body")
    if doc is None:
        _write(session, key, doc_id, None, content, "application/json")
        return
    if not _is_json(doc.content_type):
        raise BadRequest(
            "The stored document is not JSON, so nothing can be merged into it.",
            [Problem("body", "POST merges only into a stored application/json object")],
        )
    stored = _json_object(doc.content, doc.content_type, "stored document")
    merged = orjson.dumps({**stored, **incoming})
    _write(session, key, doc_id, doc, merged, "application/json")


def _json_object(content: bytes, content_type: str, what: str) -> dict[str, Any]:
    if not _is_json(content_type):
        raise BadRequest(
            "POST merges JSON objects; this document is not application/json.",
            [Problem("headers.Content-Type", "must be application/json to merge")],
        )
    try:
        value = orjson.loads(content)
    except orjson.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        raise BadRequest(
            f"The {what} is not a JSON object.",
            [Problem("body", "must be a JSON object to merge")],
        )
    return value


def _write(
    session: Session,
    key: DocumentKey,
    doc_id: str,
    doc: Document | None,
    content: bytes,
    content_type: str,
) -> None:
    now = datetime.now(UTC)
    if doc is None:
        session.add(
            Document(
                org_pk=key.org_pk,
                kind=key.kind,
                activity_iri=key.activity_iri,
                agent_key=key.agent_key,
                registration=key.registration,
                doc_id=doc_id,
                content_type=content_type,
                content=content,
                etag=etag_of(content),
                updated_at=now,
            )
        )
    else:
        doc.content = content
        doc.content_type = content_type
        doc.etag = etag_of(content)
        doc.updated_at = now
    session.flush()


def delete_documents(
    session: Session, key: DocumentKey, doc_id: str | None, pre: Preconditions
) -> None:
    """Delete one document, or (state only, no id) every document under the key."""
    if doc_id is None:
        session.execute(delete(Document).where(*key.where()))
        return
    doc = get_document(session, key, doc_id)
    _check(doc, pre)
    if doc is not None:
        session.delete(doc)
        session.flush()
