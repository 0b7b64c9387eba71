"""Seams in the write path, for features that act on statements as they are stored.

`after_store` listeners run inside the request's transaction, after the statements (only the
new ones, never duplicates) are written: projections keep derived tables current there, so a
statement and what is derived from it commit together or not at all. A listener raising rolls
the whole request back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from lrs.auth.services import Principal


@dataclass(frozen=True)
class StoredBatch:
    """What a listener gets: the organisation, the credential, and the stored statements."""

    org_pk: int
    credential: Principal
    statements: Sequence[dict[str, Any]]  # as stored: with id, stored, timestamp, authority
    statement_pks: Sequence[int]
    voided_pks: frozenset[int] = frozenset()  # stored voided: their voiding statement came first
    # For listeners to share what they look up once per batch (e.g. the programme definitions)
    shared: dict[str, Any] = field(default_factory=dict)


AfterStore = Callable[[Session, StoredBatch], None]

after_store: list[AfterStore] = []


def register_after_store(listener: AfterStore) -> AfterStore:
    """Add a listener (usable as a decorator); registering the same one twice is a no-op."""
    if listener not in after_store:
        after_store.append(listener)
    return listener


def run_after_store(session: Session, batch: StoredBatch) -> None:
    for listener in after_store:
        listener(session, batch)
