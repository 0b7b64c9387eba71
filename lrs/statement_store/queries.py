"""Reading statements: GET /statements filters, StatementRef targeting, voiding, paging.

xAPI 1.0.3 Part 3, 2.1.3 (filters, "Filter Conditions for StatementRefs") and 2.1.4 (voided
statements are returned only by voidedStatementId; statements targeting them still are).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    Uuid,
    and_,
    bindparam,
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
from lrs.db import UTCDateTime
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


# Queries are built once per *shape* (which filters are present) with bound parameters and
# kept: building and hashing the SQLAlchemy expression took ~0.25 ms per query and request,
# a kept one ~1 µs. With reads in autocommit (`db.read_only_request`) GET /statements went
# from p50 7.4 to 5.5 ms at a million statements (bench/query.py).
_S = aliased(Statement, name="s")
_TARGET = aliased(Statement, name="target")
_REF = aliased(Statement, name="ref")
_HOP = aliased(Statement, name="hop")


def _matches(s: Any, q: StatementQuery) -> ColumnElement[bool]:
    """The non-time filters, applied to the statements table aliased as `s`."""
    conds: list[ColumnElement[bool]] = []
    if q.verb is not None:
        conds.append(s.verb_iri == bindparam("verb"))
    if q.activity is not None:
        direct = s.activity_iri == bindparam("activity")
        if q.related_activities:
            related = exists().where(
                StatementActivity.statement_pk == s.pk,
                StatementActivity.org_pk == s.org_pk,
                StatementActivity.activity_iri == bindparam("activity"),
            )
            conds.append(or_(direct, related))
        else:
            conds.append(direct)
    if q.registration is not None:
        conds.append(s.registration == bindparam("registration", type_=Uuid()))
    if q.agent_key is not None:
        side = [
            StatementAgent.statement_pk == s.pk,
            StatementAgent.org_pk == s.org_pk,
            StatementAgent.agent_key == bindparam("agent"),
        ]
        if not q.related_agents:
            side.append(StatementAgent.related == false())
        matches = [s.actor_key == bindparam("agent"), exists().where(*side)]
        if q.related_agents and q.authority_of:
            matches.append(s.credential_pk.in_(bindparam("authority", expanding=True)))
        conds.append(or_(*matches))
    return and_(true(), *conds)


def _window(s: Any, q: StatementQuery) -> list[ColumnElement[bool]]:
    """Organisation, not voided, time and sequence filters: they apply to the returned row."""
    conds: list[ColumnElement[bool]] = [s.org_pk == bindparam("org"), s.voided == false()]
    if q.since is not None:
        conds.append(s.stored_at > bindparam("since", type_=UTCDateTime()))
    if q.until is not None:
        conds.append(s.stored_at <= bindparam("until", type_=UTCDateTime()))
    if q.credential_pk is not None:
        conds.append(s.credential_pk == bindparam("credential"))
    if q.after_pk is not None:
        conds.append(s.pk > bindparam("after") if q.ascending else s.pk < bindparam("after"))
    return conds


def _params(org_pk: int, q: StatementQuery) -> dict[str, Any]:
    return {
        "org": org_pk,
        "verb": q.verb,
        "activity": q.activity,
        "registration": uuid.UUID(q.registration) if q.registration is not None else None,
        "agent": q.agent_key,
        "authority": list(q.authority_of),
        "since": q.since,
        "until": q.until,
        "credential": q.credential_pk,
        "after": q.after_pk,
        "limit": q.page_size + 1,
    }


def _page_select(s: Any, q: StatementQuery, where: list[ColumnElement[bool]]) -> Select[Any]:
    order = s.pk.asc() if q.ascending else s.pk.desc()
    return (
        select(s.pk, cast(s.body, Text), s.stored_at)
        .where(*where)
        .order_by(order)
        .limit(bindparam("limit"))
    )


@functools.lru_cache(maxsize=512)
def _page_query(template: StatementQuery) -> Select[Any]:
    """The page query for requests of the template's shape (see `_template`)."""
    return _page_select(_S, template, [*_window(_S, template), _matches(_S, template)])


@functools.lru_cache(maxsize=512)
def _targeting_query(q: StatementQuery) -> Select[Any]:
    """Statements whose StatementRef chain reaches a statement matching the filters (for
    requests of the template's shape)."""
    chain = (
        select(
            _REF.pk.label("start_pk"), _REF.object_ref.label("target_id"), literal(1).label("depth")
        )
        .where(_REF.org_pk == bindparam("org"), _REF.object_ref.is_not(None))
        .cte("chain", recursive=True)
    )
    chain = chain.union_all(
        select(chain.c.start_pk, _HOP.object_ref, chain.c.depth + 1)
        .join(_HOP, and_(_HOP.org_pk == bindparam("org"), _HOP.statement_id == chain.c.target_id))
        .where(_HOP.object_ref.is_not(None), chain.c.depth < MAX_REF_DEPTH)
    )
    targeting = (
        select(chain.c.start_pk)
        .join(
            _TARGET,
            and_(_TARGET.org_pk == bindparam("org"), _TARGET.statement_id == chain.c.target_id),
        )
        .where(_matches(_TARGET, q))
    )
    return _page_select(_S, q, [*_window(_S, q), _S.pk.in_(targeting)])


_HAS_REFS = (
    select(literal(1))
    .where(Statement.org_pk == bindparam("org"), Statement.object_ref.is_not(None))
    .limit(1)
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


def find_statements(session: Session, org_pk: int, q: StatementQuery) -> Page:
    """One page of statements, newest first unless `ascending`, plus whether more follow."""
    if q.related_agents and q.agent_key is not None and not q.authority_of:
        q = replace(q, authority_of=authority_credentials(session, org_pk, q.agent_key))
    # The shape alone decides the SQL: the cached queries are keyed by a copy of `q` with its
    # values replaced by placeholders, so the cache holds one entry per shape.
    template = _template(q)
    params = _params(org_pk, q)
    connection = session.connection()
    rows = list(connection.execute(_page_query(template), params).all())
    if q.has_matching_filters() and connection.execute(_HAS_REFS, {"org": org_pk}).first():
        extra = connection.execute(_targeting_query(template), params).all()
        merged = {row[0]: row for row in rows}
        merged.update({row[0]: row for row in extra})
        rows = sorted(merged.values(), key=lambda r: r[0], reverse=not q.ascending)
    more = len(rows) > q.page_size
    return Page(rows=[tuple(r) for r in rows[: q.page_size]], more=more)  # type: ignore[misc]


def _template(q: StatementQuery) -> StatementQuery:
    """A query of the same shape as `q` whose values are placeholders."""
    mark = "?"
    return StatementQuery(
        agent_key=mark if q.agent_key is not None else None,
        verb=mark if q.verb is not None else None,
        activity=mark if q.activity is not None else None,
        registration=mark if q.registration is not None else None,
        related_activities=q.related_activities,
        related_agents=q.related_agents,
        since=_EPOCH if q.since is not None else None,
        until=_EPOCH if q.until is not None else None,
        ascending=q.ascending,
        credential_pk=0 if q.credential_pk is not None else None,
        after_pk=0 if q.after_pk is not None else None,
        authority_of=(0,) if q.authority_of else (),
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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
