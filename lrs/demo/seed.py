"""Generating the demo data set, and removing it again.

Everything generated is marked: the credentials are labelled `demo-seed`, learners' accounts
live on `https://demo.lernspur.de/<organisation>`, statements carry the context extension
`https://lernspur.de/xapi/extensions/demo`, and the managers' addresses end in
`@demo.lernspur.de`. The example framework, catalogue and programmes stay after `demo clear`.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from lrs.accounts.models import User
from lrs.auth.models import Credential, Organisation
from lrs.auth.services import create_credential, principal_for
from lrs.catalogue.services import load_catalogue
from lrs.competencies.services import import_framework, read_framework_file
from lrs.learners.models import Learner, LearnerIdentifier
from lrs.learners.services import ensure_learners
from lrs.programmes.managers import IssuedManager, create_manager
from lrs.programmes.models import Programme
from lrs.programmes.services import get_programme, load_programme
from lrs.projections.rebuild import rebuild
from lrs.statement_store.models import Statement
from lrs.statement_store.services import store_statements
from lrs.statement_store.writer import delete_statements

# The sample files of ../shared/examples (captured requests aside), unchanged: the demo loads
# them, the tests check that every one of them is accepted.
EXAMPLES = Path(__file__).parent / "examples"
LABEL = "demo-seed"
HOME = "https://demo.lernspur.de/"
EXTENSION = "https://lernspur.de/xapi/extensions/demo"
NAMESPACE = uuid.UUID("6f1c2f0e-9c55-4d3e-9a1e-3b8f1f3c2a10")
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
BATCH = 500


@dataclass(frozen=True)
class SeedResult:
    seeded: bool
    learners: int
    statements: int
    managers: list[IssuedManager]


def load_examples(session: Session) -> list[str]:
    """The example framework, catalogue and programmes (shipped with the package)."""
    import_framework(
        session,
        read_framework_file(EXAMPLES / "frameworks" / "kompetenzmodell-kommunal.case.json"),
        "kompetenzmodell-kommunal",
    )
    load_catalogue(session, yaml.safe_load((EXAMPLES / "catalogue.yaml").read_text("utf-8")))
    slugs = []
    for path in sorted((EXAMPLES / "programmes").glob("*.yaml")):
        slugs.append(load_programme(session, yaml.safe_load(path.read_text("utf-8"))).slug)
    return slugs


def is_seeded(session: Session) -> bool:
    return session.scalar(select(Credential.pk).where(Credential.label == LABEL)) is not None


def _statement(
    org: str, learner: int, verb: str, activity: str, when: datetime, n: int
) -> dict[str, Any]:
    actor = {"objectType": "Agent", "account": {"homePage": HOME + org, "name": f"d{learner}"}}
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"{org}/{learner}/{n}")),
        "actor": actor,
        "verb": {"id": verb, "display": {"de": verb.rsplit("/", 1)[1]}},
        "object": {"objectType": "Activity", "id": activity},
        "context": {"extensions": {EXTENSION: True}},
        "timestamp": when.isoformat().replace("+00:00", "Z"),
    }


def _at(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = (end - start).total_seconds()
    # More activity later in a runtime, as programmes gather pace.
    return start + timedelta(seconds=int(span * rng.random() ** 0.7))


def _history(
    rng: random.Random,
    programme: Programme,
    org: str,
    headcount: int,
    courses: list[str],
    scale: float,
) -> tuple[list[dict[str, Any]], list[int]]:
    start, end = programme.starts_at, programme.ends_at
    vouchers = bool(programme.definition.get("vouchers"))
    statements: list[dict[str, Any]] = []
    managers: list[int] = []
    people = int(headcount * rng.uniform(0.25, 0.45) * scale)
    for learner in range(people):
        n = 0
        is_manager = rng.random() < 0.12
        if is_manager:
            managers.append(learner)
        if rng.random() < 0.3:  # trained before the programme began
            before = start - timedelta(days=rng.randint(30, 700))
            statements.append(_statement(org, learner, COMPLETED, rng.choice(courses), before, n))
            n += 1
        for course in rng.sample(courses, k=min(len(courses), rng.choice([1, 1, 2, 3]))):
            when = _at(rng, start, end)
            if vouchers or rng.random() < 0.5:
                statements.append(_statement(org, learner, LAUNCHED, course, when, n))
                n += 1
            if rng.random() < (0.8 if is_manager else 0.6):
                done = min(when + timedelta(days=rng.randint(1, 40)), end - timedelta(hours=1))
                verb = PASSED if rng.random() < 0.2 else COMPLETED
                statements.append(_statement(org, learner, verb, course, done, n))
                n += 1
    return statements, managers


def seed(session: Session, base_url: str, scale: float = 1.0) -> SeedResult:
    """Load the examples, and once per database generate the demo learners and statements."""
    slugs = load_examples(session)
    session.flush()
    if is_seeded(session):
        rebuild(session)
        return SeedResult(False, 0, 0, [])
    rng = random.Random(2026)  # noqa: S311 - demo data, not cryptography
    from lrs.catalogue.models import CatalogueCourse

    all_courses = dict(
        session.execute(select(CatalogueCourse.slug, CatalogueCourse.activity_iri)).all()
    )
    total_statements = total_learners = 0
    for slug in slugs:
        programme = get_programme(session, slug)
        eligible = programme.definition["eligible"]
        courses = (
            list(all_courses.values())
            if eligible == "all"
            else [all_courses[c] for c in eligible["courses"]]
        )
        for member in programme.members:
            organisation = session.get(Organisation, member.org_pk)
            assert organisation is not None
            issued = create_credential(session, organisation, ["all"], label=LABEL)
            principal = principal_for(issued.credential)
            statements, managers = _history(
                rng, programme, organisation.slug, member.headcount, courses, scale
            )
            for start in range(0, len(statements), BATCH):
                store_statements(
                    session, principal, statements[start : start + BATCH], "1.0.3", base_url
                )
            learners = ensure_learners(
                session,
                organisation.pk,
                [f"account:{HOME}{organisation.slug}|d{n}" for n in managers],
            )
            if learners:
                session.execute(
                    update(Learner)
                    .where(Learner.pk.in_(list(learners.values())))
                    .values(is_manager=True)
                )
            total_statements += len(statements)
            total_learners += len({s["actor"]["account"]["name"] for s in statements})
    # Managers were marked after their statements: recompute once, as `projections rebuild`.
    rebuild(session)
    issued_managers = [create_manager(session, slug, f"{slug}@demo.lernspur.de") for slug in slugs]
    return SeedResult(True, total_learners, total_statements, issued_managers)


def clear(session: Session) -> int:
    """Remove the generated learners, statements, credentials and managers; the statements
    removed."""
    credentials = list(session.scalars(select(Credential.pk).where(Credential.label == LABEL)))
    removed = 0
    if credentials:
        removed = delete_statements(session, Statement.credential_pk.in_(credentials))
        session.execute(delete(Credential).where(Credential.pk.in_(credentials)))
    demo_learners = select(LearnerIdentifier.learner_pk).where(
        LearnerIdentifier.ifi_key.like(f"account:{HOME}%")
    )
    session.execute(delete(Learner).where(Learner.pk.in_(demo_learners)))
    session.execute(delete(User).where(User.email.like("%@demo.lernspur.de")))
    rebuild(session)
    return removed
