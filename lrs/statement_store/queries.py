"""Reading statements: GET /statements filters, StatementRef targeting, voiding, paging.

xAPI 1.0.3 Part 3, 2.1.3 (filters, "Filter Conditions for StatementRefs") and 2.1.4 (voided
statements are returned only by voidedStatementId; statements targeting them still are).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    cast,
    exists,
    false,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from lrs.auth.models import Credential
from lrs.statement_store.models import Statement, StatementActivity, StatementAgent

MAX_LIMIT = 500
MAX_REF_DEPTH = 10


@dataclass(frozen=True)
class StatementQuery:
    """The filters of one GET /statements request (everything but format and attachments)."""

    agent_key: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 0
    ascending: bool = False
    credential_pk: int | None = None  # set for `statements/read/mine`
    after_pk: int | None = None  # paging cursor ("more")
    # Credentials whose authority Agent is `agent_key` (for related_agents; set by the store).
    authority_of: tuple[int, ...] = ()

    @property
    def page_size(self) -> int:
        return MAX_LIMIT if self.limit in (0, None) or self.limit > MAX_LIMIT else self.limit

    def has_matching_filters(self) -> bool:
        return any(
            v is not None for v in (self.agent_key, self.verb, self.activity, self.registration)
        )


@dataclass
class Page:
    rows: list[tuple[int, str, datetime]] = field(default_factory=list)
    more: bool = False


def _matches(s: Any, q: StatementQuery) -> ColumnElement[bool]:
    """The non-time filters, applied to the statements table aliased as `s`."""
    conds: list[ColumnElement[bool]] = []
    if q.verb is not None:
        conds.append(s.verb_iri == q.verb)
    if q.activity is not None:
        direct = s.activity_iri == q.activity
        if q.related_activities:
            related = exists().where(
                StatementActivity.statement_pk == s.pk,
                StatementActivity.org_pk == s.org_pk,
                StatementActivity.activity_iri == q.activity,
            )
            conds.append(or_(direct, related))
        else:
            conds.append(direct)
    if q.registration is not None:
        conds.append(s.registration == uuid.UUID(q.registration))
    if q.agent_key is not None:
        side = [
            StatementAgent.statement_pk == s.pk,
            StatementAgent.org_pk == s.org_pk,
            StatementAgent.agent_key == q.agent_key,
        ]
        if not q.related_agents:
            side.append(StatementAgent.related == false())
        matches = [s.actor_key == q.agent_key, exists().where(*side)]
        if q.related_agents and q.authority_of:
            matches.append(s.credential_pk.in_(q.authority_of))
        conds.append(or_(*matches))
    return and_(true(), *conds)


def _window(s: Any, org_pk: int, q: StatementQuery) -> list[ColumnElement[bool]]:
    """Organisation, not voided, time and sequence filters: they apply to the returned row."""
    conds: list[ColumnElement[bool]] = [s.org_pk == org_pk, s.voided == false()]
    if q.since is not None:
        conds.append(s.stored_at > q.since)
    if q.until is not None:
        conds.append(s.stored_at <= q.until)
    if q.credential_pk is not None:
        conds.append(s.credential_pk == q.credential_pk)
    if q.after_pk is not None:
        conds.append(s.pk > q.after_pk if q.ascending else s.pk < q.after_pk)
    return conds


def _page_select(s: Any, q: StatementQuery, where: list[ColumnElement[bool]]) -> Select[Any]:
    order = s.pk.asc() if q.ascending else s.pk.desc()
    return (
        select(s.pk, cast(s.body, Text), s.stored_at)
        .where(*where)
        .order_by(order)
        .limit(q.page_size + 1)
    )


def _targeting_pks(session: Session, org_pk: int, q: StatementQuery) -> Select[Any] | None:
    """Statements whose StatementRef chain reaches a statement matching the filters."""
    has_refs = session.scalar(
        select(literal(1))
        .where(Statement.org_pk == org_pk, Statement.object_ref.is_not(None))
        .limit(1)
    )
    if not has_refs:
        return None
    ref = aliased(Statement)
    chain = (
        select(
            ref.pk.label("start_pk"), ref.object_ref.label("target_id"), literal(1).label("depth")
        )
        .where(ref.org_pk == org_pk, ref.object_ref.is_not(None))
        .cte("chain", recursive=True)
    )
    hop = aliased(Statement)
    chain = chain.union_all(
        select(chain.c.start_pk, hop.object_ref, chain.c.depth + 1)
        .join(hop, and_(hop.org_pk == org_pk, hop.statement_id == chain.c.target_id))
        .where(hop.object_ref.is_not(None), chain.c.depth < MAX_REF_DEPTH)
    )
    target = aliased(Statement)
    return (
        select(chain.c.start_pk)
        .join(target, and_(target.org_pk == org_pk, target.statement_id == chain.c.target_id))
        .where(_matches(target, q))
    )


def authority_credentials(session: Session, org_pk: int, agent_key: str | None) -> tuple[int, ...]:
    """Credentials of the organisation whose authority Agent has this key (`authority_for`
    names a credential's statements' authority by an account whose name is the key)."""
    if agent_key is None or not agent_key.startswith("account:"):
        return ()
    name = agent_key.rpartition("|")[2]
    return tuple(
        session.scalars(
            select(Credential.pk).where(Credential.org_pk == org_pk, Credential.key == name)
        )
    )


# Built once: adapting a fresh alias on every request costs more than the query itself.
_S = aliased(Statement, name="s")


def find_statements(session: Session, org_pk: int, q: StatementQuery) -> Page:
    """One page of statements, newest first unless `ascending`, plus whether more follow."""
    if q.related_agents and q.agent_key is not None and not q.authority_of:
        q = replace(q, authority_of=authority_credentials(session, org_pk, q.agent_key))
    s = _S
    window = _window(s, org_pk, q)
    rows = list(session.execute(_page_select(s, q, [*window, _matches(s, q)])).all())
    if q.has_matching_filters():
        targeting = _targeting_pks(session, org_pk, q)
        if targeting is not None:
            extra = session.execute(_page_select(s, q, [*window, s.pk.in_(targeting)])).all()
            merged = {row[0]: row for row in rows}
            merged.update({row[0]: row for row in extra})
            rows = sorted(merged.values(), key=lambda r: r[0], reverse=not q.ascending)
    more = len(rows) > q.page_size
    return Page(rows=[tuple(r) for r in rows[: q.page_size]], more=more)  # type: ignore[misc]


def get_statement(
    session: Session,
    org_pk: int,
    statement_id: str,
    voided: bool,
    credential_pk: int | None = None,
) -> tuple[str, datetime] | None:
    """The stored statement with this id, if it is (not) voided as asked (Part 3, 2.1.4)."""
    try:
        sid = uuid.UUID(statement_id)
    except ValueError:
        return None
    query = select(cast(Statement.body, Text), Statement.stored_at).where(
        Statement.org_pk == org_pk,
        Statement.statement_id == sid,
        Statement.voided == voided,
    )
    if credential_pk is not None:
        query = query.where(Statement.credential_pk == credential_pk)
    row = session.execute(query).first()
    return (row[0], row[1]) if row else None
