"""Resolving xAPI identifiers to learners, linking identifiers of one person, importing
learner attributes, and erasure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from lrs.errors import BadRequest, NotFound
from lrs.learners.models import Erasure, Learner, LearnerIdentifier
from statements.errors import Problem

TRUE = {"1", "true", "yes", "ja", "x", "y", "j"}
FALSE = {"", "0", "false", "no", "nein", "n"}


def account_key(homepage: str, name: str) -> str:
    """The identifier key of an xAPI account (as `statements.identifiers.ifi_key` makes it)."""
    return f"account:{homepage}|{name}"


def _existing(session: Session, org_pk: int, keys: Sequence[str]) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        found.update(
            (key, (pk, learner_pk))
            for key, pk, learner_pk in session.execute(
                select(
                    LearnerIdentifier.ifi_key, LearnerIdentifier.pk, LearnerIdentifier.learner_pk
                ).where(LearnerIdentifier.org_pk == org_pk, LearnerIdentifier.ifi_key.in_(chunk))
            )
        )
    return found


def ensure_identifiers(
    session: Session, org_pk: int, keys: Iterable[str]
) -> dict[str, tuple[int, int]]:
    """identifier key -> (identifier pk, learner pk); unknown identifiers become new learners.

    Concurrent requests may meet the same new person: identifiers are inserted with ON
    CONFLICT DO NOTHING, so the later one waits for the earlier to commit and then uses its
    learner (dropping the one it made) instead of failing and retrying the whole batch.
    """
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    found = _existing(session, org_pk, wanted)
    missing = [k for k in wanted if k not in found]
    if not missing:
        return found
    now = datetime.now(UTC)
    pks = session.scalars(
        insert(Learner).returning(Learner.pk, sort_by_parameter_order=True),
        [{"org_pk": org_pk, "created_at": now, "is_manager": None} for _ in missing],
    ).all()
    dialect = session.get_bind().dialect.name
    insert_identifiers = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(
        LearnerIdentifier
    )
    rows = [
        {"org_pk": org_pk, "ifi_key": key, "learner_pk": pk}
        for key, pk in zip(missing, pks, strict=True)
    ]
    made: dict[str, tuple[int, int]] = {}
    for start in range(0, len(rows), 5000):  # well below the bound-parameter limits
        made.update(
            (key, (pk, learner_pk))
            for key, pk, learner_pk in session.execute(
                insert_identifiers.values(rows[start : start + 5000])
                .on_conflict_do_nothing(index_elements=["org_pk", "ifi_key"])
                .returning(
                    LearnerIdentifier.ifi_key, LearnerIdentifier.pk, LearnerIdentifier.learner_pk
                )
            )
        )
    found.update(made)
    lost = [key for key in missing if key not in made]
    if lost:
        unused = [pk for key, pk in zip(missing, pks, strict=True) if key not in made]
        session.execute(delete(Learner).where(Learner.pk.in_(unused)))
        found.update(_existing(session, org_pk, lost))
    return found


def ensure_learners(session: Session, org_pk: int, keys: Iterable[str]) -> dict[str, int]:
    """identifier key -> learner pk; unknown identifiers become new learners."""
    return {
        key: learner for key, (_pk, learner) in ensure_identifiers(session, org_pk, keys).items()
    }


def link_identifiers(session: Session, org_pk: int, keys: Sequence[str]) -> int:
    """Make every identifier in `keys` name one learner (merging learners found); its pk.

    For the LTI tool and the adapters, which learn that two identifiers are one person, and for
    `learners import`. Projections of the merged learners are recomputed.
    """
    from lrs.projections.summaries import refresh_learners

    by_key = ensure_learners(session, org_pk, keys)
    learners = sorted(set(by_key.values()))
    keep, others = learners[0], learners[1:]
    if others:
        managers = session.scalars(select(Learner.is_manager).where(Learner.pk.in_(learners))).all()
        flags = [m for m in managers if m is not None]
        session.execute(
            update(LearnerIdentifier)
            .where(LearnerIdentifier.learner_pk.in_(others))
            .values(learner_pk=keep)
        )
        session.execute(delete(Learner).where(Learner.pk.in_(others)))
        if flags:
            session.execute(update(Learner).where(Learner.pk == keep).values(is_manager=any(flags)))
        refresh_learners(session, [keep, *others])
    return keep


@dataclass(frozen=True)
class ImportResult:
    rows: int
    learners_created: int
    managers: int


def import_learners(session: Session, org_pk: int, text: str) -> ImportResult:
    """CSV with columns `homepage,name,manager` (optional: `mbox_sha1sum`, and `also` — more
    accounts of the same person as `HOMEPAGE|NAME`, space-separated). Names stay pseudonymous
    account names; nothing else about the person is stored."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("homepage", "name", "manager") if c not in header]
    if missing:
        raise BadRequest(
            "The learner file lacks columns.",
            [Problem("header", f"needs column {c!r}") for c in missing],
        )
    reader.fieldnames = header
    problems: list[Problem] = []
    rows: list[tuple[list[str], bool | None]] = []
    for line, row in enumerate(reader, start=2):
        homepage = (row.get("homepage") or "").strip()
        name = (row.get("name") or "").strip()
        flag = (row.get("manager") or "").strip().lower()
        if not homepage or not name:
            problems.append(Problem(f"line {line}", "homepage and name are required"))
            continue
        if flag not in TRUE | FALSE:
            problems.append(Problem(f"line {line}.manager", "must be yes/no, true/false or 1/0"))
            continue
        keys = [account_key(homepage, name)]
        sha1 = (row.get("mbox_sha1sum") or "").strip().lower()
        if sha1:
            keys.append("sha1:" + sha1)
        for other in (row.get("also") or "").split():
            if "|" not in other:
                problems.append(Problem(f"line {line}.also", "accounts as HOMEPAGE|NAME"))
                continue
            keys.append("account:" + other)
        rows.append((keys, flag in TRUE if flag else None))
    if problems:
        raise BadRequest("The learner file has errors.", problems)
    before = session.scalar(select(func.count()).select_from(Learner)) or 0
    managers = 0
    for keys, is_manager in rows:
        learner_pk = (
            link_identifiers(session, org_pk, keys)
            if len(keys) > 1
            else ensure_learners(session, org_pk, keys)[keys[0]]
        )
        if is_manager is not None:
            session.execute(
                update(Learner).where(Learner.pk == learner_pk).values(is_manager=is_manager)
            )
            managers += is_manager
    session.flush()
    after = session.scalar(select(func.count()).select_from(Learner)) or 0
    return ImportResult(rows=len(rows), learners_created=after - before, managers=managers)


