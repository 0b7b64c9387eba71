"""`lernspur projections rebuild`: every fact and summary recomputed from the statements.

Streams the relevant statements (verbs that can give a fact, not voided) in primary-key order
through the same pure mapping the store's listener uses, writes facts in bulk (COPY on
PostgreSQL), then recomputes all summaries with set-based SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Index, delete, func, select, text
from sqlalchemy.orm import Session

from lrs.learners.models import LearnerIdentifier
from lrs.learners.services import ensure_learners
from lrs.projections.definitions import load_definitions
from lrs.projections.facts import write_facts
from lrs.projections.models import (
    EvidenceFact,
    LearnerArea,
    LearnerCompetency,
    ParticipationFact,
    ProgrammeArea,
    ProgrammeCompetency,
    ProgrammeLearner,
    VoucherRedemption,
)
from lrs.projections.summaries import refresh_learners
from lrs.statement_store.models import Statement, StatementActivity
from statements.mapping import Facts, StatementView, map_statement

BATCH = 20_000
FACT_INDEXES: list[Index] = [
    *EvidenceFact.__table__.indexes,  # type: ignore[attr-defined]
    *ParticipationFact.__table__.indexes,  # type: ignore[attr-defined]
]
DERIVED = (
    EvidenceFact,
    ParticipationFact,
    ProgrammeArea,
    ProgrammeCompetency,
    ProgrammeLearner,
    VoucherRedemption,
    LearnerCompetency,
    LearnerArea,
)


@dataclass(frozen=True)
class RebuildResult:
    statements: int
    evidence_facts: int
    participation_facts: int


def _ensure_all_learners(session: Session, verbs: Sequence[str]) -> None:
    """Learners for every actor with a statement that can give a fact (as the listener makes
    them: only people with facts are counted, so only they need to be learners)."""
    if session.get_bind().dialect.name == "postgresql":
        _create_missing_learners(session, verbs)
        return
    known = select(LearnerIdentifier.pk).where(
        LearnerIdentifier.org_pk == Statement.org_pk,
        LearnerIdentifier.ifi_key == Statement.actor_key,
    )
    missing: dict[int, list[str]] = {}
    for org_pk, key in session.execute(
        select(Statement.org_pk, Statement.actor_key)
        .where(
            Statement.actor_key.is_not(None),
            Statement.verb_iri.in_(verbs),
            Statement.voided.is_(False),
            ~known.exists(),
        )
        .distinct()
    ):
        missing.setdefault(org_pk, []).append(str(key))
    for org_pk, keys in missing.items():
        ensure_learners(session, org_pk, keys)


def _create_missing_learners(session: Session, verbs: Sequence[str]) -> None:
    """`ensure_learners` for every missing actor at once, in one statement inside PostgreSQL:
    a first rebuild meets tens of thousands of people, whose keys need not travel to Python
    and back.

    Each identifier is inserted with a key drawn from the learners' sequence, and the learner
    is made for each identifier actually inserted (the foreign key is checked at the end of
    the statement); an identifier that a concurrent request inserted meanwhile wins (ON
    CONFLICT DO NOTHING, as in `ensure_identifiers`) and gets no second learner."""
    session.execute(
        text(
            "WITH made AS ("
            " INSERT INTO learner_identifiers (org_pk, ifi_key, learner_pk)"
            " SELECT org_pk, actor_key, nextval(pg_get_serial_sequence('learners', 'pk'))"
            " FROM (SELECT DISTINCT s.org_pk, s.actor_key FROM statements s"
            "  WHERE s.verb_iri = ANY(:verbs) AND NOT s.voided AND s.actor_key IS NOT NULL"
            "  AND NOT EXISTS (SELECT FROM learner_identifiers i"
            "   WHERE i.org_pk = s.org_pk AND i.ifi_key = s.actor_key)) AS missing"
            " ON CONFLICT (org_pk, ifi_key) DO NOTHING"
            " RETURNING org_pk, learner_pk) "
            "INSERT INTO learners (pk, org_pk, is_manager, created_at) "
            "SELECT learner_pk, org_pk, NULL, :now FROM made"
        ),
        {"verbs": list(verbs), "now": datetime.now(UTC)},
    )


def _relevant(verbs: Sequence[str]) -> tuple[Any, ...]:
    """The statements that can give facts (the raw SQL of `_relevant_rows` says the same)."""
    return (
        Statement.verb_iri.in_(verbs),
        Statement.voided.is_(False),
        Statement.actor_key.is_not(None),
    )


def _relevant_rows(session: Session, verbs: Sequence[str]) -> Iterator[Sequence[Any]]:
    """(pk, org, actor key, verb, activity, timestamp) of the statements that can give facts,
    in batches. On PostgreSQL through a server-side cursor of the driver: a million rows pass
    through no ORM row processing."""
    where = _relevant(verbs)
    columns = (
        Statement.pk,
        Statement.org_pk,
        Statement.actor_key,
        Statement.verb_iri,
        Statement.activity_iri,
        Statement.timestamp_at,
    )
    if session.get_bind().dialect.name != "postgresql":
        result = session.execute(select(*columns).where(*where).execution_options(yield_per=BATCH))
        yield from result.partitions(BATCH)
        return
    raw = session.connection().connection.driver_connection
    with raw.cursor(name="lernspur_rebuild") as cursor:  # type: ignore[union-attr]
        cursor.itersize = BATCH
        cursor.execute(
            "SELECT pk, org_pk, actor_key, verb_iri, activity_iri, timestamp_at FROM statements "
            "WHERE verb_iri = ANY(%s) AND NOT voided AND actor_key IS NOT NULL",
            (list(verbs),),
        )
        while True:
            batch = cursor.fetchmany(BATCH)
            if not batch:
                return
            yield batch


def relevant_count(session: Session, verbs: Sequence[str]) -> int:
    """How many statements `rebuild` will read (the progress bar's length)."""
    return session.scalar(select(func.count()).select_from(Statement).where(*_relevant(verbs))) or 0


def rebuild(
    session: Session,
    programme_pks: Sequence[int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RebuildResult:
    """Recompute the projections (of `programme_pks` only, if given: participation)."""
    definitions = load_definitions(session, list(programme_pks) if programme_pks else None)
    _ensure_all_learners(session, sorted(definitions.relevant_verbs()))
    if programme_pks is not None:
        session.execute(
            delete(ParticipationFact).where(ParticipationFact.programme_pk.in_(programme_pks))
        )
        definitions = type(definitions)(
            course_items={},
            item_by_uri={},
            programmes=definitions.programmes,
            evidence_verbs=frozenset(),
        )
    elif session.get_bind().dialect.name == "postgresql":
        # TRUNCATE leaves no dead rows behind for the re-inserted keys to be checked against
        # (it locks the tables until commit: readers wait for the rebuild).
        session.execute(text(f"TRUNCATE {', '.join(t.__tablename__ for t in DERIVED)}"))
        # Loading a million facts and then indexing them is faster than indexing each row.
        for index in FACT_INDEXES:
            index.drop(session.connection())
    else:
        for table in DERIVED:
            session.execute(delete(table))
    verbs = sorted(definitions.relevant_verbs())
    context: dict[int, list[str]] = {}
    if definitions.item_by_uri:
        for statement_pk, iri in session.execute(
            select(StatementActivity.statement_pk, StatementActivity.activity_iri).where(
                StatementActivity.activity_iri.in_(list(definitions.item_by_uri))
            )
        ):
            context.setdefault(statement_pk, []).append(iri)
    identifiers = {
        (org, key): pk
        for pk, org, key in session.execute(
            select(LearnerIdentifier.pk, LearnerIdentifier.org_pk, LearnerIdentifier.ifi_key)
        )
    }
    seen = evidence = participation = 0
    for partition in _relevant_rows(session, verbs):
        facts = Facts()
        for pk, org_pk, actor, verb, activity, timestamp in partition:
            map_statement(
                StatementView(
                    ref=pk,
                    org=org_pk,
                    actor=actor,
                    verb=verb,
                    activity=activity,
                    context_activities=tuple(context.get(pk, ())),
                    timestamp=timestamp,
                ),
                definitions,
                facts,
            )
        write_facts(session, facts, identifiers)
        seen += len(partition)
        evidence += len(facts.evidence)
        participation += len(facts.participation)
        if progress is not None:
            progress(len(partition))
    if programme_pks is None and session.get_bind().dialect.name == "postgresql":
        for index in FACT_INDEXES:
            index.create(session.connection())
    refresh_learners(session, None, list(programme_pks) if programme_pks is not None else None)
    session.flush()
    return RebuildResult(seen, evidence, participation)


def vacuum_analyze(engine: Any) -> None:
    """After a rebuild (committed), refresh PostgreSQL's statistics and visibility map of the
    derived tables, so that reports plan well and use index-only scans at once."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM ANALYZE {', '.join(t.__tablename__ for t in DERIVED)}"))
