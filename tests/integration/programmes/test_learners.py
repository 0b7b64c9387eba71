"""Learners: unknown actors become learners, several identifiers of one person are linked
(also after the fact), attributes come from a CSV, erasure removes everything."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lrs.errors import BadRequest
from lrs.learners.models import Erasure, Learner, LearnerIdentifier
from lrs.learners.services import erase_learner, import_learners
from lrs.statement_store.models import Statement, StatementActivity, StatementAgent
from tests.integration.programmes.conftest import (
    ATTEMPTED,
    COMPLETED,
    COURSE,
    account,
    statement,
)

HOME = "https://moodle.kommune-01.de"
EAKTE = COURSE + "e-akte-grundlagen"


def _participants(programmes, token):
    # kommune-01's own cell is withheld (the other eight organisations' zeros would give it
    # away); the programme total is what these tests read.
    return programmes.api("programmes/zukunft-bewegen/report", token).get_json()["participants"]


def test_unknown_actors_become_learners_without_names(programmes, db_session):
    programmes.load("zukunft-bewegen")
    named = statement(
        account(HOME, "7"), COMPLETED, COURSE + "selbstlernen", "2013-01-01T00:00:00Z"
    )
    named["actor"]["name"] = "Erika Mustermann"
    programmes.post("kommune-01", [named])
    keys = db_session.scalars(select(LearnerIdentifier.ifi_key)).all()
    assert keys == [f"account:{HOME}|7"]
    assert db_session.scalar(select(func.count()).select_from(Learner)) == 1


def test_rebuild_makes_learners_of_actors_with_relevant_statements_once(programmes, db_session):
    # Completions of a course outside the catalogue, in an organisation of no programme: no
    # fact, so the live path makes no learners; the rebuild makes one per actor (not for the
    # one who only attempted), keeps the learner an actor already has, and makes none again.
    programmes.load("zukunft-bewegen")
    other = "https://lms.example.org/course/1"
    when = "2013-01-01T00:00:00Z"
    programmes.post("kommune-01", [statement(account(HOME, "known"), COMPLETED, EAKTE, when)])
    known = db_session.scalar(select(LearnerIdentifier.learner_pk))
    programmes.post(
        "elsewhere",
        [statement(account(HOME, str(n)), COMPLETED, other, when) for n in range(3)]
        + [
            statement(account(HOME, "0"), COMPLETED, other, when),
            statement(account(HOME, "tries"), ATTEMPTED, other, when),
        ],
    )
    assert db_session.scalar(select(func.count()).select_from(Learner)) == 1

    def identifiers():
        return db_session.execute(
            select(LearnerIdentifier.ifi_key, LearnerIdentifier.learner_pk).order_by(
                LearnerIdentifier.ifi_key
            )
        ).all()

    programmes.rebuild()
    made = identifiers()
    assert [key for key, _learner in made] == [
        f"account:{HOME}|{name}" for name in ("0", "1", "2", "known")
    ]
    assert dict(made)[f"account:{HOME}|known"] == known
    assert len({learner for _key, learner in made}) == 4
    assert db_session.scalar(select(func.count()).select_from(Learner)) == 4
    programmes.rebuild()
    assert identifiers() == made
    assert db_session.scalar(select(func.count()).select_from(Learner)) == 4


def test_identifiers_linked_after_the_fact_count_as_one_person(programmes):
    programmes.load("zukunft-bewegen")
    token = programmes.token("zukunft-bewegen")
    when = "2013-02-01T00:00:00Z"
    # Five people through the platform's accounts, and person 0 again through her LTI account
    # on the tool's other issuer: six identifiers.
    history = [
        statement(account(HOME, str(n)), COMPLETED, COURSE + "selbstlernen", when) for n in range(5)
    ]
    history.append(
        statement(
            account("https://lti.example.org", "sub-0"), COMPLETED, COURSE + "selbstlernen", when
        )
    )
    programmes.post("kommune-01", history)
    assert _participants(programmes, token) == 6
    programmes.learners(
        "kommune-01", f"homepage,name,manager,also\n{HOME},0,no,https://lti.example.org|sub-0\n"
    )
    assert _participants(programmes, token) == 5
    programmes.rebuild()
    assert _participants(programmes, token) == 5


def test_learner_file_errors_name_line_and_column(programmes, db_session):
    programmes.load("zukunft-bewegen")
    from lrs.auth.services import get_organisation

    org = get_organisation(db_session, "kommune-01")
    with pytest.raises(BadRequest) as missing:
        import_learners(db_session, org.pk, "homepage,name\nx,y\n")
    assert missing.value.details[0].rule == "needs column 'manager'"
    with pytest.raises(BadRequest) as bad:
        import_learners(db_session, org.pk, "homepage,name,manager\nx,y,vielleicht\n")
    assert bad.value.details[0].path == "line 2.manager"


def test_erasure_also_removes_the_filter_rows_of_the_erased_statements(programmes, db_session):
    """Side rows (related agents and activities) are keyed by statement, without a foreign
    key: erasing a learner's statements must take them along, or GET /statements with
    related_activities / related_agents would still find traces of the person."""
    programmes.load("zukunft-bewegen")
    erased, kept = (
        statement(account(HOME, name), COMPLETED, COURSE + "selbstlernen", "2013-02-01T00:00:00Z")
        for name in ("3", "4")
    )
    for stmt in (erased, kept):
        stmt["context"] = {
            "instructor": account(HOME, "trainer"),
            "contextActivities": {"grouping": [{"id": "https://example.org/programme"}]},
        }
    programmes.post("kommune-01", [erased, kept])
    erase_learner(db_session, HOME, "3")
    db_session.commit()
    remaining = set(db_session.scalars(select(Statement.pk)))
    for side in (StatementAgent, StatementActivity):
        owners = set(db_session.scalars(select(side.statement_pk)))
        assert owners == remaining, side.__tablename__


def test_erasure_removes_statements_and_figures_and_records_only_that_it_happened(
    programmes, db_session
):
    programmes.load("zukunft-bewegen")
    token = programmes.token("zukunft-bewegen")
    programmes.post(
        "kommune-01",
        [
            statement(
                account(HOME, str(n)), COMPLETED, COURSE + "selbstlernen", "2013-02-01T00:00:00Z"
            )
            for n in range(6)
        ],
    )
    assert _participants(programmes, token) == 6
    result = erase_learner(db_session, HOME, "3")
    db_session.commit()
    assert result.statements == 1
    assert _participants(programmes, token) == 5
    actors = db_session.scalars(select(Statement.actor_key)).all()
    assert f"account:{HOME}|3" not in actors
    (record,) = db_session.scalars(select(Erasure)).all()
    assert record.statements == 1
    assert not any("3" in str(v) for v in (record.reason,))