def _deleted(session: Session, statement: Any) -> int:
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ErasureResult:
    organisations: int
    statements: int
    documents: int


def erase_learner(session: Session, homepage: str, name: str) -> ErasureResult:
    """Remove a learner's statements, documents and derived rows in every organisation, and
    record that it happened (without the identity). DSGVO Art. 17."""
    from lrs.documents.models import Document
    from lrs.projections.facts import remove_facts
    from lrs.projections.summaries import refresh_learners
    from lrs.statement_store.models import Statement
    from lrs.statement_store.writer import delete_statements

    key = account_key(homepage, name)
    hits = session.execute(
        select(LearnerIdentifier.org_pk, LearnerIdentifier.learner_pk).where(
            LearnerIdentifier.ifi_key == key
        )
    ).all()
    if not hits:
        raise NotFound("No learner with this account.", [Problem("name", "unknown learner")])
    total_statements = total_documents = 0
    for org_pk, learner_pk in hits:
        keys = list(
            session.scalars(
                select(LearnerIdentifier.ifi_key).where(LearnerIdentifier.learner_pk == learner_pk)
            )
        )
        remove_facts(
            session,
            list(
                session.scalars(
                    select(Statement.pk).where(
                        Statement.org_pk == org_pk, Statement.actor_key.in_(keys)
                    )
                )
            ),
        )
        statements = delete_statements(
            session, Statement.org_pk == org_pk, Statement.actor_key.in_(keys)
        )
        documents = _deleted(
            session, delete(Document).where(Document.org_pk == org_pk, Document.agent_key.in_(keys))
        )
        session.execute(delete(Learner).where(Learner.pk == learner_pk))
        refresh_learners(session, [learner_pk])
        session.add(
            Erasure(
                org_pk=org_pk,
                statements=statements,
                documents=documents,
                reason="DSGVO Art. 17",
                erased_at=datetime.now(UTC),
            )
        )
        total_statements += statements
        total_documents += documents
    session.flush()
    return ErasureResult(len(hits), total_statements, total_documents)
