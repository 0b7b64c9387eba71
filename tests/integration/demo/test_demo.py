"""`lernspur demo seed` / `demo clear`: marked, idempotent, removable demo data."""

from __future__ import annotations

from sqlalchemy import func, select

from lrs.accounts.models import User
from lrs.demo.seed import clear, seed
from lrs.learners.models import Learner
from lrs.programmes.services import get_programme
from lrs.projections.models import ProgrammeLearner
from lrs.reports import services
from lrs.statement_store.models import Statement


def _count(session, table):
    return session.scalar(select(func.count()).select_from(table))


def test_seed_is_idempotent_marked_and_clear_removes_it(app, db_session):
    from lrs.projections import listener  # noqa: F401

    first = seed(db_session, "http://lrs.test", scale=0.05)
    assert first.seeded
    assert first.statements == _count(db_session, Statement) > 0
    assert {m.programme for m in first.managers} == {
        "kommunalcampus-vouchers",
        "nachwuchs-steinfurt",
        "zukunft-bewegen",
    }
    assert all(m.email.endswith("@demo.lernspur.de") for m in first.managers)
    bodies = db_session.scalars(select(Statement.body).limit(5)).all()
    assert all(
        b["context"]["extensions"]["https://lernspur.de/xapi/extensions/demo"] for b in bodies
    )
    participants = _count(db_session, ProgrammeLearner)
    assert participants > 0

    again = seed(db_session, "http://lrs.test", scale=0.05)
    assert not again.seeded
    assert _count(db_session, Statement) == first.statements
    assert _count(db_session, ProgrammeLearner) == participants

    with app.app_context():
        figures = services.compute(db_session, get_programme(db_session, "zukunft-bewegen"))
        assert services.report(figures)["programme"] == "zukunft-bewegen"

    assert clear(db_session) == first.statements
    assert _count(db_session, Statement) == 0
    assert _count(db_session, Learner) == 0
    assert _count(db_session, ProgrammeLearner) == 0
    assert db_session.scalar(select(func.count()).select_from(User)) == 0
