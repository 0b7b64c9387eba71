"""Seams in the write path, for features that act on statements as they are stored.

`after_store` listeners run inside the request's transaction, after the statements (only the
new ones, never duplicates) are written: projections keep derived tables current there, so a
statement and what is derived from it commit together or not at all. A listener raising rolls
the whole request back.

A listener names the batches it acts on (`acts_on`); it is called only for those. The store
asks before it writes a batch small enough for one SQL statement: if no listener acts on it,
it is written outside a transaction (`lrs.db.autocommit_statement`), saving BEGIN and COMMIT.
The answers are kept in the batch's `shared` and hold for the stored batch too.
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
# Asked once per batch: before it is stored (its `statement_pks` still empty), or else after.
ActsOn = Callable[[Session, StoredBatch], bool]
_ANSWERS = "lernspur.listeners_act_on"


@dataclass(frozen=True)
class _Listener:
    run: AfterStore
    acts_on: ActsOn


after_store: list[_Listener] = []


def register_after_store(acts_on: ActsOn) -> Callable[[AfterStore], AfterStore]:
    """Add a listener that is called for the batches `acts_on` accepts (a decorator);
    registering the same listener twice is a no-op."""

    def register(listener: AfterStore) -> AfterStore:
        if all(entry.run is not listener for entry in after_store):
            after_store.append(_Listener(listener, acts_on))
        return listener

    return register


def _answers(session: Session, batch: StoredBatch) -> list[bool]:
    found: list[bool] | None = batch.shared.get(_ANSWERS)
    if found is None:
        found = batch.shared[_ANSWERS] = [entry.acts_on(session, batch) for entry in after_store]
    return found


def listeners_act_on(session: Session, batch: StoredBatch) -> bool:
    """Whether any listener will act on `batch` (and so may write in its transaction)."""
    return any(_answers(session, batch))


def run_after_store(session: Session, batch: StoredBatch) -> None:
    for entry, acts in zip(after_store, _answers(session, batch), strict=True):
        if acts:
            entry.run(session, batch)
